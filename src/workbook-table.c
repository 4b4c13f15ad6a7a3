/* workbook-table.c: the table-driven sheet writer of the workbook. A table
 * is an SQL query and a list of typed columns (workbook-internal.h); this
 * file turns its rows into cells row by row (the workbook is written in
 * constant-memory mode), keeps input text a string, fits column widths,
 * and continues a sheet on "Name (2)", "Name (3)"... past the row limit. */
#include "workbook-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "log.h"

#define TEXT_MAX_CHARS 32767       /* Excel's limit for one cell */
#define TRUNCATION_MARK " [...]"
#define MIN_WIDTH 8.0
#define MAX_WIDTH 70.0
#define EXCEL_SERIAL_1970 25569.0 /* the Excel serial number of 1970-01-01 */

int wb_fail(struct wb *wb, int rc, const char *what, const char *detail)
{
    if (wb->rc == 0) {
        wb->rc = rc;
        snprintf(wb->err, wb->err_size, "workbook: %s: %s", what, detail);
    }
    return wb->rc;
}

int wb_fail_db(struct wb *wb, const char *what)
{
    return wb_fail(wb, db_failure_exit(wb->db), what, db_errmsg(wb->db));
}

static void check_write(struct wb_sheet *sh, lxw_error e)
{
    if (e != LXW_NO_ERROR)
        wb_fail(sh->wb, EX_SOFTWARE, sh->name, lxw_strerror(e));
}

static void note_width(struct wb_sheet *sh, lxw_col_t col, size_t chars)
{
    if (col < WB_MAX_COLUMNS && (double)chars > sh->widths[col])
        sh->widths[col] = (double)chars;
}

/* The length of the valid UTF-8 sequence at s, or 0 when it is not one
 * (overlong forms, surrogates, U+FFFE, U+FFFF and code points past
 * U+10FFFF included). */
static size_t utf8_sequence(const unsigned char *s)
{
    unsigned lead = s[0];
    size_t n;
    uint32_t cp, min;
    if (lead < 0x80)
        return 1;
    if ((lead & 0xE0) == 0xC0)
        n = 2, cp = lead & 0x1F, min = 0x80;
    else if ((lead & 0xF0) == 0xE0)
        n = 3, cp = lead & 0x0F, min = 0x800;
    else if ((lead & 0xF8) == 0xF0)
        n = 4, cp = lead & 0x07, min = 0x10000;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    bool not_xml = cp == 0xFFFE || cp == 0xFFFF; /* outside XML 1.0's characters */
    return cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || not_xml ? 0 : n;
}

/* Copies `in` into wb->text as text an XML file and Excel accept: an
 * invalid UTF-8 byte becomes U+FFFD, a control character other than tab,
 * LF and CR becomes U+FFFD too (XML 1.0 cannot hold it), and a text past
 * Excel's 32,767 characters is cut with a mark. Returns wb->text (owned
 * by wb, valid until the next call) or NULL when out of memory; *chars
 * receives the number of characters. */
static const char *clean_text(struct wb *wb, const char *in, size_t *chars)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    size_t need = strlen(in) * 3 + sizeof TRUNCATION_MARK; /* each byte may become U+FFFD */
    if (need > wb->text_size) {
        char *grown = realloc(wb->text, need);
        if (!grown)
            return NULL;
        wb->text = grown;
        wb->text_size = need;
    }
    const unsigned char *s = (const unsigned char *)in;
    char *out = wb->text;
    size_t count = 0;
    while (*s) {
        if (count == TEXT_MAX_CHARS - (sizeof TRUNCATION_MARK - 1)) {
            memcpy(out, TRUNCATION_MARK, sizeof TRUNCATION_MARK - 1);
            out += sizeof TRUNCATION_MARK - 1;
            count += sizeof TRUNCATION_MARK - 1;
            break;
        }
        size_t n = utf8_sequence(s);
        bool control = n == 1 && *s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r';
        if (n == 0 || control) {
            memcpy(out, replacement, 3);
            out += 3;
            s++;
        } else {
            memcpy(out, s, n);
            out += n;
            s += n;
        }
        count++;
    }
    *out = '\0';
    *chars = count;
    return wb->text;
}

