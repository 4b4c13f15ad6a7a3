/* cmd-rerun.c: `arbiter rerun`, the recomputation of a disputed batch and
 * every batch after it (SPEC §5), for the disputes team. */
#include <sysexits.h>

#include "cli.h"
#include "log.h"
#include "pipeline.h"
#include "rerun.h"
#include "session.h"

static int exec_rerun(const struct options *o)
{
    struct batch_inputs replace = {0};
    int rc = 0;
    if (o->in_dir)
        rc = inputs_open_dir(o->in_dir, NULL, false, true, &replace);
    if (rc == 0 && o->overrides_path)
        rc = inputs_open_file(o->overrides_path, FILE_ADDED_OVERRIDES, &replace);
    struct session s;
    if (rc == 0)
        rc = session_open(&s, o, NEED_CONFIG | NEED_REPORTS | NEED_LOCK);
    if (rc == 0) {
        rc = rerun_batches(&s, o, &replace);
        session_close(&s);
    }
    inputs_close(&replace);
    return rc;
}

const struct command cmd_rerun = {
    "rerun", "--as-of D [--in DIR] [--overrides F]",
    "recompute batch D and every later batch, with files of DIR replacing D's and F added to"
    " D's overrides",
    OPT_AS_OF | OPT_IN | OPT_OVERRIDES, OPT_AS_OF, exec_rerun,
};
