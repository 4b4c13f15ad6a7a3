/* workbook-explain.c: the plain-language "why" of a claim's decision on
 * the Claims and Manual review sheets, phrased from the rule that decided
 * it, the dates stored with the claim and its order, and the windows (in
 * days) the batch ran under. */
#include "workbook-internal.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "rules.h"

/* The stored facts a sentence may quote, as text. */
struct claim_words {
    char opened[DATE_TEXT_SIZE];
    char promised_by[DATE_TEXT_SIZE];
    char delivered[DATE_TEXT_SIZE]; /* "" when not delivered as of the batch */
    char responded[DATE_TEXT_SIZE]; /* "" without a response */
    const char *response;           /* "accepted", "rejected" or "" */
    const char *note;               /* the override's note, or "" */
    char refund[MONEY_TEXT_SIZE + 8]; /* "12.30 USD", or "" */
    char respond_window[64];        /* "5 days (respond by 2026-11-20)" */
    char respond_by[DATE_TEXT_SIZE]; /* "" for a batch stored without its windows */
    char protection_window[64];     /* "15-day buyer-protection window (to 2026-11-30)" */
};

/* The seller's response window ("5 days (respond by 2026-11-20)") or the
 * buyer-protection window ("15-day buyer-protection window (to ...)"),
 * counted from the date in from_col with the batch's days in days_col,
 * and its last day into end; a plain phrase and "" for a batch stored
 * without its windows. */
static void window_words(sqlite3_stmt *row, int days_col, int from_col, bool protection,
                         char *buf, size_t size, char end[DATE_TEXT_SIZE])
{
    end[0] = '\0';
    if (sqlite3_column_type(row, days_col) == SQLITE_NULL ||
        sqlite3_column_type(row, from_col) == SQLITE_NULL) {
        snprintf(buf, size, "%s", protection ? "buyer-protection window" : "its response window");
        return;
    }
    int days = sqlite3_column_int(row, days_col);
    date_format((day_t)(sqlite3_column_int64(row, from_col) + days), end);
    if (protection)
        snprintf(buf, size, "%d-day buyer-protection window (to %s)", days, end);
    else
        snprintf(buf, size, "%d days (respond by %s)", days, end);
}

static void date_column(sqlite3_stmt *row, int col, char buf[DATE_TEXT_SIZE])
{
    if (sqlite3_column_type(row, col) == SQLITE_NULL)
        buf[0] = '\0';
    else
        date_format((day_t)sqlite3_column_int64(row, col), buf);
}

static const char *text_column(sqlite3_stmt *row, int col)
{
    const unsigned char *t = sqlite3_column_text(row, col);
    return t ? (const char *)t : "";
}

static void read_words(sqlite3_stmt *row, struct claim_words *w)
{
    date_column(row, CC_OPENED, w->opened);
    date_column(row, CC_PROMISED_BY, w->promised_by);
    date_column(row, CC_DELIVERED, w->delivered);
    date_column(row, CC_RESPONDED, w->responded);
    w->response = text_column(row, CC_RESPONSE);
    w->note = text_column(row, CC_NOTE);
    char protection_end[DATE_TEXT_SIZE];
    window_words(row, CC_RESPONSE_DAYS, CC_OPENED, false, w->respond_window,
                 sizeof w->respond_window, w->respond_by);
    window_words(row, CC_PROTECTION_DAYS, CC_DELIVERED, true, w->protection_window,
                 sizeof w->protection_window, protection_end);
    w->refund[0] = '\0';
    if (sqlite3_column_type(row, CC_REFUND) != SQLITE_NULL) {
        const char *currency = text_column(row, CC_CURRENCY);
        int exponent = money_currency_exponent(currency);
        char amount[MONEY_TEXT_SIZE];
        money_format(sqlite3_column_int64(row, CC_REFUND), exponent < 0 ? 2 : exponent, amount);
        snprintf(w->refund, sizeof w->refund, "%s %.3s", amount, currency);
    }
}

/* A rejection within the response window: it counts for a claim of goods
 * not as described (rule 13, a review), not for goods not received, which
 * are refunded once the window is over (rule 8). ISO dates compare as
 * text. */
static bool rejected_in_time(const struct claim_words *w)
{
    return strcmp(w->response, "rejected") == 0 && w->respond_by[0] &&
           strcmp(w->responded, w->respond_by) <= 0;
}

/* What became of a seller's response the rules did not count as an
 * acceptance: appended to the sentences of rules 8, 9, 14 and 15. */
static void response_clause(const struct claim_words *w, char *buf, size_t size)
{
    if (strcmp(w->response, "accepted") == 0)
        snprintf(buf, size, " (the seller accepted on %s, after the response window)",
                 w->responded);
    else if (strcmp(w->response, "rejected") == 0)
        snprintf(buf, size, " (the seller rejected it on %s%s)", w->responded,
                 w->respond_by[0] && !rejected_in_time(w) ? ", after the response window" : "");
    else
        buf[0] = '\0';
}

