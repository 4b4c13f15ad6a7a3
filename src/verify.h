/* verify.h: the ledger invariants of SPEC §3, checked on the database. */
#ifndef ARBITER_VERIFY_H
#define ARBITER_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* Checks every invariant over the whole database (`arbiter verify`, after
 * filecheck_run). Each problem is printed as one line to out (when not
 * NULL). Returns the number of problems, or -1 on a database error. */
long verify_all(struct db *db, FILE *out);

/* Checks what batch_id changed, through the batch's own rows and indexes
 * only, so a night costs the same however long the history: its postings
 * balance, each order it settled is refunded + released in full and
 * closed, and its postings equal its captures, refunds and releases per
 * kind and currency. Together with the same checks of every earlier batch
 * this implies the whole-database invariants. With scan_orders (for a
 * batch that holds most of the orders table) the captures in effect are
 * the orders the batch accepted, read in one pass; without it, the orders
 * of the batch's capture postings, each looked up. Either way the batch
 * must have posted one capture per order it counted accepted from
 * orders.csv. Returns like verify_all. */
long verify_batch(struct db *db, int64_t batch_id, bool scan_orders, FILE *out);

/* Checks what a rerun whose first batch is first_batch changed, through
 * the rows dated from that batch's date on and their orders only (a
 * rerun leaves earlier dates as they were), so that a rerun costs what
 * it replays, not the history: the same invariants as verify_all, but
 * open_book's counts of orders (its amounts are checked against the
 * escrow). Returns like verify_all. */
long verify_rerun(struct db *db, int64_t first_batch, FILE *out);

#endif
