/* filestore.c: chunked file storage and fopencookie streams over it. */
#include "filestore.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static int store_chunk(struct filestore_writer *w)
{
    sqlite3_stmt *s = db_stmt(w->db, "INSERT INTO batch_file_content(batch_id, file_no, seq,"
                                     " content) VALUES (?, ?, ?, ?)");
    if (!s)
        return -1;
    db_bind_int(s, 1, w->batch_id);
    db_bind_int(s, 2, w->file_no);
    db_bind_int(s, 3, w->seq++);
    sqlite3_bind_blob(s, 4, w->chunk, (int)w->len, SQLITE_STATIC);
    int rc = db_exec_stmt(s);
    w->len = 0;
    return rc == SQLITE_DONE ? 0 : -1;
}

int filestore_begin(struct filestore_writer *w, struct db *db, int64_t batch_id, int file_no)
{
    *w = (struct filestore_writer){.db = db, .batch_id = batch_id, .file_no = file_no};
    w->chunk = malloc(FILESTORE_CHUNK);
    return w->chunk ? 0 : -1;
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
        if (w->len == FILESTORE_CHUNK && store_chunk(w))
            return -1;
    }
    return 0;
}

int filestore_end(struct filestore_writer *w, int keep)
{
    int rc = keep && w->len > 0 ? store_chunk(w) : 0;
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
        sqlite3_stmt *q = db_stmt(st->db, "SELECT content FROM batch_file_content"
                                          " WHERE batch_id = ? AND file_no = ? AND seq = ?");
        if (!q)
            return -1;
        db_bind_int(q, 1, st->batch_id);
        db_bind_int(q, 2, st->file_no);
        db_bind_int(q, 3, st->next_seq);
        int rc = sqlite3_step(q);
        size_t n = rc == SQLITE_ROW ? (size_t)sqlite3_column_bytes(q, 0) : 0;
        if (n > FILESTORE_CHUNK)
            n = FILESTORE_CHUNK;
        if (n > 0)
            memcpy(st->chunk, sqlite3_column_blob(q, 0), n);
        sqlite3_reset(q);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return -1;
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
    int rc = sqlite3_step(q);
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
