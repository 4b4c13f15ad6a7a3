/* rowsort.c: a bounded store of CSV rows, handed back ordered by one
 * column (rowsort.h). The rows are packed (csvpack.h) one after another
 * in one buffer; the entries, one per row, hold each row's offset and
 * sort key. */
#include "rowsort.h"

#include <stdlib.h>
#include <string.h>

#include "csvpack.h"

struct rowsort_entry {
    uint64_t key;    /* eight bytes of the column after the common prefix */
    uint32_t seq;    /* arrival order */
    uint32_t offset; /* of the packed row (a store is under 4 GB) */
};

void rowsort_init(struct rowsort *rs, size_t limit)
{
    /* the offsets of the rows' starts are 32-bit, and a row starts below
     * the limit (it may end past it: one row always fits an empty store) */
    size_t most = UINT32_MAX - 4 * (size_t)CSVFILE_ROW_MAX;
    *rs = (struct rowsort){.limit = limit < most ? limit : most};
}

void rowsort_free(struct rowsort *rs)
{
    free(rs->rows.data);
    free(rs->entries);
    csvpack_reader_free(&rs->reader);
    rowsort_init(rs, rs->limit);
}

int rowsort_add(struct rowsort *rs, const struct csv_row *row)
{
    size_t size = csvpack_size(row);
    /* buffer_reserve keeps a NUL after the rows: with it, a full store's
     * buffer never needs more than `limit` bytes (a power of two), so it
     * does not double past it */
    if (rs->count > 0 && rs->rows.len + size + 1 > rs->limit)
        return 1;
    struct rowsort_entry *e =
        buffer_grow(rs->entries, &rs->entries_cap, rs->count + 1, sizeof *rs->entries);
    if (!e)
        return -1;
    rs->entries = e;
    size_t offset = rs->rows.len;
    unsigned char *at = buffer_reserve(&rs->rows, size);
    if (!at)
        return -1;
    csvpack_write(at, row);
    e[rs->count] = (struct rowsort_entry){.seq = (uint32_t)rs->count, .offset = (uint32_t)offset};
    rs->count++;
    return 0;
}

/* Field `column` of entry e's row (empty when it has none); sets *len. */
static const unsigned char *key_of(const struct rowsort *rs, size_t e, size_t column,
                                   size_t *len)
{
    const unsigned char *row = (const unsigned char *)rs->rows.data + rs->entries[e].offset;
    return (const unsigned char *)csvpack_field(row, column, len);
}

/* Sets each entry's key: the eight bytes of field `column` after the
 * prefix all the rows' fields share, big-endian, zero past a field's end
 * (a shorter key sorts first, as in byte order). */
static void make_keys(struct rowsort *rs, size_t column)
{
    size_t common;
    const unsigned char *first = key_of(rs, 0, column, &common);
    for (size_t e = 1; e < rs->count && common > 0; e++) {
        size_t n;
        const unsigned char *k = key_of(rs, e, column, &n);
        if (n > common)
            n = common;
        size_t j = 0;
        while (j < n && k[j] == first[j])
            j++;
        common = j;
    }
    for (size_t e = 0; e < rs->count; e++) {
        size_t n;
        const unsigned char *k = key_of(rs, e, column, &n);
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
    unsigned char *rows = (unsigned char *)rs->rows.data;
    for (size_t e = 0; e < rs->count && rc == 0; e++) {
        /* the rows are visited out of buffer order: ask for the next ones
         * early (a hint; no effect on what is read) */
#if defined(__GNUC__)
        if (e + 8 < rs->count)
            __builtin_prefetch(rows + rs->entries[e + 8].offset);
#endif
        struct csv_row row;
        if (csvpack_read(&rs->reader, rows + rs->entries[e].offset, &row) == 0)
            rc = -1;
        else
            rc = on_row(ctx, &row);
    }
    rs->count = 0;
    rs->rows.len = 0;
    return rc;
}
