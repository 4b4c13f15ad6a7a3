/* csvfile.c: the streaming CSV reader and the RFC 4180 field writer. */
#include "csvfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "buffer.h"
#include "csvqueue.h"
#include "ids.h"

struct reader {
    struct buffer text;     /* trimmed fields, each NUL-terminated */
    struct buffer raw;      /* the row as RFC 4180 text */
    size_t *offsets, *lengths;
    char **fields;
    size_t n_fields, cap_offsets, cap_lengths, cap_fields;
    bool too_long, bad_encoding, overlong, oom;
    bool malformed; /* a quote out of place: the row is passed on with no fields */
    long row_no;
    csv_row_fn on_row;
    void *ctx;
    int stop;
};

static int is_trim_space(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static void on_field(void *data, size_t len, void *rd_)
{
    struct reader *rd = rd_;
    const char *s = data ? data : "";
    if (rd->stop || rd->oom || rd->overlong)
        return;
    if (rd->raw.len + len > CSVFILE_ROW_MAX) {
        rd->overlong = true;
        return;
    }
    size_t *o = buffer_grow(rd->offsets, &rd->cap_offsets, rd->n_fields + 1, sizeof *o);
    if (o)
        rd->offsets = o;
    size_t *l = buffer_grow(rd->lengths, &rd->cap_lengths, rd->n_fields + 1, sizeof *l);
    if (l)
        rd->lengths = l;
    if (!o || !l) {
        rd->oom = true;
        return;
    }
    if (rd->n_fields > 0 && buffer_append(&rd->raw, ",", 1))
        rd->oom = true;
    bool quote = memchr(s, ',', len) || memchr(s, '"', len) || memchr(s, '\n', len) ||
                 memchr(s, '\r', len);
    if (quote) {
        rd->oom |= buffer_append(&rd->raw, "\"", 1) != 0;
        for (size_t i = 0; i < len; i++)
            rd->oom |= buffer_append(&rd->raw, s[i] == '"' ? "\"\"" : s + i, s[i] == '"' ? 2 : 1) != 0;
        rd->oom |= buffer_append(&rd->raw, "\"", 1) != 0;
    } else {
        rd->oom |= buffer_append(&rd->raw, s, len) != 0;
    }
    while (len > 0 && is_trim_space((unsigned char)*s))
        s++, len--;
    while (len > 0 && is_trim_space((unsigned char)s[len - 1]))
        len--;
    if (len > CSVFILE_FIELD_MAX)
        rd->too_long = true;
    if (!ids_is_utf8(s, len))
        rd->bad_encoding = true;
    rd->offsets[rd->n_fields] = rd->text.len;
    rd->lengths[rd->n_fields] = len;
    rd->n_fields++;
    if (buffer_append(&rd->text, s, len) || buffer_append(&rd->text, "", 1))
        rd->oom = true;
}

static void reset_row(struct reader *rd)
{
    rd->n_fields = 0;
    rd->text.len = 0;
    rd->raw.len = 0;
    if (rd->raw.data)
        rd->raw.data[0] = '\0';
    rd->too_long = rd->bad_encoding = rd->overlong = rd->malformed = false;
}

static void on_row_end(int terminator, void *rd_)
{
    (void)terminator;
    struct reader *rd = rd_;
    if (rd->stop || rd->oom) {
        reset_row(rd);
        return;
    }
    char **fields = buffer_grow(rd->fields, &rd->cap_fields, rd->n_fields + 1, sizeof *fields);
    if (!fields) {
        rd->oom = true;
        return;
    }
    rd->fields = fields;
    if (rd->overlong || rd->malformed)
        rd->n_fields = 0;
    for (size_t i = 0; i < rd->n_fields; i++)
        fields[i] = rd->text.data + rd->offsets[i];
    fields[rd->n_fields] = NULL;
    struct csv_row row = {
        .row_no = ++rd->row_no,
        .n_fields = rd->n_fields,
        .overlong = rd->overlong,
        .fields = fields,
        .lengths = rd->lengths,
        .too_long = rd->too_long,
        .bad_encoding = rd->bad_encoding,
        .raw = rd->raw.data ? rd->raw.data : "",
    };
    rd->stop = rd->on_row(rd->ctx, &row);
    reset_row(rd);
}

/* libcsv's buffer grows through this: a field past the row limit fails
 * the parse (CSV_ENOMEM) instead of taking memory. */
static void *capped_realloc(void *p, size_t size)
{
    return size > CSVFILE_ROW_MAX + 4096 ? NULL : realloc(p, size);
}

/* Strict: a quote inside an unquoted field, or anything but a comma or
 * the line's end after a closing quote, is a parse error (RFC 4180). In
 * libcsv's lenient mode such a quote opened a field that ran on over the
 * next lines to the next quote, and the rows in it were neither read nor
 * rejected. */
static int start_parser(struct csv_parser *parser)
{
    if (csv_init(parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return -1;
    csv_set_space_func(parser, is_trim_space);
    csv_set_realloc_func(parser, capped_realloc);
    return 0;
}

/* Appends text to the raw row, bounded as the row is. */
static void keep_raw(struct reader *rd, const void *text, size_t len)
{
    if (rd->raw.len + len > CSVFILE_ROW_MAX)
        len = rd->raw.len < CSVFILE_ROW_MAX ? CSVFILE_ROW_MAX - rd->raw.len : 0;
    if (len && buffer_append(&rd->raw, text, len))
        rd->oom = true;
}

/* After a parse error: the row is malformed, and its raw text is the
 * fields read so far, then the field libcsv was reading as it stood (its
 * opening quote put back), then the rest of the line as it is (read by
 * feed's skip). */
static void begin_malformed(struct csv_parser *parser, struct reader *rd)
{
    rd->malformed = true;
    if (rd->n_fields > 0)
        keep_raw(rd, ",", 1);
    if (parser->quoted)
        keep_raw(rd, "\"", 1);
    keep_raw(rd, parser->entry_buf, parser->entry_pos);
}

/* Feeds len bytes to the parser. A row that outgrows the limit inside
 * libcsv (overlong), or that breaks RFC 4180 (malformed), is passed on
 * when its line ends: the bytes up to the next line feed are skipped,
 * then read with a fresh parser (*skipping carries across chunks). */
static int feed(struct csv_parser *parser, struct reader *rd, const unsigned char *p, size_t len,
                bool *skipping)
{
    while (len > 0 && !rd->stop && !rd->oom) {
        if (*skipping) {
            const unsigned char *nl = memchr(p, '\n', len);
            size_t line = nl ? (size_t)(nl - p) : len;
            if (rd->malformed)
                keep_raw(rd, p, nl && line > 0 && p[line - 1] == '\r' ? line - 1 : line);
            if (!nl)
                return 0;
            len -= line + 1;
            p = nl + 1;
            *skipping = false;
            on_row_end(0, rd);
            continue;
        }
        size_t done = csv_parse(parser, p, len, on_field, on_row_end, rd);
        if (done == len)
            return 0;
        if (csv_error(parser) == CSV_EPARSE)
            begin_malformed(parser, rd);
        else if (csv_error(parser) == CSV_ENOMEM)
            rd->overlong = true;
        else
            return -1;
        csv_free(parser);
        if (start_parser(parser))
            return -1;
        *skipping = true;
        len -= done;
        p += done;
    }
    return 0;
}

/* The end of the file: the last row, also one being skipped or one whose
 * quoted field is never closed (malformed). */
static void finish(struct csv_parser *parser, struct reader *rd, bool skipping)
{
    if (!skipping && csv_fini(parser, on_field, on_row_end, rd) == 0)
        return;
    if (!skipping)
        begin_malformed(parser, rd);
    on_row_end(0, rd);
}

int csvfile_read(FILE *in, csv_row_fn on_row, csv_bytes_fn on_bytes, void *ctx)
{
    /* a stream with no file descriptor may read the database (a rerun's
     * stored files, filestore.c): it stays on this thread */
    return fileno(in) >= 0 ? csvqueue_read(in, on_row, on_bytes, ctx)
                           : csvfile_read_here(in, on_row, on_bytes, ctx);
}

int csvfile_read_here(FILE *in, csv_row_fn on_row, csv_bytes_fn on_bytes, void *ctx)
{
    struct csv_parser parser;
    if (start_parser(&parser))
        return -1;
    struct reader rd = {.on_row = on_row, .ctx = ctx};
    unsigned char chunk[1 << 16];
    size_t n;
    bool first = true, skipping = false;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        if (on_bytes && (rc = on_bytes(ctx, chunk, n)) != 0)
            break;
        size_t skip = 0;
        if (first && n >= 3 && memcmp(chunk, "\xEF\xBB\xBF", 3) == 0)
            skip = 3;
        first = false;
        if (feed(&parser, &rd, chunk + skip, n - skip, &skipping))
            rd.oom = true;
        if (rd.stop || rd.oom)
            break;
    }
    if (rc == 0 && !rd.stop && !rd.oom && ferror(in))
        rc = -1;
    if (rc == 0 && !rd.stop && !rd.oom)
        finish(&parser, &rd, skipping);
    if (rc == 0 && rd.stop)
        rc = rd.stop;
    if (rc == 0 && rd.oom) {
        errno = ENOMEM;
        rc = -1;
    }
    csv_free(&parser);
    free(rd.text.data);
    free(rd.raw.data);
    free(rd.offsets);
    free(rd.lengths);
    free(rd.fields);
    return rc;
}

void csvfile_write_field(FILE *out, const char *field)
{
    if (strpbrk(field, ",\"\r\n") == NULL)
        fputs(field, out);
    else
        csv_fwrite(out, field, strlen(field));
}

void csvfile_write_row(FILE *out, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', out);
        csvfile_write_field(out, fields[i] ? fields[i] : "");
    }
    fputc('\n', out);
}
