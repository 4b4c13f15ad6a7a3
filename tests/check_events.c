/* check_events.c: unit tests of src/events.c, the packed carrier events of
 * an order: the duplicate rule of SPEC §2 (an event identical in (order,
 * date, status) to a known one is a duplicate), the facts of SPEC §3
 * (delivered_on is the earliest delivery; lost is a lost or returned
 * event), and the per-batch removal a rerun needs. */
#include <check.h>

#include "testutil.h"
#include <string.h>

#include "date.h"
#include "events.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct events_merge m;

static void setup(void)
{
    m = (struct events_merge){0};
}

static void teardown(void)
{
    events_merge_free(&m);
}

static day_t day(const char *text)
{
    day_t d;
    ck_assert(date_parse_plain(text, &d));
    return d;
}

/* Adds the events to m, merges them as batch_id; returns the added count. */
static long merge(int64_t batch_id, const day_t *days, const int *statuses, size_t n,
                  long *duplicates)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(events_merge_add(&m, days[i], (enum event_status)statuses[i]), 0);
    return events_merge_finish(&m, batch_id, duplicates);
}

START_TEST(test_status_names)
{
    const char *names[] = {"shipped", "in_transit", "delivered", "lost", "returned"};
    for (int s = 0; s < EVENT_STATUS_COUNT; s++)
        ck_assert_int_eq(events_status_from_name(names[s]), s);
    ck_assert_int_eq(events_status_from_name("Delivered"), -1);
    ck_assert_int_eq(events_status_from_name(""), -1);
    ck_assert_int_eq(events_status_from_name("delivered "), -1);
}
END_TEST

START_TEST(test_new_events_added_sorted)
{
    day_t days[] = {day("2026-03-05"), day("2026-03-01"), day("2026-03-03")};
    int st[] = {EVENT_DELIVERED, EVENT_SHIPPED, EVENT_IN_TRANSIT};
    long dup;
    ck_assert_int_eq(merge(7, days, st, N(days), &dup), 3);
    ck_assert_int_eq(dup, 0);
    ck_assert_uint_eq(m.n_bytes, 3 * EVENTS_PACKED_SIZE);
    struct event_facts f = events_facts(m.packed, m.n_bytes);
    ck_assert(f.delivered);
    ck_assert_int_eq(f.delivered_on, day("2026-03-05"));
    ck_assert(!f.lost);
    ck_assert_int_eq(f.max_batch, 7);
}
END_TEST

/* The same (date, status) twice in one file, and once more in a later
 * batch: one event, two duplicates. A different status on the same date,
 * or the same status on another date, is a new event. */
START_TEST(test_duplicates)
{
    day_t d = day("2026-03-02");
    day_t days[] = {d, d, d, d + 1};
    int st[] = {EVENT_SHIPPED, EVENT_SHIPPED, EVENT_IN_TRANSIT, EVENT_SHIPPED};
    long dup;
    ck_assert_int_eq(merge(1, days, st, N(days), &dup), 3);
    ck_assert_int_eq(dup, 1);
    unsigned char stored[64];
    size_t n = m.n_bytes;
    memcpy(stored, m.packed, n);
    ck_assert_int_eq(events_merge_load(&m, stored, n), 0);
    day_t again[] = {d, d + 2};
    int again_st[] = {EVENT_SHIPPED, EVENT_SHIPPED};
    ck_assert_int_eq(merge(2, again, again_st, N(again), &dup), 1);
    ck_assert_int_eq(dup, 1);
    ck_assert_uint_eq(m.n_bytes, 4 * EVENTS_PACKED_SIZE);
    ck_assert_int_eq(events_facts(m.packed, m.n_bytes).max_batch, 2);
}
END_TEST

START_TEST(test_nothing_pending)
{
    long dup = 5;
    ck_assert_int_eq(events_merge_load(&m, NULL, 0), 0);
    ck_assert_int_eq(events_merge_finish(&m, 1, &dup), 0);
    ck_assert_int_eq(dup, 0);
    struct event_facts f = events_facts(m.packed, m.n_bytes);
    ck_assert(!f.delivered && !f.lost);
    ck_assert_int_eq(f.max_batch, 0);
}
END_TEST

/* delivered_on is the earliest delivery, whichever batch brought it. */
START_TEST(test_earliest_delivery)
{
    day_t late[] = {day("2026-04-10")};
    int st[] = {EVENT_DELIVERED};
    long dup;
    ck_assert_int_eq(merge(1, late, st, 1, &dup), 1);
    day_t early[] = {day("2026-04-08")};
    ck_assert_int_eq(merge(2, early, st, 1, &dup), 1);
    struct event_facts f = events_facts(m.packed, m.n_bytes);
    ck_assert_int_eq(f.delivered_on, day("2026-04-08"));
}
END_TEST

/* lost: a lost or a returned event; not shipped, in transit or delivered. */
static const struct {
    int status;
    bool lost, delivered;
} lost_cases[] = {
    {EVENT_SHIPPED, false, false},  {EVENT_IN_TRANSIT, false, false},
    {EVENT_DELIVERED, false, true}, {EVENT_LOST, true, false},
    {EVENT_RETURNED, true, false},
};

