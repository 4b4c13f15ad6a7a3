/* csvfile.h: streams a CSV file through libcsv one row at a time, with the
 * conventions of SPEC §2: byte-order mark ignored, blank lines skipped
 * (they take no row number), fields trimmed, rows numbered from the header
 * (row 1). Memory is bounded by the longest row, not the file. */
#ifndef ARBITER_CSVFILE_H
#define ARBITER_CSVFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CSVFILE_FIELD_MAX 1024 /* longer fields are marked too long */

/* A row of more bytes than this is not kept: it is passed on as one
 * `overlong` row with no fields and the start of its text, and reading
 * resumes at the next line. This bounds memory whatever a line holds. */
#define CSVFILE_ROW_MAX (1024 * 1024)

struct csv_row {
    long row_no;          /* 1 for the header */
    size_t n_fields;
    char **fields;        /* trimmed, NUL-terminated, one after another in one
                             buffer (csvqueue.c copies them as one run);
                             valid during the callback */
    size_t *lengths;      /* byte lengths of the trimmed fields */
    bool too_long;        /* some field is over CSVFILE_FIELD_MAX bytes */
    bool bad_encoding;    /* some field is not UTF-8, or holds a NUL byte */
    bool overlong;        /* over CSVFILE_ROW_MAX: no fields, raw is its start */
    const char *raw;      /* the row re-encoded as RFC 4180 text */
};

/* Called for every row, header included; a non-zero return stops the read
 * and is returned by csvfile_read. */
typedef int (*csv_row_fn)(void *ctx, const struct csv_row *row);

/* Called with every chunk of bytes read, BOM included (for checksums and
 * for keeping the file in the database). Non-zero stops the read. */
typedef int (*csv_bytes_fn)(void *ctx, const void *bytes, size_t len);

/* Reads the whole stream. Returns 0, a callback's non-zero value, or -1
 * on a read or memory error (errno tells which). A stream over a file
 * descriptor is parsed on a second thread (csvqueue.c) while the
 * callbacks run on this one; the callbacks see the same rows either way. */
int csvfile_read(FILE *in, csv_row_fn on_row, csv_bytes_fn on_bytes, void *ctx);

/* The same, parsing on the calling thread. */
int csvfile_read_here(FILE *in, csv_row_fn on_row, csv_bytes_fn on_bytes, void *ctx);

/* Writes one field to out with RFC 4180 quoting when it needs it. */
void csvfile_write_field(FILE *out, const char *field);

/* Writes the NULL-terminated list of fields as one LF-terminated row. */
void csvfile_write_row(FILE *out, const char *const *fields, size_t n);

#endif
