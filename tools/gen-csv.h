/* gen-csv.h: writes one generated feed file the way a real upstream system
 * would: the night's own column order (sometimes with an extra column, a
 * byte-order mark or CRLF), RFC 4180 quoting where needed and sometimes
 * where not, stray spaces, and the many spellings of the same value
 * (timestamps with offsets and fractional seconds, amounts with or without
 * trailing zeros). The UTC date and the amount are always the intended ones. */
#ifndef GEN_CSV_H
#define GEN_CSV_H

#include <stdio.h>

#include "gen-model.h"

#define CSV_MAX_COLUMNS 8
#define CSV_FIELD_SIZE 1200 /* room for a field over arbiter's 1024-byte limit */

struct csv_layout {
    const char *file_name;
    unsigned n_columns;
    const char *columns[CSV_MAX_COLUMNS];
    unsigned optional_mask; /* bit i: column i may be left out of the header */
};

enum row_shape { ROW_NORMAL, ROW_SHORT, ROW_LONG };

struct csv_out {
    FILE *f;
    const struct csv_layout *layout;
    struct rng style; /* all spelling choices of this file draw from here */
    const char *eol;
    unsigned n_out;                  /* columns in the header */
    int source[CSV_MAX_COLUMNS + 1]; /* canonical column of each, -1: extra column */
    unsigned quote_per_mille, pad_per_mille, blank_per_mille;
    /* The row being written, in canonical column order. It stays after the
     * write, so the last row is there as a template for a bad row. */
    char field[CSV_MAX_COLUMNS][CSV_FIELD_SIZE];
    unsigned long rows;
};

/* Creates dir/<file_name> and writes its header; -1 with errno on failure. */
int csv_open(struct csv_out *out, const char *dir, const struct csv_layout *layout,
             struct rng style);
/* Writes out->field as one row. */
void csv_write_row(struct csv_out *out, enum row_shape shape);
/* Flushes and closes; -1 on a write error. */
int csv_close(struct csv_out *out);

/* A date or timestamp whose UTC date is `day`, in one of the accepted forms. */
void csv_format_when(struct csv_out *out, char *buf, day_t day, uint32_t second);
/* A plain decimal amount with at most `exponent` fraction digits. */
void csv_format_amount(struct csv_out *out, char *buf, int64_t minor, int exponent);

#endif
