/* check_date.c: unit tests of src/date.c against SPEC §1 (UTC calendar
 * dates, the accepted input forms, impossible dates, X + n arithmetic). */
#include <check.h>

#include "testutil.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

/* ---- day numbers ---------------------------------------------------- */

static const struct {
    int y, m, d;
    day_t days; /* days since 1970-01-01, computed independently */
} known_days[] = {
    {1970, 1, 1, 0},       {1969, 12, 31, -1},    {2000, 1, 1, 10957},
    {2024, 2, 29, 19782},  {2026, 1, 1, 20454},   {2026, 2, 28, 20512},
    {2026, 12, 31, 20818}, {2027, 1, 1, 20819},
};

START_TEST(test_known_day_numbers)
{
    int y, m, d;
    ck_assert_int_eq(date_from_civil(known_days[_i].y, known_days[_i].m, known_days[_i].d),
                     known_days[_i].days);
    date_to_civil(known_days[_i].days, &y, &m, &d);
    ck_assert_int_eq(y, known_days[_i].y);
    ck_assert_int_eq(m, known_days[_i].m);
    ck_assert_int_eq(d, known_days[_i].d);
}
END_TEST

/* Every day of 1899..2101 follows the previous one: X + 1 is the next
 * calendar date, through month ends, leap days and century years. */
START_TEST(test_consecutive_days)
{
    static const int days_in[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    day_t n = date_from_civil(1899, 1, 1);
    for (int y = 1899; y <= 2101; y++) {
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int last = days_in[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= last; d++, n++) {
                int yy, mm, dd;
                ck_assert_int_eq(date_from_civil(y, m, d), n);
                date_to_civil(n, &yy, &mm, &dd);
                ck_assert(yy == y && mm == m && dd == d);
                ck_assert(date_is_valid(y, m, d));
            }
            ck_assert_msg(!date_is_valid(y, m, last + 1), "%d-%02d-%02d", y, m, last + 1);
        }
    }
}
END_TEST

/* ---- validity ------------------------------------------------------- */

static const struct {
    int y, m, d;
    bool valid;
} validity[] = {
    {2026, 2, 29, false}, {2028, 2, 29, true},  {2100, 2, 29, false}, {2000, 2, 29, true},
    {1900, 2, 29, false}, {2026, 2, 30, false}, {2026, 2, 28, true},  {2026, 13, 1, false},
    {2026, 0, 1, false},  {2026, 1, 0, false},  {2026, 4, 31, false}, {2026, 4, 30, true},
    {2026, 12, 31, true}, {2026, 12, 32, false}, {2026, -1, 1, false}, {2026, 1, -1, false},
    {0, 1, 1, false},     {1, 1, 1, true},      {9999, 12, 31, true}, {10000, 1, 1, false},
};

START_TEST(test_is_valid)
{
    ck_assert_msg(date_is_valid(validity[_i].y, validity[_i].m, validity[_i].d) ==
                      validity[_i].valid,
                  "%d-%d-%d should be %s", validity[_i].y, validity[_i].m, validity[_i].d,
                  validity[_i].valid ? "valid" : "invalid");
}
END_TEST

/* ---- parsing -------------------------------------------------------- */

struct parse_case {
    const char *in;
    const char *want; /* expected UTC date, NULL when the input is invalid */
};

/* Cases valid for both parsers (plain dates) or for neither. */
static const struct parse_case plain_cases[] = {
    {"2026-10-01", "2026-10-01"}, {"2028-02-29", "2028-02-29"}, {"2000-02-29", "2000-02-29"},
    {"2026-12-31", "2026-12-31"}, {"0001-01-01", "0001-01-01"}, {"9999-12-31", "9999-12-31"},
    {"2026-02-29", NULL},         {"2100-02-29", NULL},         {"2026-02-30", NULL},
    {"2026-13-01", NULL},         {"2026-00-10", NULL},         {"2026-04-31", NULL},
    {"2026-01-00", NULL},         {"2026/10/01", NULL},         {"2026-10-1", NULL},
    {"2026-1-01", NULL},          {"26-10-01", NULL},           {"20261001", NULL},
    {"2026-10-01x", NULL},        {"2026-10-01 ", NULL},        {" 2026-10-01", NULL},
    {"+2026-10-01", NULL},        {"2026-1O-01", NULL},         {"yesterday", NULL},
    {"", NULL},                   {"2026-10", NULL},            {"0000-01-01", NULL},
};

