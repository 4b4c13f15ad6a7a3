/* cli.h: the command table and the options shared by the commands
 * (SPEC §8). Each command lives in its own cmd-*.c file and exports one
 * `struct command`; main.c walks the table. */
#ifndef ARBITER_CLI_H
#define ARBITER_CLI_H

#include <stdbool.h>

#include <stdio.h>

#include "date.h"

enum option_flag {
    OPT_AS_OF = 1 << 0,
    OPT_IN = 1 << 1,
    OPT_OVERRIDES = 1 << 2,
    OPT_ALLOW_MISSING = 1 << 3,
    OPT_REVISION = 1 << 4,
};

struct options {
    const char *db_path;
    const char *reports_dir;
    const char *config_path; /* NULL: built-in defaults */
    bool quiet;
    bool has_as_of;
    day_t as_of;
    const char *in_dir;
    const char *overrides_path;
    bool allow_missing;
    int revision; /* 0: the revision in effect */
};

struct command {
    const char *name;
    const char *usage;   /* the arguments after the name */
    const char *summary;
    unsigned options;    /* enum option_flag bits it accepts */
    unsigned required;   /* ... and requires */
    int (*exec)(const struct options *opts);
};

extern const struct command cmd_run, cmd_rerun, cmd_report, cmd_status, cmd_verify;

/* Parses argv (after the command name) into opts for cmd. Returns 0, or
 * 64 after printing a one-line message. --help and --version print and
 * return -1 (exit 0). */
int cli_parse(const struct command *cmd, int argc, char **argv, struct options *opts);

void cli_usage(FILE *out);

/* The command of that name, or NULL. */
const struct command *cli_find(const char *name);

#endif
