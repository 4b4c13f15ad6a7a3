/* cmd-run.c: `arbiter run`, the nightly batch: ingest, decide, settle and
 * post in one transaction, then write the reports (SPEC §5). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

#include "batch.h"
#include "cli.h"
#include "decide.h"
#include "digest.h"
#include "ingest.h"
#include "log.h"
#include "outputs.h"
#include "report.h"
#include "session.h"
#include "verify.h"

/* The batch's input files, opened before the database is touched. */
struct inputs {
    FILE *files[FILE_COUNT]; /* NULL: missing (allowed) */
};

static void close_inputs(struct inputs *in)
{
    for (int i = 0; i < FILE_COUNT; i++)
        if (in->files[i])
            fclose(in->files[i]);
}

/* Opens the input files; a required one missing is exit 66 unless
 * --allow-missing. overrides.csv is optional unless named by --overrides. */
static int open_inputs(const struct options *o, day_t as_of, struct inputs *in)
{
    char dir[4096], path[4200], date[DATE_TEXT_SIZE];
    date_format(as_of, date);
    if (o->in_dir)
        snprintf(dir, sizeof dir, "%s", o->in_dir);
    else
        snprintf(dir, sizeof dir, "incoming/%s", date);
    memset(in, 0, sizeof *in);
    for (int i = 0; i < FILE_COUNT; i++) {
        bool named = i == FILE_OVERRIDES && o->overrides_path;
        if (named)
            snprintf(path, sizeof path, "%s", o->overrides_path);
        else
            snprintf(path, sizeof path, "%s/%s", dir, input_file_names[i]);
        in->files[i] = fopen(path, "rb");
        if (in->files[i])
            continue;
        bool optional = (i == FILE_OVERRIDES && !named) || (o->allow_missing && !named);
        if (errno == ENOENT && optional)
            continue;
        log_error("%s: cannot read input: %s%s", path, strerror(errno),
                  errno == ENOENT && i != FILE_OVERRIDES ? " (--allow-missing counts it as empty)"
                                                         : "");
        close_inputs(in);
        return EX_NOINPUT;
    }
    return 0;
}

/* True when the inputs are byte-identical to those stored for batch_id. */
static bool same_inputs(struct db *db, int64_t batch_id, struct inputs *in)
{
    sqlite3_stmt *q = db_stmt(db, "SELECT present, sha256 FROM batch_file"
                                  " WHERE batch_id = ? AND file_no = ?");
    if (!q)
        return false;
    bool same = true;
    for (int i = 0; i < FILE_COUNT && same; i++) {
        char hex[DIGEST_HEX_SIZE] = "";
        if (in->files[i] && digest_file(in->files[i], hex) != 0)
            return false;
        db_bind_int(q, 1, batch_id);
        db_bind_int(q, 2, i);
        if (sqlite3_step(q) == SQLITE_ROW)
            same = sqlite3_column_int(q, 0) == (in->files[i] != NULL) &&
                   (!in->files[i] || strcmp((const char *)sqlite3_column_text(q, 1), hex) == 0);
        else
            same = in->files[i] == NULL;
        sqlite3_reset(q);
    }
    return same;
}

static day_t yesterday_utc(void)
{
    return (day_t)(time(NULL) / 86400) - 1;
}

/* Ingests and decides inside the open transaction. */
static int build_batch(struct batch *b, struct inputs *in, const struct options *o)
{
    log_phase_begin("ingest");
    for (int i = 0; i < FILE_COUNT; i++) {
        int rc = ingest_file(b, (enum input_file)i, in->files[i]);
        if (rc)
            return rc;
    }
    log_phase_end("4 files read");
    for (int i = 0; i < FILE_COUNT; i++)
        if (ingest_too_many_rejects(b, (enum input_file)i)) {
            char dir[4200], err[1024];
            session_report_dir(o, b->as_of, 0, dir, sizeof dir);
            snprintf(strrchr(dir, '/') + 1, 8, "failed");
            int rc = report_write_rejects(b->db, b->id, dir, err, sizeof err);
            if (rc)
                log_error("%s", err);
            snprintf(b->err, sizeof b->err,
                     "%s: %ld of %ld rows rejected, over the %.2f%% limit: batch not committed"
                     " (rejects in %.512s/rejects.csv)",
                     input_file_names[i], b->files[i].rejected, b->files[i].rows,
                     b->cfg->max_reject_rate * 100, dir);
            return EX_DATAERR;
        }
    int rc = decide_batch(b);
    if (rc)
        return rc;
    long broken = verify_invariants(b->db, b->id, stderr);
    if (broken != 0) {
        snprintf(b->err, sizeof b->err, "batch breaks %ld ledger invariant(s): not committed",
                 broken);
        return EX_SOFTWARE;
    }
    return 0;
}

