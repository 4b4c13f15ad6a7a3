/* workbook-summary.c: the Summary sheet -- the batch, its row accounting,
 * its claims by status and rule, the escrow reconciliation per currency
 * the refunds by payment method with a chart, and a rerun's adjustments
 * netted per kind and currency. Each section is a table (query +
 * columns) written one below the other. */
#include "workbook-internal.h"

#include <stdio.h>
#include <sysexits.h>

#include "batch.h"

#define N(columns) (sizeof columns / sizeof columns[0])
#define SUMMARY "Summary"
#define CHART_COLUMN 5 /* the chart sits right of the refund sections */

static const struct wb_column file_columns[] = {
    {"File", WB_TEXT, 0, NULL},
    {"Present", WB_TEXT, 1, NULL},
    {"Rows", WB_INT, 2, NULL},
    {"Accepted", WB_INT, 3, NULL},
    {"Duplicates", WB_INT, 4, NULL},
    {"Rejected", WB_INT, 5, NULL},
    {"Check", WB_CHECK, 6, "=IF(C#=D#+E#+F#,\"OK\",\"MISMATCH\")"},
};

static const struct wb_table files = {
    SUMMARY,
    "SELECT " FILE_LABEL_SQL("batch_file.file_no") ","
    " CASE WHEN present THEN 'yes' ELSE 'no' END, rows, accepted, duplicates, rejected,"
    " CASE WHEN rows = accepted + duplicates + rejected THEN 'OK' ELSE 'MISMATCH' END"
    " FROM batch_file WHERE batch_id = ?1 ORDER BY file_no",
    -1, file_columns, N(file_columns), NULL, "No input files recorded.",
};

static const struct wb_column claim_count_columns[] = {
    {"Status", WB_TEXT, 0, NULL},
    {"Rule", WB_TEXT, 1, NULL},
    {"Claims", WB_INT, 2, NULL},
};

static const struct wb_table claim_counts = {
    SUMMARY,
    "SELECT status, rule, n FROM ("
    " SELECT status, rule, count(*) AS n, CASE status WHEN 'REFUND' THEN 1"
    "  WHEN 'REJECTED' THEN 2 WHEN 'MANUAL_REVIEW' THEN 3 ELSE 4 END AS k"
    "  FROM decision WHERE batch_id = ?1 GROUP BY status, rule"
    " UNION ALL SELECT 'All claims', NULL, count(*), 9 FROM decision WHERE batch_id = ?1"
    ") ORDER BY k, rule",
    -1, claim_count_columns, N(claim_count_columns), NULL, NULL,
};

/* The escrow account per currency from the ledger.
 *
 * For a batch in effect, each posting counts on the as-of date of the
 * batch that made it, and a reversal (a rerun) on the date of the posting
 * it cancels, under that posting's kind: so a date's movements are what
 * is in effect for it, whichever revision wrote them (a rerun keeps an
 * unchanged posting in the revision that first made it). Open orders are
 * counted apart, from the orders table, to check the ledger against.
 *
 * A revision replaced by a rerun is shown as it was written: the same
 * rule over the ledger as it stood when that revision's transaction
 * committed, the postings up to its last id (for a revision a rerun wrote,
 * the last id of that rerun, whose first batch's range holds every
 * posting of it, reversals last). A rerun posts only what changed and
 * keeps the rest in the revisions that first made it, so the revision's
 * own postings alone are not its night's movements, and the postings of
 * smaller ids include later nights' (both wrong before). The orders
 * table holds only the current state, so its open orders cannot be
 * rebuilt; that cell stays empty and the check covers the arithmetic
 * only. */
