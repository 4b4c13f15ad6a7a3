/* gen-model.c: the generator's world model (see gen-model.h): PRNG,
 * calendar, reference tables and the life of one order. The probabilities
 * here are the knobs that give the nightly feeds their shape: about three
 * carrier events per order, most orders delivered, a few lost or returned,
 * about one order in twenty disputed, sellers answering most claims. */
#include "gen-model.h"

#include <stdio.h>
#include <string.h>

/* ---- PRNG ---- */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct rng rng_for(uint64_t seed, uint64_t a, uint64_t b)
{
    struct rng r = {mix64(mix64(seed ^ 0x5851f42d4c957f2dULL) ^ a) ^
                    mix64(b + 0x9e3779b97f4a7c15ULL)};
    return r;
}

uint64_t rng_next(struct rng *r)
{
    r->state += 0x9e3779b97f4a7c15ULL;
    return mix64(r->state);
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

bool rng_per_mille(struct rng *r, unsigned per_mille)
{
    return rng_below(r, 1000) < per_mille;
}

unsigned rng_weighted(struct rng *r, const unsigned *weights, unsigned n)
{
    unsigned total = 0;
    for (unsigned i = 0; i < n; i++)
        total += weights[i];
    uint32_t pick = rng_below(r, total);
    unsigned i = 0;
    while (pick >= weights[i])
        pick -= weights[i++];
    return i;
}

/* ---- reference tables ---- */

const struct currency currencies[] = {
    {"USD", 2, 500, 80000},   {"EUR", 2, 500, 70000},   {"GBP", 2, 400, 60000},
    {"BRL", 2, 2000, 400000}, {"JPY", 0, 500, 90000},   {"KRW", 0, 5000, 900000},
    {"KWD", 3, 1500, 250000}, {"BHD", 3, 1500, 300000},
};
static const unsigned currency_weights[] = {30, 18, 10, 10, 12, 8, 6, 6};
const unsigned currency_count = sizeof currencies / sizeof currencies[0];

const char *const payment_methods[] = {"card_credit", "card_debit", "paypal", "alipay",
                                       "bank_transfer"};
static const unsigned payment_method_weights[] = {35, 20, 20, 15, 10};
const unsigned payment_method_count = sizeof payment_methods / sizeof payment_methods[0];

const char *const carriers[] = {"CAINIAO", "4PX",  "YANWEN",       "DHL eCommerce",
                                "UPS",     "USPS", "Correios, BR", "J&T Express"};
const unsigned carrier_count = sizeof carriers / sizeof carriers[0];

const char *const override_notes[] = {
    "agent review",
    "photos checked, item damaged",
    "buyer sent \"empty box\" video",
    "carrier confirmed delivery to neighbour",
    "seller provided proof of delivery",
    "partial refund agreed by phone",
    "ticket #4471: escalated to team lead",
    "colour differs from listing; keep item",
};
const unsigned override_note_count = sizeof override_notes / sizeof override_notes[0];

const char *const event_status_names[] = {"shipped", "in_transit", "delivered", "lost", "returned"};
const char *const claim_reason_names[] = {"not_received", "not_as_described"};
const char *const seller_response_names[] = {"", "accepted", "rejected"};

/* ---- the world ---- */

uint32_t world_orders_on(const struct world *w, day_t day)
{
    day_t first = w->start - (day_t)w->history;
    if (day < first)
        return 0;
    if (day > w->start || (day == w->start && w->history_orders))
        return w->orders_per_night;
    if (w->history_orders)
        return w->history_orders;
    uint32_t days = w->history + 1, offset = (uint32_t)(day - first);
    return w->orders_per_night / days + (offset < w->orders_per_night % days);
}

day_t world_night_of(const struct world *w, day_t day)
{
    return day < w->start ? w->start : day;
}

static day_t max_day(day_t a, day_t b)
{
    return a > b ? a : b;
}

/* A bijection of 32-bit numbers, so order IDs look random yet never collide. */
static uint32_t scramble(uint32_t x, uint32_t salt)
{
    x ^= salt * 0x9e3779b9u;
    x *= 0x2c1b3c6du;
    x ^= x >> 12;
    x *= 0x297a2d39u;
    x ^= x >> 15;
    return x;
}

/* A feed sometimes sends a record a night or two late, or again. */
static day_t report_night(struct rng *r, day_t day, day_t not_before)
{
    day_t night = day + (rng_per_mille(r, 50) ? 1 + (day_t)rng_below(r, 2) : 0);
    return max_day(night, not_before);
}

static day_t resend_night(struct rng *r, day_t after, unsigned per_mille)
{
    return rng_per_mille(r, per_mille) ? after + 1 : NO_DAY;
}

static void add_event(struct order *o, struct rng *r, enum event_status status, day_t day)
{
    struct event *e = &o->events[o->n_events++];
    e->status = status;
    e->day = day;
    e->report = report_night(r, day, o->arrival);
    e->resend = resend_night(r, e->report, 10);
    e->second = rng_below(r, 86400);
}

static void plan_events(struct order *o, struct rng *r)
{
    if (!rng_per_mille(r, 965))
        return; /* never shipped: refunded by AUTO_REFUND, or claimed */
    day_t shipped = o->arrival + (day_t)rng_below(r, 4), last = shipped;
    add_event(o, r, EV_SHIPPED, shipped);
    if (rng_per_mille(r, 920)) {
        last = shipped + 1 + (day_t)rng_below(r, 4);
        add_event(o, r, EV_IN_TRANSIT, last);
        if (rng_per_mille(r, 450)) {
            last += 1 + (day_t)rng_below(r, 5);
            add_event(o, r, EV_IN_TRANSIT, last);
        }
    }
    static const unsigned fate_weights[] = {880, 40, 30, 50}; /* delivered lost returned stuck */
    switch (rng_weighted(r, fate_weights, 4)) {
    case 0:
        o->delivered = max_day(shipped + 2 + (day_t)rng_below(r, o->promised_days + 6), last + 1);
        add_event(o, r, EV_DELIVERED, o->delivered);
        break;
    case 1:
        add_event(o, r, EV_LOST, last + 5 + (day_t)rng_below(r, 25));
        break;
    case 2:
        add_event(o, r, EV_RETURNED, last + 5 + (day_t)rng_below(r, 20));
        break;
    default:
        break; /* stuck in transit */
    }
}

static const struct event *delivered_event(const struct order *o)
{
    for (unsigned i = 0; i < o->n_events; i++)
        if (o->events[i].status == EV_DELIVERED)
            return &o->events[i];
    return NULL;
}

/* The kinds of dispute, each aimed at some of the rules of SPEC §3. */
enum scenario {
    SNAD_IN_WINDOW,       /* SNAD_SELLER_ACCEPTED/REJECTED, SNAD_NO_RESPONSE, ..._AWAITING */
    SNAD_BEFORE_DELIVERY, /* SNAD_NOT_DELIVERED */
    SNAD_LATE,            /* SNAD_WINDOW_EXPIRED or ORDER_CLOSED */
    INR_AFTER_DELIVERY,   /* INR_DELIVERED (MANUAL_REVIEW) */
    INR_TOO_EARLY,        /* INR_TOO_EARLY */
    INR_OVERDUE,          /* INR_LOST, INR_SELLER_ACCEPTED, INR_NOT_DELIVERED, ..._AWAITING */
    SCENARIO_COUNT
};
static const unsigned weights_if_delivered[SCENARIO_COUNT] = {50, 5, 8, 15, 7, 15};
static const unsigned weights_if_undelivered[SCENARIO_COUNT] = {0, 8, 0, 0, 12, 80};

static day_t scenario_opened(const struct order *o, struct rng *r, enum scenario s)
{
    day_t d = o->delivered, promised_by = o->placed + (day_t)o->promised_days;
    switch (s) {
    case SNAD_IN_WINDOW:
        return d + (day_t)rng_below(r, 14);
    case SNAD_BEFORE_DELIVERY:
        return d != NO_DAY ? max_day(o->placed, d - 1 - (day_t)rng_below(r, 3))
                           : o->arrival + (day_t)rng_below(r, 10);
    case SNAD_LATE:
        return d + 16 + (day_t)rng_below(r, 5);
    case INR_AFTER_DELIVERY:
        return max_day(d, promised_by + 1) + (day_t)rng_below(r, 4);
    case INR_TOO_EARLY:
        return o->placed + (day_t)rng_below(r, o->promised_days + 1);
    default:
        return promised_by + 1 + (day_t)rng_below(r, 10);
    }
}

static void plan_claim(struct order *o, struct rng *r, enum claim_reason reason, day_t opened)
{
    struct claim *c = &o->claims[o->n_claims];
    c->seq = o->n_claims++;
    c->reason = reason;
    c->opened = opened;
    c->opened_second = rng_below(r, 86400);
    c->report = report_night(r, opened, o->arrival);
    c->amount = -1;
    if (reason == NOT_AS_DESCRIBED && rng_per_mille(r, 700))
        c->amount = o->amount * (10 + rng_below(r, 81)) / 100 + 1;
    else if (reason == NOT_RECEIVED && rng_per_mille(r, 150))
        c->amount = o->amount;
    c->response = RESPONSE_NONE;
    c->responded = NO_DAY;
    if (rng_per_mille(r, 750)) {
        c->response = rng_per_mille(r, 400) ? RESPONSE_ACCEPTED : RESPONSE_REJECTED;
        c->responded = opened + (day_t)rng_below(r, 8); /* 6 and 7: too late to count */
        c->responded_second = rng_below(r, 86400);
    }
    c->resend = resend_night(r, max_day(c->report, c->responded), 30);
}

/* The night from which the claim is predictably MANUAL_REVIEW for good
 * (nothing later can decide it but an override), or NO_DAY. */
static day_t manual_review_from(const struct order *o, const struct claim *c)
{
    const struct event *delivery = delivered_event(o);
    if (!delivery || o->n_claims != 1 || c->opened < o->delivered || c->report > o->delivered + 15)
        return NO_DAY;
    day_t respond_by = c->opened + 5;
    bool counts = c->response != RESPONSE_NONE && c->responded <= respond_by;
    if (c->reason == NOT_AS_DESCRIBED && c->opened <= o->delivered + 15 &&
        delivery->report <= c->report && counts && c->response == RESPONSE_REJECTED)
        return max_day(c->report, c->responded);
    if (c->reason == NOT_RECEIVED && c->opened > o->placed + (day_t)o->promised_days &&
        delivery->report <= respond_by && !(counts && c->response == RESPONSE_ACCEPTED))
        return max_day(c->report, delivery->report);
    return NO_DAY;
}

static void plan_override(struct order *o, struct rng *r, unsigned adjudicated_per_mille)
{
    day_t from = manual_review_from(o, &o->claims[0]);
    struct override *v = &o->override;
    if (from == NO_DAY || !rng_per_mille(r, adjudicated_per_mille))
        return;
    v->present = true;
    v->night = from + 1 + (day_t)rng_below(r, 4);
    v->refund = rng_per_mille(r, 600);
    v->amount =
        v->refund && rng_per_mille(r, 500) ? o->amount * (20 + rng_below(r, 81)) / 100 + 1 : -1;
    if (v->amount > o->amount)
        v->amount = o->amount;
    v->note = rng_below(r, override_note_count);
}

static void plan_claims(struct order *o, struct rng *r, const struct world *w)
{
    if (!rng_per_mille(r, w->claim_per_mille))
        return;
    const unsigned *weights =
        o->delivered != NO_DAY ? weights_if_delivered : weights_if_undelivered;
    enum scenario s = rng_weighted(r, weights, SCENARIO_COUNT);
    enum claim_reason reason = s <= SNAD_LATE ? NOT_AS_DESCRIBED : NOT_RECEIVED;
    day_t opened = scenario_opened(o, r, s);
    plan_claim(o, r, reason, opened);
    if (rng_per_mille(r, 40)) { /* the buyer files again: DUPLICATE_CLAIM */
        enum claim_reason other = reason == NOT_RECEIVED ? NOT_AS_DESCRIBED : NOT_RECEIVED;
        plan_claim(o, r, rng_per_mille(r, 500) ? reason : other, opened + (day_t)rng_below(r, 3));
    }
    plan_override(o, r, w->adjudicated_per_mille);
}

/* One order in ten is in a currency other than its seller's own (a
 * cross-border sale); the others are in the seller's home currency, so
 * that a seller's releases of a night fall on one or two currencies, as
 * on a marketplace, not on all of them. */
#define CROSS_BORDER_PER_MILLE 100

/* The currency a seller lists in, the same every night. */
static const struct currency *seller_home_currency(uint64_t seed, uint32_t seller)
{
    struct rng r = rng_for(seed, UINT64_C(0x53454c4c4552) /* "SELLER" */, seller);
    return &currencies[rng_weighted(&r, currency_weights, currency_count)];
}

/* Whether the order of `index` placed on `placed` is a cross-border sale,
 * from a stream of its own. */
static bool is_cross_border(uint64_t seed, day_t placed, uint32_t index)
{
    struct rng r = rng_for(seed ^ UINT64_C(0x43524f5353) /* "CROSS" */,
                           (uint64_t)(int64_t)placed, index);
    return rng_per_mille(&r, CROSS_BORDER_PER_MILLE);
}

void order_live(const struct world *w, day_t placed, uint32_t index, struct order *o)
{
    struct rng r = rng_for(w->seed, (uint64_t)(int64_t)placed, index);
    memset(o, 0, sizeof *o);
    o->placed = placed;
    o->placed_second = rng_below(&r, 86400);
    int y, m, d;
    date_to_civil(placed, &y, &m, &d);
    uint32_t hex = scramble(index, (uint32_t)placed);
    if (w->random_ids)
        snprintf(o->id, sizeof o->id, "O%08x-%04d%02d%02d", hex, y, m, d);
    else
        snprintf(o->id, sizeof o->id, "O%04d%02d%02d-%08x", y, m, d, hex);
    snprintf(o->hex, sizeof o->hex, "%08x", hex);
    uint32_t per_night = w->orders_per_night ? w->orders_per_night : 1;
    o->buyer = rng_below(&r, per_night * 20 > 9000000 ? 9000000 : per_night * 20 + 1000);
    o->seller = rng_below(&r, per_night / 10 + 50);
    /* the draw of the order's own stream comes first whatever the
     * currency, so that the rest of the stream (and the sample nights'
     * IDs, events and claims) is what it was before sellers had a home */
    const struct currency *drawn = &currencies[rng_weighted(&r, currency_weights, currency_count)];
    o->currency = is_cross_border(w->seed, placed, index) ? drawn
                                                          : seller_home_currency(w->seed, o->seller);
    o->amount = o->currency->min_minor +
                (int64_t)rng_below(&r, (uint32_t)(o->currency->max_minor - o->currency->min_minor));
    o->method = rng_weighted(&r, payment_method_weights, payment_method_count);
    o->promised_days = 5 + rng_below(&r, 26);
    o->carrier = rng_below(&r, carrier_count);
    o->arrival = placed + rng_per_mille(&r, 20); /* a late feed: sent the next night */
    o->resend = resend_night(&r, o->arrival, 5);
    o->delivered = NO_DAY;
    plan_events(o, &r);
    plan_claims(o, &r, w);
}

void claim_id(const struct order *o, unsigned seq, char *buf, unsigned size)
{
    snprintf(buf, size, "C%s-%u", o->id + 1, seq);
}
