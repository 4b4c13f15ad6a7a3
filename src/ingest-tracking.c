/* ingest-tracking.c: the row validator of tracking.csv (ingest-row.h).
 * Rows come in the orders' key order (rowsort.h), so an order's events
 * are merged in memory and written back once per order. */
#include <string.h>

#include "ingest-row.h"

enum { T_ORDER, T_EVENT_AT, T_STATUS, T_CARRIER, T_TRACKING };

/* Merges the events read for the current order into its stored set and
 * writes the order's packed events and facts back (events.h): one write
 * per order, however many of its rows the file holds. */
int ingest_flush_events(struct reader *rd)
{
    if (rd->events_order[0] == '\0')
        return 0;
    struct file_stats *st = &rd->b->files[rd->which];
    long duplicates;
    long added = events_merge_finish(&rd->events, rd->b->id, &duplicates);
    if (added < 0)
        return -1;
    st->accepted += added;
    st->duplicates += duplicates;
    int rc = 0;
    if (added > 0) {
        /* facts unchanged (a shipment, a second delivery): only the events
         * change, and the rule indexes over the facts are left alone */
        struct event_facts f = events_facts(rd->events.packed, rd->events.n_bytes);
        const struct event_facts *was = &rd->events_facts;
        bool same = f.lost == was->lost && f.delivered == was->delivered &&
                    (!f.delivered || f.delivered_on == was->delivered_on);
        sqlite3_stmt *upd = same ? db_stmt(rd->b->db, "UPDATE orders SET events = ?1"
                                                      " WHERE order_id = ?4")
                                 : db_stmt(rd->b->db, "UPDATE orders SET events = ?1,"
                                                      " delivered_on = ?2, lost = ?3"
                                                      " WHERE order_id = ?4");
        if (!upd)
            return -1;
        sqlite3_bind_blob(upd, 1, rd->events.packed, (int)rd->events.n_bytes, SQLITE_STATIC);
        if (!same) {
            if (f.delivered)
                db_bind_int(upd, 2, f.delivered_on);
            db_bind_int(upd, 3, f.lost);
        }
        db_bind_text_static(upd, 4, rd->events_order);
        rc = db_exec_stmt(upd) == SQLITE_DONE ? 0 : -1;
    }
    rd->events_order[0] = '\0';
    return rc;
}

/* Makes order_id the order whose events are being read: flushes the
 * previous one and loads this one's facts and stored events. 1 found, 0
 * not found, -1 database or memory error. */
static int switch_events_order(struct reader *rd, const char *order_id)
{
    if (strcmp(rd->events_order, order_id) == 0)
        return 1;
    if (ingest_flush_events(rd))
        return -1;
    sqlite3_stmt *s = db_stmt(rd->b->db, "SELECT placed_on, events FROM orders WHERE order_id = ?");
    if (!s)
        return -1;
    db_bind_text_static(s, 1, order_id);
    int rc = db_step(s);
    if (rc == SQLITE_ROW) {
        rd->events_placed_on = (day_t)sqlite3_column_int64(s, 0);
        if (events_merge_load(&rd->events, sqlite3_column_blob(s, 1),
                              (size_t)sqlite3_column_bytes(s, 1)) != 0) {
            rc = SQLITE_NOMEM;
        } else {
            rd->events_facts = events_facts(rd->events.packed, rd->events.n_bytes);
            snprintf(rd->events_order, sizeof rd->events_order, "%s", order_id);
        }
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* A valid event is counted when its order's events are merged
 * (ingest_flush_events): accepted when new, else a duplicate. */
enum row_outcome ingest_validate_event(struct reader *rd, const char **reason)
{
    for (int i = T_ORDER; i <= T_STATUS; i++)
        if (*field(rd, i) == '\0')
            return reject(reason, "missing_field");
    const char *order_id = field(rd, T_ORDER);
    if (!ids_is_valid(order_id))
        return reject(reason, "bad_id");
    day_t event_on;
    if (!date_parse(field(rd, T_EVENT_AT), &event_on))
        return reject(reason, "bad_date");
    int status = events_status_from_name(field(rd, T_STATUS));
    if (status < 0)
        return reject(reason, "bad_status");
    int found = switch_events_order(rd, order_id);
    if (found < 0)
        return ROW_FAILED;
    if (!found)
        return reject(reason, "unknown_order");
    const char *bad = ingest_place_date(event_on, rd->events_placed_on, rd->b->as_of);
    if (bad)
        return reject(reason, bad);
    return events_merge_add(&rd->events, event_on, (enum event_status)status) == 0
               ? ROW_COUNTED_LATER
               : ROW_FAILED;
}
