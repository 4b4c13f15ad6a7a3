/* ingest.c: the row validators of orders, tracking, claims and overrides,
 * and the cross-row checks against what the database already knows. */
#include "ingest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "csvfile.h"
#include "digest.h"
#include "events.h"
#include "filestore.h"
#include "ids.h"
#include "ledger.h"
#include "log.h"
#include "money.h"
#include "rowsort.h"

const char *const input_file_names[FILE_COUNT] = {
    "orders.csv",    "tracking.csv",  "claims.csv",    "overrides.csv",
    "overrides.csv", "overrides.csv", "overrides.csv", "overrides.csv",
    "overrides.csv", "overrides.csv", "overrides.csv", "overrides.csv",
};

#define MAX_COLUMNS 8

struct column {
    const char *name;
    bool optional;
};

/* ROW_COUNTED_LATER: valid, and counted as accepted or duplicate once
 * the rows it is checked against are all read (tracking events). */
enum row_outcome { ROW_ACCEPTED, ROW_DUPLICATE, ROW_COUNTED_LATER, ROW_REJECTED, ROW_FAILED };

struct reader;
typedef enum row_outcome (*row_validator)(struct reader *rd, const char **reason);

struct file_kind {
    struct column columns[MAX_COLUMNS];
    row_validator validate;
};

/* Facts of a stored order that the other files' checks need. */
struct known_order {
    day_t placed_on;
    money_t amount;
    char currency[4];
};

/* orders.csv: one currency's escrow, as open_book held it before the
 * batch plus the orders this file has accepted (MONEY_ESCROW_MAX). */
struct escrow_held {
    char currency[4];
    money_t held;
    bool warned; /* the log has said an order did not fit */
};

/* Currencies a file can hold escrow in: more than ISO 4217 has. */
#define MAX_CURRENCIES 256

/* The state of one file's read. */
struct reader {
    struct batch *b;
    enum input_file which;
    const struct file_kind *kind;
    int map[MAX_COLUMNS];       /* column -> field index, -1 when absent */
    size_t header_fields;
    const struct csv_row *row;
    struct filestore_writer store;
    int fatal;                  /* a sysexits code that stops the batch */
    /* claims.csv: the order the previous row found (an order's facts
     * never change, and a buyer's repeated rows often come together) */
    char last_order_id[ID_MAX_LEN + 1];
    struct known_order last_order;
    /* tracking.csv: the order whose events are being read (empty: none),
     * its date placed, and its events */
    char events_order[ID_MAX_LEN + 1];
    day_t events_placed_on;
    struct events_merge events;
    struct event_facts events_facts; /* of its stored events */
    /* orders.csv and tracking.csv: rows are read in the orders' key
     * order, a store at a time (rowsort.h); column 0 is the order ID */
    bool sorting;
    struct rowsort sorted;
    struct escrow_held escrow[MAX_CURRENCIES]; /* orders.csv: its currencies */
    size_t n_escrow;
};

/* The trimmed text of column i of the current row ("" when absent). */
static const char *field(const struct reader *rd, int i)
{
    return rd->map[i] < 0 ? "" : rd->row->fields[rd->map[i]];
}

static enum row_outcome reject(const char **reason, const char *code)
{
    *reason = code;
    return ROW_REJECTED;
}

/* Looks an order up (a valid ID), remembering the last one found; 1 found,
 * 0 not found, -1 database error. */
