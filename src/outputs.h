/* outputs.h: writes a committed batch's reports folder: the CSVs of §6 and
 * the workbook of §7. */
#ifndef ARBITER_OUTPUTS_H
#define ARBITER_OUTPUTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "db.h"

enum outputs_flag {
    OUTPUTS_ONLY_MISSING = 1,     /* leave the files that already exist alone */
    OUTPUTS_CHECKPOINT_FIRST = 2, /* copy the log into the database (checkpoint.c) first */
    OUTPUTS_SAY_COMMITTED = 4,    /* on a failure, say the batch is committed and how to
                                     write its reports (not for `report` itself) */
    OUTPUTS_MORE_FOLLOW = 8,      /* later revisions' reports come after these (rerun) */
};

/* Writes `<reports>/<D>/r<k>/`, with flags of enum outputs_flag. Returns 0
 * or a sysexits code (logged). The checkpoint runs only when the folder
 * is written; otherwise the close of the last connection copies the log. */
int outputs_write(struct db *db, const struct options *o, int64_t batch_id, day_t as_of,
                  int revision, unsigned flags);

#endif
