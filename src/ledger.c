/* ledger.c: postings to the escrow ledger. */
#include "ledger.h"

struct leg {
    const char *account;
    money_t amount;
};

/* Writes one transaction and its legs. */
static int post(const struct ledger_target *to, const char *kind, const char *ref,
                const char *order_id, const char *rule, const char *currency,
                const struct leg *legs, int n_legs)
{
    struct db *db = to->db;
    sqlite3_stmt *txn = db_stmt(db, "INSERT INTO ledger_txn(batch_id, kind, ref, order_id, rule)"
                                    " VALUES (?, ?, ?, ?, ?)");
    if (!txn)
        return -1;
    db_bind_int(txn, 1, to->batch_id);
    db_bind_text(txn, 2, kind);
    db_bind_text(txn, 3, ref);
    db_bind_text(txn, 4, order_id);
    db_bind_text(txn, 5, rule);
    if (db_exec_stmt(txn) != SQLITE_DONE)
        return -1;
    int64_t txn_id = sqlite3_last_insert_rowid(db_handle(db));
    sqlite3_stmt *leg = db_stmt(db, "INSERT INTO ledger_leg(txn_id, account, currency, amount)"
                                    " VALUES (?, ?, ?, ?)");
    if (!leg)
        return -1;
    for (int i = 0; i < n_legs; i++) {
        db_bind_int(leg, 1, txn_id);
        db_bind_text(leg, 2, legs[i].account);
        db_bind_text(leg, 3, currency);
        db_bind_int(leg, 4, legs[i].amount);
        if (db_exec_stmt(leg) != SQLITE_DONE)
            return -1;
        totals_add_leg(to->totals, currency, kind, legs[i].account, legs[i].amount);
    }
    return 0;
}

int ledger_capture(const struct ledger_target *to, const char *order_id, const char *currency,
                   money_t amount)
{
    const struct leg legs[] = {{ACCOUNT_BUYER_FUNDS, -amount}, {ACCOUNT_ESCROW, amount}};
    return post(to, "capture", order_id, order_id, NULL, currency, legs, 2);
}

int ledger_release(const struct ledger_target *to, const char *order_id, const char *rule,
                   const char *currency, money_t gross, money_t fee)
{
    const struct leg legs[] = {
        {ACCOUNT_ESCROW, -gross}, {ACCOUNT_SELLER_PAYABLE, gross - fee}, {ACCOUNT_FEE_REVENUE, fee}};
    return post(to, "release", order_id, order_id, rule, currency, legs, 3);
}

int ledger_refund(const struct ledger_target *to, const char *refund_id, const char *order_id,
                  const char *rule, const char *currency, money_t amount)
{
    const struct leg legs[] = {{ACCOUNT_ESCROW, -amount}, {ACCOUNT_REFUND_PAYABLE, amount}};
    return post(to, "refund", refund_id, order_id, rule, currency, legs, 2);
}
