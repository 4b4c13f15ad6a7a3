/* cmd-rerun.c: `arbiter rerun`, the recomputation of a disputed batch and
 * the batches after it (SPEC §5). Not built yet: it says so and exits 70
 * rather than pretend. */
#include <sysexits.h>

#include "cli.h"
#include "log.h"

static int exec_rerun(const struct options *o)
{
    (void)o;
    log_error("rerun is not implemented yet in this version; nothing was changed");
    return EX_SOFTWARE;
}

const struct command cmd_rerun = {
    "rerun", "--as-of D [--in DIR] [--overrides F]",
    "recompute batch D and every later batch with replaced inputs (not built yet)",
    OPT_AS_OF | OPT_IN | OPT_OVERRIDES, OPT_AS_OF, exec_rerun,
};
