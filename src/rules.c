/* rules.c: the buyer-protection rule tables of SPEC §3. */
#include "rules.h"

#include <string.h>

static const char *const rule_names[RULE_COUNT] = {
    [RULE_NONE] = "",
    [RULE_ORDER_CLOSED] = "ORDER_CLOSED",
    [RULE_DUPLICATE_CLAIM] = "DUPLICATE_CLAIM",
    [RULE_MANUAL_REFUND] = "MANUAL_REFUND",
    [RULE_MANUAL_REJECT] = "MANUAL_REJECT",
    [RULE_INR_TOO_EARLY] = "INR_TOO_EARLY",
    [RULE_INR_SELLER_ACCEPTED] = "INR_SELLER_ACCEPTED",
    [RULE_INR_DELIVERED] = "INR_DELIVERED",
    [RULE_INR_LOST] = "INR_LOST",
    [RULE_INR_NOT_DELIVERED] = "INR_NOT_DELIVERED",
    [RULE_INR_AWAITING_SELLER] = "INR_AWAITING_SELLER",
    [RULE_SNAD_NOT_DELIVERED] = "SNAD_NOT_DELIVERED",
    [RULE_SNAD_WINDOW_EXPIRED] = "SNAD_WINDOW_EXPIRED",
    [RULE_SNAD_SELLER_ACCEPTED] = "SNAD_SELLER_ACCEPTED",
    [RULE_SNAD_SELLER_REJECTED] = "SNAD_SELLER_REJECTED",
    [RULE_SNAD_NO_RESPONSE] = "SNAD_NO_RESPONSE",
    [RULE_SNAD_AWAITING_SELLER] = "SNAD_AWAITING_SELLER",
    [RULE_CLAIM_OPEN] = "CLAIM_OPEN",
    [RULE_AUTO_RELEASE] = "AUTO_RELEASE",
    [RULE_LOST_REFUND] = "LOST_REFUND",
    [RULE_AUTO_REFUND] = "AUTO_REFUND",
};

const char *rules_rule_name(enum rule rule)
{
    return rule > RULE_NONE && rule < RULE_COUNT ? rule_names[rule] : "";
}

enum rule rules_rule_from_name(const char *name)
{
    for (int r = RULE_NONE + 1; r < RULE_COUNT; r++)
        if (strcmp(rule_names[r], name) == 0)
            return (enum rule)r;
    return RULE_NONE;
}

const char *rules_status_name(enum claim_status status)
{
    static const char *const names[] = {"PENDING", "MANUAL_REVIEW", "REFUND", "REJECTED"};
    return names[status];
}

const char *rules_reason_name(enum claim_reason reason)
{
    return reason == REASON_NOT_RECEIVED ? "not_received" : "not_as_described";
}

bool rules_status_is_decided(enum claim_status status)
{
    return status == STATUS_REFUND || status == STATUS_REJECTED;
}

static struct claim_decision decision(enum claim_status status, enum rule rule, money_t refund)
{
    return (struct claim_decision){status, rule, status == STATUS_REFUND ? refund : 0};
}

/* The seller's response when it came within the response window. */
static enum seller_response counting_response(const struct claim_facts *c,
                                              const struct rules_params *p)
{
    day_t respond_by = c->opened_on + p->seller_response_days;
    return c->response != RESPONSE_NONE && c->responded_on <= respond_by ? c->response
                                                                          : RESPONSE_NONE;
}

static struct claim_decision decide_not_received(const struct order_facts *o,
                                                 const struct claim_facts *c,
                                                 const struct rules_params *p, day_t as_of)
{
    enum seller_response response = counting_response(c, p);
    if (c->opened_on <= o->promised_by)
        return decision(STATUS_REJECTED, RULE_INR_TOO_EARLY, 0);
    if (response == RESPONSE_ACCEPTED)
        return decision(STATUS_REFUND, RULE_INR_SELLER_ACCEPTED, o->amount);
    if (o->delivered && o->delivered_on <= c->opened_on)
        return decision(STATUS_MANUAL_REVIEW, RULE_INR_DELIVERED, 0);
    if (o->lost_event && !o->delivered)
        return decision(STATUS_REFUND, RULE_INR_LOST, o->amount);
    if (as_of > c->opened_on + p->seller_response_days)
        return decision(STATUS_REFUND, RULE_INR_NOT_DELIVERED, o->amount);
    return decision(STATUS_PENDING, RULE_INR_AWAITING_SELLER, 0);
}

static struct claim_decision decide_not_as_described(const struct order_facts *o,
                                                     const struct claim_facts *c,
                                                     const struct rules_params *p, day_t as_of)
{
    enum seller_response response = counting_response(c, p);
    money_t asked = c->has_amount ? c->amount : o->amount;
    if (!o->delivered || o->delivered_on > c->opened_on)
        return decision(STATUS_REJECTED, RULE_SNAD_NOT_DELIVERED, 0);
    if (c->opened_on > o->delivered_on + p->protection_days)
        return decision(STATUS_REJECTED, RULE_SNAD_WINDOW_EXPIRED, 0);
    if (response == RESPONSE_ACCEPTED)
        return decision(STATUS_REFUND, RULE_SNAD_SELLER_ACCEPTED, asked);
    if (response == RESPONSE_REJECTED)
        return decision(STATUS_MANUAL_REVIEW, RULE_SNAD_SELLER_REJECTED, 0);
    if (as_of > c->opened_on + p->seller_response_days)
        return decision(STATUS_REFUND, RULE_SNAD_NO_RESPONSE, asked);
    return decision(STATUS_PENDING, RULE_SNAD_AWAITING_SELLER, 0);
}

struct claim_decision rules_decide_claim(const struct order_facts *o, const struct claim_facts *c,
                                         const struct rules_params *p, day_t as_of)
{
    if (o->closed)
        return decision(STATUS_REJECTED, RULE_ORDER_CLOSED, 0);
    if (c->earlier_undecided)
        return decision(STATUS_REJECTED, RULE_DUPLICATE_CLAIM, 0);
    if (c->override == OVERRIDE_REFUND) {
        money_t asked = c->reason == REASON_NOT_RECEIVED ? o->amount
                        : c->has_amount                  ? c->amount
                                                         : o->amount;
        return decision(STATUS_REFUND, RULE_MANUAL_REFUND,
                        c->override_has_amount ? c->override_amount : asked);
    }
    if (c->override == OVERRIDE_REJECT)
        return decision(STATUS_REJECTED, RULE_MANUAL_REJECT, 0);
    return c->reason == REASON_NOT_RECEIVED ? decide_not_received(o, c, p, as_of)
                                            : decide_not_as_described(o, c, p, as_of);
}

struct order_decision rules_decide_order(const struct order_facts *o, bool undecided_claim,
                                         const struct rules_params *p, day_t as_of)
{
    if (undecided_claim)
        return (struct order_decision){ORDER_HOLD, RULE_CLAIM_OPEN};
    if (o->delivered && as_of > o->delivered_on + p->protection_days)
        return (struct order_decision){ORDER_RELEASE, RULE_AUTO_RELEASE};
    if (o->lost_event && !o->delivered)
        return (struct order_decision){ORDER_REFUND, RULE_LOST_REFUND};
    if (!o->delivered && p->auto_refund_days > 0 && as_of > o->promised_by + p->auto_refund_days)
        return (struct order_decision){ORDER_REFUND, RULE_AUTO_REFUND};
    return (struct order_decision){ORDER_HOLD, RULE_NONE};
}
