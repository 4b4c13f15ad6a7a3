/* check_prefetch.c: the workbook's prefetch (workbook-prefetch.c). The
 * rows fetched on a second thread through a connection of its own are
 * the rows of the query, value for value; a failed fetch says why; and
 * the workbook is the same, sheet for sheet and byte for byte, whether
 * its Seller payouts came from the prefetch, from the query because the
 * prefetch failed, or from the query with no prefetch at all. */
#include <check.h>

#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <minizip/unzip.h>

#include "db.h"
#include "workbook-internal.h"
#include "workbook.h"

#define AS_OF 20800
#define RELEASES 5000

static char base_dir[64], db_path[128];

/* Batch 1 released RELEASES orders of 701 sellers in three currencies
 * of exponents 2, 0 and 3, among them sellers whose IDs need quoting,
 * are UTF-8, hold a control character (the workbook cleans it) or are
 * 3,000 characters long. */
static void make_releases(void)
{
    char err[256];
    struct db *db;
    snprintf(db_path, sizeof db_path, "%s/prefetch.db", base_dir);
    remove(db_path);
    ck_assert_int_eq(db_open(db_path, true, &db, err, sizeof err), 0);
    static const char script[] =
        "BEGIN;"
        "INSERT INTO batch(id, as_of, revision, started_at, finished_at, rerun_start)"
        " VALUES (1, %1$d, 1, '2026-12-01T03:00:00Z', '2026-12-01T03:10:00Z', 0);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %2$d)"
        " INSERT INTO release(order_id, batch_id, seller_id, gross, fee, net, currency,"
        "  released_on, rule)"
        " SELECT printf('O%%06d', i), 1, CASE i %% 701 WHEN 1 THEN 'S \"quoted\", comma'"
        "  WHEN 2 THEN 'S-\xc3\xa9-\xe4\xb8\xad' WHEN 3 THEN 'S' || char(1) || 'ctl'"
        "  WHEN 4 THEN 'S' || hex(zeroblob(1500))"
        "  ELSE printf('S%%04d', i %% 701) END,"
        "  1000 + i * 37, 50 + i, 950 - 13 + i * 36, CASE i %% 3 WHEN 0 THEN 'USD'"
        "  WHEN 1 THEN 'JPY' ELSE 'KWD' END, %1$d, 'R17' FROM n;"
        "COMMIT;";
    char sql[sizeof script + 64];
    snprintf(sql, sizeof sql, script, AS_OF, RELEASES);
    ck_assert_msg(db_exec(db, sql) == SQLITE_OK, "fixture: %s", db_errmsg(db));
    db_close(db);
}

/* The prefetch of batch 1, run on a thread of its own as outputs.c does. */
static void *fetch_on_thread(void *arg)
{
    char err[256];
    struct db *db;
    ck_assert_int_eq(db_open(db_path, false, &db, err, sizeof err), 0);
    workbook_prefetch_run(arg, db, 1);
    db_close(db);
    return NULL;
}

static struct workbook_prefetch *fetched(void)
{
    struct workbook_prefetch *p = workbook_prefetch_new();
    ck_assert_ptr_nonnull(p);
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, fetch_on_thread, p), 0);
    ck_assert_int_eq(pthread_join(thread, NULL), 0);
    return p;
}

START_TEST(prefetched_rows_are_the_query_rows)
{
    make_releases();
    struct workbook_prefetch *p = fetched();
    size_t n_values;
    const char *why;
    FILE *rows = wb_prefetch_rows(p, &n_values, &why);
    ck_assert_msg(rows != NULL, "prefetch failed: %s", why);

    char err[256];
    struct db *db;
    ck_assert_int_eq(db_open(db_path, false, &db, err, sizeof err), 0);
    sqlite3_stmt *q = db_stmt(db, wb_prefetched_table()->sql);
    ck_assert_ptr_nonnull(q);
    db_bind_int(q, 1, 1);
    ck_assert_uint_eq(n_values, (size_t)sqlite3_column_count(q));
    struct wb_stored_row row = {0};
    long count = 0, long_ids = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        ck_assert_int_eq(wb_stored_row_read(rows, n_values, &row), 1);
        for (int col = 0; col < (int)n_values; col++) {
            const char *want = (const char *)sqlite3_column_text(q, col);
            ck_assert_str_eq(wb_stored_text(&row, col), want);
            ck_assert_int_eq(wb_stored_int(&row, col), sqlite3_column_int64(q, col));
        }
        long_ids += strlen(wb_stored_text(&row, 0)) == 3001;
        count++;
    }
    sqlite3_reset(q);
    ck_assert_int_eq(wb_stored_row_read(rows, n_values, &row), 0); /* nothing more */
    ck_assert_int_eq(count, 701 * 3); /* every seller, in each of the three currencies */
    ck_assert_int_eq(long_ids, 3);
    wb_stored_row_free(&row);
    db_close(db);
    workbook_prefetch_free(p);
}
END_TEST

