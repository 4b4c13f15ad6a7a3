/* reconcile.h: the ledger side of a rerun. Before the rollback, the
 * postings in effect for the batches being recomputed are snapshotted;
 * after the replay, each new posting is matched against them by kind,
 * reference (order or refund ID) and legs: a match keeps the old posting
 * (the new duplicate is dropped before commit), an unmatched new posting
 * is an `add`, an unmatched old one gets a reversal and is a `cancel`.
 * Both are recorded as adjustments of the rerun's first batch. */
#ifndef ARBITER_RECONCILE_H
#define ARBITER_RECONCILE_H

#include <stdint.h>

#include "date.h"
#include "db.h"

/* Records the postings in effect whose capture, refund or release belongs
 * to a batch dated >= from (where a kept posting lives on, not where it was
 * first posted). 0 or -1 on a database error. */
int reconcile_snapshot(struct db *db, day_t from);

/* Matches the replayed batches' postings against the snapshot; reversals
 * and adjustments go to batch rerun_batch_id. 0 or -1. */
int reconcile_ledger(struct db *db, int64_t rerun_batch_id);

#endif