/* Timestamp forms: date_parse only. */
static const struct parse_case stamp_cases[] = {
    {"2026-10-01T00:00:00Z", "2026-10-01"},
    {"2026-10-01T23:59:59Z", "2026-10-01"},
    {"2026-10-01T12:00:00+00:00", "2026-10-01"},
    {"2026-10-01T12:00:00-00:00", "2026-10-01"},
    /* offsets moving the UTC date back across a year, month and day end */
    {"2026-01-01T02:15:00+08:00", "2025-12-31"},
    {"2026-03-01T03:00:00+05:00", "2026-02-28"},
    {"2028-03-01T01:00:00+02:00", "2028-02-29"},
    {"2026-06-15T09:59:59+10:00", "2026-06-14"},
    {"2026-06-15T10:00:00+10:00", "2026-06-15"},
    {"2026-06-15T12:00:00+14:00", "2026-06-14"},
    {"2026-06-15T00:00:00+00:01", "2026-06-14"},
    /* ... and forward across a year, month and day end */
    {"2026-12-31T22:30:00-05:00", "2027-01-01"},
    {"2026-01-31T20:00:00-04:00", "2026-02-01"},
    {"2028-02-28T23:00:00-01:00", "2028-02-29"},
    {"2026-02-28T23:00:00-01:00", "2026-03-01"},
    {"2026-06-15T13:59:59-10:00", "2026-06-15"},
    {"2026-06-15T14:00:00-10:00", "2026-06-16"},
    {"2026-06-15T23:59:00-00:01", "2026-06-16"},
    /* fractional seconds */
    {"2026-10-01T23:59:59.999Z", "2026-10-01"},
    {"2026-10-01T12:00:00.5+02:00", "2026-10-01"},
    {"2026-12-31T23:59:59.999999999-01:00", "2027-01-01"},
    {"2026-01-01T00:00:00.000001+00:30", "2025-12-31"},
    /* malformed */
    {"2026-10-01T25:00:00Z", NULL},
    {"2026-10-01T12:60:00Z", NULL},
    {"2026-10-01T12:00:00", NULL},
    {"2026-10-01t12:00:00Z", NULL},
    {"2026-10-01T12:00:00z", NULL},
    {"2026-10-01T12:00:00Zjunk", NULL},
    {"2026-10-01T12:00:00Z ", NULL},
    {"2026-10-01T12:00:00+08:00Z", NULL},
    {"2026-10-01 12:00:00Z", NULL},
    {"2026-10-01T", NULL},
    {"2026-10-01T12:00Z", NULL},
    {"2026-10-01T1:00:00Z", NULL},
    {"2026-10-01T12:00:00.Z", NULL},
    {"2026-10-01T12:00:00.5", NULL},
    {"2026-10-01T12:00:00,5Z", NULL},
    {"2026-10-01T12:00:00+0800", NULL},
    {"2026-10-01T12:00:00+08", NULL},
    {"2026-10-01T12:00:00+8:00", NULL},
    {"2026-10-01T12:00:00+24:00", NULL},
    {"2026-10-01T12:00:00+08:60", NULL},
    {"2026-10-01T12:00:00+08:00:00", NULL},
    {"2026-02-29T12:00:00Z", NULL},
    {"2026-02-30T00:30:00+01:00", NULL},
    {"2026/10/01T12:00:00Z", NULL},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void check_parse(bool (*parse)(const char *, day_t *), const char *fn,
                        const struct parse_case *c)
{
    day_t d = 0;
    bool ok = parse(c->in, &d);
    if (!c->want) {
        ck_assert_msg(!ok, "%s(\"%s\") accepted an invalid date", fn, c->in);
        return;
    }
    ck_assert_msg(ok, "%s(\"%s\") refused a valid date", fn, c->in);
    char buf[DATE_TEXT_SIZE];
    date_format(d, buf);
    ck_assert_msg(strcmp(buf, c->want) == 0, "%s(\"%s\") gave %s, want %s", fn, c->in, buf,
                  c->want);
}

START_TEST(test_parse_plain_forms)
{
    check_parse(date_parse, "date_parse", &plain_cases[_i]);
    check_parse(date_parse_plain, "date_parse_plain", &plain_cases[_i]);
}
END_TEST

START_TEST(test_parse_timestamps)
{
    check_parse(date_parse, "date_parse", &stamp_cases[_i]);
    /* date_parse_plain takes "YYYY-MM-DD" only: every timestamp is refused */
    struct parse_case refused = {stamp_cases[_i].in, NULL};
    check_parse(date_parse_plain, "date_parse_plain", &refused);
}
END_TEST

/* ---- weekday and formatting ----------------------------------------- */

static const struct {
    int y, m, d, weekday; /* 0 = Monday */
} weekdays[] = {
    {1970, 1, 1, 3},   {1969, 12, 31, 2}, {2000, 1, 1, 5},  {2024, 2, 29, 3},
    {2026, 1, 1, 3},   {2026, 10, 5, 0},  {2026, 12, 25, 4}, {2027, 1, 3, 6},
    {2025, 12, 27, 5}, {1900, 1, 1, 0},
};

START_TEST(test_weekday)
{
    day_t d = date_from_civil(weekdays[_i].y, weekdays[_i].m, weekdays[_i].d);
    ck_assert_msg(date_weekday(d) == weekdays[_i].weekday, "%d-%02d-%02d: weekday %d, want %d",
                  weekdays[_i].y, weekdays[_i].m, weekdays[_i].d, date_weekday(d),
                  weekdays[_i].weekday);
    /* and the week goes round: 7 days later is the same weekday */
    ck_assert_int_eq(date_weekday(d + 7), weekdays[_i].weekday);
    ck_assert_int_eq(date_weekday(d + 1), (weekdays[_i].weekday + 1) % 7);
}
END_TEST

START_TEST(test_format)
{
    char buf[DATE_TEXT_SIZE];
    memset(buf, 'x', sizeof buf);
    date_format(date_from_civil(2026, 3, 7), buf);
    ck_assert_str_eq(buf, "2026-03-07"); /* zero-padded, NUL-terminated */
    date_format(date_from_civil(1, 1, 1), buf);
    ck_assert_str_eq(buf, "0001-01-01");
    date_format(date_from_civil(9999, 12, 31), buf);
    ck_assert_str_eq(buf, "9999-12-31");
    date_format(0, buf);
    ck_assert_str_eq(buf, "1970-01-01");
}
END_TEST

/* date_format and date_parse_plain are inverses over 1950..2150. */
START_TEST(test_format_round_trip)
{
    for (day_t d = date_from_civil(1950, 1, 1); d <= date_from_civil(2150, 12, 31); d++) {
        char buf[DATE_TEXT_SIZE];
        day_t back = -1;
        date_format(d, buf);
        ck_assert_int_eq(strlen(buf), 10);
        ck_assert_msg(date_parse_plain(buf, &back) && back == d, "round trip of %s", buf);
        ck_assert_msg(date_parse(buf, &back) && back == d, "round trip of %s", buf);
    }
}
END_TEST

static Suite *date_suite(void)
{
    Suite *s = suite_create("date");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_known_day_numbers, 0, N(known_days));
    tcase_add_test(tc, test_consecutive_days);
    tcase_add_loop_test(tc, test_is_valid, 0, N(validity));
    tcase_add_loop_test(tc, test_parse_plain_forms, 0, N(plain_cases));
    tcase_add_loop_test(tc, test_parse_timestamps, 0, N(stamp_cases));
    tcase_add_loop_test(tc, test_weekday, 0, N(weekdays));
    tcase_add_test(tc, test_format);
    tcase_add_test(tc, test_format_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(date_suite());
}
