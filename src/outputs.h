/* outputs.h: writes a committed batch's reports folder: the CSVs of §6 and
 * the workbook of §7. */
#ifndef ARBITER_OUTPUTS_H
#define ARBITER_OUTPUTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "db.h"

/* Writes `<reports>/<D>/r<k>/`; with only_missing, leaves files that
 * already exist alone. Returns 0 or a sysexits code (logged). */
int outputs_write(struct db *db, const struct options *o, int64_t batch_id, day_t as_of,
                  int revision, bool only_missing);

#endif
