/* session.c: the common setup of the commands. */
#include "session.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "lock.h"
#include "log.h"
#include "report.h"

/* Checks that the folder at dir, which exists (a link to nothing
 * included), is one this process can write into: 0, else a message into
 * err and EX_CANTCREAT. */
static int folder_writable(const char *dir, char *err, size_t err_size)
{
    struct stat st;
    int fail = 0;
    const char *what = "cannot create folder";
    if (stat(dir, &st) != 0) {
        fail = errno;
        if (fail == ENOENT) /* lstat found it: mkdir would say it exists */
            what = "cannot create folder: a symbolic link to nothing is there";
    } else if (!S_ISDIR(st.st_mode)) {
        fail = ENOTDIR;
    } else if (access(dir, W_OK | X_OK) != 0) {
        fail = errno;
        what = "cannot write into the folder";
    }
    if (!fail)
        return 0;
    if (fail == ENOENT)
        snprintf(err, err_size, "%s: %s", dir, what);
    else
        snprintf(err, err_size, "%s: %s: %s", dir, what, strerror(fail));
    return EX_CANTCREAT;
}

/* Makes the reports folder when it is missing and checks that it is a
 * folder this process can write into: done before the batch, so that a
 * --reports naming a file or a read-only folder fails (73) with nothing
 * committed rather than after the commit. */
static int reports_ready(const char *dir, char *err, size_t err_size)
{
    if (report_make_dirs(dir) != 0) {
        snprintf(err, err_size, "%s: cannot create folder: %s", dir, strerror(errno));
        return EX_CANTCREAT;
    }
    return folder_writable(dir, err, err_size);
}

int session_check_report_dir(const struct options *opts, day_t as_of, int revision, char *err,
                             size_t err_size)
{
    char dir[4200];
    session_report_dir(opts, as_of, revision, dir, sizeof dir);
    /* the folder the reports will be written into, or the revision's
     * folder made in: r<k> when it is there, else <D> when that is, else
     * the reports folder (session_open). lstat: a link to nothing is there */
    struct stat st;
    if (lstat(dir, &st) != 0) {
        *strrchr(dir, '/') = '\0';
        if (lstat(dir, &st) != 0 && errno == ENOENT)
            return 0;
    }
    return folder_writable(dir, err, err_size);
}

/* A database to be made in a folder that is not there fails naming the
 * folder, not the lock file that would be made first. */
static int db_folder_ready(const char *path, char *err, size_t err_size)
{
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", path);
    char *slash = strrchr(folder, '/');
    if (!slash || access(path, F_OK) == 0 || errno != ENOENT)
        return 0;
    *slash = '\0';
    if (!folder[0] || access(folder, F_OK) == 0 || errno != ENOENT)
        return 0;
    snprintf(err, err_size, "%s: cannot create the database: its folder %.*s does not exist",
             path, (int)(slash - folder), path);
    return EX_CANTCREAT;
}

/* A database file with more than one name (hard links: `ln`, `cp -l`, a
 * backup tool that links unchanged files) has as many logs and lock files
 * as names, since SQLite keeps its log and shared memory beside the name
 * it opened, and so does lock.c: two commands under two names would both
 * write, each into its own log, and corrupt the file. A command that
 * changes the database is refused (73); one that only reads it is warned,
 * since it may read a state another name's log has not yet copied in. */
static int refuse_linked_db(const char *path, bool writes, char *err, size_t err_size)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink <= 1)
        return 0;
    snprintf(err, err_size, "%s: the database file has %ju names (hard links): SQLite keeps a"
             " log beside each, and a run under another name would corrupt it; remove the"
             " other names (`find / -samefile %s`; a backup by hard link is no copy)",
             path, (uintmax_t)st.st_nlink, path);
    if (writes)
        return EX_CANTCREAT;
    log_warn("%s", err);
    return 0;
}

