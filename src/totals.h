/* totals.h: two summary tables kept so that a night's reports cost the
 * same however long the history: ledger_day (escrow-ledger movements per
 * as-of date, currency, kind and account) and open_book (open orders per
 * currency and date placed). A batch accumulates its changes in memory
 * and writes them once at its end; a rerun rebuilds the first from its
 * first date on. */
#ifndef ARBITER_TOTALS_H
#define ARBITER_TOTALS_H

#include <stdint.h>

#include "date.h"
#include "db.h"
#include "money.h"

struct totals;

/* A new, empty accumulator (NULL when out of memory); totals_free frees it. */
struct totals *totals_new(void);
void totals_free(struct totals *t);

/* Adds one ledger leg of a posting of `kind` (capture, release, refund).
 * 0, or -1 for a currency that is not three letters A-Z or past the
 * 256th of the batch, or an unknown kind or account. */
int totals_add_leg(struct totals *t, const char *currency, const char *kind, const char *account,
                   money_t amount);

/* Adds orders (+1 captured, -1 closed) of `amount` placed on `placed`.
 * 0, or -1 when out of memory or the currency is not three characters. */
int totals_add_book(struct totals *t, const char *currency, day_t placed, money_t amount,
                    int orders);

/* Writes the accumulated changes, the ledger ones dated as_of. 0 or -1. */
int totals_flush(struct totals *t, struct db *db, day_t as_of);

/* Recomputes ledger_day after a rerun whose first batch is first_batch
 * (whose reversals and dropped duplicates the accumulators do not see)
 * from that batch's date on, the only dates a rerun changes, from the
 * postings of those dates alone. open_book needs no rebuild: the rollback
 * (rerun.c) and the replayed batches keep it. 0 or -1. */
int totals_rebuild_ledger_day(struct db *db, int64_t first_batch);

/* Recomputes open_book from the open orders: after a rerun whose rollback
 * could not find every order it removed by key (rerun.c). 0 or -1. */
int totals_rebuild_open_book(struct db *db);

/* Keeps a copy of open_book as it is now, as batch_id left it, in
 * temp.open_book_at (this connection's only). A rerun keeps one for each
 * batch it replays but the last, whose workbooks are written after the
 * rerun commits, when open_book holds the last batch's state
 * (workbook-internal.h). 0 or -1. */
int totals_keep_open_book(struct db *db, int64_t batch_id);

/* Creates temp.open_book_at, empty, unless this connection has it. 0 or -1. */
int totals_open_book_kept(struct db *db);

#endif
