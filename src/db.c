/* db.c: the SQLite connection, the schema and the statement cache. */
#include "db.h"
#include "events-sql.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#define STMT_SLOTS 256 /* more than the program's distinct statements */

struct stmt_slot {
    const char *sql;
    sqlite3_stmt *stmt;
};

struct db {
    sqlite3 *handle;
    struct stmt_slot slots[STMT_SLOTS];
};

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

sqlite3 *db_handle(struct db *db)
{
    return db->handle;
}

/* The message and result code of the last statement that failed in
 * db_step on this thread. A caller that resets other statements on its
 * way out makes SQLite report "not an error"; db_errmsg and
 * db_failure_exit still give the failure. */
static _Thread_local char failed_message[320];
static _Thread_local int failed_code;

/* Whether db's last failure is the one recorded by db_step rather than
 * the connection's own (which a later reset or PRAGMA made SQLITE_OK). */
static bool failure_recorded(struct db *db)
{
    return sqlite3_errcode(db->handle) == SQLITE_OK && failed_message[0];
}

/* SQLite's message for an error of code `code`, into `out`: for a damaged
 * file ("database disk image is malformed"), with what the operator does
 * next (README, exit codes). */
static const char *message_with_hint(const char *message, int code, char *out, size_t size)
{
    snprintf(out, size, "%s%s", message,
             (code & 0xff) == SQLITE_CORRUPT ? " (run `arbiter verify` on this database: it lists the"
                                      " damage; then restore the last backup)"
                                    : "");
    return out;
}

const char *db_errmsg(struct db *db)
{
    static _Thread_local char message[320];
    if (failure_recorded(db))
        return failed_message;
    return message_with_hint(sqlite3_errmsg(db->handle), sqlite3_errcode(db->handle), message,
                             sizeof message);
}

/* The SQLite result code of db's last failure. */
static int failure_code(struct db *db)
{
    return failure_recorded(db) ? failed_code : sqlite3_errcode(db->handle);
}

int db_failure_exit(struct db *db)
{
    return db_code_exit(failure_code(db));
}

int db_code_exit(int code)
{
    switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return EX_TEMPFAIL;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
        return EX_IOERR;
    default:
        return EX_SOFTWARE;
    }
}

int db_exec(struct db *db, const char *sql)
{
    return sqlite3_exec(db->handle, sql, NULL, NULL, NULL);
}

/* Schema version 2 keeps a posting's legs as columns of its ledger_txn row
 * (one row per posting instead of three or four: the ledger was a quarter
 * of a night's inserts), keeps ledger_leg as a view of them for readers,
 * and drops the ledger's index by reference. A new database is made by version 1 then this step, so the
 * migration of an existing database is the same path every test takes. */
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

/* The steps from version i to i + 1, i = 0 .. DB_SCHEMA_VERSION - 1. */
static const char *const migrations[DB_SCHEMA_VERSION] = {
    schema_v1,        migrate_v1_to_v2, migrate_v2_to_v3,
    migrate_v3_to_v4, migrate_v4_to_v5, migrate_v5_to_v6};

/* Brings the schema to DB_SCHEMA_VERSION in one transaction (a newer one
 * is refused before, by refuse_foreign; this is its guard). */
static int migrate(struct db *db, char *err, size_t err_size, const char *path)
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
        int busy = sqlite3_errcode(db->handle) == SQLITE_BUSY;
        snprintf(err, err_size, "%s: cannot %s schema: %s", path,
                 version == 0 ? "create" : "upgrade", db_errmsg(db));
        db_exec(db, "ROLLBACK");
        return busy ? EX_TEMPFAIL : version == 0 ? EX_CANTCREAT : EX_IOERR;
    }
    return 0;
}

