/* config.c: the `key = value` / `[section]` configuration file parser.
 * Every key is known in advance; anything else is an error naming the
 * line, so a typo never silently falls back to a default. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "buffer.h"
#include "files.h"
#include "ids.h"

/* The longest line read, newline included: a calendar's path fits. */
#define CONFIG_MAX_LINE 4096

static const struct refund_timeline default_methods[] = {
    {"card_credit", 3, 10}, {"card_debit", 5, 15}, {"paypal", 3, 7},
    {"alipay", 3, 5},       {"bank_transfer", 10, 20},
};

void config_defaults(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->protection_days = 15;
    cfg->seller_response_days = 5;
    cfg->auto_refund_days = 30;
    cfg->fee_bps = 500;
    cfg->max_reject_rate = 0.05;
    cfg->n_methods = sizeof default_methods / sizeof default_methods[0];
    memcpy(cfg->methods, default_methods, sizeof default_methods);
}

const struct refund_timeline *config_find_method(const struct config *cfg, const char *method)
{
    for (size_t i = 0; i < cfg->n_methods; i++)
        if (strcmp(cfg->methods[i].method, method) == 0)
            return &cfg->methods[i];
    return NULL;
}

static int by_method(const void *a, const void *b)
{
    return strcmp(((const struct refund_timeline *)a)->method,
                  ((const struct refund_timeline *)b)->method);
}

/* The fewest digits that read back as the same double (0.05, not
 * 0.050000000000000003), into out (32 bytes). */
