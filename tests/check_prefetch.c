/* check_prefetch.c: the workbook's prefetch (workbook-prefetch.c). The
 * rows fetched on a second thread through a connection of its own are
 * the rows of the query, value for value, and the reader waits for them;
 * they serve one workbook of their own batch; a failed fetch says why;
 * a damaged file is a read error; and the workbook is the same, sheet for
 * sheet and byte for byte, whether its Seller payouts came from the
 * prefetch, from the query because the prefetch failed, or from the query
 * with no prefetch at all. */
#include <check.h>

#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <minizip/unzip.h>

#include "db.h"
#include "workbook-internal.h"
#include "workbook.h"

#define AS_OF 20800
#define RELEASES 5000

static char base_dir[64], db_path[128];

/* Batch 1 released RELEASES orders of 701 sellers in three currencies
 * of exponents 2, 0 and 3, among them sellers whose IDs need quoting,
 * are UTF-8, hold a control character (the workbook cleans it), are
 * 3,000 characters long or are digits past 2^31, and a seller whose
 * payout is past 2^31 minor units. Batch 2 released 300 orders of other
 * sellers; batch 3 one order whose gross is a real number, which a
 * prefetch does not keep; batch 4 the releases of 50 sellers, the last
 * of whom (in the query's order) has two whose sum overflows 64 bits, a
 * step error in the middle of the query. */
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
        " VALUES (1, %1$d, 1, '2026-12-01T03:00:00Z', '2026-12-01T03:10:00Z', 0),"
        " (2, %1$d + 1, 1, '2026-12-02T03:00:00Z', '2026-12-02T03:10:00Z', 0),"
        " (3, %1$d + 2, 1, '2026-12-03T03:00:00Z', '2026-12-03T03:10:00Z', 0),"
        " (4, %1$d + 3, 1, '2026-12-04T03:00:00Z', '2026-12-04T03:10:00Z', 0);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %2$d)"
        " INSERT INTO release(order_id, batch_id, seller_id, gross, fee, net, currency,"
        "  released_on, rule)"
        " SELECT printf('O%%06d', i), 1, CASE i %% 701 WHEN 1 THEN 'S \"quoted\", comma'"
        "  WHEN 2 THEN 'S-\xc3\xa9-\xe4\xb8\xad' WHEN 3 THEN 'S' || char(1) || 'ctl'"
        "  WHEN 4 THEN 'S' || hex(zeroblob(1500)) WHEN 6 THEN '12345678901'"
        "  ELSE printf('S%%04d', i %% 701) END,"
        "  CASE i %% 701 WHEN 5 THEN 3000000000 + i ELSE 1000 + i * 37 END, 50 + i,"
        "  950 - 13 + i * 36, CASE i %% 3 WHEN 0 THEN 'USD'"
        "  WHEN 1 THEN 'JPY' ELSE 'KWD' END, %1$d, 'R17' FROM n;"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
        " INSERT INTO release(order_id, batch_id, seller_id, gross, fee, net, currency,"
        "  released_on, rule)"
        " SELECT printf('P%%06d', i), 2, printf('T%%03d', i %% 40), 500 + i, 25, 475 + i,"
        "  'EUR', %1$d + 1, 'R17' FROM n;"
        "INSERT INTO release(order_id, batch_id, seller_id, gross, fee, net, currency,"
        "  released_on, rule) VALUES ('Q1', 3, 'S1', 1.5, 0, 1.5, 'USD', %1$d + 2, 'R17');"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)"
        " INSERT INTO release(order_id, batch_id, seller_id, gross, fee, net, currency,"
        "  released_on, rule)"
        " SELECT printf('V%%03d', i), 4, printf('U%%03d', i), 100, 5, 95, 'EUR', %1$d + 3, 'R17'"
        " FROM n;"
        "INSERT INTO release(order_id, batch_id, seller_id, gross, fee, net, currency,"
        "  released_on, rule) VALUES"
        " ('W1', 4, 'Z', 5000000000000000000, 0, 5000000000000000000, 'EUR', %1$d + 3, 'R17'),"
        " ('W2', 4, 'Z', 5000000000000000000, 0, 5000000000000000000, 'EUR', %1$d + 3, 'R17');"
        "COMMIT;";
    char sql[sizeof script + 64];
    snprintf(sql, sizeof sql, script, AS_OF, RELEASES);
    ck_assert_msg(db_exec(db, sql) == SQLITE_OK, "fixture: %s", db_errmsg(db));
    db_close(db);
}

/* A prefetch run on a thread of its own, as outputs.c does: of batch
 * `batch`, after `delay_ms` (so that the reader must wait for it). */
struct fetch_job {
    struct workbook_prefetch *p;
    int64_t batch;
    int delay_ms;
    pthread_t thread;
};

