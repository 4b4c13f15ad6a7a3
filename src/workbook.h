/* workbook.h: the finance workbook of SPEC §7 (libxlsxwriter), written from
 * the database alone for one committed batch. */
#ifndef ARBITER_WORKBOOK_H
#define ARBITER_WORKBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* Writes the workbook of batch `batch_id` to `path` through a temporary
 * name renamed into place. Returns 0 or a sysexits code with a message in
 * err. */
int workbook_write(struct db *db, int64_t batch_id, const char *path, char *err,
                   size_t err_size);

#endif