void wb_put_text(struct wb_sheet *sh, lxw_col_t col, const char *text, lxw_format *format)
{
    size_t chars;
    const char *clean = clean_text(sh->wb, text, &chars);
    if (!clean) {
        wb_fail(sh->wb, EX_SOFTWARE, sh->name, "out of memory");
        return;
    }
    /* bold headers take about a fifth more room */
    bool bold = format == sh->wb->header || format == sh->wb->header_right ||
                format == sh->wb->header_center;
    note_width(sh, col, bold ? chars + chars / 5 + 1 : chars);
    check_write(sh, worksheet_write_string(sh->ws, sh->row, col, clean, format));
}

void wb_put_int(struct wb_sheet *sh, lxw_col_t col, int64_t v)
{
    char digits[24];
    note_width(sh, col, (size_t)snprintf(digits, sizeof digits, "%lld", (long long)v));
    check_write(sh, worksheet_write_number(sh->ws, sh->row, col, (double)v, sh->wb->integer));
}

lxw_format *wb_money_format(struct wb *wb, const char *currency, int *exponent)
{
    for (size_t i = 0; i < wb->n_money; i++)
        if (strcmp(wb->money[i].code, currency) == 0) {
            *exponent = wb->money[i].exponent;
            return wb->money[i].format;
        }
    int e = money_currency_exponent(currency);
    if (e < 0 || e > 4) /* only accepted currencies are stored; be safe all the same */
        e = 2;
    *exponent = e;
    if (wb->n_money == WB_MAX_CURRENCIES)
        return NULL;
    /* e.g. #,##0.00 "USD"_) -- the code is 3 letters [A-Z], safe inside
     * quotes; _) leaves a little room before the next column's text */
    char pattern[40];
    snprintf(pattern, sizeof pattern, "#,##0%s%.*s \"%.3s\"_)", e ? "." : "", e, "0000",
             currency);
    lxw_format *f = workbook_add_format(wb->book);
    if (f)
        format_set_num_format(f, pattern);
    struct wb_money_format *slot = &wb->money[wb->n_money++];
    snprintf(slot->code, sizeof slot->code, "%.3s", currency);
    slot->exponent = e;
    slot->format = f;
    return f;
}

void wb_put_money(struct wb_sheet *sh, lxw_col_t col, money_t minor, const char *currency)
{
    static const double scale[] = {1, 10, 100, 1000, 10000};
    int exponent;
    lxw_format *format = wb_money_format(sh->wb, currency ? currency : "", &exponent);
    char text[MONEY_TEXT_SIZE];
    size_t len = strlen(money_format(minor, exponent, text));
    note_width(sh, col, len + len / 3 + 4); /* thousands separators and " USD" */
    /* The one place money becomes a float: the displayed cell value. */
    check_write(sh, worksheet_write_number(sh->ws, sh->row, col,
                                           (double)minor / scale[exponent], format));
}

void wb_put_date(struct wb_sheet *sh, lxw_col_t col, day_t day)
{
    note_width(sh, col, DATE_TEXT_SIZE - 1);
    check_write(sh, worksheet_write_number(sh->ws, sh->row, col, EXCEL_SERIAL_1970 + day,
                                           sh->wb->date));
}

void wb_put_timestamp(struct wb_sheet *sh, lxw_col_t col, const char *timestamp)
{
    lxw_datetime t = {0};
    char z = 0;
    if (!timestamp)
        return;
    if (sscanf(timestamp, "%4d-%2d-%2dT%2d:%2d:%lf%c", &t.year, &t.month, &t.day, &t.hour,
               &t.min, &t.sec, &z) != 7 || z != 'Z') {
        wb_put_text(sh, col, timestamp, NULL);
        return;
    }
    note_width(sh, col, 19);
    check_write(sh, worksheet_write_datetime(sh->ws, sh->row, col, &t, sh->wb->datetime));
}

void wb_put_heading(struct wb_sheet *sh, const char *text, lxw_format *format)
{
    check_write(sh, worksheet_write_string(sh->ws, sh->row, 0, text, format));
}

/* A formula whose '#' marks stand for this row's number (1-based), with
 * its cached result so that readers that do not recalculate see it too. */
static void put_check(struct wb_sheet *sh, lxw_col_t col, const char *formula,
                      const char *result)
{
    char text[512];
    size_t n = 0;
    for (const char *p = formula; *p && n + 12 < sizeof text; p++) {
        if (*p == '#')
            n += (size_t)snprintf(text + n, sizeof text - n, "%lu", (unsigned long)sh->row + 1);
        else
            text[n++] = *p;
    }
    text[n] = '\0';
    bool ok = strcmp(result, "OK") == 0;
    note_width(sh, col, strlen(result));
    check_write(sh, worksheet_write_formula_str(sh->ws, sh->row, col, text,
                                                ok ? sh->wb->check : sh->wb->alarm, result));
}