static int find_order(struct reader *rd, const char *order_id, struct known_order *o)
{
    if (strcmp(rd->last_order_id, order_id) == 0) {
        *o = rd->last_order;
        return 1;
    }
    sqlite3_stmt *s =
        db_stmt(rd->b->db, "SELECT placed_on, amount, currency FROM orders WHERE order_id = ?");
    if (!s)
        return -1;
    db_bind_text_static(s, 1, order_id);
    int rc = db_step(s);
    if (rc == SQLITE_ROW) {
        o->placed_on = (day_t)sqlite3_column_int64(s, 0);
        o->amount = sqlite3_column_int64(s, 1);
        snprintf(o->currency, sizeof o->currency, "%s", (const char *)sqlite3_column_text(s, 2));
        rd->last_order = *o;
        snprintf(rd->last_order_id, sizeof rd->last_order_id, "%s", order_id);
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Places an already parsed date between the order's date and the batch
 * date. Returns NULL when it fits, else the reject reason. */
static const char *place_date(day_t d, day_t not_before, day_t as_of)
{
    if (d > as_of)
        return "future_date";
    if (d < not_before)
        return "before_order";
    return NULL;
}

/* Parses an optional amount in a currency: empty sets *given false. */
static const char *check_amount(const char *text, const char *currency, money_t limit,
                                bool *given, money_t *out)
{
    *given = *text != '\0';
    if (!*given)
        return NULL;
    if (!money_parse(text, money_currency_exponent(currency), out) || *out <= 0 || *out > limit)
        return "bad_amount";
    return NULL;
}

/* Why an INSERT OR IGNORE stored nothing that no stored row of the same
 * kind explains: `sql` (one row, one column; ?1 the ID) says whether the
 * ID is taken, which rejects the row (duplicate_conflict); anything else
 * is a failure of the database, not of the row. */
static enum row_outcome id_taken(struct reader *rd, const char *sql, const char *id,
                                 const char **reason)
{
    sqlite3_stmt *s = db_stmt(rd->b->db, sql);
    if (!s)
        return ROW_FAILED;
    db_bind_text_static(s, 1, id);
    int taken = db_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    return taken ? reject(reason, "duplicate_conflict") : ROW_FAILED;
}

/* ---- orders.csv ---- */

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

static enum row_outcome validate_order(struct reader *rd, const char **reason)
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
     * new) is not inserted: see "one refund ID" at store_claim. */
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
    return id_taken(rd,
                    "SELECT EXISTS (SELECT 1 FROM orders WHERE order_id = ?1)"
                    " OR EXISTS (SELECT 1 FROM claim WHERE claim_id = ?1)",
                    order_id, reason);
}

/* ---- tracking.csv ---- */

enum { T_ORDER, T_EVENT_AT, T_STATUS, T_CARRIER, T_TRACKING };

/* Merges the events read for the current order into its stored set and
 * writes the order's packed events and facts back (events.h): one write
 * per order, however many of its rows the file holds. */
static int flush_events(struct reader *rd)
{
    if (rd->events_order[0] == '\0')
        return 0;
    struct file_stats *st = &rd->b->files[rd->which];
    long duplicates;
    long added = events_merge_finish(&rd->events, rd->b->id, &duplicates);
    if (added < 0)
        return -1;
    st->accepted += added;
    st->duplicates += duplicates;
    int rc = 0;
    if (added > 0) {
        /* facts unchanged (a shipment, a second delivery): only the events
         * change, and the rule indexes over the facts are left alone */
        struct event_facts f = events_facts(rd->events.packed, rd->events.n_bytes);
        const struct event_facts *was = &rd->events_facts;
        bool same = f.lost == was->lost && f.delivered == was->delivered &&
                    (!f.delivered || f.delivered_on == was->delivered_on);
        sqlite3_stmt *upd = same ? db_stmt(rd->b->db, "UPDATE orders SET events = ?1"
                                                      " WHERE order_id = ?4")
                                 : db_stmt(rd->b->db, "UPDATE orders SET events = ?1,"
                                                      " delivered_on = ?2, lost = ?3"
                                                      " WHERE order_id = ?4");
        if (!upd)
            return -1;
        sqlite3_bind_blob(upd, 1, rd->events.packed, (int)rd->events.n_bytes, SQLITE_STATIC);
        if (!same) {
            if (f.delivered)
                db_bind_int(upd, 2, f.delivered_on);
            db_bind_int(upd, 3, f.lost);
        }
        db_bind_text_static(upd, 4, rd->events_order);
        rc = db_exec_stmt(upd) == SQLITE_DONE ? 0 : -1;
    }
    rd->events_order[0] = '\0';
    return rc;
}

/* Makes order_id the order whose events are being read: flushes the
 * previous one and loads this one's facts and stored events. 1 found, 0
 * not found, -1 database or memory error. */
