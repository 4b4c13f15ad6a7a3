/* checkpoint.h: after a batch commits, copy it from the write-ahead log
 * into the database file on a second thread while the reports are
 * written, instead of in the foreground at COMMIT. */
#ifndef ARBITER_CHECKPOINT_H
#define ARBITER_CHECKPOINT_H

struct checkpoint;

/* Starts the copy on its own connection to db_path. Returns the handle
 * that checkpoint_finish takes, or NULL when no thread could start (a
 * warning is logged; the copy then happens when the database is closed). */
struct checkpoint *checkpoint_start(const char *db_path);

/* Waits for the copy and frees the handle (NULL: nothing to do). A failed
 * copy is a warning, not an error: the batch is committed in the log, and
 * the close of the last connection copies it. */
void checkpoint_finish(struct checkpoint *c);

#endif
