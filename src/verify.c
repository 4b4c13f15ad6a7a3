/* verify.c: invariant queries. Each check is one query whose rows are the
 * violations (key, detail), printed with the offending order IDs, refund
 * IDs or currencies. */
#include "verify.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "ledger.h"

struct check {
    const char *what;
    const char *sql; /* ?1: the batch id (batch checks only) */
};

/* A posting's legs sum to zero: each account column is one leg. */
#define LEG_SUM "(buyer_funds + escrow + seller_payable + fee_revenue + refund_payable)"

static const char legs_unbalanced[] = "transaction legs do not sum to zero";

/* Each check of the whole database has the same problems, worded the
 * same, as its counterpart after a rerun; these are the shared parts. */

/* Postings `postings` (with id, ref, currency and the legs) that do not
 * balance. */
#define LEGS_CHECK(postings)                                                                      \
    "SELECT ref, 'transaction ' || id || ' ' || currency || ' sums to ' || " LEG_SUM " FROM "     \
    postings " WHERE " LEG_SUM " <> 0"

/* Escrow `held` per currency against the `open` orders' amounts. */
#define ESCROW_CHECK(held, open)                                                                  \
    "WITH e AS (" held "), o AS (" open "),"                                                      \
    " k AS (SELECT currency FROM e UNION SELECT currency FROM o)"                                 \
    " SELECT k.currency, 'escrow ' || coalesce(e.held, 0) || ' <> open orders '"                  \
    "  || coalesce(o.open, 0) || ' (minor units)'"                                                \
    " FROM k LEFT JOIN e USING (currency) LEFT JOIN o USING (currency)"                           \
    " WHERE coalesce(e.held, 0) <> coalesce(o.open, 0)"

/* The orders of a WITH clause `moves` of (order_id, refunded, released)
 * whose sums differ from what the order is owed: all of it when closed,
 * nothing when open. */
#define ORDER_MOVES_CHECK(moves)                                                                  \
    moves ", per AS (SELECT order_id, sum(refunded) AS refunded, sum(released) AS released"       \
    "  FROM moves GROUP BY order_id)"                                                             \
    " SELECT p.order_id, 'amount ' || coalesce(o.amount, '-') || ', refunded ' || p.refunded"     \
    "  || ', released ' || p.released || CASE WHEN o.order_id IS NULL THEN ' (no such order)'"    \
    "  WHEN o.closed_batch IS NULL THEN ' (open)' ELSE ' (closed)' END"                           \
    " FROM per p LEFT JOIN orders o ON o.order_id = p.order_id"                                   \
    " WHERE p.refunded + p.released <>"                                                           \
    "  CASE WHEN o.closed_batch IS NULL THEN 0 ELSE o.amount END"

/* Postings `t` (FROM `from`, then `where`) outside their batch's range. */
#define RANGE_CHECK(from, where)                                                                  \
    "SELECT t.ref, 'transaction ' || t.id || ' of batch ' || t.batch_id || ' outside '"           \
    "  || coalesce(b.first_txn, 'NULL') || '..' || coalesce(b.last_txn, 'NULL')"                  \
    " FROM " from " LEFT JOIN batch b ON b.id = t.batch_id WHERE " where                          \
    " (b.first_txn IS NULL OR b.last_txn IS NULL OR t.id NOT BETWEEN b.first_txn AND b.last_txn)"

/* The (kind, ref, order) whose postings (a WITH clause `both` of kind,
 * ref, order_id, posted, effective) differ from the capture, refund or
 * release in effect: a refund posted against another order than its
 * own is two problems, one for each order. */
#define POSTED_CHECK(both)                                                                        \
    both " SELECT ref, kind || CASE WHEN order_id = ref THEN '' ELSE ' of order ' || order_id END" \
    "  || ' in effect ' || sum(effective) || ', posted ' || sum(posted)"                         \
    " FROM both GROUP BY kind, ref, order_id HAVING sum(effective) <> sum(posted)"

#define MORE_THAN_ONE_REFUND "more than one refund in effect"
#define MORE_THAN_ONE_RELEASE "more than one release in effect"