static int switch_events_order(struct reader *rd, const char *order_id)
{
    if (strcmp(rd->events_order, order_id) == 0)
        return 1;
    if (flush_events(rd))
        return -1;
    sqlite3_stmt *s = db_stmt(rd->b->db, "SELECT placed_on, events FROM orders WHERE order_id = ?");
    if (!s)
        return -1;
    db_bind_text_static(s, 1, order_id);
    int rc = db_step(s);
    if (rc == SQLITE_ROW) {
        rd->events_placed_on = (day_t)sqlite3_column_int64(s, 0);
        if (events_merge_load(&rd->events, sqlite3_column_blob(s, 1),
                              (size_t)sqlite3_column_bytes(s, 1)) != 0) {
            rc = SQLITE_NOMEM;
        } else {
            rd->events_facts = events_facts(rd->events.packed, rd->events.n_bytes);
            snprintf(rd->events_order, sizeof rd->events_order, "%s", order_id);
        }
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* A valid event is counted when its order's events are merged
 * (flush_events): accepted when new, else a duplicate. */
static enum row_outcome validate_event(struct reader *rd, const char **reason)
{
    for (int i = T_ORDER; i <= T_STATUS; i++)
        if (*field(rd, i) == '\0')
            return reject(reason, "missing_field");
    const char *order_id = field(rd, T_ORDER);
    if (!ids_is_valid(order_id))
        return reject(reason, "bad_id");
    day_t event_on;
    if (!date_parse(field(rd, T_EVENT_AT), &event_on))
        return reject(reason, "bad_date");
    int status = events_status_from_name(field(rd, T_STATUS));
    if (status < 0)
        return reject(reason, "bad_status");
    int found = switch_events_order(rd, order_id);
    if (found < 0)
        return ROW_FAILED;
    if (!found)
        return reject(reason, "unknown_order");
    const char *bad = place_date(event_on, rd->events_placed_on, rd->b->as_of);
    if (bad)
        return reject(reason, bad);
    return events_merge_add(&rd->events, event_on, (enum event_status)status) == 0 ? ROW_COUNTED_LATER
                                                                                 : ROW_FAILED;
}

/* ---- claims.csv ---- */

enum { C_ID, C_ORDER, C_OPENED, C_REASON, C_AMOUNT, C_RESPONSE, C_RESPONDED };

/* Stores a new claim, or merges a repeated row into the stored one.
 *
 * One refund ID: SPEC §4 names a claim's refund RF-<claim_id> and a rule
 * 18-19 refund RF-<order_id>. A claim whose ID is another order's ID
 * would give that order's refund the same ID as the claim's, and the
 * night would stop at the refund's unique index. So a new claim with
 * such an ID is rejected (duplicate_conflict: the ID is taken), and so is
 * a new order with a stored claim's ID (validate_order); a claim with its
 * own order's ID is fine (one order, at most one refund in effect). */
static enum row_outcome store_claim(struct reader *rd, const char **reason, day_t opened,
                                    bool has_amount, money_t amount, day_t responded)
{
    struct batch *b = rd->b;
    const char *claim_id = field(rd, C_ID), *response = field(rd, C_RESPONSE);
    bool has_response = *response != '\0';
    sqlite3_stmt *ins = db_stmt(
        b->db, "INSERT OR IGNORE INTO claim(claim_id, order_id, opened_on, reason, amount,"
               " response, responded_on, response_batch, batch_id)"
               " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?6 IS NULL THEN NULL ELSE ?8 END, ?8"
               " WHERE ?1 = ?2 OR NOT EXISTS (SELECT 1 FROM orders WHERE order_id = ?1)");
    if (!ins)
        return ROW_FAILED;
    db_bind_text(ins, 1, claim_id);
    db_bind_text(ins, 2, field(rd, C_ORDER));
    db_bind_int(ins, 3, opened);
    db_bind_text(ins, 4, field(rd, C_REASON));
    if (has_amount)
        db_bind_int(ins, 5, amount);
    db_bind_text(ins, 6, has_response ? response : NULL);
    if (has_response)
        db_bind_int(ins, 7, responded);
    db_bind_int(ins, 8, b->id);
    if (db_exec_stmt(ins) != SQLITE_DONE)
        return ROW_FAILED;
    if (sqlite3_changes(db_handle(b->db)) == 1)
        return ROW_ACCEPTED;

    sqlite3_stmt *old = db_stmt(
        b->db, "SELECT order_id = ?2 AND opened_on = ?3 AND reason = ?4 AND amount IS ?5,"
               " response, responded_on, decided_batch IS NOT NULL"
               " FROM claim WHERE claim_id = ?1");
    if (!old)
        return ROW_FAILED;
    db_bind_text(old, 1, claim_id);
    db_bind_text(old, 2, field(rd, C_ORDER));
    db_bind_int(old, 3, opened);
    db_bind_text(old, 4, field(rd, C_REASON));
    if (has_amount)
        db_bind_int(old, 5, amount);
    int rc = db_step(old);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(old);
        /* not stored: its ID should be another order's */
        if (rc != SQLITE_DONE)
            return ROW_FAILED;
        return id_taken(rd, "SELECT EXISTS (SELECT 1 FROM orders WHERE order_id = ?1)", claim_id,
                        reason);
    }
    bool same_claim = sqlite3_column_int(old, 0);
    bool had_response = sqlite3_column_type(old, 1) != SQLITE_NULL;
    bool same_response =
        had_response && has_response &&
        strcmp((const char *)sqlite3_column_text(old, 1), response) == 0 &&
        sqlite3_column_int64(old, 2) == responded;
    bool decided = sqlite3_column_int(old, 3);
    sqlite3_reset(old);
    if (!same_claim || (had_response && !same_response))
        return reject(reason, "duplicate_conflict");
    if (had_response || !has_response || decided)
        return ROW_DUPLICATE;
    sqlite3_stmt *upd = db_stmt(b->db, "UPDATE claim SET response = ?, responded_on = ?,"
                                       " response_batch = ? WHERE claim_id = ?");
    if (!upd)
        return ROW_FAILED;
    db_bind_text(upd, 1, response);
    db_bind_int(upd, 2, responded);
    db_bind_int(upd, 3, b->id);
    db_bind_text(upd, 4, claim_id);
    return db_exec_stmt(upd) == SQLITE_DONE ? ROW_ACCEPTED : ROW_FAILED;
}

static enum row_outcome validate_claim(struct reader *rd, const char **reason)
{
    struct batch *b = rd->b;
    for (int i = C_ID; i <= C_REASON; i++)
        if (*field(rd, i) == '\0')
            return reject(reason, "missing_field");
    if (!ids_is_valid(field(rd, C_ID)) || !ids_is_valid(field(rd, C_ORDER)))
        return reject(reason, "bad_id");
    day_t opened, responded = 0;
    if (!date_parse(field(rd, C_OPENED), &opened))
        return reject(reason, "bad_date");
    const char *claim_reason = field(rd, C_REASON), *response = field(rd, C_RESPONSE),
               *responded_text = field(rd, C_RESPONDED);
    if (strcmp(claim_reason, "not_received") != 0 && strcmp(claim_reason, "not_as_described") != 0)
        return reject(reason, "bad_reason");
    if (*response && strcmp(response, "accepted") != 0 && strcmp(response, "rejected") != 0)
        return reject(reason, "bad_response");
    if ((*response == '\0') != (*responded_text == '\0'))
        return reject(reason, "bad_response");
    if (*responded_text && !date_parse(responded_text, &responded))
        return reject(reason, "bad_date");
    struct known_order o;
    int found = find_order(rd, field(rd, C_ORDER), &o);
    if (found < 0)
        return ROW_FAILED;
    if (!found)
        return reject(reason, "unknown_order");
    const char *bad = place_date(opened, o.placed_on, b->as_of);
    if (!bad && *responded_text) {
        if (responded > b->as_of)
            bad = "future_date";
        else if (responded < opened)
            bad = "bad_response";
    }
    bool has_amount;
    money_t amount = 0;
    if (!bad)
        bad = check_amount(field(rd, C_AMOUNT), o.currency, o.amount, &has_amount, &amount);
    if (bad)
        return reject(reason, bad);
    return store_claim(rd, reason, opened, has_amount, amount, responded);
}

/* ---- overrides.csv ---- */

enum { V_CLAIM, V_OUTCOME, V_AMOUNT, V_NOTE };

static enum row_outcome validate_override(struct reader *rd, const char **reason)
{
    struct batch *b = rd->b;
    const char *claim_id = field(rd, V_CLAIM), *outcome = field(rd, V_OUTCOME);
    if (*claim_id == '\0' || *outcome == '\0')
        return reject(reason, "missing_field");
    if (!ids_is_valid(claim_id))
        return reject(reason, "bad_id");
    bool refund = strcmp(outcome, "refund") == 0;
    if (!refund && strcmp(outcome, "reject") != 0)
        return reject(reason, "bad_outcome");
    sqlite3_stmt *q = db_stmt(
        b->db, "SELECT c.decided_batch IS NOT NULL, o.amount, o.currency FROM claim c"
               " JOIN orders o ON o.order_id = c.order_id WHERE c.claim_id = ?");
    if (!q)
        return ROW_FAILED;
    db_bind_text(q, 1, claim_id);
    int rc = db_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(q);
        return rc == SQLITE_DONE ? reject(reason, "unknown_claim") : ROW_FAILED;
    }
    bool decided = sqlite3_column_int(q, 0);
    money_t limit = sqlite3_column_int64(q, 1);
    char currency[4];
    snprintf(currency, sizeof currency, "%s", (const char *)sqlite3_column_text(q, 2));
    sqlite3_reset(q);
    if (decided)
        return reject(reason, "claim_decided");
    bool has_amount = false;
    money_t amount = 0;
    if (refund) {
        const char *bad = check_amount(field(rd, V_AMOUNT), currency, limit, &has_amount, &amount);
        if (bad)
            return reject(reason, bad);
    }
    sqlite3_stmt *ins = db_stmt(b->db, "INSERT OR IGNORE INTO override(claim_id, outcome, amount,"
                                       " note, batch_id) VALUES (?, ?, ?, ?, ?)");
    if (!ins)
        return ROW_FAILED;
    db_bind_text(ins, 1, claim_id);
    db_bind_text(ins, 2, outcome);
    if (has_amount)
        db_bind_int(ins, 3, amount);
    db_bind_text(ins, 4, field(rd, V_NOTE));
    db_bind_int(ins, 5, b->id);
    if (db_exec_stmt(ins) != SQLITE_DONE)
        return ROW_FAILED;
    if (sqlite3_changes(db_handle(b->db)) == 1)
        return ROW_ACCEPTED;
    sqlite3_stmt *same = db_stmt(b->db, "SELECT 1 FROM override WHERE claim_id = ? AND outcome = ?"
                                        " AND amount IS ? AND note = ?");
    if (!same)
        return ROW_FAILED;
    db_bind_text(same, 1, claim_id);
    db_bind_text(same, 2, outcome);
    if (has_amount)
        db_bind_int(same, 3, amount);
    db_bind_text(same, 4, field(rd, V_NOTE));
    rc = db_exec_stmt(same);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return ROW_FAILED;
    return rc == SQLITE_ROW ? ROW_DUPLICATE : reject(reason, "duplicate_conflict");
}

