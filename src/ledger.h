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

/* Each returns 0 or -1 on a database error. */
int ledger_capture(const struct ledger_target *to, const char *order_id, const char *currency,
                   money_t amount);
int ledger_release(const struct ledger_target *to, const char *order_id, const char *rule,
                   const char *currency, money_t gross, money_t fee);
int ledger_refund(const struct ledger_target *to, const char *refund_id, const char *order_id,
                  const char *rule, const char *currency, money_t amount);

#endif
