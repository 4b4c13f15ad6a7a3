/* check_history.c: what the latest batch's workbook, its invariant
 * checks and a rerun's snapshot of its postings read does not grow with
 * the history (issue 7: "the database's growth must not slow nights
 * down"). The workbook takes its open escrow from the open_book summary
 * and reads no order, and finds its own claims, refunds, releases, rejects
 * and adjustments by its batch id, not among those of the batches before
 * it; the workbook of an older batch rebuilds its escrow from the orders
 * and lists its own. The checks and the snapshot find the batch's
 * postings by its range of ledger ids. Measured in SQLite's page-cache
 * misses of a connection opened cold, against a database whose history
 * fills most of its pages. (The claims work list of decide.c is checked
 * by the benchmark only: tools/steady.sh.) */
#include <check.h>

#include "testutil.h"

#include <stdio.h>

#include "db.h"
#include "reconcile.h"
#include "verify.h"
#include "workbook.h"

#define CLOSED_ORDERS 100000
#define OPEN_ORDERS 10
#define AS_OF 20800 /* the latest batch's date; the older one is the day before */

static char base_dir[64], db_path[128];

/* Batch 1 (the day before, a rerun revision) captured and closed
 * CLOSED_ORDERS orders: the odd ones released, the even ones refunded on
 * a claim, each posted, every tenth with a rejected tracking row, and each
 * adjusted. Batch 2, the latest, captured OPEN_ORDERS still open. The
 * summaries (ledger_day, open_book) are as totals.c keeps them. */
static void make_history(void)
{
    char err[256];
    struct db *db;
    snprintf(db_path, sizeof db_path, "%s/history.db", base_dir);
    remove(db_path);
    ck_assert_int_eq(db_open(db_path, true, &db, err, sizeof err), 0);
    static const char script[] =
        "BEGIN;"
        "INSERT INTO batch(id, as_of, revision, started_at, finished_at, rerun_start)"
        " VALUES (1, %1$d - 1, 2, 'x', 'x', 1), (2, %1$d, 1, 'x', 'x', 0);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %2$d + %3$d)"
        " INSERT INTO orders(order_id, buyer_id, seller_id, placed_on, amount, currency,"
        "  payment_method, promised_days, promised_by, batch_id, closed_batch)"
        " SELECT printf('O%%07d', i), 'B1', 'S1', %1$d - 30, 1000, 'USD', 'card_credit', 10,"
        "  %1$d - 20, CASE WHEN i <= %2$d THEN 1 ELSE 2 END, CASE WHEN i <= %2$d THEN 1 END"
        " FROM n;"
        "CREATE TEMP VIEW closed AS SELECT order_id, CAST(substr(order_id, 2) AS INTEGER) AS i"
        " FROM orders WHERE batch_id = 1;"
        "INSERT INTO release(order_id, batch_id, seller_id, gross, fee, net, currency,"
        "  released_on, rule) SELECT order_id, 1, 'S1', 1000, 50, 950, 'USD', %1$d - 1, 'R17'"
        " FROM closed WHERE i %% 2 = 1;"
        "INSERT INTO claim(claim_id, order_id, opened_on, reason, batch_id, status, rule,"
        "  decided_batch) SELECT 'C' || i, order_id, %1$d - 10, 'not_received', 1, 'REFUND',"
        "  'R1', 1 FROM closed WHERE i %% 2 = 0;"
        "INSERT INTO decision(batch_id, claim_id, status, rule, refund_amount)"
        " SELECT 1, claim_id, 'REFUND', 'R1', 1000 FROM claim;"
        "INSERT INTO refund(refund_id, batch_id, order_id, claim_id, buyer_id, payment_method,"
        "  amount, currency, queued_on, submit_on, expected_earliest, expected_latest, rule)"
        " SELECT 'RF-' || claim_id, 1, order_id, claim_id, 'B1', 'card_credit', 1000, 'USD',"
        "  %1$d - 1, %1$d - 1, %1$d + 2, %1$d + 9, 'R1' FROM claim;"
        "INSERT INTO ledger_txn(batch_id, kind, ref, order_id, currency, buyer_funds, escrow)"
        " SELECT batch_id, 'capture', order_id, order_id, 'USD', -1000, 1000 FROM orders;"
        "UPDATE batch SET first_txn = (SELECT min(id) FROM ledger_txn WHERE batch_id = batch.id),"
        " last_txn = (SELECT max(id) FROM ledger_txn WHERE batch_id = batch.id);"
        "INSERT INTO reject(batch_id, file_no, row, reason, raw)"
        " SELECT 1, 1, i, 'unknown order', order_id FROM closed WHERE i %% 10 = 0;"
        "INSERT INTO adjustment(batch_id, action, kind, id, order_id, amount, currency, as_of)"
        " SELECT 1, 'cancel', 'release', order_id, order_id, 1000, 'USD', %1$d - 1 FROM closed;"
        "INSERT INTO ledger_day(as_of, currency, kind, account, amount) VALUES"
        " (%1$d - 1, 'USD', 'capture', 'escrow', %2$d * 1000),"
        " (%1$d - 1, 'USD', 'release', 'escrow', -(%2$d / 2) * 1000),"
        " (%1$d - 1, 'USD', 'refund', 'escrow', -(%2$d / 2) * 1000),"
        " (%1$d, 'USD', 'capture', 'escrow', %3$d * 1000);"
        "INSERT INTO open_book(currency, placed_on, orders, amount)"
        " VALUES ('USD', %1$d - 30, %3$d, %3$d * 1000);"
        "COMMIT;";
    char sql[sizeof script + 256];
    snprintf(sql, sizeof sql, script, AS_OF, CLOSED_ORDERS, OPEN_ORDERS);
    ck_assert_msg(db_exec(db, sql) == SQLITE_OK, "fixture: %s", db_errmsg(db));
    db_close(db);
}

