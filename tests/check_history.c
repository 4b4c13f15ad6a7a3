/* check_history.c: what a night reads does not grow with the history
 * (issue 7: "the database's growth must not slow nights down"). The
 * workbook of the latest batch takes its open escrow from the open_book
 * summary and reads no order, and finds its own adjustments (none) by
 * index, not among those of every earlier rerun; the workbook of an older
 * batch rebuilds its escrow from the orders and lists its adjustments.
 * Measured in SQLite's page-cache misses of a connection opened cold,
 * against a database whose orders and adjustments fill most of its pages. */
#include <check.h>

#include "testutil.h"

#include <stdio.h>

#include "db.h"
#include "workbook.h"

#define CLOSED_ORDERS 200000 /* each with an adjustment of batch 1 */
#define OPEN_ORDERS 10
#define AS_OF 20800 /* the latest batch's date; the older one is the day before */

static char base_dir[64], db_path[128];

/* Batch 1 (the day before, a rerun revision) captured and closed
 * CLOSED_ORDERS orders and adjusted each; batch 2, the latest, captured
 * OPEN_ORDERS still open, which open_book sums up as totals.c keeps it. */
static void make_history(void)
{
    char err[256];
    struct db *db;
    snprintf(db_path, sizeof db_path, "%s/history.db", base_dir);
    remove(db_path);
    ck_assert_int_eq(db_open(db_path, true, &db, err, sizeof err), 0);
    sqlite3_stmt *s = db_stmt(
        db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 + ?2)"
            " INSERT INTO orders(order_id, buyer_id, seller_id, placed_on, amount, currency,"
            "  payment_method, promised_days, promised_by, batch_id, closed_batch)"
            " SELECT printf('O%07d', i), 'B1', 'S1', ?3 - 30, 1000, 'USD', 'card_credit', 10,"
            "  ?3 - 20, CASE WHEN i <= ?1 THEN 1 ELSE 2 END, CASE WHEN i <= ?1 THEN 1 END"
            " FROM n");
    ck_assert_ptr_nonnull(s);
    db_bind_int(s, 1, CLOSED_ORDERS);
    db_bind_int(s, 2, OPEN_ORDERS);
    db_bind_int(s, 3, AS_OF);
    ck_assert_int_eq(db_exec(db, "BEGIN"), SQLITE_OK);
    ck_assert_int_eq(db_exec_stmt(s), SQLITE_DONE);
    char sql[768];
    snprintf(sql, sizeof sql,
             "INSERT INTO adjustment(batch_id, action, kind, id, order_id, amount, currency, as_of)"
             " SELECT 1, 'cancel', 'release', order_id, order_id, amount, currency, %d"
             " FROM orders WHERE batch_id = 1;"
             "INSERT INTO batch(id, as_of, revision, started_at, finished_at, rerun_start)"
             " VALUES (1, %d, 2, 'x', 'x', 1), (2, %d, 1, 'x', 'x', 0);"
             "INSERT INTO open_book(currency, placed_on, orders, amount)"
             " VALUES ('USD', %d, %d, %d);",
             AS_OF - 1, AS_OF - 1, AS_OF, AS_OF - 30, OPEN_ORDERS, OPEN_ORDERS * 1000);
    ck_assert_int_eq(db_exec(db, sql), SQLITE_OK);
    ck_assert_int_eq(db_exec(db, "COMMIT"), SQLITE_OK);
    db_close(db);
}

/* The pages the workbook of batch_id read from the database file, on a
 * connection opened for it (an empty cache). */
static int workbook_cache_misses(int64_t batch_id)
{
    char err[256], path[160];
    struct db *db;
    ck_assert_int_eq(db_open(db_path, false, &db, err, sizeof err), 0);
    int misses, highwater;
    sqlite3_db_status(db_handle(db), SQLITE_DBSTATUS_CACHE_MISS, &misses, &highwater, 1);
    snprintf(path, sizeof path, "%s/batch-%lld.xlsx", base_dir, (long long)batch_id);
    ck_assert_msg(workbook_write(db, batch_id, path, err, sizeof err) == 0, "%s", err);
    sqlite3_db_status(db_handle(db), SQLITE_DBSTATUS_CACHE_MISS, &misses, &highwater, 0);
    db_close(db);
    return misses;
}

static int database_pages(void)
{
    char err[256];
    struct db *db;
    ck_assert_int_eq(db_open(db_path, false, &db, err, sizeof err), 0);
    int pages = (int)db_query_int(db, "PRAGMA page_count", -1);
    db_close(db);
    return pages;
}

START_TEST(latest_workbook_reads_no_history)
{
    make_history();
    int pages = database_pages();
    int older = workbook_cache_misses(1), latest = workbook_cache_misses(2);
    /* the measure can see the history: the older batch reads it all */
    ck_assert_msg(older > pages / 2, "older batch: %d misses of %d pages", older, pages);
    ck_assert_msg(latest * 10 < pages, "latest batch: %d misses of %d pages", latest, pages);
}
END_TEST

static Suite *history_suite(void)
{
    Suite *s = suite_create("history");
    TCase *t = tcase_create("reads of a night");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, latest_workbook_reads_no_history);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return testutil_run_in_tmpdir(history_suite, "check_history", base_dir, sizeof base_dir);
}
