/* cmd-verify.c: `arbiter verify`, SQLite's check of the database file,
 * then the ledger invariants of SPEC §3 over the whole database. Exit 0
 * when they hold, 1 when the file is damaged or any invariant is broken. */
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "filecheck.h"
#include "log.h"
#include "session.h"
#include "verify.h"

/* Prints the count of problems and gives verify's exit code for it. */
static int report_problems(long broken)
{
    if (broken > 0) {
        printf("verify: %ld problem(s)\n", broken);
        return 1;
    }
    printf("verify: ok\n");
    return 0;
}

static int exec_verify(const struct options *o)
{
    /* the file first, on a connection of its own: opening the database
     * the usual way upgrades its schema, and fails on a damaged first
     * page without a word of what is damaged (a missing file is left to
     * session_open's message) */
    if (access(o->db_path, F_OK) == 0) {
        char err[1024];
        int code;
        long damaged = filecheck_run(o->db_path, stdout, err, sizeof err, &code);
        if (damaged < 0) {
            log_error("%s", err);
            return code;
        }
        if (damaged > 0) /* the ledger of a damaged file is not read */
            return report_problems(damaged);
    }
    struct session s;
    int rc = session_open(&s, o, 0);
    if (rc)
        return rc;
    long broken = verify_all(s.db, stdout);
    if (broken < 0) {
        log_error("%s: database error while verifying: %s", o->db_path, db_errmsg_plain(s.db));
        rc = db_failure_exit(s.db);
    } else {
        rc = report_problems(broken);
    }
    session_close(&s);
    return rc;
}

const struct command cmd_verify = {
    "verify", "", "check the database file and the ledger invariants; exit 1 if any is broken",
    0, 0, exec_verify,
};
