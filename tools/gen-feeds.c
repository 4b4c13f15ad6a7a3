/* gen-feeds.c: the feed layouts and the bad-row catalogue (see gen-feeds.h).
 * Each bad row starts from a good row of the same file and breaks exactly
 * one thing, so the reject reason arbiter should give is known. */
#include "gen-feeds.h"

#include <string.h>

const struct csv_layout feed_layouts[FEED_COUNT] = {
    [FEED_ORDERS] = {"orders.csv",
                     8,
                     {"order_id", "buyer_id", "seller_id", "placed_at", "amount", "currency",
                      "payment_method", "promised_days"},
                     0},
    [FEED_TRACKING] = {"tracking.csv",
                       5,
                       {"order_id", "event_at", "status", "carrier", "tracking_number"},
                       1u << T_CARRIER | 1u << T_TRACKING},
    [FEED_CLAIMS] = {"claims.csv",
                     7,
                     {"claim_id", "order_id", "opened_at", "reason", "amount", "seller_response",
                      "responded_at"},
                     0},
    [FEED_OVERRIDES] = {"overrides.csv", 4, {"claim_id", "outcome", "amount", "note"}, 0},
};

enum corruption {
    KEEP,         /* nothing but the fresh ID below */
    SET,          /* the column becomes `text` */
    EMPTY,        /* the column becomes empty */
    FRESH_ID,     /* the column becomes an ID nobody knows */
    FUTURE,       /* the column becomes a date after the night */
    BEFORE_ORDER, /* the column becomes the day before the order was placed */
    TOO_LONG,     /* the column gets over 1024 bytes */
    OVER_AMOUNT,  /* the column becomes the order amount plus one minor unit */
    FLIP,         /* the column swaps between the two values of `text` ("a|b") */
    DECIDED,      /* the column becomes the ID of a claim decided on an earlier night */
    SHORT_ROW,    /* one field fewer than the header */
    LONG_ROW,     /* one field more than the header */
};

struct bad_case {
    enum feed feed;
    const char *reason;
    enum corruption how;
    int column;
    const char *text;
    bool keeps_id; /* the row keeps its real ID: needs a real template row */
};

static bool can_serve(const struct bad_case *bc, const struct row_facts *facts)
{
    return (facts->real || !bc->keeps_id) && (bc->how != DECIDED || facts->decided_claim);
}

/* Every row but those that keep their ID gets a fresh primary ID, so a bad
 * row never touches a real order or claim by accident. */
static const int fresh_id_column[FEED_COUNT] = {O_ID, -1, C_ID, V_CLAIM};

static const struct bad_case bad_cases[] = {
    {FEED_ORDERS, "bad_id", SET, O_BUYER, "B 0042", false},
    {FEED_ORDERS, "bad_date", SET, O_PLACED, "2026-02-30", false},
    {FEED_ORDERS, "bad_amount", SET, O_AMOUNT, "1,250.00", false},
    {FEED_ORDERS, "bad_currency", SET, O_CURRENCY, "US$", false},
    {FEED_ORDERS, "bad_payment_method", SET, O_METHOD, "bitcoin", false},
    {FEED_ORDERS, "bad_number", SET, O_DAYS, "7.5", false},
    {FEED_ORDERS, "missing_field", EMPTY, O_SELLER, NULL, false},
    {FEED_ORDERS, "future_date", FUTURE, O_PLACED, NULL, false},
    {FEED_ORDERS, "duplicate_conflict", OVER_AMOUNT, O_AMOUNT, NULL, true},
    {FEED_ORDERS, "field_too_long", TOO_LONG, O_SELLER, NULL, false},
    {FEED_ORDERS, "bad_amount", SET, O_AMOUNT, "-5", false},
    {FEED_ORDERS, "bad_encoding", SET, O_BUYER, "B\3510042", false}, /* \351: Latin-1 e-acute */
    {FEED_ORDERS, "bad_number", SET, O_DAYS, "400", false},
    {FEED_ORDERS, "bad_row", SHORT_ROW, 0, NULL, false},
    {FEED_ORDERS, "bad_date", SET, O_PLACED, "2026-11-05T24:00:00Z", false},
    {FEED_ORDERS, "bad_amount", SET, O_AMOUNT, "1e3", false},

    {FEED_TRACKING, "bad_status", SET, T_STATUS, "delivred", false},
    {FEED_TRACKING, "unknown_order", FRESH_ID, T_ORDER, NULL, false},
    {FEED_TRACKING, "before_order", BEFORE_ORDER, T_EVENT_AT, NULL, false},
    {FEED_TRACKING, "future_date", FUTURE, T_EVENT_AT, NULL, false},
    {FEED_TRACKING, "bad_date", SET, T_EVENT_AT, "2026-13-01", false},
    {FEED_TRACKING, "missing_field", EMPTY, T_STATUS, NULL, false},
    {FEED_TRACKING, "bad_id", SET, T_ORDER, "O#1187", false},
    {FEED_TRACKING, "field_too_long", TOO_LONG, T_ORDER, NULL, false},
    {FEED_TRACKING, "bad_encoding", SET, T_STATUS, "delivered\xc3", false},
    {FEED_TRACKING, "bad_row", LONG_ROW, 0, NULL, false},
    {FEED_TRACKING, "bad_date", SET, T_EVENT_AT, "05/11/2026", false},

    {FEED_CLAIMS, "bad_reason", SET, C_REASON, "damaged", false},
    {FEED_CLAIMS, "unknown_order", FRESH_ID, C_ORDER, NULL, false},
    {FEED_CLAIMS, "bad_amount", OVER_AMOUNT, C_AMOUNT, NULL, false},
    {FEED_CLAIMS, "before_order", BEFORE_ORDER, C_OPENED, NULL, false},
    {FEED_CLAIMS, "bad_response", SET, C_RESPONSE, "maybe", false},
    {FEED_CLAIMS, "duplicate_conflict", FLIP, C_REASON, "not_received|not_as_described", true},
    {FEED_CLAIMS, "future_date", FUTURE, C_OPENED, NULL, false},
    {FEED_CLAIMS, "missing_field", EMPTY, C_REASON, NULL, false},
    {FEED_CLAIMS, "bad_id", SET, C_ID, "C 17", false},
    {FEED_CLAIMS, "bad_date", SET, C_OPENED, "2026-04-31", false},
    {FEED_CLAIMS, "field_too_long", TOO_LONG, C_ORDER, NULL, false},
    {FEED_CLAIMS, "bad_encoding", SET, C_REASON, "not_received\xff", false},
    {FEED_CLAIMS, "bad_row", SHORT_ROW, 0, NULL, false},
    {FEED_CLAIMS, "bad_amount", SET, C_AMOUNT, "12.5.0", false},

    {FEED_OVERRIDES, "bad_outcome", SET, V_OUTCOME, "refunded", false},
    {FEED_OVERRIDES, "unknown_claim", KEEP, 0, NULL, false},
    {FEED_OVERRIDES, "duplicate_conflict", FLIP, V_OUTCOME, "refund|reject", true},
    {FEED_OVERRIDES, "missing_field", EMPTY, V_OUTCOME, NULL, false},
    {FEED_OVERRIDES, "bad_id", SET, V_CLAIM, "C 7", false},
    {FEED_OVERRIDES, "field_too_long", TOO_LONG, V_NOTE, NULL, false},
    {FEED_OVERRIDES, "bad_encoding", SET, V_NOTE, "na\xefve", false},
    {FEED_OVERRIDES, "bad_row", LONG_ROW, 0, NULL, false},
    {FEED_OVERRIDES, "claim_decided", DECIDED, V_CLAIM, NULL, false},
};
static const unsigned bad_case_count = sizeof bad_cases / sizeof bad_cases[0];

