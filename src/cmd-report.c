/* cmd-report.c: `arbiter report`, rewrites a committed batch's reports
 * from the database alone. */
#include <sysexits.h>

#include "cli.h"
#include "log.h"
#include "outputs.h"
#include "session.h"

static int exec_report(const struct options *o)
{
    struct session s;
    int rc = session_open(&s, o, NEED_LOCK | NEED_REPORTS);
    if (rc)
        return rc;
    int revision = 0;
    int64_t id = session_find_batch(&s, o->as_of, o->revision, &revision);
    if (id < 0) {
        log_error("%s: cannot read the batches: %s", o->db_path, db_errmsg_plain(s.db));
        rc = db_failure_exit(s.db);
    } else if (!id) {
        char date[DATE_TEXT_SIZE];
        date_format(o->as_of, date);
        if (o->revision)
            log_error("no committed batch %s revision %d in %s", date, o->revision, o->db_path);
        else
            log_error("no committed batch %s in %s", date, o->db_path);
        rc = EX_DATAERR;
    } else {
        rc = outputs_write(s.db, o, id, o->as_of, revision, 0);
    }
    session_close(&s);
    return rc;
}

const struct command cmd_report = {
    "report", "--as-of D [--revision K]",
    "rewrite the workbook and CSVs of a committed batch from the database",
    OPT_AS_OF | OPT_REVISION, OPT_AS_OF, exec_report,
};
