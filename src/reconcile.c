/* reconcile.c: set-based SQL that diffs the ledger before and after a
 * rerun. A posting's identity is (kind, ref); its content is its legs
 * (POSTING_COLUMNS). What changed is listed in the adjustment table, with
 * who pays or is paid, how, and a release's fee, as they were. */
#include "reconcile.h"

#include "ledger.h"

/* The columns of a posting `t` of batch `b` as old_posting and new_posting
 * hold them (POSTING_TARGET), with `po` its order as the orders table holds
 * it when they are read (before the rollback for the postings in effect,
 * after the replay for the new ones). Its party is who pays or is paid:
 * the seller of a release, the buyer of a capture or a refund, who also
 * have its payment method; a release also keeps its fee. The legs, what
 * decides whether it changed, are its currency and amounts, written as
 * "USD -1000 1000 0 0 0" in column order, then its order, party and
 * method: a correction of the seller, of the payment method, or of the
 * order a claim belongs to, keeps the amounts and IDs, yet pays someone
 * else: it must be cancelled and added, not kept. */
#define POSTING_PARTY "CASE t.kind WHEN 'release' THEN po.seller_id ELSE po.buyer_id END"
#define POSTING_METHOD "CASE WHEN t.kind <> 'release' THEN po.payment_method END"
#define POSTING_TARGET "(txn_id, kind, ref, order_id, as_of, currency, amount, legs, party, method, fee)"
#define POSTING_COLUMNS                                                                           \
    " t.id, t.kind, t.ref, t.order_id, b.as_of, t.currency, abs(t.escrow),"                        \
    " t.currency || ' ' || t.buyer_funds || ' ' || t.escrow || ' ' || t.seller_payable || ' '"     \
    "  || t.fee_revenue || ' ' || t.refund_payable || ' ' || t.order_id || ' '"                    \
    "  || coalesce(" POSTING_PARTY " || coalesce(' ' || " POSTING_METHOD ", ''), ''),"            \
    " " POSTING_PARTY ", " POSTING_METHOD ", CASE t.kind WHEN 'release' THEN t.fee_revenue END"
/* The postings of the batches, each with its order. */
#define POSTING_SOURCE LEDGER_BATCH_POSTINGS " LEFT JOIN orders po ON po.order_id = t.order_id"

static const char create_tables[] =
    "CREATE TEMP TABLE IF NOT EXISTS old_posting(txn_id INTEGER PRIMARY KEY, kind TEXT,"
    " ref TEXT, order_id TEXT, as_of INTEGER, currency TEXT, amount INTEGER, legs TEXT,"
    " party TEXT, method TEXT, fee INTEGER, kept INTEGER NOT NULL DEFAULT 0);"
    "CREATE TEMP TABLE IF NOT EXISTS new_posting(txn_id INTEGER PRIMARY KEY, kind TEXT,"
    " ref TEXT, order_id TEXT, as_of INTEGER, currency TEXT, amount INTEGER, legs TEXT,"
    " party TEXT, method TEXT, fee INTEGER, kept INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS temp.old_posting_ref ON old_posting(kind, ref);"
    "CREATE INDEX IF NOT EXISTS temp.new_posting_ref ON new_posting(kind, ref);"
    "DELETE FROM temp.old_posting; DELETE FROM temp.new_posting;";

