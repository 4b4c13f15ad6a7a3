/* check_csvfile.c: unit tests of src/csvfile.c against the CSV conventions
 * of SPEC §2: RFC 4180, UTF-8 with an optional byte-order mark, LF or
 * CRLF, blank lines skipped and unnumbered, header = row 1, a quoted field
 * spanning lines is one row, fields trimmed, fields over 1024 bytes and
 * invalid UTF-8 flagged, field counts visible, raw row text kept. */
#include <check.h>

#include "testutil.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvfile.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ROWS 16
#define MAX_FIELDS 8

/* Copies of the rows seen by the callback. */
struct seen_row {
    long row_no;
    size_t n_fields;
    char *fields[MAX_FIELDS];
    size_t lengths[MAX_FIELDS];
    bool too_long, bad_encoding;
    char *raw;
};

struct collector {
    struct seen_row rows[MAX_ROWS];
    size_t n_rows;   /* rows seen in all */
    long last_row_no;
    long stop_at;    /* return stop_rc from this row number on, 0: never */
    int stop_rc;
    char *bytes;     /* everything given to on_bytes */
    size_t n_bytes;
    int bytes_rc;
};

static int on_row(void *ctx, const struct csv_row *row)
{
    struct collector *c = ctx;
    ck_assert_ptr_null(row->fields[row->n_fields]); /* NULL-terminated list */
    if (c->n_rows < MAX_ROWS) {
        struct seen_row *s = &c->rows[c->n_rows];
        s->row_no = row->row_no;
        s->n_fields = row->n_fields;
        for (size_t i = 0; i < row->n_fields && i < MAX_FIELDS; i++) {
            s->lengths[i] = row->lengths[i];
            s->fields[i] = malloc(row->lengths[i] + 1);
            memcpy(s->fields[i], row->fields[i], row->lengths[i] + 1);
        }
        s->too_long = row->too_long;
        s->bad_encoding = row->bad_encoding;
        s->raw = strdup(row->raw);
    }
    c->n_rows++;
    c->last_row_no = row->row_no;
    return c->stop_at && row->row_no >= c->stop_at ? c->stop_rc : 0;
}

static int on_bytes(void *ctx, const void *bytes, size_t len)
{
    struct collector *c = ctx;
    c->bytes = realloc(c->bytes, c->n_bytes + len);
    memcpy(c->bytes + c->n_bytes, bytes, len);
    c->n_bytes += len;
    return c->bytes_rc;
}

/* Every reading test runs twice: from a memory stream, parsed on the
 * calling thread, and from a file, parsed on a second thread (csvqueue.c). */
static bool through_file;

static void read_from_stream(void)
{
    through_file = false;
}

static void read_from_file(void)
{
    through_file = true;
}

/* Reads len bytes of text (NULs allowed) through csvfile_read. */
static int read_text(struct collector *c, const char *text, size_t len)
{
    FILE *f;
    if (through_file) {
        f = tmpfile();
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(text, 1, len, f), len);
        rewind(f);
    } else {
        f = fmemopen((void *)text, len, "rb");
    }
    ck_assert_ptr_nonnull(f);
    int rc = csvfile_read(f, on_row, on_bytes, c);
    fclose(f);
    return rc;
}

static void collector_free(struct collector *c)
{
    for (size_t r = 0; r < c->n_rows && r < MAX_ROWS; r++) {
        for (size_t i = 0; i < c->rows[r].n_fields && i < MAX_FIELDS; i++)
            free(c->rows[r].fields[i]);
        free(c->rows[r].raw);
    }
    free(c->bytes);
}

/* ---- table of inputs and the rows they must give ---------------------- */

struct want_row {
    long row_no;
    const char *fields[MAX_FIELDS]; /* NULL-terminated; must match exactly */
};

struct parse_case {
    const char *name;
    const char *in;
    struct want_row rows[6]; /* up to the first row_no == 0 */
};

