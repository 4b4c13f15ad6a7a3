/* rowsort.h: a bounded store of CSV rows, handed back ordered by one
 * column. Ingestion reads orders.csv and tracking.csv through it, so that
 * each file's lookups and inserts of orders come in (nearly) the orders
 * table's key order instead of the file's: with order IDs that do not
 * follow time (random ones), a file's order touched the table's pages at
 * random, and a page cache smaller than the table read every page many
 * times over.
 *
 * The order is that of the first eight bytes of the column after the
 * prefix all the stored rows share (byte order, as SQLite's BINARY
 * collation), then the order of arrival: rows of one key stay in file
 * order, which is all the row rules depend on. Pure code: no I/O. */
#ifndef ARBITER_ROWSORT_H
#define ARBITER_ROWSORT_H

#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "csvfile.h"
#include "csvpack.h"

/* What ingestion stores at most. With the row queue beside it (csvqueue.h)
 * it costs about 36 MB of peak memory (1M orders: 151 -> 187 MB); a
 * smaller store sweeps the orders table more often (64 KiB pages). */
#define ROWSORT_BYTES (32u * 1024 * 1024)

struct rowsort_entry;

struct rowsort {
    size_t limit;                  /* bytes of packed rows held at most */
    struct buffer rows;            /* the rows, packed (csvpack.h) */
    struct rowsort_entry *entries; /* one per row, in arrival order */
    size_t count, entries_cap;
    struct rowsort_entry *spare;   /* as many, for the sort's passes */
    size_t spare_cap;
    struct csvpack_reader reader;  /* the row handed back */
};

/* An empty store of at most `limit` bytes (allocated as rows come; at
 * most about 4 GB). */
void rowsort_init(struct rowsort *rs, size_t limit);

/* Copies row into the store. 0 stored; 1 no room (drain, then add it
 * again: a row always fits an empty store); -1 out of memory. */
int rowsort_add(struct rowsort *rs, const struct csv_row *row);

/* Calls on_row for every stored row, ordered by field `column` (a row
 * without it counts as empty), and empties the store. The row passed is
 * valid during the call. Returns on_row's first non-zero value (the rest
 * are dropped), -1 when out of memory, else 0. */
int rowsort_drain(struct rowsort *rs, size_t column, csv_row_fn on_row, void *ctx);

/* Frees the store's memory (rows not drained are dropped). */
void rowsort_free(struct rowsort *rs);

#endif
