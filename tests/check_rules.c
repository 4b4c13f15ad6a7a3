/* check_rules.c: unit tests of src/rules.c, row by row and boundary by
 * boundary against the rule tables of SPEC §3.
 *
 * Dates are written as text, so each case reads like the spec. Unless a
 * case says otherwise: the order amount is 100.00 (10000 minor units),
 * promised_by is 2026-03-10, the claim is opened on 2026-03-12 and the
 * batch runs as of the opening day. With the default parameters
 * (protection 15, seller response 5, auto refund 30) respond_by is
 * 2026-03-17. */
#include <check.h>

#include "testutil.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define PROMISED "2026-03-10"
#define OPENED "2026-03-12"
#define AMOUNT 10000

static const struct rules_params defaults = {15, 5, 30};
static const struct rules_params response0 = {15, 0, 30};
static const struct rules_params response10 = {15, 10, 30};
static const struct rules_params protection0 = {0, 5, 30};
static const struct rules_params no_auto_refund = {15, 5, 0};
static const struct rules_params auto_refund1 = {15, 5, 1};

static day_t day(const char *text)
{
    day_t d;
    ck_assert_msg(date_parse_plain(text, &d), "bad date in test table: %s", text);
    return d;
}

/* ---- rules 1-15: claims --------------------------------------------- */

struct claim_case {
    const char *name;
    const struct rules_params *params; /* NULL: defaults */
    money_t order_amount;              /* 0: AMOUNT */
    bool closed, lost;
    const char *delivered;             /* NULL: no delivered event */
    enum claim_reason reason;
    const char *opened;                /* NULL: OPENED */
    bool has_amount;
    money_t amount;
    enum seller_response response;
    const char *responded;
    bool earlier_undecided;
    enum override_outcome override;
    bool override_has_amount;
    money_t override_amount;
    const char *as_of;                 /* NULL: the opening day */
    enum claim_status status;
    enum rule rule;
    money_t refund;                    /* checked for REFUND only */
};

#define SNAD .reason = REASON_NOT_AS_DESCRIBED
#define ACCEPTED(d) .response = RESPONSE_ACCEPTED, .responded = (d)
#define REJECTED_BY_SELLER(d) .response = RESPONSE_REJECTED, .responded = (d)
#define ASKS(a) .has_amount = true, .amount = (a)
#define IS(s, r) .status = STATUS_##s, .rule = RULE_##r
#define REFUNDS(r, a) .status = STATUS_REFUND, .rule = RULE_##r, .refund = (a)

