/* check_calendar.c: unit tests of src/calendar.c against SPEC §1 (business
 * days: Monday to Friday except holidays; "k business days after S" is the
 * k-th business day strictly after S, k = 0 is S) and SPEC §4 (refunds are
 * submitted on the first business day >= the day they are queued). */
#include <check.h>

#include "testutil.h"
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every test works in a folder of its own under base_dir, which main
 * removes at the end even when a failed test left its folder behind. */
static char base_dir[64];
static char tmpdir[128];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/t.XXXXXX", base_dir);
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[192];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Writes text to <tmpdir>/<name> and returns the path (static buffer). */
static const char *write_bytes(const char *name, const char *bytes, size_t len)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
    return path;
}

static const char *write_file(const char *name, const char *text)
{
    return write_bytes(name, text, strlen(text));
}

/* True when msg, with path taken out, names the number n on its own. */
static bool names_row(const char *msg, const char *path, long n)
{
    const char *rest = strstr(msg, path);
    rest = rest ? rest + strlen(path) : msg;
    for (const char *p = rest; *p; p++)
        if (isdigit((unsigned char)*p) && (p == rest || !isdigit((unsigned char)p[-1])) &&
            strtol(p, NULL, 10) == n)
            return true;
    return false;
}

static day_t day(const char *text)
{
    day_t d;
    ck_assert_msg(date_parse_plain(text, &d), "bad date in test table: %s", text);
    return d;
}

static const char *text(day_t d)
{
    static char buf[DATE_TEXT_SIZE];
    date_format(d, buf);
    return buf;
}

/* Holidays: a Monday (05-25, 01-19), Christmas Eve and Day back to back
 * (Thu 12-24, Fri 12-25), New Year's Eve and Day across the year end (Thu
 * 12-31, Fri 2027-01-01). Listed out of order, with a duplicate, a quoted
 * name holding a comma, CRLF line ends and a blank line. */
static const char holidays_csv[] =
    "date,name\r\n"
    "2026-12-25,\"Christmas Day, observed\"\r\n"
    "2026-05-25,Whit Monday\r\n"
    "\r\n"
    "2026-12-24,Christmas Eve\r\n"
    "2027-01-01,New Year's Day\r\n"
    "2026-12-31,New Year's Eve\r\n"
    "2026-01-19,Holiday on a Monday\r\n"
    "2026-12-25,Christmas Day again\r\n";

static struct calendar cal;

static void load_holidays(void)
{
    char err[512] = "";
    make_tmpdir();
    memset(&cal, 0, sizeof cal);
    int rc = calendar_load(&cal, write_file("holidays.csv", holidays_csv), err, sizeof err);
    ck_assert_msg(rc == 0, "calendar_load: %d %s", rc, err);
}

static void free_holidays(void)
{
    calendar_free(&cal);
    remove_tmpdir();
}

/* ---- weekends only -------------------------------------------------- */

START_TEST(test_weekends_only)
{
    struct calendar none = {0};
    /* Mon 2026-10-05 .. Sun 2026-10-11 */
    for (int i = 0; i < 7; i++)
        ck_assert_msg(calendar_is_business_day(&none, day("2026-10-05") + i) == (i < 5),
                      "%s", text(day("2026-10-05") + i));
    ck_assert_str_eq(text(calendar_add_business_days(&none, day("2026-10-02"), 1)), "2026-10-05");
    ck_assert_str_eq(text(calendar_add_business_days(&none, day("2026-10-03"), 1)), "2026-10-05");
    ck_assert_str_eq(text(calendar_add_business_days(&none, day("2026-10-04"), 1)), "2026-10-05");
    ck_assert_str_eq(text(calendar_add_business_days(&none, day("2026-10-05"), 1)), "2026-10-06");
    ck_assert_str_eq(text(calendar_add_business_days(&none, day("2026-10-02"), 5)), "2026-10-09");
    ck_assert_str_eq(text(calendar_add_business_days(&none, day("2026-10-05"), 20)), "2026-11-02");
    ck_assert_str_eq(text(calendar_add_business_days(&none, day("2026-10-03"), 0)), "2026-10-03");
    ck_assert_str_eq(text(calendar_next_business_day(&none, day("2026-10-03"))), "2026-10-05");
    ck_assert_str_eq(text(calendar_next_business_day(&none, day("2026-10-04"))), "2026-10-05");
    ck_assert_str_eq(text(calendar_next_business_day(&none, day("2026-10-07"))), "2026-10-07");
    /* without a calendar, holidays are ordinary weekdays */
    ck_assert(calendar_is_business_day(&none, day("2026-12-25")));
}
END_TEST

/* ---- with holidays -------------------------------------------------- */

START_TEST(test_loaded_sorted_unique)
{
    static const char *const want[] = {"2026-01-19", "2026-05-25", "2026-12-24",
                                       "2026-12-25", "2026-12-31", "2027-01-01"};
    ck_assert_uint_eq(cal.n_holidays, N(want));
    for (size_t i = 0; i < N(want); i++)
        ck_assert_str_eq(text(cal.holidays[i]), want[i]);
}
END_TEST

