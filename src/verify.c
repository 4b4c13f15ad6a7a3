/* verify.c: invariant queries. Each check is one query whose rows are the
 * violations, printed with the offending order IDs or currencies. */
#include "verify.h"

struct check {
    const char *what;
    const char *sql; /* ?1 = batch id or 0 for all; rows: (key, detail) */
};

static const struct check checks[] = {
    {"transaction legs do not sum to zero",
     "SELECT t.ref, 'transaction ' || t.id || ' ' || l.currency || ' sums to ' || sum(l.amount)"
     " FROM ledger_txn t JOIN ledger_leg l ON l.txn_id = t.id"
     " WHERE ?1 = 0 OR t.batch_id = ?1 GROUP BY t.id, l.currency HAVING sum(l.amount) <> 0"},
    {"escrow balance differs from the open orders",
     "WITH e AS (SELECT l.currency AS currency, sum(l.amount) AS held FROM ledger_leg l"
     "  WHERE l.account = 'escrow' GROUP BY l.currency),"
     " o AS (SELECT currency, sum(amount) AS open FROM orders WHERE closed_batch IS NULL"
     "  GROUP BY currency),"
     " k AS (SELECT currency FROM e UNION SELECT currency FROM o)"
     " SELECT k.currency, 'escrow ' || coalesce(e.held, 0) || ' <> open orders '"
     "  || coalesce(o.open, 0) || ' (minor units)'"
     " FROM k LEFT JOIN e USING (currency) LEFT JOIN o USING (currency)"
     " WHERE coalesce(e.held, 0) <> coalesce(o.open, 0) AND ?1 = ?1"},
    {"refunded + released differs from the order amount",
     "SELECT o.order_id, 'amount ' || o.amount || ', refunded ' || coalesce(r.s, 0)"
     "  || ', released ' || coalesce(g.s, 0) || CASE WHEN o.closed_batch IS NULL"
     "  THEN ' (open)' ELSE ' (closed)' END"
     " FROM orders o"
     " LEFT JOIN (SELECT order_id, sum(amount) AS s FROM refund WHERE status <> 'cancelled'"
     "  GROUP BY order_id) r ON r.order_id = o.order_id"
     " LEFT JOIN (SELECT order_id, sum(gross) AS s FROM release WHERE status <> 'cancelled'"
     "  GROUP BY order_id) g ON g.order_id = o.order_id"
     " WHERE (?1 = 0 OR o.batch_id = ?1 OR o.closed_batch = ?1)"
     " AND coalesce(r.s, 0) + coalesce(g.s, 0) <>"
     "  CASE WHEN o.closed_batch IS NULL THEN 0 ELSE o.amount END"},
    {"more than one refund in effect",
     "SELECT order_id, count(*) || ' refunds' FROM refund WHERE status <> 'cancelled'"
     " AND (?1 = 0 OR batch_id = ?1) GROUP BY order_id HAVING count(*) > 1"},
    {"more than one release in effect",
     "SELECT order_id, count(*) || ' releases' FROM release WHERE status <> 'cancelled'"
     " AND (?1 = 0 OR batch_id = ?1) GROUP BY order_id HAVING count(*) > 1"},
    {"ledger postings differ from the captures, refunds and releases in effect",
     "WITH posted AS (SELECT coalesce(o.kind, t.kind) AS kind, t.ref AS ref,"
     "  sum(CASE WHEN coalesce(o.kind, t.kind) = 'capture' THEN l.amount ELSE -l.amount END)"
     "  AS amount FROM ledger_txn t LEFT JOIN ledger_txn o ON o.id = t.reverses"
     "  JOIN ledger_leg l ON l.txn_id = t.id AND l.account = 'escrow'"
     "  WHERE ?1 = 0 OR t.batch_id = ?1 GROUP BY 1, 2),"
     " effective AS (SELECT 'capture' AS kind, order_id AS ref, amount FROM orders"
     "  WHERE ?1 = 0 OR batch_id = ?1"
     "  UNION ALL SELECT 'refund', refund_id, amount FROM refund"
     "  WHERE status <> 'cancelled' AND (?1 = 0 OR batch_id = ?1)"
     "  UNION ALL SELECT 'release', order_id, gross FROM release"
     "  WHERE status <> 'cancelled' AND (?1 = 0 OR batch_id = ?1)),"
     " k AS (SELECT kind, ref FROM posted UNION SELECT kind, ref FROM effective)"
     " SELECT k.ref, k.kind || ' in effect ' || coalesce(e.amount, 0) || ', posted '"
     "  || coalesce(p.amount, 0) FROM k"
     " LEFT JOIN effective e ON e.kind = k.kind AND e.ref = k.ref"
     " LEFT JOIN posted p ON p.kind = k.kind AND p.ref = k.ref"
     " WHERE coalesce(e.amount, 0) <> coalesce(p.amount, 0)"},
};

long verify_invariants(struct db *db, int64_t batch_id, FILE *out)
{
    long problems = 0;
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        sqlite3_stmt *s = db_stmt(db, checks[i].sql);
        if (!s)
            return -1;
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
