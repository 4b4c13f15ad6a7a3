/* db-schema.c: the database's schema: version 1 as first written, each
 * step from one version to the next, and the rule-candidate indexes that
 * a bulk night drops and builds again (db.h). A new database takes every
 * step, so an upgrade is the path every test takes. */
#include "db-schema.h"

#include <stdio.h>
#include <sysexits.h>

/* The orders rules 17-19 may act on, so a night reads those and not
 * every open order: delivered ones by date, undelivered ones by promised
 * date, lost ones. */
#define DUE_INDEXES                                                                               \
    "CREATE INDEX orders_release_due ON orders(delivered_on)"                                     \
    " WHERE closed_batch IS NULL AND delivered_on IS NOT NULL;"                                   \
    "CREATE INDEX orders_refund_due ON orders(promised_by)"                                       \
    " WHERE closed_batch IS NULL AND delivered_on IS NULL;"                                       \
    "CREATE INDEX orders_lost ON orders(order_id)"                                                \
    " WHERE closed_batch IS NULL AND delivered_on IS NULL AND lost = 1;"

static const char schema_v1[] =
    "CREATE TABLE batch("
    " id INTEGER PRIMARY KEY,"
    " as_of INTEGER NOT NULL,"          /* day number */
    " revision INTEGER NOT NULL,"
    " in_effect INTEGER NOT NULL DEFAULT 1,"
    " started_at TEXT NOT NULL,"
    " finished_at TEXT,"
    " rerun_start INTEGER NOT NULL DEFAULT 0," /* 1: the batch D of a rerun (has adjustments) */
    " seller_response_days INTEGER, protection_days INTEGER," /* the windows it ran under */
    " auto_refund_days INTEGER,"
    " UNIQUE(as_of, revision));"
    "CREATE TABLE batch_file("
    " batch_id INTEGER NOT NULL,"
    " file_no INTEGER NOT NULL,"        /* 0 orders, 1 tracking, 2 claims, 3 overrides */
    " present INTEGER NOT NULL,"
    " sha256 TEXT NOT NULL,"
    " rows INTEGER NOT NULL DEFAULT 0,"
    " accepted INTEGER NOT NULL DEFAULT 0,"
    " duplicates INTEGER NOT NULL DEFAULT 0,"
    " rejected INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(batch_id, file_no));"
    "CREATE TABLE batch_file_content("  /* the bytes, in chunks (filestore.c) */
    " batch_id INTEGER NOT NULL, file_no INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " content BLOB NOT NULL, UNIQUE(batch_id, file_no, seq));"
    "CREATE TABLE reject("
    " batch_id INTEGER NOT NULL, file_no INTEGER NOT NULL, row INTEGER NOT NULL,"
    " reason TEXT NOT NULL, raw TEXT NOT NULL,"
    " PRIMARY KEY(batch_id, file_no, row)) WITHOUT ROWID;"
    "CREATE TABLE orders("
    " order_id TEXT PRIMARY KEY, buyer_id TEXT NOT NULL, seller_id TEXT NOT NULL,"
    " placed_on INTEGER NOT NULL, amount INTEGER NOT NULL, currency TEXT NOT NULL,"
    " payment_method TEXT NOT NULL, promised_days INTEGER NOT NULL,"
    " promised_by INTEGER NOT NULL, batch_id INTEGER NOT NULL,"
    " delivered_on INTEGER, lost INTEGER NOT NULL DEFAULT 0,"
    " closed_batch INTEGER) WITHOUT ROWID;"
    DUE_INDEXES
    "CREATE TABLE event("
    " order_id TEXT NOT NULL, event_on INTEGER NOT NULL, status TEXT NOT NULL,"
    " carrier TEXT, tracking_number TEXT, batch_id INTEGER NOT NULL,"
    " PRIMARY KEY(order_id, event_on, status)) WITHOUT ROWID;"
    "CREATE TABLE claim("
    " claim_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, opened_on INTEGER NOT NULL,"
    " reason TEXT NOT NULL, amount INTEGER, response TEXT, responded_on INTEGER,"
    " response_batch INTEGER, batch_id INTEGER NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'PENDING', rule TEXT, decided_batch INTEGER) WITHOUT ROWID;"
    "CREATE INDEX claim_undecided ON claim(opened_on, claim_id) WHERE decided_batch IS NULL;"
    "CREATE INDEX claim_order ON claim(order_id);"
    "CREATE TABLE override("
    " claim_id TEXT PRIMARY KEY, outcome TEXT NOT NULL, amount INTEGER, note TEXT,"
    " batch_id INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE decision("
    " batch_id INTEGER NOT NULL, claim_id TEXT NOT NULL, status TEXT NOT NULL,"
    " rule TEXT NOT NULL, refund_amount INTEGER,"
    " PRIMARY KEY(batch_id, claim_id)) WITHOUT ROWID;"
    "CREATE TABLE refund("
    " refund_id TEXT NOT NULL, batch_id INTEGER NOT NULL, order_id TEXT NOT NULL,"
    " claim_id TEXT, buyer_id TEXT NOT NULL, payment_method TEXT NOT NULL,"
    " amount INTEGER NOT NULL, currency TEXT NOT NULL, queued_on INTEGER NOT NULL,"
    " submit_on INTEGER NOT NULL, expected_earliest INTEGER NOT NULL,"
    " expected_latest INTEGER NOT NULL, rule TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'queued',"
    " PRIMARY KEY(batch_id, refund_id));"
    "CREATE UNIQUE INDEX refund_in_effect ON refund(refund_id) WHERE status <> 'cancelled';"
    "CREATE TABLE release("
    " order_id TEXT NOT NULL, batch_id INTEGER NOT NULL, seller_id TEXT NOT NULL,"
    " gross INTEGER NOT NULL, fee INTEGER NOT NULL, net INTEGER NOT NULL,"
    " currency TEXT NOT NULL, released_on INTEGER NOT NULL, rule TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'released',"
    " PRIMARY KEY(batch_id, order_id));"
    "CREATE UNIQUE INDEX release_in_effect ON release(order_id) WHERE status <> 'cancelled';"
    "CREATE TABLE adjustment("          /* what a rerun changed (SPEC section 6) */
    " batch_id INTEGER NOT NULL,"       /* the rerun revision of D that lists it */
    " action TEXT NOT NULL,"            /* add, cancel */
    " kind TEXT NOT NULL,"              /* capture, refund, release */
    " id TEXT NOT NULL, order_id TEXT NOT NULL, amount INTEGER NOT NULL,"
    " currency TEXT NOT NULL, as_of INTEGER NOT NULL);" /* the batch it belongs to */
    "CREATE TABLE ledger_day("          /* totals.c: movements per as-of date */
    " as_of INTEGER NOT NULL, currency TEXT NOT NULL, kind TEXT NOT NULL,"
    " account TEXT NOT NULL, amount INTEGER NOT NULL,"
    " PRIMARY KEY(as_of, currency, kind, account)) WITHOUT ROWID;"
    "CREATE TABLE open_book("           /* totals.c: open orders by date placed */
    " currency TEXT NOT NULL, placed_on INTEGER NOT NULL, orders INTEGER NOT NULL,"
    " amount INTEGER NOT NULL, PRIMARY KEY(currency, placed_on)) WITHOUT ROWID;"
    "CREATE TABLE ledger_txn("
    " id INTEGER PRIMARY KEY, batch_id INTEGER NOT NULL,"
    " kind TEXT NOT NULL,"             /* capture, release, refund, reversal */
    " ref TEXT NOT NULL,"              /* order ID, or refund ID */
    " order_id TEXT NOT NULL, rule TEXT, reverses INTEGER);"
    "CREATE INDEX ledger_txn_batch ON ledger_txn(batch_id);"
    "CREATE INDEX ledger_txn_ref ON ledger_txn(ref, kind);" /* a rerun's snapshot */
    "CREATE INDEX ledger_txn_reverses ON ledger_txn(reverses) WHERE reverses IS NOT NULL;"
    "CREATE TABLE ledger_leg("
    " txn_id INTEGER NOT NULL, account TEXT NOT NULL, currency TEXT NOT NULL,"
    " amount INTEGER NOT NULL, PRIMARY KEY(txn_id, account)) WITHOUT ROWID;";

