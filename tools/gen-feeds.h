/* gen-feeds.h: the four input files of a night (SPEC §2): their columns,
 * and the bad rows the generator makes out of a good row of each, one per
 * reject reason, so that arbiter's reject path is exercised on every file. */
#ifndef GEN_FEEDS_H
#define GEN_FEEDS_H

#include "gen-csv.h"

enum feed { FEED_ORDERS, FEED_TRACKING, FEED_CLAIMS, FEED_OVERRIDES, FEED_COUNT };

/* Canonical column positions (the order of out->field). */
enum { O_ID, O_BUYER, O_SELLER, O_PLACED, O_AMOUNT, O_CURRENCY, O_METHOD, O_DAYS };
enum { T_ORDER, T_EVENT_AT, T_STATUS, T_CARRIER, T_TRACKING };
enum { C_ID, C_ORDER, C_OPENED, C_REASON, C_AMOUNT, C_RESPONSE, C_RESPONDED };
enum { V_CLAIM, V_OUTCOME, V_AMOUNT, V_NOTE };

extern const struct csv_layout feed_layouts[FEED_COUNT];

/* What a bad row made from the row in out->field needs to know about it. */
struct row_facts {
    bool real;                 /* the row was written and accepted; else made up */
    day_t placed;             /* the day its order was placed */
    int64_t order_amount;      /* the order's amount in minor units */
    int exponent;              /* of the order's currency */
    const char *decided_claim; /* a claim decided by an override on an earlier night, or NULL */
};

/* Bad rows spread evenly through a file: `wanted` of them over `total`
 * steps of progress. */
struct bad_plan {
    unsigned wanted, written;
    uint64_t total, progress;
};
/* True when the next bad row is due at the current progress. */
bool bad_row_due(const struct bad_plan *plan);

/* Overwrites out->field (a good row of `feed`) with bad row number
 * plan->written of `night`, writes it, counts it, and returns the reject
 * reason it is meant to get. */
const char *bad_row_write(struct csv_out *out, enum feed feed, const struct row_facts *facts,
                          day_t night, struct bad_plan *plan);

#endif