static void shortest_double(double v, char out[32])
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(out, 32, "%.*g", digits, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* the key of config_text's holidays line */
#define HOLIDAYS_KEY "holidays ="

char *config_text(const struct config *cfg, const day_t *holidays, size_t n_holidays)
{
    struct refund_timeline methods[CONFIG_MAX_METHODS];
    memcpy(methods, cfg->methods, cfg->n_methods * sizeof *methods);
    qsort(methods, cfg->n_methods, sizeof *methods, by_method);
    struct buffer text = {0};
    char line[160], rate[32];
    shortest_double(cfg->max_reject_rate, rate);
    int n = snprintf(line, sizeof line,
                     "protection_days = %d\nseller_response_days = %d\nauto_refund_days = %d\n"
                     "fee_bps = %d\nmax_reject_rate = %s\n",
                     cfg->protection_days, cfg->seller_response_days, cfg->auto_refund_days,
                     cfg->fee_bps, rate);
    bool failed = buffer_append(&text, line, (size_t)n) != 0;
    for (size_t i = 0; i < cfg->n_methods; i++) {
        n = snprintf(line, sizeof line, "refund_timeline %s = %d,%d\n", methods[i].method,
                     methods[i].min_days, methods[i].max_days);
        failed |= buffer_append(&text, line, (size_t)n) != 0;
    }
    failed |= buffer_append(&text, HOLIDAYS_KEY, strlen(HOLIDAYS_KEY)) != 0;
    for (size_t i = 0; i < n_holidays; i++) {
        char date[DATE_TEXT_SIZE];
        date_format(holidays[i], date);
        failed |= buffer_append(&text, " ", 1) != 0 || buffer_append(&text, date, strlen(date)) != 0;
    }
    failed |= buffer_append(&text, "\n", 1) != 0;
    if (failed) {
        free(text.data);
        return NULL;
    }
    return text.data;
}

/* The length of the word at s (up to a space or end). */
static size_t word_length(const char *s, const char *end)
{
    const char *w = s;
    while (w < end && *w != ' ')
        w++;
    return (size_t)(w - s);
}

/* The first date of one of two holiday lines (config_text: HOLIDAYS_KEY
 * and sorted dates; a and b bytes) that is not in the other, described
 * into out: a calendar of a hundred dates does not fit a message, nor
 * would the reader find the one that changed in it. */
static void holidays_difference(const char *was, size_t a, const char *now, size_t b, char *out,
                                size_t size)
{
    const char *p = was + strlen(HOLIDAYS_KEY), *p_end = was + a;
    const char *q = now + strlen(HOLIDAYS_KEY), *q_end = now + b;
    for (;;) {
        while (p < p_end && *p == ' ')
            p++;
        while (q < q_end && *q == ' ')
            q++;
        size_t lp = word_length(p, p_end), lq = word_length(q, q_end);
        if (lp == 0 && lq == 0)
            break;
        int order = lp == 0 ? 1 : lq == 0 ? -1 : strncmp(p, q, lp < lq ? lp : lq);
        if (order == 0 && lp != lq)
            order = lp < lq ? -1 : 1;
        if (order < 0) {
            snprintf(out, size, "the batch's holiday calendar had %.*s, this one has not",
                     (int)lp, p);
            return;
        }
        if (order > 0) {
            snprintf(out, size, "this holiday calendar has %.*s, the batch's had not",
                     (int)lq, q);
            return;
        }
        p += lp;
        q += lq;
    }
    snprintf(out, size, "the holiday calendar");
}

void config_text_difference(const char *was, const char *now, char *out, size_t size)
{
    while (*was && *now) {
        size_t a = strcspn(was, "\n"), b = strcspn(now, "\n");
        if (a != b || memcmp(was, now, a) != 0) {
            if (strncmp(was, HOLIDAYS_KEY, strlen(HOLIDAYS_KEY)) == 0 &&
                strncmp(now, HOLIDAYS_KEY, strlen(HOLIDAYS_KEY)) == 0)
                holidays_difference(was, a, now, b, out, size);
            else
                snprintf(out, size, "'%.*s', now '%.*s'", (int)(a < 200 ? a : 200), was,
                         (int)(b < 200 ? b : 200), now);
            return;
        }
        was += a + (was[a] == '\n');
        now += b + (now[b] == '\n');
    }
    snprintf(out, size, "a line %s", *was ? "more than now" : "less than now");
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* Parses a whole decimal integer in [lo, hi]. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
    if (*s == '\0' || (!isdigit((unsigned char)*s) && *s != '-'))
        return -1;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* What apply made of one `key = value` line. */
enum applied { APPLIED = 0, UNKNOWN_KEY = 1, BAD_VALUE = -1, BAD_METHOD_NAME = -2,
               TOO_MANY_METHODS = -3 };

static enum applied set_timeline(struct config *cfg, const char *key, const char *value)
{
    if (!ids_is_valid(key) || strlen(key) >= CONFIG_METHOD_SIZE)
        return BAD_METHOD_NAME;
    char buf[64];
    const char *comma = strchr(value, ',');
    if (!comma || (size_t)(comma - value) >= sizeof buf)
        return BAD_VALUE;
    memcpy(buf, value, (size_t)(comma - value));
    buf[comma - value] = '\0';
    char rest[64];
    snprintf(rest, sizeof rest, "%s", comma + 1);
    int lo, hi;
    if (parse_int(trim(buf), 0, 365, &lo) || parse_int(trim(rest), 0, 365, &hi) || lo > hi)
        return BAD_VALUE;
    struct refund_timeline *t = (struct refund_timeline *)config_find_method(cfg, key);
    if (!t) {
        if (cfg->n_methods == CONFIG_MAX_METHODS)
            return TOO_MANY_METHODS;
        t = &cfg->methods[cfg->n_methods++];
        snprintf(t->method, sizeof t->method, "%s", key);
    }
    t->min_days = lo;
    t->max_days = hi;
    return APPLIED;
}

/* Resolves a path of the configuration file relative to its folder. */
static void resolve_path(char *out, size_t size, const char *config_path, const char *value)
{
    const char *slash = strrchr(config_path, '/');
    if (value[0] == '/' || !slash)
        snprintf(out, size, "%s", value);
    else
        snprintf(out, size, "%.*s/%s", (int)(slash - config_path), config_path, value);
}

/* Applies one key of one section. */
static enum applied apply(struct config *cfg, const char *path, const char *section, const char *key,
                 const char *value)
{
    static const struct {
        const char *section, *key;
        size_t offset;
        long lo, hi;
    } ints[] = {
        {"protection", "protection_days", offsetof(struct config, protection_days), 0, 3650},
        {"protection", "seller_response_days", offsetof(struct config, seller_response_days), 0, 3650},
        {"protection", "auto_refund_days", offsetof(struct config, auto_refund_days), 0, 3650},
        {"fees", "fee_bps", offsetof(struct config, fee_bps), 0, 10000},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (strcmp(section, ints[i].section) == 0 && strcmp(key, ints[i].key) == 0)
            return parse_int(value, ints[i].lo, ints[i].hi, (int *)((char *)cfg + ints[i].offset))
                       ? BAD_VALUE : APPLIED;
    if (strcmp(section, "ingest") == 0 && strcmp(key, "max_reject_rate") == 0) {
        char *end;
        errno = 0;
        double r = strtod(value, &end);
        if (errno || end == value || *end != '\0' || strpbrk(value, "xX") || !(r >= 0.0 && r <= 1.0))
            return BAD_VALUE;
        cfg->max_reject_rate = r;
        return APPLIED;
    }
    if (strcmp(section, "calendar") == 0 && strcmp(key, "holidays") == 0) {
        if (*value == '\0')
            cfg->holidays_path[0] = '\0';
        else
            resolve_path(cfg->holidays_path, sizeof cfg->holidays_path, path, value);
        return APPLIED;
    }
    if (strcmp(section, "refund_timeline") == 0)
        return set_timeline(cfg, key, value);
    return UNKNOWN_KEY;
}

/* The keys a file has set, to refuse one set twice: the second would win
 * unseen (a fee edited in one place and not another). */
struct keys_seen {
    char name[CONFIG_MAX_METHODS + 16][CONFIG_METHOD_SIZE + 72];
    int line[CONFIG_MAX_METHODS + 16];
    size_t n;
};

/* The line where section.key was set before, or 0 (and records it). */
static int seen_before(struct keys_seen *seen, const char *section, const char *key, int lineno)
{
    char name[sizeof seen->name[0]];
    snprintf(name, sizeof name, "%s.%s", section, key);
    for (size_t i = 0; i < seen->n; i++)
        if (strcmp(seen->name[i], name) == 0)
            return seen->line[i];
    if (seen->n < sizeof seen->line / sizeof seen->line[0]) {
        memcpy(seen->name[seen->n], name, sizeof name);
        seen->line[seen->n++] = lineno;
    }
    return 0;
}

int config_load(struct config *cfg, const char *path, char *err, size_t err_size)
{
    FILE *f = files_open_regular(path);
    if (!f) {
        snprintf(err, err_size, "%s: cannot read configuration: %s", path, files_strerror(errno));
        return EX_NOINPUT;
    }
    char line[CONFIG_MAX_LINE + 1], section[64] = "";
    int lineno = 0, rc = 0;
    struct keys_seen seen = {.n = 0};
    off_t start = 0; /* of the line: a regular file's offsets count its bytes */
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        off_t end = ftello(f);
        /* a NUL would end the line early and unseen: "fee_bps = 5\0" + "00" */
        bool nul = end - start != (off_t)strlen(line);
        start = end;
        if (nul || (!strchr(line, '\n') && !feof(f))) {
            snprintf(err, err_size, "%s:%d: %s", path, lineno,
                     nul ? "a NUL byte (is this a text file?)" : "line too long");
            rc = EX_USAGE;
            break;
        }
        /* a byte-order mark, as some editors save it, is not the line's */
        if (lineno == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
            memmove(line, line + 3, strlen(line + 3) + 1);
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (!close || close[1] != '\0' || (size_t)(close - s - 1) >= sizeof section) {
                snprintf(err, err_size, "%s:%d: malformed section header", path, lineno);
                rc = EX_USAGE;
                break;
            }
            *close = '\0';
            snprintf(section, sizeof section, "%s", trim(s + 1));
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, err_size, "%s:%d: expected 'key = value'", path, lineno);
            rc = EX_USAGE;
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        enum applied r = apply(cfg, path, section, key, value);
        int before = r == APPLIED ? seen_before(&seen, section, key, lineno) : 0;
        rc = r != APPLIED || before ? EX_USAGE : 0;
        if (before)
            snprintf(err, err_size, "%s:%d: '%s' in section [%s] is already set on line %d", path,
                     lineno, key, section, before);
        else if (r == UNKNOWN_KEY)
            snprintf(err, err_size, "%s:%d: unknown key '%s' in section [%s]", path, lineno, key,
                     section);
        else if (r == BAD_VALUE)
            snprintf(err, err_size, "%s:%d: bad value '%s' for %s", path, lineno, value, key);
        else if (r == BAD_METHOD_NAME)
            snprintf(err, err_size, "%s:%d: '%s' is not a payment method name (1 to %d letters,"
                     " digits, '.', '_', ':' or '-')", path, lineno, key, ID_MAX_LEN);
        else if (r == TOO_MANY_METHODS)
            snprintf(err, err_size, "%s:%d: more than %d payment methods", path, lineno,
                     CONFIG_MAX_METHODS);
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, err_size, "%s: read error", path);
        rc = EX_IOERR;
    }
    fclose(f);
    return rc;
}