static const struct {
    const char *date;
    bool business;
} business_days[] = {
    {"2026-05-22", true},  {"2026-05-23", false}, {"2026-05-24", false},
    {"2026-05-25", false}, {"2026-05-26", true},  {"2026-12-23", true},
    {"2026-12-24", false}, {"2026-12-25", false}, {"2026-12-26", false},
    {"2026-12-28", true},  {"2026-12-30", true},  {"2026-12-31", false},
    {"2027-01-01", false}, {"2027-01-02", false}, {"2027-01-04", true},
};

START_TEST(test_is_business_day)
{
    ck_assert_msg(calendar_is_business_day(&cal, day(business_days[_i].date)) ==
                      business_days[_i].business,
                  "%s", business_days[_i].date);
}
END_TEST

static const struct {
    const char *start;
    int k;
    const char *want;
} additions[] = {
    {"2026-05-22", 0, "2026-05-22"}, /* k = 0: S itself */
    {"2026-12-24", 0, "2026-12-24"}, /* ... even on a holiday */
    {"2026-05-23", 0, "2026-05-23"}, /* ... or a Saturday */
    {"2026-05-22", 1, "2026-05-26"}, /* Friday, weekend, holiday Monday */
    {"2026-05-23", 1, "2026-05-26"},
    {"2026-01-16", 1, "2026-01-20"},
    {"2026-01-16", 5, "2026-01-26"},
    {"2026-12-23", 1, "2026-12-28"}, /* two holidays back to back, then a weekend */
    {"2026-12-24", 1, "2026-12-28"},
    {"2026-12-23", 2, "2026-12-29"},
    {"2026-12-23", 4, "2027-01-04"}, /* across the year end */
    {"2026-12-28", 3, "2027-01-04"},
    {"2026-12-28", 5, "2027-01-06"},
    {"2026-12-28", 10, "2027-01-13"},
    {"2026-12-18", 10, "2027-01-07"},
    {"2026-12-18", 20, "2027-01-21"},
};

START_TEST(test_add_business_days)
{
    day_t got = calendar_add_business_days(&cal, day(additions[_i].start), additions[_i].k);
    ck_assert_msg(strcmp(text(got), additions[_i].want) == 0, "%d business days after %s: %s, want %s",
                  additions[_i].k, additions[_i].start, text(got), additions[_i].want);
}
END_TEST

static const struct {
    const char *queued;
    const char *submit;
} submissions[] = {
    {"2026-12-23", "2026-12-23"}, /* a business day: itself */
    {"2026-05-23", "2026-05-26"}, /* Saturday before a holiday Monday */
    {"2026-05-25", "2026-05-26"}, /* a holiday Monday */
    {"2026-12-24", "2026-12-28"}, /* holiday, holiday, weekend */
    {"2026-12-26", "2026-12-28"}, /* Saturday */
    {"2026-12-31", "2027-01-04"}, /* across the year end */
    {"2027-01-02", "2027-01-04"},
};

START_TEST(test_next_business_day)
{
    day_t got = calendar_next_business_day(&cal, day(submissions[_i].queued));
    ck_assert_msg(strcmp(text(got), submissions[_i].submit) == 0, "queued %s: submit %s, want %s",
                  submissions[_i].queued, text(got), submissions[_i].submit);
}
END_TEST

/* SPEC §4 end to end: an alipay (3,5) refund queued on Saturday 2026-12-26. */
START_TEST(test_refund_timeline)
{
    day_t submit = calendar_next_business_day(&cal, day("2026-12-26"));
    ck_assert_str_eq(text(submit), "2026-12-28");
    ck_assert_str_eq(text(calendar_add_business_days(&cal, submit, 3)), "2027-01-04");
    ck_assert_str_eq(text(calendar_add_business_days(&cal, submit, 5)), "2027-01-06");
}
END_TEST

/* ---- loading errors ------------------------------------------------- */

static const struct {
    const char *csv;
    long row; /* the row the message must name */
} bad_files[] = {
    {"date,name\n2026-12-25,Christmas\n2026-02-30,Impossible\n", 3},
    {"date,name\n2026-12-25,Christmas\n\n2026-13-01,Month 13\n", 3}, /* blank line: no number */
    {"date,name\n\"2026-12-24\",\"Eve,\nwith a newline\"\n25/12/2026,Christmas\n", 3},
    {"date,name\n2026-12-25T00:00:00Z,Timestamp\n", 2},
    {"date,name\n,Empty date\n", 2},
    {"date,name\n2026-12-25,Christmas\nChristmas\n", 3},
    {"day,name\n2026-12-25,Christmas\n", 1}, /* no date column */
    {"", 1},                                   /* no header at all */
};

