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
 * each batch wrote (db.c, schema version 5), which an unfinished batch
 * leaves open at the end, less other batches' postings inside it. The
 * batches are the outer loop (CROSS JOIN) and batch_id is no index term
 * (+): else SQLite scans the whole ledger, or builds an index of it. */
#define LEDGER_BATCH_POSTINGS                                                                     \
    " batch b CROSS JOIN ledger_txn t ON t.id BETWEEN b.first_txn"                                \
    " AND coalesce(b.last_txn, (SELECT max(id) FROM ledger_txn)) AND +t.batch_id = b.id"

/* A SELECT of the ledger's movements per as-of date, currency, kind and
 * account, the rows ledger_day holds (totals.c), from one pass over
 * ledger_txn: a reversal counts under the kind and date of what it
 * reverses; sums of zero are left out. */
#define LEDGER_DAY_SELECT                                                                         \
    "WITH g AS MATERIALIZED (SELECT ob.as_of AS as_of, t.currency AS currency,"                   \
    "  coalesce(r.kind, t.kind) AS kind, sum(t.buyer_funds) AS buyer_funds,"                      \
    "  sum(t.escrow) AS escrow, sum(t.seller_payable) AS seller_payable,"                         \
    "  sum(t.fee_revenue) AS fee_revenue, sum(t.refund_payable) AS refund_payable"                \
    "  FROM ledger_txn t LEFT JOIN ledger_txn r ON r.id = t.reverses"                             \
    "  JOIN batch ob ON ob.id = coalesce(r.batch_id, t.batch_id) GROUP BY 1, 2, 3)"               \
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
