/* verify.c: invariant queries. Each check is one query whose rows are the
 * violations (key, detail), printed with the offending order IDs, refund
 * IDs or currencies. */
#include "verify.h"

struct check {
    const char *what;
    const char *sql; /* ?1: the batch id (batch checks only) */
};

/* The whole database. */
static const struct check all_checks[] = {
    {"transaction legs do not sum to zero",
     "SELECT t.ref, 'transaction ' || t.id || ' ' || l.currency || ' sums to ' || sum(l.amount)"
     " FROM ledger_txn t JOIN ledger_leg l ON l.txn_id = t.id"
     " GROUP BY t.id, l.currency HAVING sum(l.amount) <> 0"},
    {"escrow balance differs from the open orders",
     "WITH e AS (SELECT l.currency AS currency, sum(l.amount) AS held FROM ledger_leg l"
     "  WHERE l.account = 'escrow' GROUP BY l.currency),"
     " o AS (SELECT currency, sum(amount) AS open FROM orders WHERE closed_batch IS NULL"
     "  GROUP BY currency),"
     " k AS (SELECT currency FROM e UNION SELECT currency FROM o)"
     " SELECT k.currency, 'escrow ' || coalesce(e.held, 0) || ' <> open orders '"
     "  || coalesce(o.open, 0) || ' (minor units)'"
     " FROM k LEFT JOIN e USING (currency) LEFT JOIN o USING (currency)"
     " WHERE coalesce(e.held, 0) <> coalesce(o.open, 0)"},
    {"refunded + released differs from the order amount",
     "SELECT o.order_id, 'amount ' || o.amount || ', refunded ' || coalesce(r.s, 0)"
     "  || ', released ' || coalesce(g.s, 0) || CASE WHEN o.closed_batch IS NULL"
     "  THEN ' (open)' ELSE ' (closed)' END"
     " FROM orders o"
     " LEFT JOIN (SELECT order_id, sum(amount) AS s FROM refund WHERE status <> 'cancelled'"
     "  GROUP BY order_id) r ON r.order_id = o.order_id"
     " LEFT JOIN (SELECT order_id, sum(gross) AS s FROM release WHERE status <> 'cancelled'"
     "  GROUP BY order_id) g ON g.order_id = o.order_id"
     " WHERE coalesce(r.s, 0) + coalesce(g.s, 0) <>"
     "  CASE WHEN o.closed_batch IS NULL THEN 0 ELSE o.amount END"},
    {"more than one refund in effect",
     "SELECT order_id, count(*) || ' refunds' FROM refund WHERE status <> 'cancelled'"
     " GROUP BY order_id HAVING count(*) > 1"},
    {"more than one release in effect",
     "SELECT order_id, count(*) || ' releases' FROM release WHERE status <> 'cancelled'"
     " GROUP BY order_id HAVING count(*) > 1"},
    {"ledger postings differ from the captures, refunds and releases in effect",
     "WITH posted AS (SELECT coalesce(o.kind, t.kind) AS kind, t.ref AS ref,"
     "  sum(CASE WHEN coalesce(o.kind, t.kind) = 'capture' THEN l.amount ELSE -l.amount END)"
     "  AS amount FROM ledger_txn t LEFT JOIN ledger_txn o ON o.id = t.reverses"
     "  JOIN ledger_leg l ON l.txn_id = t.id AND l.account = 'escrow' GROUP BY 1, 2),"
     " effective AS (SELECT 'capture' AS kind, order_id AS ref, amount FROM orders"
     "  UNION ALL SELECT 'refund', refund_id, amount FROM refund WHERE status <> 'cancelled'"
     "  UNION ALL SELECT 'release', order_id, gross FROM release WHERE status <> 'cancelled'),"
     " k AS (SELECT kind, ref FROM posted UNION SELECT kind, ref FROM effective)"
     " SELECT k.ref, k.kind || ' in effect ' || coalesce(e.amount, 0) || ', posted '"
     "  || coalesce(p.amount, 0) FROM k"
     " LEFT JOIN effective e ON e.kind = k.kind AND e.ref = k.ref"
     " LEFT JOIN posted p ON p.kind = k.kind AND p.ref = k.ref"
     " WHERE coalesce(e.amount, 0) <> coalesce(p.amount, 0)"},
};

/* What one batch changed, reached through ledger_txn(batch_id) and the
 * (batch_id, ...) keys of refund and release. */