static const struct wb_column escrow_columns[] = {
    {"Currency", WB_TEXT, 0, NULL},
    {"Opening escrow", WB_MONEY, 1, NULL},
    {"Captured", WB_MONEY, 2, NULL},
    {"Released (gross)", WB_MONEY, 3, NULL},
    {"Fees (in released)", WB_MONEY, 4, NULL},
    {"Paid to sellers (net)", WB_MONEY, 5, NULL},
    {"Refunded", WB_MONEY, 6, NULL},
    {"Closing escrow", WB_MONEY, 7, NULL},
    {"Open orders (amount)", WB_MONEY, 8, NULL},
    {"Check", WB_CHECK, 9,
     "=IF(AND(ROUND(B#+C#-D#-G#-H#,4)=0,OR(I#=\"\",ROUND(H#-I#,4)=0)),\"OK\",\"MISMATCH\")"},
};

static const struct wb_table escrow = {
    SUMMARY,
    "WITH me AS (SELECT b.in_effect, CASE WHEN b.revision = 1 THEN b.last_txn ELSE"
    "  coalesce((SELECT s.last_txn FROM batch s WHERE s.id <= b.id AND s.rerun_start = 1"
    "   ORDER BY s.id DESC LIMIT 1), b.last_txn) END AS last_txn FROM batch b WHERE b.id = ?1),"
    /* in effect: the ledger_day summary (totals.c), dated as the postings;
     * a replaced revision: the same dating over the postings up to its
     * last id. `me` is the outer loop so that, in effect, the ledger is
     * never read (a condition on `me` alone inside the view was tested on
     * every leg) */
    "legs AS ("
    " SELECT currency, account, amount, kind, as_of - ?2 AS rel FROM ledger_day"
    "  WHERE (SELECT in_effect FROM me)"
    " UNION ALL SELECT l.currency, l.account, l.amount, coalesce(r.kind, t.kind),"
    "  d.as_of - ?2 FROM me CROSS JOIN ledger_leg l JOIN ledger_txn t ON t.id = l.txn_id"
    "  LEFT JOIN ledger_txn r ON r.id = t.reverses"
    "  JOIN batch d ON d.id = coalesce(r.batch_id, t.batch_id)"
    "  WHERE NOT me.in_effect AND t.id <= me.last_txn),"
    "sums AS (SELECT currency,"
    " sum(CASE WHEN account = 'escrow' AND rel < 0 THEN amount ELSE 0 END) AS opening,"
    " sum(CASE WHEN account = 'escrow' AND rel = 0 AND kind = 'capture'"
    "  THEN amount ELSE 0 END) AS captured,"
    " -sum(CASE WHEN account = 'escrow' AND rel = 0 AND kind = 'release'"
    "  THEN amount ELSE 0 END) AS released,"
    " sum(CASE WHEN account = 'fee_revenue' AND rel = 0 THEN amount ELSE 0 END) AS fees,"
    " -sum(CASE WHEN account = 'escrow' AND rel = 0 AND kind = 'refund'"
    "  THEN amount ELSE 0 END) AS refunded,"
    " sum(CASE WHEN account = 'escrow' AND rel <= 0 THEN amount ELSE 0 END) AS closing"
    " FROM legs GROUP BY currency),"
    "held AS (SELECT o.currency, sum(o.amount) AS open_total FROM " WB_OPEN_ORDERS
    " GROUP BY o.currency),"
    "shown AS (SELECT s.*, CASE WHEN (SELECT in_effect FROM me)"
    "  THEN coalesce(h.open_total, 0) END AS open_total"
    " FROM sums s LEFT JOIN held h ON h.currency = s.currency)"
    "SELECT currency, opening, captured, released, fees, released - fees, refunded, closing,"
    " open_total,"
    " CASE WHEN opening + captured - released - refunded = closing"
    "  AND (open_total IS NULL OR closing = open_total) THEN 'OK' ELSE 'MISMATCH' END"
    " FROM shown"
    " WHERE opening <> 0 OR captured <> 0 OR released <> 0 OR refunded <> 0 OR closing <> 0"
    "  OR open_total <> 0"
    " ORDER BY currency",
    0, escrow_columns, N(escrow_columns), NULL, "No money has been held in escrow yet.",
};

