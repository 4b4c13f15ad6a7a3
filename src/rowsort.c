/* rowsort.c: a bounded store of CSV rows, handed back ordered by one
 * column (rowsort.h). Each row is one record in an arena: a head, the
 * field lengths, the fields (NUL-terminated, one after another), the raw
 * text. Records are 8-byte aligned offsets, so the arena may move as it
 * grows. */
#include "rowsort.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct record_head {
    long row_no;
    size_t n_fields;
    size_t text_len; /* the fields' bytes, NULs included */
    size_t raw_len;
    bool too_long, bad_encoding, overlong;
};

struct rowsort_entry {
    uint64_t key;    /* eight bytes of the column after the common prefix */
    uint32_t seq;    /* arrival order */
    uint32_t offset; /* of the record (a store is under 4 GB) */
};

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

void rowsort_init(struct rowsort *rs, size_t limit)
{
    /* offsets are 32-bit, and a row may pass the limit by CSVFILE_ROW_MAX */
    size_t most = UINT32_MAX - 4 * (size_t)CSVFILE_ROW_MAX;
    *rs = (struct rowsort){.limit = limit < most ? limit : most};
}

void rowsort_free(struct rowsort *rs)
{
    free(rs->arena);
    free(rs->entries);
    free(rs->fields);
    rowsort_init(rs, rs->limit);
}

/* Grows *buf (of *cap elements of `size` bytes) to hold `need`; 0 or -1. */
static int grow(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *p = realloc(*buf, n * size);
    if (!p)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

int rowsort_add(struct rowsort *rs, const struct csv_row *row)
{
    size_t text_len = 0;
    for (size_t i = 0; i < row->n_fields; i++)
        text_len += row->lengths[i] + 1;
    const char *raw = row->raw ? row->raw : "";
    size_t raw_len = strlen(raw);
    size_t size = ALIGN8(sizeof(struct record_head) + row->n_fields * sizeof(size_t) +
                         text_len + raw_len + 1);
    if (rs->count > 0 && rs->used + size > rs->limit)
        return 1;
    if (grow((void **)&rs->arena, &rs->cap, rs->used + size, 1) ||
        grow((void **)&rs->entries, &rs->entries_cap, rs->count + 1, sizeof *rs->entries))
        return -1;
    unsigned char *at = rs->arena + rs->used;
    struct record_head head = {.row_no = row->row_no,
                               .n_fields = row->n_fields,
                               .text_len = text_len,
                               .raw_len = raw_len,
                               .too_long = row->too_long,
                               .bad_encoding = row->bad_encoding,
                               .overlong = row->overlong};
    memcpy(at, &head, sizeof head);
    size_t *lengths = (size_t *)(void *)(at + sizeof head);
    char *text = (char *)(lengths + row->n_fields);
    for (size_t i = 0; i < row->n_fields; i++) {
        lengths[i] = row->lengths[i];
        memcpy(text, row->fields[i], row->lengths[i] + 1);
        text += row->lengths[i] + 1;
    }
    memcpy(text, raw, raw_len + 1);
    rs->entries[rs->count] =
        (struct rowsort_entry){.seq = (uint32_t)rs->count, .offset = (uint32_t)rs->used};
    rs->count++;
    rs->used += size;
    return 0;
}

/* The text of field `column` of the record at offset (empty when the
 * row has no such field); sets *len. */
static const unsigned char *key_of(const struct rowsort *rs, size_t offset, size_t column,
                                   size_t *len)
{
    const struct record_head *h = (const void *)(rs->arena + offset);
    const size_t *lengths = (const size_t *)(const void *)(h + 1);
    const unsigned char *text = (const unsigned char *)(lengths + h->n_fields);
    *len = 0;
    if (column >= h->n_fields)
        return text;
    for (size_t i = 0; i < column; i++)
        text += lengths[i] + 1;
    *len = lengths[column];
    return text;
}

/* Sets each entry's key: the eight bytes of field `column` after the
 * prefix all the rows' fields share, big-endian, zero past a field's end
 * (a shorter key sorts first, as in byte order). */
static void make_keys(struct rowsort *rs, size_t column)
{
    size_t common;
    const unsigned char *first = key_of(rs, rs->entries[0].offset, column, &common);
    for (size_t e = 1; e < rs->count && common > 0; e++) {
        size_t n;
        const unsigned char *k = key_of(rs, rs->entries[e].offset, column, &n);
        if (n > common)
            n = common;
        size_t j = 0;
        while (j < n && k[j] == first[j])
            j++;
        common = j;
    }
    for (size_t e = 0; e < rs->count; e++) {
        size_t n;
        const unsigned char *k = key_of(rs, rs->entries[e].offset, column, &n);
        uint64_t key = 0;
        for (size_t j = common; j < common + 8; j++)
            key = key << 8 | (j < n ? k[j] : 0);
        rs->entries[e].key = key;
    }
}

static int compare_entries(const void *a, const void *b)
{
    const struct rowsort_entry *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int rowsort_drain(struct rowsort *rs, size_t column, csv_row_fn on_row, void *ctx)
{
    int rc = 0;
    if (rs->count > 0) {
        make_keys(rs, column);
        qsort(rs->entries, rs->count, sizeof *rs->entries, compare_entries);
    }
    for (size_t e = 0; e < rs->count && rc == 0; e++) {
        /* the records are visited out of arena order: ask for the next
         * ones early (a hint; no effect on what is read) */
        if (e + 8 < rs->count)
            __builtin_prefetch(rs->arena + rs->entries[e + 8].offset);
        const struct record_head *h = (const void *)(rs->arena + rs->entries[e].offset);
        size_t *lengths = (size_t *)(void *)(rs->arena + rs->entries[e].offset + sizeof *h);
        if (grow((void **)&rs->fields, &rs->fields_cap, h->n_fields + 1, sizeof *rs->fields)) {
            rc = -1;
            break;
        }
        char *text = (char *)(lengths + h->n_fields);
        for (size_t i = 0; i < h->n_fields; i++) {
            rs->fields[i] = text;
            text += lengths[i] + 1;
        }
        rs->fields[h->n_fields] = NULL;
        struct csv_row row = {.row_no = h->row_no,
                              .n_fields = h->n_fields,
                              .fields = rs->fields,
                              .lengths = lengths,
                              .too_long = h->too_long,
                              .bad_encoding = h->bad_encoding,
                              .overlong = h->overlong,
                              .raw = text};
        rc = on_row(ctx, &row);
    }
    rs->count = 0;
    rs->used = 0;
    return rc;
}
