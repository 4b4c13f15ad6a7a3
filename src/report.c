/* report.c: query-to-CSV writers for the outputs of SPEC §6. Each output
 * is one SQL query whose columns are formatted by a one-letter type:
 * s text, d date (day number), m money in the row's currency. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "batch.h"
#include "csvfile.h"
#include "date.h"
#include "interrupt.h"
#include "money.h"

struct csv_output {
    const char *name;
    const char *header;
    const char *sql;      /* one parameter: the batch id */
    const char *types;    /* one letter per column */
    int currency_col;     /* column holding the currency, for 'm' */
};

static const struct csv_output decisions = {
    "decisions.csv", "claim_id,order_id,reason,status,rule,refund_amount,currency,decided_on",
    "SELECT d.claim_id, c.order_id, c.reason, d.status, d.rule, d.refund_amount, o.currency,"
    " CASE WHEN d.status IN ('REFUND', 'REJECTED') THEN b.as_of END"
    " FROM decision d JOIN claim c ON c.claim_id = d.claim_id"
    " JOIN orders o ON o.order_id = c.order_id JOIN batch b ON b.id = d.batch_id"
    " WHERE d.batch_id = ? ORDER BY d.claim_id",
    "sssssmsd", 6};

static const struct csv_output refunds = {
    "refunds.csv",
    "refund_id,order_id,claim_id,buyer_id,payment_method,amount,currency,queued_on,submit_on,"
    "expected_earliest,expected_latest,rule",
    "SELECT refund_id, order_id, claim_id, buyer_id, payment_method, amount, currency,"
    " queued_on, submit_on, expected_earliest, expected_latest, rule FROM refund"
    " WHERE batch_id = ? ORDER BY expected_latest, payment_method, refund_id",
    "sssssmsdddds", 6};

static const struct csv_output releases = {
    "releases.csv", "order_id,seller_id,gross,fee,net,currency,released_on,rule",
    "SELECT order_id, seller_id, gross, fee, net, currency, released_on, rule FROM release"
    " WHERE batch_id = ? ORDER BY order_id",
    "ssmmmsds", 5};

static const struct csv_output rejects = {
    "rejects.csv", "file,row,reason,raw",
    "SELECT " FILE_NAME_SQL("file_no") ", row, reason, raw FROM reject"
    " WHERE batch_id = ?" REJECT_ORDER_SQL,
    "ssss", -1};

static const struct csv_output adjustments = {
    "adjustments.csv", "action,kind,id,order_id,amount,currency,batch",
    "SELECT action, kind, id, order_id, amount, currency, as_of FROM adjustment"
    " WHERE batch_id = ? ORDER BY as_of, kind, id, action",
    "ssssmsd", 5};

int report_make_dirs(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0750) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(path, 0750) == 0)
        return 0;
    struct stat st;
    if (errno != EEXIST || stat(path, &st) != 0)
        return -1;
    if (S_ISDIR(st.st_mode))
        return 0;
    errno = ENOTDIR; /* a file where the folder goes */
    return -1;
}

/* `<dir>/<name>.tmp`, where a file is written before it is renamed into
 * place, into tmp. */
static void temp_path(const char *dir, const char *name, char tmp[4200])
{
    snprintf(tmp, 4200, "%s/%s.tmp", dir, name);
}

int report_create_temp(const char *tmp, char *err, size_t err_size)
{
    int fd = -1;
    if (unlink(tmp) == 0 || errno == ENOENT)
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0)
        snprintf(err, err_size, "%s: cannot create: %s", tmp, strerror(errno));
    return fd;
}

