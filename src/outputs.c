/* outputs.c: the reports folder of one batch revision. */
#include "outputs.h"

#include <stdio.h>
#include <unistd.h>

#include "log.h"
#include "report.h"
#include "session.h"
#include "workbook.h"

static bool all_present(const char *dir, const char *workbook)
{
    static const char *const names[] = {"decisions.csv", "refunds.csv", "releases.csv",
                                        "rejects.csv"};
    char path[4400];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (access(path, F_OK) != 0)
            return false;
    }
    return access(workbook, F_OK) == 0;
}

int outputs_write(struct db *db, const struct options *o, int64_t batch_id, day_t as_of,
                  int revision, bool only_missing)
{
    char dir[4200], workbook[4400], date[DATE_TEXT_SIZE], err[1024];
    session_report_dir(o, as_of, revision, dir, sizeof dir);
    date_format(as_of, date);
    snprintf(workbook, sizeof workbook, "%s/arbiter-%s-r%d.xlsx", dir, date, revision);
    if (only_missing && all_present(dir, workbook))
        return 0;
    log_phase_begin("csv");
    int rc = report_write_csvs(db, batch_id, dir, err, sizeof err);
    if (rc == 0) {
        log_phase_end("written to %s", dir);
        log_phase_begin("workbook");
        if (!(only_missing && access(workbook, F_OK) == 0))
            rc = workbook_write(db, batch_id, workbook, err, sizeof err);
    }
    if (rc) {
        log_error("%s", err);
        return rc;
    }
    log_phase_end("written to %s", workbook);
    return 0;
}
