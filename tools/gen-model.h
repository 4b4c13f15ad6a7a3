/* gen-model.h: the world of the test-data generator. Every order's whole
 * life (placement, carrier events, claims, seller responses, a manual
 * override) is a pure function of the seed, the day it was placed and its
 * index that day, so any night can be written without remembering the
 * nights before it: memory does not grow with the number of orders. */
#ifndef GEN_MODEL_H
#define GEN_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h" /* the program's own day numbers and date text */

#define NO_DAY INT32_MIN

/* Every event, claim, response and override of an order is reported within
 * this many days of the day it was placed (the model's longest chain is
 * about 70 days: a late claim on a late delivery, then a late response). */
#define LIFE_DAYS 80

/* ---- splitmix64: small, fast, and good enough for test data ---- */
struct rng {
    uint64_t state;
};
struct rng rng_for(uint64_t seed, uint64_t a, uint64_t b);
uint64_t rng_next(struct rng *r);
uint32_t rng_below(struct rng *r, uint32_t n);         /* 0..n-1 (n > 0) */
bool rng_per_mille(struct rng *r, unsigned per_mille); /* true with p/1000 */
/* Index into a table of weights (the weights need not sum to anything). */
unsigned rng_weighted(struct rng *r, const unsigned *weights, unsigned n);

/* ---- reference tables ---- */
struct currency {
    const char *code;
    int exponent;
    int64_t min_minor, max_minor; /* realistic order totals, in minor units */
};
extern const struct currency currencies[];
extern const unsigned currency_count;
extern const char *const payment_methods[];
extern const unsigned payment_method_count;
extern const char *const carriers[];
extern const unsigned carrier_count;
extern const char *const override_notes[];
extern const unsigned override_note_count;

enum event_status { EV_SHIPPED, EV_IN_TRANSIT, EV_DELIVERED, EV_LOST, EV_RETURNED };
extern const char *const event_status_names[];
enum claim_reason { NOT_RECEIVED, NOT_AS_DESCRIBED };
extern const char *const claim_reason_names[];
enum seller_response { RESPONSE_NONE, RESPONSE_ACCEPTED, RESPONSE_REJECTED };
extern const char *const seller_response_names[];

/* ---- an order's life ---- */
struct event {
    enum event_status status;
    day_t day;      /* the UTC date it happened */
    day_t report;   /* the night the carrier feed sends it (>= day) */
    day_t resend;   /* a night it is sent again, identical, or NO_DAY */
    uint32_t second; /* time of day, UTC */
};

struct claim {
    unsigned seq; /* 0: the buyer's claim; 1: a second claim on the same order */
    enum claim_reason reason;
    day_t opened, report, resend;
    uint32_t opened_second;
    int64_t amount; /* asked refund in minor units, or -1 for "whole order" (empty) */
    enum seller_response response;
    day_t responded; /* reported the night it happens; NO_DAY when no response */
    uint32_t responded_second;
};

struct override {
    bool present;
    bool refund;    /* else reject */
    day_t night;   /* reported that night; the claim is MANUAL_REVIEW by then */
    int64_t amount; /* -1: empty */
    unsigned note;  /* index into override_notes */
};

#define MAX_EVENTS 5
#define MAX_CLAIMS 2

struct order {
    day_t placed, arrival, resend; /* arrival: the night the order feed sends it */
    uint32_t placed_second;
    char id[32];
    char hex[9];          /* the ID's random part (tracking numbers use it) */
    uint32_t buyer, seller;
    const struct currency *currency;
    int64_t amount;
    unsigned method, promised_days, carrier;
    day_t delivered; /* NO_DAY when never delivered */
    unsigned n_events, n_claims;
    struct event events[MAX_EVENTS];
    struct claim claims[MAX_CLAIMS];
    struct override override;
};

/* What the command line decides. */
struct world {
    uint64_t seed;
    day_t start;              /* the first night written */
    unsigned history;          /* days before start whose orders the first night backfills */
    uint32_t orders_per_night; /* rows of each night's orders.csv (the first night spreads
                                  them over start-history .. start) */
    uint32_t history_orders;   /* if > 0: orders placed on each history day instead, and the
                                  first night has orders_per_night of its own day on top */
    unsigned claim_per_mille;  /* orders that get a claim */
    unsigned adjudicated_per_mille; /* claims left to manual review that the disputes
                                       team adjudicates, 1 to 4 nights later */
    bool random_ids;           /* order IDs hex first (O87b0e5d5-20260803), so that
                                  their order does not follow the date placed */
};

/* How many orders were placed on a day (0 outside the generated history). */
uint32_t world_orders_on(const struct world *w, day_t day);
/* The night whose files carry something reported on `day`: the first night
 * backfills everything reported before it. */
day_t world_night_of(const struct world *w, day_t day);
/* Works out order `index` of day `placed` completely. */
void order_live(const struct world *w, day_t placed, uint32_t index, struct order *o);
/* The ID of claim `seq` of an order. */
void claim_id(const struct order *o, unsigned seq, char *buf, unsigned size);

#endif