/* The whole database. */
static const struct check all_checks[] = {
    {legs_unbalanced, LEGS_CHECK("ledger_txn")},
    {"escrow balance differs from the open orders",
     ESCROW_CHECK("SELECT currency, sum(escrow) AS held FROM ledger_txn GROUP BY currency",
                  "SELECT currency, sum(amount) AS open FROM orders WHERE closed_batch IS NULL"
                  " GROUP BY currency")},
    {"refunded + released differs from the order amount",
     ORDER_MOVES_CHECK(
         "WITH moves AS (SELECT order_id, amount AS refunded, 0 AS released FROM refund"
         "  WHERE status <> 'cancelled' UNION ALL SELECT order_id, 0, gross FROM release"
         "  WHERE status <> 'cancelled' UNION ALL SELECT order_id, 0, 0 FROM orders)")},
    {"a posting lies outside its batch's range of ids", RANGE_CHECK("ledger_txn t", "")},
    {MORE_THAN_ONE_REFUND,
     "SELECT order_id, count(*) || ' refunds' FROM refund WHERE status <> 'cancelled'"
     " GROUP BY order_id HAVING count(*) > 1"},
    {MORE_THAN_ONE_RELEASE,
     "SELECT order_id, count(*) || ' releases' FROM release WHERE status <> 'cancelled'"
     " GROUP BY order_id HAVING count(*) > 1"},
    {"ledger postings differ from the captures, refunds and releases in effect",
     POSTED_CHECK(
         "WITH both AS (SELECT coalesce(o.kind, t.kind) AS kind, t.ref AS ref, t.order_id,"
         "  CASE WHEN coalesce(o.kind, t.kind) = 'capture' THEN t.escrow ELSE -t.escrow END"
         "  AS posted, 0 AS effective FROM ledger_txn t LEFT JOIN ledger_txn o ON o.id = t.reverses"
         "  UNION ALL SELECT 'capture', order_id, order_id, 0, amount FROM orders"
         "  UNION ALL SELECT 'refund', refund_id, order_id, 0, amount FROM refund"
         "  WHERE status <> 'cancelled'"
         "  UNION ALL SELECT 'release', order_id, order_id, 0, gross FROM release"
         "  WHERE status <> 'cancelled')")},
    {"ledger_day differs from the ledger",
     "WITH ledger(as_of, currency, kind, account, amount) AS ("
     LEDGER_DAY_SELECT(LEDGER_POSTINGS_DATED) "),"
     " both AS (SELECT as_of, currency, kind, account, amount AS ledger, 0 AS day FROM ledger"
     "  UNION ALL SELECT as_of, currency, kind, account, 0, amount FROM ledger_day)"
     " SELECT currency || ' ' || kind || ' ' || account, 'day ' || as_of || ': ledger '"
     "  || sum(ledger) || ', summary ' || sum(day) FROM both"
     " GROUP BY as_of, currency, kind, account HAVING sum(ledger) <> sum(day)"},
    {"open_book differs from the open orders",
     "WITH both AS (SELECT currency, placed_on, 1 AS n, amount, 0 AS bn, 0 AS bamount"
     "  FROM orders WHERE closed_batch IS NULL"
     "  UNION ALL SELECT currency, placed_on, 0, 0, orders, amount FROM open_book)"
     " SELECT currency || ' ' || placed_on, 'open orders ' || sum(n) || ' of ' || sum(amount)"
     "  || ', summary ' || sum(bn) || ' of ' || sum(bamount) FROM both"
     " GROUP BY currency, placed_on HAVING sum(n) <> sum(bn) OR sum(amount) <> sum(bamount)"},
};

/* After a rerun whose first batch is ?1: the date the rerun replayed from. */
#define SINCE LEDGER_DATE_OF_BATCH

/* The orders that a rerun from SINCE can have captured, settled or
 * unsettled: those captured in a batch of those dates, or with a refund
 * or release there, in effect or cancelled. Then each one's refunds and
 * releases in effect, wherever they lie, as `moves` of (order_id,
 * refunded, released, kind): releases through their index of those in
 * effect, refunds through their IDs (RF-<order_id> and RF-<claim_id> of
 * the order's claims, SPEC §4). */