static const struct check batch_checks[] = {
    {"transaction legs do not sum to zero",
     "SELECT t.ref, 'transaction ' || t.id || ' ' || l.currency || ' sums to ' || sum(l.amount)"
     " FROM ledger_txn t JOIN ledger_leg l ON l.txn_id = t.id"
     " WHERE t.batch_id = ?1 GROUP BY t.id, l.currency HAVING sum(l.amount) <> 0"},
    {"escrow movement differs from the orders opened less the orders closed",
     "WITH moved AS (SELECT l.currency AS currency, sum(l.amount) AS s FROM ledger_txn t"
     "  JOIN ledger_leg l ON l.txn_id = t.id AND l.account = 'escrow'"
     "  WHERE t.batch_id = ?1 GROUP BY l.currency),"
     " opened AS (SELECT o.currency AS currency, sum(o.amount) AS s FROM ledger_txn t"
     "  JOIN orders o ON o.order_id = t.order_id WHERE t.batch_id = ?1 AND t.kind = 'capture'"
     "  GROUP BY o.currency),"
     " closed AS (SELECT o.currency AS currency, sum(o.amount) AS s FROM orders o"
     "  WHERE o.order_id IN (SELECT order_id FROM refund WHERE batch_id = ?1"
     "  UNION SELECT order_id FROM release WHERE batch_id = ?1) GROUP BY o.currency),"
     " k AS (SELECT currency FROM moved UNION SELECT currency FROM opened"
     "  UNION SELECT currency FROM closed)"
     " SELECT k.currency, 'escrow moved ' || coalesce(m.s, 0) || ' <> opened '"
     "  || coalesce(op.s, 0) || ' - closed ' || coalesce(c.s, 0) || ' (minor units)'"
     " FROM k LEFT JOIN moved m USING (currency) LEFT JOIN opened op USING (currency)"
     " LEFT JOIN closed c USING (currency)"
     " WHERE coalesce(m.s, 0) <> coalesce(op.s, 0) - coalesce(c.s, 0)"},
    {"an order settled by the batch is not closed in full",
     "WITH settled AS (SELECT order_id FROM refund WHERE batch_id = ?1"
     "  UNION SELECT order_id FROM release WHERE batch_id = ?1)"
     " SELECT o.order_id, 'amount ' || o.amount || ', refunded ' ||"
     "  coalesce((SELECT sum(amount) FROM refund r WHERE r.order_id = o.order_id"
     "   AND r.status <> 'cancelled'), 0) || ', released ' ||"
     "  coalesce((SELECT sum(gross) FROM release g WHERE g.order_id = o.order_id"
     "   AND g.status <> 'cancelled'), 0) || ', closed by batch ' || coalesce(o.closed_batch, '-')"
     " FROM settled s JOIN orders o ON o.order_id = s.order_id"
     " WHERE o.closed_batch IS NOT ?1 OR o.amount <>"
     "  coalesce((SELECT sum(amount) FROM refund r WHERE r.order_id = o.order_id"
     "   AND r.status <> 'cancelled'), 0) +"
     "  coalesce((SELECT sum(gross) FROM release g WHERE g.order_id = o.order_id"
     "   AND g.status <> 'cancelled'), 0)"},
    {"ledger postings differ from the batch's captures, refunds and releases",
     "WITH posted AS (SELECT t.kind AS kind, t.ref AS ref, t.order_id AS order_id,"
     "  sum(CASE WHEN t.kind = 'capture' THEN l.amount ELSE -l.amount END) AS amount"
     "  FROM ledger_txn t JOIN ledger_leg l ON l.txn_id = t.id AND l.account = 'escrow'"
     "  WHERE t.batch_id = ?1 AND t.kind IN ('capture', 'refund', 'release')"
     "  GROUP BY t.id),"
     " effective AS (SELECT 'capture' AS kind, p.ref AS ref, o.amount AS amount FROM posted p"
     "  JOIN orders o ON o.order_id = p.order_id WHERE p.kind = 'capture'"
     "  UNION ALL SELECT 'refund', refund_id, amount FROM refund WHERE batch_id = ?1"
     "  UNION ALL SELECT 'release', order_id, gross FROM release WHERE batch_id = ?1),"
     " k AS (SELECT kind, ref FROM posted UNION SELECT kind, ref FROM effective)"
     " SELECT k.ref, k.kind || ' in effect ' || coalesce(e.amount, 0) || ', posted '"
     "  || coalesce(p.amount, 0) FROM k"
     " LEFT JOIN effective e ON e.kind = k.kind AND e.ref = k.ref"
     " LEFT JOIN posted p ON p.kind = k.kind AND p.ref = k.ref"
     " WHERE coalesce(e.amount, 0) <> coalesce(p.amount, 0)"},
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
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
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

long verify_batch(struct db *db, int64_t batch_id, FILE *out)
{
    return run_checks(db, batch_checks, sizeof batch_checks / sizeof batch_checks[0], batch_id,
                      out);
}