/* Schema version 2 keeps a posting's legs as columns of its ledger_txn row
 * (one row per posting instead of three or four: the ledger was a quarter
 * of a night's inserts), keeps ledger_leg as a view of them for readers,
 * and drops the ledger's index by reference. A new database is made by
 * version 1 then this step, so the migration of an existing database is
 * the same path every test takes. */
static const char migrate_v1_to_v2[] =
    "ALTER TABLE ledger_txn ADD COLUMN currency TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE ledger_txn ADD COLUMN buyer_funds INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE ledger_txn ADD COLUMN escrow INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE ledger_txn ADD COLUMN seller_payable INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE ledger_txn ADD COLUMN fee_revenue INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE ledger_txn ADD COLUMN refund_payable INTEGER NOT NULL DEFAULT 0;"
    "UPDATE ledger_txn SET"
    " currency = coalesce((SELECT min(currency) FROM ledger_leg WHERE txn_id = id), ''),"
    " buyer_funds = coalesce((SELECT sum(amount) FROM ledger_leg"
    "  WHERE txn_id = id AND account = 'buyer_funds'), 0),"
    " escrow = coalesce((SELECT sum(amount) FROM ledger_leg"
    "  WHERE txn_id = id AND account = 'escrow'), 0),"
    " seller_payable = coalesce((SELECT sum(amount) FROM ledger_leg"
    "  WHERE txn_id = id AND account = 'seller_payable'), 0),"
    " fee_revenue = coalesce((SELECT sum(amount) FROM ledger_leg"
    "  WHERE txn_id = id AND account = 'fee_revenue'), 0),"
    " refund_payable = coalesce((SELECT sum(amount) FROM ledger_leg"
    "  WHERE txn_id = id AND account = 'refund_payable'), 0);"
    "DROP TABLE ledger_leg;"
    /* a rerun finds its postings by batch (reconcile.c): the index by
     * reference was a random insert per posting every night */
    "DROP INDEX IF EXISTS ledger_txn_ref;"
    "CREATE VIEW ledger_leg(txn_id, account, currency, amount) AS"
    " SELECT id, 'buyer_funds', currency, buyer_funds FROM ledger_txn WHERE buyer_funds <> 0"
    " UNION ALL SELECT id, 'escrow', currency, escrow FROM ledger_txn WHERE escrow <> 0"
    " UNION ALL SELECT id, 'seller_payable', currency, seller_payable FROM ledger_txn"
    "  WHERE seller_payable <> 0"
    " UNION ALL SELECT id, 'fee_revenue', currency, fee_revenue FROM ledger_txn"
    "  WHERE fee_revenue <> 0"
    " UNION ALL SELECT id, 'refund_payable', currency, refund_payable FROM ledger_txn"
    "  WHERE refund_payable <> 0;";

