/* blobfile.h: a stored input file (batch_file.content) read back as a
 * stdio stream, in chunks through SQLite's incremental blob I/O, so a
 * rerun streams a stored file exactly as run streamed the original. */
#ifndef ARBITER_BLOBFILE_H
#define ARBITER_BLOBFILE_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* Opens file `file_no` of batch `batch_id`. Returns 1 with *out (closed by
 * the caller with fclose) and *size set, 0 when the batch has no such file
 * or it was missing, -1 on a database error. */
int blobfile_open(struct db *db, int64_t batch_id, int file_no, FILE **out, int64_t *size);

#endif
