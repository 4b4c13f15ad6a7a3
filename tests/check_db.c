/* check_db.c: the log (WAL) file a night leaves for the next one
 * (db_keep_log). It must hold no committed page (the database file alone
 * is complete, and a backup copied back beside it stays as it was), be
 * written over by the next night instead of growing, be cut to its limit,
 * and be left to SQLite to delete when a reader keeps the log from
 * emptying, whoever closes last. And the exit code and message of a failed
 * statement (db_failure_exit, db_errmsg): whose fault it is. */
#include <check.h>

#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "checkpoint.h"
#include "db.h"

#define FRAME_BYTES (65536 + 24) /* a 64 KiB page and its frame header */
#define LIMIT (16LL * FRAME_BYTES)

static char base_dir[64], db_path[128], wal_path[160];

/* The size of path in bytes, or -1 when it does not exist. */
static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static struct db *open_db(bool create)
{
    char err[256];
    struct db *db = NULL;
    ck_assert_msg(db_open(db_path, create, &db, err, sizeof err) == 0, "%s", err);
    return db;
}

/* A committed transaction of about `pages` new 64 KiB pages. */
static void write_pages(struct db *db, int pages)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS t(x);"
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
             " INSERT INTO t SELECT randomblob(60000) FROM n;",
             pages);
    ck_assert_int_eq(db_exec(db, sql), SQLITE_OK);
}

/* The committed frames a new connection finds in the log (it keeps the
 * file when it closes). */
static int committed_frames(void)
{
    sqlite3 *raw;
    ck_assert_int_eq(sqlite3_open(db_path, &raw), SQLITE_OK);
    int persist = 1;
    ck_assert_int_eq(sqlite3_file_control(raw, "main", SQLITE_FCNTL_PERSIST_WAL, &persist),
                     SQLITE_OK);
    /* a first read finds the database in WAL mode */
    ck_assert_int_eq(sqlite3_exec(raw, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL),
                     SQLITE_OK);
    int in_log = -1, copied = -1;
    ck_assert_int_eq(sqlite3_wal_checkpoint_v2(raw, NULL, SQLITE_CHECKPOINT_PASSIVE, &in_log,
                                               &copied),
                     SQLITE_OK);
    sqlite3_close(raw);
    return in_log;
}

