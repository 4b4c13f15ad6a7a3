/* cmd-run.c: `arbiter run`, the nightly batch: ingest, decide, settle and
 * post in one transaction, then write the reports (SPEC §5). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "cli.h"
#include "interrupt.h"
#include "log.h"
#include "outputs.h"
#include "pipeline.h"
#include "session.h"

static day_t yesterday_utc(void)
{
    return (day_t)(time(NULL) / 86400) - 1;
}

/* Builds and commits the batch, then writes its reports. */
static int run_batch(struct session *s, const struct options *o, day_t as_of,
                     struct batch_inputs *in)
{
    struct batch b = {.db = s->db, .cfg = &s->cfg, .cal = &s->cal, .as_of = as_of, .revision = 1};
    int rc = session_check_report_dir(o, as_of, b.revision, b.err, sizeof b.err);
    if (rc) {
        log_error("%s (batch not committed: run the night again once that is fixed)", b.err);
        return rc;
    }
    rc = db_exec(s->db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) {
        log_error("%s: cannot start the batch: %s", o->db_path, db_errmsg_plain(s->db));
        return db_failure_exit(s->db);
    }
    interrupt_set_stage(INTERRUPT_BUILDING, NULL);
    rc = pipeline_build(&b, in, o);
    if (rc == 0) {
        log_phase_begin("commit");
        interrupt_set_stage(INTERRUPT_COMMITTING, NULL);
        if (db_exec(s->db, "COMMIT") != SQLITE_OK) {
            snprintf(b.err, sizeof b.err, "cannot commit the batch: %s", db_errmsg(s->db));
            rc = db_failure_exit(s->db);
        } else {
            log_phase_end("batch %d committed", (int)b.id);
        }
    }
    if (rc) {
        db_exec(s->db, "ROLLBACK");
        log_error("%s", b.err);
        return rc;
    }
    rc = outputs_write(s->db, o, b.id, as_of, 1, OUTPUTS_CHECKPOINT_FIRST | OUTPUTS_SAY_COMMITTED);
    outputs_mark_failed_superseded(o, as_of, 1);
    return rc;
}

/* The revision of batch as_of, newest first, that was committed with
 * inputs identical to `in`: 0 when none, -1 on a database error, -2 on a
 * read error of the inputs (logged). A night that a rerun has since
 * replaced still matches its first revision: its files are the same. */
static int revision_with_inputs(struct db *db, day_t as_of, struct batch_inputs *in)
{
    sqlite3_stmt *q = db_stmt(db, "SELECT id, revision FROM batch WHERE as_of = ?"
                                  " AND finished_at IS NOT NULL ORDER BY revision DESC");
    if (!q)
        return -1;
    db_bind_int(q, 1, as_of);
    int found = 0, rc;
    while (found == 0 && (rc = db_step(q)) == SQLITE_ROW) {
        int same = inputs_same_as_stored(db, sqlite3_column_int64(q, 0), in);
        found = same == 1 ? sqlite3_column_int(q, 1) : same;
    }
    sqlite3_reset(q);
    return found != 0 || rc == SQLITE_DONE ? found : -1;
}

/* A date not after the latest batch: a no-op when the inputs are those a
 * revision of it was committed with (cron retries), else refused. */
static int repeat_batch(struct session *s, const struct options *o, day_t as_of, day_t latest,
                        struct batch_inputs *in)
{
    char date[DATE_TEXT_SIZE], last[DATE_TEXT_SIZE];
    date_format(as_of, date);
    date_format(latest, last);
    int revision = 0;
    int64_t id = session_find_batch(s, as_of, 0, &revision);
    int same = id > 0 ? revision_with_inputs(s->db, as_of, in) : 0;
    if (same == -2)
        return EX_IOERR;
    if (id < 0 || same < 0) {
        log_error("%s: cannot read batch %s: %s", o->db_path, date, db_errmsg_plain(s->db));
        return db_failure_exit(s->db);
    }
    if (same) {
        if (same == revision)
            log_info("batch %s already committed with identical inputs: nothing to do", date);
        else
            log_info("batch %s already committed with identical inputs as revision %d;"
                     " revision %d, of a rerun, is in effect: nothing to do", date, same, revision);
        return outputs_write(s->db, o, id, as_of, revision,
                             OUTPUTS_ONLY_MISSING | OUTPUTS_SAY_COMMITTED);
    }
    log_error("batch %s is not after the latest committed batch %s%s", date, last,
              id ? " and its inputs differ (use 'arbiter rerun')" : "");
    return EX_DATAERR;
}

static int exec_run(const struct options *o)
{
    day_t as_of = o->has_as_of ? o->as_of : yesterday_utc();
    char date[DATE_TEXT_SIZE], dir[4096];
    date_format(as_of, date);
    /* a night is settled once it is over: a date ahead (a typo, 2062 for
     * 2026) would release and refund by its windows, and every real night
     * after would be refused as not after it. Today, UTC, and the day
     * after (a marketplace east of UTC) are let through. */
    day_t today = yesterday_utc() + 1;
    if (as_of > today + 1) {
        char text[DATE_TEXT_SIZE];
        date_format(today, text);
        log_error("--as-of %s is in the future (today is %s, UTC): a night is settled once it"
                  " is over", date, text);
        return EX_USAGE;
    }
    if (o->in_dir)
        snprintf(dir, sizeof dir, "%s", o->in_dir);
    else
        snprintf(dir, sizeof dir, "incoming/%s", date);
    struct batch_inputs in = {0};
    int rc = inputs_open_dir(dir, o->overrides_path, true, o->allow_missing, &in);
    struct session s;
    if (rc == 0)
        rc = session_open(&s, o, NEED_CONFIG | NEED_REPORTS | NEED_LOCK | NEED_CREATE_DB);
    if (rc) {
        inputs_close(&in);
        return rc;
    }
    /* -1: no batch yet; INT64_MIN: the query failed */
    int64_t latest = db_query_int(s.db, "SELECT coalesce(max(as_of), -1) FROM batch"
                                        " WHERE in_effect = 1 AND finished_at IS NOT NULL",
                                  INT64_MIN);
    if (latest == INT64_MIN) {
        log_error("%s: cannot read the batches: %s", o->db_path, db_errmsg_plain(s.db));
        rc = db_failure_exit(s.db);
    } else if (latest >= 0 && as_of <= latest) {
        rc = repeat_batch(&s, o, as_of, (day_t)latest, &in);
    } else {
        log_info("batch %s: starting", date);
        rc = run_batch(&s, o, as_of, &in);
        if (rc == 0)
            log_info("batch %s: committed in %.3f s", date, log_elapsed());
    }
    session_close(&s);
    inputs_close(&in);
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
