/* filestore.h: a batch's input files kept in the database, byte for byte,
 * as a sequence of chunks (no single SQLite value may exceed 1 GB, and a
 * night's tracking.csv can), each compressed with zstd on a thread of the
 * writer's own while the next one fills (a CSV night shrinks about five
 * times: less to write through the log, a smaller database). The same
 * thread takes the file's SHA-256 on the way. Written while the file is
 * ingested; read back as a stdio stream by a rerun. */
#ifndef ARBITER_FILESTORE_H
#define ARBITER_FILESTORE_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "digest.h"

#define FILESTORE_CHUNK (4 * 1024 * 1024)

struct filestore_compressor;

struct filestore_writer {
    struct db *db;
    int64_t batch_id;
    int file_no;
    int seq;
    size_t len;
    unsigned char *chunk; /* FILESTORE_CHUNK bytes being filled, owned */
    struct filestore_compressor *z; /* the chunk before, being compressed */
};

/* Starts storing file file_no of batch_id. 0 or -1 (out of memory or no
 * zstd context). */
int filestore_begin(struct filestore_writer *w, struct db *db, int64_t batch_id, int file_no);

/* Appends bytes; full chunks go to the database. 0 or -1 (database). */
int filestore_write(struct filestore_writer *w, const void *bytes, size_t len);

/* Stores the last chunk (with `keep`), writes the SHA-256 of every byte
 * written into sha256_hex (with `keep` and 0 returned) and frees the
 * writer. 0 or -1. Without `keep`, chunks already stored stay: the caller
 * rolls back the batch's transaction, as every failed ingestion does. */
int filestore_end(struct filestore_writer *w, int keep, char sha256_hex[DIGEST_HEX_SIZE]);

/* Opens file file_no of batch_id for reading. Returns 1 with *out (closed
 * by the caller with fclose), 0 when the batch has no such file or it was
 * missing, -1 on a database or memory error. */
int filestore_open(struct db *db, int64_t batch_id, int file_no, FILE **out);

#endif
