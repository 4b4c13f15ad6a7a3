/* pipeline.c: the steps of one batch, shared by run and rerun. */
#include "pipeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "decide.h"
#include "digest.h"
#include "files.h"
#include "ingest.h"
#include "log.h"
#include "outputs.h"
#include "report.h"
#include "session.h"
#include "totals.h"
#include "verify.h"

int inputs_open_file(const char *path, enum input_file which, struct batch_inputs *in)
{
    in->files[which] = files_open_regular(path);
    if (!in->files[which]) {
        log_error("%s: cannot read input: %s", path, files_strerror(errno));
        return EX_NOINPUT;
    }
    return 0;
}

int inputs_open_dir(const char *dir, const char *overrides_path, bool required,
                    bool allow_missing, struct batch_inputs *in)
{
    /* a folder not there at all is a mistyped --in or a feed that never
     * came, not a night of empty files, even with --allow-missing */
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        log_error("%s: no such input folder", dir);
        return EX_NOINPUT;
    }
    char path[4200];
    int opened = 0;
    for (int i = FILE_ORDERS; i <= FILE_OVERRIDES; i++) {
        if (i == FILE_OVERRIDES && overrides_path) {
            if (inputs_open_file(overrides_path, FILE_OVERRIDES, in))
                return EX_NOINPUT;
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, input_file_names[i]);
        bool optional = i == FILE_OVERRIDES || !required || allow_missing;
        if (access(path, F_OK) != 0 && errno == ENOENT) {
            if (optional)
                continue;
            log_error("%s: missing input file (--allow-missing counts it as empty)", path);
            return EX_NOINPUT;
        }
        if (inputs_open_file(path, (enum input_file)i, in))
            return EX_NOINPUT;
        opened++;
    }
    /* a rerun's folder of replacements that replaces nothing is a wrong
     * folder or misnamed files, not a rerun with nothing new */
    if (!required && opened == 0) {
        log_error("%s: holds none of orders.csv, tracking.csv, claims.csv, overrides.csv"
                  " (the files --in replaces)", dir);
        return EX_NOINPUT;
    }
    return 0;
}

void inputs_close(struct batch_inputs *in)
{
    for (int i = 0; i < FILE_COUNT; i++)
        if (in->files[i]) {
            fclose(in->files[i]);
            in->files[i] = NULL;
        }
}

int inputs_same_as_stored(struct db *db, int64_t batch_id, struct batch_inputs *in)
{
    sqlite3_stmt *q = db_stmt(db, "SELECT present, sha256 FROM batch_file"
                                  " WHERE batch_id = ? AND file_no = ?");
    if (!q)
        return -1;
    int same = 1;
    for (int i = 0; i < FILE_COUNT && same == 1; i++) {
        const char *hex = in->sha256[i];
        if (in->files[i] && !hex[0] && digest_file(in->files[i], in->sha256[i]) != 0) {
            in->sha256[i][0] = '\0';
            log_error("%s: read error: %s", input_file_names[i], strerror(errno));
            return -2;
        }
        db_bind_int(q, 1, batch_id);
        db_bind_int(q, 2, i);
        int rc = db_step(q);
        if (rc == SQLITE_ROW)
            same = sqlite3_column_int(q, 0) == (in->files[i] != NULL) &&
                   (!in->files[i] || strcmp((const char *)sqlite3_column_text(q, 1), hex) == 0);
        else
            same = rc == SQLITE_DONE ? in->files[i] == NULL : -1;
        sqlite3_reset(q);
    }
    return same;
}

