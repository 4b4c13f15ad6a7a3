/* interrupt.h: what SIGTERM, SIGINT and SIGHUP do to a running command
 * (a cron timeout, an operator's Ctrl-C). The process still ends by the
 * signal, as before, but first says on stderr where the batch stands and
 * removes the report files it was writing under their temporary names.
 * The database needs nothing: a transaction not committed is not there
 * when SQLite next opens the file. */
#ifndef ARBITER_INTERRUPT_H
#define ARBITER_INTERRUPT_H

/* Where the command stands, for the message of an interruption. */
enum interrupt_stage {
    INTERRUPT_READING,    /* nothing written yet, or only a transaction to come */
    INTERRUPT_BUILDING,   /* a batch transaction is open: not committed */
    INTERRUPT_COMMITTING, /* COMMIT is under way: `arbiter status` tells */
    INTERRUPT_REPORTING,  /* committed; its reports are being written */
    INTERRUPT_DONE,       /* committed, and its reports written */
};

/* Installs the handlers (main, once). */
void interrupt_install(void);

/* Says where the command stands. For INTERRUPT_REPORTING, `report_hint`
 * (copied) is the command that writes the reports, or NULL. */
void interrupt_set_stage(enum interrupt_stage stage, const char *report_hint);

/* Registers a temporary file being written, to be removed on an
 * interruption, until it is forgotten (renamed into place, or removed);
 * any thread. Past WATCH_SLOTS files at once, one is left, as before. */
void interrupt_watch_file(const char *path);
void interrupt_forget_file(const char *path);

#endif
