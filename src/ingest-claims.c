/* ingest-claims.c: the row validators of claims.csv and overrides.csv
 * (ingest-row.h), checked against the stored orders and claims. */
#include <string.h>

#include "ingest-row.h"
#include "log.h"
#include "money.h"

/* ---- claims.csv ---- */

/* Looks an order up (a valid ID), remembering the last one found; 1 found,
 * 0 not found, -1 database error. */
static int find_order(struct reader *rd, const char *order_id, struct known_order *o)
{
    if (strcmp(rd->last_order_id, order_id) == 0) {
        *o = rd->last_order;
        return 1;
    }
    sqlite3_stmt *s =
        db_stmt(rd->b->db, "SELECT placed_on, amount, currency FROM orders WHERE order_id = ?");
    if (!s)
        return -1;
    db_bind_text_static(s, 1, order_id);
    int rc = db_step(s);
    if (rc == SQLITE_ROW) {
        o->placed_on = (day_t)sqlite3_column_int64(s, 0);
        o->amount = sqlite3_column_int64(s, 1);
        snprintf(o->currency, sizeof o->currency, "%s", (const char *)sqlite3_column_text(s, 2));
        rd->last_order = *o;
        snprintf(rd->last_order_id, sizeof rd->last_order_id, "%s", order_id);
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Parses an optional amount in a currency: empty sets *given false. */
static const char *check_amount(const char *text, const char *currency, money_t limit,
                                bool *given, money_t *out)
{
    *given = *text != '\0';
    if (!*given)
        return NULL;
    if (!money_parse(text, money_currency_exponent(currency), out) || *out <= 0 || *out > limit)
        return "bad_amount";
    return NULL;
}

enum { C_ID, C_ORDER, C_OPENED, C_REASON, C_AMOUNT, C_RESPONSE, C_RESPONDED };

/* A claim row's values as ?1..?5: claim_id, order_id, opened_on, reason,
 * amount (NULL when none is given). */
static void bind_claim(sqlite3_stmt *s, const struct reader *rd, day_t opened, bool has_amount,
                       money_t amount)
{
    db_bind_text(s, 1, field(rd, C_ID));
    db_bind_text(s, 2, field(rd, C_ORDER));
    db_bind_int(s, 3, opened);
    db_bind_text(s, 4, field(rd, C_REASON));
    if (has_amount)
        db_bind_int(s, 5, amount);
}

/* Stores a new claim, or merges a repeated row into the stored one.
 *
 * One refund ID: SPEC §4 names a claim's refund RF-<claim_id> and a rule
 * 18-19 refund RF-<order_id>. A claim whose ID is another order's ID
 * would give that order's refund the same ID as the claim's, and the
 * night would stop at the refund's unique index. So a new claim with
 * such an ID is rejected (duplicate_conflict: the ID is taken), and so is
 * a new order with a stored claim's ID (ingest-orders.c); a claim with its
 * own order's ID is fine (one order, at most one refund in effect). */
static enum row_outcome store_claim(struct reader *rd, const char **reason, day_t opened,
                                    bool has_amount, money_t amount, day_t responded)
{
    struct batch *b = rd->b;
    const char *claim_id = field(rd, C_ID), *response = field(rd, C_RESPONSE);
    bool has_response = *response != '\0';
    sqlite3_stmt *ins = db_stmt(
        b->db, "INSERT OR IGNORE INTO claim(claim_id, order_id, opened_on, reason, amount,"
               " response, responded_on, response_batch, batch_id)"
               " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?6 IS NULL THEN NULL ELSE ?8 END, ?8"
               " WHERE ?1 = ?2 OR NOT EXISTS (SELECT 1 FROM orders WHERE order_id = ?1)");
    if (!ins)
        return ROW_FAILED;
    bind_claim(ins, rd, opened, has_amount, amount);
    db_bind_text(ins, 6, has_response ? response : NULL);
    if (has_response)
        db_bind_int(ins, 7, responded);
    db_bind_int(ins, 8, b->id);
    if (db_exec_stmt(ins) != SQLITE_DONE)
        return ROW_FAILED;
    if (sqlite3_changes(db_handle(b->db)) == 1)
        return ROW_ACCEPTED;

    sqlite3_stmt *old = db_stmt(
        b->db, "SELECT order_id = ?2 AND opened_on = ?3 AND reason = ?4 AND amount IS ?5,"
               " response, responded_on, decided_batch IS NOT NULL"
               " FROM claim WHERE claim_id = ?1");
    if (!old)
        return ROW_FAILED;
    bind_claim(old, rd, opened, has_amount, amount);
    int rc = db_step(old);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(old);
        /* not stored: its ID should be another order's */
        if (rc != SQLITE_DONE)
            return ROW_FAILED;
        return ingest_id_taken(rd, "SELECT EXISTS (SELECT 1 FROM orders WHERE order_id = ?1)",
                               claim_id, reason);
    }
    bool same_claim = sqlite3_column_int(old, 0);
    bool had_response = sqlite3_column_type(old, 1) != SQLITE_NULL;
    bool same_response =
        had_response && has_response &&
        strcmp((const char *)sqlite3_column_text(old, 1), response) == 0 &&
        sqlite3_column_int64(old, 2) == responded;
    bool decided = sqlite3_column_int(old, 3);
    sqlite3_reset(old);
    if (!same_claim || (had_response && !same_response))
        return reject(reason, "duplicate_conflict");
    if (had_response || !has_response || decided)
        return ROW_DUPLICATE;
    sqlite3_stmt *upd = db_stmt(b->db, "UPDATE claim SET response = ?, responded_on = ?,"
                                       " response_batch = ? WHERE claim_id = ?");
    if (!upd)
        return ROW_FAILED;
    db_bind_text(upd, 1, response);
    db_bind_int(upd, 2, responded);
    db_bind_int(upd, 3, b->id);
    db_bind_text(upd, 4, claim_id);
    return db_exec_stmt(upd) == SQLITE_DONE ? ROW_ACCEPTED : ROW_FAILED;
}

enum row_outcome ingest_validate_claim(struct reader *rd, const char **reason)
{
    struct batch *b = rd->b;
    for (int i = C_ID; i <= C_REASON; i++)
        if (*field(rd, i) == '\0')
            return reject(reason, "missing_field");
    if (!ids_is_valid(field(rd, C_ID)) || !ids_is_valid(field(rd, C_ORDER)))
        return reject(reason, "bad_id");
    day_t opened, responded = 0;
    if (!date_parse(field(rd, C_OPENED), &opened))
        return reject(reason, "bad_date");
    const char *claim_reason = field(rd, C_REASON), *response = field(rd, C_RESPONSE),
               *responded_text = field(rd, C_RESPONDED);
    if (strcmp(claim_reason, "not_received") != 0 && strcmp(claim_reason, "not_as_described") != 0)
        return reject(reason, "bad_reason");
    if (*response && strcmp(response, "accepted") != 0 && strcmp(response, "rejected") != 0)
        return reject(reason, "bad_response");
    if ((*response == '\0') != (*responded_text == '\0'))
        return reject(reason, "bad_response");
    if (*responded_text && !date_parse(responded_text, &responded))
        return reject(reason, "bad_date");
    struct known_order o;
    int found = find_order(rd, field(rd, C_ORDER), &o);
    if (found < 0)
        return ROW_FAILED;
    if (!found)
        return reject(reason, "unknown_order");
    const char *bad = ingest_place_date(opened, o.placed_on, b->as_of);
    if (!bad && *responded_text) {
        if (responded > b->as_of)
            bad = "future_date";
        else if (responded < opened)
            bad = "bad_response";
    }
    bool has_amount;
    money_t amount = 0;
    if (!bad)
        bad = check_amount(field(rd, C_AMOUNT), o.currency, o.amount, &has_amount, &amount);
    if (bad)
        return reject(reason, bad);
    return store_claim(rd, reason, opened, has_amount, amount, responded);
}

/* ---- overrides.csv ---- */

enum { V_CLAIM, V_OUTCOME, V_AMOUNT, V_NOTE };

/* Which file that a rerun added holds each claim's override
 * (temp.override_source, emptied as the night's overrides.csv begins;
 * one it does not name is the night's own): a file that a rerun adds
 * (--overrides) is the disputes team's later word, so its row replaces
 * what an earlier file said of the same claim, where two rows of one
 * file that disagree are a duplicate_conflict. Without this, a mistaken
 * adjudication could never be corrected by a later rerun. */
int ingest_begin_overrides(struct batch *b)
{
    return db_exec(b->db, "CREATE TEMP TABLE IF NOT EXISTS override_source(claim_id TEXT"
                          " PRIMARY KEY, file_no INTEGER NOT NULL) WITHOUT ROWID;"
                          " DELETE FROM temp.override_source") == SQLITE_OK
               ? 0
               : -1;
}

/* An override row's values as ?1..?4: claim_id, outcome, amount (NULL
 * when none is given), note. */
static void bind_override(sqlite3_stmt *s, const struct reader *rd, const char *claim_id,
                          const char *outcome, bool has_amount, money_t amount)
{
    db_bind_text(s, 1, claim_id);
    db_bind_text(s, 2, outcome);
    if (has_amount)
        db_bind_int(s, 3, amount);
    db_bind_text(s, 4, field(rd, V_NOTE));
}

/* Records that the current file, when a rerun added it, holds claim_id's
 * override (accepted or repeated), and returns `outcome` (ROW_FAILED on a
 * database error). The night's own overrides.csv is not recorded: an
 * override no added file holds is its. */
static enum row_outcome stored_by_this_file(struct reader *rd, const char *claim_id,
                                            enum row_outcome outcome)
{
    if (rd->which <= FILE_OVERRIDES)
        return outcome;
    sqlite3_stmt *s = db_stmt(rd->b->db, "INSERT OR REPLACE INTO temp.override_source"
                                         "(claim_id, file_no) VALUES (?, ?)");
    if (!s)
        return ROW_FAILED;
    db_bind_text(s, 1, claim_id);
    db_bind_int(s, 2, rd->which);
    return db_exec_stmt(s) == SQLITE_DONE ? outcome : ROW_FAILED;
}

/* A row of an added file that disagrees with an earlier file's override
 * of the same claim replaces it (override_source above); 0 when an
 * earlier file's was replaced, 1 when this file's own stands (the row is
 * a conflict), -1 on a database error. */
static int replace_earlier_override(struct reader *rd, const char *claim_id, const char *outcome,
                                    bool has_amount, money_t amount)
{
    if (rd->which <= FILE_OVERRIDES)
        return 1;
    sqlite3_stmt *s = db_stmt(
        rd->b->db, "UPDATE override SET outcome = ?2, amount = ?3, note = ?4 WHERE claim_id = ?1"
                   " AND coalesce((SELECT file_no FROM temp.override_source WHERE claim_id = ?1),"
                   " ?6) < ?5");
    if (!s)
        return -1;
    bind_override(s, rd, claim_id, outcome, has_amount, amount);
    db_bind_int(s, 5, rd->which);
    db_bind_int(s, 6, FILE_OVERRIDES);
    if (db_exec_stmt(s) != SQLITE_DONE)
        return -1;
    if (sqlite3_changes(db_handle(rd->b->db)) == 0)
        return 1;
    log_info("%s: row %ld: claim %s: this override replaces an earlier file's",
             input_file_names[rd->which], rd->row->row_no, claim_id);
    return 0;
}

enum row_outcome ingest_validate_override(struct reader *rd, const char **reason)
{
    struct batch *b = rd->b;
    const char *claim_id = field(rd, V_CLAIM), *outcome = field(rd, V_OUTCOME);
    if (*claim_id == '\0' || *outcome == '\0')
        return reject(reason, "missing_field");
    if (!ids_is_valid(claim_id))
        return reject(reason, "bad_id");
    bool refund = strcmp(outcome, "refund") == 0;
    if (!refund && strcmp(outcome, "reject") != 0)
        return reject(reason, "bad_outcome");
    sqlite3_stmt *q = db_stmt(
        b->db, "SELECT c.decided_batch IS NOT NULL, o.amount, o.currency FROM claim c"
               " JOIN orders o ON o.order_id = c.order_id WHERE c.claim_id = ?");
    if (!q)
        return ROW_FAILED;
    db_bind_text(q, 1, claim_id);
    int rc = db_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(q);
        return rc == SQLITE_DONE ? reject(reason, "unknown_claim") : ROW_FAILED;
    }
    bool decided = sqlite3_column_int(q, 0);
    money_t limit = sqlite3_column_int64(q, 1);
    char currency[4];
    snprintf(currency, sizeof currency, "%s", (const char *)sqlite3_column_text(q, 2));
    sqlite3_reset(q);
    if (decided)
        return reject(reason, "claim_decided");
    bool has_amount = false;
    money_t amount = 0;
    if (refund) {
        const char *bad = check_amount(field(rd, V_AMOUNT), currency, limit, &has_amount, &amount);
        if (bad)
            return reject(reason, bad);
    }
    sqlite3_stmt *ins = db_stmt(b->db, "INSERT OR IGNORE INTO override(claim_id, outcome, amount,"
                                       " note, batch_id) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!ins)
        return ROW_FAILED;
    bind_override(ins, rd, claim_id, outcome, has_amount, amount);
    db_bind_int(ins, 5, b->id);
    if (db_exec_stmt(ins) != SQLITE_DONE)
        return ROW_FAILED;
    if (sqlite3_changes(db_handle(b->db)) == 1)
        return stored_by_this_file(rd, claim_id, ROW_ACCEPTED);
    sqlite3_stmt *same = db_stmt(b->db, "SELECT 1 FROM override WHERE claim_id = ?1"
                                        " AND outcome = ?2 AND amount IS ?3 AND note = ?4");
    if (!same)
        return ROW_FAILED;
    bind_override(same, rd, claim_id, outcome, has_amount, amount);
    rc = db_exec_stmt(same);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return ROW_FAILED;
    if (rc == SQLITE_ROW) /* an added file that repeats it makes it its own word too */
        return stored_by_this_file(rd, claim_id, ROW_DUPLICATE);
    int replaced = replace_earlier_override(rd, claim_id, outcome, has_amount, amount);
    if (replaced < 0)
        return ROW_FAILED;
    return replaced == 0 ? stored_by_this_file(rd, claim_id, ROW_ACCEPTED)
                         : reject(reason, "duplicate_conflict");
}