int reconcile_snapshot(struct db *db, day_t from)
{
    if (db_exec(db, create_tables) != SQLITE_OK)
        return -1;
    /* A posting lives in a batch of the same as-of date as the capture,
     * refund or release it posts (a rerun keeps an unchanged posting in the
     * replaced revision), so the postings in effect of the batches >= from
     * are found through each batch's range of ids (LEDGER_BATCH_POSTINGS), not
     * by searching the whole ledger by reference. */
    sqlite3_stmt *s = db_stmt(
        db, "INSERT INTO temp.old_posting" POSTING_TARGET " SELECT" POSTING_COLUMNS
            " FROM" POSTING_SOURCE
            " WHERE b.as_of >= ?1"
            " AND NOT EXISTS(SELECT 1 FROM ledger_txn r WHERE r.reverses = t.id)"
            " AND CASE t.kind"
            "  WHEN 'capture' THEN EXISTS(SELECT 1 FROM orders o JOIN batch ob ON ob.id = o.batch_id"
            "   WHERE o.order_id = t.ref AND ob.as_of >= ?1)"
            "  WHEN 'refund' THEN EXISTS(SELECT 1 FROM refund f JOIN batch fb ON fb.id = f.batch_id"
            "   WHERE f.refund_id = t.ref AND f.status <> 'cancelled' AND fb.as_of >= ?1)"
            "  WHEN 'release' THEN EXISTS(SELECT 1 FROM release l JOIN batch lb ON lb.id = l.batch_id"
            "   WHERE l.order_id = t.ref AND l.status <> 'cancelled' AND lb.as_of >= ?1)"
            "  ELSE 0 END");
    if (!s)
        return -1;
    db_bind_int(s, 1, (int64_t)from);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

/* An adjustment's columns, and the posting columns they are taken from. */
#define ADJUSTMENT_TARGET                                                                         \
    "(batch_id, action, kind, id, order_id, amount, currency, as_of, party, payment_method, fee)"
#define ADJUSTMENT_COLUMNS " kind, ref, order_id, amount, currency, as_of, party, method, fee"

/* Steps after the replay, in order; ?1 is the rerun's first batch. */
static const char *const reconcile_sql[] = {
    /* the replayed batches' postings */
    "INSERT INTO temp.new_posting" POSTING_TARGET " SELECT" POSTING_COLUMNS " FROM" POSTING_SOURCE
    " WHERE b.in_effect = 1"
    " AND b.as_of >= " LEDGER_DATE_OF_BATCH
    " AND t.kind IN ('capture', 'refund', 'release')",
    /* unchanged (same legs in the batch of the same date): the old posting
     * stays in effect, the new one goes. One that moved to another night
     * is cancelled there and added on its new night, so every posting is
     * dated as its capture, refund or release (reconcile_snapshot relies
     * on it, and each night's Summary shows what that night settled). */
    "UPDATE temp.new_posting SET kept = 1 WHERE EXISTS(SELECT 1 FROM temp.old_posting o"
    " WHERE o.kind = new_posting.kind AND o.ref = new_posting.ref AND o.legs = new_posting.legs"
    " AND o.as_of = new_posting.as_of) AND ?1 = ?1",
    "UPDATE temp.old_posting SET kept = 1 WHERE EXISTS(SELECT 1 FROM temp.new_posting n"
    " WHERE n.kind = old_posting.kind AND n.ref = old_posting.ref AND n.legs = old_posting.legs"
    " AND n.as_of = old_posting.as_of) AND ?1 = ?1",
    "DELETE FROM ledger_txn WHERE id IN (SELECT txn_id FROM temp.new_posting WHERE kept = 1)"
    " AND ?1 = ?1",
    /* added */
    "INSERT INTO adjustment" ADJUSTMENT_TARGET " SELECT ?1, 'add'," ADJUSTMENT_COLUMNS
    " FROM temp.new_posting"
    " WHERE kept = 0",
    /* cancelled: a reversal negating every leg */
    "INSERT INTO adjustment" ADJUSTMENT_TARGET " SELECT ?1, 'cancel'," ADJUSTMENT_COLUMNS
    " FROM temp.old_posting"
    " WHERE kept = 0",
    "INSERT INTO ledger_txn(batch_id, kind, ref, order_id, rule, reverses, currency,"
    " buyer_funds, escrow, seller_payable, fee_revenue, refund_payable)"
    " SELECT ?1, 'reversal', o.ref, o.order_id, NULL, o.txn_id, t.currency, -t.buyer_funds,"
    " -t.escrow, -t.seller_payable, -t.fee_revenue, -t.refund_payable"
    " FROM temp.old_posting o JOIN ledger_txn t ON t.id = o.txn_id WHERE o.kept = 0"
    " ORDER BY o.txn_id",
    /* the reversals are the rerun's last postings: its first batch's range
     * grows over them (and over the later batches' postings between) */
    "UPDATE batch SET last_txn = (SELECT max(id) FROM ledger_txn) WHERE id = ?1",
};

int reconcile_ledger(struct db *db, int64_t rerun_batch_id)
{
    for (size_t i = 0; i < sizeof reconcile_sql / sizeof reconcile_sql[0]; i++)
        if (db_exec_int(db, reconcile_sql[i], rerun_batch_id) != SQLITE_DONE)
            return -1;
    return 0;
}