int report_open_file(const char *dir, const char *name, FILE **out, char *err, size_t err_size)
{
    char tmp[4200];
    temp_path(dir, name, tmp);
    /* watched before it is made: a signal between the two would leave it */
    interrupt_watch_file(tmp);
    int fd = report_create_temp(tmp, err, err_size);
    if (fd >= 0 && !(*out = fdopen(fd, "w"))) {
        snprintf(err, err_size, "%s: cannot create: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        fd = -1;
    }
    if (fd < 0) {
        interrupt_forget_file(tmp);
        return EX_CANTCREAT;
    }
    return 0;
}

int report_commit_file(FILE *f, const char *dir, const char *name, char *err, size_t err_size)
{
    char tmp[4200], final[4200];
    temp_path(dir, name, tmp);
    snprintf(final, sizeof final, "%s/%s", dir, name);
    bool failed = fflush(f) != 0 || ferror(f);
    int saved = errno;
    if (fclose(f) != 0 && !failed) {
        failed = true;
        saved = errno;
    }
    int rc = 0;
    if (failed) {
        snprintf(err, err_size, "%s: write error: %s", tmp, strerror(saved));
        remove(tmp);
        rc = EX_IOERR;
    } else if (rename(tmp, final) != 0) {
        snprintf(err, err_size, "%s: cannot rename into place: %s", final, strerror(errno));
        remove(tmp);
        rc = EX_CANTCREAT;
    }
    interrupt_forget_file(tmp);
    return rc;
}

/* The failed query of output `name`, said in err; its exit code. */
static int query_failed(struct db *db, const char *name, char *err, size_t err_size)
{
    snprintf(err, err_size, "%s: query error: %s", name, db_errmsg(db));
    return db_failure_exit(db);
}

/* Closes and removes `<dir>/<name>.tmp` after a failed query, and says
 * why in err: a reader never finds half a file. Returns the exit code. */
static int abandon_output(struct db *db, FILE *f, const char *dir, const char *name, char *err,
                          size_t err_size)
{
    int rc = query_failed(db, name, err, err_size);
    fclose(f);
    char tmp[4200];
    temp_path(dir, name, tmp);
    remove(tmp);
    interrupt_forget_file(tmp);
    return rc;
}

static int write_output(struct db *db, int64_t batch_id, const char *dir,
                        const struct csv_output *out, char *err, size_t err_size)
{
    FILE *f;
    int rc = report_open_file(dir, out->name, &f, err, err_size);
    if (rc)
        return rc;
    fprintf(f, "%s\n", out->header);
    sqlite3_stmt *s = db_stmt(db, out->sql);
    if (!s)
        return abandon_output(db, f, dir, out->name, err, err_size);
    db_bind_int(s, 1, batch_id);
    size_t n = strlen(out->types);
    const char *fields[16];
    char buffers[16][MONEY_TEXT_SIZE];
    while ((rc = db_step(s)) == SQLITE_ROW) {
        int exponent = out->currency_col >= 0
                           ? money_currency_exponent((const char *)sqlite3_column_text(s, out->currency_col))
                           : 0;
        for (size_t i = 0; i < n; i++) {
            int col = (int)i;
            if (sqlite3_column_type(s, col) == SQLITE_NULL) {
                fields[i] = "";
            } else if (out->types[i] == 'd') {
                date_format((day_t)sqlite3_column_int64(s, col), buffers[i]);
                fields[i] = buffers[i];
            } else if (out->types[i] == 'm') {
                fields[i] = money_format(sqlite3_column_int64(s, col), exponent, buffers[i]);
            } else {
                fields[i] = (const char *)sqlite3_column_text(s, col);
            }
        }
        csvfile_write_row(f, fields, n);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return abandon_output(db, f, dir, out->name, err, err_size);
    return report_commit_file(f, dir, out->name, err, err_size);
}

int report_write_rejects(struct db *db, int64_t batch_id, const char *dir, char *err,
                         size_t err_size)
{
    if (report_make_dirs(dir) != 0) {
        snprintf(err, err_size, "%s: cannot create folder: %s", dir, strerror(errno));
        return EX_CANTCREAT;
    }
    return write_output(db, batch_id, dir, &rejects, err, err_size);
}

static const struct csv_output *const every_batch[] = {&decisions, &refunds, &releases, &rejects};

/* Whether the batch is the first of a rerun, which also lists its
 * adjustments: 1 yes, 0 no, -1 database error. */
static int is_rerun_start(struct db *db, int64_t batch_id)
{
    sqlite3_stmt *q = db_stmt(db, "SELECT rerun_start FROM batch WHERE id = ?");
    if (!q)
        return -1;
    db_bind_int(q, 1, batch_id);
    int step = db_step(q);
    bool rerun_start = step == SQLITE_ROW && sqlite3_column_int(q, 0);
    sqlite3_reset(q);
    return step == SQLITE_ROW || step == SQLITE_DONE ? rerun_start : -1;
}

int report_write_csvs(struct db *db, int64_t batch_id, const char *dir, char *err,
                      size_t err_size)
{
    if (report_make_dirs(dir) != 0) {
        snprintf(err, err_size, "%s: cannot create folder: %s", dir, strerror(errno));
        return EX_CANTCREAT;
    }
    for (size_t i = 0; i < sizeof every_batch / sizeof every_batch[0]; i++) {
        int rc = write_output(db, batch_id, dir, every_batch[i], err, err_size);
        if (rc)
            return rc;
    }
    int rerun_start = is_rerun_start(db, batch_id);
    if (rerun_start < 0)
        return query_failed(db, adjustments.name, err, err_size);
    return rerun_start ? write_output(db, batch_id, dir, &adjustments, err, err_size) : 0;
}

bool report_csvs_present(struct db *db, int64_t batch_id, const char *dir)
{
    char path[4400];
    for (size_t i = 0; i < sizeof every_batch / sizeof every_batch[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, every_batch[i]->name);
        if (access(path, F_OK) != 0)
            return false;
    }
    int rerun_start = is_rerun_start(db, batch_id);
    snprintf(path, sizeof path, "%s/%s", dir, adjustments.name);
    return rerun_start == 0 || (rerun_start == 1 && access(path, F_OK) == 0);
}