static const struct claim_case claim_cases[] = {
    /* 1 ORDER_CLOSED, and precedence: closed > duplicate > override > the rest */
    {"1: closed order", .closed = true, IS(REJECTED, ORDER_CLOSED)},
    {"1: closed beats duplicate and override", .closed = true, .earlier_undecided = true,
     .override = OVERRIDE_REFUND, IS(REJECTED, ORDER_CLOSED)},
    {"1: closed beats a counting SNAD acceptance", .closed = true, SNAD,
     .delivered = "2026-03-12", ACCEPTED("2026-03-12"), IS(REJECTED, ORDER_CLOSED)},
    /* 2 DUPLICATE_CLAIM */
    {"2: earlier undecided claim", .earlier_undecided = true, .as_of = "2026-04-30",
     IS(REJECTED, DUPLICATE_CLAIM)},
    {"2: duplicate beats override refund", .earlier_undecided = true,
     .override = OVERRIDE_REFUND, IS(REJECTED, DUPLICATE_CLAIM)},
    {"2: duplicate beats seller acceptance", .earlier_undecided = true,
     ACCEPTED("2026-03-13"), IS(REJECTED, DUPLICATE_CLAIM)},
    /* 3 MANUAL_REFUND / MANUAL_REJECT: beat every reason rule */
    {"3: INR override refund, no amount: whole order", .override = OVERRIDE_REFUND,
     .opened = "2026-03-01", REFUNDS(MANUAL_REFUND, AMOUNT)},
    {"3: INR override refund ignores the claim's amount", .override = OVERRIDE_REFUND,
     ASKS(3000), REFUNDS(MANUAL_REFUND, AMOUNT)},
    {"3: INR override refund with amount", .override = OVERRIDE_REFUND,
     .override_has_amount = true, .override_amount = 2500, REFUNDS(MANUAL_REFUND, 2500)},
    {"3: INR override refund of 1 minor unit", .override = OVERRIDE_REFUND,
     .override_has_amount = true, .override_amount = 1, REFUNDS(MANUAL_REFUND, 1)},
    {"3: SNAD override refund, no amount: the claim's amount", SNAD, ASKS(3000),
     .override = OVERRIDE_REFUND, REFUNDS(MANUAL_REFUND, 3000)},
    {"3: SNAD override refund, no amounts: whole order", SNAD, .override = OVERRIDE_REFUND,
     REFUNDS(MANUAL_REFUND, AMOUNT)},
    {"3: SNAD override refund with amount", SNAD, ASKS(3000), .override = OVERRIDE_REFUND,
     .override_has_amount = true, .override_amount = 4000, REFUNDS(MANUAL_REFUND, 4000)},
    {"3: SNAD override refund beats not delivered", SNAD, .override = OVERRIDE_REFUND,
     .override_has_amount = true, .override_amount = 1, REFUNDS(MANUAL_REFUND, 1)},
    {"3: INR override reject beats acceptance", .override = OVERRIDE_REJECT,
     ACCEPTED("2026-03-12"), IS(REJECTED, MANUAL_REJECT)},
    {"3: INR override reject ignores its amount", .override = OVERRIDE_REJECT,
     .override_has_amount = true, .override_amount = 500, IS(REJECTED, MANUAL_REJECT)},
    {"3: SNAD override reject beats acceptance", SNAD, .delivered = "2026-03-11",
     ACCEPTED("2026-03-12"), .override = OVERRIDE_REJECT, IS(REJECTED, MANUAL_REJECT)},
    /* 4 INR_TOO_EARLY: opened_at <= promised_by */
    {"4: opened the day before promised_by", .opened = "2026-03-09",
     IS(REJECTED, INR_TOO_EARLY)},
    {"4: opened on promised_by", .opened = PROMISED, IS(REJECTED, INR_TOO_EARLY)},
    {"4: opened the day after promised_by", .opened = "2026-03-11",
     IS(PENDING, INR_AWAITING_SELLER)},
    {"4: too early beats acceptance and loss", .opened = PROMISED, .lost = true,
     ACCEPTED(PROMISED), .as_of = "2026-05-01", IS(REJECTED, INR_TOO_EARLY)},
    /* 5 INR_SELLER_ACCEPTED: whole amount, the response counts through respond_by */
    {"5: accepted the same day", ACCEPTED(OPENED), REFUNDS(INR_SELLER_ACCEPTED, AMOUNT)},
    {"5: accepted on respond_by", ACCEPTED("2026-03-17"), .as_of = "2026-03-17",
     REFUNDS(INR_SELLER_ACCEPTED, AMOUNT)},
    {"5: accepted on respond_by, batch later", ACCEPTED("2026-03-17"), .as_of = "2026-03-30",
     REFUNDS(INR_SELLER_ACCEPTED, AMOUNT)},
    {"5: accepted a day late counts as no response", ACCEPTED("2026-03-18"),
     .as_of = "2026-03-18", REFUNDS(INR_NOT_DELIVERED, AMOUNT)},
    {"5: late acceptance does not beat delivered", .delivered = "2026-03-12",
     ACCEPTED("2026-03-18"), .as_of = "2026-03-18", IS(MANUAL_REVIEW, INR_DELIVERED)},
    {"5: accepted beats delivered", .delivered = "2026-03-11", ACCEPTED("2026-03-13"),
     .as_of = "2026-03-13", REFUNDS(INR_SELLER_ACCEPTED, AMOUNT)},
    {"5: accepted beats lost", .lost = true, ACCEPTED("2026-03-13"), .as_of = "2026-03-13",
     REFUNDS(INR_SELLER_ACCEPTED, AMOUNT)},
    {"5: INR refund is the whole amount, not the claim's", ASKS(3000), ACCEPTED(OPENED),
     REFUNDS(INR_SELLER_ACCEPTED, AMOUNT)},
    {"5: order of 1 minor unit", .order_amount = 1, ACCEPTED(OPENED),
     REFUNDS(INR_SELLER_ACCEPTED, 1)},
    {"5: respond_by moves with seller_response_days", .params = &response10,
     ACCEPTED("2026-03-22"), .as_of = "2026-03-22", REFUNDS(INR_SELLER_ACCEPTED, AMOUNT)},
    {"5: with 0 response days only a same-day answer counts", .params = &response0,
     .delivered = "2026-03-12", ACCEPTED("2026-03-13"), .as_of = "2026-03-13",
     IS(MANUAL_REVIEW, INR_DELIVERED)},
    /* 6 INR_DELIVERED: delivered_on <= opened_at */
    {"6: delivered the day before opening", .delivered = "2026-03-11",
     IS(MANUAL_REVIEW, INR_DELIVERED)},
    {"6: delivered on the opening day", .delivered = OPENED, IS(MANUAL_REVIEW, INR_DELIVERED)},
    {"6: delivered the day after opening", .delivered = "2026-03-13", .as_of = "2026-03-13",
     IS(PENDING, INR_AWAITING_SELLER)},
    {"6: delivered after opening, window over", .delivered = "2026-03-13",
     .as_of = "2026-03-18", REFUNDS(INR_NOT_DELIVERED, AMOUNT)},
    {"6: delivered beats the window being over", .delivered = "2026-03-01",
     .as_of = "2026-04-30", IS(MANUAL_REVIEW, INR_DELIVERED)},
    {"6: delivered beats a lost event", .lost = true, .delivered = "2026-03-11",
     IS(MANUAL_REVIEW, INR_DELIVERED)},
    {"6: seller rejection changes nothing", .delivered = "2026-03-11",
     REJECTED_BY_SELLER("2026-03-12"), IS(MANUAL_REVIEW, INR_DELIVERED)},
    /* 7 INR_LOST: a lost/returned event and no delivered event */
    {"7: lost, window still open", .lost = true, REFUNDS(INR_LOST, AMOUNT)},
    {"7: lost and seller rejected", .lost = true, REJECTED_BY_SELLER(OPENED),
     REFUNDS(INR_LOST, AMOUNT)},
    {"7: lost and delivered after opening is not lost", .lost = true,
     .delivered = "2026-03-14", .as_of = "2026-03-14", IS(PENDING, INR_AWAITING_SELLER)},
    {"7: lost and delivered after opening, window over", .lost = true,
     .delivered = "2026-03-14", .as_of = "2026-03-18", REFUNDS(INR_NOT_DELIVERED, AMOUNT)},
    /* 8 INR_NOT_DELIVERED: D > respond_by */
    {"8: the day before respond_by", .as_of = "2026-03-16", IS(PENDING, INR_AWAITING_SELLER)},
    {"8: on respond_by", .as_of = "2026-03-17", IS(PENDING, INR_AWAITING_SELLER)},
    {"8: the day after respond_by", .as_of = "2026-03-18", REFUNDS(INR_NOT_DELIVERED, AMOUNT)},
    {"8: seller rejected, window over", REJECTED_BY_SELLER("2026-03-13"),
     .as_of = "2026-03-18", REFUNDS(INR_NOT_DELIVERED, AMOUNT)},
    {"8: 0 response days, same day", .params = &response0, IS(PENDING, INR_AWAITING_SELLER)},
    {"8: 0 response days, next day", .params = &response0, .as_of = "2026-03-13",
     REFUNDS(INR_NOT_DELIVERED, AMOUNT)},
    {"8: 10 response days, on respond_by", .params = &response10, .as_of = "2026-03-22",
     IS(PENDING, INR_AWAITING_SELLER)},
    {"8: 10 response days, after respond_by", .params = &response10, .as_of = "2026-03-23",
     REFUNDS(INR_NOT_DELIVERED, AMOUNT)},
    {"8: order of 1 minor unit", .order_amount = 1, .as_of = "2026-03-18",
     REFUNDS(INR_NOT_DELIVERED, 1)},
    /* 9 INR_AWAITING_SELLER */
    {"9: seller rejected, window open", REJECTED_BY_SELLER("2026-03-13"),
     .as_of = "2026-03-13", IS(PENDING, INR_AWAITING_SELLER)},
    /* 10 SNAD_NOT_DELIVERED: no delivered_on, or delivered_on > opened_at */
    {"10: never delivered", SNAD, IS(REJECTED, SNAD_NOT_DELIVERED)},
    {"10: lost", SNAD, .lost = true, IS(REJECTED, SNAD_NOT_DELIVERED)},
    {"10: delivered the day after opening", SNAD, .delivered = "2026-03-13",
     .as_of = "2026-03-13", IS(REJECTED, SNAD_NOT_DELIVERED)},
    {"10: delivered on the opening day", SNAD, .delivered = OPENED,
     IS(PENDING, SNAD_AWAITING_SELLER)},
    {"10: beats acceptance", SNAD, ACCEPTED(OPENED), IS(REJECTED, SNAD_NOT_DELIVERED)},
    {"10: beats the window being over", SNAD, .as_of = "2026-04-30",
     IS(REJECTED, SNAD_NOT_DELIVERED)},
    {"10: SNAD has no too-early rule", SNAD, .opened = "2026-03-05",
     .delivered = "2026-03-04", IS(PENDING, SNAD_AWAITING_SELLER)},
    /* 11 SNAD_WINDOW_EXPIRED: opened_at > delivered_on + protection_days */
    {"11: opened the day before the window's end", SNAD, .delivered = "2026-02-26",
     IS(PENDING, SNAD_AWAITING_SELLER)},
    {"11: opened on delivered_on + 15", SNAD, .delivered = "2026-02-25",
     IS(PENDING, SNAD_AWAITING_SELLER)},
    {"11: opened the day after delivered_on + 15", SNAD, .delivered = "2026-02-24",
     IS(REJECTED, SNAD_WINDOW_EXPIRED)},
    {"11: expired beats acceptance", SNAD, .delivered = "2026-02-24", ACCEPTED(OPENED),
     IS(REJECTED, SNAD_WINDOW_EXPIRED)},
    {"11: protection 0, delivered the opening day", SNAD, .params = &protection0,
     .delivered = OPENED, IS(PENDING, SNAD_AWAITING_SELLER)},
    {"11: protection 0, delivered the day before", SNAD, .params = &protection0,
     .delivered = "2026-03-11", IS(REJECTED, SNAD_WINDOW_EXPIRED)},
    /* 12 SNAD_SELLER_ACCEPTED: the claim's amount */
    {"12: accepted, partial amount", SNAD, .delivered = "2026-03-11", ASKS(3000),
     ACCEPTED(OPENED), REFUNDS(SNAD_SELLER_ACCEPTED, 3000)},
    {"12: accepted, no amount: whole order", SNAD, .delivered = "2026-03-11",
     ACCEPTED(OPENED), REFUNDS(SNAD_SELLER_ACCEPTED, AMOUNT)},
    {"12: accepted, 1 minor unit", SNAD, .delivered = "2026-03-11", ASKS(1), ACCEPTED(OPENED),
     REFUNDS(SNAD_SELLER_ACCEPTED, 1)},
    {"12: accepted on respond_by", SNAD, .delivered = "2026-03-11", ASKS(3000),
     ACCEPTED("2026-03-17"), .as_of = "2026-03-20", REFUNDS(SNAD_SELLER_ACCEPTED, 3000)},
    {"12: accepted a day late: no response", SNAD, .delivered = "2026-03-11", ASKS(3000),
     ACCEPTED("2026-03-18"), .as_of = "2026-03-18", REFUNDS(SNAD_NO_RESPONSE, 3000)},
    {"12: accepted beats lost", SNAD, .lost = true, .delivered = "2026-03-11",
     ACCEPTED(OPENED), REFUNDS(SNAD_SELLER_ACCEPTED, AMOUNT)},
    /* 13 SNAD_SELLER_REJECTED */
    {"13: rejected in time", SNAD, .delivered = "2026-03-11",
     REJECTED_BY_SELLER("2026-03-13"), .as_of = "2026-03-13",
     IS(MANUAL_REVIEW, SNAD_SELLER_REJECTED)},
    {"13: rejected on respond_by, window over", SNAD, .delivered = "2026-03-11",
     REJECTED_BY_SELLER("2026-03-17"), .as_of = "2026-03-25",
     IS(MANUAL_REVIEW, SNAD_SELLER_REJECTED)},
    {"13: rejected a day late: no response", SNAD, .delivered = "2026-03-11", ASKS(2500),
     REJECTED_BY_SELLER("2026-03-18"), .as_of = "2026-03-18",
     REFUNDS(SNAD_NO_RESPONSE, 2500)},
    /* 14 SNAD_NO_RESPONSE: D > respond_by */
    {"14: the day before respond_by", SNAD, .delivered = "2026-03-11", ASKS(2500),
     .as_of = "2026-03-16", IS(PENDING, SNAD_AWAITING_SELLER)},
    {"14: on respond_by", SNAD, .delivered = "2026-03-11", ASKS(2500), .as_of = "2026-03-17",
     IS(PENDING, SNAD_AWAITING_SELLER)},
    {"14: the day after respond_by, partial", SNAD, .delivered = "2026-03-11", ASKS(2500),
     .as_of = "2026-03-18", REFUNDS(SNAD_NO_RESPONSE, 2500)},
    {"14: the day after respond_by, whole", SNAD, .delivered = "2026-03-11",
     .as_of = "2026-03-18", REFUNDS(SNAD_NO_RESPONSE, AMOUNT)},
    {"14: 0 response days, next day", SNAD, .params = &response0, .delivered = OPENED,
     ASKS(1), .as_of = "2026-03-13", REFUNDS(SNAD_NO_RESPONSE, 1)},
    {"14: window expired beats no response", SNAD, .delivered = "2026-02-01",
     .as_of = "2026-04-30", IS(REJECTED, SNAD_WINDOW_EXPIRED)},
    /* 15 SNAD_AWAITING_SELLER */
    {"15: delivered, no response, window open", SNAD, .delivered = "2026-03-11",
     .as_of = "2026-03-14", IS(PENDING, SNAD_AWAITING_SELLER)},
};

