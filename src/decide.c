/* decide.c: the database side of the rules engine. It reads the facts of
 * each claim and order, asks rules.c for the decision, and records it:
 * decision rows, refunds, releases, ledger postings and order closure. */
#include "decide.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "ids.h"
#include "ledger.h"
#include "log.h"
#include "rules.h"
#include "totals.h"

/* The stored facts of one order that settlement needs besides the rules. */
struct order_row {
    char order_id[ID_MAX_BUF];
    char buyer_id[ID_MAX_BUF];
    char seller_id[ID_MAX_BUF];
    char currency[4];
    char method[CONFIG_METHOD_SIZE];
    day_t placed_on;
    struct order_facts facts;
};

static void copy_text(char *dst, size_t size, sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    snprintf(dst, size, "%s", t ? (const char *)t : "");
}

/* Reads columns from `first` on as: order_id, buyer_id, seller_id, currency,
 * payment_method, amount, promised_by, delivered_on, lost, closed,
 * placed_on. */
#define ORDER_COLUMNS                                                                             \
    "o.order_id, o.buyer_id, o.seller_id, o.currency, o.payment_method, o.amount,"                \
    " o.promised_by, o.delivered_on, o.lost, o.closed_batch IS NOT NULL, o.placed_on"

static void read_order(sqlite3_stmt *s, int first, struct order_row *o)
{
    copy_text(o->order_id, sizeof o->order_id, s, first);
    copy_text(o->buyer_id, sizeof o->buyer_id, s, first + 1);
    copy_text(o->seller_id, sizeof o->seller_id, s, first + 2);
    copy_text(o->currency, sizeof o->currency, s, first + 3);
    copy_text(o->method, sizeof o->method, s, first + 4);
    o->facts.amount = sqlite3_column_int64(s, first + 5);
    o->facts.promised_by = (day_t)sqlite3_column_int64(s, first + 6);
    o->facts.delivered = sqlite3_column_type(s, first + 7) != SQLITE_NULL;
    o->facts.delivered_on = (day_t)sqlite3_column_int64(s, first + 7);
    o->facts.lost_event = sqlite3_column_int(s, first + 8);
    o->facts.closed = sqlite3_column_int(s, first + 9);
    o->placed_on = (day_t)sqlite3_column_int64(s, first + 10);
}

