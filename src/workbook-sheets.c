/* workbook-sheets.c: the detail sheets of the workbook (SPEC §7), each one
 * table -- a query and its columns -- written by workbook-table.c. Orders
 * follow the finance team's use: refunds by payment method and due date,
 * the manual-review list oldest first. */
#include "workbook-internal.h"

#include "batch.h"

#define N(columns) (sizeof columns / sizeof columns[0])

static const struct wb_column refund_columns[] = {
    {"Payment method", WB_TEXT, 0, NULL},
    {"Due by (latest)", WB_DATE, 1, NULL},
    {"Expected from", WB_DATE, 2, NULL},
    {"Refund ID", WB_TEXT, 3, NULL},
    {"Amount", WB_MONEY, 4, NULL},
    {"Currency", WB_TEXT, 5, NULL},
    {"Buyer ID", WB_TEXT, 6, NULL},
    {"Order ID", WB_TEXT, 7, NULL},
    {"Claim ID", WB_TEXT, 8, NULL},
    {"Queued on", WB_DATE, 9, NULL},
    {"Submit on", WB_DATE, 10, NULL},
    {"Rule", WB_TEXT, 11, NULL},
};

static const struct wb_table refund_queue = {
    "Refund queue",
    "SELECT payment_method, expected_latest, expected_earliest, refund_id, amount, currency,"
    " buyer_id, order_id, claim_id, queued_on, submit_on, rule FROM refund WHERE batch_id = ?1"
    " ORDER BY payment_method, expected_latest, expected_earliest, refund_id",
    5, refund_columns, N(refund_columns), NULL, "No refunds were queued in this batch.",
};

static const struct wb_column payout_columns[] = {
    {"Seller ID", WB_TEXT, 0, NULL},
    {"Currency", WB_TEXT, 1, NULL},
    {"Orders released", WB_INT, 2, NULL},
    {"Gross", WB_MONEY, 3, NULL},
    {"Fees", WB_MONEY, 4, NULL},
    {"Net payable", WB_MONEY, 5, NULL},
};

static const struct wb_table seller_payouts = {
    "Seller payouts",
    "SELECT seller_id, currency, count(*), sum(gross), sum(fee), sum(net) FROM release"
    " WHERE batch_id = ?1 GROUP BY seller_id, currency ORDER BY seller_id, currency",
    1, payout_columns, N(payout_columns), NULL, "No escrow was released in this batch.",
};

static const struct wb_column claim_columns[] = {
    {"Claim ID", WB_TEXT, CC_CLAIM, NULL},
    {"Order ID", WB_TEXT, CC_ORDER, NULL},
    {"Reason", WB_TEXT, CC_REASON, NULL},
    {"Opened on", WB_DATE, CC_OPENED, NULL},
    {"Status", WB_TEXT, CC_STATUS, NULL},
    {"Rule", WB_TEXT, CC_RULE, NULL},
    {"Refund", WB_MONEY, CC_REFUND, NULL},
    {"Currency", WB_TEXT, CC_CURRENCY, NULL},
    {"Why", WB_DERIVED, 0, NULL},
};

static const struct wb_table claims = {
    "Claims",
    WB_CLAIM_SELECT " ORDER BY d.claim_id",
    CC_CURRENCY, claim_columns, N(claim_columns), wb_explain_claim,
    "No claims were evaluated in this batch.",
};

static const struct wb_column review_columns[] = {
    {"Claim ID", WB_TEXT, CC_CLAIM, NULL},
    {"Age (days)", WB_INT, CC_AGE, NULL},
    {"Opened on", WB_DATE, CC_OPENED, NULL},
    {"Order ID", WB_TEXT, CC_ORDER, NULL},
    {"Reason", WB_TEXT, CC_REASON, NULL},
    {"Claimed", WB_MONEY, CC_CLAIMED, NULL},
    {"Currency", WB_TEXT, CC_CURRENCY, NULL},
    {"Buyer ID", WB_TEXT, CC_BUYER, NULL},
    {"Seller ID", WB_TEXT, CC_SELLER, NULL},
    {"Seller response", WB_TEXT, CC_RESPONSE, NULL},
    {"Responded on", WB_DATE, CC_RESPONDED, NULL},
    {"Rule", WB_TEXT, CC_RULE, NULL},
    {"Why", WB_DERIVED, 0, NULL},
};

static const struct wb_table manual_review = {
    "Manual review",
    WB_CLAIM_SELECT " AND d.status = 'MANUAL_REVIEW' ORDER BY c.opened_on, d.claim_id",
    CC_CURRENCY, review_columns, N(review_columns), wb_explain_claim,
    "No claims wait for manual review.",
};

/* Open orders as of the batch (WB_OPEN_ORDERS), aged from placed_at to
 * the as-of date. */