START_TEST(test_lost_statuses)
{
    day_t d[] = {day("2026-05-01")};
    int st[] = {lost_cases[_i].status};
    long dup;
    ck_assert_int_eq(merge(3, d, st, 1, &dup), 1);
    struct event_facts f = events_facts(m.packed, m.n_bytes);
    ck_assert_int_eq(f.lost, lost_cases[_i].lost);
    ck_assert_int_eq(f.delivered, lost_cases[_i].delivered);
}
END_TEST

/* Dates before 1970 are negative day numbers: they still sort first. */
START_TEST(test_negative_dates_sort_first)
{
    day_t days[] = {day("2026-01-01"), day("1960-01-01")};
    int st[] = {EVENT_DELIVERED, EVENT_DELIVERED};
    long dup;
    ck_assert_int_eq(merge(1, days, st, N(days), &dup), 2);
    ck_assert_int_eq(events_facts(m.packed, m.n_bytes).delivered_on, day("1960-01-01"));
}
END_TEST

/* A rerun from batch 3 keeps the events of batches 1 and 2 only. */
START_TEST(test_keep_before)
{
    long dup;
    for (int64_t batch = 1; batch <= 4; batch++) {
        day_t d[] = {day("2026-06-01") + (day_t)batch};
        int st[] = {batch == 3 ? EVENT_DELIVERED : EVENT_IN_TRANSIT};
        ck_assert_int_eq(merge(batch, d, st, 1, &dup), 1);
    }
    unsigned char out[64];
    size_t kept = events_keep_before(m.packed, m.n_bytes, 3, out);
    ck_assert_uint_eq(kept, 2 * EVENTS_PACKED_SIZE);
    struct event_facts f = events_facts(out, kept);
    ck_assert(!f.delivered);
    ck_assert_int_eq(f.max_batch, 2);
    ck_assert_uint_eq(events_keep_before(m.packed, m.n_bytes, 1, out), 0);
    ck_assert_uint_eq(events_keep_before(m.packed, m.n_bytes, 5, out), m.n_bytes);
}
END_TEST

/* events_sort orders packed events as the merge does. */
START_TEST(test_sort_packed)
{
    unsigned char packed[3 * EVENTS_PACKED_SIZE];
    events_pack_one(packed, day("2026-02-03"), EVENT_DELIVERED, 9);
    events_pack_one(packed + 8, day("2026-02-01"), EVENT_SHIPPED, 8);
    events_pack_one(packed + 16, day("2026-02-03"), EVENT_IN_TRANSIT, 9);
    events_sort(packed, 3);
    ck_assert_int_eq(events_merge_load(&m, packed, sizeof packed), 0);
    day_t d[] = {day("2026-02-03"), day("2026-02-01")};
    int st[] = {EVENT_IN_TRANSIT, EVENT_SHIPPED};
    long dup;
    ck_assert_int_eq(merge(10, d, st, N(d), &dup), 0);
    ck_assert_int_eq(dup, 2);
    struct event_facts f = events_facts(m.packed, m.n_bytes);
    ck_assert_int_eq(f.delivered_on, day("2026-02-03"));
    ck_assert_int_eq(f.max_batch, 9);
}
END_TEST

/* Many events of one order: every one kept once, however they arrive. */
START_TEST(test_many_events)
{
    long dup;
    day_t base = day("2020-01-01");
    for (int round = 0; round < 2; round++)
        for (int i = 999; i >= 0; i--)
            ck_assert_int_eq(events_merge_add(&m, base + i, (enum event_status)(i % 5)), 0);
    ck_assert_int_eq(events_merge_finish(&m, 1, &dup), 1000);
    ck_assert_int_eq(dup, 1000);
    ck_assert_uint_eq(m.n_bytes, 1000 * EVENTS_PACKED_SIZE);
    ck_assert_int_eq(events_facts(m.packed, m.n_bytes).delivered_on, base + 2);
}
END_TEST

/* A batch id the packing cannot hold is refused, not wrapped. */
START_TEST(test_batch_id_range)
{
    long dup;
    ck_assert_int_eq(events_merge_add(&m, day("2026-01-01"), EVENT_SHIPPED), 0);
    ck_assert_int_eq(events_merge_finish(&m, 0, &dup), -1);
    ck_assert_int_eq(events_merge_finish(&m, EVENTS_MAX_BATCH + 1, &dup), -1);
    ck_assert_int_eq(events_merge_finish(&m, EVENTS_MAX_BATCH, &dup), 1);
    ck_assert_int_eq(events_facts(m.packed, m.n_bytes).max_batch, EVENTS_MAX_BATCH);
}
END_TEST

static Suite *events_suite(void)
{
    Suite *s = suite_create("events");
    TCase *t = tcase_create("packed");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, test_status_names);
    tcase_add_test(t, test_new_events_added_sorted);
    tcase_add_test(t, test_duplicates);
    tcase_add_test(t, test_nothing_pending);
    tcase_add_test(t, test_earliest_delivery);
    tcase_add_loop_test(t, test_lost_statuses, 0, N(lost_cases));
    tcase_add_test(t, test_negative_dates_sort_first);
    tcase_add_test(t, test_keep_before);
    tcase_add_test(t, test_sort_packed);
    tcase_add_test(t, test_many_events);
    tcase_add_test(t, test_batch_id_range);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return testutil_run(events_suite());
}