/* Why a claim of goods not received counts them as not delivered (rules
 * 8 and 9): none delivered, or delivered only after the claim was opened
 * (rule 6 covers a delivery on or before it). */
static void undelivered_words(const struct claim_words *w, char *buf, size_t size)
{
    if (w->delivered[0])
        snprintf(buf, size, "not delivered when the claim was opened on %s (promised by %s;"
                            " delivered on %s)", w->opened, w->promised_by, w->delivered);
    else
        snprintf(buf, size, "not delivered (promised by %s)", w->promised_by);
}

void wb_explain_claim(struct wb *wb, sqlite3_stmt *row, char *buf, size_t size)
{
    (void)wb;
    struct claim_words w;
    read_words(row, &w);
    char clause[96], note[600] = "", rejection[128], undelivered[128];
    response_clause(&w, clause, sizeof clause);
    undelivered_words(&w, undelivered, sizeof undelivered);
    snprintf(rejection, sizeof rejection, "the seller's rejection on %s does not stop a refund of"
                                          " goods not received", w.responded);
    if (w.note[0])
        snprintf(note, sizeof note, ". Note: %.500s", w.note);
    const char *rule_name = text_column(row, CC_RULE);
    switch (rules_rule_from_name(rule_name)) {
    case RULE_ORDER_CLOSED:
        snprintf(buf, size, "Rejected: the order's escrow was already settled (released or"
                            " refunded) when the claim was evaluated.");
        break;
    case RULE_DUPLICATE_CLAIM:
        snprintf(buf, size, "Rejected: another open claim on the same order came first.");
        break;
    case RULE_MANUAL_REFUND:
        snprintf(buf, size, "Refund of %s decided by the disputes team%s.", w.refund, note);
        break;
    case RULE_MANUAL_REJECT:
        snprintf(buf, size, "Rejected by the disputes team%s.", note);
        break;
    case RULE_INR_TOO_EARLY:
        snprintf(buf, size, "Rejected: opened on %s, not after the promised delivery date %s.",
                 w.opened, w.promised_by);
        break;
    case RULE_INR_SELLER_ACCEPTED:
        snprintf(buf, size, "Full refund of %s: the seller accepted the claim on %s.", w.refund,
                 w.responded);
        break;
    case RULE_INR_DELIVERED:
        snprintf(buf, size, "To review: tracking shows delivery on %s, on or before the claim"
                            " was opened (%s).", w.delivered, w.opened);
        break;
    case RULE_INR_LOST:
        snprintf(buf, size, "Full refund of %s: the carrier reported the parcel lost or"
                            " returned, and it was never delivered.", w.refund);
        break;
    case RULE_INR_NOT_DELIVERED:
        if (rejected_in_time(&w))
            snprintf(buf, size, "Full refund of %s: %s and the response window, %s, is over; %s.",
                     w.refund, undelivered, w.respond_window, rejection);
        else
            snprintf(buf, size, "Full refund of %s: %s and the seller did not respond within %s%s.",
                     w.refund, undelivered, w.respond_window, clause);
        break;
    case RULE_INR_AWAITING_SELLER:
        if (rejected_in_time(&w))
            snprintf(buf, size, "Pending: %s; refunded in full once the response window, %s,"
                                " is over: %s.",
                     undelivered, w.respond_window, rejection);
        else
            snprintf(buf, size, "Pending: %s; the seller has %s%s.", undelivered,
                     w.respond_window, clause);
        break;
    case RULE_SNAD_NOT_DELIVERED:
        if (w.delivered[0])
            snprintf(buf, size, "Rejected: opened on %s, before the delivery on %s.", w.opened,
                     w.delivered);
        else
            snprintf(buf, size, "Rejected: an item-not-as-described claim needs a delivery,"
                                " and tracking shows none.");
        break;
    case RULE_SNAD_WINDOW_EXPIRED:
        snprintf(buf, size, "Rejected: opened on %s, after the %s that followed delivery on %s.",
                 w.opened, w.protection_window, w.delivered);
        break;
    case RULE_SNAD_SELLER_ACCEPTED:
        snprintf(buf, size, "Refund of %s as claimed: the seller accepted the claim on %s.",
                 w.refund, w.responded);
        break;
    case RULE_SNAD_SELLER_REJECTED:
        snprintf(buf, size, "To review: the seller rejected the claim on %s; the disputes"
                            " team decides.", w.responded);
        break;
    case RULE_SNAD_NO_RESPONSE:
        snprintf(buf, size, "Refund of %s as claimed: the seller did not respond within %s%s.",
                 w.refund, w.respond_window, clause);
        break;
    case RULE_SNAD_AWAITING_SELLER:
        snprintf(buf, size, "Pending: delivered on %s; the seller has %s%s.", w.delivered,
                 w.respond_window, clause);
        break;
    default:
        snprintf(buf, size, "Decided by rule %.64s.", rule_name);
        break;
    }
}
