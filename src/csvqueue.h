/* csvqueue.h: a CSV file read on a second thread. The reader thread reads,
 * parses and checks the rows (csvfile.c) and hands them over in blocks;
 * the calling thread receives the same callbacks, in the same order, as
 * from csvfile_read_here, so that what it does with a row (the database)
 * overlaps with the parsing of the next ones. Memory is bounded: at most
 * CSVQUEUE_BLOCKS blocks of about CSVQUEUE_BLOCK_BYTES (or one row) each. */
#ifndef ARBITER_CSVQUEUE_H
#define ARBITER_CSVQUEUE_H

#include <stdio.h>

#include "csvfile.h"

#define CSVQUEUE_BLOCKS 4
/* Four blocks hold as much as ingestion's sorting store (rowsort.h): the
 * reader parses the next store's rows while the caller works through the
 * last one (with 1 MiB in all, it waited; 1M orders: +1.5 s). */
#define CSVQUEUE_BLOCK_BYTES (8 * 1024 * 1024)

/* Reads `in` with csvfile_read_here on a second thread, calling on_row
 * and on_bytes (may be NULL) on this one. The stream must not be used by
 * this thread meanwhile (a stream over the database is not: csvfile_read
 * reads those here). Returns as csvfile_read does. */
int csvqueue_read(FILE *in, csv_row_fn on_row, csv_bytes_fn on_bytes, void *ctx);

#endif
