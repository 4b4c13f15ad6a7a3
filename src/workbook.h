/* workbook.h: the finance workbook of SPEC §7 (libxlsxwriter), written from
 * the database alone for one committed batch. */
#ifndef ARBITER_WORKBOOK_H
#define ARBITER_WORKBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct workbook_prefetch; /* below */

/* Writes the workbook of batch `batch_id` to `path` through a temporary
 * name (`path`.tmp) renamed into place. Returns 0 or a sysexits code with
 * a one-line message in err: 73 cannot create the file, 74 I/O error
 * while writing it, 70 a database error.
 *
 * Sheets: Summary, Refund queue, Seller payouts, Claims, Manual review,
 * Escrow aging, Rejects, Adjustments. A table sheet holds at most
 * 1,048,576 rows (header included) and continues on "Name (2)", ...;
 * the environment variable ARBITER_XLSX_MAX_ROWS (an integer >= 2) lowers
 * that limit, for tests only. `ahead` (may be NULL) is a prefetch of
 * the same batch, below. */
int workbook_write(struct db *db, int64_t batch_id, struct workbook_prefetch *ahead,
                   const char *path, char *err, size_t err_size);

/* The rows of the workbook's slowest query (Seller payouts: a sort of all
 * the batch's releases), fetched on another thread while workbook_write
 * writes the sheets before it (workbook-prefetch.c). Give the same
 * prefetch to workbook_prefetch_run on that thread, through a connection
 * of its own, and to workbook_write (NULL: it runs every query itself);
 * workbook_write waits for the fetch, and runs the query itself when the
 * fetch failed. */

/* A new prefetch, or NULL when out of memory. Free with
 * workbook_prefetch_free once workbook_write and the fetch are done. */
struct workbook_prefetch *workbook_prefetch_new(void);

/* Fetches the rows of batch batch_id through db into a temporary file;
 * then tells workbook_write, whether it worked or not. */
void workbook_prefetch_run(struct workbook_prefetch *p, struct db *db, int64_t batch_id);

void workbook_prefetch_free(struct workbook_prefetch *p);

#endif
