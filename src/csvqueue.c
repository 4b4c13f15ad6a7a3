/* csvqueue.c: a CSV file read on a second thread (csvqueue.h). The reader
 * thread runs csvfile_read_here with callbacks that copy each row (and
 * each chunk of bytes) into the block it is filling; a full block is
 * handed over, and the calling thread replays its items through the
 * caller's callbacks. The blocks form a ring: the reader fills them in
 * order and waits when all are handed over and not yet replayed. */
#include "csvqueue.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "csvpack.h"

enum item_kind { ITEM_ROW, ITEM_BYTES };

/* One item of a block: its kind (int), then a packed row (csvpack.h), or
 * the chunk's length (size_t) and its bytes. */

struct queue {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct buffer blocks[CSVQUEUE_BLOCKS];
    size_t filling;  /* the block the reader writes (reader's own) */
    size_t replaying; /* the next block to replay (caller's own) */
    size_t ready;    /* handed over, not yet replayed */
    bool done, stop, oom;
    bool stopped; /* the reader's copy of stop (reader's own) */
    FILE *in;
    bool with_bytes;
    int rc, err; /* the reader's result and errno */
};

/* Hands the filled block over when it is full (or `last`), waiting for a
 * free one. Returns non-zero when the caller asked the reader to stop:
 * the reader then writes no block again (the one it would fill next may
 * still be the caller's). */
static int hand_over(struct queue *q, bool last)
{
    struct buffer *b = &q->blocks[q->filling];
    if (q->stopped || (!last && b->len < CSVQUEUE_BLOCK_BYTES))
        return q->stopped;
    pthread_mutex_lock(&q->lock);
    if (!q->stop && b->len > 0) {
        q->ready++;
        q->filling = (q->filling + 1) % CSVQUEUE_BLOCKS;
        pthread_cond_broadcast(&q->changed);
    }
    while (!last && !q->stop && q->ready == CSVQUEUE_BLOCKS)
        pthread_cond_wait(&q->changed, &q->lock);
    q->stopped = q->stop;
    pthread_mutex_unlock(&q->lock);
    if (!last && !q->stopped)
        q->blocks[q->filling].len = 0;
    return q->stopped;
}

/* Appends one item's kind and `n` bytes to the block being filled;
 * returns where those bytes go, or NULL (out of memory: the block then
 * holds whole items only, and the reader stops). */
static unsigned char *put_item(struct queue *q, int kind, size_t n)
{
    struct buffer *b = &q->blocks[q->filling];
    size_t mark = b->len;
    unsigned char *at = buffer_append(b, &kind, sizeof kind) == 0 ? buffer_reserve(b, n) : NULL;
    if (!at) {
        b->len = mark;
        q->oom = true;
    }
    return at;
}

static int put_row(void *ctx, const struct csv_row *row)
{
    struct queue *q = ctx;
    if (q->stopped)
        return 1;
    unsigned char *at = put_item(q, ITEM_ROW, csvpack_size(row));
    if (!at)
        return 1;
    csvpack_write(at, row);
    return hand_over(q, false);
}

static int put_bytes(void *ctx, const void *bytes, size_t len)
{
    struct queue *q = ctx;
    if (q->stopped)
        return 1;
    unsigned char *at = put_item(q, ITEM_BYTES, sizeof len + len);
    if (!at)
        return 1;
    memcpy(at, &len, sizeof len);
    if (len)
        memcpy(at + sizeof len, bytes, len);
    return hand_over(q, false);
}

static void *reader_main(void *arg)
{
    struct queue *q = arg;
    int rc = csvfile_read_here(q->in, put_row, q->with_bytes ? put_bytes : NULL, q);
    int err = errno;
    hand_over(q, true);
    pthread_mutex_lock(&q->lock);
    q->rc = q->oom ? -1 : rc;
    q->err = q->oom ? ENOMEM : err;
    q->done = true;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

/* Replays one block's items; the first non-zero callback result, or -1
 * with *oom set when out of memory. */
static int replay_block(struct csvpack_reader *r, bool *oom, struct buffer *b,
                        csv_row_fn on_row, csv_bytes_fn on_bytes, void *ctx)
{
    unsigned char *data = (unsigned char *)b->data;
    size_t pos = 0;
    while (pos < b->len) {
        int kind, rc;
        memcpy(&kind, data + pos, sizeof kind);
        pos += sizeof kind;
        if (kind == ITEM_BYTES) {
            size_t len;
            memcpy(&len, data + pos, sizeof len);
            rc = on_bytes(ctx, data + pos + sizeof len, len);
            pos += sizeof len + len;
        } else {
            struct csv_row row;
            size_t n = csvpack_read(r, data + pos, &row);
            if (n == 0) {
                *oom = true;
                return -1;
            }
            pos += n;
            rc = on_row(ctx, &row);
        }
        if (rc)
            return rc;
    }
    return 0;
}

int csvqueue_read(FILE *in, csv_row_fn on_row, csv_bytes_fn on_bytes, void *ctx)
{
    struct queue *q = calloc(1, sizeof *q);
    pthread_t reader;
    if (!q)
        return csvfile_read_here(in, on_row, on_bytes, ctx);
    q->in = in;
    q->with_bytes = on_bytes != NULL;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->changed, NULL);
    int rc = 0;
    if (pthread_create(&reader, NULL, reader_main, q) != 0) {
        rc = csvfile_read_here(in, on_row, on_bytes, ctx);
    } else {
        struct csvpack_reader r = {0};
        bool oom = false;
        pthread_mutex_lock(&q->lock);
        for (;;) {
            while (q->ready == 0 && !q->done)
                pthread_cond_wait(&q->changed, &q->lock);
            if (q->ready == 0)
                break;
            pthread_mutex_unlock(&q->lock);
            rc = replay_block(&r, &oom, &q->blocks[q->replaying], on_row, on_bytes, ctx);
            pthread_mutex_lock(&q->lock);
            q->replaying = (q->replaying + 1) % CSVQUEUE_BLOCKS;
            q->ready--;
            if (rc)
                q->stop = true;
            pthread_cond_broadcast(&q->changed);
            if (rc)
                break;
        }
        pthread_mutex_unlock(&q->lock);
        pthread_join(reader, NULL);
        csvpack_reader_free(&r);
        if (oom)
            errno = ENOMEM;
        else if (rc == 0 && q->rc != 0) {
            rc = q->rc;
            errno = q->err;
        }
    }
    for (int i = 0; i < CSVQUEUE_BLOCKS; i++)
        free(q->blocks[i].data);
    pthread_cond_destroy(&q->changed);
    pthread_mutex_destroy(&q->lock);
    free(q);
    return rc;
}
