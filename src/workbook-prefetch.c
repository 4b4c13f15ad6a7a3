/* workbook-prefetch.c: the rows of the workbook's slowest query, fetched
 * ahead on the reports' second thread (outputs.c) through a connection of
 * its own and kept in a temporary file, while the calling thread writes
 * the sheets before it. The table is Seller payouts: its query groups and
 * sorts every release of the batch (1M orders: 548,000 releases, 0.5 s).
 * Cells are still written on the calling thread alone (libxlsxwriter
 * promises nothing about threads). When the fetch fails, the workbook
 * runs the query itself. */
#include "workbook-internal.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workbook.h"

/* How a value is kept in the file: a tag byte, then for an integer its
 * 8 bytes, for a text its length (4 bytes) and bytes. Only integers and
 * texts are kept: on a NULL, a real or a blob (Seller payouts has none)
 * the fetch fails and the workbook runs the query itself, so that a row
 * read back is always the query's, value for value. */
enum { TAG_INT = 'I', TAG_TEXT = 'T' };

struct workbook_prefetch {
    pthread_mutex_t lock;
    pthread_cond_t done;
    bool finished; /* the fetch is over; the fields below are then the reader's */
    bool ok;
    bool handed_out; /* the rows were given to a workbook: they are read once */
    int64_t batch_id;
    FILE *rows;
    size_t n_values; /* per row */
    char why[256];   /* when not ok */
};

