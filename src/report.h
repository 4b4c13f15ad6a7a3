/* report.h: the CSV outputs of SPEC §6 (decisions, refunds, releases,
 * rejects, adjustments), written from the database alone so that
 * `arbiter report` rewrites them byte for byte. */
#ifndef ARBITER_REPORT_H
#define ARBITER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* Writes every CSV of batch `batch_id` into dir (which must exist), each
 * through a temporary name renamed into place. Returns 0 or a sysexits
 * code with a message in err. */
int report_write_csvs(struct db *db, int64_t batch_id, const char *dir, char *err,
                      size_t err_size);

/* Whether every CSV of batch `batch_id` is in dir (false when the
 * database cannot say: the caller writes them all again). */
bool report_csvs_present(struct db *db, int64_t batch_id, const char *dir);

/* Writes only rejects.csv (for a failed batch, before its rollback). */
int report_write_rejects(struct db *db, int64_t batch_id, const char *dir, char *err,
                         size_t err_size);

/* Creates dir and its parents (mode 0750 before umask). 0, or -1 with
 * errno (ENOTDIR when a file is where dir goes). */
int report_make_dirs(const char *dir);

/* Creates the temporary file tmp, new and empty, for writing: whatever
 * was at that name is removed first, and the file is made where the
 * name is, never through a link (a folder someone else can write into
 * may hold a link from that name to a file of ours, which a plain open
 * would truncate and fill). Returns its descriptor, which the caller
 * closes, or -1 with a message in err. */
int report_create_temp(const char *tmp, char *err, size_t err_size);

/* Opens `<dir>/<name>.tmp` for writing (report_create_temp);
 * report_commit_file closes it and renames it to `<dir>/<name>`. Both
 * return 0 or a sysexits code with a message in err. */
int report_open_file(const char *dir, const char *name, FILE **out, char *err, size_t err_size);
int report_commit_file(FILE *f, const char *dir, const char *name, char *err, size_t err_size);

#endif
