/* checkpoint.c: the WAL checkpoint of a committed batch. The main
 * connection never checkpoints on COMMIT (db.c sets
 * wal_autocheckpoint=0): at a million orders the copy is most of a
 * gigabyte and took longer than the commit itself. outputs.c runs it on
 * its second thread while the workbook is written, and writes the CSVs
 * after it: a read that starts once the log is copied reads the
 * database file alone, without looking each page up in the log index
 * (at ten million orders the CSVs took 10.1 s with that lookup, 6.2 s
 * without). */
#include "checkpoint.h"

#include <sqlite3.h>
#include <stdio.h>

#include "log.h"

void checkpoint_copy(const char *db_path, struct checkpoint *c)
{
    double start = log_elapsed();
    sqlite3 *db = NULL;
    *c = (struct checkpoint){0};
    c->rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    /* a first read finds the database in WAL mode (else nothing is copied) */
    if (c->rc == SQLITE_OK)
        c->rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    if (c->rc == SQLITE_OK)
        c->rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &c->log_frames,
                                          &c->copied_frames);
    if (c->rc != SQLITE_OK)
        snprintf(c->err, sizeof c->err, "%s", db ? sqlite3_errmsg(db) : sqlite3_errstr(c->rc));
    sqlite3_close(db);
    c->seconds = log_elapsed() - start;
}

void checkpoint_log(const char *db_path, const struct checkpoint *c)
{
    if (c->rc == SQLITE_OK)
        log_info("checkpoint: %d of %d log pages copied into the database beside the workbook"
                 " (%.3f s)",
                 c->copied_frames, c->log_frames, c->seconds);
    else
        log_warn("%s: checkpoint failed (%s); the batch is committed and is copied when the"
                 " database is closed",
                 db_path, c->err);
}