int session_open(struct session *s, const struct options *opts, unsigned needs)
{
    char err[1024];
    memset(s, 0, sizeof *s);
    s->lock_fd = -1;
    config_defaults(&s->cfg);
    int rc = 0;
    /* A --config given to a command that does not use it (a batch is
     * reported under the configuration stored with it) is still checked:
     * the same crontab line for every command should not hide a typo. */
    if ((needs & NEED_CONFIG) || opts->config_path) {
        if (opts->config_path)
            rc = config_load(&s->cfg, opts->config_path, err, sizeof err);
        if (rc == 0 && s->cfg.holidays_path[0]) {
            rc = calendar_load(&s->cal, s->cfg.holidays_path, err, sizeof err);
            if (rc) /* the path is the configuration's, resolved from its folder */
                snprintf(err + strlen(err), sizeof err - strlen(err),
                         " (the [calendar] holidays of %.800s)", opts->config_path);
        }
    }
    /* before the lock, which would leave its file beside no database */
    if (rc == 0 && !(needs & NEED_CREATE_DB) && db_missing(opts->db_path, err, sizeof err))
        rc = EX_NOINPUT;
    if (rc == 0 && (needs & NEED_CREATE_DB))
        rc = db_folder_ready(opts->db_path, err, sizeof err);
    if (rc == 0 && (needs & NEED_REPORTS))
        rc = reports_ready(opts->reports_dir, err, sizeof err);
    if (rc == 0) /* before the lock, whose file goes beside this name */
        rc = refuse_linked_db(opts->db_path, needs & NEED_LOCK, err, sizeof err);
    if (rc == 0 && (needs & NEED_LOCK)) {
        s->lock_fd = lock_acquire(opts->db_path, &rc, err, sizeof err);
        if (s->lock_fd >= 0)
            rc = 0;
    }
    if (rc == 0 && (needs & NEED_CREATE_DB) && access(opts->db_path, F_OK) != 0 &&
        errno == ENOENT)
        s->created_db = opts->db_path;
    if (rc == 0)
        rc = db_open(opts->db_path, needs & NEED_CREATE_DB, &s->db, err, sizeof err);
    if (rc) {
        log_error("%s", err);
        session_close(s);
    }
    return rc;
}

/* Removes the database this session made, and its log, while the lock
 * is still held; called when it holds no batch. */
static void remove_created_db(const char *path)
{
    static const char *const sides[] = {"", "-wal", "-shm", "-journal"};
    char side[4300];
    for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
        snprintf(side, sizeof side, "%s%s", path, sides[i]);
        if (unlink(side) != 0 && errno != ENOENT)
            log_warn("%s: cannot remove the empty database this run made: %s", side,
                     strerror(errno));
    }
}

void session_close(struct session *s)
{
    bool discard = s->created_db && s->db &&
                   db_query_int(s->db, "SELECT count(*) FROM batch", 1) == 0;
    db_close(s->db);
    s->db = NULL;
    if (discard)
        remove_created_db(s->created_db);
    s->created_db = NULL;
    calendar_free(&s->cal);
    lock_release(s->lock_fd);
    s->lock_fd = -1;
}

int64_t session_find_batch(struct session *s, day_t as_of, int revision, int *revision_out)
{
    sqlite3_stmt *q = db_stmt(s->db, "SELECT id, revision FROM batch WHERE as_of = ?1"
                                     " AND finished_at IS NOT NULL"
                                     " AND (revision = ?2 OR (?2 = 0 AND in_effect = 1))");
    if (!q)
        return -1;
    db_bind_int(q, 1, as_of);
    db_bind_int(q, 2, revision);
    int rc = db_step(q);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : rc == SQLITE_DONE ? 0 : -1;
    if (rc == SQLITE_ROW && revision_out)
        *revision_out = sqlite3_column_int(q, 1);
    sqlite3_reset(q);
    return id;
}

void session_report_dir(const struct options *opts, day_t as_of, int revision, char *buf,
                        size_t size)
{
    char date[DATE_TEXT_SIZE];
    date_format(as_of, date);
    snprintf(buf, size, "%s/%s/r%d", opts->reports_dir, date, revision);
}