static void *fetch_on_thread(void *arg)
{
    struct fetch_job *j = arg;
    char err[256];
    struct db *db;
    if (j->delay_ms)
        nanosleep(&(struct timespec){0, j->delay_ms * 1000000L}, NULL);
    int rc = db_open(db_path, false, &db, err, sizeof err);
    workbook_prefetch_run(j->p, rc == 0 ? db : NULL, j->batch);
    if (rc == 0)
        db_close(db);
    return NULL;
}

static void start_fetch(struct fetch_job *j, int64_t batch, int delay_ms)
{
    *j = (struct fetch_job){.p = workbook_prefetch_new(), .batch = batch, .delay_ms = delay_ms};
    ck_assert_ptr_nonnull(j->p);
    ck_assert_int_eq(pthread_create(&j->thread, NULL, fetch_on_thread, j), 0);
}

static void end_fetch(struct fetch_job *j)
{
    ck_assert_int_eq(pthread_join(j->thread, NULL), 0);
    workbook_prefetch_free(j->p);
}

/* The rows read back are the query's, value for value, for each batch;
 * the reader waits for a fetch still running. */
START_TEST(prefetched_rows_are_the_query_rows)
{
    make_releases();
    char err[256];
    struct db *db;
    ck_assert_int_eq(db_open(db_path, false, &db, err, sizeof err), 0);
    const long want_rows[] = {0, 701 * 3, 40};
    for (int64_t batch = 1; batch <= 2; batch++) {
        struct fetch_job job;
        start_fetch(&job, batch, 200);
        size_t n_values;
        const char *why;
        FILE *rows = wb_prefetch_rows(job.p, batch, &n_values, &why);
        ck_assert_msg(rows != NULL, "batch %lld: prefetch failed: %s", (long long)batch, why);
        sqlite3_stmt *q = db_stmt(db, wb_prefetched_table()->sql);
        ck_assert_ptr_nonnull(q);
        db_bind_int(q, 1, batch);
        ck_assert_uint_eq(n_values, (size_t)sqlite3_column_count(q));
        struct wb_stored_row row = {0};
        long count = 0, odd_ids = 0, past_2_31 = 0;
        while (sqlite3_step(q) == SQLITE_ROW) {
            ck_assert_int_eq(wb_stored_row_read(rows, n_values, &row), 1);
            for (int col = 0; col < (int)n_values; col++) {
                const char *want = (const char *)sqlite3_column_text(q, col);
                ck_assert_str_eq(wb_stored_text(&row, col), want);
                ck_assert_int_eq(wb_stored_int(&row, col), sqlite3_column_int64(q, col));
            }
            const char *id = wb_stored_text(&row, 0);
            odd_ids += strlen(id) == 3001 || strcmp(id, "12345678901") == 0;
            past_2_31 += wb_stored_int(&row, 3) > INT32_MAX;
            count++;
        }
        sqlite3_reset(q);
        ck_assert_int_eq(wb_stored_row_read(rows, n_values, &row), 0); /* nothing more */
        ck_assert_int_eq(count, want_rows[batch]); /* 1: every seller in each currency */
        ck_assert_int_eq(odd_ids, batch == 1 ? 6 : 0);
        ck_assert_int_eq(past_2_31, batch == 1 ? 3 : 0);
        wb_stored_row_free(&row);
        end_fetch(&job);
    }
    db_close(db);
}
END_TEST

/* Asks p for batch's rows and expects none, for a reason that says `because`. */
static void expect_refused(struct workbook_prefetch *p, int64_t batch, const char *because)
{
    size_t n_values;
    const char *why = NULL;
    ck_assert_ptr_null(wb_prefetch_rows(p, batch, &n_values, &why));
    ck_assert_ptr_nonnull(why);
    ck_assert_msg(strstr(why, because) != NULL, "why: %s", why);
}

/* A prefetch's rows go to the workbook of their batch, once. */
START_TEST(rows_are_for_their_batch_once)
{
    make_releases();
    struct fetch_job job;
    start_fetch(&job, 1, 0);
    expect_refused(job.p, 2, "batch 1's, not batch 2's");
    end_fetch(&job);

    start_fetch(&job, 1, 0);
    size_t n_values;
    const char *why;
    ck_assert_ptr_nonnull(wb_prefetch_rows(job.p, 1, &n_values, &why));
    expect_refused(job.p, 1, "earlier workbook");
    end_fetch(&job);
}
END_TEST

/* Fetches batch's rows of make_releases and expects the fetch to fail
 * for a reason that says `because`. */
static void expect_fetch_fails(int64_t batch, const char *because)
{
    make_releases();
    struct fetch_job job;
    start_fetch(&job, batch, 0);
    expect_refused(job.p, batch, because);
    end_fetch(&job);
}

/* A value the file does not keep (a real) fails the fetch. */
START_TEST(real_value_fails_the_fetch)
{
    expect_fetch_fails(3, "not an integer or a text");
}
END_TEST