/* By enum input_file; every added overrides file is of the overrides kind. */
static const struct file_kind kinds[FILE_OVERRIDES + 1] = {
    [FILE_ORDERS] = {{{"order_id"}, {"buyer_id"}, {"seller_id"}, {"placed_at"}, {"amount"},
                      {"currency"}, {"payment_method"}, {"promised_days"}},
                     validate_order},
    [FILE_TRACKING] = {{{"order_id"}, {"event_at"}, {"status"}, {"carrier", true},
                        {"tracking_number", true}},
                       validate_event},
    [FILE_CLAIMS] = {{{"claim_id"}, {"order_id"}, {"opened_at"}, {"reason"}, {"amount"},
                      {"seller_response"}, {"responded_at"}},
                     validate_claim},
    [FILE_OVERRIDES] = {{{"claim_id"}, {"outcome"}, {"amount"}, {"note"}}, validate_override},
};

/* Maps the header's columns; a required column missing fails the batch. */
static int read_header(struct reader *rd, const struct csv_row *row)
{
    const char *name = input_file_names[rd->which];
    rd->header_fields = row->n_fields;
    size_t known = 0;
    for (int i = 0; i < MAX_COLUMNS && rd->kind->columns[i].name; i++) {
        rd->map[i] = -1;
        for (size_t f = 0; f < row->n_fields; f++)
            if (strcmp(row->fields[f], rd->kind->columns[i].name) == 0) {
                rd->map[i] = (int)f;
                known++;
                break;
            }
        if (rd->map[i] < 0 && !rd->kind->columns[i].optional) {
            snprintf(rd->b->err, sizeof rd->b->err, "%s: row 1: missing column '%s'", name,
                     rd->kind->columns[i].name);
            return EX_DATAERR;
        }
    }
    if (known < row->n_fields)
        log_warn("%s: %zu unknown column(s) ignored", name, row->n_fields - known);
    return 0;
}

