/* gen.c: tools/gen, the deterministic test-data generator of arbiter.
 *
 *   tools/gen --orders N --out DIR [--days K] [--start YYYY-MM-DD] [--seed S]
 *             [--history H [--history-orders R]] [--claims-per-mille C]
 *             [--adjudicated-per-mille A] [--bad-rows M] [--expect]
 *
 * writes K consecutive nights DIR/<date>/{orders,tracking,claims}.csv, plus
 * overrides.csv on nights with manual adjudications. Each night's orders.csv
 * holds N orders. The first night also backfills the H days before it (the
 * night the marketplace goes live on arbiter): its N orders are spread over
 * those H+1 days, and its tracking and claims files carry everything of them
 * that happened up to that night. So one night with H = 90 (the default) is
 * a self-contained batch of about 1 order : 3 events : 0.05 claims. With
 * --history-orders R, each history day has R orders instead and the first
 * night N orders of its own on top (to give the later nights more activity
 * from the backfilled orders).
 * C of every 1000 orders get a claim (default 50). Of every 1000 claims that
 * only an override can decide (MANUAL_REVIEW for good), the disputes team
 * adjudicates A, 1 to 4 nights later (default 600: the others stay in
 * manual review, and the backlog grows every night). With M > 0 every file
 * also gets M bad rows, one per reject reason in turn; --expect then writes
 * DIR/<date>/expected-rejects.csv (file,row,reason) of what arbiter should
 * reject (arbiter reads only its own four file names).
 *
 * Same arguments, same bytes: all randomness comes from the seed. Memory
 * does not grow with N: each night recomputes the life of every order that
 * can still report something from (seed, day placed, index). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "gen-feeds.h"

struct options {
    struct world world;
    unsigned days, bad_rows;
    bool expect;
    const char *out;
};

/* The latest order written to an orders file, for bad rows that need one. */
struct known_order {
    bool present;
    char id[32];
    day_t placed;
    int64_t amount;
    int exponent;
};

/* A bad row written, and the reject arbiter should give it. */
struct expected_reject {
    enum feed feed;
    unsigned long row;
    const char *reason;
};

/* What the nights before this one leave for its bad rows. */
struct earlier {
    struct known_order order;  /* the latest order written */
    char decided_claim[64];    /* the claim of the latest override of an earlier night */
    char tonight_override[64]; /* the claim of tonight's latest override */
};

struct night {
    const struct options *opt;
    day_t day;
    char dir[4096];
    struct earlier *earlier;
    unsigned long events, claims, overrides;
    struct expected_reject *expected; /* at most 4 * bad_rows */
    unsigned n_expected;
};

/* The stream of a file's spelling choices, its own for each night and file. */
static struct rng style_for(const struct night *n, enum feed feed)
{
    return rng_for(n->opt->world.seed, (uint64_t)n->day, 0x5717e + (uint64_t)feed);
}

/* True when something reported on any of `nights` (NO_DAY: none) shows in this night's files. */
static bool shows_tonight(const struct night *n, const day_t *nights, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        if (nights[i] != NO_DAY && world_night_of(&n->opt->world, nights[i]) == n->day)
            return true;
    return false;
}

static struct row_facts facts_of(const struct night *n, const struct order *o)
{
    const char *decided = n->earlier->decided_claim;
    return (struct row_facts){true, o->placed, o->amount, o->currency->exponent,
                              *decided ? decided : NULL};
}

/* A made-up good row on the latest known order, when a file has no row of its own. */
static struct row_facts made_up_row(struct csv_out *out, enum feed feed, const struct night *n)
{
    const struct known_order *k = &n->earlier->order;
    char date[11];
    date_format(n->day, date);
    static const char *const rows[FEED_COUNT][CSV_MAX_COLUMNS] = {
        [FEED_ORDERS] = {"X-none", "B0000001", "S00001", "", "10.00", "USD", "paypal", "10"},
        [FEED_TRACKING] = {"", "", "in_transit", "CAINIAO", "LP00000000CN"},
        [FEED_CLAIMS] = {"X-none", "", "", "not_received", "", "", ""},
        [FEED_OVERRIDES] = {"X-none", "refund", "", "agent review"},
    };
    for (unsigned i = 0; i < CSV_MAX_COLUMNS; i++)
        snprintf(out->field[i], CSV_FIELD_SIZE, "%s", rows[feed][i] ? rows[feed][i] : "");
    static const int order_column[FEED_COUNT] = {-1, T_ORDER, C_ORDER, -1};
    static const int date_column[FEED_COUNT] = {O_PLACED, T_EVENT_AT, C_OPENED, -1};
    if (order_column[feed] >= 0)
        snprintf(out->field[order_column[feed]], CSV_FIELD_SIZE, "%s",
                 k->present ? k->id : "X-none");
    if (date_column[feed] >= 0)
        snprintf(out->field[date_column[feed]], CSV_FIELD_SIZE, "%s", date);
    const char *decided = n->earlier->decided_claim;
    return (struct row_facts){false, k->present ? k->placed : n->day, k->present ? k->amount : 1000,
                              k->present ? k->exponent : 2, *decided ? decided : NULL};
}

