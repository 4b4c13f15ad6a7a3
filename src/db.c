/* db.c: the SQLite connection (open, create whole, refuse what is not
 * arbiter's, keep the log), the statement cache and the error codes; the
 * schema is db-schema.c. */
#include "db.h"
#include "db-schema.h"
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
    bool damaged = (code & 0xff) == SQLITE_CORRUPT;
    snprintf(out, size, "%s%s", message,
             damaged ? " (run `arbiter verify` on this database: it lists the damage; then"
                       " restore the last backup)"
                     : "");
    return out;
}

const char *db_errmsg_plain(struct db *db)
{
    static _Thread_local char message[320];
    if (failure_recorded(db))
        return failed_message;
    return message_with_hint(sqlite3_errmsg(db->handle), sqlite3_errcode(db->handle), message,
                             sizeof message);
}

const char *db_errmsg(struct db *db)
{
    static _Thread_local char named[1024];
    const char *plain = db_errmsg_plain(db);
    if (db_failure_exit(db) != EX_IOERR)
        return plain;
    const char *file = sqlite3_db_filename(db->handle, "main");
    if (!file || !*file)
        return plain;
    snprintf(named, sizeof named, "%.600s: %s", file, plain);
    return named;
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
        snprintf(err, err_size, "%s: %s", path,
                 text ? "not an arbiter database" : db_errmsg_plain(db));
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
        snprintf(err, err_size, "%s: %s", path, db_errmsg_plain(db));
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
    rc = db_schema_migrate(db, err, err_size, path);
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
