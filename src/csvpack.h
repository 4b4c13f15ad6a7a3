/* csvpack.h: a CSV row (csvfile.h) packed into one run of bytes, as the
 * row queue (csvqueue.c) hands rows between threads and the key-order
 * store (rowsort.c) keeps them: a head, the field lengths, the fields
 * (each NUL-terminated, one after another), the raw text and a NUL. A
 * packed row may lie at any address. Pure code: no I/O. */
#ifndef ARBITER_CSVPACK_H
#define ARBITER_CSVPACK_H

#include <stddef.h>

#include "csvfile.h"

/* The bytes csvpack_write writes for row. */
size_t csvpack_size(const struct csv_row *row);

/* Writes row at dst, csvpack_size(row) bytes. */
void csvpack_write(unsigned char *dst, const struct csv_row *row);

/* Field i of the packed row at src (empty when the row has no field i);
 * sets *len. The text lies in src. */
const char *csvpack_field(const unsigned char *src, size_t i, size_t *len);

/* The arrays a packed row is read back into, reused from row to row. */
struct csvpack_reader {
    char **fields;
    size_t *lengths;
    size_t cap_fields, cap_lengths;
};

/* Reads the packed row at src into *row: its fields point into src, its
 * field and length arrays are r's (valid until r reads the next row or is
 * freed). Returns the packed size, or 0 when out of memory. */
size_t csvpack_read(struct csvpack_reader *r, unsigned char *src, struct csv_row *row);

void csvpack_reader_free(struct csvpack_reader *r);

#endif
