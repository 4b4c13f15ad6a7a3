/* rowsort.c: a bounded store of CSV rows, handed back ordered by one
 * column (rowsort.h). The rows are packed (csvpack.h) one after another
 * in one buffer; the entries, one per row, hold each row's offset and
 * sort key, and are sorted by a radix sort (stable: rows of one key keep
 * their arrival order). */
#include "rowsort.h"

#include <stdlib.h>
#include <string.h>

#include "csvpack.h"

struct rowsort_entry {
    uint64_t key;    /* eight bytes of the column after the common prefix */
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
    free(rs->spare);
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
    e[rs->count] = (struct rowsort_entry){.offset = (uint32_t)offset};
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

/* Sorts the n entries by key, equal keys in the order they are in: a
 * least-significant-digit radix sort, one byte a pass, with the passes
 * of a byte all keys share skipped. Uses `spare` (room for n entries);
 * the sorted entries are in `entries` after. */
static void sort_entries(struct rowsort_entry *entries, struct rowsort_entry *spare, size_t n)
{
    size_t counts[8][256] = {{0}};
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++)
            counts[b][(entries[i].key >> (8 * b)) & 0xFF]++;
    struct rowsort_entry *from = entries, *to = spare;
    for (int b = 0; b < 8; b++) {
        size_t *count = counts[b];
        if (count[(from[0].key >> (8 * b)) & 0xFF] == n)
            continue; /* every key has this byte */
        size_t start = 0;
        for (int digit = 0; digit < 256; digit++) {
            size_t c = count[digit];
            count[digit] = start;
            start += c;
        }
        for (size_t i = 0; i < n; i++)
            to[count[(from[i].key >> (8 * b)) & 0xFF]++] = from[i];
        struct rowsort_entry *sorted = to;
        to = from;
        from = sorted;
    }
    if (from != entries)
        memcpy(entries, from, n * sizeof *entries);
}

int rowsort_drain(struct rowsort *rs, size_t column, csv_row_fn on_row, void *ctx)
{
    int rc = 0;
    if (rs->count > 0) {
        struct rowsort_entry *spare =
            buffer_grow(rs->spare, &rs->spare_cap, rs->count, sizeof *rs->spare);
        if (spare) {
            rs->spare = spare;
            make_keys(rs, column);
            sort_entries(rs->entries, spare, rs->count);
        } else {
            rc = -1;
        }
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
