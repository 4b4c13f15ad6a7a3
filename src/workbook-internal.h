/* workbook-internal.h: what the workbook's source files share, and nothing
 * else includes: the writing context, the table-driven sheet writer
 * (a sheet or a section of one = an SQL query + a list of typed columns),
 * and the claim explanations. The public entry point is in workbook.h. */
#ifndef ARBITER_WORKBOOK_INTERNAL_H
#define ARBITER_WORKBOOK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xlsxwriter.h>

#include "buffer.h"
#include "date.h"
#include "db.h"
#include "money.h"

#define WB_MAX_COLUMNS 16
#define WB_MAX_CURRENCIES 256 /* more than ISO 4217 has */

struct wb_money_format {
    char code[4];
    int exponent;
    lxw_format *format;
};

/* Everything the sheet writers share while one workbook is written. */
struct wb {
    lxw_workbook *book;
    struct db *db;
    int64_t batch_id;
    day_t as_of;
    bool in_effect;     /* false: a revision replaced by a rerun */
    lxw_row_t max_rows; /* rows per sheet, header included; see workbook.h */

    lxw_format *title, *section, *header, *header_right, *header_center, *label, *note;
    lxw_format *integer, *date, *datetime, *check, *alarm;
    struct wb_money_format money[WB_MAX_CURRENCIES];
    size_t n_money;

    char *text;        /* scratch buffer for cleaned text; owned, freed by wb_free */
    size_t text_size;

    struct workbook_prefetch *ahead; /* the rows of wb_prefetched_table(), or NULL */

    int rc;            /* first failure (sysexits code), 0 while all is well */
    char *err;         /* its message; the caller's buffer */
    size_t err_size;
};

/* How a column shows its SQL value. */
enum wb_kind {
    WB_TEXT,    /* input text, always written as a string */
    WB_INT,     /* a count or a row number */
    WB_MONEY,   /* minor units, shown in major units in the row's currency */
    WB_DATE,    /* a day number */
    WB_CHECK,   /* a formula (`formula`, '#' = this row's number) whose cached
                   result is the SQL value ("OK" or "MISMATCH") */
    WB_DERIVED, /* text made by the table's `derive` from the whole row */
};

struct wb_column {
    const char *header;
    enum wb_kind kind;
    int sql_col;         /* the statement column shown (unused for WB_DERIVED) */
    const char *formula; /* WB_CHECK only */
};

/* Writes the derived text of the current row into buf (size bytes). */
typedef void wb_derive_fn(struct wb *wb, sqlite3_stmt *row, char *buf, size_t size);

/* One table: a query and its columns. The query is a string literal (the
 * statement cache keys on its address) with parameters ?1 = batch id and,
 * when it has a second one, ?2 = the batch's as-of date. */
struct wb_table {
    const char *sheet;      /* sheet name, for tables that are whole sheets */
    const char *sql;
    int currency_col;       /* SQL column holding the currency of WB_MONEY cells, -1: none */
    const struct wb_column *columns;
    size_t n_columns;
    wb_derive_fn *derive;   /* for WB_DERIVED columns */
    const char *when_empty; /* the line written under the header when there is no row */
};

/* A worksheet being written row after row (constant-memory mode). A
 * continuing sheet is one table: past wb->max_rows rows it goes on in
 * "Name (2)", "Name (3)"... each with the header again. */
struct wb_sheet {
    struct wb *wb;
    const char *name;
    const struct wb_table *table; /* NULL: a free-form sheet that never continues */
    lxw_worksheet *ws;
    int part;                     /* 1 for "Name", 2 for "Name (2)"... */
    lxw_row_t row;                /* the next row to write */
    double widths[WB_MAX_COLUMNS];
};

/* Records the first failure; later ones are dropped. Returns wb->rc. */
int wb_fail(struct wb *wb, int rc, const char *what, const char *detail);
/* wb_fail for the last database failure, with its message and code
 * (db_failure_exit). */
int wb_fail_db(struct wb *wb, const char *what);

/* The number format of a currency, created on first use. */
lxw_format *wb_money_format(struct wb *wb, const char *currency, int *exponent);

