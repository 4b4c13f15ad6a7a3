/* session.h: what every command sets up from the common options: the
 * configuration, the holiday calendar, the reports folder, the process lock
 * and the database. */
#ifndef ARBITER_SESSION_H
#define ARBITER_SESSION_H

#include <stdbool.h>

#include "calendar.h"
#include "cli.h"
#include "config.h"
#include "db.h"

struct session {
    struct config cfg;
    struct calendar cal;
    struct db *db;
    int lock_fd;
    const char *created_db; /* the path of a database this session made, else NULL */
};

enum session_needs {
    NEED_CONFIG = 1 << 0,    /* configuration and calendar (a --config given is checked by all) */
    NEED_LOCK = 1 << 1,      /* exclusive: this process changes the database */
    NEED_CREATE_DB = 1 << 2, /* create the database when it does not exist */
    NEED_REPORTS = 1 << 3,   /* a reports folder this process can write into */
};

/* Sets up what `needs` asks for. Returns 0, or a sysexits code after
 * logging a one-line message. session_close undoes whatever was done,
 * down to a database this session made that holds no batch when it
 * closes (a first night that failed): no file is left where there was
 * none but the lock file, which stays: removed, a process that opened it
 * just before would hold a lock on a file the next one does not see. */
int session_open(struct session *s, const struct options *opts, unsigned needs);
void session_close(struct session *s);

/* The id of batch as_of's revision (0: the one in effect), 0 if none, -1
 * on a database error (db_errmsg, db_failure_exit). *revision receives its
 * revision number. */
int64_t session_find_batch(struct session *s, day_t as_of, int revision, int *revision_out);

/* Checks, before a batch of as_of is built, that its reports will have
 * their folder `<reports>/<D>/r<revision>`: the deepest part of it that
 * is there already (r<revision> itself, else <D>) is a folder this
 * process can write into. Makes nothing (a batch that fails writes into
 * <D>/failed). 0, else a message into err and EX_CANTCREAT. */
int session_check_report_dir(const struct options *opts, day_t as_of, int revision, char *err,
                             size_t err_size);

/* `<reports>/<D>/r<k>` into buf. */
void session_report_dir(const struct options *opts, day_t as_of, int revision, char *buf,
                        size_t size);

#endif