/* The rows of t in the database at path, after its integrity check. */
static int rows_checked(const char *path)
{
    sqlite3 *raw;
    ck_assert_int_eq(sqlite3_open(path, &raw), SQLITE_OK);
    sqlite3_stmt *q;
    ck_assert_int_eq(sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(q, 0), "ok");
    sqlite3_finalize(q);
    ck_assert_int_eq(sqlite3_prepare_v2(raw, "SELECT count(*) FROM t", -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    int n = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(raw);
    return n;
}

static void copy_file(const char *from, const char *to)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    ck_assert_int_eq(system(cmd), 0);
}

/* One night as outputs.c ends it: write, copy the log, keep it. */
static bool night(int pages)
{
    struct db *db = open_db(true);
    write_pages(db, pages);
    struct checkpoint c;
    checkpoint_copy(db_path, &c);
    ck_assert_int_eq(c.rc, SQLITE_OK);
    ck_assert_int_eq(c.copied_frames, c.log_frames);
    bool kept = db_keep_log(db, LIMIT);
    db_close(db);
    return kept;
}

static void setup(void)
{
    snprintf(db_path, sizeof db_path, "%s/keep.db", base_dir);
    snprintf(wal_path, sizeof wal_path, "%s-wal", db_path);
    remove(db_path);
    remove(wal_path);
}

START_TEST(kept_log_holds_no_page_cut_to_its_limit)
{
    ck_assert(night(40)); /* 40 pages: more than the 16 frames of the limit */
    ck_assert_int_eq(file_size(wal_path), LIMIT);
    ck_assert_int_eq(committed_frames(), 0);
}
END_TEST

START_TEST(a_kept_log_of_4_KiB_pages_holds_no_page)
{
    /* a database made before arbiter chose 64 KiB pages keeps its own
     * (a table made and dropped fixes the size in a file with no schema,
     * which db_open takes for a new database) */
    sqlite3 *raw;
    ck_assert_int_eq(sqlite3_open(db_path, &raw), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(raw, "PRAGMA page_size=4096; PRAGMA journal_mode=WAL;"
                                       " CREATE TABLE t(x); DROP TABLE t",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    ck_assert(night(3)); /* 3 rows of 60 kB: 45 pages of 4 KiB and more */
    ck_assert_int_gt(file_size(wal_path), 45LL * (4096 + 24));
    ck_assert_int_eq(committed_frames(), 0);
    ck_assert_int_eq(rows_checked(db_path), 3);
    ck_assert_int_eq(sqlite3_open(db_path, &raw), SQLITE_OK);
    sqlite3_stmt *q;
    ck_assert_int_eq(sqlite3_prepare_v2(raw, "PRAGMA page_size", -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(q, 0), 4096);
    sqlite3_finalize(q);
    sqlite3_close(raw);
}
END_TEST

START_TEST(the_database_file_alone_has_every_night)
{
    ck_assert(night(5));
    ck_assert(night(5));
    /* a copy of the database file without its log, as a backup makes */
    char copy[200];
    snprintf(copy, sizeof copy, "%s/copy.db", base_dir);
    copy_file(db_path, copy);
    ck_assert_int_eq(rows_checked(copy), 10);
}
END_TEST

START_TEST(a_backup_copied_back_beside_the_kept_log_stays_as_it_was)
{
    ck_assert(night(3));
    char backup[200];
    snprintf(backup, sizeof backup, "%s/backup.db", base_dir);
    copy_file(db_path, backup);
    ck_assert(night(12));
    ck_assert(night(12));
    ck_assert_int_ge(file_size(wal_path), 12LL * FRAME_BYTES);
    /* restored over the database, the kept log left where it was */
    copy_file(backup, db_path);
    ck_assert_int_eq(rows_checked(db_path), 3);
}
END_TEST

START_TEST(the_next_night_writes_over_the_kept_file)
{
    ck_assert(night(10));
    long long first = file_size(wal_path);
    ck_assert_int_ge(first, 10LL * FRAME_BYTES);
    ck_assert(night(10));
    ck_assert(night(10));
    /* each night starts the log at its first frame: the file does not grow */
    ck_assert_int_eq(file_size(wal_path), first);
    ck_assert_int_eq(committed_frames(), 0);
}
END_TEST

/* A night whose log a reader (its own connection: a raw one, or one of
 * db_open's, as `arbiter status` makes) keeps from emptying: nothing is
 * kept, and the log is deleted by whichever connection closes last. */
static void night_with_a_reader(bool reader_closes_last, bool reader_of_db_open)
{
    struct db *db = open_db(true);
    write_pages(db, 5);
    struct db *reader_db = reader_of_db_open ? open_db(false) : NULL;
    sqlite3 *reader = reader_db ? db_handle(reader_db) : NULL;
    if (!reader)
        ck_assert_int_eq(sqlite3_open(db_path, &reader), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM t", NULL, NULL, NULL),
                     SQLITE_OK);
    struct checkpoint c;
    checkpoint_copy(db_path, &c);
    ck_assert_int_eq(c.rc, SQLITE_OK);
    ck_assert(!db_keep_log(db, LIMIT));
    sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL);
    if (reader_closes_last)
        db_close(db);
    if (reader_db)
        db_close(reader_db);
    else
        sqlite3_close(reader);
    if (!reader_closes_last)
        db_close(db);
    ck_assert_int_eq(file_size(wal_path), -1);
}

START_TEST(a_reader_in_the_log_leaves_it_to_sqlite)
{
    night_with_a_reader(false, false);
}
END_TEST

START_TEST(a_reader_of_arbiter_closing_last_deletes_it)
{
    night_with_a_reader(true, true);
}
END_TEST

/* Another process holds the write lock: retry later (75), also once a
 * later statement has succeeded (what db_exec_stmt remembers). */
START_TEST(another_writer_is_busy_retry_later)
{
    struct db *db = open_db(true);
    ck_assert_int_eq(db_exec(db, "CREATE TABLE u(x PRIMARY KEY)"), SQLITE_OK);
    sqlite3 *other;
    ck_assert_int_eq(sqlite3_open(db_path, &other), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(db_exec(db, "BEGIN IMMEDIATE"), SQLITE_BUSY);
    ck_assert_int_eq(db_failure_exit(db), EX_TEMPFAIL);
    ck_assert_int_eq(db_exec_stmt(db_stmt(db, "INSERT INTO u VALUES (1)")), SQLITE_BUSY);
    ck_assert_int_eq(db_exec(db, "SELECT 1"), SQLITE_OK);
    ck_assert_int_eq(db_failure_exit(db), EX_TEMPFAIL);
    ck_assert_ptr_null(strstr(db_errmsg(db), "arbiter verify"));
    sqlite3_close(other);
    db_close(db);
}
END_TEST

/* A damaged page is the file's fault (74), and the message says what to
 * do next. */
START_TEST(a_damaged_page_is_the_files_fault)
{
    struct db *db = open_db(true);
    ck_assert_int_eq(db_exec(db, "CREATE TABLE u(x); INSERT INTO u VALUES (1)"), SQLITE_OK);
    int64_t root = db_query_int(db, "SELECT rootpage FROM sqlite_schema WHERE name = 'u'", -1);
    ck_assert_int_gt(root, 1);
    db_close(db);
    FILE *f = fopen(db_path, "r+b");
    ck_assert_ptr_nonnull(f);
    static const char zeros[12];
    ck_assert_int_eq(fseek(f, (long)(root - 1) * 65536, SEEK_SET), 0);
    ck_assert_int_eq(fwrite(zeros, 1, sizeof zeros, f), sizeof zeros);
    ck_assert_int_eq(fclose(f), 0);
    db = open_db(false);
    sqlite3_stmt *q = db_stmt(db, "SELECT count(*) FROM u");
    ck_assert_ptr_nonnull(q);
    ck_assert_int_eq(db_step(q), SQLITE_CORRUPT);
    ck_assert_int_eq(db_failure_exit(db), EX_IOERR);
    ck_assert_ptr_nonnull(strstr(db_errmsg(db), "malformed (run `arbiter verify` on this database"));
    /* a caller's way out (verify.c resets the cache) does not hide it */
    sqlite3_reset(q);
    db_set_cache_mib(db, DB_CACHE_MIB);
    ck_assert_int_eq(sqlite3_errcode(db_handle(db)), SQLITE_OK);
    ck_assert_int_eq(db_failure_exit(db), EX_IOERR);
    ck_assert_ptr_nonnull(strstr(db_errmsg(db), "malformed (run `arbiter verify` on this database"));
    db_close(db);
}
END_TEST

/* A statement arbiter got wrong (here a constraint) is arbiter's own
 * fault (70), with SQLite's message alone. */
START_TEST(a_constraint_is_arbiters_own_fault)
{
    struct db *db = open_db(true);
    ck_assert_int_eq(db_exec(db, "CREATE TABLE u(x PRIMARY KEY); INSERT INTO u VALUES (1)"),
                     SQLITE_OK);
    ck_assert_int_eq(db_exec_stmt(db_stmt(db, "INSERT INTO u VALUES (1)")), SQLITE_CONSTRAINT);
    ck_assert_int_eq(db_failure_exit(db), EX_SOFTWARE);
    ck_assert_str_eq(db_errmsg(db), "UNIQUE constraint failed: u.x");
    db_close(db);
}
END_TEST

/* ":memory:" (the fuzz harnesses' database) is SQLite's in-memory
 * database, not a file of that name in the working folder that the next
 * open would find again with the last one's tables. */
START_TEST(an_in_memory_database_is_no_file)
{
    char cwd[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(base_dir), 0);
    char err[256];
    for (int pass = 0; pass < 2; pass++) {
        struct db *db = NULL;
        ck_assert_msg(db_open(":memory:", true, &db, err, sizeof err) == 0, "%s", err);
        ck_assert_int_eq(db_exec(db, "CREATE TABLE t(x)"), SQLITE_OK); /* fails if kept */
        db_close(db);
        ck_assert_int_eq(file_size(":memory:"), -1);
        ck_assert_int_eq(file_size(":memory:.new"), -1);
    }
    ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

static Suite *db_suite(void)
{
    Suite *s = suite_create("db");
    TCase *tc = tcase_create("kept log");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, kept_log_holds_no_page_cut_to_its_limit);
    tcase_add_test(tc, a_kept_log_of_4_KiB_pages_holds_no_page);
    tcase_add_test(tc, the_database_file_alone_has_every_night);
    tcase_add_test(tc, a_backup_copied_back_beside_the_kept_log_stays_as_it_was);
    tcase_add_test(tc, the_next_night_writes_over_the_kept_file);
    tcase_add_test(tc, a_reader_in_the_log_leaves_it_to_sqlite);
    tcase_add_test(tc, a_reader_of_arbiter_closing_last_deletes_it);
    suite_add_tcase(s, tc);
    tc = tcase_create("failures");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, another_writer_is_busy_retry_later);
    tcase_add_test(tc, a_damaged_page_is_the_files_fault);
    tcase_add_test(tc, a_constraint_is_arbiters_own_fault);
    tcase_add_test(tc, an_in_memory_database_is_no_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run_in_tmpdir(db_suite, "check_db", base_dir, sizeof base_dir);
}
