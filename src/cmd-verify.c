/* cmd-verify.c: `arbiter verify`, SQLite's check of the database file and
 * the ledger invariants of SPEC §3 over the whole database. Exit 0 when
 * they hold, 1 when any is broken. */
#include <stdio.h>
#include <sysexits.h>

#include "cli.h"
#include "log.h"
#include "session.h"
#include "verify.h"

static int exec_verify(const struct options *o)
{
    struct session s;
    int rc = session_open(&s, o, 0);
    if (rc)
        return rc;
    long broken = verify_all(s.db, stdout);
    session_close(&s);
    if (broken < 0) {
        log_error("%s: database error while verifying", o->db_path);
        return EX_SOFTWARE;
    }
    if (broken > 0) {
        printf("verify: %ld problem(s)\n", broken);
        return 1;
    }
    printf("verify: ok\n");
    return 0;
}

const struct command cmd_verify = {
    "verify", "", "check the database file and the ledger invariants; exit 1 if any is broken", 0, 0, exec_verify,
};
