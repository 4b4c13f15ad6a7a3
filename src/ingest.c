/* ingest.c: reads one input file into the batch (ingest.h): maps its
 * header, hands each row to its file's validator (ingest-orders.c,
 * ingest-tracking.c, ingest-claims.c), counts and keeps rejects, sorts
 * orders.csv and tracking.csv into the orders' key order, and stores the
 * file's bytes. Also the checks the validators share (ingest-row.h). */
#include "ingest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "digest.h"
#include "ingest-row.h"
#include "log.h"

const char *const input_file_names[FILE_COUNT] = {
    "orders.csv",    "tracking.csv",  "claims.csv",    "overrides.csv",
    "overrides.csv", "overrides.csv", "overrides.csv", "overrides.csv",
    "overrides.csv", "overrides.csv", "overrides.csv", "overrides.csv",
};

struct column {
    const char *name;
    bool optional;
};

typedef enum row_outcome (*row_validator)(struct reader *rd, const char **reason);

/* A file's columns, by the validator's column numbers, and its validator. */
struct file_kind {
    struct column columns[MAX_COLUMNS];
    row_validator validate;
};

const char *ingest_place_date(day_t d, day_t not_before, day_t as_of)
{
    if (d > as_of)
        return "future_date";
    if (d < not_before)
        return "before_order";
    return NULL;
}

enum row_outcome ingest_id_taken(struct reader *rd, const char *sql, const char *id,
                                 const char **reason)
{
    sqlite3_stmt *s = db_stmt(rd->b->db, sql);
    if (!s)
        return ROW_FAILED;
    db_bind_text_static(s, 1, id);
    int taken = db_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    return taken ? reject(reason, "duplicate_conflict") : ROW_FAILED;
}

/* By enum input_file; every added overrides file is of the overrides kind. */
static const struct file_kind kinds[FILE_OVERRIDES + 1] = {
    [FILE_ORDERS] = {{{"order_id"}, {"buyer_id"}, {"seller_id"}, {"placed_at"}, {"amount"},
                      {"currency"}, {"payment_method"}, {"promised_days"}},
                     ingest_validate_order},
    [FILE_TRACKING] = {{{"order_id"}, {"event_at"}, {"status"}, {"carrier", true},
                        {"tracking_number", true}},
                       ingest_validate_event},
    [FILE_CLAIMS] = {{{"claim_id"}, {"order_id"}, {"opened_at"}, {"reason"}, {"amount"},
                      {"seller_response"}, {"responded_at"}},
                     ingest_validate_claim},
    [FILE_OVERRIDES] = {{{"claim_id"}, {"outcome"}, {"amount"}, {"note"}},
                        ingest_validate_override},
};

/* Maps the header's columns; a required column missing, or a known one
 * given twice (which of the two would be read?), fails the batch. The
 * log names the columns it ignores. */
static int read_header(struct reader *rd, const struct csv_row *row)
{
    const char *name = input_file_names[rd->which];
    rd->header_fields = row->n_fields;
    for (int i = 0; i < MAX_COLUMNS && rd->kind->columns[i].name; i++) {
        const char *column = rd->kind->columns[i].name;
        rd->map[i] = -1;
        for (size_t f = 0; f < row->n_fields; f++) {
            if (strcmp(row->fields[f], column) != 0)
                continue;
            if (rd->map[i] >= 0) {
                snprintf(rd->b->err, sizeof rd->b->err,
                         "%s: row 1: column '%s' given twice (columns %d and %zu)", name, column,
                         rd->map[i] + 1, f + 1);
                return EX_DATAERR;
            }
            rd->map[i] = (int)f;
        }
        if (rd->map[i] < 0 && !rd->kind->columns[i].optional) {
            snprintf(rd->b->err, sizeof rd->b->err, "%s: row 1: missing column '%s'", name,
                     column);
            return EX_DATAERR;
        }
    }
    char unknown[256] = "";
    size_t n_unknown = 0, used = 0;
    for (size_t f = 0; f < row->n_fields; f++) {
        bool known = false;
        for (int i = 0; i < MAX_COLUMNS && rd->kind->columns[i].name && !known; i++)
            known = rd->map[i] == (int)f;
        if (known)
            continue;
        n_unknown++;
        int wrote = snprintf(unknown + used, sizeof unknown - used, "%s'%.64s'",
                             used ? ", " : "", row->fields[f]);
        used = wrote < 0 || (size_t)wrote >= sizeof unknown - used ? sizeof unknown - 1
                                                                  : used + (size_t)wrote;
    }
    if (n_unknown)
        log_warn("%s: %zu unknown column(s) ignored: %s%s", name, n_unknown, unknown,
                 used == sizeof unknown - 1 ? "..." : "");
    return 0;
}