/* A query that fails after rows were fetched fails the fetch: the
 * reader gets none of its rows, and the reason. */
START_TEST(step_error_fails_the_fetch)
{
    expect_fetch_fails(4, "integer overflow");
}
END_TEST

START_TEST(failed_prefetch_says_why)
{
    struct workbook_prefetch *p = workbook_prefetch_new();
    ck_assert_ptr_nonnull(p);
    workbook_prefetch_run(p, NULL, 1); /* as when the second connection did not open */
    expect_refused(p, 1, "did not open");
    workbook_prefetch_free(p);
}
END_TEST

/* A file cut inside a value, after a whole value of a row or with an
 * unknown tag is a read error, not the end of the rows. */
START_TEST(damaged_rows_are_a_read_error)
{
    static const struct {
        const char *bytes;
        size_t len, n_columns;
    } damaged[] = {
        {"T\x05", 2, 2},                               /* a length cut short */
        {"T\x03\0\0\0ab", 7, 1},                      /* a text cut short */
        {"I\x01\0\0\0\0\0\0\0", 9, 2},                /* a row cut after its first value */
        {"X", 1, 1},                                   /* no such tag */
    };
    struct wb_stored_row row = {0};
    for (size_t i = 0; i < sizeof damaged / sizeof damaged[0]; i++) {
        FILE *f = tmpfile();
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(damaged[i].bytes, 1, damaged[i].len, f), damaged[i].len);
        rewind(f);
        ck_assert_msg(wb_stored_row_read(f, damaged[i].n_columns, &row) == -1, "case %zu", i);
        fclose(f);
    }
    wb_stored_row_free(&row);
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

/* Writes the workbook of `batch` with `ahead` and returns its sheets
 * (`parts` worksheet parts expected). */
static char *workbook_sheets(const char *name, int64_t batch, struct workbook_prefetch *ahead,
                             int parts, size_t *size)
{
    char err[256], path[192];
    struct db *db;
    snprintf(path, sizeof path, "%s/%s.xlsx", base_dir, name);
    ck_assert_int_eq(db_open(db_path, false, &db, err, sizeof err), 0);
    ck_assert_msg(workbook_write(db, batch, ahead, path, err, sizeof err) == 0, "%s", err);
    db_close(db);
    char *sheets;
    ck_assert_int_eq(read_sheets(path, &sheets, size), parts);
    return sheets;
}

/* Each batch's workbook with its prefetch still running when the
 * workbook starts, with a prefetch that failed (no database, or a value
 * it does not keep) and with none. */
START_TEST(workbook_is_the_same_with_or_without_prefetch)
{
    make_releases();
    /* batch 1's 2,103 payout rows, 499 to a sheet: the prefetched rows go
     * on in "Seller payouts (2)" to "(5)", as the query's do; so 12 parts
     * (Summary, Refund queue, five of Seller payouts, Claims, Manual
     * review, Escrow aging, Rejects, Adjustments), 8 for batches 2 and 3 */
    setenv("ARBITER_XLSX_MAX_ROWS", "500", 1);
    static const int parts[] = {0, 12, 8, 8};
    for (int64_t batch = 1; batch <= 3; batch++) {
        size_t plain_size, ahead_size, failed_size;
        char *plain = workbook_sheets("plain", batch, NULL, parts[batch], &plain_size);

        struct fetch_job job;
        start_fetch(&job, batch, 100);
        char *prefetched = workbook_sheets("ahead", batch, job.p, parts[batch], &ahead_size);
        end_fetch(&job);

        struct workbook_prefetch *failed = workbook_prefetch_new();
        ck_assert_ptr_nonnull(failed);
        workbook_prefetch_run(failed, NULL, batch);
        char *fallback = workbook_sheets("failed", batch, failed, parts[batch], &failed_size);
        workbook_prefetch_free(failed);

        ck_assert_uint_eq(ahead_size, plain_size);
        ck_assert_msg(memcmp(prefetched, plain, plain_size) == 0, "batch %lld: prefetched",
                      (long long)batch);
        ck_assert_uint_eq(failed_size, plain_size);
        ck_assert_msg(memcmp(fallback, plain, plain_size) == 0, "batch %lld: fallback",
                      (long long)batch);
        free(plain);
        free(prefetched);
        free(fallback);
    }
    unsetenv("ARBITER_XLSX_MAX_ROWS");
}
END_TEST

static Suite *prefetch_suite(void)
{
    Suite *s = suite_create("prefetch");
    TCase *tc = tcase_create("prefetch");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, prefetched_rows_are_the_query_rows);
    tcase_add_test(tc, rows_are_for_their_batch_once);
    tcase_add_test(tc, real_value_fails_the_fetch);
    tcase_add_test(tc, step_error_fails_the_fetch);
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
