/* rules.h: the buyer-protection rules of SPEC §3 as pure functions from
 * facts (order, tracking, claim, override, configuration, as-of date) to
 * decisions. No I/O and no database: everything they need is passed in,
 * so every rule row can be tested on its boundaries. */
#ifndef ARBITER_RULES_H
#define ARBITER_RULES_H

#include <stdbool.h>

#include "date.h"
#include "money.h"

enum claim_reason { REASON_NOT_RECEIVED, REASON_NOT_AS_DESCRIBED };
enum claim_status { STATUS_PENDING, STATUS_MANUAL_REVIEW, STATUS_REFUND, STATUS_REJECTED };
enum seller_response { RESPONSE_NONE, RESPONSE_ACCEPTED, RESPONSE_REJECTED };
enum override_outcome { OVERRIDE_NONE, OVERRIDE_REFUND, OVERRIDE_REJECT };

/* Rule numbers follow the table of SPEC §3. */
enum rule {
    RULE_NONE = 0,
    RULE_ORDER_CLOSED = 1,
    RULE_DUPLICATE_CLAIM,
    RULE_MANUAL_REFUND,
    RULE_MANUAL_REJECT,
    RULE_INR_TOO_EARLY,
    RULE_INR_SELLER_ACCEPTED,
    RULE_INR_DELIVERED,
    RULE_INR_LOST,
    RULE_INR_NOT_DELIVERED,
    RULE_INR_AWAITING_SELLER,
    RULE_SNAD_NOT_DELIVERED,
    RULE_SNAD_WINDOW_EXPIRED,
    RULE_SNAD_SELLER_ACCEPTED,
    RULE_SNAD_SELLER_REJECTED,
    RULE_SNAD_NO_RESPONSE,
    RULE_SNAD_AWAITING_SELLER,
    RULE_CLAIM_OPEN,
    RULE_AUTO_RELEASE,
    RULE_LOST_REFUND,
    RULE_AUTO_REFUND,
    RULE_COUNT
};

struct rules_params {
    int protection_days;
    int seller_response_days;
    int auto_refund_days;
};

/* What is known of an order as of the batch date. */
struct order_facts {
    money_t amount;
    day_t promised_by;
    bool delivered;      /* has a `delivered` event */
    day_t delivered_on;  /* earliest delivered event, when delivered */
    bool lost_event;     /* has a `lost` or `returned` event */
    bool closed;         /* escrow already released or refunded */
};

struct claim_facts {
    enum claim_reason reason;
    day_t opened_on;
    bool has_amount;     /* an amount was asked; else the whole order */
    money_t amount;
    enum seller_response response;
    day_t responded_on;
    bool earlier_undecided; /* another undecided claim of the order comes first */
    enum override_outcome override;
    bool override_has_amount;
    money_t override_amount;
};

struct claim_decision {
    enum claim_status status;
    enum rule rule;
    money_t refund; /* for STATUS_REFUND */
};

enum order_action { ORDER_HOLD, ORDER_RELEASE, ORDER_REFUND };

struct order_decision {
    enum order_action action;
    enum rule rule; /* RULE_CLAIM_OPEN or RULE_NONE for a hold */
};

/* Rules 1-15 for one claim as of D. */
struct claim_decision rules_decide_claim(const struct order_facts *order,
                                         const struct claim_facts *claim,
                                         const struct rules_params *params, day_t as_of);

/* Rules 16-19 for one open order as of D. */
struct order_decision rules_decide_order(const struct order_facts *order, bool undecided_claim,
                                         const struct rules_params *params, day_t as_of);

/* True for REFUND and REJECTED, which never change afterwards. */
bool rules_status_is_decided(enum claim_status status);

const char *rules_rule_name(enum rule rule);
const char *rules_status_name(enum claim_status status);
const char *rules_reason_name(enum claim_reason reason);

/* The rule whose name is given, or RULE_NONE. */
enum rule rules_rule_from_name(const char *name);

#endif