enum reader { WORKBOOK, VERIFY_BATCH, RERUN_SNAPSHOT };

/* The pages that `what` read for batch_id from the database file, on a
 * connection opened for it (an empty cache). */
static int cache_misses(enum reader what, int64_t batch_id)
{
    char err[256], path[160];
    struct db *db;
    ck_assert_int_eq(db_open(db_path, false, &db, err, sizeof err), 0);
    int misses, highwater;
    sqlite3_db_status(db_handle(db), SQLITE_DBSTATUS_CACHE_MISS, &misses, &highwater, 1);
    switch (what) {
    case WORKBOOK:
        snprintf(path, sizeof path, "%s/batch-%lld.xlsx", base_dir, (long long)batch_id);
        ck_assert_msg(workbook_write(db, batch_id, NULL, path, err, sizeof err) == 0, "%s", err);
        break;
    case VERIFY_BATCH: /* batch 1's postings are its captures only: problems, not errors */
        ck_assert_int_ge(verify_batch(db, batch_id, false, NULL), 0); /* a night of a few */
        break;
    case RERUN_SNAPSHOT: /* a rerun from the batch's night */
        ck_assert_int_eq(db_exec(db, "BEGIN"), SQLITE_OK);
        ck_assert_int_eq(reconcile_snapshot(db, AS_OF - 2 + (day_t)batch_id), 0);
        ck_assert_int_eq(db_exec(db, "ROLLBACK"), SQLITE_OK);
        break;
    }
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

/* The older batch (whose rows fill most of the pages) reads more than a
 * share of the database, so the measure can see the history; the latest
 * batch reads under a tenth of it. */
static void check_reads(enum reader what, int older_share)
{
    make_history();
    int pages = database_pages();
    int older = cache_misses(what, 1), latest = cache_misses(what, 2);
    ck_assert_msg(older * older_share > pages, "older batch: %d misses of %d pages", older,
                  pages);
    ck_assert_msg(latest * 10 < pages, "latest batch: %d misses of %d pages", latest, pages);
}

START_TEST(latest_workbook_reads_no_history)
{
    check_reads(WORKBOOK, 2);
}
END_TEST

/* The batch's postings by its range of ledger ids (db-schema.c, version 5). */
START_TEST(latest_checks_read_no_history)
{
    check_reads(VERIFY_BATCH, 5);
}
END_TEST

START_TEST(latest_rerun_snapshot_reads_no_history)
{
    check_reads(RERUN_SNAPSHOT, 5);
}
END_TEST

static Suite *history_suite(void)
{
    Suite *s = suite_create("history");
    TCase *t = tcase_create("reads of a night");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, latest_workbook_reads_no_history);
    tcase_add_test(t, latest_checks_read_no_history);
    tcase_add_test(t, latest_rerun_snapshot_reads_no_history);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return testutil_run_in_tmpdir(history_suite, "check_history", base_dir, sizeof base_dir);
}
