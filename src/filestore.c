/* filestore.c: chunked, compressed file storage and fopencookie streams
 * over it. */
#include "filestore.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <zstd.h>

/* How a stored chunk is kept (batch_file_content.codec). */
enum { CODEC_RAW = 0, CODEC_ZSTD = 1 };
#define ZSTD_LEVEL 1 /* 550 MB/s, a CSV five times smaller; higher levels cost more than they save */

/* The thread that checksums and compresses one chunk while the writer
 * fills the next. `in`, `out` and `sha` belong to the thread while `busy`,
 * to the writer else. Chunks reach it one at a time, in the file's order,
 * so `sha` sees the bytes in order. */
struct filestore_compressor {
    pthread_t thread;
    bool threaded;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool busy, quit, has_result;
    unsigned char *in, *out;
    size_t in_len, out_len, out_cap;
    int codec;
    ZSTD_CCtx *cctx;
    struct sha256_ctx sha;
};

/* Adds z->in to the file's checksum, then compresses it into z->out, or
 * copies it when zstd would not shrink it. */
static void compress_chunk(struct filestore_compressor *z)
{
    sha256_update(&z->sha, z->in_len, z->in);
    size_t n = ZSTD_compressCCtx(z->cctx, z->out, z->out_cap, z->in, z->in_len, ZSTD_LEVEL);
    if (ZSTD_isError(n) || n >= z->in_len) {
        memcpy(z->out, z->in, z->in_len);
        z->out_len = z->in_len;
        z->codec = CODEC_RAW;
    } else {
        z->out_len = n;
        z->codec = CODEC_ZSTD;
    }
    z->has_result = true;
}

static void *compressor_main(void *arg)
{
    struct filestore_compressor *z = arg;
    pthread_mutex_lock(&z->lock);
    for (;;) {
        while (!z->busy && !z->quit)
            pthread_cond_wait(&z->changed, &z->lock);
        if (z->quit)
            break;
        pthread_mutex_unlock(&z->lock);
        compress_chunk(z);
        pthread_mutex_lock(&z->lock);
        z->busy = false;
        pthread_cond_broadcast(&z->changed);
    }
    pthread_mutex_unlock(&z->lock);
    return NULL;
}