/* Schema version 3 packs an order's carrier events into orders.events
 * (events.h) and drops the event table: a night inserted three rows per
 * order there, a third of its database writes. The carrier and tracking
 * number stay in the stored tracking.csv of the batch (filestore.c). */
static const char migrate_v2_to_v3[] =
    "ALTER TABLE orders ADD COLUMN events BLOB;"
    "UPDATE orders SET events = (SELECT events_pack(e.event_on, e.status, e.batch_id)"
    " FROM event e WHERE e.order_id = orders.order_id);"
    "DROP TABLE event;"
    /* stored input files are compressed chunk by chunk (filestore.c);
     * the chunks stored before are kept as they were */
    "ALTER TABLE batch_file_content ADD COLUMN codec INTEGER NOT NULL DEFAULT 0;";

/* Schema version 4 keeps two nightly reads from growing with the history.
 * It indexes a rerun's adjustments by the revision that lists them, in the
 * order the Adjustments sheet and adjustments.csv show them: every night's
 * workbook read the whole table, which every rerun makes longer, to find
 * its own (most nights: none). And it orders the undecided claims'
 * index as decide.c takes them, order by order: the work list was read
 * through claim_order, every claim ever received (night 60 of
 * tools/steady.sh: 98,689 for 9,180), and an order's undecided claims were
 * looked up the same way. */
static const char migrate_v3_to_v4[] =
    "CREATE INDEX adjustment_batch ON adjustment(batch_id, as_of, kind, id, action);"
    "DROP INDEX claim_undecided;"
    "CREATE INDEX claim_undecided ON claim(order_id, opened_on, claim_id)"
    " WHERE decided_batch IS NULL;";

/* Schema version 5 finds a batch's postings by the range of ledger_txn
 * ids it wrote (batch.first_txn, batch.last_txn; pipeline.c sets them,
 * reconcile.c extends the range of a rerun's first batch by the reversals
 * it posts last) and drops the index of the ledger by batch: that index
 * was an insert for every posting, 1.66 million on a night of a million
 * orders (0.7 s of its 12). A batch's range can hold other batches'
 * postings (a rerun's later nights sit inside its first batch's range),
 * so readers also test batch_id; verify checks every posting lies inside
 * its batch's range. A batch without postings has an empty range (a
 * migrated one: 1..0). It also makes release a table without rowid. */
