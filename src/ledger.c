/* ledger.c: postings to the escrow ledger. A posting is one ledger_txn row
 * whose account columns are its legs (zero: no leg). */
#include "ledger.h"

/* A posting's legs, one amount per account. */
struct legs {
    money_t buyer_funds, escrow, seller_payable, fee_revenue, refund_payable;
};

/* Writes one posting and adds its legs to the batch's totals. */
static int post(const struct ledger_target *to, const char *kind, const char *ref,
                const char *order_id, const char *rule, const char *currency,
                const struct legs *l)
{
    sqlite3_stmt *txn = db_stmt(
        to->db, "INSERT INTO ledger_txn(batch_id, kind, ref, order_id, rule, currency,"
                " buyer_funds, escrow, seller_payable, fee_revenue, refund_payable)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!txn)
        return -1;
    db_bind_int(txn, 1, to->batch_id);
    db_bind_text_static(txn, 2, kind);
    db_bind_text_static(txn, 3, ref);
    db_bind_text_static(txn, 4, order_id);
    db_bind_text_static(txn, 5, rule);
    db_bind_text_static(txn, 6, currency);
    const struct {
        const char *account;
        money_t amount;
    } legs[] = {{ACCOUNT_BUYER_FUNDS, l->buyer_funds},
                {ACCOUNT_ESCROW, l->escrow},
                {ACCOUNT_SELLER_PAYABLE, l->seller_payable},
                {ACCOUNT_FEE_REVENUE, l->fee_revenue},
                {ACCOUNT_REFUND_PAYABLE, l->refund_payable}};
    for (int i = 0; i < 5; i++) {
        db_bind_int(txn, 7 + i, legs[i].amount);
        if (legs[i].amount != 0 &&
            totals_add_leg(to->totals, currency, kind, legs[i].account, legs[i].amount) != 0)
            return -1;
    }
    return db_exec_stmt(txn) == SQLITE_DONE ? 0 : -1;
}

int ledger_capture(const struct ledger_target *to, const char *order_id, const char *currency,
                   money_t amount)
{
    const struct legs l = {.buyer_funds = -amount, .escrow = amount};
    return post(to, "capture", order_id, order_id, NULL, currency, &l);
}

int ledger_release(const struct ledger_target *to, const char *order_id, const char *rule,
                   const char *currency, money_t gross, money_t fee)
{
    const struct legs l = {.escrow = -gross, .seller_payable = gross - fee, .fee_revenue = fee};
    return post(to, "release", order_id, order_id, rule, currency, &l);
}

int ledger_refund(const struct ledger_target *to, const char *refund_id, const char *order_id,
                  const char *rule, const char *currency, money_t amount)
{
    const struct legs l = {.escrow = -amount, .refund_payable = amount};
    return post(to, "refund", refund_id, order_id, rule, currency, &l);
}
