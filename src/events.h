/* events.h: an order's carrier events, packed into one BLOB of its orders
 * row (schema v3) instead of one row each in a table of their own: the
 * rules need only the earliest delivery and whether the parcel was lost,
 * the duplicate check needs the set of (date, status), and a rerun needs
 * the batch of each event. A night's tracking file is three events per
 * order; packing them made ingestion one read and one write per order
 * instead of a B-tree insert per event.
 *
 * The packed form: EVENTS_PACKED_SIZE bytes per event, little-endian, the
 * date (int32) then batch_id << 3 | status (uint32), sorted by (date,
 * status), each (date, status) at most once. Pure code: no I/O. */
#ifndef ARBITER_EVENTS_H
#define ARBITER_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"

enum event_status {
    EVENT_SHIPPED,
    EVENT_IN_TRANSIT,
    EVENT_DELIVERED,
    EVENT_LOST,
    EVENT_RETURNED,
    EVENT_STATUS_COUNT
};

#define EVENTS_PACKED_SIZE 8
#define EVENTS_MAX_BATCH ((int64_t)UINT32_MAX >> 3) /* the largest batch id packed */

/* The status of a name of SPEC §2 ("delivered"...), or -1. */
int events_status_from_name(const char *name);

/* What the rules read of a packed set. */
struct event_facts {
    bool delivered;     /* some `delivered` event */
    day_t delivered_on; /* the earliest, when delivered */
    bool lost;          /* some `lost` or `returned` event */
    int64_t max_batch;  /* the latest batch of an event, 0 when none */
};

/* The facts of n_bytes of packed events (a multiple of EVENTS_PACKED_SIZE). */
struct event_facts events_facts(const unsigned char *packed, size_t n_bytes);

/* Copies into out (room for n_bytes) the events of batches before
 * first_batch; returns the bytes written. */
size_t events_keep_before(const unsigned char *packed, size_t n_bytes, int64_t first_batch,
                          unsigned char *out);

/* Writes one packed event at out (EVENTS_PACKED_SIZE bytes). */
void events_pack_one(unsigned char *out, day_t day, enum event_status status, int64_t batch_id);

/* Sorts n packed events in place by (date, status). */
void events_sort(unsigned char *packed, size_t n);

/* One order's events in the making: the stored set plus the new events
 * of this batch, merged once all of the order's rows are read. The
 * buffers are reused from order to order; events_merge_free frees them. */
struct events_merge {
    unsigned char *packed; /* the stored set, then the merged one */
    size_t n_bytes, packed_cap;
    uint64_t *pending;     /* new (date, status) keys, in arrival order */
    size_t n_pending, pending_cap;
    unsigned char *scratch;
    size_t scratch_cap;
};

/* Starts an order from its stored set (n_bytes may be 0). 0, or -1 when
 * out of memory. */
int events_merge_load(struct events_merge *m, const void *packed, size_t n_bytes);

/* Adds one new event. 0, or -1 when out of memory. */
int events_merge_add(struct events_merge *m, day_t day, enum event_status status);

/* Merges the pending events into the set, tagging the new ones with
 * batch_id; pending events already in the set, or repeated, are not
 * added. Returns how many were added (*duplicates: how many were not), or
 * -1 when out of memory or batch_id is not 1..EVENTS_MAX_BATCH. The
 * merged set is m->packed, m->n_bytes. */
long events_merge_finish(struct events_merge *m, int64_t batch_id, long *duplicates);

void events_merge_free(struct events_merge *m);

#endif
