/* filecheck.h: is the database file sound? SQLite's own check of its
 * structure, run by `arbiter verify` on a connection of its own before
 * arbiter opens the database (which would upgrade its schema, or fail on
 * a damaged first page with no word of what is damaged). */
#ifndef ARBITER_FILECHECK_H
#define ARBITER_FILECHECK_H

#include <stddef.h>
#include <stdio.h>

/* Checks the database file at path (which must exist): every page of every
 * table and index readable and well formed (PRAGMA quick_check: 1.8 s for
 * 1.3 GB), and an arbiter schema in it (a file of no bytes is an empty
 * SQLite database). Each problem is printed to out as one line,
 * "BROKEN database file: ...". Returns the number of problems (SQLite
 * lists at most 100), or -1 when the file could not be checked (it cannot
 * be opened, or is busy), with the reason in err and its sysexits code in
 * *exit_code (db_code_exit: 75 for a database another process holds). */
long filecheck_run(const char *path, FILE *out, char *err, size_t err_size, int *exit_code);

#endif