static const struct parse_case cases[] = {
    {"plain", "a,b,c\n1,2,3\n", {{1, {"a", "b", "c"}}, {2, {"1", "2", "3"}}}},
    {"BOM is not part of the first field", "\xEF\xBB\xBForder_id,amount\nA1,5\n",
     {{1, {"order_id", "amount"}}, {2, {"A1", "5"}}}},
    {"CRLF", "a,b\r\n1,2\r\n3,4\r\n", {{1, {"a", "b"}}, {2, {"1", "2"}}, {3, {"3", "4"}}}},
    {"BOM and CRLF", "\xEF\xBB\xBF" "a,b\r\n1,2\r\n", {{1, {"a", "b"}}, {2, {"1", "2"}}}},
    {"no final line end", "a,b\n1,2", {{1, {"a", "b"}}, {2, {"1", "2"}}}},
    {"quoted comma", "id,note\n1,\"x, y\"\n", {{1, {"id", "note"}}, {2, {"1", "x, y"}}}},
    {"quoted double quote", "id,note\n1,\"say \"\"hi\"\"\"\n",
     {{1, {"id", "note"}}, {2, {"1", "say \"hi\""}}}},
    {"quoted newline is one row", "id,note\n1,\"line1\nline2\"\n2,x\n",
     {{1, {"id", "note"}}, {2, {"1", "line1\nline2"}}, {3, {"2", "x"}}}},
    {"quoted field over three lines, CRLF", "id,note\r\n1,\"a\r\n\r\nb\"\r\n2,x\r\n",
     {{1, {"id", "note"}}, {2, {"1", "a\r\n\r\nb"}}, {3, {"2", "x"}}}},
    {"blank lines take no number", "a,b\n\n1,2\n\n\n3,4\n\n",
     {{1, {"a", "b"}}, {2, {"1", "2"}}, {3, {"3", "4"}}}},
    {"blank CRLF lines", "a,b\r\n\r\n1,2\r\n\r\n", {{1, {"a", "b"}}, {2, {"1", "2"}}}},
    {"blank line before the header", "\n\na,b\n1,2\n", {{1, {"a", "b"}}, {2, {"1", "2"}}}},
    {"line of spaces is blank", "a,b\n   \n1,2\n", {{1, {"a", "b"}}, {2, {"1", "2"}}}},
    {"blank lines around a multi-line field", "a,b\n\n1,\"x\n\ny\"\n\n2,z\n",
     {{1, {"a", "b"}}, {2, {"1", "x\n\ny"}}, {3, {"2", "z"}}}},
    {"trimmed", "  a , b  ,c\n 1 ,\" 2 \",  \"3\"  \n",
     {{1, {"a", "b", "c"}}, {2, {"1", "2", "3"}}}},
    {"spaces inside a field are kept", "a b,\" c  d \"\n", {{1, {"a b", "c  d"}}}},
    {"empty fields", "a,b,c\n1,,3\n,,\n", {{1, {"a", "b", "c"}}, {2, {"1", "", "3"}}, {3, {"", "", ""}}}},
    {"short and long rows", "a,b,c\n1,2\n1,2,3,4\n",
     {{1, {"a", "b", "c"}}, {2, {"1", "2"}}, {3, {"1", "2", "3", "4"}}}},
    /* A line holding one quoted empty field is a row (of one field), not a
     * blank line: dropping it would break rows = accepted + duplicates +
     * rejected (SPEC §2). Regression: on_row_end took any row of one empty
     * field with empty raw text for a blank line. */
    {"quoted empty field is a row, not a blank line", "a,b\n\"\"\n1,2\n",
     {{1, {"a", "b"}}, {2, {""}}, {3, {"1", "2"}}}},
    {"UTF-8 text", "name,city\nJos\xC3\xA9,\xE6\x9D\xB1\xE4\xBA\xAC\n",
     {{1, {"name", "city"}}, {2, {"Jos\xC3\xA9", "\xE6\x9D\xB1\xE4\xBA\xAC"}}}},
};

