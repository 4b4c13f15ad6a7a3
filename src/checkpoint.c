/* checkpoint.c: the background WAL checkpoint of a committed batch. The
 * main connection never checkpoints on COMMIT (db.c sets
 * wal_autocheckpoint=0): at a million orders the copy is most of a
 * gigabyte and took longer than the commit itself, while the reports,
 * which only read, can be written at the same time on the other core.
 * SQLite allows a checkpoint on one connection while another reads. */
#include "checkpoint.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct checkpoint {
    pthread_t thread;
    char *db_path;
    int rc;
    int log_frames, copied_frames;
    char err[256];
};

static void *copy_log(void *arg)
{
    struct checkpoint *c = arg;
    sqlite3 *db = NULL;
    c->rc = sqlite3_open_v2(c->db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    /* a first read finds the database in WAL mode (else nothing is copied) */
    if (c->rc == SQLITE_OK)
        c->rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    if (c->rc == SQLITE_OK)
        c->rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &c->log_frames, &c->copied_frames);
    if (c->rc != SQLITE_OK)
        snprintf(c->err, sizeof c->err, "%s", db ? sqlite3_errmsg(db) : sqlite3_errstr(c->rc));
    sqlite3_close(db);
    return NULL;
}

struct checkpoint *checkpoint_start(const char *db_path)
{
    struct checkpoint *c = calloc(1, sizeof *c);
    if (c)
        c->db_path = strdup(db_path);
    if (c && c->db_path && pthread_create(&c->thread, NULL, copy_log, c) == 0)
        return c;
    log_warn("%s: cannot start the checkpoint thread; copying at close", db_path);
    if (c)
        free(c->db_path);
    free(c);
    return NULL;
}

void checkpoint_finish(struct checkpoint *c)
{
    if (!c)
        return;
    log_phase_begin("checkpoint");
    pthread_join(c->thread, NULL);
    if (c->rc == SQLITE_OK)
        log_phase_end("%d of %d log pages copied into the database", c->copied_frames,
                      c->log_frames);
    else
        log_warn("%s: checkpoint failed (%s); the batch is committed and is copied when the"
                 " database is closed", c->db_path, c->err);
    free(c->db_path);
    free(c);
}
