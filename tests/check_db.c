/* check_db.c: the log (WAL) file a night leaves for the next one
 * (db_keep_log). It must hold nothing the database file lacks, be written
 * over by the next night instead of growing, be cut to its limit, and be
 * left to SQLite to delete when a reader keeps the log from restarting. */
#include <check.h>

#include "testutil.h"

#include <stdio.h>
#include <sys/stat.h>

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

/* The frames a new connection finds in the log, and how many of them are
 * in the database file already (a PASSIVE checkpoint copies them). */
static void log_frames(int *in_log, int *copied)
{
    sqlite3 *raw;
    ck_assert_int_eq(sqlite3_open(db_path, &raw), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(raw, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_wal_checkpoint_v2(raw, NULL, SQLITE_CHECKPOINT_PASSIVE, in_log,
                                               copied),
                     SQLITE_OK);
    /* this connection must not delete the kept file when it closes */
    int persist = 1;
    sqlite3_file_control(raw, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    sqlite3_close(raw);
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

START_TEST(kept_log_holds_one_copied_page_cut_to_its_limit)
{
    ck_assert(night(40)); /* 40 pages: more than the 16 frames of the limit */
    ck_assert_int_eq(file_size(wal_path), LIMIT);
    int in_log, copied;
    log_frames(&in_log, &copied);
    ck_assert_int_eq(in_log, 1);
    ck_assert_int_eq(copied, 1);
}
END_TEST

START_TEST(the_database_file_alone_has_every_night)
{
    ck_assert(night(5));
    ck_assert(night(5));
    /* a copy of the database file without its log, as a backup makes */
    char copy[200], cmd[512];
    snprintf(copy, sizeof copy, "%s/copy.db", base_dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", db_path, copy);
    ck_assert_int_eq(system(cmd), 0);
    sqlite3 *raw;
    ck_assert_int_eq(sqlite3_open(copy, &raw), SQLITE_OK);
    sqlite3_stmt *q;
    ck_assert_int_eq(sqlite3_prepare_v2(raw, "SELECT count(*) FROM t", -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(q, 0), 10);
    sqlite3_finalize(q);
    sqlite3_close(raw);
}
END_TEST

START_TEST(the_next_night_writes_over_the_kept_file)
{
    ck_assert(night(10));
    long long first = file_size(wal_path);
    ck_assert_int_ge(first, 10LL * FRAME_BYTES);
    ck_assert(night(10));
    ck_assert(night(10));
    /* each night starts after the one page the last left: the file grows
     * by at most that page, not by a night */
    ck_assert_int_le(file_size(wal_path), first + FRAME_BYTES);
    int in_log, copied;
    log_frames(&in_log, &copied);
    ck_assert_int_eq(in_log, 1);
}
END_TEST

START_TEST(a_reader_in_the_log_leaves_it_to_sqlite)
{
    struct db *db = open_db(true);
    write_pages(db, 5);
    /* a reader whose snapshot is in the log keeps the log from restarting */
    sqlite3 *reader;
    ck_assert_int_eq(sqlite3_open(db_path, &reader), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM t", NULL, NULL, NULL),
                     SQLITE_OK);
    struct checkpoint c;
    checkpoint_copy(db_path, &c);
    ck_assert_int_eq(c.rc, SQLITE_OK);
    ck_assert(!db_keep_log(db, LIMIT));
    sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(reader);
    db_close(db); /* the last connection: SQLite copies and deletes the log */
    ck_assert_int_eq(file_size(wal_path), -1);
}
END_TEST

static Suite *db_suite(void)
{
    Suite *s = suite_create("db");
    TCase *tc = tcase_create("kept log");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, kept_log_holds_one_copied_page_cut_to_its_limit);
    tcase_add_test(tc, the_database_file_alone_has_every_night);
    tcase_add_test(tc, the_next_night_writes_over_the_kept_file);
    tcase_add_test(tc, a_reader_in_the_log_leaves_it_to_sqlite);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run_in_tmpdir(db_suite, "check_db", base_dir, sizeof base_dir);
}