/* Cell writers: they track the column width and record write failures. */
void wb_put_text(struct wb_sheet *sh, lxw_col_t col, const char *text, lxw_format *format);
void wb_put_int(struct wb_sheet *sh, lxw_col_t col, int64_t v);
void wb_put_money(struct wb_sheet *sh, lxw_col_t col, money_t minor, const char *currency);
void wb_put_date(struct wb_sheet *sh, lxw_col_t col, day_t day);
/* A stored "YYYY-MM-DDTHH:MM:SSZ" as a date and time (text if malformed). */
void wb_put_timestamp(struct wb_sheet *sh, lxw_col_t col, const char *timestamp);
/* A title in column A; it does not widen the column. */
void wb_put_heading(struct wb_sheet *sh, const char *text, lxw_format *format);

/* Starts a free-form sheet (Summary). */
void wb_sheet_open(struct wb *wb, struct wb_sheet *sh, const char *name);

/* Writes a whole sheet from one table, continuing it on further sheets
 * past the row limit. Returns 0 or wb->rc. */
int wb_table_sheet(struct wb *wb, const struct wb_table *table);

/* Writes a table as a section of a free-form sheet from its next row:
 * header, rows (or the when_empty line). *first_data and *last_data get
 * the rows of its data (last < first when none). Returns 0 or wb->rc. */
int wb_table_section(struct wb_sheet *sh, const struct wb_table *table, lxw_row_t *first_data,
                     lxw_row_t *last_data);

/* Moves a free-form sheet to its next row. Returns 0 or wb->rc. */
int wb_sheet_new_row(struct wb_sheet *sh);

/* Sets the column widths of a sheet from what was written in it. */
void wb_sheet_fit_columns(struct wb_sheet *sh, size_t n_columns);

/* The table whose rows workbook_prefetch_run fetches ahead (Seller
 * payouts, workbook-sheets.c). Its query takes ?1 alone and it has no
 * WB_DERIVED column. */
const struct wb_table *wb_prefetched_table(void);

/* A row read back from a prefetch (workbook-prefetch.c). The texts are
 * in `text`, owned, reused from row to row and freed by
 * wb_stored_row_free. */
struct wb_stored_row {
    char tag[WB_MAX_COLUMNS];
    int64_t integer[WB_MAX_COLUMNS];
    const char *value[WB_MAX_COLUMNS];
    char digits[WB_MAX_COLUMNS][24];
    struct buffer text;
};

/* Waits for the prefetch to finish. Returns its rows of batch_id (a file
 * owned by the prefetch, positioned at the first row) and sets *n_values
 * (per row); or returns NULL with the reason in *why (owned by the
 * prefetch) when the fetch failed, was of another batch, or was handed
 * out before: the rows are read by one workbook. */
FILE *wb_prefetch_rows(struct workbook_prefetch *p, int64_t batch_id, size_t *n_values,
                       const char **why);

/* Reads the next row of n_columns (at most WB_MAX_COLUMNS) values from
 * rows into *row. Returns 1, 0 at the end, -1 on a read error or a
 * damaged file (a row cut short included). */
int wb_stored_row_read(FILE *rows, size_t n_columns, struct wb_stored_row *row);

/* A stored value (never NULL) as the sqlite3_column_* functions give it:
 * text (digits for an integer; valid until the next read) or integer. */
const char *wb_stored_text(struct wb_stored_row *row, int col);
int64_t wb_stored_int(const struct wb_stored_row *row, int col);
void wb_stored_row_free(struct wb_stored_row *row);

/* The sheets (workbook-sheets.c and workbook-summary.c). */
int wb_write_summary(struct wb *wb);
int wb_write_detail_sheets(struct wb *wb);

/* "As the batch saw it" is decided by as-of dates, not batch ids: a rerun
 * writes new revisions of its batches (new ids) while older postings and
 * facts keep theirs. ?2 is always the as-of date. */