#define RERUN_MOVES                                                                               \
    "WITH scoped AS MATERIALIZED (SELECT f.order_id FROM batch b CROSS JOIN refund f"                   \
    "  ON f.batch_id = b.id WHERE b.as_of >= " SINCE                                             \
    "  UNION SELECT l.order_id FROM batch b CROSS JOIN release l ON l.batch_id = b.id"                  \
    "  WHERE b.as_of >= " SINCE                                                                   \
    "  UNION " LEDGER_CAPTURES_SINCE(SINCE) "),"                                                  \
    " refunds AS (SELECT f.rowid, s.order_id, f.amount FROM scoped s JOIN refund f"               \
    "  ON f.refund_id = 'RF-' || s.order_id AND f.status <> 'cancelled'"                          \
    "  AND f.order_id = s.order_id"                                                               \
    "  UNION SELECT f.rowid, s.order_id, f.amount FROM scoped s JOIN claim c"                     \
    "  ON c.order_id = s.order_id JOIN refund f ON f.refund_id = 'RF-' || c.claim_id"             \
    "  AND f.status <> 'cancelled' AND f.order_id = s.order_id),"                                 \
    " moves AS (SELECT order_id, amount AS refunded, 0 AS released, 'refund' AS kind"             \
    "  FROM refunds UNION ALL SELECT s.order_id, 0, l.gross, 'release' FROM scoped s"             \
    "  JOIN release l ON l.order_id = s.order_id AND l.status <> 'cancelled'"                     \
    "  UNION ALL SELECT order_id, 0, 0, 'order' FROM scoped)"

/* What a rerun can have changed: the postings, captures, refunds and
 * releases dated from its first date on, the orders they concern, and
 * the escrow totals (ledger_day, from that date on rebuilt from those
 * postings, against open_book, which the rollback and the replayed
 * batches keep as a night does; its counts of orders per date placed,
 * as after a night, only `arbiter verify` checks). The batches of
 * earlier dates and their rows a rerun leaves as they were. */
static const struct check rerun_checks[] = {
    {legs_unbalanced, LEGS_CHECK("(" LEDGER_POSTINGS_DATED_SINCE(SINCE) ")")},
    {"escrow balance differs from the open orders",
     ESCROW_CHECK("SELECT currency, sum(amount) AS held FROM ledger_day"
                  " WHERE account = 'escrow' GROUP BY currency",
                  "SELECT currency, sum(amount) AS open FROM open_book GROUP BY currency")},
    {"refunded + released differs from the order amount",
     ORDER_MOVES_CHECK("WITH moves AS (SELECT * FROM temp.rerun_move)")},
    {"a posting lies outside its batch's range of ids",
     RANGE_CHECK("batch n CROSS JOIN ledger_txn t ON t.id >= n.first_txn", "n.id = ?1 AND")},
    {MORE_THAN_ONE_REFUND,
     "SELECT order_id, count(*) || ' refunds' FROM temp.rerun_move WHERE kind = 'refund'"
     " GROUP BY order_id HAVING count(*) > 1"},
    {MORE_THAN_ONE_RELEASE,
     "SELECT order_id, count(*) || ' releases' FROM temp.rerun_move WHERE kind = 'release'"
     " GROUP BY order_id HAVING count(*) > 1"},
    {"ledger postings differ from the captures, refunds and releases in effect",
     POSTED_CHECK(
         "WITH dated AS MATERIALIZED (" LEDGER_POSTINGS_DATED_SINCE(SINCE) "),"
         " both AS (SELECT kind, ref, order_id,"
         "  CASE WHEN kind = 'capture' THEN escrow ELSE -escrow END AS posted, 0 AS effective"
         "  FROM dated"
         "  UNION ALL SELECT 'capture', o.order_id, o.order_id, 0, o.amount FROM orders o"
         "  WHERE o.order_id IN (SELECT ref FROM dated WHERE kind = 'capture')"
         "  AND o.batch_id IN (SELECT id FROM batch WHERE as_of >= " SINCE ")"
         "  UNION ALL SELECT 'refund', f.refund_id, f.order_id, 0, f.amount"
         "  FROM batch b CROSS JOIN refund f"
         "  ON f.batch_id = b.id WHERE b.as_of >= " SINCE " AND f.status <> 'cancelled'"
         "  UNION ALL SELECT 'release', l.order_id, l.order_id, 0, l.gross"
         "  FROM batch b CROSS JOIN release l"
         "  ON l.batch_id = b.id WHERE b.as_of >= " SINCE " AND l.status <> 'cancelled')")},
};