START_TEST(test_bad_file)
{
    char err[512] = "";
    struct calendar c = {0};
    make_tmpdir();
    const char *path = write_file("bad.csv", bad_files[_i].csv);
    int rc = calendar_load(&c, path, err, sizeof err);
    ck_assert_msg(rc == 64, "rc %d, want 64 (%s)", rc, err);
    ck_assert_msg(strstr(err, path) != NULL, "message does not name the file: %s", err);
    ck_assert_msg(names_row(err, path, bad_files[_i].row), "message does not name row %ld: %s",
                  bad_files[_i].row, err);
    ck_assert_msg(strchr(err, '\n') == NULL, "message is not one line: %s", err);
    calendar_free(&c);
    remove_tmpdir();
}
END_TEST

/* A NUL byte in a date is a bad date, not the date before it; one in a
 * name (which only the reader sees) is let be. */
START_TEST(test_nul_byte)
{
    static const char nul_date[] = "date,name\n2026-12-25,Christmas\n2026-12-26\0x,Boxing\n";
    static const char nul_name[] = "date,name\n2026-12-26,Box\0ing\n";
    char err[512] = "";
    struct calendar c = {0};
    make_tmpdir();
    const char *path = write_bytes("nul.csv", nul_date, sizeof nul_date - 1);
    ck_assert_int_eq(calendar_load(&c, path, err, sizeof err), 64);
    ck_assert_msg(names_row(err, path, 3) && strstr(err, "bad date"), "%s", err);
    path = write_bytes("nul.csv", nul_name, sizeof nul_name - 1);
    ck_assert_msg(calendar_load(&c, path, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(c.n_holidays, 1);
    ck_assert_int_eq(c.holidays[0], day("2026-12-26"));
    calendar_free(&c);
    remove_tmpdir();
}
END_TEST

START_TEST(test_missing_file)
{
    char err[512] = "";
    struct calendar c = {0};
    const char *path = "/nonexistent/arbiter/holidays.csv";
    ck_assert_int_eq(calendar_load(&c, path, err, sizeof err), 66);
    ck_assert_msg(strstr(err, path) != NULL, "message does not name the file: %s", err);
    ck_assert_uint_eq(c.n_holidays, 0);
}
END_TEST

/* A path that names a folder cannot be read as a calendar (was 74). */
START_TEST(test_folder_is_unreadable)
{
    char err[512] = "";
    struct calendar c = {0};
    ck_assert_int_eq(calendar_load(&c, "/tmp", err, sizeof err), 66);
    ck_assert_msg(strstr(err, "/tmp") != NULL, "message does not name the file: %s", err);
}
END_TEST

/* Regression (found by fuzz_files): a header with no rows sorted a NULL
 * array, undefined behaviour; it is a calendar of no holidays. */
START_TEST(test_header_only)
{
    char err[512] = "";
    struct calendar c = {0};
    make_tmpdir();
    const char *path = write_file("header.csv", "date,ns\n");
    ck_assert_msg(calendar_load(&c, path, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(c.n_holidays, 0);
    ck_assert(calendar_is_business_day(&c, day("2026-12-25")));
    calendar_free(&c);
    remove_tmpdir();
}
END_TEST

START_TEST(test_bom_header)
{
    char err[512] = "";
    struct calendar c = {0};
    make_tmpdir();
    const char *path = write_file("bom.csv", "\xEF\xBB\xBF" "date,name\n2026-12-25,Christmas\n");
    ck_assert_msg(calendar_load(&c, path, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(c.n_holidays, 1);
    ck_assert(!calendar_is_business_day(&c, day("2026-12-25")));
    calendar_free(&c);
    remove_tmpdir();
}
END_TEST

static Suite *calendar_suite(void)
{
    Suite *s = suite_create("calendar");
    TCase *plain = tcase_create("weekends");
    tcase_add_test(plain, test_weekends_only);
    suite_add_tcase(s, plain);
    TCase *hol = tcase_create("holidays");
    tcase_add_checked_fixture(hol, load_holidays, free_holidays);
    tcase_add_test(hol, test_loaded_sorted_unique);
    tcase_add_loop_test(hol, test_is_business_day, 0, N(business_days));
    tcase_add_loop_test(hol, test_add_business_days, 0, N(additions));
    tcase_add_loop_test(hol, test_next_business_day, 0, N(submissions));
    tcase_add_test(hol, test_refund_timeline);
    suite_add_tcase(s, hol);
    TCase *load = tcase_create("load");
    tcase_add_loop_test(load, test_bad_file, 0, N(bad_files));
    tcase_add_test(load, test_nul_byte);
    tcase_add_test(load, test_missing_file);
    tcase_add_test(load, test_folder_is_unreadable);
    tcase_add_test(load, test_bom_header);
    tcase_add_test(load, test_header_only);
    suite_add_tcase(s, load);
    return s;
}

int main(void)
{
    return testutil_run_in_tmpdir(calendar_suite, "check_calendar", base_dir, sizeof base_dir);
}
