/* check_rowsort.c: unit tests of src/rowsort.c, the bounded store that
 * hands ingestion its rows in the order of one column: the order (eight
 * bytes after the common prefix, then arrival), rows handed back intact,
 * the byte limit, and a callback that stops the drain. */
#include <check.h>

#include "testutil.h"
#include <string.h>

#include "rowsort.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct rowsort rs;

/* What the drain handed back, in order: each row's number, its first
 * field (or "-" without fields) and its raw text. */
static char seen[1024];
static int calls, stop_at;

static void setup(void)
{
    rowsort_init(&rs, ROWSORT_BYTES);
    seen[0] = '\0';
    calls = 0;
    stop_at = -1;
}

static void teardown(void)
{
    rowsort_free(&rs);
}

static int record(void *ctx, const struct csv_row *row)
{
    (void)ctx;
    char one[128];
    snprintf(one, sizeof one, "%s%ld:%s:%s", seen[0] ? " " : "", row->row_no,
             row->n_fields ? row->fields[0] : "-", row->raw);
    strncat(seen, one, sizeof seen - strlen(seen) - 1);
    return calls++ == stop_at ? 7 : 0;
}

/* Adds a row of the given fields (NULL-terminated), numbered row_no; its
 * raw text is the fields joined by commas. */
static int add_fields(long row_no, const char *const *fields)
{
    char buf[512], raw[512] = "";
    char *f[8];
    size_t lengths[8], n = 0, used = 0;
    for (; fields[n]; n++) {
        size_t len = strlen(fields[n]);
        memcpy(buf + used, fields[n], len + 1);
        f[n] = buf + used;
        lengths[n] = len;
        used += len + 1;
        if (n)
            strcat(raw, ",");
        strcat(raw, fields[n]);
    }
    struct csv_row row = {.row_no = row_no, .n_fields = n, .fields = f, .lengths = lengths,
                          .raw = raw};
    return rowsort_add(&rs, &row);
}

static int add(long row_no, const char *key, const char *other)
{
    const char *fields[] = {key, other, NULL};
    return add_fields(row_no, fields);
}

struct two_fields {
    long row_no;
    const char *key, *other;
};

/* Adds the rows, drains them by `column` and checks
 * what came back. */
static void expect_order(const struct two_fields *rows, size_t n, size_t column, const char *want)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(add(rows[i].row_no, rows[i].key, rows[i].other), 0);
    ck_assert_int_eq(rowsort_drain(&rs, column, record, NULL), 0);
    ck_assert_str_eq(seen, want);
}

START_TEST(test_sorted_after_common_prefix)
{
    const struct two_fields rows[] = {{2, "O20260803-c1", "x"},
                                      {3, "O20260803-a9", "y"},
                                      {4, "O20260804-a0", "z"},
                                      {5, "O20260803-b5", "w"}};
    expect_order(rows, N(rows), 0,
                 "3:O20260803-a9:O20260803-a9,y 5:O20260803-b5:O20260803-b5,w "
                 "2:O20260803-c1:O20260803-c1,x 4:O20260804-a0:O20260804-a0,z");
}
END_TEST

START_TEST(test_by_another_column)
{
    const struct two_fields rows[] = {{2, "k1", "b"}, {3, "k2", "a"}};
    expect_order(rows, N(rows), 1, "3:k2:k2,a 2:k1:k1,b");
}
END_TEST

/* One key's rows keep their file order: all the row rules depend on. */
START_TEST(test_equal_keys_keep_arrival_order)
{
    const struct two_fields rows[] = {
        {2, "B", "first"}, {3, "A", "x"}, {4, "B", "second"}, {5, "B", "third"}};
    expect_order(rows, N(rows), 0, "3:A:A,x 2:B:B,first 4:B:B,second 5:B:B,third");
}
END_TEST

/* Only eight bytes after the common prefix count; keys equal in those
 * stay in arrival order (they are neighbours in the table anyway). */
