/* ingest-orders.c: the row validator of orders.csv (ingest-row.h): an
 * accepted order is stored, captured into escrow (ledger) and counted in
 * the open book; a repeated identical row is a duplicate. */
#include <string.h>

#include "ingest-row.h"
#include "ledger.h"
#include "log.h"
#include "money.h"

/* The escrow of currency (an ISO 4217 code), read from open_book on its
 * first order; NULL on a database error. */
static struct escrow_held *escrow_of(struct reader *rd, const char *currency)
{
    for (size_t i = 0; i < rd->n_escrow; i++)
        if (strcmp(rd->escrow[i].currency, currency) == 0)
            return &rd->escrow[i];
    sqlite3_stmt *q = db_stmt(rd->b->db, "SELECT coalesce(sum(amount), 0) FROM open_book"
                                         " WHERE currency = ?");
    if (!q || rd->n_escrow == MAX_CURRENCIES)
        return NULL;
    db_bind_text_static(q, 1, currency);
    struct escrow_held *e = &rd->escrow[rd->n_escrow];
    int rc = db_step(q);
    e->held = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    if (rc != SQLITE_ROW)
        return NULL;
    snprintf(e->currency, sizeof e->currency, "%s", currency);
    e->warned = false;
    rd->n_escrow++;
    return e;
}

/* Whether an order of amount fits its currency's escrow e; the log tells
 * the first that does not, which the rejects only call bad_amount. */
static bool escrow_fits(struct reader *rd, struct escrow_held *e, money_t amount)
{
    if (amount <= MONEY_ESCROW_MAX - e->held)
        return true;
    if (!e->warned)
        log_warn("orders.csv: row %ld: the %s escrow would pass %lld minor units, the most"
                 " arbiter holds in one currency: rejected (bad_amount), as are the like",
                 rd->row->row_no, e->currency, (long long)MONEY_ESCROW_MAX);
    e->warned = true;
    return false;
}

enum { O_ID, O_BUYER, O_SELLER, O_PLACED, O_AMOUNT, O_CURRENCY, O_METHOD, O_DAYS };

/* Binds an order row's values as ?1..?8: order_id, buyer_id, seller_id,
 * placed_on, amount, currency, payment_method, promised_days. */
static void bind_order(sqlite3_stmt *s, const struct reader *rd, day_t placed, money_t amount,
                       int days)
{
    db_bind_text_static(s, 1, field(rd, O_ID));
    db_bind_text_static(s, 2, field(rd, O_BUYER));
    db_bind_text_static(s, 3, field(rd, O_SELLER));
    db_bind_int(s, 4, placed);
    db_bind_int(s, 5, amount);
    db_bind_text_static(s, 6, field(rd, O_CURRENCY));
    db_bind_text_static(s, 7, field(rd, O_METHOD));
    db_bind_int(s, 8, days);
}

enum row_outcome ingest_validate_order(struct reader *rd, const char **reason)
{
    struct batch *b = rd->b;
    for (int i = O_ID; i <= O_DAYS; i++)
        if (*field(rd, i) == '\0')
            return reject(reason, "missing_field");
    const char *order_id = field(rd, O_ID), *currency = field(rd, O_CURRENCY);
    if (!ids_is_valid(order_id) || !ids_is_valid(field(rd, O_BUYER)) ||
        !ids_is_valid(field(rd, O_SELLER)))
        return reject(reason, "bad_id");
    day_t placed;
    if (!date_parse(field(rd, O_PLACED), &placed))
        return reject(reason, "bad_date");
    int exponent = money_currency_exponent(currency);
    if (exponent < 0)
        return reject(reason, "bad_currency");
    money_t amount;
    if (!money_parse(field(rd, O_AMOUNT), exponent, &amount) || amount <= 0)
        return reject(reason, "bad_amount");
    if (!config_find_method(b->cfg, field(rd, O_METHOD)))
        return reject(reason, "bad_payment_method");
    const char *days_text = field(rd, O_DAYS);
    int days = 0;
    for (const char *p = days_text; *p; p++) {
        if (*p < '0' || *p > '9' || days > 365)
            return reject(reason, "bad_number");
        days = days * 10 + (*p - '0');
    }
    if (days < 1 || days > 365)
        return reject(reason, "bad_number");
    if (placed > b->as_of)
        return reject(reason, "future_date");
    struct escrow_held *escrow = escrow_of(rd, currency);
    if (!escrow)
        return ROW_FAILED;
    bool fits = escrow_fits(rd, escrow, amount);

    /* Both statements take the row's eight values as ?1..?8. An order
     * whose ID is a stored claim's (a claim of another order: this one is
     * new) is not inserted: see "one refund ID" at store_claim
     * (ingest-claims.c). */
    sqlite3_stmt *ins = db_stmt(
        b->db, "INSERT OR IGNORE INTO orders(order_id, buyer_id, seller_id, placed_on, amount,"
               " currency, payment_method, promised_days, promised_by, batch_id)"
               " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?4 + ?8, ?9"
               " WHERE NOT EXISTS (SELECT 1 FROM claim WHERE claim_id = ?1)");
    if (!ins)
        return ROW_FAILED;
    if (fits) {
        bind_order(ins, rd, placed, amount, days);
        db_bind_int(ins, 9, b->id);
        if (db_exec_stmt(ins) != SQLITE_DONE)
            return ROW_FAILED;
        if (sqlite3_changes(db_handle(b->db)) == 1) {
            escrow->held += amount;
            return ledger_capture(&b->ledger, order_id, currency, amount) ||
                           totals_add_book(b->ledger.totals, currency, placed, amount, 1)
                       ? ROW_FAILED
                       : ROW_ACCEPTED;
        }
    }
    sqlite3_stmt *same = db_stmt(
        b->db, "SELECT 1 FROM orders WHERE order_id = ?1 AND buyer_id = ?2 AND seller_id = ?3"
               " AND placed_on = ?4 AND amount = ?5 AND currency = ?6 AND payment_method = ?7"
               " AND promised_days = ?8");
    if (!same)
        return ROW_FAILED;
    bind_order(same, rd, placed, amount, days);
    int rc = db_exec_stmt(same);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return ROW_FAILED;
    if (rc == SQLITE_ROW)
        return ROW_DUPLICATE;
    if (!fits)
        return reject(reason, "bad_amount");
    /* not stored as this row: the order is stored with other values, or
     * a claim holds its ID */
    return ingest_id_taken(rd,
                           "SELECT EXISTS (SELECT 1 FROM orders WHERE order_id = ?1)"
                           " OR EXISTS (SELECT 1 FROM claim WHERE claim_id = ?1)",
                           order_id, reason);
}
