/* outputs.c: the reports folder of one batch revision. */
#include "outputs.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "checkpoint.h"
#include "interrupt.h"
#include "log.h"
#include "report.h"
#include "session.h"
#include "workbook.h"

/* That revision `revision` of batch `date` has incomplete reports, and
 * the command that writes them (`when` goes before it), into buf: "batch
 * D revision K is committed, its reports ..." for a run or rerun
 * (OUTPUTS_SAY_COMMITTED), "the reports of batch D revision K ..." for
 * `report` itself; with OUTPUTS_MORE_FOLLOW, the later revisions too. */
static void incomplete_reports(char *buf, size_t size, const char *date, int revision,
                               unsigned flags, const char *when)
{
    char head[128];
    if (flags & OUTPUTS_SAY_COMMITTED)
        snprintf(head, sizeof head, "batch %s revision %d is committed, its reports", date,
                 revision);
    else
        snprintf(head, sizeof head, "the reports of batch %s revision %d", date, revision);
    snprintf(buf, size, "%s are not complete: %s'arbiter report --as-of %s --revision %d' writes"
             " them%s", head, when, date, revision,
             flags & OUTPUTS_MORE_FOLLOW ? ", and so for each later revision of the rerun" : "");
}

/* After a failure to write a committed revision's reports: what is safe
 * to do, for an operator who sees only the errors (--quiet). */
static void report_hint(const char *date, int revision)
{
    char hint[600];
    incomplete_reports(hint, sizeof hint, date, revision, OUTPUTS_SAY_COMMITTED,
                       "once that is fixed, ");
    log_error("%s", hint);
}

/* What an interruption while the reports are written says (interrupt.h). */
static void set_interrupt_hint(const char *date, int revision, unsigned flags)
{
    char hint[600];
    incomplete_reports(hint, sizeof hint, date, revision, flags, "");
    interrupt_set_stage(INTERRUPT_REPORTING, hint);
}

/* The CSVs of one revision, written on a second thread through a
 * connection of its own while the calling thread writes the workbook:
 * both only read the committed batch, and the workbook is the longer.
 * The thread first fetches the workbook's slowest query ahead (when
 * `ahead` is set), then, when asked, copies the batch from the log into
 * the database file (checkpoint.c), so that the CSVs read the file
 * alone. */
struct csv_job {
    const char *db_path, *dir;
    int64_t batch_id;
    bool checkpoint_first;
    struct workbook_prefetch *ahead;
    struct checkpoint checkpoint;
    pthread_t thread;
    int rc;
    double seconds;
    char err[1024];
};

static void *write_csvs(void *arg)
{
    struct csv_job *j = arg;
    struct db *db;
    j->rc = db_open(j->db_path, false, &db, j->err, sizeof j->err);
    /* a quarter of the main cache (and so of its sorts): the CSVs read
     * each table once, in order, and the prefetch's sort spills to a
     * temporary file past it (10M orders: 287 MB of peak memory with a
     * whole cache, 182 MB at 1M) */
    if (j->rc == 0)
        db_set_cache_mib(db, DB_CACHE_MIB / 4);
    if (j->ahead) /* it tells the workbook even when the database did not open */
        workbook_prefetch_run(j->ahead, j->rc == 0 ? db : NULL, j->batch_id);
    if (j->checkpoint_first)
        checkpoint_copy(j->db_path, &j->checkpoint);
    double start = log_elapsed();
    if (j->rc == 0) {
        j->rc = report_write_csvs(db, j->batch_id, j->dir, j->err, sizeof j->err);
        db_close(db);
    }
    j->seconds = log_elapsed() - start;
    return NULL;
}

/* Writes `<dir>/<name>` (through a temporary name) holding the text of
 * fmt; a failure is a warning, since the batch it speaks of is committed. */
static void write_folder_note(const char *dir, const char *name, const char *fmt, ...)
{
    char err[1024];
    FILE *f;
    int rc = report_open_file(dir, name, &f, err, sizeof err);
    if (rc == 0) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(f, fmt, ap);
        va_end(ap);
        rc = report_commit_file(f, dir, name, err, sizeof err);
    }
    if (rc)
        log_warn("%s", err);
}