struct workbook_prefetch *workbook_prefetch_new(void)
{
    struct workbook_prefetch *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return NULL;
    }
    if (pthread_cond_init(&p->done, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    return p;
}

void workbook_prefetch_free(struct workbook_prefetch *p)
{
    if (!p)
        return;
    if (p->rows)
        fclose(p->rows);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* Appends value `col` of q's row to f. Returns 0, or -1 with the reason
 * in why when the value is not an integer or a text, or f fails. */
static int put_value(FILE *f, sqlite3_stmt *q, int col, char *why, size_t why_size)
{
    int type = sqlite3_column_type(q, col);
    bool written;
    if (type == SQLITE_INTEGER) {
        int64_t v = sqlite3_column_int64(q, col);
        written = putc(TAG_INT, f) != EOF && fwrite(&v, sizeof v, 1, f) == 1;
    } else if (type == SQLITE_TEXT) {
        const unsigned char *text = sqlite3_column_text(q, col);
        uint32_t len = (uint32_t)sqlite3_column_bytes(q, col);
        if (!text) {
            snprintf(why, why_size, "out of memory");
            return -1;
        }
        written = putc(TAG_TEXT, f) != EOF && fwrite(&len, sizeof len, 1, f) == 1 &&
                  fwrite(text, 1, len, f) == len;
    } else {
        snprintf(why, why_size, "column %d holds a value that is not an integer or a text",
                 col + 1);
        return -1;
    }
    if (!written)
        snprintf(why, why_size, "cannot write its temporary file");
    return written ? 0 : -1;
}

/* Runs the table's query into a new temporary file. Returns true, or
 * false with the reason in p->why. */
static bool fetch(struct workbook_prefetch *p, struct db *db, const struct wb_table *t)
{
    sqlite3_stmt *q = db_stmt(db, t->sql);
    if (!q) {
        snprintf(p->why, sizeof p->why, "%s", db_errmsg(db));
        return false;
    }
    if (sqlite3_bind_parameter_count(q) != 1 || sqlite3_column_count(q) > WB_MAX_COLUMNS) {
        snprintf(p->why, sizeof p->why, "its query is not one a prefetch can run");
        return false;
    }
    p->rows = tmpfile();
    if (!p->rows) {
        snprintf(p->why, sizeof p->why, "cannot create a temporary file");
        return false;
    }
    db_bind_int(q, 1, p->batch_id);
    int n = sqlite3_column_count(q), rc = SQLITE_DONE, put = 0;
    p->n_values = (size_t)n;
    while (put == 0 && (rc = db_step(q)) == SQLITE_ROW)
        for (int col = 0; put == 0 && col < n; col++)
            put = put_value(p->rows, q, col, p->why, sizeof p->why);
    if (put == 0 && rc != SQLITE_DONE)
        snprintf(p->why, sizeof p->why, "%s", db_errmsg(db));
    sqlite3_reset(q);
    if (put != 0 || rc != SQLITE_DONE)
        return false;
    if (fflush(p->rows) != 0 || fseek(p->rows, 0, SEEK_SET) != 0) {
        snprintf(p->why, sizeof p->why, "cannot write its temporary file");
        return false;
    }
    return true;
}

void workbook_prefetch_run(struct workbook_prefetch *p, struct db *db, int64_t batch_id)
{
    const struct wb_table *t = wb_prefetched_table();
    bool ok = false;
    p->batch_id = batch_id;
    if (!db)
        snprintf(p->why, sizeof p->why, "the database did not open on the second thread");
    else if (t->derive)
        snprintf(p->why, sizeof p->why, "a derived column is computed from the statement");
    else
        ok = fetch(p, db, t);
    pthread_mutex_lock(&p->lock);
    p->ok = ok;
    p->finished = true;
    pthread_cond_signal(&p->done);
    pthread_mutex_unlock(&p->lock);
}

FILE *wb_prefetch_rows(struct workbook_prefetch *p, int64_t batch_id, size_t *n_values,
                       const char **why)
{
    pthread_mutex_lock(&p->lock);
    while (!p->finished)
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
    if (p->ok && p->handed_out) {
        p->ok = false;
        snprintf(p->why, sizeof p->why, "its rows were read by an earlier workbook");
    } else if (p->ok && p->batch_id != batch_id) {
        p->ok = false;
        snprintf(p->why, sizeof p->why, "they are batch %lld's, not batch %lld's",
                 (long long)p->batch_id, (long long)batch_id);
    }
    p->handed_out = true;
    *why = p->why;
    *n_values = p->n_values;
    return p->ok ? p->rows : NULL;
}

/* Reads n bytes into dst; false at the end of the file or on an error. */
static bool get(FILE *f, void *dst, size_t n)
{
    return fread(dst, 1, n, f) == n;
}

int wb_stored_row_read(FILE *f, size_t n_columns, struct wb_stored_row *row)
{
    if (n_columns > WB_MAX_COLUMNS)
        return -1;
    int tag = getc(f);
    if (tag == EOF)
        return ferror(f) ? -1 : 0;
    row->text.len = 0;
    size_t offsets[WB_MAX_COLUMNS];
    for (size_t col = 0; col < n_columns; col++) {
        if (col > 0 && (tag = getc(f)) == EOF)
            return -1;
        row->tag[col] = (char)tag;
        if (tag == TAG_INT) {
            if (!get(f, &row->integer[col], sizeof row->integer[col]))
                return -1;
            continue;
        }
        uint32_t len;
        if (tag != TAG_TEXT || !get(f, &len, sizeof len))
            return -1;
        offsets[col] = row->text.len;
        char *at = buffer_reserve(&row->text, (size_t)len + 1); /* and its own NUL */
        if (!at || !get(f, at, len))
            return -1;
        at[len] = '\0';
    }
    /* the texts lie where the buffer ended up */
    for (size_t col = 0; col < n_columns; col++)
        row->value[col] = row->tag[col] == TAG_TEXT ? row->text.data + offsets[col] : NULL;
    return 1;
}

const char *wb_stored_text(struct wb_stored_row *row, int col)
{
    if (row->tag[col] == TAG_TEXT)
        return row->value[col];
    snprintf(row->digits[col], sizeof row->digits[col], "%lld", (long long)row->integer[col]);
    return row->digits[col];
}

int64_t wb_stored_int(const struct wb_stored_row *row, int col)
{
    if (row->tag[col] == TAG_INT)
        return row->integer[col];
    return strtoll(row->value[col], NULL, 10);
}

void wb_stored_row_free(struct wb_stored_row *row)
{
    free(row->text.data);
    row->text = (struct buffer){0};
}