static const struct wb_column method_columns[] = {
    {"Payment method", WB_TEXT, 0, NULL},
    {"Refunds", WB_INT, 1, NULL},
    {"Expected from", WB_DATE, 2, NULL},
    {"Last due by", WB_DATE, 3, NULL},
};

static const struct wb_table refunds_by_method = {
    SUMMARY,
    "SELECT payment_method, count(*), min(expected_earliest), max(expected_latest)"
    " FROM refund WHERE batch_id = ?1 GROUP BY payment_method ORDER BY payment_method",
    -1, method_columns, N(method_columns), NULL, "No refunds were queued in this batch.",
};

static const struct wb_column method_amount_columns[] = {
    {"Payment method", WB_TEXT, 0, NULL},
    {"Currency", WB_TEXT, 1, NULL},
    {"Refunds", WB_INT, 2, NULL},
    {"Amount", WB_MONEY, 3, NULL},
};

static const struct wb_table refund_amounts_by_method = {
    SUMMARY,
    "SELECT payment_method, currency, count(*), sum(amount) FROM refund WHERE batch_id = ?1"
    " GROUP BY payment_method, currency ORDER BY payment_method, currency",
    1, method_amount_columns, N(method_amount_columns), NULL, NULL,
};

/* What a rerun changed, netted per kind and currency: the totals of its
 * Adjustments sheet (and adjustments.csv), so that finance sees on the
 * first sheet how much to stop or claw back and how much more to pay, and
 * of the releases how much of that is fee and how much the sellers'. */
static const struct wb_column adjustment_total_columns[] = {
    {"Kind", WB_TEXT, 0, NULL},
    {"Currency", WB_TEXT, 1, NULL},
    {"Cancelled", WB_INT, 2, NULL},
    {"Cancelled amount", WB_MONEY, 3, NULL},
    {"Added", WB_INT, 4, NULL},
    {"Added amount", WB_MONEY, 5, NULL},
    {"Net (added - cancelled)", WB_MONEY, 6, NULL},
    {"Net fee (releases)", WB_MONEY, 7, NULL},
    {"Net to sellers (releases)", WB_MONEY, 8, NULL},
};

static const struct wb_table adjustment_totals = {
    SUMMARY,
    "SELECT kind, currency, sum(action = 'cancel'),"
    " sum(CASE WHEN action = 'cancel' THEN amount ELSE 0 END), sum(action = 'add'),"
    " sum(CASE WHEN action = 'add' THEN amount ELSE 0 END),"
    " sum(CASE WHEN action = 'add' THEN amount ELSE -amount END),"
    /* blank but for releases, whose rows all have a fee (a rerun before
     * schema version 7 kept none for any row of its batch: blank too) */
    " sum(CASE WHEN action = 'add' THEN fee ELSE -fee END),"
    " sum(CASE WHEN action = 'add' THEN amount - fee ELSE fee - amount END)"
    " FROM adjustment WHERE batch_id = ?1 GROUP BY kind, currency ORDER BY kind, currency",
    1, adjustment_total_columns, N(adjustment_total_columns), NULL, NULL,
};

