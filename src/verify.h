/* verify.h: the ledger invariants of SPEC §3, checked on the database. */
#ifndef ARBITER_VERIFY_H
#define ARBITER_VERIFY_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* Checks the invariants; with batch_id > 0 the per-order and per-posting
 * checks cover only what that batch touched (the per-currency escrow check
 * always covers everything). Each problem is printed as one line to out
 * (when not NULL). Returns the number of problems, or -1 on a database
 * error. */
long verify_invariants(struct db *db, int64_t batch_id, FILE *out);

#endif