START_TEST(failed_prefetch_says_why)
{
    struct workbook_prefetch *p = workbook_prefetch_new();
    ck_assert_ptr_nonnull(p);
    workbook_prefetch_run(p, NULL, 1); /* as when the second connection did not open */
    size_t n_values;
    const char *why = NULL;
    ck_assert_ptr_null(wb_prefetch_rows(p, &n_values, &why));
    ck_assert_ptr_nonnull(why);
    ck_assert_msg(strstr(why, "did not open") != NULL, "why: %s", why);
    workbook_prefetch_free(p);
}
END_TEST

START_TEST(damaged_rows_are_a_read_error)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    fputs("T\x05", f); /* a text tag, then a length cut short */
    rewind(f);
    struct wb_stored_row row = {0};
    ck_assert_int_eq(wb_stored_row_read(f, 2, &row), -1);
    rewind(f);
    fputs("X", f); /* no such tag */
    rewind(f);
    ck_assert_int_eq(wb_stored_row_read(f, 1, &row), -1);
    wb_stored_row_free(&row);
    fclose(f);
}
END_TEST

/* Appends every worksheet part of the workbook at path to out (name,
 * then bytes), in the zip's order. Returns their number. */
static int read_sheets(const char *path, char **out, size_t *size)
{
    FILE *mem = open_memstream(out, size);
    ck_assert_ptr_nonnull(mem);
    unzFile z = unzOpen64(path);
    ck_assert_msg(z != NULL, "%s: not a zip", path);
    int sheets = 0;
    for (int rc = unzGoToFirstFile(z); rc == UNZ_OK; rc = unzGoToNextFile(z)) {
        char name[256];
        ck_assert_int_eq(unzGetCurrentFileInfo64(z, NULL, name, sizeof name, NULL, 0, NULL, 0),
                         UNZ_OK);
        if (strncmp(name, "xl/worksheets/sheet", 19) != 0)
            continue;
        sheets++;
        fprintf(mem, "== %s\n", name);
        ck_assert_int_eq(unzOpenCurrentFile(z), UNZ_OK);
        char buf[65536];
        int got;
        while ((got = unzReadCurrentFile(z, buf, sizeof buf)) > 0)
            fwrite(buf, 1, (size_t)got, mem);
        ck_assert_int_eq(got, 0);
        ck_assert_int_eq(unzCloseCurrentFile(z), UNZ_OK);
    }
    unzClose(z);
    fclose(mem);
    return sheets;
}

/* Writes the workbook of batch 1 with `ahead` and returns its sheets. */
static char *workbook_sheets(const char *name, struct workbook_prefetch *ahead, size_t *size)
{
    char err[256], path[192];
    struct db *db;
    snprintf(path, sizeof path, "%s/%s.xlsx", base_dir, name);
    ck_assert_int_eq(db_open(db_path, false, &db, err, sizeof err), 0);
    ck_assert_msg(workbook_write(db, 1, ahead, path, err, sizeof err) == 0, "%s", err);
    db_close(db);
    char *sheets;
    /* Summary, Refund queue, Seller payouts and (2) to (5), Claims, Manual
     * review, Escrow aging, Rejects, Adjustments */
    ck_assert_int_eq(read_sheets(path, &sheets, size), 12);
    return sheets;
}

START_TEST(workbook_is_the_same_with_or_without_prefetch)
{
    make_releases();
    /* 2,103 payout rows, 499 to a sheet: the prefetched rows go on in
     * "Seller payouts (2)" to "(5)", as the query's do */
    setenv("ARBITER_XLSX_MAX_ROWS", "500", 1);
    size_t plain_size, ahead_size, failed_size;
    char *plain = workbook_sheets("plain", NULL, &plain_size);

    struct workbook_prefetch *ahead = fetched();
    size_t n_values;
    const char *why;
    ck_assert_msg(wb_prefetch_rows(ahead, &n_values, &why) != NULL, "%s", why);
    char *prefetched = workbook_sheets("ahead", ahead, &ahead_size);
    workbook_prefetch_free(ahead);

    struct workbook_prefetch *failed = workbook_prefetch_new();
    ck_assert_ptr_nonnull(failed);
    workbook_prefetch_run(failed, NULL, 1);
    char *fallback = workbook_sheets("failed", failed, &failed_size);
    workbook_prefetch_free(failed);
    unsetenv("ARBITER_XLSX_MAX_ROWS");

    ck_assert_uint_eq(ahead_size, plain_size);
    ck_assert_msg(memcmp(prefetched, plain, plain_size) == 0, "prefetched sheets differ");
    ck_assert_uint_eq(failed_size, plain_size);
    ck_assert_msg(memcmp(fallback, plain, plain_size) == 0, "fallback sheets differ");
    free(plain);
    free(prefetched);
    free(fallback);
}
END_TEST

static Suite *prefetch_suite(void)
{
    Suite *s = suite_create("prefetch");
    TCase *tc = tcase_create("prefetch");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, prefetched_rows_are_the_query_rows);
    tcase_add_test(tc, failed_prefetch_says_why);
    tcase_add_test(tc, damaged_rows_are_a_read_error);
    tcase_add_test(tc, workbook_is_the_same_with_or_without_prefetch);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run_in_tmpdir(prefetch_suite, "check_prefetch", base_dir, sizeof base_dir);
}
