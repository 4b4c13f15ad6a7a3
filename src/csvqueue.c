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

enum item_kind { ITEM_ROW, ITEM_BYTES };

/* One item of a block, followed by n_fields lengths (size_t), then
 * text_len bytes (the fields, each NUL-terminated; or the chunk), then
 * raw_len bytes of raw text and a NUL. */
struct item_head {
    int kind;
    bool too_long, bad_encoding, overlong;
    long row_no;
    size_t n_fields, text_len, raw_len;
};

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

static int put_row(void *ctx, const struct csv_row *row)
{
    struct queue *q = ctx;
    if (q->stopped)
        return 1;
    struct buffer *b = &q->blocks[q->filling];
    struct item_head h = {.kind = ITEM_ROW, .too_long = row->too_long,
                          .bad_encoding = row->bad_encoding, .overlong = row->overlong,
                          .row_no = row->row_no, .n_fields = row->n_fields,
                          .raw_len = strlen(row->raw)};
    for (size_t i = 0; i < row->n_fields; i++)
        h.text_len += row->lengths[i] + 1;
    /* the fields lie one after another, each NUL-terminated (csvfile.h) */
    size_t mark = b->len;
    bool ok = buffer_append(b, &h, sizeof h) == 0 &&
              buffer_append(b, row->lengths, row->n_fields * sizeof *row->lengths) == 0 &&
              (row->n_fields == 0 || buffer_append(b, row->fields[0], h.text_len) == 0) &&
              buffer_append(b, row->raw, h.raw_len + 1) == 0;
    if (!ok) {
        b->len = mark; /* the block holds whole items only */
        q->oom = true;
        return 1;
    }
    return hand_over(q, false);
}

static int put_bytes(void *ctx, const void *bytes, size_t len)
{
    struct queue *q = ctx;
    if (q->stopped)
        return 1;
    struct buffer *b = &q->blocks[q->filling];
    struct item_head h = {.kind = ITEM_BYTES, .text_len = len};
    size_t mark = b->len;
    if (buffer_append(b, &h, sizeof h) || buffer_append(b, bytes, len)) {
        b->len = mark;
        q->oom = true;
        return 1;
    }
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

/* The caller's row buffers: field pointers and aligned lengths. */
struct replay {
    char **fields;
    size_t *lengths;
    size_t cap_fields, cap_lengths;
    bool oom;
};

/* Replays one block's items; the first non-zero callback result, or -1
 * with r->oom set when out of memory. */
static int replay_block(struct replay *r, struct buffer *b, csv_row_fn on_row,
                        csv_bytes_fn on_bytes, void *ctx)
{
    size_t pos = 0;
    while (pos < b->len) {
        struct item_head h;
        memcpy(&h, b->data + pos, sizeof h);
        pos += sizeof h;
        if (h.kind == ITEM_BYTES) {
            int rc = on_bytes(ctx, b->data + pos, h.text_len);
            pos += h.text_len;
            if (rc)
                return rc;
            continue;
        }
        char **f = buffer_grow(r->fields, &r->cap_fields, h.n_fields + 1, sizeof *f);
        if (f)
            r->fields = f;
        size_t *l = buffer_grow(r->lengths, &r->cap_lengths, h.n_fields + 1, sizeof *l);
        if (l)
            r->lengths = l;
        if (!f || !l) {
            r->oom = true;
            return -1;
        }
        memcpy(r->lengths, b->data + pos, h.n_fields * sizeof *r->lengths);
        pos += h.n_fields * sizeof *r->lengths;
        char *text = (char *)b->data + pos;
        for (size_t i = 0; i < h.n_fields; i++) {
            r->fields[i] = text;
            text += r->lengths[i] + 1;
        }
        r->fields[h.n_fields] = NULL;
        pos += h.text_len;
        struct csv_row row = {.row_no = h.row_no, .n_fields = h.n_fields, .fields = r->fields,
                              .lengths = r->lengths, .too_long = h.too_long,
                              .bad_encoding = h.bad_encoding, .overlong = h.overlong,
                              .raw = (const char *)b->data + pos};
        pos += h.raw_len + 1;
        int rc = on_row(ctx, &row);
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
        struct replay r = {0};
        pthread_mutex_lock(&q->lock);
        for (;;) {
            while (q->ready == 0 && !q->done)
                pthread_cond_wait(&q->changed, &q->lock);
            if (q->ready == 0)
                break;
            pthread_mutex_unlock(&q->lock);
            rc = replay_block(&r, &q->blocks[q->replaying], on_row, on_bytes, ctx);
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
        free(r.fields);
        free(r.lengths);
        if (r.oom)
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