/* An order `o` the batch refunded and released these amounts of, the
 * columns of a problem, and when it is one. */
#define NOT_CLOSED_IN_FULL(refunded, released)                                                    \
    " o.order_id, 'amount ' || o.amount || ', refunded ' || " refunded " || ', released ' || "    \
    released " || ', closed by batch ' || coalesce(o.closed_batch, '-')"
#define NOT_CLOSED_IN_FULL_WHERE(refunded, released)                                              \
    " (o.closed_batch IS NOT ?1 OR o.amount <> " refunded " + " released ")"

/* What one batch changed, reached through its range of ledger ids and
 * the (batch_id, ...) keys of refund and release (here and in
 * check_batch_money). The escrow balance needs no check of its own:
 * postings that equal the captures, refunds and releases (per kind and
 * currency, no other kind), and settled orders refunded + released in
 * full, move escrow by exactly the orders opened less the orders closed;
 * by induction over the batches, escrow equals the open orders. */
static const struct check batch_checks[] = {
    /* The batch releases an order at most once (release's key), so its
     * releases are walked in key order, each with what the batch refunded
     * (a few refunds, grouped), then the orders it only refunded: no sort
     * of every order the batch settled. Two arms, not a UNION joined to
     * the orders, which SQLite would copy into a table first. */
    {"an order settled by the batch is not closed in full",
     "WITH refunded AS MATERIALIZED (SELECT order_id, sum(amount) AS refunded FROM refund"
     "  WHERE batch_id = ?1 GROUP BY order_id)"
     " SELECT" NOT_CLOSED_IN_FULL("coalesce(f.refunded, 0)", "r.gross")
     " FROM release r JOIN orders o ON o.order_id = r.order_id"
     " LEFT JOIN refunded f ON f.order_id = r.order_id WHERE r.batch_id = ?1 AND"
     NOT_CLOSED_IN_FULL_WHERE("coalesce(f.refunded, 0)", "r.gross")
     " UNION ALL SELECT" NOT_CLOSED_IN_FULL("f.refunded", "0")
     " FROM refunded f JOIN orders o ON o.order_id = f.order_id"
     " WHERE NOT EXISTS (SELECT 1 FROM release r WHERE r.batch_id = ?1 AND r.order_id = f.order_id)"
     " AND" NOT_CLOSED_IN_FULL_WHERE("f.refunded", "0")},
};

static long run_checks(struct db *db, const struct check *checks, size_t n, int64_t batch_id,
                       FILE *out)
{
    long problems = 0;
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *s = db_stmt(db, checks[i].sql);
        if (!s)
            return -1;
        if (sqlite3_bind_parameter_count(s) > 0)
            db_bind_int(s, 1, batch_id);
        int rc;
        while ((rc = db_step(s)) == SQLITE_ROW) {
            problems++;
            if (out)
                fprintf(out, "BROKEN %s: %s: %s\n", checks[i].what, sqlite3_column_text(s, 0),
                        sqlite3_column_text(s, 1));
        }
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            return -1;
    }
    return problems;
}

long verify_all(struct db *db, FILE *out)
{
    return run_checks(db, all_checks, sizeof all_checks / sizeof all_checks[0], 0, out);
}

long verify_rerun(struct db *db, int64_t first_batch, FILE *out)
{
    /* the scoped orders' moves, found once for the three checks that read
     * them (temp.rerun_move) */
    if (db_exec(db, "DROP TABLE IF EXISTS temp.rerun_move;"
                    " CREATE TEMP TABLE rerun_move(order_id, refunded, released, kind)") != SQLITE_OK)
        return -1;
    if (db_exec_int(db, RERUN_MOVES " INSERT INTO temp.rerun_move SELECT order_id, refunded,"
                                    " released, kind FROM moves", first_batch) != SQLITE_DONE)
        return -1;
    long problems = run_checks(db, rerun_checks, sizeof rerun_checks / sizeof rerun_checks[0],
                               first_batch, out);
    return db_exec(db, "DROP TABLE temp.rerun_move") == SQLITE_OK ? problems : -1;
}