static int insert_batch(struct batch *b)
{
    sqlite3_stmt *s = db_stmt(b->db, "INSERT INTO batch(as_of, revision, started_at)"
                                     " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
    if (!s)
        return -1;
    db_bind_int(s, 1, b->as_of);
    db_bind_int(s, 2, b->revision);
    if (db_exec_stmt(s) != SQLITE_DONE)
        return -1;
    b->id = sqlite3_last_insert_rowid(db_handle(b->db));
    return 0;
}

static int run_batch(struct session *s, const struct options *o, day_t as_of, struct inputs *in)
{
    struct batch b = {.db = s->db, .cfg = &s->cfg, .cal = &s->cal, .as_of = as_of, .revision = 1};
    int rc = db_exec(s->db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) {
        log_error("%s: cannot start the batch: %s", o->db_path, db_errmsg(s->db));
        return rc == SQLITE_BUSY ? EX_TEMPFAIL : EX_IOERR;
    }
    if (insert_batch(&b)) {
        snprintf(b.err, sizeof b.err, "cannot record the batch: %s", db_errmsg(s->db));
        rc = EX_IOERR;
    } else {
        rc = build_batch(&b, in, o);
    }
    sqlite3_stmt *done = db_stmt(s->db, "UPDATE batch SET finished_at ="
                                        " strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?");
    if (rc == 0 && done) {
        db_bind_int(done, 1, b.id);
        if (db_exec_stmt(done) != SQLITE_DONE || db_exec(s->db, "COMMIT") != SQLITE_OK) {
            snprintf(b.err, sizeof b.err, "cannot commit the batch: %s", db_errmsg(s->db));
            rc = EX_IOERR;
        }
    }
    if (rc) {
        db_exec(s->db, "ROLLBACK");
        log_error("%s", b.err);
        return rc;
    }
    return outputs_write(s->db, o, b.id, as_of, 1, false);
}

static int exec_run(const struct options *o)
{
    day_t as_of = o->has_as_of ? o->as_of : yesterday_utc();
    char date[DATE_TEXT_SIZE];
    date_format(as_of, date);
    struct inputs in;
    int rc = open_inputs(o, as_of, &in);
    if (rc)
        return rc;
    struct session s;
    rc = session_open(&s, o, NEED_CONFIG | NEED_LOCK | NEED_CREATE_DB);
    if (rc) {
        close_inputs(&in);
        return rc;
    }
    int64_t latest = db_query_int(s.db, "SELECT max(as_of) FROM batch WHERE in_effect = 1"
                                        " AND finished_at IS NOT NULL", -1);
    if (latest >= 0 && as_of <= latest) {
        int revision = 0;
        int64_t id = session_find_batch(&s, as_of, 0, &revision);
        if (id && same_inputs(s.db, id, &in)) {
            log_info("batch %s already committed with identical inputs: nothing to do", date);
            rc = outputs_write(s.db, o, id, as_of, revision, true);
        } else {
            char last[DATE_TEXT_SIZE];
            date_format((day_t)latest, last);
            log_error("batch %s is not after the latest committed batch %s%s", date, last,
                      id ? " and its inputs differ (use 'arbiter rerun')" : "");
            rc = EX_DATAERR;
        }
    } else {
        log_info("batch %s: starting", date);
        rc = run_batch(&s, o, as_of, &in);
        if (rc == 0)
            log_info("batch %s: committed in %.3f s", date, log_elapsed());
    }
    session_close(&s);
    close_inputs(&in);
    return rc;
}

const struct command cmd_run = {
    "run",
    "[--as-of D] [--in DIR] [--overrides F] [--allow-missing]",
    "ingest, decide and settle one nightly batch, then write its reports",
    OPT_AS_OF | OPT_IN | OPT_OVERRIDES | OPT_ALLOW_MISSING,
    0,
    exec_run,
};