START_TEST(test_claim_rule)
{
    const struct claim_case *c = &claim_cases[_i];
    struct order_facts o = {
        .amount = c->order_amount ? c->order_amount : AMOUNT,
        .promised_by = day(PROMISED),
        .delivered = c->delivered != NULL,
        .delivered_on = c->delivered ? day(c->delivered) : 0,
        .lost_event = c->lost,
        .closed = c->closed,
    };
    struct claim_facts cl = {
        .reason = c->reason,
        .opened_on = day(c->opened ? c->opened : OPENED),
        .has_amount = c->has_amount,
        .amount = c->amount,
        .response = c->response,
        .responded_on = c->responded ? day(c->responded) : 0,
        .earlier_undecided = c->earlier_undecided,
        .override = c->override,
        .override_has_amount = c->override_has_amount,
        .override_amount = c->override_amount,
    };
    day_t as_of = c->as_of ? day(c->as_of) : cl.opened_on;
    struct claim_decision got =
        rules_decide_claim(&o, &cl, c->params ? c->params : &defaults, as_of);
    ck_assert_msg(got.status == c->status && got.rule == c->rule,
                  "rule %s: got %s/%s, want %s/%s", c->name, rules_status_name(got.status),
                  rules_rule_name(got.rule), rules_status_name(c->status),
                  rules_rule_name(c->rule));
    if (c->status == STATUS_REFUND)
        ck_assert_msg(got.refund == c->refund, "rule %s: refund %lld, want %lld", c->name,
                      (long long)got.refund, (long long)c->refund);
}
END_TEST

