/* blobfile.c: fopencookie streams over SQLite blobs. */
#include "blobfile.h"

#include <stdlib.h>
#include <sys/types.h>

struct blob_stream {
    sqlite3_blob *blob;
    int size, offset;
};

static ssize_t blob_stream_read(void *cookie, char *buf, size_t len)
{
    struct blob_stream *bs = cookie;
    int n = bs->size - bs->offset;
    if ((size_t)n > len)
        n = (int)len;
    if (n <= 0)
        return 0;
    if (sqlite3_blob_read(bs->blob, buf, n, bs->offset) != SQLITE_OK)
        return -1;
    bs->offset += n;
    return n;
}

static int blob_stream_close(void *cookie)
{
    struct blob_stream *bs = cookie;
    int rc = bs->blob && sqlite3_blob_close(bs->blob) != SQLITE_OK ? -1 : 0;
    free(bs);
    return rc;
}

int blobfile_open(struct db *db, int64_t batch_id, int file_no, FILE **out, int64_t *size)
{
    *out = NULL;
    sqlite3_stmt *q = db_stmt(db, "SELECT c.rowid, length(c.content) FROM batch_file f"
                                  " JOIN batch_file_content c USING (batch_id, file_no)"
                                  " WHERE f.batch_id = ? AND f.file_no = ? AND f.present = 1");
    if (!q)
        return -1;
    db_bind_int(q, 1, batch_id);
    db_bind_int(q, 2, file_no);
    int rc = sqlite3_step(q);
    int64_t rowid = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    *size = rc == SQLITE_ROW ? sqlite3_column_int64(q, 1) : 0;
    sqlite3_reset(q);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 0 : -1;
    struct blob_stream *bs = calloc(1, sizeof *bs);
    if (!bs)
        return -1;
    bs->size = (int)*size;
    if (*size > 0 && sqlite3_blob_open(db_handle(db), "main", "batch_file_content", "content",
                                       rowid, 0, &bs->blob) != SQLITE_OK) {
        free(bs);
        return -1;
    }
    cookie_io_functions_t io = {.read = blob_stream_read, .close = blob_stream_close};
    *out = fopencookie(bs, "rb", io);
    if (!*out) {
        blob_stream_close(bs);
        return -1;
    }
    return 1;
}
