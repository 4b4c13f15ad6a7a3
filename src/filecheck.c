/* filecheck.c: SQLite's check of the database file (filecheck.h). */
#include "filecheck.h"

#include "db.h"

#include <sqlite3.h>
#include <string.h>

/* Prints each line of a message as a problem, but the "*** in database
 * main ***" that heads quick_check's first; returns their count. */
static long report_lines(const char *text, FILE *out)
{
    static const char heading[] = "*** in database main ***";
    long problems = 0;
    while (*text) {
        size_t n = strcspn(text, "\n");
        if (n > 0 && !(n == sizeof heading - 1 && memcmp(text, heading, n) == 0)) {
            problems++;
            fprintf(out, "BROKEN database file: %.*s\n", (int)n, text);
        }
        text += n + (text[n] == '\n');
    }
    return problems;
}

/* A statement of the check that failed with rc: one problem when damage
 * stopped it (a schema or page it could not read), else -1. */
static long failed(sqlite3 *h, int rc, FILE *out)
{
    return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? report_lines(sqlite3_errmsg(h), out) : -1;
}

/* The rows of "PRAGMA quick_check" as problems, and failed()'s when it
 * stopped before it had reported any. */
static long quick_check(sqlite3 *h, FILE *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(h, "PRAGMA quick_check", -1, &s, NULL);
    long problems = 0;
    if (rc == SQLITE_OK)
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const char *text = (const char *)sqlite3_column_text(s, 0);
            if (text && strcmp(text, "ok") != 0)
                problems += report_lines(text, out);
        }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE || problems > 0 ? problems : failed(h, rc, out);
}

/* One problem when the file holds no arbiter schema (user_version 0). */
static long schema_check(sqlite3 *h, FILE *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    long long version = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW)
        return failed(h, rc, out);
    return version > 0 ? 0
                       : report_lines("no arbiter schema (an empty file, or another program's database)",
                                      out);
}

long filecheck_run(const char *path, FILE *out, char *err, size_t err_size, int *exit_code)
{
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL);
    long problems = rc == SQLITE_OK ? quick_check(h, out) : -1;
    if (problems == 0)
        problems = schema_check(h, out);
    if (problems < 0) {
        snprintf(err, err_size, "%s: cannot check the database file: %s", path,
                 h ? sqlite3_errmsg(h) : "out of memory");
        *exit_code = db_code_exit(h ? sqlite3_errcode(h) : SQLITE_NOMEM);
    }
    sqlite3_close(h);
    return problems;
}
