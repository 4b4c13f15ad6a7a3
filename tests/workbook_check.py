#!/usr/bin/python3
"""workbook_check.py: checks the finance workbook of one report folder
(SPEC §7) against the CSV files written next to it.

usage: workbook_check.py REPORT_DIR [--max-rows N] [--continued SHEET]...
                         [--text TEXT]...

  --max-rows N       the row limit the workbook was written with
                     (ARBITER_XLSX_MAX_ROWS); every table sheet must be split
                     into exactly ceil(rows / (N - 1)) parts of at most N rows
  --continued SHEET  SHEET must have gone on to "SHEET (2)"
  --text TEXT        a cell must hold TEXT exactly, as a string (input text
                     that looks like a formula must stay text)

Needs openpyxl; run with /usr/bin/python3. Exit 0 when every check passes,
1 otherwise, after printing every failure.
"""
import argparse
import csv
import datetime
import glob
import math
import os
import re
import sys
import zipfile
from collections import Counter, defaultdict
from decimal import Decimal

import openpyxl

EXCEL_MAX_ROWS = 1048576
EXPONENTS = {"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
             "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0,
             "KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0,
             "XAF": 0, "XOF": 0, "XPF": 0}
TABLE_SHEETS = ["Refund queue", "Seller payouts", "Claims", "Manual review",
                "Escrow aging", "Rejects", "Adjustments"]
SHEETS = ["Summary"] + TABLE_SHEETS
# the payee of an adjustment that a rerun before schema version 7 listed
NOT_KEPT = "not kept: listed by an older arbiter"
MONEY_FORMAT = re.compile(r'#,##0(?:\.(0+))? "([A-Z]{3})"(?:_\))?')

failures = []


def expect(ok, message):
    if not ok:
        failures.append(message)
    return ok


class Blank(Decimal):
    """An empty cell in a formula: 0 in arithmetic, equal to "" (Excel)."""
    def __new__(cls):
        return Decimal.__new__(cls, 0)

    def __eq__(self, other):
        return other == "" or Decimal.__eq__(self, other)

    __hash__ = Decimal.__hash__


def formula_value(ws, formula):
    """What Excel computes for one of the workbook's check formulas (IF,
    AND, OR, ROUND, =, <>, + and - over cells of ws), so that a formula
    naming the wrong column fails even though its cached value, which the
    program writes itself, says OK."""
    def cell(ref):
        value = ws[ref].value
        return Blank() if value is None else Decimal(str(value))
    expr = re.sub(r"\b([A-Z]{1,3}[0-9]+)\b", r'cell("\1")', formula[1:])
    expr = expr.replace("<>", "!=").replace("IF(", "if_(").replace("AND(", "all_(")
    expr = expr.replace("OR(", "any_(").replace("ROUND(", "round(")
    expr = re.sub(r"(?<![!=<>])=(?!=)", "==", expr)
    return eval(expr, {"cell": cell, "round": round,  # the program's own formula, not input
                       "if_": lambda c, a, b: a if c else b,
                       "all_": lambda *c: all(c), "any_": lambda *c: any(c)})


def expect_check_cell(ws, wv, c, what):
    """c holds a check formula that Excel computes to OK, and whose cached
    value says the same."""
    formula = str(c.value)
    expect(formula.startswith("=IF(") and wv[c.coordinate].value == "OK"
           and formula_value(ws, formula) == "OK",
           f"{what}: check cell {formula!r}, cached {wv[c.coordinate].value!r}")


def exponent(currency):
    return EXPONENTS.get(currency, 2)


def spec_file_name(label):
    """The rejects.csv name of a workbook's file label: "overrides.csv added
    by rerun k" is overrides.csv there (SPEC 6)."""
    return "overrides.csv" if label.startswith("overrides.csv") else label