/* Waits for the chunk being compressed and stores it. 0 or -1. */
static int store_result(struct filestore_writer *w)
{
    struct filestore_compressor *z = w->z;
    if (z->threaded) {
        pthread_mutex_lock(&z->lock);
        while (z->busy)
            pthread_cond_wait(&z->changed, &z->lock);
        pthread_mutex_unlock(&z->lock);
    }
    if (!z->has_result)
        return 0;
    z->has_result = false;
    sqlite3_stmt *s = db_stmt(w->db, "INSERT INTO batch_file_content(batch_id, file_no, seq,"
                                     " content, codec) VALUES (?, ?, ?, ?, ?)");
    if (!s)
        return -1;
    db_bind_int(s, 1, w->batch_id);
    db_bind_int(s, 2, w->file_no);
    db_bind_int(s, 3, w->seq++);
    sqlite3_bind_blob(s, 4, z->out, (int)z->out_len, SQLITE_STATIC);
    db_bind_int(s, 5, z->codec);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

/* Stores the chunk before, then hands the full one to the compressor and
 * takes its input buffer to fill next. 0 or -1. */
static int submit_chunk(struct filestore_writer *w)
{
    struct filestore_compressor *z = w->z;
    if (store_result(w))
        return -1;
    unsigned char *t = z->in;
    z->in = w->chunk;
    z->in_len = w->len;
    w->chunk = t;
    w->len = 0;
    if (!z->threaded) {
        compress_chunk(z);
        return 0;
    }
    pthread_mutex_lock(&z->lock);
    z->busy = true;
    pthread_cond_broadcast(&z->changed);
    pthread_mutex_unlock(&z->lock);
    return 0;
}

static void compressor_free(struct filestore_compressor *z)
{
    if (!z)
        return;
    if (z->threaded) {
        pthread_mutex_lock(&z->lock);
        z->quit = true;
        pthread_cond_broadcast(&z->changed);
        pthread_mutex_unlock(&z->lock);
        pthread_join(z->thread, NULL);
    }
    pthread_cond_destroy(&z->changed);
    pthread_mutex_destroy(&z->lock);
    ZSTD_freeCCtx(z->cctx);
    free(z->in);
    free(z->out);
    free(z);
}

int filestore_begin(struct filestore_writer *w, struct db *db, int64_t batch_id, int file_no)
{
    *w = (struct filestore_writer){.db = db, .batch_id = batch_id, .file_no = file_no};
    struct filestore_compressor *z = calloc(1, sizeof *z);
    w->chunk = malloc(FILESTORE_CHUNK);
    if (!z || !w->chunk) {
        free(z);
        free(w->chunk);
        w->chunk = NULL;
        return -1;
    }
    w->z = z;
    pthread_mutex_init(&z->lock, NULL);
    pthread_cond_init(&z->changed, NULL);
    z->out_cap = ZSTD_compressBound(FILESTORE_CHUNK);
    z->in = malloc(FILESTORE_CHUNK);
    z->out = malloc(z->out_cap);
    z->cctx = ZSTD_createCCtx();
    sha256_init(&z->sha);
    if (!z->in || !z->out || !z->cctx) {
        filestore_end(w, 0, NULL);
        return -1;
    }
    /* without a thread, the chunks are compressed here */
    z->threaded = pthread_create(&z->thread, NULL, compressor_main, z) == 0;
    return 0;
}

int filestore_write(struct filestore_writer *w, const void *bytes, size_t len)
{
    const unsigned char *p = bytes;
    while (len > 0) {
        size_t n = FILESTORE_CHUNK - w->len;
        if (n > len)
            n = len;
        memcpy(w->chunk + w->len, p, n);
        w->len += n;
        p += n;
        len -= n;
        if (w->len == FILESTORE_CHUNK && submit_chunk(w))
            return -1;
    }
    return 0;
}

int filestore_end(struct filestore_writer *w, int keep, char sha256_hex[DIGEST_HEX_SIZE])
{
    int rc = 0;
    if (w->z && keep) {
        rc = (w->len > 0 && submit_chunk(w)) || store_result(w) ? -1 : 0;
        if (rc == 0)
            digest_hex(&w->z->sha, sha256_hex); /* store_result waited for the last chunk */
    }
    compressor_free(w->z);
    w->z = NULL;
    free(w->chunk);
    w->chunk = NULL;
    return rc;
}

/* A read cursor: one chunk in memory at a time, each fetched by its key
 * (no statement stays open while the rerun writes). */
struct stream {
    struct db *db;
    int64_t batch_id;
    int file_no, next_seq;
    unsigned char *chunk;
    size_t len, pos;
};

static ssize_t stream_read(void *cookie, char *buf, size_t size)
{
    struct stream *st = cookie;
    if (st->pos == st->len) {
        sqlite3_stmt *q = db_stmt(st->db, "SELECT content, codec FROM batch_file_content"
                                          " WHERE batch_id = ? AND file_no = ? AND seq = ?");
        if (!q) {
            errno = EIO;
            return -1;
        }
        db_bind_int(q, 1, st->batch_id);
        db_bind_int(q, 2, st->file_no);
        db_bind_int(q, 3, st->next_seq);
        int rc = db_step(q);
        size_t n = rc == SQLITE_ROW ? (size_t)sqlite3_column_bytes(q, 0) : 0;
        const void *blob = n > 0 ? sqlite3_column_blob(q, 0) : NULL;
        if (blob && sqlite3_column_int(q, 1) == CODEC_ZSTD) {
            n = ZSTD_decompress(st->chunk, FILESTORE_CHUNK, blob, n);
            if (ZSTD_isError(n))
                rc = SQLITE_CORRUPT;
        } else if (blob) {
            n = n > FILESTORE_CHUNK ? FILESTORE_CHUNK : n;
            memcpy(st->chunk, blob, n);
        }
        sqlite3_reset(q);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            errno = EIO; /* the caller reports a read error */
            return -1;
        }
        st->len = n;
        st->pos = 0;
        st->next_seq++;
        if (n == 0)
            return 0;
    }
    size_t n = st->len - st->pos;
    if (n > size)
        n = size;
    memcpy(buf, st->chunk + st->pos, n);
    st->pos += n;
    return (ssize_t)n;
}

static int stream_close(void *cookie)
{
    struct stream *st = cookie;
    free(st->chunk);
    free(st);
    return 0;
}

int filestore_open(struct db *db, int64_t batch_id, int file_no, FILE **out)
{
    *out = NULL;
    sqlite3_stmt *q = db_stmt(db, "SELECT present FROM batch_file WHERE batch_id = ?"
                                  " AND file_no = ?");
    if (!q)
        return -1;
    db_bind_int(q, 1, batch_id);
    db_bind_int(q, 2, file_no);
    int rc = db_step(q);
    int present = rc == SQLITE_ROW && sqlite3_column_int(q, 0);
    sqlite3_reset(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    if (!present)
        return 0;
    struct stream *st = calloc(1, sizeof *st);
    if (!st || !(st->chunk = malloc(FILESTORE_CHUNK))) {
        free(st);
        return -1;
    }
    st->db = db;
    st->batch_id = batch_id;
    st->file_no = file_no;
    cookie_io_functions_t io = {.read = stream_read, .close = stream_close};
    *out = fopencookie(st, "rb", io);
    if (!*out) {
        stream_close(st);
        return -1;
    }
    return 1;
}