START_TEST(test_eight_bytes_decide)
{
    const struct two_fields rows[] = {
        {2, "Yzz", ""}, {3, "Xabcdefgh2", ""}, {4, "Xabcdefgh1", ""}, {5, "Xabcdefa", ""}};
    expect_order(rows, N(rows), 0,
                 "5:Xabcdefa:Xabcdefa, 3:Xabcdefgh2:Xabcdefgh2, "
                 "4:Xabcdefgh1:Xabcdefgh1, 2:Yzz:Yzz,");
}
END_TEST

/* A key that ends first sorts first, as in byte order; a row without the
 * column (a bad row, or an overlong one with no fields) counts as empty. */
START_TEST(test_short_and_missing_keys)
{
    const char *none[] = {NULL};
    ck_assert_int_eq(add(2, "OABC", "1"), 0);
    ck_assert_int_eq(add(3, "OAB", "2"), 0);
    ck_assert_int_eq(add_fields(4, none), 0);
    ck_assert_int_eq(rowsort_drain(&rs, 0, record, NULL), 0);
    ck_assert_str_eq(seen, "4:-: 3:OAB:OAB,2 2:OABC:OABC,1");
    seen[0] = '\0';
    ck_assert_int_eq(add(5, "k", "v"), 0);
    ck_assert_int_eq(add(6, "j", NULL), 0);
    ck_assert_int_eq(rowsort_drain(&rs, 1, record, NULL), 0);
    ck_assert_str_eq(seen, "6:j:j 5:k:k,v");
}
END_TEST

/* An overlong row (no fields, the start of its text) comes back as one. */
/* The order of many rows of random keys (common prefix, short keys, many
 * ties, bytes past 0x7F), against a plain comparison sort of the same
 * rule: the eight bytes after the keys' common prefix, then arrival. */
#define MANY 20000
static long drained[MANY];
static size_t n_drained;

static int record_number(void *ctx, const struct csv_row *row)
{
    (void)ctx;
    drained[n_drained++] = row->row_no;
    return 0;
}

struct reference_row {
    unsigned char slice[8];
    long row_no;
};

static int compare_reference(const void *a, const void *b)
{
    const struct reference_row *x = a, *y = b;
    int c = memcmp(x->slice, y->slice, 8);
    return c ? c : (x->row_no > y->row_no) - (x->row_no < y->row_no);
}

START_TEST(test_many_rows_match_a_reference_sort)
{
    static char keys[MANY][16];
    static struct reference_row want[MANY];
    static const char alphabet[] = "0a\xff\x80z";
    uint32_t r = 12345;
    for (size_t i = 0; i < MANY; i++) {
        size_t len = 4;
        memcpy(keys[i], "PFX-", 4);
        for (size_t n = (r = r * 1103515245 + 12345) >> 16 & 15; n > 0 && len < 15; n--)
            keys[i][len++] = alphabet[((r = r * 1103515245 + 12345) >> 16) % 5];
        keys[i][len] = '\0';
        ck_assert_int_eq(add((long)i + 2, keys[i], "x"), 0);
    }
    size_t common = 4; /* every key starts "PFX-"; the next byte differs among them */
    for (size_t i = 0; i < MANY; i++) {
        size_t len = strlen(keys[i]);
        memset(want[i].slice, 0, 8);
        for (size_t j = common; j < common + 8 && j < len; j++)
            want[i].slice[j - common] = (unsigned char)keys[i][j];
        want[i].row_no = (long)i + 2;
    }
    qsort(want, MANY, sizeof want[0], compare_reference);
    n_drained = 0;
    ck_assert_int_eq(rowsort_drain(&rs, 0, record_number, NULL), 0);
    ck_assert_uint_eq(n_drained, MANY);
    for (size_t i = 0; i < MANY; i++)
        ck_assert_int_eq(drained[i], want[i].row_no);
}
END_TEST

START_TEST(test_overlong_row)
{
    struct csv_row over = {.row_no = 10, .overlong = true, .raw = "start of a long line"};
    ck_assert_int_eq(rowsort_add(&rs, &over), 0);
    ck_assert_int_eq(add(11, "A", "x"), 0);
    ck_assert_int_eq(rowsort_drain(&rs, 0, record, NULL), 0);
    ck_assert_str_eq(seen, "10:-:start of a long line 11:A:A,x");
}
END_TEST