void wb_sheet_fit_columns(struct wb_sheet *sh, size_t n_columns)
{
    for (size_t c = 0; c < n_columns && c < WB_MAX_COLUMNS; c++) {
        double width = sh->widths[c] + 3; /* room between a right-aligned number and
                                             the left-aligned text next to it */
        width = width < MIN_WIDTH ? MIN_WIDTH : width > MAX_WIDTH ? MAX_WIDTH : width;
        worksheet_set_column(sh->ws, (lxw_col_t)c, (lxw_col_t)c, width, NULL);
    }
}

/* The header row of a table, each title aligned like its column. */
static void write_header(struct wb_sheet *sh, const struct wb_table *t)
{
    for (size_t c = 0; c < t->n_columns; c++) {
        enum wb_kind kind = t->columns[c].kind;
        lxw_format *format = kind == WB_INT || kind == WB_MONEY ? sh->wb->header_right
                             : kind == WB_DATE || kind == WB_CHECK ? sh->wb->header_center
                                                                   : sh->wb->header;
        wb_put_text(sh, (lxw_col_t)c, t->columns[c].header, format);
    }
}

/* Adds the worksheet of the sheet's current part and, for a table, writes
 * its header row (bold, frozen). */
static int open_part(struct wb_sheet *sh)
{
    char name[32]; /* Excel allows 31 characters */
    if (sh->part == 1)
        snprintf(name, sizeof name, "%s", sh->name);
    else
        snprintf(name, sizeof name, "%.24s (%d)", sh->name, sh->part);
    sh->ws = workbook_add_worksheet(sh->wb->book, name);
    if (!sh->ws)
        return wb_fail(sh->wb, EX_SOFTWARE, name, "cannot add the sheet");
    sh->row = 0;
    memset(sh->widths, 0, sizeof sh->widths);
    worksheet_set_landscape(sh->ws);
    worksheet_fit_to_pages(sh->ws, 1, 0); /* printed: one page wide */
    if (!sh->table)
        return sh->wb->rc;
    write_header(sh, sh->table);
    worksheet_freeze_panes(sh->ws, 1, 0);
    worksheet_repeat_rows(sh->ws, 0, 0);
    return sh->wb->rc;
}

/* Ends the current part of a table sheet: widths and autofilter. */
static void close_part(struct wb_sheet *sh)
{
    size_t n = sh->table->n_columns;
    wb_sheet_fit_columns(sh, n);
    worksheet_autofilter(sh->ws, 0, 0, sh->row, (lxw_col_t)(n - 1));
}

/* Moves to the next row; a table sheet at its row limit goes on in a new
 * part. Returns 0 or wb->rc. */
static int next_row(struct wb_sheet *sh)
{
    if (sh->table && sh->row + 1 >= sh->wb->max_rows) {
        close_part(sh);
        sh->part++;
        if (open_part(sh))
            return sh->wb->rc;
    }
    sh->row++;
    return sh->wb->rc;
}

void wb_sheet_open(struct wb *wb, struct wb_sheet *sh, const char *name)
{
    *sh = (struct wb_sheet){.wb = wb, .name = name, .part = 1};
    open_part(sh);
}

/* The values of the current row: a statement's, or a prefetched row
 * read from `file` (when stmt is NULL). */
struct row_values {
    sqlite3_stmt *stmt;
    FILE *file;
    size_t n_values;
    struct wb_stored_row stored;
};

static bool value_is_null(const struct row_values *v, int col)
{
    return v->stmt && sqlite3_column_type(v->stmt, col) == SQLITE_NULL; /* stored: never */
}

static const char *value_text(struct row_values *v, int col)
{
    if (!v->stmt)
        return wb_stored_text(&v->stored, col);
    const unsigned char *t = sqlite3_column_text(v->stmt, col);
    return t ? (const char *)t : "";
}

static int64_t value_int(const struct row_values *v, int col)
{
    return v->stmt ? sqlite3_column_int64(v->stmt, col) : wb_stored_int(&v->stored, col);
}

