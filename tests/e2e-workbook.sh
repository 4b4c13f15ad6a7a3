#!/bin/sh
# e2e-workbook.sh: the finance workbook (SPEC §7) end to end. Runs arbiter
# on small input folders and on the conformance "small" set, then reads
# every workbook back with openpyxl (tests/workbook_check.py) and compares
# it with the CSV reports of the same folder: sheets, cell types, currency
# formats, frozen headers, autofilters, totals, formula-looking input kept
# as text, and sheets continued past a row limit forced small with
# ARBITER_XLSX_MAX_ROWS.
# Environment: ARBITER (the binary), SRCDIR (the source tree).
# Exit 0 pass, 1 fail, 77 skip (no openpyxl for /usr/bin/python3).
set -u

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
ARBITER=${ARBITER:-$SRCDIR/src/arbiter}
PYTHON=/usr/bin/python3
CHECK="$SRCDIR/tests/workbook_check.py"
SMALL_SET=/work/shared/conformance/sets/small

if ! "$PYTHON" -c 'import openpyxl' 2>/dev/null; then
    echo "SKIP: $PYTHON has no openpyxl"
    exit 77
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failed=0

fail() {
    echo "FAIL: $*"
    failed=1
}

# same_book A B: the workbooks of report folders A and B hold the same
# sheets and cell values. A rerun writes its replayed nights' workbooks
# but the last from the open orders it kept as each night left them
# (temp.open_book_at); `arbiter report` rebuilds them from the orders.
same_book() {
    "$PYTHON" - "$1" "$2" <<'PY' || fail "workbooks of $1 and $2 differ"
import glob, sys, openpyxl
books = [openpyxl.load_workbook(glob.glob(d + "/*.xlsx")[0], read_only=True) for d in sys.argv[1:]]
sheets = [[(ws.title, [tuple(c for c in row) for row in ws.iter_rows(values_only=True)])
           for ws in b.worksheets] for b in books]
if sheets[0] != sheets[1]:
    for (n0, r0), (n1, r1) in zip(*sheets):
        for i, (a, b) in enumerate(zip(r0, r1)):
            if a != b:
                print(f"{n0} row {i + 1}: {a} <> {b}")
                break
    sys.exit(1)
PY
}

# check FOLDER [checker options]: the checker on one report folder.
check() {
    folder=$1
    shift
    "$PYTHON" "$CHECK" "$folder" "$@" || fail "workbook of $folder"
}

# night DATE [extra env]: one nightly run on $T/in/DATE into $T/db, $T/reports.
night() {
    "$ARBITER" run --as-of "$1" --in "$T/in/$1" --db "$T/db" --reports "$T/reports" --quiet \
        || fail "arbiter run --as-of $1 exited $?"
}

# ---- Night 1: three exponents (JPY 0, USD 2, KWD 3), refunds, releases,
# manual review, every aging bucket, IDs that look like numbers, and rejected
# rows whose raw text looks like a formula, is not UTF-8 or holds a control
# character.
D1=2026-03-02
mkdir -p "$T/in/$D1"
{
    echo 'order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days'
    echo 'O-JPY-1,B1,00123,2026-01-01,12000,JPY,card_credit,10'
    echo 'O-KWD-1,B2,S-KW,2026-02-01,12.345,KWD,paypal,5'
    echo 'O-USD-1,B3,S-US,2026-02-01,100.00,USD,alipay,5'
    echo 'O-USD-2,B4,S-US,2026-02-01,55.5,USD,card_debit,3'
    echo 'O-USD-5,B5,S-US,2026-03-01,10,USD,bank_transfer,30'
    echo 'O-JPY-3,B6,00123,2025-11-01,5000,JPY,card_credit,365'
    echo '-1,B7,S-KW,2026-01-15,1.5,KWD,card_credit,200'
    echo 'O-KWD-2,B8,S-KW,2026-02-10,2.000,KWD,alipay,100'
    echo 'O-USD-3,B9,S-US,2025-12-20,1.00,USD,paypal,300'
    echo 'O-USD-4,B10,S-US2,2026-02-01,20,USD,card_credit,5'
    echo 'O-JPY-2,B11,S-JP,2026-02-01,3000,JPY,paypal,5'
    echo '=1+2,B12,S-US,2026-02-01,1,USD,paypal,5'
    echo '+1-2,B13,S-US,2026-02-01,1,USD,paypal,5'
    echo 'O-BAD-1,"=HYPERLINK(""http://evil.example"",""click"")",S-US,2026-02-01,1,USD,paypal,5'
    printf 'O-BAD-2,B\377\376,S-US,2026-02-01,1,USD,paypal,5\n'
    printf 'O-BAD-3,B\001x,S-US,2026-02-01,1,USD,paypal,5\n'
} >"$T/in/$D1/orders.csv"
cat >"$T/in/$D1/tracking.csv" <<'EOF'
order_id,event_at,status,carrier,tracking_number
O-JPY-1,2026-01-05,delivered,,
O-KWD-1,2026-02-10,lost,,
O-USD-1,2026-02-20,delivered,,
O-USD-4,2026-02-05,delivered,,
O-JPY-2,2026-02-10,delivered,,
EOF
cat >"$T/in/$D1/claims.csv" <<'EOF'
claim_id,order_id,opened_at,reason,amount,seller_response,responded_at
C-USD-1,O-USD-1,2026-02-25,not_as_described,30.00,accepted,2026-02-26
1e5,O-USD-2,2026-02-10,not_received,,accepted,2026-02-11
C-KWD-EARLY,-1,2026-02-20,not_received,,,
C-USD-4,O-USD-4,2026-02-20,not_received,,,
C-JPY-2,O-JPY-2,2026-02-15,not_as_described,1000,rejected,2026-02-16
EOF
night "$D1"
R1="$T/reports/$D1/r1"
check "$R1" \
    --text '=1+2,B12,S-US,2026-02-01,1,USD,paypal,5' \
    --text '+1-2,B13,S-US,2026-02-01,1,USD,paypal,5' \
    --text 'O-BAD-1,"=HYPERLINK(""http://evil.example"",""click"")",S-US,2026-02-01,1,USD,paypal,5' \
    --text '00123' --text '1e5' --text '-1'