static const char migrate_v4_to_v5[] =
    /* and a release is one row of a table keyed by (batch, order): the
     * rowid table kept that key as an index beside it, a third B-tree
     * written for every release */
    "CREATE TABLE release_v5("
    " order_id TEXT NOT NULL, batch_id INTEGER NOT NULL, seller_id TEXT NOT NULL,"
    " gross INTEGER NOT NULL, fee INTEGER NOT NULL, net INTEGER NOT NULL,"
    " currency TEXT NOT NULL, released_on INTEGER NOT NULL, rule TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'released',"
    " PRIMARY KEY(batch_id, order_id)) WITHOUT ROWID;"
    "INSERT INTO release_v5(order_id, batch_id, seller_id, gross, fee, net, currency,"
    " released_on, rule, status) SELECT order_id, batch_id, seller_id, gross, fee, net,"
    " currency, released_on, rule, status FROM release;"
    "DROP TABLE release;"
    "ALTER TABLE release_v5 RENAME TO release;"
    "CREATE UNIQUE INDEX release_in_effect ON release(order_id) WHERE status <> 'cancelled';"
    "ALTER TABLE batch ADD COLUMN first_txn INTEGER;"
    "ALTER TABLE batch ADD COLUMN last_txn INTEGER;"
    "UPDATE batch SET"
    " first_txn = coalesce((SELECT min(id) FROM ledger_txn WHERE batch_id = batch.id), 1),"
    " last_txn = coalesce((SELECT max(id) FROM ledger_txn WHERE batch_id = batch.id), 0);"
    "DROP INDEX IF EXISTS ledger_txn_batch;";

/* Schema version 6 keeps with each batch the configuration it was built
 * with (config.h, config_text): a rerun built under another one would
 * pay other fees and due dates without a word in adjustments.csv, so
 * rerun.c refuses it. A batch of an older version has none (NULL). */
static const char migrate_v5_to_v6[] = "ALTER TABLE batch ADD COLUMN config TEXT;";

/* Schema version 7 keeps with each adjustment who pays or is paid (the
 * buyer of a capture or refund, the seller of a release), the payment
 * method of a capture or refund and the fee of a release, as they were
 * (reconcile.c): a correction of the payment method or of the seller
 * cancels and adds an entry of the same ID and amount, and the sheet
 * showed two rows alike. Adjustments made before have none (NULL). */
static const char migrate_v6_to_v7[] = "ALTER TABLE adjustment ADD COLUMN party TEXT;"
                                       "ALTER TABLE adjustment ADD COLUMN payment_method TEXT;"
                                       "ALTER TABLE adjustment ADD COLUMN fee INTEGER;";

/* The steps from version i to i + 1, i = 0 .. DB_SCHEMA_VERSION - 1. */
static const char *const migrations[DB_SCHEMA_VERSION] = {
    schema_v1,        migrate_v1_to_v2, migrate_v2_to_v3,
    migrate_v3_to_v4, migrate_v4_to_v5, migrate_v5_to_v6, migrate_v6_to_v7};

int db_schema_migrate(struct db *db, char *err, size_t err_size, const char *path)
{
    int64_t version = db_query_int(db, "PRAGMA user_version", -1);
    if (version == DB_SCHEMA_VERSION)
        return 0;
    if (version < 0 || version > DB_SCHEMA_VERSION) {
        snprintf(err, err_size, "%s: unknown schema version %lld", path, (long long)version);
        return EX_DATAERR;
    }
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", DB_SCHEMA_VERSION);
    bool ok = db_exec(db, "BEGIN IMMEDIATE") == SQLITE_OK;
    for (int64_t v = version; ok && v < DB_SCHEMA_VERSION; v++)
        ok = db_exec(db, migrations[v]) == SQLITE_OK;
    if (!ok || db_exec(db, sql) != SQLITE_OK || db_exec(db, "COMMIT") != SQLITE_OK) {
        int busy = sqlite3_errcode(db_handle(db)) == SQLITE_BUSY;
        snprintf(err, err_size, "%s: cannot %s schema: %s", path,
                 version == 0 ? "create" : "upgrade", db_errmsg_plain(db));
        db_exec(db, "ROLLBACK");
        return busy ? EX_TEMPFAIL : version == 0 ? EX_CANTCREAT : EX_IOERR;
    }
    return 0;
}

int db_drop_due_indexes(struct db *db)
{
    return db_exec(db, "DROP INDEX orders_release_due; DROP INDEX orders_refund_due;"
                       " DROP INDEX orders_lost;");
}

int db_create_due_indexes(struct db *db)
{
    return db_exec(db, DUE_INDEXES);
}
