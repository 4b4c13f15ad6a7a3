/* ingest-row.h: what the readers of the four input files share inside
 * ingest (not a public interface): the state of one file's read, the
 * outcome of a row, and each file's row validator (ingest-orders.c,
 * ingest-tracking.c, ingest-claims.c) that ingest.c calls per row. */
#ifndef ARBITER_INGEST_ROW_H
#define ARBITER_INGEST_ROW_H

#include "batch.h"
#include "csvfile.h"
#include "events.h"
#include "filestore.h"
#include "ids.h"
#include "rowsort.h"

#define MAX_COLUMNS 8 /* of a file kind (ingest.c) */

/* ROW_COUNTED_LATER: valid, and counted as accepted or duplicate once
 * the rows it is checked against are all read (tracking events). */
enum row_outcome { ROW_ACCEPTED, ROW_DUPLICATE, ROW_COUNTED_LATER, ROW_REJECTED, ROW_FAILED };

/* Facts of a stored order that the other files' checks need. */
struct known_order {
    day_t placed_on;
    money_t amount;
    char currency[4];
};

/* orders.csv: one currency's escrow, as open_book held it before the
 * batch plus the orders this file has accepted (MONEY_ESCROW_MAX). */
struct escrow_held {
    char currency[4];
    money_t held;
    bool warned; /* the log has said an order did not fit */
};

/* Currencies a file can hold escrow in: more than ISO 4217 has. */
#define MAX_CURRENCIES 256

/* The state of one file's read. */
struct reader {
    struct batch *b;
    enum input_file which;
    const struct file_kind *kind;
    int map[MAX_COLUMNS];       /* column -> field index, -1 when absent */
    size_t header_fields;
    const struct csv_row *row;
    struct filestore_writer store;
    int fatal;                  /* a sysexits code that stops the batch */
    /* claims.csv: the order the previous row found (an order's facts
     * never change, and a buyer's repeated rows often come together) */
    char last_order_id[ID_MAX_LEN + 1];
    struct known_order last_order;
    /* tracking.csv: the order whose events are being read (empty: none),
     * its date placed, and its events */
    char events_order[ID_MAX_LEN + 1];
    day_t events_placed_on;
    struct events_merge events;
    struct event_facts events_facts; /* of its stored events */
    /* orders.csv and tracking.csv: rows are read in the orders' key
     * order, a store at a time (rowsort.h); column 0 is the order ID */
    bool sorting;
    struct rowsort sorted;
    struct escrow_held escrow[MAX_CURRENCIES]; /* orders.csv: its currencies */
    size_t n_escrow;
};

/* The trimmed text of column i of the current row ("" when absent). */
static inline const char *field(const struct reader *rd, int i)
{
    return rd->map[i] < 0 ? "" : rd->row->fields[rd->map[i]];
}

static inline enum row_outcome reject(const char **reason, const char *code)
{
    *reason = code;
    return ROW_REJECTED;
}

/* Places an already parsed date between the order's date and the batch
 * date. Returns NULL when it fits, else the reject reason. */
const char *ingest_place_date(day_t d, day_t not_before, day_t as_of);

/* Why an INSERT OR IGNORE stored nothing that no stored row of the same
 * kind explains: `sql` (one row, one column; ?1 the ID) says whether the
 * ID is taken, which rejects the row (duplicate_conflict); anything else
 * is a failure of the database, not of the row. */
enum row_outcome ingest_id_taken(struct reader *rd, const char *sql, const char *id,
                                 const char **reason);

/* The row validators, one per file kind: each checks the current row
 * (rd->row), stores it, and says how it counts; *reason is set for
 * ROW_REJECTED. */
enum row_outcome ingest_validate_order(struct reader *rd, const char **reason);
enum row_outcome ingest_validate_event(struct reader *rd, const char **reason);
enum row_outcome ingest_validate_claim(struct reader *rd, const char **reason);
enum row_outcome ingest_validate_override(struct reader *rd, const char **reason);

/* Before the night's overrides.csv: forgets which file stored each
 * override (ingest-claims.c); 0, or -1 on a database error. */
int ingest_begin_overrides(struct batch *b);

/* Writes back the events of the order being read (tracking.csv); 0, or
 * -1 on a database error. Nothing to do when no order is being read. */
int ingest_flush_events(struct reader *rd);

#endif