START_TEST(test_rows)
{
    const struct parse_case *t = &cases[_i];
    struct collector c = {0};
    ck_assert_int_eq(read_text(&c, t->in, strlen(t->in)), 0);
    size_t want_rows = 0;
    while (want_rows < N(t->rows) && t->rows[want_rows].row_no)
        want_rows++;
    ck_assert_msg(c.n_rows == want_rows, "%s: %zu rows, want %zu", t->name, c.n_rows, want_rows);
    for (size_t r = 0; r < want_rows; r++) {
        const struct want_row *w = &t->rows[r];
        const struct seen_row *s = &c.rows[r];
        size_t nf = 0;
        while (w->fields[nf])
            nf++;
        ck_assert_msg(s->row_no == w->row_no, "%s: row %zu numbered %ld, want %ld", t->name, r,
                      s->row_no, w->row_no);
        ck_assert_msg(s->n_fields == nf, "%s: row %ld has %zu fields, want %zu", t->name,
                      w->row_no, s->n_fields, nf);
        for (size_t i = 0; i < nf; i++) {
            ck_assert_msg(strcmp(s->fields[i], w->fields[i]) == 0,
                          "%s: row %ld field %zu is \"%s\", want \"%s\"", t->name, w->row_no, i,
                          s->fields[i], w->fields[i]);
            ck_assert_uint_eq(s->lengths[i], strlen(w->fields[i]));
        }
        ck_assert_msg(!s->too_long && !s->bad_encoding, "%s: row %ld flagged", t->name,
                      w->row_no);
    }
    /* every byte, BOM included, goes to on_bytes unchanged */
    ck_assert_uint_eq(c.n_bytes, strlen(t->in));
    ck_assert(memcmp(c.bytes, t->in, c.n_bytes) == 0);
    collector_free(&c);
}
END_TEST

/* ---- field length --------------------------------------------------- */

static const struct {
    size_t len;
    bool quoted, too_long;
} lengths[] = {
    {1023, false, false}, {1024, false, false}, {1025, false, true},
    {1024, true, false},  {1025, true, true},   {70000, false, true},
};

START_TEST(test_field_length)
{
    size_t len = lengths[_i].len;
    char *in = malloc(len + 64), *p = in;
    p += sprintf(p, "id,note\n1,%s", lengths[_i].quoted ? "\"" : "");
    memset(p, 'x', len);
    p += len;
    p += sprintf(p, "%s\n2,short\n", lengths[_i].quoted ? "\"" : "");
    struct collector c = {0};
    ck_assert_int_eq(read_text(&c, in, (size_t)(p - in)), 0);
    ck_assert_uint_eq(c.n_rows, 3);
    ck_assert_msg(c.rows[1].too_long == lengths[_i].too_long, "%zu bytes: too_long %d", len,
                  c.rows[1].too_long);
    ck_assert_uint_eq(c.rows[1].lengths[1], len);
    ck_assert(!c.rows[0].too_long);
    ck_assert(!c.rows[2].too_long); /* the flag is per row */
    ck_assert_int_eq(c.rows[2].row_no, 3);
    collector_free(&c);
    free(in);
}
END_TEST

/* ---- encoding ------------------------------------------------------- */

static const struct {
    const char *name;
    const char *field; /* bytes of the second field of row 2 */
    size_t len;
    bool bad;
} encodings[] = {
    {"ASCII", "plain", 5, false},
    {"2-byte", "\xC3\xA9", 2, false},
    {"3-byte", "\xE6\x9D\xB1", 3, false},
    {"4-byte", "\xF0\x9F\x98\x80", 4, false},
    {"Latin-1 byte", "caf\xE9", 4, true},
    {"lone 0xFF", "\xFF", 1, true},
    {"stray continuation", "\x80", 1, true},
    {"truncated sequence", "ab\xE6\x9D", 4, true},
    {"overlong slash", "\xC0\xAF", 2, true},
    {"surrogate", "\xED\xA0\x80", 3, true},
    {"past U+10FFFF", "\xF4\x90\x80\x80", 4, true},
    {"NUL byte", "a\0b", 3, true},
    {"NUL only", "\0", 1, true},
};

START_TEST(test_encoding)
{
    char in[64];
    size_t n = (size_t)sprintf(in, "id,note\n1,");
    memcpy(in + n, encodings[_i].field, encodings[_i].len);
    n += encodings[_i].len;
    n += (size_t)sprintf(in + n, ",end\n2,ok,end\n");
    struct collector c = {0};
    ck_assert_int_eq(read_text(&c, in, n), 0);
    ck_assert_uint_eq(c.n_rows, 3);
    ck_assert_int_eq(c.rows[1].n_fields, 3);
    ck_assert_msg(c.rows[1].bad_encoding == encodings[_i].bad, "%s: bad_encoding %d",
                  encodings[_i].name, c.rows[1].bad_encoding);
    ck_assert_uint_eq(c.rows[1].lengths[1], encodings[_i].len);
    ck_assert(!c.rows[2].bad_encoding); /* the flag is per row */
    ck_assert_int_eq(c.rows[2].row_no, 3);
    collector_free(&c);
}
END_TEST

/* ---- raw text ------------------------------------------------------- */