/* The batch's identity rows at the top of the sheet. */
static int write_batch_rows(struct wb *wb, struct wb_sheet *sh)
{
    /* the revision in effect now, and the rerun's first batch (its D) for
     * a revision a rerun wrote: a rerun's batches are consecutive ids */
    sqlite3_stmt *q = db_stmt(wb->db, "SELECT b.as_of, b.revision, b.in_effect, b.started_at,"
                                      " b.finished_at, (SELECT e.revision FROM batch e"
                                      "  WHERE e.as_of = b.as_of AND e.in_effect = 1),"
                                      " r.as_of, r.revision FROM batch b"
                                      " LEFT JOIN batch r ON r.id = (SELECT max(s.id) FROM batch s"
                                      "  WHERE s.id <= b.id AND s.rerun_start = 1)"
                                      " WHERE b.id = ?1");
    if (!q)
        return wb_fail_db(wb, SUMMARY);
    db_bind_int(q, 1, wb->batch_id);
    int rc = db_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(q);
        return rc == SQLITE_DONE
                   ? wb_fail(wb, EX_SOFTWARE, SUMMARY, "the batch is not in the database")
                   : wb_fail_db(wb, SUMMARY);
    }
    char date[DATE_TEXT_SIZE];
    date_format((day_t)sqlite3_column_int64(q, 0), date);
    char title[96];
    snprintf(title, sizeof title, "arbiter: finance workbook of batch %s, revision %d", date,
             sqlite3_column_int(q, 1));
    wb_put_heading(sh, title, wb->title);
    wb_sheet_new_row(sh);
    wb_sheet_new_row(sh);
    wb_put_text(sh, 0, "Batch (as of)", wb->label);
    wb_put_date(sh, 1, (day_t)sqlite3_column_int64(q, 0));
    wb_sheet_new_row(sh);
    wb_put_text(sh, 0, "Revision", wb->label);
    wb_put_int(sh, 1, sqlite3_column_int64(q, 1));
    wb_sheet_new_row(sh);
    wb_put_text(sh, 0, "In effect", wb->label);
    /* "when written": a rerun later leaves this file as it is (with a
     * REPLACED.txt beside it, outputs.c) */
    char text[160];
    if (sqlite3_column_int(q, 2))
        snprintf(text, sizeof text, "yes, when written");
    else
        snprintf(text, sizeof text, "no: replaced by revision %d (folder r%d)",
                 sqlite3_column_int(q, 5), sqlite3_column_int(q, 5));
    wb_put_text(sh, 1, text, NULL);
    wb_sheet_new_row(sh);
    wb_put_text(sh, 0, "Written by", wb->label);
    if (sqlite3_column_int(q, 1) == 1) {
        snprintf(text, sizeof text, "the night's run");
    } else { /* every rerun marks its batch D (rerun.c) */
        char rerun_date[DATE_TEXT_SIZE];
        date_format((day_t)sqlite3_column_int64(q, 6), rerun_date);
        snprintf(text, sizeof text, "a rerun of batch %s (its revision %d lists the adjustments)",
                 rerun_date, sqlite3_column_int(q, 7));
    }
    wb_put_text(sh, 1, text, NULL);
    wb_sheet_new_row(sh);
    wb_put_text(sh, 0, "Run started (UTC)", wb->label);
    wb_put_timestamp(sh, 1, (const char *)sqlite3_column_text(q, 3));
    wb_sheet_new_row(sh);
    wb_put_text(sh, 0, "Run finished (UTC)", wb->label);
    wb_put_timestamp(sh, 1, (const char *)sqlite3_column_text(q, 4));
    sqlite3_reset(q);
    return wb->rc;
}

/* A section: a blank row, its title, its table; optionally a note below. */
static int write_section(struct wb_sheet *sh, const char *title, const struct wb_table *table,
                         const char *note, lxw_row_t *first_data, lxw_row_t *last_data)
{
    lxw_row_t first, last;
    wb_sheet_new_row(sh);
    wb_sheet_new_row(sh);
    wb_put_heading(sh, title, sh->wb->section);
    wb_sheet_new_row(sh);
    wb_table_section(sh, table, &first, &last);
    if (note) {
        wb_sheet_new_row(sh);
        wb_put_heading(sh, note, sh->wb->note);
    }
    if (first_data) {
        *first_data = first;
        *last_data = last;
    }
    return sh->wb->rc;
}