bool bad_row_due(const struct bad_plan *plan)
{
    return plan->written < plan->wanted &&
           plan->progress * (plan->wanted + 1) >= (uint64_t)(plan->written + 1) * plan->total;
}

/* The k-th case of a feed (cyclically), skipping those this template can't serve. */
static const struct bad_case *pick_case(enum feed feed, unsigned k, const struct row_facts *facts)
{
    unsigned n = 0;
    for (unsigned i = 0; i < bad_case_count; i++)
        n += bad_cases[i].feed == feed && can_serve(&bad_cases[i], facts);
    k %= n;
    for (unsigned i = 0;; i++)
        if (bad_cases[i].feed == feed && can_serve(&bad_cases[i], facts) && k-- == 0)
            return &bad_cases[i];
}

static void fresh_id(char *buf, enum feed feed, day_t night, unsigned j)
{
    char date[11];
    date_format(night, date);
    snprintf(buf, CSV_FIELD_SIZE, "X%.4s%.2s%.2s-%c%u", date, date + 5, date + 8, "otcvu"[feed], j);
}

static void corrupt(struct csv_out *out, const struct bad_case *bc, const struct row_facts *facts,
                    day_t night, unsigned j)
{
    char *f = out->field[bc->column];
    switch (bc->how) {
    case SET:
        snprintf(f, CSV_FIELD_SIZE, "%s", bc->text);
        break;
    case EMPTY:
        f[0] = '\0';
        break;
    case FRESH_ID:
        fresh_id(f, FEED_COUNT, night, j);
        break;
    case FUTURE:
        csv_format_when(out, f, night + 1, rng_below(&out->style, 86400));
        break;
    case BEFORE_ORDER:
        csv_format_when(out, f, facts->placed - 1, rng_below(&out->style, 86400));
        break;
    case TOO_LONG:
        memset(f, 'A', 1100);
        f[1100] = '\0';
        break;
    case OVER_AMOUNT:
        csv_format_amount(out, f, facts->order_amount + 1, facts->exponent);
        break;
    case FLIP: {
        const char *bar = strchr(bc->text, '|');
        size_t first_len = (size_t)(bar - bc->text);
        bool is_first = strlen(f) == first_len && strncmp(f, bc->text, first_len) == 0;
        if (is_first)
            snprintf(f, CSV_FIELD_SIZE, "%s", bar + 1);
        else
            snprintf(f, CSV_FIELD_SIZE, "%.*s", (int)first_len, bc->text);
        break;
    }
    case DECIDED:
        snprintf(f, CSV_FIELD_SIZE, "%s", facts->decided_claim);
        break;
    case KEEP:
    case SHORT_ROW:
    case LONG_ROW:
        break;
    }
}

const char *bad_row_write(struct csv_out *out, enum feed feed, const struct row_facts *facts,
                          day_t night, struct bad_plan *plan)
{
    unsigned j = plan->written++;
    /* Night after night, the cases follow on from where the last night stopped. */
    const struct bad_case *bc = pick_case(feed, (unsigned)night * plan->wanted + j, facts);
    char good[CSV_MAX_COLUMNS][CSV_FIELD_SIZE]; /* the template, kept for the next bad row */
    memcpy(good, out->field, sizeof good);
    int id_column = fresh_id_column[feed];
    if (id_column >= 0 && !bc->keeps_id)
        fresh_id(out->field[id_column], feed, night, j);
    corrupt(out, bc, facts, night, j);
    csv_write_row(out, bc->how == SHORT_ROW  ? ROW_SHORT
                       : bc->how == LONG_ROW ? ROW_LONG
                                             : ROW_NORMAL);
    memcpy(out->field, good, sizeof good);
    return bc->reason;
}