static const struct {
    const char *in;  /* one data row after the header "h1,h2,h3" */
    const char *raw; /* RFC 4180 text of that row, minimal quoting */
} raws[] = {
    {"1,2,3\n", "1,2,3"},
    {"1,2,3\r\n", "1,2,3"},
    {"1,\"x, y\",3\n", "1,\"x, y\",3"},
    {"1,\"say \"\"hi\"\"\",3\n", "1,\"say \"\"hi\"\"\",3"},
    {"1,\"l1\nl2\",3\n", "1,\"l1\nl2\",3"},
    {"\"1\",\"2\",\"3\"\n", "1,2,3"},
    {"1,,\n", "1,,"},
    {"1,2\n", "1,2"},
};

START_TEST(test_raw)
{
    char in[128];
    snprintf(in, sizeof in, "h1,h2,h3\n%s", raws[_i].in);
    struct collector c = {0};
    ck_assert_int_eq(read_text(&c, in, strlen(in)), 0);
    ck_assert_uint_eq(c.n_rows, 2);
    ck_assert_str_eq(c.rows[0].raw, "h1,h2,h3");
    ck_assert_str_eq(c.rows[1].raw, raws[_i].raw);
    /* the raw text reads back as the same fields */
    struct collector back = {0};
    ck_assert_int_eq(read_text(&back, c.rows[1].raw, strlen(c.rows[1].raw)), 0);
    ck_assert_uint_eq(back.n_rows, 1);
    ck_assert_uint_eq(back.rows[0].n_fields, c.rows[1].n_fields);
    for (size_t i = 0; i < c.rows[1].n_fields; i++)
        ck_assert_str_eq(back.rows[0].fields[i], c.rows[1].fields[i]);
    collector_free(&back);
    collector_free(&c);
}
END_TEST

/* ---- malformed rows (RFC 4180) ---------------------------------------- */

/* A quote out of place makes its row malformed: passed on with no fields
 * (ingestion rejects it, bad_row), its raw text as it was in the file, and
 * the next line read as the next row. Before, libcsv's lenient mode took
 * such a quote for the start of a quoted field running on to the next
 * quote, and the rows in between were never seen. */
static const struct {
    const char *name;
    const char *in;  /* after the header "a,b" */
    const char *raw; /* of row 2, malformed */
    bool row3;       /* a good row 3 "3,4" follows */
} malformed[] = {
    {"text after a closing quote", "\"x\" y,2\n3,4\n", "\"x\" y,2", true},
    {"a quote inside an unquoted field", "1,ab\"cd\n3,4\n", "1,ab\"cd", true},
    {"CRLF: the CR is not raw text", "1,\"x\"y\r\n3,4\r\n", "1,\"x\"y", true},
    {"a second quoted part", "\"x\" \"y\",2\n3,4\n", "\"x\" \"y\",2", true},
    {"a quoted field over lines, then text", "1,\"l1\nl2\"x\n3,4\n", "1,\"l1\nl2\"x", true},
    {"the last line, no line end", "1,\"x\"y", "1,\"x\"y", false},
    {"a quote never closed takes the rest", "1,\"open\n3,4\n", "1,\"open\n3,4\n", false},
};

START_TEST(test_malformed)
{
    char in[128];
    snprintf(in, sizeof in, "a,b\n%s", malformed[_i].in);
    struct collector c = {0};
    ck_assert_int_eq(read_text(&c, in, strlen(in)), 0);
    ck_assert_msg(c.n_rows == (malformed[_i].row3 ? 3u : 2u), "%s: %zu rows", malformed[_i].name,
                  c.n_rows);
    ck_assert_int_eq(c.rows[1].row_no, 2);
    ck_assert_msg(c.rows[1].n_fields == 0, "%s: %zu fields", malformed[_i].name,
                  c.rows[1].n_fields);
    ck_assert_msg(strcmp(c.rows[1].raw, malformed[_i].raw) == 0, "%s: raw \"%s\"",
                  malformed[_i].name, c.rows[1].raw);
    if (malformed[_i].row3) {
        ck_assert_int_eq(c.rows[2].row_no, 3);
        ck_assert_uint_eq(c.rows[2].n_fields, 2);
        ck_assert_str_eq(c.rows[2].fields[0], "3");
        ck_assert_str_eq(c.rows[2].fields[1], "4");
        ck_assert_str_eq(c.rows[2].raw, "3,4");
    }
    collector_free(&c);
}
END_TEST

