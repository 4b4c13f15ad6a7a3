/* rerun.h: recomputes batch D and every later batch from their stored
 * inputs, with replacement and added files for D (SPEC §5). The state
 * built by those batches is rolled back, the batches are built again as
 * new revisions, and the ledger is reconciled against what was in effect:
 * reversals for what is cancelled, postings for what is added, nothing
 * for what is unchanged, so no refund ID is ever in effect twice. */
#ifndef ARBITER_RERUN_H
#define ARBITER_RERUN_H

#include "cli.h"
#include "pipeline.h"
#include "session.h"

/* Runs the rerun inside one transaction; `replace` holds the files that
 * replace or are added to batch D (the others come from the database).
 * Returns 0 or a sysexits code (logged). On success, reports of every
 * new revision are written. */
int rerun_batches(struct session *s, const struct options *o, struct batch_inputs *replace);

#endif