static const struct wb_column aging_columns[] = {
    {"Currency", WB_TEXT, 0, NULL},
    {"Open orders", WB_INT, 1, NULL},
    {"0-15 days", WB_MONEY, 2, NULL},
    {"16-30 days", WB_MONEY, 3, NULL},
    {"31-60 days", WB_MONEY, 4, NULL},
    {"61-90 days", WB_MONEY, 5, NULL},
    {"Over 90 days", WB_MONEY, 6, NULL},
    {"Total held", WB_MONEY, 7, NULL},
    {"Oldest placed on", WB_DATE, 8, NULL},
};

static const struct wb_table escrow_aging = {
    "Escrow aging",
    "SELECT o.currency, sum(o.n),"
    " sum(CASE WHEN ?2 - o.placed_on <= 15 THEN o.amount ELSE 0 END),"
    " sum(CASE WHEN ?2 - o.placed_on BETWEEN 16 AND 30 THEN o.amount ELSE 0 END),"
    " sum(CASE WHEN ?2 - o.placed_on BETWEEN 31 AND 60 THEN o.amount ELSE 0 END),"
    " sum(CASE WHEN ?2 - o.placed_on BETWEEN 61 AND 90 THEN o.amount ELSE 0 END),"
    " sum(CASE WHEN ?2 - o.placed_on > 90 THEN o.amount ELSE 0 END),"
    " sum(o.amount), min(o.placed_on) FROM " WB_OPEN_ORDERS
    " GROUP BY o.currency HAVING sum(o.n) > 0 ORDER BY o.currency",
    0, aging_columns, N(aging_columns), NULL, "No escrow is held after this batch.",
};

static const struct wb_column reject_columns[] = {
    {"File", WB_TEXT, 0, NULL},
    {"Row", WB_INT, 1, NULL},
    {"Reason", WB_TEXT, 2, NULL},
    {"Raw row", WB_TEXT, 3, NULL},
};

static const struct wb_table rejects = {
    "Rejects",
    "SELECT " FILE_LABEL_SQL("reject.file_no") ", row, reason, raw FROM reject"
    " WHERE batch_id = ?1" REJECT_ORDER_SQL,
    -1, reject_columns, N(reject_columns), NULL, "No input rows were rejected.",
};

static const struct wb_column adjustment_columns[] = {
    {"Batch", WB_DATE, 0, NULL},
    {"Kind", WB_TEXT, 1, NULL},
    {"ID", WB_TEXT, 2, NULL},
    {"Action", WB_TEXT, 3, NULL},
    {"Order ID", WB_TEXT, 4, NULL},
    {"Amount", WB_MONEY, 5, NULL},
    {"Currency", WB_TEXT, 6, NULL},
    {"Fee", WB_MONEY, 7, NULL},
    {"Net to seller", WB_MONEY, 8, NULL},
    {"Buyer or seller", WB_TEXT, 9, NULL},
    {"Payment method", WB_TEXT, 10, NULL},
    {"Same ID", WB_TEXT, 11, NULL},
};

/* A refund or release that changed (its amount, date, payment method or
 * seller) is cancelled and added again under the same ID, and the sort of
 * SPEC section 6 can put the add first (an add sorts before a cancel, and
 * an earlier batch before a later one): a processor that applied the rows
 * in order and skipped an ID it had would then cancel the new one. The
 * "Same ID" column says so on both rows. Each row says who pays or is paid
 * (the buyer of a capture or refund, with its payment method; the seller
 * of a release, with the fee and the net the seller gets), as it was when
 * the rerun listed it: a change of those alone shows on the two rows.
 * A rerun made before arbiter kept these (schema version 7) has none: its
 * rows say so where the payee goes, beside a blank fee, net and method. */
#define ADJUSTMENT_NOT_KEPT "not kept: listed by an older arbiter"
static const struct wb_table adjustments = {
    "Adjustments",
    "SELECT as_of, kind, id, action, order_id, amount, currency, fee, amount - fee,"
    " coalesce(party, '" ADJUSTMENT_NOT_KEPT "'), payment_method,"
    " CASE WHEN min(action) OVER same_id <> max(action) OVER same_id"
    "  THEN 'cancelled and added again: apply the cancel first' END"
    " FROM adjustment WHERE batch_id = ?1"
    " WINDOW same_id AS (PARTITION BY kind, id) ORDER BY as_of, kind, id, action",
    6, adjustment_columns, N(adjustment_columns), NULL,
    /* a later night a rerun recomputed has no adjustments of its own:
     * SPEC section 6 lists them all in batch D's new revision */
    "No adjustments listed here. A rerun lists everything it changed, in the batch it was run"
    " for and in every later one, on the Adjustments sheet and in adjustments.csv of that"
    " batch's new revision.",
};

const struct wb_table *wb_prefetched_table(void)
{
    return &seller_payouts;
}

int wb_write_detail_sheets(struct wb *wb)
{
    static const struct wb_table *const sheets[] = {
        &refund_queue, &seller_payouts, &claims, &manual_review,
        &escrow_aging, &rejects,        &adjustments,
    };
    for (size_t i = 0; i < N(sheets); i++)
        if (wb_table_sheet(wb, sheets[i]))
            return wb->rc;
    return 0;
}