static int record_reject(struct reader *rd, const char *reason)
{
    sqlite3_stmt *s = db_stmt(rd->b->db, "INSERT INTO reject(batch_id, file_no, row, reason, raw)"
                                         " VALUES (?, ?, ?, ?, ?)");
    if (!s)
        return -1;
    db_bind_int(s, 1, rd->b->id);
    db_bind_int(s, 2, rd->which);
    db_bind_int(s, 3, rd->row->row_no);
    db_bind_text(s, 4, reason);
    db_bind_text(s, 5, rd->row->raw);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

/* Checks and stores one data row, counting it. */
static int process_row(void *ctx, const struct csv_row *row)
{
    struct reader *rd = ctx;
    rd->row = row;
    struct file_stats *st = &rd->b->files[rd->which];
    if (++st->rows % 65536 == 0)
        log_progress(input_file_names[rd->which], st->rows);
    const char *reason = NULL;
    enum row_outcome outcome;
    if (row->overlong)
        outcome = reject(&reason, "field_too_long");
    else if (row->n_fields != rd->header_fields)
        outcome = reject(&reason, "bad_row");
    else if (row->too_long)
        outcome = reject(&reason, "field_too_long");
    else if (row->bad_encoding)
        outcome = reject(&reason, "bad_encoding");
    else
        outcome = rd->kind->validate(rd, &reason);
    switch (outcome) {
    case ROW_ACCEPTED:
        st->accepted++;
        return 0;
    case ROW_DUPLICATE:
        st->duplicates++;
        return 0;
    case ROW_COUNTED_LATER:
        return 0;
    case ROW_REJECTED:
        st->rejected++;
        if (record_reject(rd, reason) == 0)
            return 0;
        break;
    case ROW_FAILED:
        break;
    }
    snprintf(rd->b->err, sizeof rd->b->err, "%s: row %ld: database error: %s",
             input_file_names[rd->which], row->row_no, db_errmsg(rd->b->db));
    return db_failure_exit(rd->b->db);
}

/* A rowsort result: -1 (out of memory) becomes the batch's failure. */
static int sorted_rc(struct reader *rd, int rc)
{
    if (rc >= 0)
        return rc;
    snprintf(rd->b->err, sizeof rd->b->err, "%s: out of memory", input_file_names[rd->which]);
    return EX_SOFTWARE;
}

/* Hands the stored rows to process_row in the order of the orders
 * table's key (rowsort.h). */
static int drain_sorted(struct reader *rd)
{
    return sorted_rc(rd, rowsort_drain(&rd->sorted, (size_t)rd->map[0], process_row, rd));
}

static int on_row(void *ctx, const struct csv_row *row)
{
    struct reader *rd = ctx;
    if (row->row_no == 1) {
        if (row->overlong) {
            snprintf(rd->b->err, sizeof rd->b->err, "%s: row 1: header row over %d bytes",
                     input_file_names[rd->which], CSVFILE_ROW_MAX);
            return EX_DATAERR;
        }
        return read_header(rd, row);
    }
    if (!rd->sorting)
        return process_row(rd, row);
    int rc = sorted_rc(rd, rowsort_add(&rd->sorted, row));
    if (rc == 1) {
        rc = drain_sorted(rd);
        if (rc == 0)
            rc = sorted_rc(rd, rowsort_add(&rd->sorted, row));
    }
    return rc;
}

/* Keeps the bytes in the database (the store checksums them). */
static int on_bytes(void *ctx, const void *bytes, size_t len)
{
    struct reader *rd = ctx;
    if (filestore_write(&rd->store, bytes, len) != 0) {
        snprintf(rd->b->err, sizeof rd->b->err, "%s: cannot store the file: %s",
                 input_file_names[rd->which], db_errmsg(rd->b->db));
        return db_failure_exit(rd->b->db);
    }
    return 0;
}

static int save_stats(struct batch *b, enum input_file which, bool present)
{
    struct file_stats *st = &b->files[which];
    sqlite3_stmt *s = db_stmt(
        b->db, "INSERT INTO batch_file(batch_id, file_no, present, sha256, rows, accepted,"
               " duplicates, rejected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!s)
        return -1;
    db_bind_int(s, 1, b->id);
    db_bind_int(s, 2, which);
    db_bind_int(s, 3, present);
    db_bind_text(s, 4, st->sha256);
    db_bind_int(s, 5, st->rows);
    db_bind_int(s, 6, st->accepted);
    db_bind_int(s, 7, st->duplicates);
    db_bind_int(s, 8, st->rejected);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

int ingest_file(struct batch *b, enum input_file which, FILE *in)
{
    struct reader rd = {.b = b,
                        .which = which,
                        .kind = &kinds[which < FILE_OVERRIDES ? which : FILE_OVERRIDES]};
    struct file_stats *st = &b->files[which];
    const char *name = input_file_names[which];
    st->present = in != NULL;
    double started = log_elapsed();
    int rc = 0;
    if (which == FILE_OVERRIDES && ingest_begin_overrides(b) != 0) {
        snprintf(b->err, sizeof b->err, "%s: database error: %s", name, db_errmsg(b->db));
        return db_failure_exit(b->db);
    }
    if (in) {
        if (filestore_begin(&rd.store, b->db, b->id, which) != 0) {
            snprintf(b->err, sizeof b->err, "%s: out of memory", name);
            return EX_SOFTWARE;
        }
        rowsort_init(&rd.sorted, ROWSORT_BYTES);
        rd.sorting = which == FILE_ORDERS || which == FILE_TRACKING;
        rc = csvfile_read(in, on_row, on_bytes, &rd);
        if (rc == 0)
            rc = drain_sorted(&rd);
        rowsort_free(&rd.sorted);
        if (rc == 0 && ingest_flush_events(&rd) != 0) {
            snprintf(b->err, sizeof b->err, "%s: database error: %s", name, db_errmsg(b->db));
            rc = db_failure_exit(b->db);
        }
        events_merge_free(&rd.events);
        if (rc < 0) {
            snprintf(b->err, sizeof b->err, "%s: read error: %s", name, strerror(errno));
            rc = EX_IOERR;
        } else if (rc == 0 && rd.header_fields == 0) {
            snprintf(b->err, sizeof b->err, "%s: no header row", name);
            rc = EX_DATAERR;
        }
        if (filestore_end(&rd.store, rc == 0, st->sha256) != 0 && rc == 0) {
            snprintf(b->err, sizeof b->err, "%s: cannot store the file: %s", name,
                     db_errmsg(b->db));
            rc = db_failure_exit(b->db);
        }
    }
    if (rc)
        return rc;
    if (!in) { /* a missing file's checksum is the empty file's, as before */
        struct sha256_ctx none;
        sha256_init(&none);
        digest_hex(&none, st->sha256);
    }
    if (save_stats(b, which, in != NULL)) {
        snprintf(b->err, sizeof b->err, "%s: database error: %s", name, db_errmsg(b->db));
        return db_failure_exit(b->db);
    }
    log_info("%s: %ld rows = %ld accepted + %ld duplicates + %ld rejected (%.3f s)", name,
             st->rows, st->accepted, st->duplicates, st->rejected, log_elapsed() - started);
    /* an override is a person's adjudication: one not applied is worth a
     * warning, which --quiet still shows, not only a count */
    if (which >= FILE_OVERRIDES && st->rejected > 0)
        log_warn("%s%s: %ld adjudication(s) rejected, not applied: see rejects.csv",
                 name, which > FILE_OVERRIDES ? " (added by a rerun)" : "", st->rejected);
    return 0;
}

bool ingest_too_many_rejects(const struct batch *b, enum input_file which)
{
    const struct file_stats *st = &b->files[which];
    return st->rejected > 10 && (double)st->rejected > b->cfg->max_reject_rate * (double)st->rows;
}