/* ingest.h: reads a batch's input files into the state database (SPEC §2):
 * every row is accepted, counted as a duplicate, or rejected with its
 * reason; files, rows and rejects are kept in the database. */
#ifndef ARBITER_INGEST_H
#define ARBITER_INGEST_H

#include <stdio.h>

#include "batch.h"

/* Ingests one input file, already opened as `in` (NULL for a missing
 * file), into the batch; its bytes are kept in the database. Returns 0, or
 * a sysexits code with the message in b->err. */
int ingest_file(struct batch *b, enum input_file which, FILE *in);

/* True when a file's rejects pass the threshold that fails the batch. */
bool ingest_too_many_rejects(const struct batch *b, enum input_file which);

#endif