/* ---- rules 16-19: open orders ---------------------------------------- */

struct order_case {
    const char *name;
    const struct rules_params *params; /* NULL: defaults */
    bool undecided_claim, lost;
    const char *delivered;
    const char *as_of;
    enum order_action action;
    enum rule rule;
};

static const struct order_case order_cases[] = {
    /* 16: an undecided claim holds the escrow, whatever else is due */
    {"16: claim open, release due", .undecided_claim = true, .delivered = "2026-03-05",
     .as_of = "2026-05-01", ORDER_HOLD, RULE_CLAIM_OPEN},
    {"16: claim open, lost", .undecided_claim = true, .lost = true, .as_of = "2026-03-12",
     ORDER_HOLD, RULE_CLAIM_OPEN},
    {"16: claim open, auto refund due", .undecided_claim = true, .as_of = "2026-06-01",
     ORDER_HOLD, RULE_CLAIM_OPEN},
    /* 17 AUTO_RELEASE: D > delivered_on + protection_days (2026-03-05 + 15 = 03-20) */
    {"17: the day before the window's end", .delivered = "2026-03-05", .as_of = "2026-03-19",
     ORDER_HOLD, RULE_NONE},
    {"17: on delivered_on + 15", .delivered = "2026-03-05", .as_of = "2026-03-20", ORDER_HOLD,
     RULE_NONE},
    {"17: the day after delivered_on + 15", .delivered = "2026-03-05", .as_of = "2026-03-21",
     ORDER_RELEASE, RULE_AUTO_RELEASE},
    {"17: lost and delivered is not lost: hold", .lost = true, .delivered = "2026-03-05",
     .as_of = "2026-03-20", ORDER_HOLD, RULE_NONE},
    {"17: lost and delivered is not lost: release", .lost = true, .delivered = "2026-03-05",
     .as_of = "2026-03-21", ORDER_RELEASE, RULE_AUTO_RELEASE},
    {"17: delivered late, never auto refunded", .delivered = "2026-04-05",
     .as_of = "2026-04-15", ORDER_HOLD, RULE_NONE},
    {"17: protection 0, delivery day", .params = &protection0, .delivered = "2026-03-05",
     .as_of = "2026-03-05", ORDER_HOLD, RULE_NONE},
    {"17: protection 0, next day", .params = &protection0, .delivered = "2026-03-05",
     .as_of = "2026-03-06", ORDER_RELEASE, RULE_AUTO_RELEASE},
    /* 18 LOST_REFUND */
    {"18: lost before promised_by", .lost = true, .as_of = "2026-03-05", ORDER_REFUND,
     RULE_LOST_REFUND},
    {"18: lost beats auto refund", .lost = true, .as_of = "2026-06-01", ORDER_REFUND,
     RULE_LOST_REFUND},
    /* 19 AUTO_REFUND: D > promised_by + 30 (2026-03-10 + 30 = 04-09) */
    {"19: the day before", .as_of = "2026-04-08", ORDER_HOLD, RULE_NONE},
    {"19: on promised_by + 30", .as_of = "2026-04-09", ORDER_HOLD, RULE_NONE},
    {"19: the day after", .as_of = "2026-04-10", ORDER_REFUND, RULE_AUTO_REFUND},
    {"19: auto_refund_days 0 disables it", .params = &no_auto_refund, .as_of = "2030-01-01",
     ORDER_HOLD, RULE_NONE},
    {"19: auto_refund_days 1, on the day", .params = &auto_refund1, .as_of = "2026-03-11",
     ORDER_HOLD, RULE_NONE},
    {"19: auto_refund_days 1, the day after", .params = &auto_refund1, .as_of = "2026-03-12",
     ORDER_REFUND, RULE_AUTO_REFUND},
    {"19: auto_refund_days 0, lost still refunds", .params = &no_auto_refund, .lost = true,
     .as_of = "2026-03-05", ORDER_REFUND, RULE_LOST_REFUND},
    {"none: nothing due", .as_of = PROMISED, ORDER_HOLD, RULE_NONE},
};