def read_csv(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8", errors="surrogateescape") as f:
        return list(csv.DictReader(f))


def as_decimal(value, currency):
    """A money cell's value as the exact decimal it stands for."""
    return Decimal(repr(round(float(value), exponent(currency)))).quantize(
        Decimal(1).scaleb(-exponent(currency)))


def as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else None


class Table:
    """A table sheet and its continuation sheets, read as one."""

    def __init__(self, book, values, name, max_rows):
        self.name = name
        self.parts = [name] + [f"{name} ({n})" for n in range(2, 1000)
                               if f"{name} ({n})" in book.sheetnames]
        self.header = None
        self.rows = []         # openpyxl cells (formulas as written)
        self.values = []       # cached values
        self.note = None       # the "nothing here" line of an empty table
        for part in self.parts:
            ws, wv = book[part], values[part]
            header = [c.value for c in ws[1]]
            expect(self.header is None or header == self.header,
                   f"{part}: header {header} differs from {name}'s")
            self.header = self.header or header
            expect(all(c.font.b for c in ws[1] if c.value is not None),
                   f"{part}: header row is not bold")
            expect(ws.freeze_panes == "A2", f"{part}: header not frozen ({ws.freeze_panes})")
            last = openpyxl.utils.get_column_letter(len(header))
            expect(ws.auto_filter.ref == f"A1:{last}{ws.max_row}",
                   f"{part}: autofilter {ws.auto_filter.ref}, want A1:{last}{ws.max_row}")
            expect(ws.max_row <= max_rows, f"{part}: {ws.max_row} rows, limit {max_rows}")
            for column in range(1, len(header) + 1):
                width = ws.column_dimensions[openpyxl.utils.get_column_letter(column)].width
                expect(width and width >= len(str(header[column - 1])),
                       f"{part}: column {header[column - 1]} too narrow ({width})")
            for cells, cached in zip(ws.iter_rows(min_row=2), wv.iter_rows(min_row=2)):
                self.rows.append(cells)
                self.values.append([c.value for c in cached])
        if len(self.rows) == 1 and all(c.value is None for c in self.rows[0][1:]) \
                and isinstance(self.rows[0][0].value, str) and self.rows[0][0].font.i:
            self.note = self.rows[0][0].value
            self.rows, self.values = [], []
        expect(len(self.parts) == max(1, math.ceil(len(self.rows) / (max_rows - 1))),
               f"{name}: {len(self.rows)} rows in {len(self.parts)} sheet(s) with a limit of"
               f" {max_rows} rows")

    def col(self, header):
        return self.header.index(header)

    def cells(self, header):
        i = self.col(header)
        return [row[i] for row in self.rows]


def check_money_cell(cell, currency, where):
    if cell.value is None:
        return
    expect(isinstance(cell.value, (int, float)) and cell.data_type == "n",
           f"{where}: money {cell.value!r} is not a number")
    m = MONEY_FORMAT.fullmatch(cell.number_format)
    if expect(m, f"{where}: money format {cell.number_format!r}"):
        decimals = len(m.group(1) or "")
        expect(m.group(2) == currency and decimals == exponent(currency),
               f"{where}: format {cell.number_format!r} for {currency}"
               f" (want {exponent(currency)} decimals)")


def check_types(table, ids=(), dates=(), ints=(), money=()):
    """Cell types by column: IDs strings, dates dates, counts integers,
    money numbers in the row currency's format."""
    currency_col = table.col("Currency") if "Currency" in table.header else None
    for r, row in enumerate(table.rows, start=2):
        where = f"{table.name} row {r}"
        for h in ids:
            c = row[table.col(h)]
            expect(c.value is None or (isinstance(c.value, str) and c.data_type == "s"),
                   f"{where}: {h} {c.value!r} is not a string")
        for h in dates:
            c = row[table.col(h)]
            expect(c.value is None or (c.is_date and as_date(c.value)),
                   f"{where}: {h} {c.value!r} ({c.number_format}) is not a date")
        for h in ints:
            c = row[table.col(h)]
            expect(isinstance(c.value, int), f"{where}: {h} {c.value!r} is not an integer")
        for h in money:
            check_money_cell(row[table.col(h)], row[currency_col].value, f"{where} {h}")


def summary_section(ws, title):
    """The header and rows of the Summary section under `title`."""
    rows = [[c for c in r] for r in ws.iter_rows()]
    for i, r in enumerate(rows):
        if r[0].value == title:
            header = [c.value for c in rows[i + 1] if c.value is not None]
            body = []
            for r2 in rows[i + 2:]:
                if r2[0].value is None or r2[0].font.i:
                    break
                body.append(r2[:len(header)])
            return header, body
    expect(False, f"Summary: no section {title!r}")
    return [], []


def sums_by_currency(rows, field):
    total = defaultdict(Decimal)
    for r in rows:
        total[r["currency"]] += Decimal(r[field])
    return total


def check_summary(book, values, folder, refunds, releases, aging, release_fees):
    ws, wv = book["Summary"], values["Summary"]
    expect(ws.freeze_panes == "A2", f"Summary: title row not frozen ({ws.freeze_panes})")
    labels = {r[0].value: r[1] for r in ws.iter_rows() if r[0].value}
    date = os.path.basename(os.path.dirname(os.path.abspath(folder)))
    expect(as_date(labels.get("Batch (as of)").value) == datetime.date.fromisoformat(date),
           f"Summary: batch date {labels.get('Batch (as of)').value} for folder {date}")
    revision = int(os.path.basename(os.path.abspath(folder))[1:])
    expect(labels.get("Revision").value == revision, "Summary: revision")
    written_by = labels.get("Written by").value
    expect(written_by == "the night's run" if revision == 1 else
           re.fullmatch(r"a rerun of batch \d{4}-\d\d-\d\d \(its revision \d+ lists the adjustments\)",
                        written_by or ""), f"Summary: written by {written_by!r}, revision {revision}")
    in_effect_text = labels.get("In effect").value
    expect(in_effect_text == "yes, when written" or
           re.fullmatch(r"no: replaced by revision (\d+) \(folder r\1\)", in_effect_text or ""),
           f"Summary: in effect {in_effect_text!r}")
    for label in ("Run started (UTC)", "Run finished (UTC)"):
        expect(isinstance(labels[label].value, datetime.datetime), f"Summary: {label} not a time")

    header, body = summary_section(ws, "Input rows (rows = accepted + duplicates + rejected)")
    files = [r[0].value for r in body]
    added = [re.fullmatch(r"overrides\.csv added by revision ([1-9][0-9]*)", f or "")
             for f in files[4:]]
    added = [int(m.group(1)) if m else 0 for m in added]
    expect(files[:4] == ["orders.csv", "tracking.csv", "claims.csv", "overrides.csv"] and
           all(1 < k <= revision for k in added) and added == sorted(set(added)),
           f"Summary: files listed {files}")
    for k in added:  # the rerun that added the file wrote that revision's folder
        expect(os.path.isdir(os.path.join(os.path.dirname(os.path.abspath(folder)), f"r{k}")),
               f"Summary: overrides.csv added by revision {k}, and no folder r{k}")
    rejects = Counter(r["file"] for r in read_csv(folder, "rejects.csv"))
    rejected = Counter()  # by the name rejects.csv gives (an added file's is overrides.csv)
    for r in body:
        n = [c.value for c in r[2:6]]
        expect(all(isinstance(v, int) for v in n) and n[0] == n[1] + n[2] + n[3],
               f"Summary: {r[0].value} rows {n} do not add up")
        rejected[spec_file_name(r[0].value)] += n[3]
        expect_check_cell(ws, wv, r[6], f"Summary: {r[0].value}")

    expect(+rejected == +rejects,
           f"Summary: rejected rows {dict(rejected)} != rejects.csv {dict(rejects)}")

    header, body = summary_section(ws, "Claims evaluated, by status and rule")
    decisions = read_csv(folder, "decisions.csv")
    counts = Counter((d["status"], d["rule"]) for d in decisions)
    got = {(r[0].value, r[1].value): r[2].value for r in body if r[0].value != "All claims"}
    expect(got == dict(counts), f"Summary: claims by status and rule {got} != {dict(counts)}")

    in_effect = labels["In effect"].value == "yes, when written"
    notes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    expect(in_effect or any("so are the seller responses and deliveries that the Claims" in n
                            for n in notes),
           "Summary: a replaced revision does not say whose claim facts its Claims sheet shows")
    header, body = summary_section(ws, "Escrow by currency")
    expect(header[0] == "Currency" and header[-1] == "Check", f"Summary: escrow header {header}")
    refunded = sums_by_currency(refunds, "amount")
    released = sums_by_currency(releases, "gross")
    fees = sums_by_currency(releases, "fee")
    paid = sums_by_currency(releases, "net")
    held = {cur: total for cur, total in aging.items()}
    seen = set()
    for r in body:
        cur = r[0].value
        seen.add(cur)
        v = {h: r[i].value for i, h in enumerate(header)}
        for i, h in enumerate(header[1:-1], start=1):
            check_money_cell(r[i], cur, f"Summary escrow {cur} {h}")
        if not in_effect:  # a replaced revision: open orders cannot be rebuilt
            expect(v["Open orders (amount)"] is None, f"Summary: {cur} open orders of a replaced revision")
            v["Open orders (amount)"] = v["Closing escrow"]
        d = {h: as_decimal(v[h], cur) for h in header[1:-1]}
        expect(d["Refunded"] == refunded.get(cur, 0),
               f"Summary: {cur} refunded {d['Refunded']} != refunds.csv {refunded.get(cur, 0)}")
        expect(d["Released (gross)"] == released.get(cur, 0),
               f"Summary: {cur} released {d['Released (gross)']} != releases.csv"
               f" {released.get(cur, 0)}")
        expect(d["Fees (in released)"] == fees.get(cur, 0),
               f"Summary: {cur} fees {d['Fees (in released)']} != releases.csv {fees.get(cur, 0)}")
        expect(d["Paid to sellers (net)"] == paid.get(cur, 0),
               f"Summary: {cur} net {d['Paid to sellers (net)']} != releases.csv {paid.get(cur, 0)}")
        expect(d["Opening escrow"] + d["Captured"] - d["Released (gross)"] - d["Refunded"]
               == d["Closing escrow"] == d["Open orders (amount)"], f"Summary: {cur} does not reconcile")
        expect(not in_effect or d["Open orders (amount)"] == held.get(cur, 0),
               f"Summary: {cur} open orders {d['Open orders (amount)']} != Escrow aging {held.get(cur)}")
        expect_check_cell(ws, wv, r[-1], f"Summary: {cur}")
    expect(seen >= set(refunded) | set(released) | set(held),
           f"Summary: currencies {sorted(seen)} miss some of the CSVs'")

    header, body = summary_section(ws, "Refunds queued, by payment method")
    by_method = Counter(r["payment_method"] for r in refunds)
    expect({r[0].value: r[1].value for r in body} == dict(by_method),
           "Summary: refunds by payment method")
    with zipfile.ZipFile(glob.glob(os.path.join(folder, "*.xlsx"))[0]) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    expect(bool(charts) == bool(refunds), f"Summary: charts {charts} with {len(refunds)} refunds")

    adjustments = read_csv(folder, "adjustments.csv")
    title = "Adjustments of this rerun, by kind and currency"
    if not adjustments:
        expect(all(r[0].value != title for r in ws.iter_rows()),
               "Summary: an adjustments section without adjustments.csv rows")
        return
    want = defaultdict(lambda: [0, Decimal(0), 0, Decimal(0)])
    for a in adjustments:
        w = want[(a["kind"], a["currency"])]
        i = 0 if a["action"] == "cancel" else 2
        w[i] += 1
        w[i + 1] += Decimal(a["amount"])
    header, body = summary_section(ws, title)
    got = {}
    for r in body:
        kind, cur = r[0].value, r[1].value
        for i in (3, 5, 6):
            check_money_cell(r[i], cur, f"Summary adjustments {kind} {cur} {header[i]}")
        cancelled, added = as_decimal(r[3].value, cur), as_decimal(r[5].value, cur)
        got[(kind, cur)] = [r[2].value, cancelled, r[4].value, added]
        expect(as_decimal(r[6].value, cur) == added - cancelled,
               f"Summary: adjustments {kind} {cur} net {r[6].value} != {added} - {cancelled}")
        fee, net = (None if r[i].value is None else as_decimal(r[i].value, cur) for i in (7, 8))
        want_fee = release_fees.get(cur) if kind == "release" else None
        expect((fee, net) == (want_fee, None if want_fee is None else
                              added - cancelled - want_fee),
               f"Summary: adjustments {kind} {cur} fee {fee}, net to sellers {net}; the"
               f" Adjustments sheet's fees net to {want_fee}")
    expect(got == dict(want), f"Summary: adjustments {got} != adjustments.csv {dict(want)}")


def check_zip(path):
    """The zip is whole, and src/workbook-deflate.c made every part deflate
    at zlib level 1: minizip then sets general-purpose flag bits 1 and 2."""
    with zipfile.ZipFile(path) as z:
        expect(z.testzip() is None, f"{path}: a zip entry fails its CRC")
        slow = [i.filename for i in z.infolist()
                if i.compress_type == zipfile.ZIP_DEFLATED and i.flag_bits & 6 != 6]
    expect(not slow, f"{path}: parts not deflated at the fastest level: {slow}")


def batch_date(folder):
    """The as-of date of the batch whose reports are in folder (<D>/r<k>)."""
    return os.path.basename(os.path.dirname(os.path.abspath(folder)))


def check_adjustment_party(d, r, a, refunds, releases, date):
    """An Adjustments row's fee and net (a release's only, net = amount -
    fee) and who is paid and how; an add of this batch's own refund or
    release says what refunds.csv or releases.csv of its folder say."""
    where = f"Adjustments: {a['action']} {a['kind']} {a['id']}"
    cur = a["currency"]
    cell = {h: r[d.col(h)].value for h in ("Fee", "Net to seller", "Buyer or seller",
                                           "Payment method")}
    fee, net = (None if cell[h] is None else as_decimal(cell[h], cur)
                for h in ("Fee", "Net to seller"))
    if cell["Buyer or seller"] == NOT_KEPT:
        # a rerun of an arbiter before schema version 7 kept none of them
        expect(fee is None and net is None and cell["Payment method"] is None,
               f"{where}: not kept, yet fee {fee}, net {net}, method {cell['Payment method']!r}")
        return
    release = a["kind"] == "release"
    expect((fee is not None) == release and (net is not None) == release
           and (not release or net == Decimal(a["amount"]) - fee),
           f"{where}: fee {fee}, net {net} for amount {a['amount']}")
    expect(cell["Buyer or seller"] and (cell["Payment method"] is None) == release,
           f"{where}: paid by or to {cell['Buyer or seller']!r} by {cell['Payment method']!r}")
    if a["action"] != "add" or a["batch"] != date:
        return
    if release:
        own = [x for x in releases if x["order_id"] == a["id"]]
        expect(len(own) == 1 and (own[0]["seller_id"], Decimal(own[0]["fee"]),
                                  Decimal(own[0]["net"])) == (cell["Buyer or seller"], fee, net),
               f"{where}: not as releases.csv: {own}")
    elif a["kind"] == "refund":
        own = [x for x in refunds if x["refund_id"] == a["id"]]
        expect(len(own) == 1 and (own[0]["buyer_id"], own[0]["payment_method"]) ==
               (cell["Buyer or seller"], cell["Payment method"]),
               f"{where}: not as refunds.csv: {own}")


def check(folder, max_rows, continued, texts):
    paths = glob.glob(os.path.join(folder, "*.xlsx"))
    if not expect(len(paths) == 1, f"{folder}: {len(paths)} workbooks"):
        return
    expect(not glob.glob(os.path.join(folder, "*.tmp")), f"{folder}: a .tmp file is left")
    check_zip(paths[0])
    book = openpyxl.load_workbook(paths[0])
    values = openpyxl.load_workbook(paths[0], data_only=True)

    # Sheet names: the sheets of SPEC §7 in order, each followed by its parts.
    bases = [re.sub(r" \(\d+\)$", "", n) for n in book.sheetnames]
    expect([b for i, b in enumerate(bases) if i == 0 or bases[i - 1] != b] == SHEETS,
           f"sheet names {book.sheetnames}")
    for name in continued:
        expect(f"{name} (2)" in book.sheetnames, f"{name} did not continue on '{name} (2)'")

    refunds = read_csv(folder, "refunds.csv")
    releases = read_csv(folder, "releases.csv")
    decisions = read_csv(folder, "decisions.csv")
    rejects = read_csv(folder, "rejects.csv")
    t = {name: Table(book, values, name, max_rows) for name in TABLE_SHEETS}

    q = t["Refund queue"]
    check_types(q, ids=["Refund ID", "Order ID", "Claim ID", "Buyer ID"],
                dates=["Due by (latest)", "Expected from", "Queued on", "Submit on"],
                money=["Amount"])
    got = sorted((r[q.col("Refund ID")].value, as_decimal(r[q.col("Amount")].value,
                                                          r[q.col("Currency")].value),
                  r[q.col("Currency")].value, as_date(r[q.col("Due by (latest)")].value))
                 for r in q.rows)
    want = sorted((r["refund_id"], Decimal(r["amount"]), r["currency"],
                   datetime.date.fromisoformat(r["expected_latest"])) for r in refunds)
    expect(got == want, f"Refund queue rows differ from refunds.csv: {got} != {want}")
    keys = [(r[q.col("Payment method")].value, r[q.col("Due by (latest)")].value) for r in q.rows]
    expect(keys == sorted(keys), "Refund queue: not grouped by payment method, soonest due first")

    p = t["Seller payouts"]
    check_types(p, ids=["Seller ID"], ints=["Orders released"], money=["Gross", "Fees", "Net payable"])
    for field, header in (("gross", "Gross"), ("fee", "Fees"), ("net", "Net payable")):
        got = defaultdict(Decimal)
        for r in p.rows:
            cur = r[p.col("Currency")].value
            got[cur] += as_decimal(r[p.col(header)].value, cur)
        expect(dict(got) == dict(sums_by_currency(releases, field)),
               f"Seller payouts: {header} {dict(got)} != releases.csv")
    orders = Counter((r["seller_id"], r["currency"]) for r in releases)
    expect({(r[0].value, r[1].value): r[2].value for r in p.rows} == dict(orders),
           "Seller payouts: orders released per seller and currency")

    c = t["Claims"]
    check_types(c, ids=["Claim ID", "Order ID"], dates=["Opened on"], money=["Refund"])
    got = [(r[0].value, r[c.col("Status")].value, r[c.col("Rule")].value) for r in c.rows]
    want = [(d["claim_id"], d["status"], d["rule"]) for d in decisions]
    expect(sorted(got) == sorted(want), "Claims: rows differ from decisions.csv")
    window_rules = {"INR_NOT_DELIVERED", "INR_AWAITING_SELLER", "SNAD_NO_RESPONSE",
                    "SNAD_AWAITING_SELLER"}
    for r in c.rows:
        why = r[c.col("Why")].value
        expect(isinstance(why, str) and len(why) > 20, f"Claims: {r[0].value} has no reason")
        # "N days (respond by D)": D is the opening date plus N days
        if r[c.col("Rule")].value in window_rules:
            expect("respond by" in why, f"Claims: {r[0].value} does not give its respond-by date")
        m = re.search(r"(\d+) days \(respond by (\d{4}-\d{2}-\d{2})\)", why or "")
        if m:
            opened = as_date(r[c.col("Opened on")].value)
            expect(opened + datetime.timedelta(days=int(m.group(1)))
                   == datetime.date.fromisoformat(m.group(2)),
                   f"Claims: {r[0].value} respond-by date in '{why}'")
            # a response on or before the respond-by date is not "no
            # response", nor one "after the response window"
            said = re.search(r"(?:rejected it|accepted|rejection) on (\d{4}-\d{2}-\d{2})", why)
            if said:
                in_time = said.group(1) <= m.group(2)
                expect(not (in_time and "did not respond" in why),
                       f"Claims: {r[0].value} responded in time, yet '{why}'")
                expect(in_time != ("after the response window" in why),
                       f"Claims: {r[0].value} response placed wrongly in '{why}'")
    refund_by_claim = {d["claim_id"]: Decimal(d["refund_amount"]) for d in decisions
                       if d["refund_amount"]}
    for r in c.rows:
        if r[c.col("Refund")].value is not None:
            expect(as_decimal(r[c.col("Refund")].value, r[c.col("Currency")].value)
                   == refund_by_claim.get(r[0].value), f"Claims: {r[0].value} refund amount")

    m = t["Manual review"]
    check_types(m, ids=["Claim ID", "Order ID", "Buyer ID", "Seller ID"],
                dates=["Opened on", "Responded on"], ints=["Age (days)"], money=["Claimed"])
    want = sorted(d["claim_id"] for d in decisions if d["status"] == "MANUAL_REVIEW")
    expect(sorted(r[0].value for r in m.rows) == want, "Manual review: not the MANUAL_REVIEW claims")
    opened = [as_date(r[m.col("Opened on")].value) for r in m.rows]
    expect(opened == sorted(opened), "Manual review: not oldest first")
    as_of = datetime.date.fromisoformat(os.path.basename(os.path.dirname(os.path.abspath(folder))))
    for r, day in zip(m.rows, opened):
        expect(r[m.col("Age (days)")].value == (as_of - day).days, f"Manual review: {r[0].value} age")

    a = t["Escrow aging"]
    check_types(a, ints=["Open orders"], dates=["Oldest placed on"],
                money=["0-15 days", "16-30 days", "31-60 days", "61-90 days", "Over 90 days",
                       "Total held"])
    aging = {}
    for r in a.rows:
        cur = r[0].value
        buckets = sum(as_decimal(r[i].value, cur) for i in range(2, 7))
        aging[cur] = as_decimal(r[a.col("Total held")].value, cur)
        expect(buckets == aging[cur], f"Escrow aging: {cur} buckets do not add up")

    j = t["Rejects"]
    check_types(j, ids=["File", "Reason", "Raw row"], ints=["Row"])
    got = [(spec_file_name(r[0].value), r[1].value, r[2].value) for r in j.rows]
    expect(got == [(r["file"], int(r["row"]), r["reason"]) for r in rejects],
           "Rejects: rows differ from rejects.csv")
    for r, want in zip(j.rows, rejects):
        raw = want["raw"]
        clean = not re.search(r"[\udc80-\udcff\x00-\x08\x0b\x0c\x0e-\x1f]", raw)
        expect(r[3].data_type == "s" and (not clean or r[3].value == raw),
               f"Rejects: row {want['row']} raw {r[3].value!r} != {raw!r}")

    d = t["Adjustments"]
    adjustments = read_csv(folder, "adjustments.csv")
    check_types(d, ids=["ID", "Order ID", "Buyer or seller"], dates=["Batch"],
                money=["Amount", "Fee", "Net to seller"])
    expect(len(d.rows) == len(adjustments), "Adjustments: rows differ from adjustments.csv")
    expect(bool(d.note) == (not adjustments), f"Adjustments: note {d.note!r}")
    actions = defaultdict(set)
    for a in adjustments:
        actions[(a["kind"], a["id"])].add(a["action"])
    # the releases' fees, added less cancelled, per currency: None where a
    # row has none (kept before the fee was), as the Summary leaves it blank
    release_fees = {}
    for r, a in zip(d.rows, adjustments):
        if a["kind"] != "release":
            continue
        fee = r[d.col("Fee")].value
        cur = a["currency"]
        if fee is None or (cur in release_fees and release_fees[cur] is None):
            release_fees[cur] = None
            continue
        sign = 1 if a["action"] == "add" else -1
        release_fees[cur] = release_fees.get(cur, Decimal(0)) + sign * as_decimal(fee, cur)
    for r, a in zip(d.rows, adjustments):
        both = actions[(a["kind"], a["id"])] == {"add", "cancel"}
        same = r[d.col("Same ID")].value
        expect(bool(same) == both and (not same or "apply the cancel first" in same),
               f"Adjustments: {a['action']} {a['kind']} {a['id']}: same ID {same!r}")
        check_adjustment_party(d, r, a, refunds, releases, batch_date(folder))

    check_summary(book, values, folder, refunds, releases, aging, release_fees)

    for text in texts:
        found = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row
                 if cell.value == text]
        expect(found and all(cell.data_type == "s" for cell in found),
               f"text {text!r}: {[(cell.coordinate, cell.data_type) for cell in found]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--max-rows", type=int, default=EXCEL_MAX_ROWS)
    ap.add_argument("--continued", action="append", default=[])
    ap.add_argument("--text", action="append", default=[])
    args = ap.parse_args()
    check(args.folder, args.max_rows, args.continued, args.text)
    for f in failures:
        print(f"{args.folder}: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
