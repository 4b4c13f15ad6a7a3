/* check_config.c: unit tests of src/config.c against SPEC §8 (`key = value`,
 * `[section]`, `#` comments; an unknown key is an error naming its line; a
 * relative path is relative to the configuration file's folder; the
 * defaults are those of the shipped data/arbiter.conf) and the sysexits
 * codes of config.h (64 bad key or value, 66 unreadable). */
#include <check.h>

#include "testutil.h"
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every test works in a folder of its own under base_dir, which main
 * removes at the end even when a failed test left its folder behind. */
static char base_dir[64];
static char tmpdir[128];
static char conf_path[256]; /* <tmpdir>/etc/arbiter.conf */
static struct config cfg;
static char err[1024];
static char start_dir[PATH_MAX];

static void setup(void)
{
    ck_assert_ptr_nonnull(getcwd(start_dir, sizeof start_dir));
    snprintf(tmpdir, sizeof tmpdir, "%s/t.XXXXXX", base_dir);
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(conf_path, sizeof conf_path, "%s/etc", tmpdir);
    ck_assert_int_eq(mkdir(conf_path, 0700), 0);
    snprintf(conf_path, sizeof conf_path, "%s/etc/arbiter.conf", tmpdir);
    config_defaults(&cfg);
    err[0] = '\0';
}

