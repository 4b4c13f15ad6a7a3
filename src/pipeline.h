/* pipeline.h: builds one batch inside the caller's transaction: the batch
 * row, ingestion of its input files, the reject threshold, the rules,
 * settlement and the invariant check. `run` builds one batch; `rerun`
 * builds a chain of them from stored inputs. */
#ifndef ARBITER_PIPELINE_H
#define ARBITER_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "batch.h"
#include "cli.h"
#include "digest.h"

struct batch_inputs {
    FILE *files[FILE_COUNT]; /* NULL: missing */
    /* each file's checksum once inputs_same_as_stored has read it ("": not yet) */
    char sha256[FILE_COUNT][DIGEST_HEX_SIZE];
    /* the data rows of an orders.csv read back from the database (a
     * rerun), which has no size to estimate them from; 0 otherwise */
    long stored_orders;
};

/* Opens the files of an input folder. With `required`, orders, tracking
 * and claims must exist (exit 66) unless allow_missing; overrides.csv is
 * always optional, and `overrides_path` (when not NULL) names the file to
 * read as FILE_OVERRIDES instead. A folder that does not exist is 66,
 * allow_missing or not; without `required` (a rerun's replacements), so
 * is one that holds none of the four files. Returns 0 or a sysexits code (logged). */
int inputs_open_dir(const char *dir, const char *overrides_path, bool required,
                    bool allow_missing, struct batch_inputs *in);

/* Opens one file as input slot `which`; 0 or 66 (logged). */
int inputs_open_file(const char *path, enum input_file which, struct batch_inputs *in);

void inputs_close(struct batch_inputs *in);

/* 1 when the inputs are byte-identical to those stored for batch_id, 0
 * when they differ, -1 on a database error, -2 when one cannot be read
 * (logged, naming the file). Reads each file once, however many batches
 * it is compared with, and rewinds it. */
int inputs_same_as_stored(struct db *db, int64_t batch_id, struct batch_inputs *in);

/* Builds batch b (as_of and revision set) from the inputs inside an open
 * transaction. Returns 0, or a sysexits code with the message in b->err;
 * on failure the caller rolls back. A failed reject threshold writes the
 * rejects to <reports>/<D>/failed/ first. */
int pipeline_build(struct batch *b, struct batch_inputs *in, const struct options *o);

#endif