/* The rest of a malformed line is kept across the reader's 64 KiB
 * chunks, and the row after it is read whole. */
START_TEST(test_malformed_long_line)
{
    enum { TAIL = 200000 };
    char *in = malloc(TAIL + 64), *p = in;
    p += sprintf(p, "a,b\n1,\"x\"y");
    memset(p, 'z', TAIL);
    p += TAIL;
    p += sprintf(p, "\n3,4\n");
    struct collector c = {0};
    ck_assert_int_eq(read_text(&c, in, (size_t)(p - in)), 0);
    ck_assert_uint_eq(c.n_rows, 3);
    ck_assert_uint_eq(c.rows[1].n_fields, 0);
    ck_assert_uint_eq(strlen(c.rows[1].raw), strlen("1,\"x\"y") + TAIL);
    ck_assert(strncmp(c.rows[1].raw, "1,\"x\"yzzz", 9) == 0);
    ck_assert_int_eq(c.rows[2].row_no, 3);
    ck_assert_str_eq(c.rows[2].raw, "3,4");
    collector_free(&c);
    free(in);
}
END_TEST

/* A row far wider than the header: every field is there, in order. */
START_TEST(test_many_fields)
{
    enum { FIELDS = 300 };
    char in[FIELDS * 8 + 16], *p = in;
    p += sprintf(p, "a,b\n");
    for (int i = 0; i < FIELDS; i++)
        p += sprintf(p, "%s f%d", i ? "," : "", i);
    p += sprintf(p, "\n1,2\n");
    struct collector c = {0};
    ck_assert_int_eq(read_text(&c, in, (size_t)(p - in)), 0);
    ck_assert_uint_eq(c.n_rows, 3);
    ck_assert_uint_eq(c.rows[1].n_fields, FIELDS);
    ck_assert_str_eq(c.rows[1].fields[0], "f0");
    ck_assert_str_eq(c.rows[1].fields[7], "f7");
    ck_assert_uint_eq(c.rows[2].n_fields, 2);
    ck_assert_str_eq(c.rows[2].fields[1], "2");
    collector_free(&c);
}
END_TEST

/* ---- callbacks and streaming ---------------------------------------- */

START_TEST(test_row_callback_stops)
{
    static const char in[] = "a\n1\n2\n3\n";
    struct collector c = {.stop_at = 3, .stop_rc = 42};
    ck_assert_int_eq(read_text(&c, in, strlen(in)), 42);
    ck_assert_uint_eq(c.n_rows, 3);
    ck_assert_int_eq(c.last_row_no, 3);
    collector_free(&c);
}
END_TEST

START_TEST(test_bytes_callback_stops)
{
    static const char in[] = "a\n1\n2\n3\n";
    struct collector c = {.bytes_rc = 9};
    ck_assert_int_eq(read_text(&c, in, strlen(in)), 9);
    collector_free(&c);
}
END_TEST

/* Reads n bytes of a header and `rows` data rows: every row and every
 * byte arrives. */
static void read_whole(struct collector *c, const char *in, size_t n, long rows)
{
    ck_assert_int_eq(read_text(c, in, n), 0);
    ck_assert_uint_eq(c->n_rows, (size_t)rows + 1);
    ck_assert_int_eq(c->last_row_no, rows + 1);
    ck_assert_uint_eq(c->n_bytes, n);
    ck_assert(memcmp(c->bytes, in, n) == 0);
}

/* A file much larger than any read buffer: rows and bytes all arrive, and
 * rows straddling buffer boundaries are whole. */
START_TEST(test_large_file)
{
    enum { ROWS = 20000 };
    size_t cap = 64 + (size_t)ROWS * 80, n = 0;
    char *in = malloc(cap);
    n += (size_t)sprintf(in + n, "\xEF\xBB\xBFid,amount,note\r\n");
    for (int i = 0; i < ROWS; i++) {
        n += (size_t)sprintf(in + n, "ORD-%06d,%d.%02d,\"multi\nline, %d\"\r\n", i, i, i % 100, i);
        if (i % 1000 == 0)
            n += (size_t)sprintf(in + n, "\r\n"); /* blank line */
    }
    struct collector c = {0};
    read_whole(&c, in, n, ROWS);
    ck_assert_str_eq(c.rows[0].fields[0], "id");
    ck_assert_str_eq(c.rows[1].fields[2], "multi\nline, 0");
    collector_free(&c);
    free(in);
}
END_TEST