static int insert_batch(struct batch *b)
{
    /* the batch's postings get ids from first_txn on (db-schema.c, version 5) */
    sqlite3_stmt *s = db_stmt(b->db, "INSERT INTO batch(as_of, revision, started_at,"
                                     " seller_response_days, protection_days, auto_refund_days,"
                                     " first_txn, config)"
                                     " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
                                     " ?, ?, ?, coalesce((SELECT max(id) FROM ledger_txn), 0) + 1,"
                                     " ?)");
    char *config = config_text(b->cfg, b->cal->holidays, b->cal->n_holidays);
    if (!s || !config) {
        free(config);
        return -1;
    }
    db_bind_int(s, 1, b->as_of);
    db_bind_int(s, 2, b->revision);
    db_bind_int(s, 3, b->cfg->seller_response_days);
    db_bind_int(s, 4, b->cfg->protection_days);
    db_bind_int(s, 5, b->cfg->auto_refund_days);
    sqlite3_bind_text(s, 6, config, -1, free);
    if (db_exec_stmt(s) != SQLITE_DONE)
        return -1;
    b->id = sqlite3_last_insert_rowid(db_handle(b->db));
    b->ledger.db = b->db;
    b->ledger.batch_id = b->id;
    return 0;
}

static int finish_batch(struct batch *b)
{
    sqlite3_stmt *s = db_stmt(b->db, "UPDATE batch SET finished_at ="
                                     " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
                                     " last_txn = (SELECT max(id) FROM ledger_txn) WHERE id = ?");
    if (!s)
        return -1;
    db_bind_int(s, 1, b->id);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

/* Writes the failed batch's rejects and explains the failure in b->err. */
static int fail_threshold(struct batch *b, enum input_file which, const struct options *o)
{
    char dir[4200], err[1024], note[4300];
    outputs_failed_dir(o, b->as_of, dir, sizeof dir);
    /* this failure is now the night's latest word: an earlier one's note
     * that a commit superseded it no longer holds */
    snprintf(note, sizeof note, "%s/%s", dir, OUTPUTS_SUPERSEDED_NOTE);
    if (unlink(note) != 0 && errno != ENOENT)
        log_warn("%s: cannot remove: %s", note, strerror(errno));
    int rc = report_write_rejects(b->db, b->id, dir, err, sizeof err);
    if (rc)
        log_error("%s", err);
    char where[600];
    if (rc)
        snprintf(where, sizeof where, "the rejects could not be written: see above");
    else
        snprintf(where, sizeof where, "rejects in %.512s/rejects.csv", dir);
    snprintf(b->err, sizeof b->err,
             "%s: %ld of %ld rows rejected, over the %.2f%% limit: batch not committed (%s)",
             input_file_names[which], b->files[which].rejected, b->files[which].rows,
             b->cfg->max_reject_rate * 100, where);
    return EX_DATAERR;
}

/* The fewest orders a night must bring for the rule indexes to be rebuilt
 * after ingestion: ARBITER_REBUILD_MIN_ORDERS when set (the tests set 1 to
 * take that path with small files), else 50,000. */
static long rebuild_min_orders(void)
{
    const char *forced = getenv("ARBITER_REBUILD_MIN_ORDERS");
    if (forced && *forced) {
        char *end;
        long n = strtol(forced, &end, 10);
        if (*end == '\0' && n >= 1)
            return n;
    }
    return 50000;
}

/* True when the night's orders.csv holds more orders than the database
 * (a first night, a catch-up after an outage): then the indexes of the
 * orders rules 17-19 may act on (db-schema.c) are dropped before ingestion, the
 * orders pass and the invariant check of the captures read the whole
 * table instead, and the indexes are built
 * once after it, over the orders left open, instead of being kept row by
 * row as every order is inserted, delivered and settled. Measured on the
 * 1M-order benchmark night: ingest 8.2 -> 6.1 s and orders 3.6 -> 2.6 s,
 * for one CREATE INDEX pass over the orders table, which is why a night
 * smaller than the table keeps them. The orders are estimated from the
 * file's size at 128 bytes a row (a real row is about 80); a file a
 * rerun reads back from the database has its rows counted (a rerun of a
 * first night, whose rollback leaves the table without its orders: at 1M
 * orders ingest 9.5-9.7 -> 7.2-7.3 s, orders 4.4-4.5 -> 2.7-2.8 s, the
 * rerun 45.3 -> 41.7 s). */
static bool rebuild_due_indexes(struct batch *b, const struct batch_inputs *in)
{
    FILE *f = in->files[FILE_ORDERS];
    struct stat st;
    long estimate = in->stored_orders;
    if (f && !estimate && fileno(f) >= 0 && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
        estimate = (long)(st.st_size / 128);
    if (!f || estimate < rebuild_min_orders())
        return false;
    int64_t known = db_query_int(b->db, "SELECT coalesce(sum(f.accepted), 0) FROM batch_file f"
                                        " JOIN batch b ON b.id = f.batch_id"
                                        " WHERE b.in_effect = 1 AND f.file_no = 0", -1);
    return known >= 0 && estimate > known;
}

/* The steps, with the batch's summary totals allocated around them. */
static int build(struct batch *b, struct batch_inputs *in, const struct options *o);

int pipeline_build(struct batch *b, struct batch_inputs *in, const struct options *o)
{
    b->ledger.totals = totals_new();
    if (!b->ledger.totals) {
        snprintf(b->err, sizeof b->err, "out of memory");
        return EX_SOFTWARE;
    }
    int rc = build(b, in, o);
    totals_free(b->ledger.totals);
    b->ledger.totals = NULL;
    return rc;
}

static int build(struct batch *b, struct batch_inputs *in, const struct options *o)
{
    if (insert_batch(b)) {
        snprintf(b->err, sizeof b->err, "cannot record the batch: %s", db_errmsg(b->db));
        return db_failure_exit(b->db);
    }
    bool rebuild = rebuild_due_indexes(b, in);
    if (rebuild && db_drop_due_indexes(b->db) != SQLITE_OK) {
        snprintf(b->err, sizeof b->err, "cannot drop the rule indexes: %s", db_errmsg(b->db));
        return db_failure_exit(b->db);
    }
    log_phase_begin("ingest");
    long rows = 0;
    for (int i = 0; i < FILE_COUNT; i++) {
        if (i >= FILE_ADDED_OVERRIDES && !in->files[i])
            continue;
        int rc = ingest_file(b, (enum input_file)i, in->files[i]);
        if (rc)
            return rc;
        rows += b->files[i].rows;
    }
    log_phase_end("%ld rows", rows);
    for (int i = 0; i < FILE_COUNT; i++)
        if (ingest_too_many_rejects(b, (enum input_file)i))
            return fail_threshold(b, (enum input_file)i, o);
    b->rule_indexes_dropped = rebuild;
    int rc = decide_batch(b);
    if (rc)
        return rc;
    if (rebuild) {
        log_phase_begin("index");
        if (db_create_due_indexes(b->db) != SQLITE_OK) {
            snprintf(b->err, sizeof b->err, "cannot build the rule indexes: %s", db_errmsg(b->db));
            return db_failure_exit(b->db);
        }
        b->rule_indexes_dropped = false;
        log_phase_end("rule indexes built for a night larger than the database");
    }
    if (totals_flush(b->ledger.totals, b->db, b->as_of)) {
        snprintf(b->err, sizeof b->err, "cannot record the totals: %s", db_errmsg(b->db));
        return db_failure_exit(b->db);
    }
    if (!b->replayed) {
        log_phase_begin("verify");
        /* an orders.csv estimated larger than the database (a first
         * night, a catch-up): one pass over the table costs less than a
         * lookup per capture, and if the file was mostly re-sent or
         * rejected rows the pass is only slower, not wrong */
        long broken = verify_batch(b->db, b->id, rebuild, stderr);
        if (broken < 0) {
            snprintf(b->err, sizeof b->err, "cannot verify the batch: %s", db_errmsg(b->db));
            return db_failure_exit(b->db);
        }
        if (broken > 0) {
            snprintf(b->err, sizeof b->err, "batch breaks %ld ledger invariant(s): not committed",
                     broken);
            return EX_SOFTWARE;
        }
        log_phase_end("invariants hold");
    }
    if (finish_batch(b)) {
        snprintf(b->err, sizeof b->err, "cannot record the batch: %s", db_errmsg(b->db));
        return db_failure_exit(b->db);
    }
    return 0;
}