START_TEST(test_order_rule)
{
    const struct order_case *c = &order_cases[_i];
    struct order_facts o = {
        .amount = AMOUNT,
        .promised_by = day(PROMISED),
        .delivered = c->delivered != NULL,
        .delivered_on = c->delivered ? day(c->delivered) : 0,
        .lost_event = c->lost,
    };
    struct order_decision got = rules_decide_order(&o, c->undecided_claim,
                                                   c->params ? c->params : &defaults,
                                                   day(c->as_of));
    ck_assert_msg(got.action == c->action, "rule %s: action %d, want %d", c->name,
                  (int)got.action, (int)c->action);
    ck_assert_msg(got.rule == c->rule, "rule %s: rule %d (%s), want %d (%s)", c->name,
                  (int)got.rule, rules_rule_name(got.rule), (int)c->rule,
                  rules_rule_name(c->rule));
}
END_TEST

/* ---- names ---------------------------------------------------------- */

/* The rule names of the SPEC §3 tables, which decisions.csv prints. */
static const struct {
    enum rule rule;
    const char *name;
} rule_names[] = {
    {RULE_ORDER_CLOSED, "ORDER_CLOSED"},
    {RULE_DUPLICATE_CLAIM, "DUPLICATE_CLAIM"},
    {RULE_MANUAL_REFUND, "MANUAL_REFUND"},
    {RULE_MANUAL_REJECT, "MANUAL_REJECT"},
    {RULE_INR_TOO_EARLY, "INR_TOO_EARLY"},
    {RULE_INR_SELLER_ACCEPTED, "INR_SELLER_ACCEPTED"},
    {RULE_INR_DELIVERED, "INR_DELIVERED"},
    {RULE_INR_LOST, "INR_LOST"},
    {RULE_INR_NOT_DELIVERED, "INR_NOT_DELIVERED"},
    {RULE_INR_AWAITING_SELLER, "INR_AWAITING_SELLER"},
    {RULE_SNAD_NOT_DELIVERED, "SNAD_NOT_DELIVERED"},
    {RULE_SNAD_WINDOW_EXPIRED, "SNAD_WINDOW_EXPIRED"},
    {RULE_SNAD_SELLER_ACCEPTED, "SNAD_SELLER_ACCEPTED"},
    {RULE_SNAD_SELLER_REJECTED, "SNAD_SELLER_REJECTED"},
    {RULE_SNAD_NO_RESPONSE, "SNAD_NO_RESPONSE"},
    {RULE_SNAD_AWAITING_SELLER, "SNAD_AWAITING_SELLER"},
    {RULE_AUTO_RELEASE, "AUTO_RELEASE"},
    {RULE_LOST_REFUND, "LOST_REFUND"},
    {RULE_AUTO_REFUND, "AUTO_REFUND"},
};