static void teardown(void)
{
    ck_assert_int_eq(chdir(start_dir), 0); /* some tests change directory */
    char cmd[192];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Writes text as the configuration file and loads it over cfg. */
static int load(const char *text)
{
    FILE *f = fopen(conf_path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
    return config_load(&cfg, conf_path, err, sizeof err);
}

/* True when the text right after the first match of needle is a digit
 * ("file:2" must not be satisfied by "file:23"). */
static bool isdigit_after(const char *hay, const char *needle)
{
    const char *m = strstr(hay, needle);
    return m && isdigit((unsigned char)m[strlen(needle)]);
}

static void check_timeline(const char *method, int min, int max)
{
    const struct refund_timeline *t = config_find_method(&cfg, method);
    ck_assert_msg(t != NULL, "no timeline for %s", method);
    ck_assert_str_eq(t->method, method);
    ck_assert_msg(t->min_days == min && t->max_days == max, "%s: %d,%d, want %d,%d", method,
                  t->min_days, t->max_days, min, max);
}

/* The defaults of SPEC §3, §1, §2 and §4. */
static void check_defaults(void)
{
    ck_assert_int_eq(cfg.protection_days, 15);
    ck_assert_int_eq(cfg.seller_response_days, 5);
    ck_assert_int_eq(cfg.auto_refund_days, 30);
    ck_assert_int_eq(cfg.fee_bps, 500);
    ck_assert_double_eq_tol(cfg.max_reject_rate, 0.05, 1e-12);
    ck_assert_uint_eq(cfg.n_methods, 5);
    check_timeline("alipay", 3, 5);
    check_timeline("paypal", 3, 7);
    check_timeline("card_credit", 3, 10);
    check_timeline("card_debit", 5, 15);
    check_timeline("bank_transfer", 10, 20);
}

START_TEST(test_defaults)
{
    check_defaults();
    ck_assert_str_eq(cfg.holidays_path, ""); /* weekends only */
    ck_assert_ptr_null(config_find_method(&cfg, "klarna"));
    ck_assert_ptr_null(config_find_method(&cfg, "PayPal"));
    ck_assert_ptr_null(config_find_method(&cfg, ""));
}
END_TEST

/* The shipped data/arbiter.conf, verbatim from SPEC §8. */
START_TEST(test_shipped_file)
{
    int rc = load("[protection]\nprotection_days = 15\nseller_response_days = 5\n"
                  "auto_refund_days = 30\n[fees]\nfee_bps = 500\n[ingest]\n"
                  "max_reject_rate = 0.05\n[calendar]\nholidays = holidays.csv\n"
                  "[refund_timeline]\nalipay = 3,5\npaypal = 3,7\ncard_credit = 3,10\n"
                  "card_debit = 5,15\nbank_transfer = 10,20\n");
    ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
    check_defaults();
    char want[512];
    snprintf(want, sizeof want, "%s/etc/holidays.csv", tmpdir);
    ck_assert_str_eq(cfg.holidays_path, want);
}
END_TEST

/* Each key on its own, over the defaults. */
static const struct {
    const char *text;
    const char *field;
    double want;
} keys[] = {
    {"[protection]\nprotection_days = 20\n", "protection_days", 20},
    {"[protection]\nprotection_days = 0\n", "protection_days", 0},
    {"[protection]\nseller_response_days = 7\n", "seller_response_days", 7},
    {"[protection]\nauto_refund_days = 45\n", "auto_refund_days", 45},
    {"[protection]\nauto_refund_days = 0\n", "auto_refund_days", 0}, /* disables rule 19 */
    {"[fees]\nfee_bps = 250\n", "fee_bps", 250},
    {"[fees]\nfee_bps = 0\n", "fee_bps", 0},
    {"[ingest]\nmax_reject_rate = 0.2\n", "max_reject_rate", 0.2},
    {"[ingest]\nmax_reject_rate = 0\n", "max_reject_rate", 0},
    {"[ingest]\nmax_reject_rate = 1\n", "max_reject_rate", 1},
    {"[protection]\nprotection_days=9\n", "protection_days", 9},          /* no spaces */
    {"[protection]\n  protection_days\t=\t9  \n", "protection_days", 9},  /* more spaces */
};

static double field(const char *name)
{
    if (strcmp(name, "protection_days") == 0)
        return cfg.protection_days;
    if (strcmp(name, "seller_response_days") == 0)
        return cfg.seller_response_days;
    if (strcmp(name, "auto_refund_days") == 0)
        return cfg.auto_refund_days;
    if (strcmp(name, "fee_bps") == 0)
        return cfg.fee_bps;
    if (strcmp(name, "max_reject_rate") == 0)
        return cfg.max_reject_rate;
    ck_abort_msg("unknown field %s", name);
    return 0;
}

START_TEST(test_each_key)
{
    int rc = load(keys[_i].text);
    ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
    ck_assert_msg(field(keys[_i].field) == keys[_i].want, "%s: %g, want %g", keys[_i].field,
                  field(keys[_i].field), keys[_i].want);
    /* the other keys keep their defaults */
    static const char *const ints[] = {"protection_days", "seller_response_days",
                                       "auto_refund_days", "fee_bps"};
    static const int defaults[] = {15, 5, 30, 500};
    for (size_t i = 0; i < N(ints); i++)
        if (strcmp(ints[i], keys[_i].field) != 0)
            ck_assert_msg(field(ints[i]) == defaults[i], "%s changed", ints[i]);
    ck_assert_uint_eq(cfg.n_methods, 5);
}
END_TEST

START_TEST(test_timelines)
{
    int rc = load("[refund_timeline]\npaypal = 2,9\nklarna = 4, 8\nbank_transfer = 10,10\n");
    ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
    ck_assert_uint_eq(cfg.n_methods, 6); /* paypal replaced, klarna added */
    check_timeline("paypal", 2, 9);
    check_timeline("klarna", 4, 8);
    check_timeline("bank_transfer", 10, 10);
    check_timeline("alipay", 3, 5);
    check_timeline("card_credit", 3, 10);
    check_timeline("card_debit", 5, 15);
}
END_TEST

/* The text a batch keeps: every setting that decides a row, the methods
 * in name order whatever their order in the file, the holidays. */
START_TEST(test_text)
{
    char *defaults = config_text(&cfg, NULL, 0);
    ck_assert_str_eq(defaults, "protection_days = 15\nseller_response_days = 5\n"
                               "auto_refund_days = 30\nfee_bps = 500\nmax_reject_rate = 0.05\n"
                               "refund_timeline alipay = 3,5\n"
                               "refund_timeline bank_transfer = 10,20\n"
                               "refund_timeline card_credit = 3,10\n"
                               "refund_timeline card_debit = 5,15\n"
                               "refund_timeline paypal = 3,7\nholidays =\n");
    int rc = load("[refund_timeline]\nklarna = 4,8\nbetter_pay = 1,2\n");
    ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
    const day_t holidays[] = {20403, 20768}; /* 2025-11-11, 2026-11-11 */
    char *more = config_text(&cfg, holidays, 2);
    ck_assert_ptr_nonnull(strstr(more, "\nrefund_timeline alipay = 3,5\n"
                                       "refund_timeline bank_transfer = 10,20\n"
                                       "refund_timeline better_pay = 1,2\n"));
    ck_assert_ptr_nonnull(strstr(more, "\nrefund_timeline klarna = 4,8\n"
                                       "refund_timeline paypal = 3,7\n"
                                       "holidays = 2025-11-11 2026-11-11\n"));
    config_defaults(&cfg);
    rc = load("[refund_timeline]\nbetter_pay = 1,2\nklarna = 4,8\n");
    ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
    char *reordered = config_text(&cfg, holidays, 2);
    ck_assert_str_eq(reordered, more);
    cfg.fee_bps = 499;
    char *fee = config_text(&cfg, holidays, 2);
    ck_assert_ptr_nonnull(strstr(fee, "\nfee_bps = 499\n"));
    free(defaults);
    free(more);
    free(reordered);
    free(fee);
}
END_TEST

/* diff_of(WAS, NOW): config_text_difference's description of them. */
static const char *diff_of(const char *was, const char *now)
{
    static char out[512];
    config_text_difference(was, now, out, sizeof out);
    return out;
}

/* What a refused rerun says changed: the first line that differs; for
 * the holiday calendar, however long, the first date one text has and
 * the other has not, whether it comes first, between two others, last,
 * or is the only one. */
START_TEST(test_text_difference)
{
    ck_assert_str_eq(diff_of("fee_bps = 500\nholidays =\n", "fee_bps = 300\nholidays =\n"),
                     "'fee_bps = 500', now 'fee_bps = 300'");
    ck_assert_str_eq(diff_of("a = 1\nholidays =\n", "a = 1\nholidays = 2026-05-06\n"),
                     "this holiday calendar has 2026-05-06, the batch's had not");
    ck_assert_str_eq(diff_of("holidays = 2026-05-06\n", "holidays =\n"),
                     "the batch's holiday calendar had 2026-05-06, this one has not");
    const char *year = "holidays = 2026-01-01 2026-04-03 2026-12-25 2026-12-26\n";
    ck_assert_str_eq(diff_of(year, "holidays = 2026-04-03 2026-12-25 2026-12-26\n"),
                     "the batch's holiday calendar had 2026-01-01, this one has not");
    ck_assert_str_eq(diff_of(year, "holidays = 2026-01-01 2026-04-03 2026-05-01 2026-12-25"
                                   " 2026-12-26\n"),
                     "this holiday calendar has 2026-05-01, the batch's had not");
    ck_assert_str_eq(diff_of(year, "holidays = 2026-01-01 2026-04-03 2026-12-25\n"),
                     "the batch's holiday calendar had 2026-12-26, this one has not");
    ck_assert_str_eq(diff_of(year, "holidays = 2026-01-01 2026-04-03 2026-12-25 2026-12-26"
                                   " 2027-01-01\n"),
                     "this holiday calendar has 2027-01-01, the batch's had not");
    ck_assert_str_eq(diff_of(year, "holidays = 2026-01-01 2026-04-06 2026-12-25 2026-12-26\n"),
                     "the batch's holiday calendar had 2026-04-03, this one has not");
    /* a calendar of 300 dates that differ in the last: named, not cut */
    char was[4096] = "holidays =", now[4096];
    for (int i = 0; i < 300; i++)
        snprintf(was + strlen(was), sizeof was - strlen(was), " %04d-01-01", 2000 + i);
    snprintf(now, sizeof now, "%s 2300-01-01\n", was);
    strcat(was, "\n");
    ck_assert_str_eq(diff_of(was, now),
                     "this holiday calendar has 2300-01-01, the batch's had not");
    ck_assert_str_eq(diff_of("a = 1\nb = 2\n", "a = 1\n"), "a line more than now");
    ck_assert_str_eq(diff_of("a = 1\n", "a = 1\nb = 2\n"), "a line less than now");
}
END_TEST

/* Comments and blank lines anywhere; CRLF line ends. */
START_TEST(test_comments_and_blank_lines)
{
    int rc = load("# arbiter configuration\r\n\r\n   \r\n  # indented comment\r\n"
                  "[protection]\r\n# protection_days = 99\r\nprotection_days = 21\r\n\r\n"
                  "[fees]\r\n\t\r\nfee_bps = 125\r\n# trailing comment");
    ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
    ck_assert_int_eq(cfg.protection_days, 21);
    ck_assert_int_eq(cfg.fee_bps, 125);
    ck_assert_int_eq(cfg.seller_response_days, 5);
}
END_TEST

START_TEST(test_empty_file)
{
    ck_assert_int_eq(load(""), 0);
    check_defaults();
}
END_TEST

/* ---- paths ---------------------------------------------------------- */

static const struct {
    const char *value;
    const char *want; /* "~" stands for the configuration file's folder */
} paths[] = {
    {"holidays.csv", "~/holidays.csv"},
    {"cal/holidays-2026.csv", "~/cal/holidays-2026.csv"},
    {"../shared/holidays.csv", "~/../shared/holidays.csv"},
    {"/srv/arbiter/holidays.csv", "/srv/arbiter/holidays.csv"},
    {"", ""}, /* no calendar: weekends only */
};

START_TEST(test_holidays_path)
{
    char text[512], want[512];
    snprintf(text, sizeof text, "[calendar]\nholidays = %s\n", paths[_i].value);
    ck_assert_msg(load(text) == 0, "%s", err);
    if (paths[_i].want[0] == '~')
        snprintf(want, sizeof want, "%s/etc%s", tmpdir, paths[_i].want + 1);
    else
        snprintf(want, sizeof want, "%s", paths[_i].want);
    ck_assert_str_eq(cfg.holidays_path, want);
}
END_TEST

/* A configuration file named by a relative path: the holidays are found
 * next to it, whatever the working directory. */
START_TEST(test_holidays_path_relative_config)
{
    char want[PATH_MAX], got[PATH_MAX], cal_path[512];
    load("[calendar]\nholidays = holidays.csv\n");
    snprintf(cal_path, sizeof cal_path, "%s/etc/holidays.csv", tmpdir);
    FILE *f = fopen(cal_path, "wb");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_ptr_nonnull(realpath(cal_path, want));
    static const struct {
        const char *cwd, *config;
    } runs[] = {{"", "etc/arbiter.conf"}, {"/etc", "arbiter.conf"}, {"/etc", "./arbiter.conf"}};
    for (size_t i = 0; i < N(runs); i++) {
        char dir[256];
        snprintf(dir, sizeof dir, "%s%s", tmpdir, runs[i].cwd);
        ck_assert_int_eq(chdir(dir), 0);
        config_defaults(&cfg);
        ck_assert_msg(config_load(&cfg, runs[i].config, err, sizeof err) == 0, "%s", err);
        ck_assert_msg(realpath(cfg.holidays_path, got) != NULL && strcmp(got, want) == 0,
                      "config %s from %s: holidays '%s' is not %s", runs[i].config, dir,
                      cfg.holidays_path, want);
    }
}
END_TEST

/* ---- errors --------------------------------------------------------- */

static const struct {
    const char *text;
    int line; /* the line the message must name */
} errors[] = {
    /* unknown keys */
    {"[protection]\nprotection_day = 15\n", 2},
    {"# typo below\n\n[fees]\nfee_bsp = 500\n", 4},
    {"protection_days = 15\n", 1},                 /* outside any section */
    {"[fees]\nprotection_days = 15\n", 2},         /* wrong section */
    {"[protection]\nprotection_days = 15\n[feez]\nfee_bps = 500\n", 4},
    /* bad values */
    {"[protection]\nprotection_days = -1\n", 2},
    {"[protection]\nseller_response_days = -5\n", 2},
    {"[protection]\nauto_refund_days = ten\n", 2},
    {"[protection]\nprotection_days = 15days\n", 2},
    {"[protection]\nprotection_days = 1.5\n", 2},
    {"[protection]\nprotection_days =\n", 2},
    {"[protection]\nprotection_days = 99999999999999999999\n", 2},
    {"[fees]\nfee_bps = 5%\n", 2},
    {"[fees]\nfee_bps = -1\n", 2},
    {"[ingest]\nmax_reject_rate = 1.5\n", 2},
    {"[ingest]\nmax_reject_rate = -0.1\n", 2},
    {"[ingest]\nmax_reject_rate = five\n", 2},
    {"[ingest]\nmax_reject_rate = 5%\n", 2},
    {"[ingest]\nmax_reject_rate = nan\n", 2},
    {"[refund_timeline]\npaypal = 7,3\n", 2},      /* min > max */
    {"[refund_timeline]\n\n\npaypal = 5\n", 4},
    {"[refund_timeline]\npaypal = 3,5,7\n", 2},
    {"[refund_timeline]\npaypal = -1,5\n", 2},
    {"[refund_timeline]\npaypal = a,b\n", 2},
    {"[refund_timeline]\npaypal = ,5\n", 2},
    {"[refund_timeline]\npay pal = 3,5\n", 2},     /* not a valid method name */
    /* malformed lines */
    {"[protection\nprotection_days = 15\n", 1},
    {"[protection]\nprotection_days 15\n", 2},
    {"[ingest]\nmax_reject_rate = 0x0.1\n", 2},  /* strtod's hexadecimal */
    /* a key set twice: the second would win unseen */
    {"[fees]\nfee_bps = 300\n\nfee_bps = 500\n", 4},
    {"[fees]\nfee_bps = 300\n[protection]\nprotection_days = 9\n[fees]\nfee_bps = 5\n", 6},
    {"[refund_timeline]\npaypal = 3,5\nalipay = 1,2\npaypal = 3,6\n", 4},
};

START_TEST(test_error)
{
    int rc = load(errors[_i].text);
    ck_assert_msg(rc == 64, "case %d: rc %d, want 64 (%s)", _i, rc, err);
    char want[512];
    snprintf(want, sizeof want, "%s:%d", conf_path, errors[_i].line);
    ck_assert_msg(strstr(err, want) != NULL && !isdigit_after(err, want),
                  "case %d: message does not name %s: %s", _i, want, err);
    ck_assert_msg(strchr(err, '\n') == NULL, "message is not one line: %s", err);
}
END_TEST

/* The errors whose message says more than "bad value": what is wrong. */
static const struct {
    const char *text;
    size_t len; /* of text, which may hold a NUL */
    const char *reason;
} reasons[] = {
#define TEXT(t) t, sizeof t - 1
    {TEXT("[refund_timeline]\npay pal = 3,5\n"), ":2: 'pay pal' is not a payment method name"},
    {TEXT("[fees]\nfee_bps = 5\0\n"), ":2: a NUL byte"},
    /* the NUL of a last line without a newline: it read as fee_bps = 5 */
    {TEXT("[fees]\nfee_bps = 5\00000"), ":2: a NUL byte"},
    {TEXT("[fees]\n#\0\n"), ":2: a NUL byte"},
    {TEXT("[fees]\nfee_bps = 5\n\n"), NULL}, /* the control: no error */
#undef TEXT
};

START_TEST(test_error_reason)
{
    FILE *f = fopen(conf_path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(reasons[_i].text, 1, reasons[_i].len, f), reasons[_i].len);
    ck_assert_int_eq(fclose(f), 0);
    int rc = config_load(&cfg, conf_path, err, sizeof err);
    if (!reasons[_i].reason) {
        ck_assert_msg(rc == 0, "case %d: %s", _i, err);
        ck_assert_int_eq(cfg.fee_bps, 5);
        return;
    }
    ck_assert_msg(rc == 64, "case %d: rc %d, want 64 (%s)", _i, rc, err);
    ck_assert_msg(strstr(err, reasons[_i].reason) != NULL, "case %d: '%s' does not say '%s'", _i,
                  err, reasons[_i].reason);
}
END_TEST

/* Methods beyond CONFIG_MAX_METHODS are refused as too many, on the line
 * of the first that does not fit; a line longer than the limit as such. */
START_TEST(test_too_many_methods_and_long_line)
{
    char text[4096] = "[refund_timeline]\n";
    int extra = CONFIG_MAX_METHODS - (int)cfg.n_methods;
    for (int i = 0; i <= extra; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "m%d = 1,2\n", i);
    ck_assert_int_eq(load(text), 64);
    char want[64];
    snprintf(want, sizeof want, ":%d: more than %d payment methods", extra + 2, CONFIG_MAX_METHODS);
    ck_assert_msg(strstr(err, want) != NULL, "'%s' does not say '%s'", err, want);

    static char comment[8192];
    memset(comment, 'x', sizeof comment - 2);
    memcpy(comment, "[fees]\n#", 8);
    comment[sizeof comment - 2] = '\n';
    config_defaults(&cfg);
    ck_assert_int_eq(load(comment), 64);
    ck_assert_msg(strstr(err, ":2: line too long") != NULL, "%s", err);
}
END_TEST

/* A key set in two sections of the same name is one key: the message
 * names the line that set it first. A key of the same name in another
 * section is another key. */
START_TEST(test_set_twice)
{
    ck_assert_int_eq(load("[fees]\nfee_bps = 300\n[protection]\nprotection_days = 9\n"
                          "[fees]\nfee_bps = 5\n"), 64);
    ck_assert_msg(strstr(err, ":6: 'fee_bps' in section [fees] is already set on line 2") != NULL,
                  "%s", err);
    config_defaults(&cfg);
    ck_assert_int_eq(load("[refund_timeline]\npaypal = 3,5\n[protection]\nprotection_days = 9\n"), 0);
}
END_TEST

/* A byte-order mark before the first line, as some editors save it. */
START_TEST(test_byte_order_mark)
{
    int rc = load("\xEF\xBB\xBF[fees]\nfee_bps = 125\n");
    ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
    ck_assert_int_eq(cfg.fee_bps, 125);
}
END_TEST

START_TEST(test_missing_file)
{
    const char *path = "/nonexistent/arbiter/arbiter.conf";
    ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), 66);
    ck_assert_msg(strstr(err, path) != NULL, "message does not name the file: %s", err);
    check_defaults();
}
END_TEST