/* The batch's money, one row per posting (posted, +1) and per capture,
 * refund or release in effect (effective, -1), as (kind, currency, posted,
 * effective, n, whether a posting's legs do not sum to zero, its
 * reference, id and sum of legs). `captures` is the arm that yields the
 * batch's captures in effect: CAPTURES_LOOKED_UP or CAPTURES_SCANNED. */
#define BATCH_MONEY_SQL(captures)                                                                 \
    "SELECT t.kind, t.currency, CASE WHEN t.kind = 'capture' THEN escrow ELSE -escrow END, 0, 1,"\
    " " LEG_SUM " <> 0, t.ref, t.id, " LEG_SUM " FROM" LEDGER_BATCH_POSTINGS " WHERE b.id = ?1"  \
    " UNION ALL " captures                                                                        \
    " UNION ALL SELECT 'refund', currency, 0, amount, -1, 0, NULL, NULL, NULL FROM refund"        \
    "  WHERE batch_id = ?1"                                                                       \
    " UNION ALL SELECT 'release', currency, 0, gross, -1, 0, NULL, NULL, NULL FROM release"       \
    "  WHERE batch_id = ?1"

/* The orders of the batch's capture postings, each looked up by its key:
 * what a night costs whatever the history. */
#define CAPTURES_LOOKED_UP                                                                        \
    "SELECT 'capture', o.currency, 0, o.amount, -1, 0, NULL, NULL, NULL"                          \
    " FROM" LEDGER_BATCH_POSTINGS " JOIN orders o ON o.order_id = t.order_id"                     \
    " WHERE b.id = ?1 AND t.kind = 'capture'"

/* The orders the batch accepted, read in one pass over the table: 4 to 6
 * times cheaper than a lookup per capture when the batch holds most of
 * the orders (a first night). */
#define CAPTURES_SCANNED                                                                          \
    "SELECT 'capture', currency, 0, amount, -1, 0, NULL, NULL, NULL FROM orders"                  \
    " WHERE batch_id = ?1"

static const char *const batch_money_sql[] = {BATCH_MONEY_SQL(CAPTURES_LOOKED_UP),
                                              BATCH_MONEY_SQL(CAPTURES_SCANNED)};

static const char *const money_kinds[] = {"capture", "refund", "release"};
#define MONEY_KINDS 3
#define CURRENCY_CODES (26 * 26 * 26)

struct money_tally {
    int64_t posted, effective, n;
};

/* The slot of (kind, three-letter upper-case currency), or -1. */
static long money_slot(const char *kind, const char *currency)
{
    int k = 0;
    while (k < MONEY_KINDS && strcmp(kind, money_kinds[k]) != 0)
        k++;
    if (k == MONEY_KINDS || strlen(currency) != 3)
        return -1;
    long code = 0;
    for (int i = 0; i < 3; i++) {
        if (currency[i] < 'A' || currency[i] > 'Z')
            return -1;
        code = code * 26 + (currency[i] - 'A');
    }
    return k * CURRENCY_CODES + code;
}

/* The orders batch_id accepted from orders.csv (batch_file), or -1. */
static int64_t accepted_orders(struct db *db, int64_t batch_id)
{
    sqlite3_stmt *q = db_stmt(db, "SELECT coalesce((SELECT accepted FROM batch_file"
                                  " WHERE batch_id = ?1 AND file_no = ?2), 0)");
    if (!q)
        return -1;
    db_bind_int(q, 1, batch_id);
    db_bind_int(q, 2, FILE_ORDERS);
    int64_t n = db_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_reset(q);
    return n;
}

/* Checks that the batch's postings balance, and equal its captures,
 * refunds and releases per kind and currency. Sums in C over a table
 * indexed by kind and currency: an SQL GROUP BY sorted every posting of
 * the batch, the most expensive step of a night's check. One read of the
 * postings for both; the captures from a scan of the orders with
 * `scan_orders`, else looked up; and one capture posting per order the
 * batch accepted, which the lookups alone would not see. Returns the
 * problems or -1. */
