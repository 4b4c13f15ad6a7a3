/* decide.h: applies the rules engine to a batch: every undecided claim in
 * (opened_at, claim_id) order, then every open order in order_id order;
 * settles escrow, queues refunds and posts to the ledger (SPEC §3, §4). */
#ifndef ARBITER_DECIDE_H
#define ARBITER_DECIDE_H

#include "batch.h"

/* Returns 0, or a sysexits code with the message in b->err. */
int decide_batch(struct batch *b);

#endif