void db_configure(void)
{
    /* no allocation statistics: arbiter never reads them, and keeping
     * them takes a process-wide mutex on every allocation and free of
     * every connection (1M orders: 13.7 -> 13.0 s) */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* 0 when arbiter may write to the file, else the exit code with a
 * message in err: 65 for a schema newer than this arbiter's, or no
 * arbiter schema, unless the command creates the database (run) and the
 * file is empty (of no bytes, or tables none), so that no command writes
 * its tables into another program's database; or the code of the failure
 * when the schema cannot be read (busy: 75, not a database: 65, damaged:
 * 74). Decided before anything is written to the file (the journal mode
 * is): a read that failed on a lock released a moment later must not
 * let the writes through unchecked. */
static int refuse_foreign(struct db *db, bool create, const char *path, char *err,
                          size_t err_size)
{
    /* INT64_MIN: the query failed (a user_version of -1 is refused) */
    int64_t version = db_query_int(db, "PRAGMA user_version", INT64_MIN);
    int64_t tables = db_query_int(db, "SELECT count(*) FROM sqlite_schema", -1);
    int64_t batch = db_query_int(db, "SELECT count(*) FROM sqlite_schema"
                                     " WHERE type = 'table' AND name = 'batch'", -1);
    if (version == INT64_MIN || tables < 0 || batch < 0) {
        bool text = (failure_code(db) & 0xff) == SQLITE_NOTADB;
        snprintf(err, err_size, "%s: %s", path, text ? "not an arbiter database" : db_errmsg(db));
        return text ? EX_DATAERR : db_failure_exit(db);
    }
    if (version < 0 || version > DB_SCHEMA_VERSION) {
        snprintf(err, err_size, "%s: schema version %lld is %s this arbiter's (%d)", path,
                 (long long)version, version < 0 ? "not" : "newer than", DB_SCHEMA_VERSION);
        return EX_DATAERR;
    }
    if ((version > 0 && batch > 0) || (version == 0 && create && tables == 0))
        return 0;
    snprintf(err, err_size, "%s: not an arbiter database (%s)", path,
             tables > 0 ? "another program's tables"
             : version == 0 ? "an empty file: run a batch first"
                            : "another program's schema version, no tables");
    return EX_DATAERR;
}

bool db_missing(const char *path, char *err, size_t err_size)
{
    if (access(path, F_OK) == 0)
        return false;
    snprintf(err, err_size, "%s: no database (run a batch first)", path);
    return true;
}

static int open_db(const char *path, bool create, struct db **out, char *err, size_t err_size);

/* Makes a new database at path whole or not at all: its schema is written
 * into <path>.new, renamed into place once closed (its log copied in), so
 * that a first run killed while it writes the schema leaves no file, not
 * one of no bytes that the other commands would call damaged. What such
 * a kill left of <path>.new is removed first: the caller holds the lock. */
static int create_whole(const char *path, char *err, size_t err_size)
{
    static const char *const sides[] = {"", "-journal", "-wal", "-shm"};
    char fresh_path[4200], side[4300];
    if (snprintf(fresh_path, sizeof fresh_path, "%s.new", path) >= (int)sizeof fresh_path) {
        snprintf(err, err_size, "%.200s...: database path too long", path);
        return EX_USAGE;
    }
    for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
        snprintf(side, sizeof side, "%s%s", fresh_path, sides[i]);
        if (unlink(side) != 0 && errno != ENOENT) {
            snprintf(err, err_size, "%s: cannot remove a left-over: %s", side, strerror(errno));
            return EX_CANTCREAT;
        }
    }
    struct db *fresh;
    int rc = open_db(fresh_path, true, &fresh, err, err_size);
    if (rc)
        return rc;
    db_close(fresh);
    snprintf(side, sizeof side, "%s-wal", fresh_path);
    if (access(side, F_OK) == 0) {
        snprintf(err, err_size, "%s: cannot create database: its log was not copied in", path);
        return EX_CANTCREAT;
    }
    if (rename(fresh_path, path) != 0) {
        snprintf(err, err_size, "%s: cannot create database: %s", path, strerror(errno));
        return EX_CANTCREAT;
    }
    return 0;
}

int db_open(const char *path, bool create, struct db **out, char *err, size_t err_size)
{
    *out = NULL;
    if (!create && db_missing(path, err, err_size))
        return EX_NOINPUT;
    bool in_memory = strcmp(path, ":memory:") == 0; /* no file to make whole */
    if (create && !in_memory && access(path, F_OK) != 0 && errno == ENOENT) {
        int rc = create_whole(path, err, err_size);
        if (rc)
            return rc;
    }
    return open_db(path, create, out, err, err_size);
}