void outputs_mark_replaced(const struct options *o, day_t as_of, int old_revision,
                           int new_revision)
{
    char dir[4200], date[DATE_TEXT_SIZE], stamp[LOG_TIMESTAMP_SIZE];
    date_format(as_of, date);
    log_timestamp(stamp);
    for (int k = 1; k <= old_revision; k++) {
        session_report_dir(o, as_of, k, dir, sizeof dir);
        if (access(dir, F_OK) != 0)
            continue;
        write_folder_note(dir, "REPLACED.txt",
                          "Revision %d of batch %s was replaced by revision %d. Revision %d,"
                          " written by a rerun at %s, is in effect now.\nThe reports in this"
                          " folder are kept as they were written (their workbook says in effect:"
                          " that was so then);\nthose in effect are in ../r%d/.\n",
                          k, date, k + 1, new_revision, stamp, new_revision);
    }
}

void outputs_failed_dir(const struct options *o, day_t as_of, char *buf, size_t size)
{
    session_report_dir(o, as_of, 0, buf, size);
    char *last = strrchr(buf, '/');
    if (last && (size_t)(last - buf) + sizeof "/failed" <= size)
        strcpy(last, "/failed");
}

void outputs_mark_failed_superseded(const struct options *o, day_t as_of, int revision)
{
    char dir[4200], rejects[4300], date[DATE_TEXT_SIZE], stamp[LOG_TIMESTAMP_SIZE];
    outputs_failed_dir(o, as_of, dir, sizeof dir);
    snprintf(rejects, sizeof rejects, "%s/rejects.csv", dir);
    if (access(rejects, F_OK) != 0)
        return;
    date_format(as_of, date);
    log_timestamp(stamp);
    write_folder_note(dir, OUTPUTS_SUPERSEDED_NOTE,
                      "The rejects.csv in this folder is from a run of batch %s that failed"
                      " and committed nothing.\nBatch %s was committed since, as revision %d,"
                      " at %s: its reports, rejects included, are in ../r%d/.\n",
                      date, date, revision, stamp, revision);
}

int outputs_write(struct db *db, const struct options *o, int64_t batch_id, day_t as_of,
                  int revision, unsigned flags)
{
    bool only_missing = flags & OUTPUTS_ONLY_MISSING;
    char dir[4200], workbook[4400], date[DATE_TEXT_SIZE], err[1024];
    session_report_dir(o, as_of, revision, dir, sizeof dir);
    date_format(as_of, date);
    snprintf(workbook, sizeof workbook, "%s/arbiter-%s-r%d.xlsx", dir, date, revision);
    bool workbook_kept = only_missing && access(workbook, F_OK) == 0;
    if (workbook_kept && report_csvs_present(db, batch_id, dir))
        return 0;
    set_interrupt_hint(date, revision, flags);
    if (report_make_dirs(dir) != 0) {
        log_error("%s: cannot create folder: %s", dir, strerror(errno));
        if (flags & OUTPUTS_SAY_COMMITTED)
            report_hint(date, revision);
        return EX_CANTCREAT;
    }
    /* the pages the batch wrote are of no use to the reports: the cache
     * fills again with what they read, and the peak stays one cache */
    db_set_cache_mib(db, DB_CACHE_MIB);
    bool write_workbook = !workbook_kept;
    struct csv_job csv = {.db_path = o->db_path, .dir = dir, .batch_id = batch_id,
                          .checkpoint_first = flags & OUTPUTS_CHECKPOINT_FIRST,
                          .ahead = write_workbook ? workbook_prefetch_new() : NULL};
    bool threaded = pthread_create(&csv.thread, NULL, write_csvs, &csv) == 0;
    if (!threaded) {
        log_warn("cannot start a second thread: the CSVs are written before the workbook");
        workbook_prefetch_free(csv.ahead); /* fetched here, it would only cost a file */
        csv.ahead = NULL;
        write_csvs(&csv);
    }
    int rc = 0;
    log_phase_begin("workbook");
    if (write_workbook)
        rc = workbook_write(db, batch_id, csv.ahead, workbook, err, sizeof err);
    if (rc == 0)
        log_phase_end(write_workbook ? "written to %s" : "%s was there: kept", workbook);
    if (threaded)
        pthread_join(csv.thread, NULL);
    workbook_prefetch_free(csv.ahead);
    if (csv.checkpoint_first) {
        checkpoint_log(o->db_path, &csv.checkpoint);
        db_keep_log(db, DB_KEPT_LOG_BYTES);
    }
    if (csv.rc == 0)
        log_info("csv: written to %s beside the workbook (%.3f s)", dir, csv.seconds);
    else
        log_error("%s", csv.err);
    if (rc)
        log_error("%s", err);
    rc = csv.rc ? csv.rc : rc;
    if (rc && (flags & OUTPUTS_SAY_COMMITTED))
        report_hint(date, revision);
    if (rc == 0)
        interrupt_set_stage(INTERRUPT_DONE, NULL);
    return rc;
}