/* Queues a refund of `amount` (SPEC §4) and posts it to the ledger. */
static int queue_refund(struct batch *b, const struct order_row *o, const char *claim_id,
                        money_t amount, enum rule rule)
{
    char refund_id[ID_MAX_BUF + 3];
    snprintf(refund_id, sizeof refund_id, "RF-%s", claim_id ? claim_id : o->order_id);
    const struct refund_timeline *t = config_find_method(b->cfg, o->method);
    day_t submit = calendar_next_business_day(b->cal, b->as_of);
    sqlite3_stmt *s = db_stmt(
        b->db, "INSERT INTO refund(refund_id, batch_id, order_id, claim_id, buyer_id,"
               " payment_method, amount, currency, queued_on, submit_on, expected_earliest,"
               " expected_latest, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s || !t)
        return -1;
    db_bind_text_static(s, 1, refund_id);
    db_bind_int(s, 2, b->id);
    db_bind_text_static(s, 3, o->order_id);
    db_bind_text_static(s, 4, claim_id);
    db_bind_text_static(s, 5, o->buyer_id);
    db_bind_text_static(s, 6, o->method);
    db_bind_int(s, 7, amount);
    db_bind_text_static(s, 8, o->currency);
    db_bind_int(s, 9, b->as_of);
    db_bind_int(s, 10, submit);
    db_bind_int(s, 11, calendar_add_business_days(b->cal, submit, t->min_days));
    db_bind_int(s, 12, calendar_add_business_days(b->cal, submit, t->max_days));
    db_bind_text_static(s, 13, rules_rule_name(rule));
    if (db_exec_stmt(s) != SQLITE_DONE)
        return -1;
    return ledger_refund(&b->ledger, refund_id, o->order_id, rules_rule_name(rule), o->currency,
                         amount);
}

/* Releases `gross` to the seller, less the platform fee. */
static int release(struct batch *b, const struct order_row *o, money_t gross, enum rule rule)
{
    money_t fee = money_fee(gross, b->cfg->fee_bps);
    sqlite3_stmt *s = db_stmt(
        b->db, "INSERT INTO release(order_id, batch_id, seller_id, gross, fee, net, currency,"
               " released_on, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s)
        return -1;
    db_bind_text_static(s, 1, o->order_id);
    db_bind_int(s, 2, b->id);
    db_bind_text_static(s, 3, o->seller_id);
    db_bind_int(s, 4, gross);
    db_bind_int(s, 5, fee);
    db_bind_int(s, 6, gross - fee);
    db_bind_text_static(s, 7, o->currency);
    db_bind_int(s, 8, b->as_of);
    db_bind_text_static(s, 9, rules_rule_name(rule));
    if (db_exec_stmt(s) != SQLITE_DONE)
        return -1;
    return ledger_release(&b->ledger, o->order_id, rules_rule_name(rule), o->currency, gross,
                          fee);
}

/* Settles a refund of r out of the order amount A: refund r, release
 * A - r when positive. The caller closes the order. */
static int settle_refund(struct batch *b, const struct order_row *o, const char *claim_id,
                         money_t r, enum rule rule)
{
    if (queue_refund(b, o, claim_id, r, rule))
        return -1;
    money_t rest = o->facts.amount - r;
    return rest > 0 ? release(b, o, rest, rule) : 0;
}

/* Takes a settled order out of the open book; with `now`, also marks it
 * closed (the orders pass closes its orders in one statement after). */
static int leave_book(struct batch *b, const struct order_row *o, bool now)
{
    if (totals_add_book(b->ledger.totals, o->currency, o->placed_on, -o->facts.amount, -1))
        return -1;
    if (!now)
        return 0;
    sqlite3_stmt *s = db_stmt(b->db, "UPDATE orders SET closed_batch = ? WHERE order_id = ?");
    if (!s)
        return -1;
    db_bind_int(s, 1, b->id);
    db_bind_text_static(s, 2, o->order_id);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

static int close_order(struct batch *b, const struct order_row *o)
{
    return leave_book(b, o, true);
}

static enum seller_response response_from(sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    if (!t)
        return RESPONSE_NONE;
    return strcmp((const char *)t, "accepted") == 0 ? RESPONSE_ACCEPTED : RESPONSE_REJECTED;
}

/* True when another undecided claim of the order comes earlier. */
static int earlier_undecided(struct batch *b, const char *order_id, day_t opened,
                             const char *claim_id)
{
    sqlite3_stmt *s = db_stmt(
        b->db, "SELECT 1 FROM claim WHERE order_id = ?1 AND decided_batch IS NULL"
               " AND (opened_on < ?2 OR (opened_on = ?2 AND claim_id < ?3)) LIMIT 1");
    if (!s)
        return -1;
    db_bind_text(s, 1, order_id);
    db_bind_int(s, 2, opened);
    db_bind_text(s, 3, claim_id);
    int rc = db_exec_stmt(s);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int record_decision(struct batch *b, const char *claim_id, const struct claim_decision *d)
{
    sqlite3_stmt *s = db_stmt(b->db, "INSERT INTO decision(batch_id, claim_id, status, rule,"
                                     " refund_amount) VALUES (?, ?, ?, ?, ?)");
    if (!s)
        return -1;
    db_bind_int(s, 1, b->id);
    db_bind_text(s, 2, claim_id);
    db_bind_text(s, 3, rules_status_name(d->status));
    db_bind_text(s, 4, rules_rule_name(d->rule));
    if (d->status == STATUS_REFUND)
        db_bind_int(s, 5, d->refund);
    if (db_exec_stmt(s) != SQLITE_DONE)
        return -1;
    /* an undecided claim that stays as it was is not written again: in a
     * steady state the backlog of claims under review is most of them */
    sqlite3_stmt *u = db_stmt(b->db, "UPDATE claim SET status = ?1, rule = ?2, decided_batch = ?3"
                                     " WHERE claim_id = ?4 AND (status IS NOT ?1 OR rule IS NOT ?2"
                                     " OR decided_batch IS NOT ?3)");
    if (!u)
        return -1;
    db_bind_text(u, 1, rules_status_name(d->status));
    db_bind_text(u, 2, rules_rule_name(d->rule));
    if (rules_status_is_decided(d->status))
        db_bind_int(u, 3, b->id);
    db_bind_text(u, 4, claim_id);
    return db_exec_stmt(u) == SQLITE_DONE ? 0 : -1;
}

/* Evaluates one claim (its id) against the current state of its order. */
static int decide_claim(struct batch *b, const struct rules_params *params, const char *claim_id,
                        long counts[4])
{
    sqlite3_stmt *s = db_stmt(
        b->db, "SELECT c.opened_on, c.reason, c.amount, c.response, c.responded_on,"
               " v.outcome, v.amount, " ORDER_COLUMNS
               " FROM claim c JOIN orders o ON o.order_id = c.order_id"
               " LEFT JOIN override v ON v.claim_id = c.claim_id WHERE c.claim_id = ?");
    if (!s)
        return -1;
    db_bind_text(s, 1, claim_id);
    if (db_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return -1;
    }
    struct claim_facts c = {
        .reason = strcmp((const char *)sqlite3_column_text(s, 1), "not_received") == 0
                      ? REASON_NOT_RECEIVED
                      : REASON_NOT_AS_DESCRIBED,
        .opened_on = (day_t)sqlite3_column_int64(s, 0),
        .has_amount = sqlite3_column_type(s, 2) != SQLITE_NULL,
        .amount = sqlite3_column_int64(s, 2),
        .response = response_from(s, 3),
        .responded_on = (day_t)sqlite3_column_int64(s, 4),
        .override_has_amount = sqlite3_column_type(s, 6) != SQLITE_NULL,
        .override_amount = sqlite3_column_int64(s, 6),
    };
    const unsigned char *outcome = sqlite3_column_text(s, 5);
    c.override = !outcome ? OVERRIDE_NONE
                 : strcmp((const char *)outcome, "refund") == 0 ? OVERRIDE_REFUND
                                                                : OVERRIDE_REJECT;
    struct order_row o;
    read_order(s, 7, &o);
    sqlite3_reset(s);
    int earlier = earlier_undecided(b, o.order_id, c.opened_on, claim_id);
    if (earlier < 0)
        return -1;
    c.earlier_undecided = earlier;
    struct claim_decision d = rules_decide_claim(&o.facts, &c, params, b->as_of);
    counts[d.status]++;
    if (record_decision(b, claim_id, &d))
        return -1;
    if (d.status != STATUS_REFUND)
        return 0;
    return settle_refund(b, &o, claim_id, d.refund, d.rule) || close_order(b, &o) ? -1 : 0;
}

/* SPEC §3 evaluates the claims in (opened_at, claim_id) order, each seeing
 * the effects of those before it. A claim's decision reads and settles
 * only its own order, so only the claims of the same order see each
 * other: they are taken order by order, each order's in the evaluation
 * order, which decides every claim as the single sequence does while
 * reading the orders table in key order instead of at random (at 10M
 * orders the claims phase was a page miss per claim). */
static int decide_claims(struct batch *b, const struct rules_params *params)
{
    if (db_exec(b->db, "CREATE TEMP TABLE IF NOT EXISTS work_claim("
                       " seq INTEGER PRIMARY KEY, claim_id TEXT NOT NULL)") != SQLITE_OK ||
        db_exec(b->db, "DELETE FROM temp.work_claim") != SQLITE_OK)
        return -1;
    /* in the order of claim_undecided (db-schema.c): the undecided claims only */
    sqlite3_stmt *fill = db_stmt(b->db, "INSERT INTO temp.work_claim(claim_id) SELECT claim_id"
                                        " FROM claim WHERE decided_batch IS NULL"
                                        " ORDER BY order_id, opened_on, claim_id");
    if (!fill || db_exec_stmt(fill) != SQLITE_DONE)
        return -1;
    sqlite3_stmt *work = db_stmt(b->db, "SELECT claim_id FROM temp.work_claim ORDER BY seq");
    if (!work)
        return -1;
    long counts[4] = {0};
    int rc;
    while ((rc = db_step(work)) == SQLITE_ROW) {
        char claim_id[ID_MAX_BUF];
        copy_text(claim_id, sizeof claim_id, work, 0);
        if (decide_claim(b, params, claim_id, counts)) {
            sqlite3_reset(work);
            return -1;
        }
    }
    sqlite3_reset(work);
    log_phase_end("%ld refund, %ld rejected, %ld manual review, %ld pending",
                  counts[STATUS_REFUND], counts[STATUS_REJECTED], counts[STATUS_MANUAL_REVIEW],
                  counts[STATUS_PENDING]);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The claim check of the orders scan: whether an undecided claim waits. */
#define UNDECIDED_CLAIM                                                                           \
    "EXISTS(SELECT 1 FROM claim c WHERE c.order_id = o.order_id AND c.decided_batch IS NULL)"

/* The open orders rules 17-19 could act on as of D, in key order, as
 * (ORDER_COLUMNS, UNDECIDED_CLAIM): a superset the rules engine then
 * decides on (the conditions below are necessary ones of rules 17, 18 and
 * 19). Read through the partial indexes of db-schema.c into temp.candidate, so
 * that a night does not read every open order; on a night larger than the
 * database, whose indexes are dropped (pipeline.c), in one pass over the
 * orders. The statement is the cache's (db_stmt), ready to step; NULL on
 * a database error. */
static sqlite3_stmt *candidates_scan(struct batch *b, const struct rules_params *params)
{
    static const char *const fills[] = {
        "INSERT OR IGNORE INTO temp.candidate SELECT order_id FROM orders"
        " WHERE closed_batch IS NULL AND delivered_on IS NOT NULL AND delivered_on < ?1",
        "INSERT OR IGNORE INTO temp.candidate SELECT order_id FROM orders"
        " WHERE closed_batch IS NULL AND delivered_on IS NULL AND lost = 1 AND ?1 = ?1",
        "INSERT OR IGNORE INTO temp.candidate SELECT order_id FROM orders"
        " WHERE closed_batch IS NULL AND delivered_on IS NULL AND promised_by < ?1",
    };
    const int64_t bounds[] = {(int64_t)b->as_of - params->protection_days, 0,
                              (int64_t)b->as_of - params->auto_refund_days};
    if (b->rule_indexes_dropped) {
        sqlite3_stmt *s = db_stmt(
            b->db, "SELECT " ORDER_COLUMNS ", " UNDECIDED_CLAIM " FROM orders o"
                   " WHERE closed_batch IS NULL AND ((delivered_on IS NOT NULL AND delivered_on < ?1)"
                   " OR (delivered_on IS NULL AND lost = 1)"
                   " OR (delivered_on IS NULL AND ?3 AND promised_by < ?2))"
                   " ORDER BY o.order_id");
        if (s) {
            db_bind_int(s, 1, bounds[0]);
            db_bind_int(s, 2, bounds[2]);
            db_bind_int(s, 3, params->auto_refund_days > 0);
        }
        return s;
    }
    if (db_exec(b->db, "CREATE TEMP TABLE IF NOT EXISTS candidate(order_id TEXT PRIMARY KEY)"
                       " WITHOUT ROWID") != SQLITE_OK ||
        db_exec(b->db, "DELETE FROM temp.candidate") != SQLITE_OK)
        return NULL;
    for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++) {
        if (i == 2 && params->auto_refund_days <= 0)
            continue;
        sqlite3_stmt *s = db_stmt(b->db, fills[i]);
        if (!s)
            return NULL;
        db_bind_int(s, 1, bounds[i]);
        if (db_exec_stmt(s) != SQLITE_DONE)
            return NULL;
    }
    return db_stmt(b->db, "SELECT " ORDER_COLUMNS ", " UNDECIDED_CLAIM
                          " FROM temp.candidate k JOIN orders o ON o.order_id = k.order_id"
                          " ORDER BY k.order_id");
}

/* Rules 16-19 over the candidate open orders. The scan only inserts into
 * other tables; the orders it settles are closed in one statement after. */
static int decide_orders(struct batch *b, const struct rules_params *params)
{
    sqlite3_stmt *scan = candidates_scan(b, params);
    if (!scan)
        return -1;
    long released = 0, refunded = 0;
    int rc;
    while ((rc = db_step(scan)) == SQLITE_ROW) {
        struct order_row o;
        read_order(scan, 0, &o);
        struct order_decision d =
            rules_decide_order(&o.facts, sqlite3_column_int(scan, 11), params, b->as_of);
        int failed = 0;
        if (d.action == ORDER_RELEASE) {
            failed = release(b, &o, o.facts.amount, d.rule) || leave_book(b, &o, false);
            released++;
        } else if (d.action == ORDER_REFUND) {
            failed = settle_refund(b, &o, NULL, o.facts.amount, d.rule) || leave_book(b, &o, false);
            refunded++;
        }
        if (failed) {
            sqlite3_reset(scan);
            return -1;
        }
    }
    sqlite3_reset(scan);
    if (rc != SQLITE_DONE)
        return -1;
    sqlite3_stmt *close = db_stmt(
        b->db, "UPDATE orders SET closed_batch = ?1 WHERE closed_batch IS NULL AND order_id IN"
               " (SELECT order_id FROM release WHERE batch_id = ?1"
               "  UNION ALL SELECT order_id FROM refund WHERE batch_id = ?1)");
    if (!close)
        return -1;
    db_bind_int(close, 1, b->id);
    if (db_exec_stmt(close) != SQLITE_DONE)
        return -1;
    log_phase_end("%ld released, %ld refunded", released, refunded);
    return 0;
}

int decide_batch(struct batch *b)
{
    struct rules_params params = {b->cfg->protection_days, b->cfg->seller_response_days,
                                  b->cfg->auto_refund_days};
    log_phase_begin("claims");
    int rc = decide_claims(b, &params);
    if (rc == 0) {
        log_phase_begin("orders");
        rc = decide_orders(b, &params);
    }
    if (rc) {
        snprintf(b->err, sizeof b->err, "deciding batch: database error: %s", db_errmsg(b->db));
        return db_failure_exit(b->db);
    }
    return 0;
}
