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

/* In the reports folder of each of batch as_of's revisions up to
 * old_revision that is on disk, a REPLACED.txt that says which revision
 * replaced it and that new_revision is in effect now (older ones named
 * one that a later rerun replaced in turn): its workbook still says it
 * was in effect when it was written. A failure is a warning: the rerun
 * is committed, the new reports stand. */
void outputs_mark_replaced(const struct options *o, day_t as_of, int old_revision,
                           int new_revision);

/* `<reports>/<D>/failed` into buf: where a night that failed its reject
 * threshold leaves its rejects.csv. */
void outputs_failed_dir(const struct options *o, day_t as_of, char *buf, size_t size);

/* The note a committed batch leaves in its date's failed folder. */
#define OUTPUTS_SUPERSEDED_NOTE "SUPERSEDED.txt"

/* When `<reports>/<D>/failed/rejects.csv` is on disk (an earlier run of
 * batch as_of failed its reject threshold), a SUPERSEDED.txt beside it
 * saying that revision `revision` of the batch has been committed since:
 * that rejects.csv is not the night's. A failure is a warning. */
void outputs_mark_failed_superseded(const struct options *o, day_t as_of, int revision);

#endif