grep -q '^RF-O-KWD-1,.*,12.345,KWD,' "$R1/refunds.csv" || fail "night 1: no KWD refund to check"
grep -q '^O-JPY-1,00123,12000,600,11400,JPY,' "$R1/releases.csv" || fail "night 1: no JPY release"

# ---- Night 2: an override refund, a new currency, a harmless duplicate;
# opening balances are now the closing ones of night 1.
D2=2026-03-03
mkdir -p "$T/in/$D2"
cat >"$T/in/$D2/orders.csv" <<'EOF'
order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days
O-GBP-1,B20,S-UK,2026-03-03,49.99,GBP,card_credit,7
O-USD-5,B5,S-US,2026-03-01,10,USD,bank_transfer,30
EOF
echo 'order_id,event_at,status,carrier,tracking_number' >"$T/in/$D2/tracking.csv"
echo 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at' \
    >"$T/in/$D2/claims.csv"
cat >"$T/in/$D2/overrides.csv" <<'EOF'
claim_id,outcome,amount,note
C-USD-4,refund,,"=SUM(A1:A9) photos checked"
EOF
night "$D2"
check "$T/reports/$D2/r1"
grep -q '^RF-C-USD-4,' "$T/reports/$D2/r1/refunds.csv" || fail "night 2: no override refund"

# ---- Continuation: night 1's workbook rewritten with one data row per
# sheet, then with a limit that is not a number (ignored: one sheet each).
ARBITER_XLSX_MAX_ROWS=2 "$ARBITER" report --as-of "$D1" --db "$T/db" --reports "$T/reports" \
    --quiet || fail "report with ARBITER_XLSX_MAX_ROWS=2"
check "$R1" --max-rows 2 --continued 'Refund queue' --continued 'Seller payouts' \
    --continued Claims --continued 'Manual review' --continued 'Escrow aging' --continued Rejects
ARBITER_XLSX_MAX_ROWS=lots "$ARBITER" report --as-of "$D1" --db "$T/db" --reports "$T/reports" \
    --quiet || fail "report with ARBITER_XLSX_MAX_ROWS=lots"
check "$R1"