/* The one number sql (with ?1 = the batch) selects; 0 when none. */
static int64_t batch_number(struct wb *wb, const char *sql)
{
    sqlite3_stmt *q = db_stmt(wb->db, sql);
    int64_t n = 0;
    if (!q)
        return n;
    db_bind_int(q, 1, wb->batch_id);
    if (db_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return n;
}

static int64_t most_refunds_per_method(struct wb *wb)
{
    return batch_number(wb, "SELECT max(n) FROM (SELECT count(*) AS n FROM refund"
                            " WHERE batch_id = ?1 GROUP BY payment_method)");
}

/* A column chart of the refunds per payment method, from the section's
 * cells (counts: amounts in different currencies do not add up). */
static void insert_refund_chart(struct wb_sheet *sh, lxw_row_t anchor, lxw_row_t first,
                                lxw_row_t last)
{
    if (last < first)
        return; /* no refunds: no chart */
    lxw_chart *chart = workbook_add_chart(sh->wb->book, LXW_CHART_COLUMN);
    if (!chart) {
        wb_fail(sh->wb, EX_SOFTWARE, SUMMARY, "cannot add the chart");
        return;
    }
    char categories[64], values[64];
    snprintf(categories, sizeof categories, "=" SUMMARY "!$A$%u:$A$%u", (unsigned)first + 1,
             (unsigned)last + 1);
    snprintf(values, sizeof values, "=" SUMMARY "!$B$%u:$B$%u", (unsigned)first + 1,
             (unsigned)last + 1);
    lxw_chart_series *series = chart_add_series(chart, categories, values);
    chart_series_set_name(series, "Refunds queued");
    chart_title_set_name(chart, "Refunds by payment method");
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    chart_axis_set_name(chart->y_axis, "Refunds queued");
    chart_axis_set_min(chart->y_axis, 0);
    chart_axis_set_num_format(chart->y_axis, "#,##0");
    if (most_refunds_per_method(sh->wb) <= 10) /* whole refunds, not 0.2 steps */
        chart_axis_set_major_unit(chart->y_axis, 1);
    worksheet_insert_chart(sh->ws, anchor, CHART_COLUMN, chart);
}

int wb_write_summary(struct wb *wb)
{
    struct wb_sheet sh;
    wb_sheet_open(wb, &sh, SUMMARY);
    worksheet_freeze_panes(sh.ws, 1, 0);
    lxw_row_t first, last;
    if (write_batch_rows(wb, &sh) ||
        write_section(&sh, "Input rows (rows = accepted + duplicates + rejected)", &files, NULL,
                      NULL, NULL) ||
        write_section(&sh, "Claims evaluated, by status and rule", &claim_counts, NULL, NULL,
                      NULL) ||
        write_section(&sh, "Escrow by currency", &escrow,
                      wb->in_effect
                          ? "Check: opening + captured - released - refunded = closing, and"
                            " closing = the amounts of the open orders (see Escrow aging)."
                          : "Check: opening + captured - released - refunded = closing. This"
                            " revision was replaced by a rerun: open orders and Escrow aging"
                            " are those of the revision in effect, and so are the seller"
                            " responses and deliveries that the Claims and Manual review"
                            " sheets show and explain (the database keeps only the latest).",
                      NULL, NULL))
        return wb->rc;
    lxw_row_t anchor = sh.row + 2; /* the title row of the next section */
    if (write_section(&sh, "Refunds queued, by payment method", &refunds_by_method, NULL,
                      &first, &last))
        return wb->rc;
    insert_refund_chart(&sh, anchor, first, last);
    if (last >= first &&
        write_section(&sh, "Refund amounts, by payment method and currency",
                      &refund_amounts_by_method, NULL, NULL, NULL))
        return wb->rc;
    if (batch_number(wb, "SELECT EXISTS (SELECT 1 FROM adjustment WHERE batch_id = ?1)") &&
        write_section(&sh, "Adjustments of this rerun, by kind and currency", &adjustment_totals,
                      "Cancel: stop or claw back; add: pay. Apply every cancel before any add:"
                      " a refund or release that changed is cancelled and added again under the"
                      " same ID. Release amounts are gross; the net fee and the net to sellers"
                      " are in the last two columns. Row by row on the Adjustments sheet (with the fee, the net, and who"
                      " is paid and how) and in adjustments.csv.",
                      NULL, NULL))
        return wb->rc;
    wb_sheet_fit_columns(&sh, N(escrow_columns));
    return wb->rc;
}