static int record_reject(struct reader *rd, const char *reason)
{
    sqlite3_stmt *s = db_stmt(rd->b->db, "INSERT INTO reject(batch_id, file_no, row, reason, raw)"
                                         " VALUES (?, ?, ?, ?, ?)");
    if (!s)
        return -1;
    db_bind_int(s, 1, rd->b->id);
    db_bind_int(s, 2, rd->which);
    db_bind_int(s, 3, rd->row->row_no);
    db_bind_text(s, 4, reason);
    db_bind_text(s, 5, rd->row->raw);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

/* Checks and stores one data row, counting it. */
static int process_row(void *ctx, const struct csv_row *row)
{
    struct reader *rd = ctx;
    rd->row = row;
    struct file_stats *st = &rd->b->files[rd->which];
    if (++st->rows % 65536 == 0)
        log_progress(input_file_names[rd->which], st->rows);
    const char *reason = NULL;
    enum row_outcome outcome;
    if (row->overlong)
        outcome = reject(&reason, "field_too_long");
    else if (row->n_fields != rd->header_fields)
        outcome = reject(&reason, "bad_row");
    else if (row->too_long)
        outcome = reject(&reason, "field_too_long");
    else if (row->bad_encoding)
        outcome = reject(&reason, "bad_encoding");
    else
        outcome = rd->kind->validate(rd, &reason);
    switch (outcome) {
    case ROW_ACCEPTED:
        st->accepted++;
        return 0;
    case ROW_DUPLICATE:
        st->duplicates++;
        return 0;
    case ROW_COUNTED_LATER:
        return 0;
    case ROW_REJECTED:
        st->rejected++;
        if (record_reject(rd, reason) == 0)
            return 0;
        break;
    case ROW_FAILED:
        break;
    }
    snprintf(rd->b->err, sizeof rd->b->err, "%s: row %ld: database error: %s",
             input_file_names[rd->which], row->row_no, db_errmsg(rd->b->db));
    return db_failure_exit(rd->b->db);
}

/* A rowsort result: -1 (out of memory) becomes the batch's failure. */
static int sorted_rc(struct reader *rd, int rc)
{
    if (rc >= 0)
        return rc;
    snprintf(rd->b->err, sizeof rd->b->err, "%s: out of memory", input_file_names[rd->which]);
    return EX_SOFTWARE;
}

/* Hands the stored rows to process_row in the order of the orders
 * table's key (rowsort.h). */
static int drain_sorted(struct reader *rd)
{
    return sorted_rc(rd, rowsort_drain(&rd->sorted, (size_t)rd->map[0], process_row, rd));
}

static int on_row(void *ctx, const struct csv_row *row)
{
    struct reader *rd = ctx;
    if (row->row_no == 1) {
        if (row->overlong) {
            snprintf(rd->b->err, sizeof rd->b->err, "%s: row 1: header row over %d bytes",
                     input_file_names[rd->which], CSVFILE_ROW_MAX);
            return EX_DATAERR;
        }
        return read_header(rd, row);
    }
    if (!rd->sorting)
        return process_row(rd, row);
    int rc = sorted_rc(rd, rowsort_add(&rd->sorted, row));
    if (rc == 1) {
        rc = drain_sorted(rd);
        if (rc == 0)
            rc = sorted_rc(rd, rowsort_add(&rd->sorted, row));
    }
    return rc;
}

/* Keeps the bytes in the database (the store checksums them). */
static int on_bytes(void *ctx, const void *bytes, size_t len)
{
    struct reader *rd = ctx;
    if (filestore_write(&rd->store, bytes, len) != 0) {
        snprintf(rd->b->err, sizeof rd->b->err, "%s: cannot store the file: %s",
                 input_file_names[rd->which], db_errmsg(rd->b->db));
        return db_failure_exit(rd->b->db);
    }
    return 0;
}

static int save_stats(struct batch *b, enum input_file which, bool present)
{
    struct file_stats *st = &b->files[which];
    sqlite3_stmt *s = db_stmt(
        b->db, "INSERT INTO batch_file(batch_id, file_no, present, sha256, rows, accepted,"
               " duplicates, rejected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!s)
        return -1;
    db_bind_int(s, 1, b->id);
    db_bind_int(s, 2, which);
    db_bind_int(s, 3, present);
    db_bind_text(s, 4, st->sha256);
    db_bind_int(s, 5, st->rows);
    db_bind_int(s, 6, st->accepted);
    db_bind_int(s, 7, st->duplicates);
    db_bind_int(s, 8, st->rejected);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

int ingest_file(struct batch *b, enum input_file which, FILE *in)
{
    struct reader rd = {.b = b,
                        .which = which,
                        .kind = &kinds[which < FILE_OVERRIDES ? which : FILE_OVERRIDES]};
    struct file_stats *st = &b->files[which];
    const char *name = input_file_names[which];
    st->present = in != NULL;
    double started = log_elapsed();
    int rc = 0;
    if (in) {
        if (filestore_begin(&rd.store, b->db, b->id, which) != 0) {
            snprintf(b->err, sizeof b->err, "%s: out of memory", name);
            return EX_SOFTWARE;
        }
        rowsort_init(&rd.sorted, ROWSORT_BYTES);
        rd.sorting = which == FILE_ORDERS || which == FILE_TRACKING;
        rc = csvfile_read(in, on_row, on_bytes, &rd);
        if (rc == 0)
            rc = drain_sorted(&rd);
        rowsort_free(&rd.sorted);
        if (rc == 0 && flush_events(&rd) != 0) {
            snprintf(b->err, sizeof b->err, "%s: database error: %s", name, db_errmsg(b->db));
            rc = db_failure_exit(b->db);
        }
        events_merge_free(&rd.events);
        if (rc < 0) {
            snprintf(b->err, sizeof b->err, "%s: read error: %s", name, strerror(errno));
            rc = EX_IOERR;
        } else if (rc == 0 && rd.header_fields == 0) {
            snprintf(b->err, sizeof b->err, "%s: no header row", name);
            rc = EX_DATAERR;
        }
        if (filestore_end(&rd.store, rc == 0, st->sha256) != 0 && rc == 0) {
            snprintf(b->err, sizeof b->err, "%s: cannot store the file: %s", name,
                     db_errmsg(b->db));
            rc = db_failure_exit(b->db);
        }
    }
    if (rc)
        return rc;
    if (!in) { /* a missing file's checksum is the empty file's, as before */
        struct sha256_ctx none;
        sha256_init(&none);
        digest_hex(&none, st->sha256);
    }
    if (save_stats(b, which, in != NULL)) {
        snprintf(b->err, sizeof b->err, "%s: database error: %s", name, db_errmsg(b->db));
        return db_failure_exit(b->db);
    }
    log_info("%s: %ld rows = %ld accepted + %ld duplicates + %ld rejected (%.3f s)", name,
             st->rows, st->accepted, st->duplicates, st->rejected, log_elapsed() - started);
    return 0;
}

bool ingest_too_many_rejects(const struct batch *b, enum input_file which)
{
    const struct file_stats *st = &b->files[which];
    return st->rejected > 10 && (double)st->rejected > b->cfg->max_reject_rate * (double)st->rows;
}