/* Writes the bad rows due by now; at the end of the file (`all`), the rest. */
static void write_due_bad_rows(struct csv_out *out, enum feed feed, const struct row_facts *facts,
                               struct night *n, struct bad_plan *plan, bool all)
{
    struct row_facts made_up;
    if (out->rows == 0) { /* no good row to start from */
        if (!all || plan->written == plan->wanted)
            return;
        made_up = made_up_row(out, feed, n);
        facts = &made_up;
    }
    while (all ? plan->written < plan->wanted : bad_row_due(plan)) {
        const char *reason = bad_row_write(out, feed, facts, n->day, plan);
        /* The header is row 1, so the n-th data row is row n + 1. */
        n->expected[n->n_expected++] = (struct expected_reject){feed, out->rows + 1, reason};
    }
}

static int by_file_then_row(const void *a, const void *b)
{
    const struct expected_reject *x = a, *y = b;
    if (x->feed != y->feed)
        return x->feed < y->feed ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

static int write_expected(struct night *n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/expected-rejects.csv", n->dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    qsort(n->expected, n->n_expected, sizeof *n->expected, by_file_then_row);
    fputs("file,row,reason\n", f);
    for (unsigned i = 0; i < n->n_expected; i++)
        fprintf(f, "%s,%lu,%s\n", feed_layouts[n->expected[i].feed].file_name, n->expected[i].row,
                n->expected[i].reason);
    return fclose(f) == 0 ? 0 : -1;
}

static struct bad_plan plan_for(const struct night *n, uint64_t total)
{
    return (struct bad_plan){n->opt->bad_rows, 0, total, 0};
}

/* ---- orders.csv ---- */

static void order_row(struct csv_out *out, const struct order *o)
{
    char(*f)[CSV_FIELD_SIZE] = out->field;
    snprintf(f[O_ID], CSV_FIELD_SIZE, "%s", o->id);
    snprintf(f[O_BUYER], CSV_FIELD_SIZE, "B%07" PRIu32, o->buyer);
    snprintf(f[O_SELLER], CSV_FIELD_SIZE, "S%05" PRIu32, o->seller);
    csv_format_when(out, f[O_PLACED], o->placed, o->placed_second);
    csv_format_amount(out, f[O_AMOUNT], o->amount, o->currency->exponent);
    snprintf(f[O_CURRENCY], CSV_FIELD_SIZE, "%s", o->currency->code);
    snprintf(f[O_METHOD], CSV_FIELD_SIZE, "%s", payment_methods[o->method]);
    snprintf(f[O_DAYS], CSV_FIELD_SIZE, "%u", o->promised_days);
    csv_write_row(out, ROW_NORMAL);
}

static int write_orders(struct night *n)
{
    const struct world *w = &n->opt->world;
    struct csv_out out;
    if (csv_open(&out, n->dir, &feed_layouts[FEED_ORDERS], style_for(n, FEED_ORDERS)))
        return -1;
    /* Late orders arrive a night late and some are sent again a night later still. */
    day_t first = n->day == w->start ? w->start - (day_t)w->history : n->day - 2;
    uint64_t total = 0;
    for (day_t p = first; p <= n->day; p++)
        total += world_orders_on(w, p);
    struct bad_plan plan = plan_for(n, total);
    struct row_facts facts = {0};
    struct order o;
    for (day_t p = first; p <= n->day; p++)
        for (uint32_t k = 0, count = world_orders_on(w, p); k < count; k++) {
            plan.progress++;
            order_live(w, p, k, &o);
            if (!shows_tonight(n, (day_t[]){o.arrival, o.resend}, 2))
                continue;
            order_row(&out, &o);
            facts = facts_of(n, &o);
            struct known_order *last = &n->earlier->order;
            *last = (struct known_order){true, "", o.placed, o.amount, o.currency->exponent};
            memcpy(last->id, o.id, sizeof last->id);
            write_due_bad_rows(&out, FEED_ORDERS, &facts, n, &plan, false);
        }
    write_due_bad_rows(&out, FEED_ORDERS, &facts, n, &plan, true);
    return csv_close(&out);
}

/* ---- tracking.csv, claims.csv, overrides.csv: one pass over the orders ---- */

struct feeds {
    struct csv_out tracking, claims, overrides;
    bool overrides_open;
    struct bad_plan plans[FEED_COUNT];
    struct row_facts facts[FEED_COUNT];
};

static void event_rows(struct night *n, struct feeds *fs, const struct order *o)
{
    struct csv_out *out = &fs->tracking;
    for (unsigned i = 0; i < o->n_events; i++) {
        const struct event *e = &o->events[i];
        if (!shows_tonight(n, (day_t[]){e->report, e->resend}, 2))
            continue;
        snprintf(out->field[T_ORDER], CSV_FIELD_SIZE, "%s", o->id);
        csv_format_when(out, out->field[T_EVENT_AT], e->day, e->second);
        snprintf(out->field[T_STATUS], CSV_FIELD_SIZE, "%s", event_status_names[e->status]);
        snprintf(out->field[T_CARRIER], CSV_FIELD_SIZE, "%s", carriers[o->carrier]);
        snprintf(out->field[T_TRACKING], CSV_FIELD_SIZE, "LP%sCN", o->hex);
        csv_write_row(out, ROW_NORMAL);
        fs->facts[FEED_TRACKING] = facts_of(n, o);
        n->events++;
    }
}

static void claim_rows(struct night *n, struct feeds *fs, const struct order *o)
{
    struct csv_out *out = &fs->claims;
    for (unsigned i = 0; i < o->n_claims; i++) {
        const struct claim *c = &o->claims[i];
        day_t response_night = c->responded > c->report ? c->responded : NO_DAY;
        if (!shows_tonight(n, (day_t[]){c->report, response_night, c->resend}, 3))
            continue;
        char(*f)[CSV_FIELD_SIZE] = out->field;
        claim_id(o, c->seq, f[C_ID], CSV_FIELD_SIZE);
        snprintf(f[C_ORDER], CSV_FIELD_SIZE, "%s", o->id);
        csv_format_when(out, f[C_OPENED], c->opened, c->opened_second);
        snprintf(f[C_REASON], CSV_FIELD_SIZE, "%s", claim_reason_names[c->reason]);
        f[C_AMOUNT][0] = f[C_RESPONSE][0] = f[C_RESPONDED][0] = '\0';
        if (c->amount >= 0)
            csv_format_amount(out, f[C_AMOUNT], c->amount, o->currency->exponent);
        if (c->response != RESPONSE_NONE &&
            world_night_of(&n->opt->world, c->responded) <= n->day) {
            snprintf(f[C_RESPONSE], CSV_FIELD_SIZE, "%s", seller_response_names[c->response]);
            csv_format_when(out, f[C_RESPONDED], c->responded, c->responded_second);
        }
        csv_write_row(out, ROW_NORMAL);
        fs->facts[FEED_CLAIMS] = facts_of(n, o);
        n->claims++;
    }
}

static int override_row(struct night *n, struct feeds *fs, const struct order *o)
{
    const struct override *v = &o->override;
    if (!v->present || !shows_tonight(n, &v->night, 1))
        return 0;
    struct csv_out *out = &fs->overrides;
    if (!fs->overrides_open) {
        if (csv_open(out, n->dir, &feed_layouts[FEED_OVERRIDES], style_for(n, FEED_OVERRIDES)))
            return -1;
        fs->overrides_open = true;
    }
    claim_id(o, 0, out->field[V_CLAIM], CSV_FIELD_SIZE);
    snprintf(out->field[V_OUTCOME], CSV_FIELD_SIZE, "%s", v->refund ? "refund" : "reject");
    out->field[V_AMOUNT][0] = '\0';
    if (v->amount >= 0)
        csv_format_amount(out, out->field[V_AMOUNT], v->amount, o->currency->exponent);
    snprintf(out->field[V_NOTE], CSV_FIELD_SIZE, "%s", override_notes[v->note]);
    csv_write_row(out, ROW_NORMAL);
    fs->facts[FEED_OVERRIDES] = facts_of(n, o);
    claim_id(o, 0, n->earlier->tonight_override, sizeof n->earlier->tonight_override);
    n->overrides++;
    return 0;
}

static int write_feeds(struct night *n)
{
    const struct world *w = &n->opt->world;
    struct feeds fs = {0};
    struct csv_out *outs[FEED_COUNT] = {NULL, &fs.tracking, &fs.claims, &fs.overrides};
    for (enum feed f = FEED_TRACKING; f <= FEED_CLAIMS; f++)
        if (csv_open(outs[f], n->dir, &feed_layouts[f], style_for(n, f)))
            return -1;
    day_t history_start = w->start - (day_t)w->history;
    day_t first = n->day == w->start || n->day - LIFE_DAYS < history_start ? history_start
                                                                            : n->day - LIFE_DAYS;
    uint64_t total = 0;
    for (day_t p = first; p <= n->day; p++)
        total += world_orders_on(w, p);
    for (enum feed f = FEED_TRACKING; f < FEED_COUNT; f++)
        fs.plans[f] = plan_for(n, total);
    int rc = 0;
    struct order o;
    for (day_t p = first; p <= n->day && rc == 0; p++)
        for (uint32_t k = 0, count = world_orders_on(w, p); k < count && rc == 0; k++) {
            order_live(w, p, k, &o);
            event_rows(n, &fs, &o);
            claim_rows(n, &fs, &o);
            rc = override_row(n, &fs, &o);
            for (enum feed f = FEED_TRACKING; f < FEED_COUNT; f++) {
                fs.plans[f].progress++;
                if (f != FEED_OVERRIDES || fs.overrides_open)
                    write_due_bad_rows(outs[f], f, &fs.facts[f], n, &fs.plans[f], false);
            }
        }
    for (enum feed f = FEED_TRACKING; f < FEED_COUNT; f++) {
        if (f == FEED_OVERRIDES && !fs.overrides_open)
            continue;
        write_due_bad_rows(outs[f], f, &fs.facts[f], n, &fs.plans[f], true);
        if (csv_close(outs[f]))
            rc = -1;
    }
    return rc;
}

/* ---- command line ---- */

static void usage(FILE *to)
{
    fputs("usage: gen --orders N --out DIR [--days K] [--start YYYY-MM-DD] [--seed S]\n"
          "           [--history H [--history-orders R]] [--claims-per-mille C]\n"
          "           [--adjudicated-per-mille A] [--bad-rows M [--expect]] [--random-ids]\n"
          "  --orders N    orders in each night's orders.csv\n"
          "  --out DIR     writes DIR/<date>/{orders,tracking,claims}[,overrides].csv\n"
          "  --days K      consecutive nights (default 1)\n"
          "  --start D     the first night (default 2026-11-01)\n"
          "  --seed S      the same seed gives the same bytes (default 1)\n"
          "  --history H   days before the first night it backfills (default 90)\n"
          "  --history-orders R  orders per backfilled day (default: N spread over H+1 days)\n"
          "  --claims-per-mille C  orders in 1000 that get a claim (default 50)\n"
          "  --adjudicated-per-mille A  manual reviews in 1000 the disputes team\n"
          "                adjudicates, 1 to 4 nights later (default 600)\n"
          "  --bad-rows M  bad rows in every file, one reject reason after another (default 0)\n"
          "  --expect      also writes DIR/<date>/expected-rejects.csv: file,row,reason\n"
          "  --random-ids  order IDs whose order does not follow the date placed\n"
          "                (O87b0e5d5-20260803 instead of O20260803-87b0e5d5)\n",
          to);
}

static bool parse_count(const char *text, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || v > max)
        return false;
    *out = v;
    return true;
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    static const struct option longs[] = {{"orders", required_argument, NULL, 'n'},
                                          {"days", required_argument, NULL, 'k'},
                                          {"start", required_argument, NULL, 'd'},
                                          {"seed", required_argument, NULL, 's'},
                                          {"out", required_argument, NULL, 'o'},
                                          {"history", required_argument, NULL, 'h'},
                                          {"bad-rows", required_argument, NULL, 'b'},
                                          {"help", no_argument, NULL, 'H'},
                                          {"claims-per-mille", required_argument, NULL, 'c'},
                                          {"expect", no_argument, NULL, 'e'},
                                          {"history-orders", required_argument, NULL, 'r'},
                                          {"adjudicated-per-mille", required_argument, NULL, 'a'},
                                          {"random-ids", no_argument, NULL, 'i'},
                                          {NULL, 0, NULL, 0}};
    *opt = (struct options){.world = {.seed = 1, .history = 90, .claim_per_mille = 50,
                                      .adjudicated_per_mille = 600},
                            .days = 1};
    date_parse_plain("2026-11-01", &opt->world.start);
    bool have_orders = false;
    int c;
    unsigned long v;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        bool ok = true;
        switch (c) {
        case 'n':
            ok = have_orders = parse_count(optarg, 1000000000, &v);
            opt->world.orders_per_night = (uint32_t)v;
            break;
        case 'k':
            ok = parse_count(optarg, 3660, &v) && v > 0;
            opt->days = (unsigned)v;
            break;
        case 'd':
            ok = date_parse_plain(optarg, &opt->world.start);
            break;
        case 's':
            ok = parse_count(optarg, ULONG_MAX, &v);
            opt->world.seed = v;
            break;
        case 'o':
            opt->out = optarg;
            break;
        case 'h':
            ok = parse_count(optarg, 3660, &v);
            opt->world.history = (unsigned)v;
            break;
        case 'b':
            ok = parse_count(optarg, 100000, &v);
            opt->bad_rows = (unsigned)v;
            break;
        case 'c':
            ok = parse_count(optarg, 1000, &v);
            opt->world.claim_per_mille = (unsigned)v;
            break;
        case 'a':
            ok = parse_count(optarg, 1000, &v);
            opt->world.adjudicated_per_mille = (unsigned)v;
            break;
        case 'r':
            ok = parse_count(optarg, 1000000000, &v);
            opt->world.history_orders = (uint32_t)v;
            break;
        case 'e':
            opt->expect = true;
            break;
        case 'i':
            opt->world.random_ids = true;
            break;
        case 'H':
            usage(stdout);
            return -1;
        default:
            usage(stderr);
            return EX_USAGE;
        }
        if (!ok) {
            fprintf(stderr, "gen: bad value for --%s: '%s'\n", argv[optind - 1] + 2, optarg);
            return EX_USAGE;
        }
    }
    if (!have_orders || !opt->out || optind != argc) {
        usage(stderr);
        return EX_USAGE;
    }
    return 0;
}

