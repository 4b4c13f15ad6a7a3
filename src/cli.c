/* cli.c: option parsing with getopt_long, and the usage text. */
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "config.h"

static const struct command *const commands[] = {&cmd_run, &cmd_rerun, &cmd_report, &cmd_status,
                                                 &cmd_verify};

void cli_usage(FILE *out)
{
    fprintf(out, "usage: arbiter COMMAND [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-7s %-50s %s\n", commands[i]->name, commands[i]->usage,
                commands[i]->summary);
    fprintf(out, "\ncommon options:\n"
                 "  --db FILE        state database (default ./arbiter.db)\n"
                 "  --reports DIR    reports folder (default ./reports)\n"
                 "  --config FILE    configuration (default: built-in defaults)\n"
                 "  --quiet          only warnings and errors on stderr\n"
                 "  --help, --version\n"
                 "\nexit codes: 0 ok, 1 verify found a damaged file or broken invariants, 64 usage,\n"
                 "65 data error, 66 missing input, 70 internal error, 73 cannot create output,\n"
                 "74 I/O error, 75 database busy (retry later)\n");
}

enum { LONG_DB = 256, LONG_REPORTS, LONG_CONFIG, LONG_QUIET, LONG_HELP, LONG_VERSION, LONG_AS_OF,
       LONG_IN, LONG_OVERRIDES, LONG_ALLOW_MISSING, LONG_REVISION };

static const struct {
    int id;
    unsigned flag;
    const char *name;
} option_flags[] = {
    {LONG_AS_OF, OPT_AS_OF, "--as-of"},
    {LONG_IN, OPT_IN, "--in"},
    {LONG_OVERRIDES, OPT_OVERRIDES, "--overrides"},
    {LONG_ALLOW_MISSING, OPT_ALLOW_MISSING, "--allow-missing"},
    {LONG_REVISION, OPT_REVISION, "--revision"},
};

__attribute__((format(printf, 2, 3))) static int usage_error(const struct command *cmd,
                                                              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "arbiter %s: ", cmd->name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'arbiter %s --help')\n", cmd->name);
    va_end(ap);
    return EX_USAGE;
}

/* The long options that arg ("--name" or "--name=value") abbreviates,
 * written as "--a, --b" into list; returns how many. */
static int options_abbreviated(const struct option *longopts, const char *arg, char *list,
                               size_t size)
{
    const char *name = arg + 2;
    size_t len = strcspn(name, "=");
    int n = 0;
    size_t used = 0;
    list[0] = '\0';
    for (const struct option *lo = longopts; lo->name; lo++)
        if (strncmp(lo->name, name, len) == 0) {
            int w = snprintf(list + used, size - used, "%s--%s", n ? ", " : "", lo->name);
            if (w > 0 && (size_t)w < size - used)
                used += (size_t)w;
            n++;
        }
    return n;
}

int cli_parse(const struct command *cmd, int argc, char **argv, struct options *opts)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, LONG_DB},
        {"reports", required_argument, NULL, LONG_REPORTS},
        {"config", required_argument, NULL, LONG_CONFIG},
        {"quiet", no_argument, NULL, LONG_QUIET},
        {"help", no_argument, NULL, LONG_HELP},
        {"version", no_argument, NULL, LONG_VERSION},
        {"as-of", required_argument, NULL, LONG_AS_OF},
        {"in", required_argument, NULL, LONG_IN},
        {"overrides", required_argument, NULL, LONG_OVERRIDES},
        {"allow-missing", no_argument, NULL, LONG_ALLOW_MISSING},
        {"revision", required_argument, NULL, LONG_REVISION},
        {NULL, 0, NULL, 0},
    };
    memset(opts, 0, sizeof *opts);
    opts->db_path = "arbiter.db";
    opts->reports_dir = "reports";
    unsigned seen = 0, given = 0;
    opterr = 0;
    optind = 1;
    int c, at;
    while ((c = getopt_long(argc, argv, ":", longopts, &at)) != -1) {
        /* a value is never empty, nor the next option (an unset variable
         * in a crontab), and given once: a second would win unseen */
        if (c >= LONG_DB && c <= LONG_REVISION && longopts[at].has_arg) {
            if (given & (1u << (c - LONG_DB)))
                return usage_error(cmd, "option --%s given twice", longopts[at].name);
            given |= 1u << (c - LONG_DB);
            if (*optarg == '\0' || strncmp(optarg, "--", 2) == 0)
                return usage_error(cmd, "option --%s needs a value%s%s%s", longopts[at].name,
                                   *optarg ? ", not '" : "", optarg, *optarg ? "'" : "");
        }
        for (size_t i = 0; i < sizeof option_flags / sizeof option_flags[0]; i++)
            if (option_flags[i].id == c) {
                if (!(cmd->options & option_flags[i].flag))
                    return usage_error(cmd, "option %s does not apply to this command",
                                       option_flags[i].name);
                seen |= option_flags[i].flag;
            }
        switch (c) {
        case LONG_DB: opts->db_path = optarg; break;
        case LONG_REPORTS: opts->reports_dir = optarg; break;
        case LONG_CONFIG: opts->config_path = optarg; break;
        case LONG_QUIET: opts->quiet = true; break;
        case LONG_HELP:
            printf("usage: arbiter %s %s\n  %s\n\n", cmd->name, cmd->usage, cmd->summary);
            cli_usage(stdout);
            return -1;
        case LONG_VERSION: printf("arbiter %s\n", PACKAGE_VERSION); return -1;
        case LONG_AS_OF:
            if (!date_parse_plain(optarg, &opts->as_of))
                return usage_error(cmd, "--as-of '%s' is not a date YYYY-MM-DD", optarg);
            opts->has_as_of = true;
            break;
        case LONG_IN: opts->in_dir = optarg; break;
        case LONG_OVERRIDES: opts->overrides_path = optarg; break;
        case LONG_ALLOW_MISSING: opts->allow_missing = true; break;
        case LONG_REVISION: {
            char *end;
            long k = strtol(optarg, &end, 10);
            if (!isdigit((unsigned char)*optarg) || *end != '\0' || k < 1 || k > 1000000)
                return usage_error(cmd, "--revision '%s' is not a revision number", optarg);
            opts->revision = (int)k;
            break;
        }
        case ':': return usage_error(cmd, "option %s needs a value", argv[optind - 1]);
        default:
            /* a short option (-q of -qv) is not the word it came in */
            if (optopt > 0 && optopt < 256)
                return usage_error(cmd, "unknown option '-%c'", optopt);
            const char *arg = argv[optind - 1];
            char list[256];
            if (strncmp(arg, "--", 2) == 0 && options_abbreviated(longopts, arg, list, sizeof list) > 1)
                return usage_error(cmd, "option '%s' is ambiguous: %s", arg, list);
            return usage_error(cmd, "unknown option '%s'", arg);
        }
    }
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    for (size_t i = 0; i < sizeof option_flags / sizeof option_flags[0]; i++)
        if ((cmd->required & option_flags[i].flag) && !(seen & option_flags[i].flag))
            return usage_error(cmd, "%s is required", option_flags[i].name);
    return 0;
}


const struct command *cli_find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}