/* The orders whose escrow was held after the batch, as `o` (currency,
 * placed_on, n orders, amount) grouped by currency and date placed. For
 * the latest batch that is the open_book summary (totals.c), whatever the
 * history; for a batch a rerun replayed before its last, the copy of it
 * the rerun kept (temp.open_book_at, on this connection only); any other
 * older batch is rebuilt from the orders captured by a batch up to its
 * date and not closed by one up to its date. The one-row `older` is the
 * outer loop of that rebuild, so that otherwise the orders table is
 * never read: as a condition beside the orders it was tested on every
 * order, a scan of the whole history every night (night 60 of
 * tools/steady.sh: 2.9 M orders read, twice). */
#define WB_LATEST_BATCH                                                                           \
    "(SELECT id FROM batch WHERE in_effect = 1 AND finished_at IS NOT NULL"                       \
    " ORDER BY as_of DESC LIMIT 1)"
#define WB_OPEN_ORDERS                                                                            \
    "(SELECT currency, placed_on, orders AS n, amount FROM open_book"                             \
    "  WHERE ?1 = " WB_LATEST_BATCH                                                               \
    " UNION ALL SELECT currency, placed_on, orders, amount FROM temp.open_book_at"                \
    "  WHERE batch_id = ?1 AND ?1 <> " WB_LATEST_BATCH                                            \
    " UNION ALL SELECT x.currency, x.placed_on, 1, x.amount"                                      \
    "  FROM (SELECT 1 WHERE ?1 <> " WB_LATEST_BATCH " AND NOT EXISTS (SELECT 1"                   \
    "  FROM temp.open_book_at WHERE batch_id = ?1)) older CROSS JOIN orders x"                    \
    "  JOIN batch placed ON placed.id = x.batch_id"                                               \
    "  LEFT JOIN batch closed ON closed.id = x.closed_batch"                                      \
    "  WHERE placed.as_of <= ?2 AND (closed.id IS NULL OR closed.as_of > ?2)) o"

/* The claim columns the Claims and Manual review sheets select and
 * wb_explain_claim reads, by position (enum wb_claim_col). A response or
 * a delivery event that a later batch brought is left out (the batches in
 * effect have ids in date order: rerun.c). ?1 = batch id, ?2 its date. */
#define WB_CLAIM_SELECT                                                                           \
    "SELECT d.claim_id, c.order_id, c.reason, c.opened_on, d.status, d.rule, d.refund_amount,"    \
    " o.currency, CASE WHEN rb.as_of <= ?2 THEN c.response END,"                                  \
    " CASE WHEN rb.as_of <= ?2 THEN c.responded_on END, o.promised_by,"                           \
    " events_delivered_on(events_before(o.events, coalesce((SELECT min(id) FROM batch"            \
    "  WHERE in_effect = 1 AND as_of > ?2), 1 << 40))),"                                        \
    " v.note,"                                                                                    \
    " CASE WHEN c.reason = 'not_received' THEN o.amount ELSE coalesce(c.amount, o.amount) END,"   \
    " o.buyer_id, o.seller_id, ?2 - c.opened_on, db.seller_response_days, db.protection_days"     \
    " FROM decision d JOIN batch db ON db.id = d.batch_id"                                        \
    " JOIN claim c ON c.claim_id = d.claim_id"                                                    \
    " JOIN orders o ON o.order_id = c.order_id"                                                   \
    " LEFT JOIN batch rb ON rb.id = c.response_batch"                                             \
    " LEFT JOIN override v ON v.claim_id = d.claim_id"                                            \
    " WHERE d.batch_id = ?1"

enum wb_claim_col {
    CC_CLAIM, CC_ORDER, CC_REASON, CC_OPENED, CC_STATUS, CC_RULE, CC_REFUND, CC_CURRENCY,
    CC_RESPONSE, CC_RESPONDED, CC_PROMISED_BY, CC_DELIVERED, CC_NOTE, CC_CLAIMED, CC_BUYER,
    CC_SELLER, CC_AGE, CC_RESPONSE_DAYS, CC_PROTECTION_DAYS
};

/* The plain-language reason of a claim's decision, from the columns of
 * WB_CLAIM_COLUMNS (workbook-explain.c); a wb_derive_fn. */
void wb_explain_claim(struct wb *wb, sqlite3_stmt *row, char *buf, size_t size);

#endif
