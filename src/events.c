/* events.c: an order's carrier events packed into one BLOB (events.h). */
#include "events.h"

#include <stdlib.h>
#include <string.h>

#include "buffer.h"

static const char *const status_names[EVENT_STATUS_COUNT] = {"shipped", "in_transit", "delivered",
                                                             "lost", "returned"};

int events_status_from_name(const char *name)
{
    for (int s = 0; s < EVENT_STATUS_COUNT; s++)
        if (strcmp(name, status_names[s]) == 0)
            return s;
    return -1;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* A (date, status) key that sorts as the pair: the date's sign bit
 * flipped so that negative dates (before 1970) come first. */
static uint64_t key_of(day_t day, unsigned status)
{
    return (uint64_t)((uint32_t)day ^ 0x80000000u) << 3 | status;
}

static day_t key_day(uint64_t key)
{
    return (day_t)((uint32_t)(key >> 3) ^ 0x80000000u);
}

static enum event_status key_status(uint64_t key)
{
    return (enum event_status)(key & 7);
}

static uint64_t packed_key(const unsigned char *e)
{
    return key_of((day_t)get32(e), get32(e + 4) & 7);
}

void events_pack_one(unsigned char *out, day_t day, enum event_status status, int64_t batch_id)
{
    put32(out, (uint32_t)day);
    put32(out + 4, (uint32_t)batch_id << 3 | (uint32_t)status);
}

static int compare_packed(const void *a, const void *b)
{
    uint64_t x = packed_key(a), y = packed_key(b);
    return (x > y) - (x < y);
}

void events_sort(unsigned char *packed, size_t n)
{
    if (n > 1)
        qsort(packed, n, EVENTS_PACKED_SIZE, compare_packed);
}

struct event_facts events_facts(const unsigned char *packed, size_t n_bytes)
{
    struct event_facts f = {0};
    for (size_t i = 0; i + EVENTS_PACKED_SIZE <= n_bytes; i += EVENTS_PACKED_SIZE) {
        uint32_t tag = get32(packed + i + 4);
        unsigned status = tag & 7;
        if (status == EVENT_DELIVERED && !f.delivered) { /* sorted: the first is the earliest */
            f.delivered = true;
            f.delivered_on = (day_t)get32(packed + i);
        }
        if (status == EVENT_LOST || status == EVENT_RETURNED)
            f.lost = true;
        if ((int64_t)(tag >> 3) > f.max_batch)
            f.max_batch = tag >> 3;
    }
    return f;
}

size_t events_keep_before(const unsigned char *packed, size_t n_bytes, int64_t first_batch,
                          unsigned char *out)
{
    size_t kept = 0;
    for (size_t i = 0; i + EVENTS_PACKED_SIZE <= n_bytes; i += EVENTS_PACKED_SIZE)
        if ((int64_t)(get32(packed + i + 4) >> 3) < first_batch) {
            memcpy(out + kept, packed + i, EVENTS_PACKED_SIZE);
            kept += EVENTS_PACKED_SIZE;
        }
    return kept;
}

int events_merge_load(struct events_merge *m, const void *packed, size_t n_bytes)
{
    m->n_pending = 0;
    m->n_bytes = 0;
    n_bytes -= n_bytes % EVENTS_PACKED_SIZE;
    if (n_bytes == 0)
        return 0;
    unsigned char *p = buffer_grow(m->packed, &m->packed_cap, n_bytes, 1);
    if (!p)
        return -1;
    m->packed = p;
    memcpy(m->packed, packed, n_bytes);
    m->n_bytes = n_bytes;
    return 0;
}

int events_merge_add(struct events_merge *m, day_t day, enum event_status status)
{
    uint64_t *p = buffer_grow(m->pending, &m->pending_cap, m->n_pending + 1, sizeof *m->pending);
    if (!p)
        return -1;
    m->pending = p;
    m->pending[m->n_pending++] = key_of(day, (unsigned)status);
    return 0;
}

static int compare_keys(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

long events_merge_finish(struct events_merge *m, int64_t batch_id, long *duplicates)
{
    *duplicates = 0;
    if (m->n_pending == 0)
        return 0;
    if (batch_id < 1 || batch_id > EVENTS_MAX_BATCH)
        return -1;
    qsort(m->pending, m->n_pending, sizeof *m->pending, compare_keys);
    size_t most = m->n_bytes + m->n_pending * EVENTS_PACKED_SIZE;
    unsigned char *scratch = buffer_grow(m->scratch, &m->scratch_cap, most, 1);
    if (!scratch)
        return -1;
    m->scratch = scratch;
    /* one pass over both sorted lists, as in a merge sort */
    size_t i = 0, p = 0, out = 0;
    long added = 0;
    while (p < m->n_pending) {
        uint64_t key = m->pending[p];
        while (i < m->n_bytes && packed_key(m->packed + i) < key) {
            memcpy(m->scratch + out, m->packed + i, EVENTS_PACKED_SIZE);
            out += EVENTS_PACKED_SIZE;
            i += EVENTS_PACKED_SIZE;
        }
        bool stored = i < m->n_bytes && packed_key(m->packed + i) == key;
        bool repeated = p > 0 && m->pending[p - 1] == key;
        if (stored || repeated) {
            ++*duplicates;
        } else {
            events_pack_one(m->scratch + out, key_day(key), key_status(key), batch_id);
            out += EVENTS_PACKED_SIZE;
            added++;
        }
        p++;
    }
    if (i < m->n_bytes) { /* the stored events after the last new one */
        memcpy(m->scratch + out, m->packed + i, m->n_bytes - i);
        out += m->n_bytes - i;
    }
    unsigned char *t = m->packed;
    size_t t_cap = m->packed_cap;
    m->packed = m->scratch;
    m->packed_cap = m->scratch_cap;
    m->scratch = t;
    m->scratch_cap = t_cap;
    m->n_bytes = out;
    m->n_pending = 0;
    return added;
}

void events_merge_free(struct events_merge *m)
{
    free(m->packed);
    free(m->pending);
    free(m->scratch);
    *m = (struct events_merge){0};
}