/* Writes the cells of the current row into sh->row. */
static void write_cells(struct wb_sheet *sh, const struct wb_table *t, struct row_values *v)
{
    const char *currency = t->currency_col >= 0 ? value_text(v, t->currency_col) : "";
    for (size_t i = 0; i < t->n_columns; i++) {
        const struct wb_column *c = &t->columns[i];
        lxw_col_t col = (lxw_col_t)i;
        if (c->kind == WB_DERIVED) { /* tables with one are never prefetched */
            char text[2048];
            t->derive(sh->wb, v->stmt, text, sizeof text);
            wb_put_text(sh, col, text, NULL);
            continue;
        }
        if (value_is_null(v, c->sql_col))
            continue;
        switch (c->kind) {
        case WB_TEXT:
            wb_put_text(sh, col, value_text(v, c->sql_col), NULL);
            break;
        case WB_INT:
            wb_put_int(sh, col, value_int(v, c->sql_col));
            break;
        case WB_MONEY:
            wb_put_money(sh, col, value_int(v, c->sql_col), currency);
            break;
        case WB_DATE:
            wb_put_date(sh, col, (day_t)value_int(v, c->sql_col));
            break;
        case WB_CHECK:
            put_check(sh, col, c->formula, value_text(v, c->sql_col));
            break;
        case WB_DERIVED:
            break;
        }
    }
}

/* Moves v to its next row. Returns 1, 0 after the last, or -1 with the
 * failure recorded in wb: a database error (db_failure_exit), or a
 * prefetch file that cannot be read to its end (74: the rows before are
 * written by then). */
static int next_values(struct wb *wb, const struct wb_table *t, struct row_values *v)
{
    if (v->stmt) {
        int rc = db_step(v->stmt);
        if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            return rc == SQLITE_ROW;
        wb_fail_db(wb, t->sheet);
        return -1;
    }
    int got = wb_stored_row_read(v->file, v->n_values, &v->stored);
    if (got < 0)
        wb_fail(wb, EX_IOERR, t->sheet, "cannot read its prefetched rows");
    return got;
}

/* Writes the table's rows below the header already in sh->row, from the
 * prefetch when it has them, else from the query; *rows receives their
 * number. */
static int write_rows(struct wb_sheet *sh, const struct wb_table *t, long *rows)
{
    struct wb *wb = sh->wb;
    struct row_values v = {0};
    if (wb->ahead && t == wb_prefetched_table()) {
        const char *why;
        v.file = wb_prefetch_rows(wb->ahead, wb->batch_id, &v.n_values, &why);
        if (!v.file)
            log_warn("workbook: %s: fetched here, not ahead: %s", t->sheet, why);
    }
    if (!v.file) {
        v.stmt = db_stmt(wb->db, t->sql);
        if (!v.stmt)
            return wb_fail_db(wb, t->sheet);
        db_bind_int(v.stmt, 1, wb->batch_id);
        if (sqlite3_bind_parameter_count(v.stmt) >= 2)
            db_bind_int(v.stmt, 2, wb->as_of);
    }
    while (wb->rc == 0 && next_values(wb, t, &v) == 1) {
        if (next_row(sh) == 0)
            write_cells(sh, t, &v);
        ++*rows;
    }
    if (v.stmt)
        sqlite3_reset(v.stmt);
    wb_stored_row_free(&v.stored);
    if (wb->rc)
        return wb->rc;
    if (*rows == 0 && t->when_empty && next_row(sh) == 0)
        wb_put_text(sh, 0, t->when_empty, wb->note);
    return wb->rc;
}

int wb_table_sheet(struct wb *wb, const struct wb_table *table)
{
    struct wb_sheet sh = {.wb = wb, .name = table->sheet, .table = table, .part = 1};
    long rows = 0;
    if (open_part(&sh) || write_rows(&sh, table, &rows))
        return wb->rc;
    close_part(&sh);
    return wb->rc;
}

int wb_table_section(struct wb_sheet *sh, const struct wb_table *table, lxw_row_t *first_data,
                     lxw_row_t *last_data)
{
    write_header(sh, table);
    lxw_row_t header_row = sh->row;
    long rows = 0;
    int rc = write_rows(sh, table, &rows);
    *first_data = header_row + 1;
    *last_data = rows > 0 ? sh->row : header_row;
    return rc;
}

int wb_sheet_new_row(struct wb_sheet *sh)
{
    return next_row(sh);
}
