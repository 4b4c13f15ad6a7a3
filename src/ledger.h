/* ledger.h: the append-only double-entry escrow ledger of SPEC §3. Every
 * posting is one transaction whose legs sum to zero in its currency. */
#ifndef ARBITER_LEDGER_H
#define ARBITER_LEDGER_H

#include <stdint.h>

#include "db.h"
#include "money.h"
#include "totals.h"

/* Accounts of the ledger. */
#define ACCOUNT_BUYER_FUNDS "buyer_funds"
#define ACCOUNT_ESCROW "escrow"
#define ACCOUNT_SELLER_PAYABLE "seller_payable"
#define ACCOUNT_FEE_REVENUE "fee_revenue"
#define ACCOUNT_REFUND_PAYABLE "refund_payable"

/* Where a batch posts: its database, its id and its summary totals. */
struct ledger_target {
    struct db *db;
    int64_t batch_id;
    struct totals *totals;
};

/* A FROM clause of batches `b` and their postings `t`: the range of ids
 * each batch wrote (db-schema.c, schema version 5), which an unfinished batch
 * leaves open at the end, less other batches' postings inside it. The
 * batches are the outer loop (CROSS JOIN) and batch_id is no index term
 * (+): else SQLite scans the whole ledger, or builds an index of it. */
#define LEDGER_BATCH_POSTINGS_AS(b, t)                                                            \
    " batch " b " CROSS JOIN ledger_txn " t " ON " t ".id BETWEEN " b ".first_txn"                \
    " AND coalesce(" b ".last_txn, (SELECT max(id) FROM ledger_txn)) AND +" t ".batch_id = " b ".id"
#define LEDGER_BATCH_POSTINGS LEDGER_BATCH_POSTINGS_AS("b", "t")

/* The as-of date of batch ?1: the first night of a rerun whose first
 * batch is ?1, from which on it replays (rerun.c, totals.c, verify.c). */
#define LEDGER_DATE_OF_BATCH "(SELECT as_of FROM batch WHERE id = ?1)"

/* The orders whose capture postings lie in the batches of the dates from
 * `from` (an SQL expression) on, as order_id. */
#define LEDGER_CAPTURES_SINCE(from)                                                               \
    "SELECT t.order_id FROM" LEDGER_BATCH_POSTINGS " WHERE b.as_of >= " from                      \
    " AND +t.kind = 'capture'"

/* A posting `t` of the kind `kind` dated ob.as_of, as (id, as_of, kind,
 * ref, order_id, currency and the five legs): the rows LEDGER_DAY_SELECT
 * sums. */
#define LEDGER_POSTING_COLUMNS(kind, t)                                                           \
    " " t ".id AS id, ob.as_of AS as_of, " kind " AS kind, " t ".ref AS ref,"                     \
    " " t ".order_id AS order_id,"                                                                \
    " " t ".currency AS currency, " t ".buyer_funds AS buyer_funds, " t ".escrow AS escrow,"      \
    " " t ".seller_payable AS seller_payable, " t ".fee_revenue AS fee_revenue,"                   \
    " " t ".refund_payable AS refund_payable"

/* Every posting of the ledger, in one pass over it, dated and kinded as
 * ledger_day counts it: a reversal under the kind and date of the posting
 * it reverses. */
#define LEDGER_POSTINGS_DATED                                                                     \
    "SELECT" LEDGER_POSTING_COLUMNS("coalesce(r.kind, t.kind)", "t") " FROM ledger_txn t"         \
    " LEFT JOIN ledger_txn r ON r.id = t.reverses"                                                \
    " JOIN batch ob ON ob.id = coalesce(r.batch_id, t.batch_id)"

/* The same, for the postings dated on or after `from` (an SQL expression
 * of an as-of date) only: the captures, refunds and releases in the
 * ranges of the batches of those dates, and the reversals `v` of them,
 * wherever those lie (in an earlier rerun's first batch). A posting lies
 * in a batch of the date of what it posts, and a reversal never reverses
 * one of an earlier date than its own batch (reconcile.c), so these are
 * all that a rerun from `from` can change, found without reading the
 * rest of the ledger. */
#define LEDGER_POSTINGS_DATED_SINCE(from)                                                         \
    "SELECT" LEDGER_POSTING_COLUMNS("t.kind", "t") " FROM" LEDGER_BATCH_POSTINGS_AS("ob", "t")    \
    " WHERE ob.as_of >= " from " AND t.kind <> 'reversal'"                                        \
    " UNION ALL SELECT" LEDGER_POSTING_COLUMNS("t.kind", "v")                                     \
    " FROM" LEDGER_BATCH_POSTINGS_AS("ob", "t") " JOIN ledger_txn v ON v.reverses = t.id"         \
    " WHERE ob.as_of >= " from " AND t.kind <> 'reversal'"

/* A SELECT of the movements of `postings` (one of the two above) per
 * as-of date, currency, kind and account: the rows ledger_day holds
 * (totals.c); sums of zero are left out. */
#define LEDGER_DAY_SELECT(postings)                                                               \
    "WITH g AS MATERIALIZED (SELECT as_of, currency, kind, sum(buyer_funds) AS buyer_funds,"      \
    "  sum(escrow) AS escrow, sum(seller_payable) AS seller_payable,"                             \
    "  sum(fee_revenue) AS fee_revenue, sum(refund_payable) AS refund_payable"                    \
    "  FROM (" postings ") GROUP BY 1, 2, 3)"                                                     \
    " SELECT as_of, currency, kind, 'buyer_funds', buyer_funds FROM g WHERE buyer_funds <> 0"     \
    " UNION ALL SELECT as_of, currency, kind, 'escrow', escrow FROM g WHERE escrow <> 0"          \
    " UNION ALL SELECT as_of, currency, kind, 'seller_payable', seller_payable FROM g"            \
    "  WHERE seller_payable <> 0"                                                                 \
    " UNION ALL SELECT as_of, currency, kind, 'fee_revenue', fee_revenue FROM g"                  \
    "  WHERE fee_revenue <> 0"                                                                    \
    " UNION ALL SELECT as_of, currency, kind, 'refund_payable', refund_payable FROM g"            \
    "  WHERE refund_payable <> 0"

/* Each returns 0 or -1 on a database error. */
int ledger_capture(const struct ledger_target *to, const char *order_id, const char *currency,
                   money_t amount);
int ledger_release(const struct ledger_target *to, const char *order_id, const char *rule,
                   const char *currency, money_t gross, money_t fee);
int ledger_refund(const struct ledger_target *to, const char *refund_id, const char *order_id,
                  const char *rule, const char *currency, money_t amount);

#endif