/* db_open of a file that exists, or that SQLite creates when `create`. */
static int open_db(const char *path, bool create, struct db **out, char *err, size_t err_size)
{
    struct db *db = calloc(1, sizeof *db);
    if (!db) {
        snprintf(err, err_size, "out of memory");
        return EX_SOFTWARE;
    }
    /* One connection, one thread: no mutexes. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    mode_t old_mask = umask(077); /* buyers' data: readable by the owner only */
    int rc = sqlite3_open_v2(path, &db->handle, flags, NULL);
    umask(old_mask);
    if (rc != SQLITE_OK) {
        snprintf(err, err_size, "%s: cannot open database: %s", path,
                 db->handle ? sqlite3_errmsg(db->handle) : "out of memory");
        db_close(db);
        return EX_CANTCREAT;
    }
    sqlite3_extended_result_codes(db->handle, 0);
    if (events_sql_register(db->handle) != 0) {
        snprintf(err, err_size, "%s: cannot register functions: %s", path,
                 sqlite3_errmsg(db->handle));
        db_close(db);
        return EX_SOFTWARE;
    }
    rc = refuse_foreign(db, create, path, err, err_size);
    if (rc) {
        /* closing the last connection would copy a log the file's own
         * program left into it: the refused file stays as it was */
        sqlite3_db_config(db->handle, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
        db_close(db);
        return rc;
    }
    /* Pages of 64 KiB (SQLite's largest) for a new database; an existing
     * one keeps its own. A night writes most of a gigabyte through the WAL
     * in one transaction, and SQLite finds a page in the WAL by searching
     * one hash table per 4096 frames, newest first, so with 4 KiB pages
     * every cache miss of a big night got slower as the night went on.
     * Measured (README, issue 7): 4 KiB -> 16 KiB -> 64 KiB, 1M orders
     * 23.8 -> 21.3 -> 21.3 s, 10M 368 -> 289 -> 272 s, night 60 of the
     * steady-state run 5.1 -> 3.5 -> 3.2 s. */
    db_exec(db, "PRAGMA page_size=65536");
    if (db_exec(db, "PRAGMA journal_mode=WAL") != SQLITE_OK) {
        snprintf(err, err_size, "%s: %s", path, db_errmsg(db));
        rc = db_failure_exit(db);
        db_close(db);
        return rc;
    }
    db_exec(db, "PRAGMA synchronous=NORMAL");
    db_exec(db, "PRAGMA foreign_keys=OFF");
    db_exec(db, "PRAGMA temp_store=FILE");
    db_set_cache_mib(db, DB_CACHE_MIB);
    /* a batch's commit is copied from the log by checkpoint.c, on the
     * reports' second thread; whatever is left is copied when the last
     * connection closes */
    db_exec(db, "PRAGMA wal_autocheckpoint=0");
    rc = migrate(db, err, err_size, path);
    if (rc) {
        db_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

/* A PRAGMA takes no bound parameter: the numbers are formatted. */
static int set_log_limit(struct db *db, int64_t bytes)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA journal_size_limit=%lld", (long long)bytes);
    return db_exec(db, sql);
}

/* A PASSIVE checkpoint of the log; false when it fails. */
static bool log_frames(struct db *db, int *frames, int *copied)
{
    return sqlite3_wal_checkpoint_v2(db->handle, NULL, SQLITE_CHECKPOINT_PASSIVE, frames,
                                     copied) == SQLITE_OK;
}

/* Pages a transaction writes into the log before it rolls back. */
#define KEEP_LOG_SPILL                                                                            \
    "BEGIN IMMEDIATE; CREATE TABLE keep_log_spill(x);"                                            \
    " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8)"                \
    " INSERT INTO keep_log_spill SELECT zeroblob(60000) FROM n"

bool db_keep_log(struct db *db, int64_t max_bytes)
{
    /* Once a log is wholly copied, SQLite's next writer starts it again at
     * its first frame, and a commit that does cuts the file to the journal
     * size limit. The smallest commit, the version the database has,
     * cuts it, and leaves one frame, copied by the checkpoint after it.
     * (When a reader keeps the log from starting again, the check of the
     * empty log below fails.) */
    char version[64];
    snprintf(version, sizeof version, "PRAGMA user_version=%d", DB_SCHEMA_VERSION);
    int frames = -1, copied = -1;
    bool keep = set_log_limit(db, max_bytes) == SQLITE_OK &&
                db_exec(db, version) == SQLITE_OK && log_frames(db, &frames, &copied);
    /* Then a transaction that starts the log again with pages it spills
     * there (a cache of two pages), and rolls back: the file's header is
     * new and no frame after it is committed, so the kept file holds no
     * page at all, for this database or for a backup copied back beside
     * it. */
    if (keep) {
        db_exec(db, "PRAGMA cache_size=2");
        keep = db_exec(db, KEEP_LOG_SPILL) == SQLITE_OK;
        if (!sqlite3_get_autocommit(db->handle))
            keep = db_exec(db, "ROLLBACK") == SQLITE_OK && keep;
        db_set_cache_mib(db, DB_CACHE_MIB);
        keep = keep && log_frames(db, &frames, &copied) && frames == 0;
    }
    /* walClose cuts a persistent log to nothing unless the limit is -1 */
    set_log_limit(db, -1);
    int persist = keep;
    sqlite3_file_control(db->handle, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    return keep;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    for (int i = 0; i < STMT_SLOTS; i++)
        sqlite3_finalize(db->slots[i].stmt);
    sqlite3_close(db->handle);
    free(db);
}

void db_set_cache_mib(struct db *db, int mib)
{
    /* a PRAGMA takes no bound parameter: the number is formatted */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", mib * 1024);
    db_exec(db, sql);
    sqlite3_db_release_memory(db->handle);
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

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
    size_t h = ((uintptr_t)sql >> 3) % STMT_SLOTS;
    for (size_t probe = 0; probe < STMT_SLOTS; probe++, h = (h + 1) % STMT_SLOTS) {
        struct stmt_slot *slot = &db->slots[h];
        if (slot->sql == sql) {
            sqlite3_reset(slot->stmt);
            sqlite3_clear_bindings(slot->stmt);
            return slot->stmt;
        }
        if (slot->sql == NULL) {
            if (sqlite3_prepare_v3(db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->stmt,
                                   NULL) != SQLITE_OK)
                return NULL;
            slot->sql = sql;
            return slot->stmt;
        }
    }
    return NULL;
}

int db_step(sqlite3_stmt *stmt)
{
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        message_with_hint(sqlite3_errmsg(sqlite3_db_handle(stmt)), rc, failed_message,
                          sizeof failed_message);
        failed_code = rc;
    }
    return rc;
}

int db_exec_stmt(sqlite3_stmt *stmt)
{
    int rc = db_step(stmt);
    sqlite3_reset(stmt);
    return rc;
}

int db_exec_int(struct db *db, const char *sql, int64_t value)
{
    sqlite3_stmt *stmt = db_stmt(db, sql);
    if (!stmt)
        return SQLITE_ERROR;
    db_bind_int(stmt, 1, value);
    return db_exec_stmt(stmt);
}

int64_t db_query_int(struct db *db, const char *sql, int64_t fallback)
{
    sqlite3_stmt *stmt = db_stmt(db, sql);
    int64_t v = fallback;
    if (stmt && db_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(stmt, 0);
    if (stmt)
        sqlite3_reset(stmt);
    return v;
}

void db_bind_text(sqlite3_stmt *stmt, int pos, const char *text)
{
    if (text)
        sqlite3_bind_text(stmt, pos, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(stmt, pos);
}

void db_bind_text_static(sqlite3_stmt *stmt, int pos, const char *text)
{
    if (text)
        sqlite3_bind_text(stmt, pos, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(stmt, pos);
}

void db_bind_int(sqlite3_stmt *stmt, int pos, int64_t v)
{
    sqlite3_bind_int64(stmt, pos, v);
}
