/* check_money.c: unit tests of src/money.c against SPEC §1 (integer minor
 * units, ISO 4217 exponents, the strict input decimal, output formatting
 * and the round-half-up fee). */
#include <check.h>

#include "testutil.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- currencies ----------------------------------------------------- */

static const struct {
    const char *code;
    int exponent; /* -1: not a current ISO 4217 currency */
} currencies[] = {
    /* the examples of SPEC §1 */
    {"JPY", 0}, {"KRW", 0}, {"CLP", 0}, {"ISK", 0}, {"VND", 0},
    {"KWD", 3}, {"BHD", 3}, {"OMR", 3}, {"JOD", 3}, {"TND", 3},
    {"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"CNY", 2},
    /* spread over the alphabet, so a mis-sorted table shows */
    {"AED", 2}, {"CHF", 2}, {"IQD", 3}, {"LYD", 3}, {"MXN", 2}, {"UGX", 0},
    {"XOF", 0}, {"ZAR", 2}, {"ZMW", 2},
    /* in ISO 4217 list one since 2024 (Zimbabwe Gold, 2 minor digits) */
    {"ZWG", 2},
    /* not codes: case matters, length matters */
    {"usd", -1}, {"Usd", -1}, {"US", -1}, {"USDD", -1}, {"ZZZ", -1}, {"", -1},
    {"US ", -1}, {" USD", -1}, {"123", -1},
};

START_TEST(test_currency_exponent)
{
    int got = money_currency_exponent(currencies[_i].code);
    ck_assert_msg(got == currencies[_i].exponent, "exponent of \"%s\": got %d, want %d",
                  currencies[_i].code, got, currencies[_i].exponent);
}
END_TEST

/* ---- parsing -------------------------------------------------------- */

static const struct {
    const char *in;
    int exponent;
    bool ok;
    money_t want;
} parses[] = {
    /* SPEC §1: 12, 12.3 and 12.30 USD */
    {"12", 2, true, 1200},
    {"12.3", 2, true, 1230},
    {"12.30", 2, true, 1230},
    {"12.345", 2, false, 0},
    {"12.345", 3, true, 12345}, /* KWD */
    {"1.234", 3, true, 1234},
    {"1.2345", 3, false, 0},
    {"1200", 0, true, 1200}, /* JPY */
    {"12.5", 0, false, 0},
    {"1200.", 0, false, 0},
    {"1200.0", 0, false, 0},
    {"0.01", 2, true, 1},
    {"0", 2, true, 0}, /* syntactically fine; "> 0" is a rule of the files */
    {"007.5", 2, true, 750},
    /* refused forms */
    {"-1", 2, false, 0},
    {"-0", 2, false, 0},
    {"+5", 2, false, 0},
    {"1,000", 2, false, 0},
    {"1,5", 2, false, 0},
    {"1e3", 2, false, 0},
    {"1E3", 2, false, 0},
    {"", 2, false, 0},
    {".5", 2, false, 0},
    {"5.", 2, false, 0},
    {".", 2, false, 0},
    {" 5", 2, false, 0},
    {"5 ", 2, false, 0},
    {"1 000", 2, false, 0},
    {"1.2.3", 2, false, 0},
    {"12.3a", 2, false, 0},
    {"0x10", 2, false, 0},
    {"$5", 2, false, 0},
    {"5USD", 2, false, 0},
    {"inf", 2, false, 0},
    {"nan", 2, false, 0},
    /* at most 15 digits before the point */
    {"999999999999999", 2, true, 99999999999999900},
    {"999999999999999.99", 2, true, 99999999999999999},
    {"999999999999999.999", 3, true, 999999999999999999},
    {"100000000000000", 0, true, 100000000000000},
    {"1000000000000000", 0, false, 0},
    {"1000000000000000", 2, false, 0},
    {"0000000000000001", 2, false, 0},
    {"1000000000000000000000000000000000000000", 2, false, 0}, /* 40 digits */
    {"18446744073709551617", 0, false, 0},                     /* 2^64 + 1 */
};

START_TEST(test_parse)
{
    money_t got = -424242;
    bool ok = money_parse(parses[_i].in, parses[_i].exponent, &got);
    if (!parses[_i].ok) {
        ck_assert_msg(!ok, "\"%s\" (exponent %d) accepted as %lld", parses[_i].in,
                      parses[_i].exponent, (long long)got);
        return;
    }
    ck_assert_msg(ok, "\"%s\" (exponent %d) refused", parses[_i].in, parses[_i].exponent);
    ck_assert_msg(got == parses[_i].want, "\"%s\" (exponent %d): got %lld, want %lld",
                  parses[_i].in, parses[_i].exponent, (long long)got,
                  (long long)parses[_i].want);
}
END_TEST

/* ---- formatting ----------------------------------------------------- */

static const struct {
    money_t v;
    int exponent;
    const char *want;
} formats[] = {
    {1230, 2, "12.30"},
    {1200, 0, "1200"},
    {1234, 3, "1.234"},
    {12345, 4, "1.2345"},
    {100, 2, "1.00"},
    {0, 0, "0"},
    {0, 2, "0.00"},
    {0, 3, "0.000"},
    {1, 2, "0.01"},
    {5, 2, "0.05"},
    {7, 0, "7"},
    {1, 3, "0.001"},
    {1000, 3, "1.000"},
    {-1230, 2, "-12.30"},
    {-5, 2, "-0.05"},
    {-1200, 0, "-1200"},
    {-1, 0, "-1"},
    {-1, 3, "-0.001"},
    {-12345, 3, "-12.345"},
    {99999999999999999, 2, "999999999999999.99"},
    {999999999999999999, 3, "999999999999999.999"},
    {INT64_MAX, 2, "92233720368547758.07"},
    {INT64_MIN, 2, "-92233720368547758.08"},
    {INT64_MIN, 0, "-9223372036854775808"},
};

START_TEST(test_format)
{
    char buf[MONEY_TEXT_SIZE];
    memset(buf, 'x', sizeof buf);
    char *ret = money_format(formats[_i].v, formats[_i].exponent, buf);
    ck_assert_ptr_eq(ret, buf);
    ck_assert_msg(strcmp(buf, formats[_i].want) == 0, "%lld with exponent %d: \"%s\", want \"%s\"",
                  (long long)formats[_i].v, formats[_i].exponent, buf, formats[_i].want);
}
END_TEST

/* Whatever is written for a non-negative amount reads back as itself, and
 * a parsed amount is written back in its canonical form. */
START_TEST(test_format_parse_round_trip)
{
    static const money_t values[] = {0, 1, 9, 10, 99, 100, 101, 12345, 1000000, 999999999999999};
    for (int e = 0; e <= 3; e++)
        for (size_t i = 0; i < N(values); i++) {
            char buf[MONEY_TEXT_SIZE];
            money_t back = -1;
            money_format(values[i], e, buf);
            ck_assert_msg(money_parse(buf, e, &back) && back == values[i],
                          "%lld exponent %d wrote \"%s\"", (long long)values[i], e, buf);
        }
    char buf[MONEY_TEXT_SIZE];
    money_t v;
    ck_assert(money_parse("12.3", 2, &v));
    ck_assert_str_eq(money_format(v, 2, buf), "12.30");
    ck_assert(money_parse("7", 3, &v));
    ck_assert_str_eq(money_format(v, 3, buf), "7.000");
}
END_TEST

/* ---- fee ------------------------------------------------------------ */

static const struct {
    money_t released;
    int fee_bps;
    money_t want;
} fees[] = {
    {10, 500, 1},    /* 0.5 minor unit: half rounds up */
    {9, 500, 0},     /* 0.45: down */
    {30, 500, 2},    /* 1.5 -> 2 */
    {29, 500, 1},    /* 1.45 -> 1 */
    {11, 500, 1},    /* 0.55 -> 1 */
    {5000, 1, 1},    /* 0.5 with 1 bps */
    {4999, 1, 0},    /* 0.4999 */
    {0, 500, 0},
    {12345, 0, 0},   /* no fee */
    {12345, 10000, 12345}, /* 100% */
    {10000, 500, 500},
    {1999, 500, 100}, /* 99.95 -> 100 */
    {1989, 500, 99},  /* 99.45 -> 99 */
    /* 15 integer digits of a 3-exponent currency: released * bps > 2^63 */
    {999999999999999999, 500, 50000000000000000},
    {999999999999999999, 10000, 999999999999999999},
    {99999999999999999, 250, 2500000000000000},
    {123456789012345678, 1, 12345678901235},
    {INT64_MAX, 10000, INT64_MAX},
};

START_TEST(test_fee)
{
    money_t got = money_fee(fees[_i].released, fees[_i].fee_bps);
    ck_assert_msg(got == fees[_i].want, "fee of %lld at %d bps: got %lld, want %lld",
                  (long long)fees[_i].released, fees[_i].fee_bps, (long long)got,
                  (long long)fees[_i].want);
}
END_TEST

static Suite *money_suite(void)
{
    Suite *s = suite_create("money");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_currency_exponent, 0, N(currencies));
    tcase_add_loop_test(tc, test_parse, 0, N(parses));
    tcase_add_loop_test(tc, test_format, 0, N(formats));
    tcase_add_test(tc, test_format_parse_round_trip);
    tcase_add_loop_test(tc, test_fee, 0, N(fees));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(money_suite());
}