START_TEST(test_rule_names)
{
    ck_assert_str_eq(rules_rule_name(rule_names[_i].rule), rule_names[_i].name);
    ck_assert_int_eq(rules_rule_from_name(rule_names[_i].name), rule_names[_i].rule);
}
END_TEST

START_TEST(test_other_names)
{
    ck_assert_int_eq(rules_rule_from_name(""), RULE_NONE);
    ck_assert_int_eq(rules_rule_from_name("order_closed"), RULE_NONE);
    ck_assert_int_eq(rules_rule_from_name("ORDER_CLOSED "), RULE_NONE);
    ck_assert_int_eq(rules_rule_from_name("NO_SUCH_RULE"), RULE_NONE);
    /* every rule has a distinct name that maps back to it */
    for (int r = RULE_NONE + 1; r < RULE_COUNT; r++) {
        ck_assert_msg(rules_rule_name((enum rule)r)[0] != '\0', "rule %d has no name", r);
        ck_assert_int_eq(rules_rule_from_name(rules_rule_name((enum rule)r)), r);
    }
    ck_assert_str_eq(rules_status_name(STATUS_PENDING), "PENDING");
    ck_assert_str_eq(rules_status_name(STATUS_MANUAL_REVIEW), "MANUAL_REVIEW");
    ck_assert_str_eq(rules_status_name(STATUS_REFUND), "REFUND");
    ck_assert_str_eq(rules_status_name(STATUS_REJECTED), "REJECTED");
    ck_assert_str_eq(rules_reason_name(REASON_NOT_RECEIVED), "not_received");
    ck_assert_str_eq(rules_reason_name(REASON_NOT_AS_DESCRIBED), "not_as_described");
    /* decided once REFUND or REJECTED, never for PENDING or MANUAL_REVIEW */
    ck_assert(rules_status_is_decided(STATUS_REFUND));
    ck_assert(rules_status_is_decided(STATUS_REJECTED));
    ck_assert(!rules_status_is_decided(STATUS_PENDING));
    ck_assert(!rules_status_is_decided(STATUS_MANUAL_REVIEW));
}
END_TEST

static Suite *rules_suite(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_claim_rule, 0, N(claim_cases));
    tcase_add_loop_test(tc, test_order_rule, 0, N(order_cases));
    tcase_add_loop_test(tc, test_rule_names, 0, N(rule_names));
    tcase_add_test(tc, test_other_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(rules_suite());
}
