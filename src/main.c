/* main.c: arbiter's entry point: finds the command and runs it. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "cli.h"
#include "db.h"
#include "interrupt.h"
#include "log.h"
#include "owner.h"

static int run_command(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EX_USAGE : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("arbiter %s\n", PACKAGE_VERSION);
        return 0;
    }
    const struct command *cmd = cli_find(argv[1]);
    if (!cmd) {
        fprintf(stderr, "arbiter: unknown command '%s' (see 'arbiter --help')\n", argv[1]);
        return EX_USAGE;
    }
    /* Reports hold buyers' data: never readable or writable by others,
     * never group-writable, whatever else the umask allows. */
    mode_t mask = umask(0);
    umask(mask | 027);
    /* Past a file size limit, writes fail with EFBIG (reported as 74)
     * instead of the process being killed mid-batch. */
    signal(SIGXFSZ, SIG_IGN);
    struct options opts;
    int rc = cli_parse(cmd, argc - 1, argv + 1, &opts);
    if (rc)
        return rc < 0 ? 0 : rc;
    log_init(opts.quiet);
    /* root on another user's database: before any file is read or made */
    char err[PATH_MAX + 256];
    rc = owner_assume(opts.db_path, err, sizeof err);
    if (rc) {
        log_error("%s", err);
        return rc;
    }
    interrupt_install();
    db_configure();
    rc = cmd->exec(&opts);
    if (rc == EX_CANTCREAT || rc == EX_IOERR)
        owner_warn_foreign_files(opts.db_path);
    return rc;
}

/* What status, verify, --help and --version print goes to stdout, often
 * a file a monitoring script reads: a write that failed (a full disk) is
 * an I/O error (74), not an empty file and exit 0. */
int main(int argc, char **argv)
{
    int rc = run_command(argc, argv);
    errno = 0;
    int flushed = fflush(stdout);
    if (flushed != 0 || ferror(stdout)) {
        fprintf(stderr, "arbiter: cannot write to standard output: %s\n",
                flushed != 0 && errno ? strerror(errno) : "a write failed");
        if (rc == 0)
            rc = EX_IOERR;
    }
    return rc;
}