static int make_dir(const char *path)
{
    return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct options opt;
    int rc = parse_options(argc, argv, &opt);
    if (rc)
        return rc < 0 ? 0 : rc;
    /* arbiter fails a file with more than 10 rejects that are over 5% of its rows. The
     * smallest file, overrides.csv, has about 0.14 rows per claim (measured with 600 in
     * 1000 manual reviews adjudicated). */
    double overrides_estimate = opt.world.orders_per_night * opt.world.claim_per_mille /
                                1000.0 * 0.14 * opt.world.adjudicated_per_mille / 600.0;
    if (opt.bad_rows > 10 && opt.bad_rows > 0.05 * overrides_estimate)
        fprintf(stderr,
                "gen: warning: %u bad rows per file may fail the overrides file"
                " (more than 10 rejects and over 5%% of its ~%.0f rows)\n",
                opt.bad_rows, overrides_estimate);
    if (make_dir(opt.out)) {
        fprintf(stderr, "gen: %s: %s\n", opt.out, strerror(errno));
        return EX_CANTCREAT;
    }
    struct earlier earlier = {0};
    struct expected_reject *expected =
        malloc((FEED_COUNT * (size_t)opt.bad_rows + 1) * sizeof *expected);
    if (!expected) {
        fputs("gen: out of memory\n", stderr);
        return EX_OSERR;
    }
    for (unsigned i = 0; i < opt.days; i++) {
        struct night n = {.opt = &opt,
                          .day = opt.world.start + (day_t)i,
                          .earlier = &earlier,
                          .expected = expected};
        char date[11];
        date_format(n.day, date);
        snprintf(n.dir, sizeof n.dir, "%s/%s", opt.out, date);
        if (make_dir(n.dir) || write_orders(&n) || write_feeds(&n) ||
            (opt.expect && write_expected(&n))) {
            fprintf(stderr, "gen: %s: %s\n", n.dir, strerror(errno));
            return EX_IOERR;
        }
        memcpy(earlier.decided_claim, earlier.tonight_override, sizeof earlier.decided_claim);
        fprintf(stderr, "gen: %s: %lu events, %lu claim rows, %lu overrides\n", date, n.events,
                n.claims, n.overrides);
    }
    free(expected);
    return 0;
}