/* Every field, its length and the row's flags come back as stored. */
static int check_full_row(void *ctx, const struct csv_row *r)
{
    (void)ctx;
    ck_assert_int_eq(r->row_no, 9);
    ck_assert_uint_eq(r->n_fields, 3);
    ck_assert_str_eq(r->fields[0], "O-1");
    ck_assert_str_eq(r->fields[1], "");
    ck_assert_str_eq(r->fields[2], "with, comma");
    ck_assert_ptr_null(r->fields[3]);
    ck_assert_uint_eq(r->lengths[0], 3);
    ck_assert_uint_eq(r->lengths[1], 0);
    ck_assert_uint_eq(r->lengths[2], 11);
    ck_assert(r->too_long);
    ck_assert(r->bad_encoding);
    ck_assert(!r->overlong);
    ck_assert_str_eq(r->raw, "O-1,,\"with, comma\"");
    calls++;
    return 0;
}

START_TEST(test_fields_and_flags)
{
    char f0[] = "O-1", f1[] = "", f2[] = "with, comma";
    char *fields[] = {f0, f1, f2};
    size_t lengths[] = {3, 0, 11};
    struct csv_row row = {.row_no = 9, .n_fields = 3, .fields = fields, .lengths = lengths,
                          .too_long = true, .bad_encoding = true, .raw = "O-1,,\"with, comma\""};
    ck_assert_int_eq(rowsort_add(&rs, &row), 0);
    f0[0] = 'X'; /* the store holds a copy */
    ck_assert_int_eq(rowsort_drain(&rs, 0, check_full_row, NULL), 0);
    ck_assert_int_eq(calls, 1);
}
END_TEST

/* The limit: a store that holds rows refuses one that would pass it; an
 * empty store takes any row. */
START_TEST(test_limit)
{
    rowsort_free(&rs);
    rowsort_init(&rs, 200);
    ck_assert_int_eq(add(2, "b", "x"), 0);
    int rc;
    long row = 3;
    while ((rc = add(row, "a", "x")) == 0)
        row++;
    ck_assert_int_eq(rc, 1);
    ck_assert_int_gt(row, 3);
    ck_assert_int_eq(rowsort_drain(&rs, 0, record, NULL), 0);
    ck_assert_int_eq(calls, (int)(row - 2));
    char big[400];
    memset(big, 'k', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(add(row, big, "x"), 0);
    ck_assert_int_eq(add(row + 1, "a", "x"), 1);
}
END_TEST

/* A callback's non-zero value stops the drain, which still empties the
 * store; the store then takes new rows. */
START_TEST(test_stop_and_reuse)
{
    ck_assert_int_eq(add(2, "c", ""), 0);
    ck_assert_int_eq(add(3, "b", ""), 0);
    ck_assert_int_eq(add(4, "a", ""), 0);
    stop_at = 1;
    ck_assert_int_eq(rowsort_drain(&rs, 0, record, NULL), 7);
    ck_assert_str_eq(seen, "4:a:a, 3:b:b,");
    seen[0] = '\0';
    calls = 0;
    stop_at = -1;
    ck_assert_int_eq(rowsort_drain(&rs, 0, record, NULL), 0);
    ck_assert_int_eq(calls, 0);
    ck_assert_int_eq(add(5, "z", ""), 0);
    ck_assert_int_eq(rowsort_drain(&rs, 0, record, NULL), 0);
    ck_assert_str_eq(seen, "5:z:z,");
}
END_TEST

static Suite *rowsort_suite(void)
{
    Suite *s = suite_create("rowsort");
    TCase *t = tcase_create("store");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, test_sorted_after_common_prefix);
    tcase_add_test(t, test_by_another_column);
    tcase_add_test(t, test_equal_keys_keep_arrival_order);
    tcase_add_test(t, test_eight_bytes_decide);
    tcase_add_test(t, test_short_and_missing_keys);
    tcase_add_test(t, test_many_rows_match_a_reference_sort);
    tcase_add_test(t, test_overlong_row);
    tcase_add_test(t, test_fields_and_flags);
    tcase_add_test(t, test_limit);
    tcase_add_test(t, test_stop_and_reuse);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return testutil_run(rowsort_suite());
}
