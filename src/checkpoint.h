/* checkpoint.h: after a batch commits, copy it from the write-ahead log
 * into the database file, on the reports' second thread (outputs.c)
 * instead of in the foreground at COMMIT. */
#ifndef ARBITER_CHECKPOINT_H
#define ARBITER_CHECKPOINT_H

struct checkpoint {
    int rc; /* SQLITE_OK, or the error of err */
    int log_frames, copied_frames;
    double seconds;
    char err[256];
};

/* Copies the committed log into db_path through a connection of its own
 * (PASSIVE: it never waits for a reader) and fills *c. Safe on any
 * thread; it logs nothing (see checkpoint_log). */
void checkpoint_copy(const char *db_path, struct checkpoint *c);

/* Logs the outcome of checkpoint_copy. A failed copy is a warning, not an
 * error: the batch is committed in the log, and the close of the last
 * connection copies it. */
void checkpoint_log(const char *db_path, const struct checkpoint *c);

#endif