# ---- A workbook that cannot be created (a folder in the way of its
# temporary name): exit 73 with one message, and no workbook at all.
rm -f "$R1"/*.xlsx
mkdir "$R1/arbiter-$D1-r1.xlsx.tmp"
"$ARBITER" report --as-of "$D1" --db "$T/db" --reports "$T/reports" --quiet 2>"$T/err"
rc=$?
[ "$rc" -eq 73 ] || fail "workbook in the way: exit $rc, want 73"
# (one message, besides the warning of a machine out of threads that the
# CSVs go first, which is not the failure)
[ "$(grep -vc 'warning: cannot start a second thread' "$T/err")" -eq 1 ] &&
    grep -q 'xlsx.tmp: cannot create' "$T/err" \
    || fail "workbook in the way: message $(cat "$T/err")"
[ ! -e "$R1/arbiter-$D1-r1.xlsx" ] || fail "workbook in the way: a workbook was written"
rmdir "$R1/arbiter-$D1-r1.xlsx.tmp"

# ---- A rerun of night 1 with an added override: the new revisions list
# their adjustments, and the replaced revision, written again, still adds
# up against its own CSVs. Skipped where rerun is not built (exit 70).
cat >"$T/rerun-overrides.csv" <<'EOF'
claim_id,outcome,amount,note
C-JPY-2,refund,400,partial refund agreed
EOF
"$ARBITER" rerun --as-of "$D1" --overrides "$T/rerun-overrides.csv" --db "$T/db" \
    --reports "$T/reports" --quiet 2>"$T/err"
rc=$?
if [ "$rc" -eq 0 ]; then
    grep -q '^add,refund,RF-C-JPY-2,O-JPY-2,400,JPY,' "$T/reports/$D1/r2/adjustments.csv" \
        || fail "rerun: no adjustment to check"
    check "$T/reports/$D1/r2"
    check "$T/reports/$D2/r2"
    "$ARBITER" report --as-of "$D1" --revision 2 --db "$T/db" --reports "$T/again" --quiet \
        || fail "report --revision 2 after the rerun"
    same_book "$T/reports/$D1/r2" "$T/again/$D1/r2"
    "$ARBITER" report --as-of "$D1" --revision 1 --db "$T/db" --reports "$T/reports" --quiet \
        || fail "report --revision 1 after the rerun"
    check "$R1"
elif [ "$rc" -eq 70 ]; then
    echo "note: rerun is not built here; the adjustments part is skipped"
else
    fail "rerun exited $rc: $(cat "$T/err")"
fi

# ---- A claim of goods not received, delivered after it was opened: not
# delivered as rules 8 and 9 count it, yet tracking shows the delivery,
# and the Claims sheet must not say "not delivered" as if there were none.
# why DIR CLAIM: the Why cell of CLAIM on DIR's Claims sheet.
why() {
    "$PYTHON" - "$1" "$2" <<'PY'
import glob, sys, openpyxl
ws = openpyxl.load_workbook(glob.glob(sys.argv[1] + "/*.xlsx")[0], read_only=True)["Claims"]
rows = list(ws.iter_rows(values_only=True))
head = next(i for i, r in enumerate(rows) if r and r[0] == "Claim ID")
col = rows[head].index("Why")
print(next(r[col] for r in rows[head + 1:] if r and r[0] == sys.argv[2]))
PY
}
for d in 2026-10-13 2026-10-16; do
    mkdir -p "$T/late/$d"
    echo 'order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days' \
        >"$T/late/$d/orders.csv"
    echo 'order_id,event_at,status' >"$T/late/$d/tracking.csv"
    echo 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at' \
        >"$T/late/$d/claims.csv"
done
echo 'L1,B1,S1,2026-10-01,100.00,USD,paypal,5' >>"$T/late/2026-10-13/orders.csv"
printf 'L1,2026-10-02,shipped\nL1,2026-10-12,delivered\n' >>"$T/late/2026-10-13/tracking.csv"
echo 'CL1,L1,2026-10-10,not_received,,,' >>"$T/late/2026-10-13/claims.csv"
for d in 2026-10-13 2026-10-16; do
    "$ARBITER" run --as-of "$d" --in "$T/late/$d" --db "$T/late.db" --reports "$T/late/rep" \
        --quiet || fail "late delivery: run $d"
done
want="not delivered when the claim was opened on 2026-10-10 (promised by 2026-10-06; delivered on 2026-10-12)"
for d in 2026-10-13 2026-10-16; do
    got=$(why "$T/late/rep/$d/r1" CL1)
    case $got in
    *"$want"*) ;;
    *) fail "late delivery $d: Why is '$got'" ;;
    esac
done
case $(why "$T/late/rep/2026-10-16/r1" CL1) in
"Full refund of 100.00 USD: "*) ;;
*) fail "late delivery: not refunded on 2026-10-16 by rule 8" ;;
esac

# ---- The conformance "small" set, 30 nights of real-looking data, written
# with at most 7 rows per sheet: every night's workbook must still add up.
if [ -d "$SMALL_SET/input" ]; then
    for dir in "$SMALL_SET"/input/*/; do
        d=$(basename "$dir")
        (cd "$SMALL_SET" && ARBITER_XLSX_MAX_ROWS=7 "$ARBITER" run --as-of "$d" \
            --in "input/$d" --db "$T/small.db" --reports "$T/small" --config arbiter.conf \
            --quiet 2>/dev/null) || fail "small set: run $d"
        check "$T/small/$d/r1" --max-rows 7
    done
    check "$T/small/2026-10-30/r1" --max-rows 7 --continued Claims --continued 'Manual review'
    # a rerun of the last five nights: the four before the last keep their open orders
    (cd "$SMALL_SET" && "$ARBITER" rerun --as-of 2026-10-26 --db "$T/small.db" \
        --reports "$T/small" --config arbiter.conf --quiet 2>/dev/null) || fail "small set: rerun"
    for d in 2026-10-26 2026-10-27 2026-10-28 2026-10-29; do
        (cd "$SMALL_SET" && "$ARBITER" report --as-of "$d" --revision 2 --db "$T/small.db" \
            --reports "$T/again" --config arbiter.conf --quiet 2>/dev/null) || fail "small set: report $d"
        same_book "$T/small/$d/r2" "$T/again/$d/r2"
    done
else
    echo "note: $SMALL_SET not found; the conformance set part is skipped"
fi

[ "$failed" -eq 0 ] && echo "PASS: e2e-workbook"
exit "$failed"
