/* db.h: the state database (SQLite, WAL): opening, the versioned schema,
 * transactions and a cache of prepared statements. Every statement is
 * prepared once with bound parameters and reused row after row. */
#ifndef ARBITER_DB_H
#define ARBITER_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define DB_SCHEMA_VERSION 7

struct db;

/* Process-wide SQLite settings; call once, before any connection opens
 * (main.c). Without them arbiter works the same, only slower. */
void db_configure(void);

/* True (with a message in err) when no database file is at path. */
bool db_missing(const char *path, char *err, size_t err_size);

/* Opens (creating when missing; ":memory:" is SQLite's in-memory database)
 * the database at path and brings its schema to DB_SCHEMA_VERSION.
 * Returns 0 or a sysexits code with a message in err; *out is owned by
 * the caller and closed with db_close. */
int db_open(const char *path, bool create, struct db **out, char *err, size_t err_size);
void db_close(struct db *db);
sqlite3 *db_handle(struct db *db);

/* Drops and creates again the three partial indexes of the orders rules
 * 17-19 may act on (pipeline.c rebuilds them for a night that brings more
 * orders than the database holds). SQLite result codes. */
int db_drop_due_indexes(struct db *db);
int db_create_due_indexes(struct db *db);

/* Once a committed batch is copied from the log (WAL) into the database
 * file (checkpoint.c), empties the log and keeps its file, cut to at most
 * max_bytes, for the next batch, instead of letting SQLite delete it when
 * the connection closes. A night's changed pages are then written over a
 * file the system already holds, not into a new one (night 60 on fresh
 * copies of tools/steady.sh's 59-night database, 16 alternated runs
 * without and with a kept log: 3.82 -> 3.05 s on average). The
 * kept file holds no committed page: a backup of the database file alone
 * is complete, and one copied back beside the file is not changed by it.
 * When the log cannot be emptied (a reader still needs its pages) nothing
 * is kept, and SQLite deletes the file at close as before; so does every
 * connection that does not call this (a reader that closes last). Returns
 * true when the file is kept. */
#define DB_KEPT_LOG_BYTES (1024LL << 20)
bool db_keep_log(struct db *db, int64_t max_bytes);

/* Sets the page cache to `mib` MiB (DB_CACHE_MIB is the usual size) and
 * frees the cached pages no statement holds. */
#define DB_CACHE_MIB 64
void db_set_cache_mib(struct db *db, int mib);

/* The statement for `sql`, prepared on first use and reset for reuse.
 * `sql` must be a string literal: it is cached by its address. The
 * statement belongs to the db. Returns NULL on a prepare error. */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);

/* sqlite3_step, and on a failure keeps its message and code for db_errmsg
 * and db_failure_exit: a reset or a PRAGMA on the way out (which makes
 * SQLite report "not an error") does not lose them. Every statement of
 * arbiter's own connections is stepped through it. */
int db_step(sqlite3_stmt *stmt);

/* Runs a statement that returns no rows (after binding); resets it.
 * Returns the SQLite result code (SQLITE_DONE on success). */
int db_exec_stmt(sqlite3_stmt *stmt);

/* Runs the statement of `sql` (cached, as db_stmt) with value bound to ?1
 * (and every other use of ?1). Returns the SQLite result code (SQLITE_DONE
 * on success; SQLITE_ERROR when it does not prepare). */
int db_exec_int(struct db *db, const char *sql, int64_t value);

/* Runs SQL text without parameters (schema, PRAGMA, BEGIN/COMMIT). */
int db_exec(struct db *db, const char *sql);

/* The first column of a one-row query as an integer, or fallback. */
int64_t db_query_int(struct db *db, const char *sql, int64_t fallback);

/* The message of the last failure on db (a damaged file's says what to do
 * next); a fault of the file (full, read-only, damaged, an I/O error:
 * exit 74) starts with the database file's path, which SQLite's message
 * leaves out ("database or disk is full"). db_errmsg_plain: SQLite's
 * message alone, for a message that names the file already. The text is
 * this thread's, valid until its next call. */
const char *db_errmsg(struct db *db);
const char *db_errmsg_plain(struct db *db);

/* The sysexits code (SPEC section 8) for the last failure on db, by whose
 * fault it is: EX_TEMPFAIL when another process holds the database,
 * EX_IOERR when the file or the disk failed (an I/O error, a full disk, a
 * damaged file, a read-only one or a permission), EX_SOFTWARE for anything else (a
 * statement arbiter got wrong, a constraint, no memory). */
int db_failure_exit(struct db *db);
/* The same for a SQLite result code (of a connection of its own). */
int db_code_exit(int code);

/* Helpers to bind by position, text given NUL-terminated (NULL binds NULL). */
void db_bind_text(sqlite3_stmt *stmt, int pos, const char *text);
/* The same without a copy, for the per-row statements of ingestion and
 * posting: text must stay valid and unchanged until the statement has been
 * stepped and reset (db_stmt clears the binding before the next use). */
void db_bind_text_static(sqlite3_stmt *stmt, int pos, const char *text);
void db_bind_int(sqlite3_stmt *stmt, int pos, int64_t v);

#endif