static long check_batch_money(struct db *db, int64_t batch_id, bool scan_orders, FILE *out)
{
    static const char what[] = "ledger postings differ from the batch's captures, refunds and"
                               " releases";
    struct money_tally *t = calloc(MONEY_KINDS * CURRENCY_CODES, sizeof *t);
    sqlite3_stmt *s = db_stmt(db, batch_money_sql[scan_orders]);
    if (!t || !s) {
        free(t);
        return -1;
    }
    db_bind_int(s, 1, batch_id);
    long problems = 0;
    int64_t capture_postings = 0;
    int rc;
    while ((rc = db_step(s)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(s, 0),
                   *currency = (const char *)sqlite3_column_text(s, 1);
        if (sqlite3_column_int(s, 5)) { /* compared in SQL: a tampered leg may be a fraction */
            const char *ref = (const char *)sqlite3_column_text(s, 6),
                       *legs = (const char *)sqlite3_column_text(s, 8);
            problems++;
            if (out)
                fprintf(out, "BROKEN %s: %s: transaction %lld %s sums to %s\n", legs_unbalanced,
                        ref ? ref : "NULL", (long long)sqlite3_column_int64(s, 7),
                        currency ? currency : "NULL", legs ? legs : "NULL");
        }
        if (sqlite3_column_int(s, 4) == 1 && kind && strcmp(kind, "capture") == 0)
            capture_postings++;
        long slot = money_slot(kind ? kind : "", currency ? currency : "");
        if (slot < 0) {
            problems++;
            if (out)
                fprintf(out, "BROKEN %s: %s %s: not a kind and currency\n", what,
                        kind ? kind : "NULL", currency ? currency : "NULL");
            continue;
        }
        t[slot].posted += sqlite3_column_int64(s, 2);
        t[slot].effective += sqlite3_column_int64(s, 3);
        t[slot].n += sqlite3_column_int64(s, 4);
    }
    sqlite3_reset(s);
    for (long slot = 0; rc == SQLITE_DONE && slot < MONEY_KINDS * CURRENCY_CODES; slot++) {
        const struct money_tally *m = &t[slot];
        if (m->posted == m->effective && m->n == 0)
            continue;
        problems++;
        long code = slot % CURRENCY_CODES;
        if (out)
            fprintf(out, "BROKEN %s: %s %c%c%c: in effect %lld, posted %lld, %lld more postings"
                         " than rows\n", what, money_kinds[slot / CURRENCY_CODES],
                    (char)('A' + code / 676), (char)('A' + code / 26 % 26), (char)('A' + code % 26),
                    (long long)m->effective, (long long)m->posted, (long long)m->n);
    }
    free(t);
    if (rc != SQLITE_DONE)
        return -1;
    int64_t accepted = accepted_orders(db, batch_id);
    if (accepted < 0)
        return -1;
    if (capture_postings != accepted) {
        problems++;
        if (out)
            fprintf(out, "BROKEN %s: capture: orders accepted from orders.csv %lld, capture"
                         " postings %lld\n", what, (long long)accepted, (long long)capture_postings);
    }
    return problems;
}

long verify_batch(struct db *db, int64_t batch_id, bool scan_orders, FILE *out)
{
    long rows = run_checks(db, batch_checks, sizeof batch_checks / sizeof batch_checks[0],
                           batch_id, out);
    /* Without scan_orders the money check looks every capture's order
     * up, in the order the file listed them: a date's orders at a time, a
     * working set larger than the usual cache for a catch-up of millions
     * of orders (verify 28 -> 18 s at 10M with twice the cache, before
     * such a night scanned). It sorts nothing, so the cache is all it
     * adds. A scan reads each page once and needs no more cache. */
    if (!scan_orders)
        db_set_cache_mib(db, 2 * DB_CACHE_MIB);
    long money = rows < 0 ? -1 : check_batch_money(db, batch_id, scan_orders, out);
    if (!scan_orders)
        db_set_cache_mib(db, DB_CACHE_MIB);
    return money < 0 ? -1 : rows + money;
}