/* A path that names a folder cannot be read as a configuration file
 * (regression: it was 74, fopen succeeds on a folder and only fgets
 * failed). */
START_TEST(test_folder_is_unreadable)
{
    ck_assert_int_eq(config_load(&cfg, tmpdir, err, sizeof err), 66);
    ck_assert_msg(strstr(err, tmpdir) != NULL, "message does not name the file: %s", err);
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_shipped_file);
    tcase_add_loop_test(tc, test_each_key, 0, N(keys));
    tcase_add_test(tc, test_timelines);
    tcase_add_test(tc, test_text);
    tcase_add_test(tc, test_text_difference);
    tcase_add_test(tc, test_comments_and_blank_lines);
    tcase_add_test(tc, test_empty_file);
    tcase_add_loop_test(tc, test_holidays_path, 0, N(paths));
    tcase_add_test(tc, test_holidays_path_relative_config);
    tcase_add_loop_test(tc, test_error, 0, N(errors));
    tcase_add_loop_test(tc, test_error_reason, 0, N(reasons));
    tcase_add_test(tc, test_too_many_methods_and_long_line);
    tcase_add_test(tc, test_set_twice);
    tcase_add_test(tc, test_byte_order_mark);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_folder_is_unreadable);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run_in_tmpdir(config_suite, "check_config", base_dir, sizeof base_dir);
}
