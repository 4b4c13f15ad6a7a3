/* events-sql.c: SQL functions over the packed events of orders.events
 * (events.h), for the statements that work on many orders at once: the
 * schema upgrade that packs the old event table, and a rerun's rollback.
 *   events_pack(date, status, batch_id)  aggregate: the packed set
 *   events_before(events, batch_id)      the events of earlier batches (NULL: none)
 *   events_delivered_on(events)          the earliest delivery, or NULL
 *   events_lost(events)                  1 with a lost or returned event, else 0
 *   events_max_batch(events)             the latest batch of an event, or 0 */
#include "events-sql.h"

#include <stdlib.h>
#include <string.h>

#include "events.h"

struct pack_state {
    unsigned char *bytes;
    size_t n, cap;
    bool failed;
};

static void pack_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct pack_state *st = sqlite3_aggregate_context(ctx, sizeof *st);
    if (!st || st->failed)
        return;
    const unsigned char *name = sqlite3_value_text(argv[1]);
    int status = name ? events_status_from_name((const char *)name) : -1;
    if (status < 0)
        return; /* the old table held only valid statuses */
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 8;
        unsigned char *p = realloc(st->bytes, cap * EVENTS_PACKED_SIZE);
        if (!p) {
            st->failed = true;
            sqlite3_result_error_nomem(ctx);
            return;
        }
        st->bytes = p;
        st->cap = cap;
    }
    events_pack_one(st->bytes + st->n * EVENTS_PACKED_SIZE, (day_t)sqlite3_value_int64(argv[0]),
                    (enum event_status)status, sqlite3_value_int64(argv[2]));
    st->n++;
}

static void pack_final(sqlite3_context *ctx)
{
    struct pack_state *st = sqlite3_aggregate_context(ctx, 0);
    if (!st || st->n == 0 || st->failed) {
        if (st)
            free(st->bytes);
        if (!st || !st->failed)
            sqlite3_result_null(ctx);
        return;
    }
    events_sort(st->bytes, st->n);
    sqlite3_result_blob(ctx, st->bytes, (int)(st->n * EVENTS_PACKED_SIZE), free);
}

static struct event_facts facts_of(sqlite3_value *v)
{
    return events_facts(sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v));
}

static void before_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *packed = sqlite3_value_blob(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    unsigned char *out = n ? malloc(n) : NULL;
    if (n && !out) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    size_t kept = n ? events_keep_before(packed, n, sqlite3_value_int64(argv[1]), out) : 0;
    if (kept == 0) {
        free(out);
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_blob(ctx, out, (int)kept, free);
}

static void delivered_on_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct event_facts f = facts_of(argv[0]);
    if (f.delivered)
        sqlite3_result_int64(ctx, f.delivered_on);
    else
        sqlite3_result_null(ctx);
}

static void lost_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_int(ctx, facts_of(argv[0]).lost);
}

static void max_batch_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_int64(ctx, facts_of(argv[0]).max_batch);
}

int events_sql_register(sqlite3 *handle)
{
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;
    const struct {
        const char *name;
        int args;
        void (*fn)(sqlite3_context *, int, sqlite3_value **);
    } scalars[] = {{"events_before", 2, before_fn},
                   {"events_delivered_on", 1, delivered_on_fn},
                   {"events_lost", 1, lost_fn},
                   {"events_max_batch", 1, max_batch_fn}};
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
        if (sqlite3_create_function_v2(handle, scalars[i].name, scalars[i].args, flags, NULL,
                                       scalars[i].fn, NULL, NULL, NULL) != SQLITE_OK)
            return -1;
    return sqlite3_create_function_v2(handle, "events_pack", 3, flags, NULL, NULL, pack_step,
                                      pack_final, NULL) == SQLITE_OK
               ? 0
               : -1;
}