/* Many times the reader thread's blocks: the ring of blocks wraps round
 * again and again; a stop far into the file ends the read at that row. */
static char *numbered_rows(int rows, size_t *len)
{
    char *in = malloc(16 + (size_t)rows * 48);
    size_t n = (size_t)sprintf(in, "id,note\n");
    for (int i = 0; i < rows; i++)
        n += (size_t)sprintf(in + n, "R%07d,\"note, %d\"\n", i, i);
    *len = n;
    return in;
}

START_TEST(test_many_blocks)
{
    enum { ROWS = 100000 }; /* 2.5 MB: ten blocks */
    size_t n;
    char *in = numbered_rows(ROWS, &n);
    struct collector c = {0};
    read_whole(&c, in, n, ROWS);
    ck_assert_str_eq(c.rows[MAX_ROWS - 1].fields[1], "note, 14");
    collector_free(&c);
    free(in);
}
END_TEST

START_TEST(test_stop_far_into_file)
{
    size_t n;
    char *in = numbered_rows(100000, &n);
    struct collector c = {.stop_at = 70000, .stop_rc = 7};
    ck_assert_int_eq(read_text(&c, in, n), 7);
    ck_assert_uint_eq(c.n_rows, 70000);
    ck_assert_int_eq(c.last_row_no, 70000);
    collector_free(&c);
    free(in);
}
END_TEST

/* ---- writer --------------------------------------------------------- */

static const struct {
    const char *field, *written;
} writes[] = {
    {"plain", "plain"},
    {"", ""},
    {"x, y", "\"x, y\""},
    {"say \"hi\"", "\"say \"\"hi\"\"\""},
    {"l1\nl2", "\"l1\nl2\""},
    {"cr\r", "\"cr\r\""},
    {"Jos\xC3\xA9", "Jos\xC3\xA9"},
};

START_TEST(test_write_field)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    csvfile_write_field(f, writes[_i].field);
    fclose(f);
    ck_assert_str_eq(buf, writes[_i].written);
    free(buf);
}
END_TEST

START_TEST(test_write_row_round_trip)
{
    const char *const fields[] = {"RF-C1", "x, y", "say \"hi\"", "l1\nl2", ""};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    csvfile_write_row(f, fields, N(fields));
    fclose(f);
    ck_assert_str_eq(buf, "RF-C1,\"x, y\",\"say \"\"hi\"\"\",\"l1\nl2\",\n");
    struct collector c = {0};
    ck_assert_int_eq(read_text(&c, buf, len), 0);
    ck_assert_uint_eq(c.n_rows, 1);
    ck_assert_uint_eq(c.rows[0].n_fields, N(fields));
    for (size_t i = 0; i < N(fields); i++)
        ck_assert_str_eq(c.rows[0].fields[i], fields[i]);
    collector_free(&c);
    free(buf);
}
END_TEST

/* The reading tests, in a test case that reads as `fixture` sets. */
static TCase *reading_case(const char *name, void (*fixture)(void))
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60); /* the large files under valgrind */
    tcase_add_checked_fixture(tc, fixture, NULL);
    tcase_add_loop_test(tc, test_rows, 0, N(cases));
    tcase_add_loop_test(tc, test_field_length, 0, N(lengths));
    tcase_add_loop_test(tc, test_encoding, 0, N(encodings));
    tcase_add_loop_test(tc, test_raw, 0, N(raws));
    tcase_add_loop_test(tc, test_malformed, 0, N(malformed));
    tcase_add_test(tc, test_malformed_long_line);
    tcase_add_test(tc, test_many_fields);
    tcase_add_test(tc, test_row_callback_stops);
    tcase_add_test(tc, test_bytes_callback_stops);
    tcase_add_test(tc, test_large_file);
    tcase_add_test(tc, test_many_blocks);
    tcase_add_test(tc, test_stop_far_into_file);
    return tc;
}

static Suite *csvfile_suite(void)
{
    Suite *s = suite_create("csvfile");
    suite_add_tcase(s, reading_case("memory stream, this thread", read_from_stream));
    suite_add_tcase(s, reading_case("file, reader thread", read_from_file));
    TCase *tc = tcase_create("writer");
    tcase_add_loop_test(tc, test_write_field, 0, N(writes));
    tcase_add_test(tc, test_write_row_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(csvfile_suite());
}
