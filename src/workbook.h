/* workbook.h: the finance workbook of SPEC §7 (libxlsxwriter), written from
 * the database alone for one committed batch. */
#ifndef ARBITER_WORKBOOK_H
#define ARBITER_WORKBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* Writes the workbook of batch `batch_id` to `path` through a temporary
 * name (`path`.tmp) renamed into place. Returns 0 or a sysexits code with
 * a one-line message in err: 73 cannot create the file, 74 I/O error
 * while writing it, 70 a database error.
 *
 * Sheets: Summary, Refund queue, Seller payouts, Claims, Manual review,
 * Escrow aging, Rejects, Adjustments. A table sheet holds at most
 * 1,048,576 rows (header included) and continues on "Name (2)", ...;
 * the environment variable ARBITER_XLSX_MAX_ROWS (an integer >= 2) lowers
 * that limit, for tests only. */
int workbook_write(struct db *db, int64_t batch_id, const char *path, char *err,
                   size_t err_size);

#endif
