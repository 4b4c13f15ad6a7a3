/* rerun.c: rollback of the state built by a chain of batches, and their
 * replay as new revisions. The ledger side is in reconcile.c. */
#include "rerun.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "buffer.h"
#include "filestore.h"
#include "interrupt.h"
#include "ledger.h"
#include "log.h"
#include "outputs.h"
#include "reconcile.h"
#include "totals.h"
#include "verify.h"

/* One batch of the chain: the revision in effect and the new one. */
struct chain_link {
    int64_t old_id, new_id;
    day_t as_of;
    int old_revision, new_revision;
};

#define OPEN_BOOK_ADD                                                                             \
    " ON CONFLICT(currency, placed_on) DO UPDATE SET orders = orders + excluded.orders,"          \
    " amount = amount + excluded.amount"

/* Statements that undo what the batches in temp.old_batch did to the
 * state tables. History (files, rejects, decisions, refunds, releases and
 * the ledger) stays; reconcile.c settles the ledger afterwards. */
static const char *const rollback_sql[] = {
    /* The batches in effect have ids in the order of their dates (a run
     * appends the next date, a rerun replaces a suffix of dates with new
     * ids), so the events of the rolled-back batches are those of a batch
     * id from the smallest rolled back on. */
    "UPDATE orders SET events = events_before(events, (SELECT min(id) FROM temp.old_batch)),"
    " delivered_on = events_delivered_on(events_before(events,"
    "  (SELECT min(id) FROM temp.old_batch))),"
    " lost = events_lost(events_before(events, (SELECT min(id) FROM temp.old_batch)))"
    " WHERE events_max_batch(events) >= (SELECT min(id) FROM temp.old_batch)",
    "DELETE FROM override WHERE batch_id IN (SELECT id FROM temp.old_batch)",
    "DELETE FROM claim WHERE batch_id IN (SELECT id FROM temp.old_batch)",
    "UPDATE claim SET response = NULL, responded_on = NULL, response_batch = NULL"
    " WHERE response_batch IN (SELECT id FROM temp.old_batch)",
    "UPDATE claim SET decided_batch = NULL, status = 'PENDING', rule = NULL"
    " WHERE decided_batch IN (SELECT id FROM temp.old_batch)",
    /* The orders the batches captured (temp.old_order) and those they
     * closed (temp.old_closed), found once and by key, not by a scan of
     * every order ever placed: each captured order has its capture posting
     * in a batch of its batch's date (the replaced revision keeps an
     * unchanged one), and each closed order a refund or release of its
     * closing batch (decide.c closes by them). open_book loses the open
     * ones of the first and regains the second, as the replayed batches
     * then add and take away theirs (totals.c). */
    "DELETE FROM temp.old_order",
    "INSERT INTO temp.old_order SELECT order_id FROM orders WHERE order_id IN ("
    LEDGER_CAPTURES_SINCE("(SELECT min(as_of) FROM temp.old_batch)") ")"
    " AND batch_id IN (SELECT id FROM temp.old_batch)",
    "DELETE FROM temp.old_closed",
    "INSERT INTO temp.old_closed SELECT order_id FROM orders WHERE order_id IN (SELECT f.order_id"
    "  FROM temp.old_batch b CROSS JOIN refund f ON f.batch_id = b.id UNION ALL SELECT l.order_id"
    "  FROM temp.old_batch b CROSS JOIN release l ON l.batch_id = b.id)"
    " AND closed_batch IN (SELECT id FROM temp.old_batch)",
    "INSERT INTO open_book(currency, placed_on, orders, amount)"
    " SELECT currency, placed_on, -count(*), -sum(amount) FROM orders"
    " WHERE order_id IN (SELECT order_id FROM temp.old_order) AND closed_batch IS NULL"
    " GROUP BY currency, placed_on" OPEN_BOOK_ADD,
    "INSERT INTO open_book(currency, placed_on, orders, amount)"
    " SELECT currency, placed_on, count(*), sum(amount) FROM orders"
    " WHERE order_id IN (SELECT order_id FROM temp.old_closed)"
    " AND batch_id NOT IN (SELECT id FROM temp.old_batch) GROUP BY currency, placed_on"
    OPEN_BOOK_ADD,
    "DELETE FROM orders WHERE order_id IN (SELECT order_id FROM temp.old_order)",
    "UPDATE orders SET closed_batch = NULL"
    " WHERE order_id IN (SELECT order_id FROM temp.old_closed)",
    "UPDATE refund SET status = 'cancelled'"
    " WHERE batch_id IN (SELECT id FROM temp.old_batch) AND status <> 'cancelled'",
    "UPDATE release SET status = 'cancelled'"
    " WHERE batch_id IN (SELECT id FROM temp.old_batch) AND status <> 'cancelled'",
    "UPDATE batch SET in_effect = 0 WHERE id IN (SELECT id FROM temp.old_batch)",
};

/* Whether the batches in temp.old_batch captured orders that their
 * capture postings did not find (temp.old_order): their batch_file counts
 * more orders accepted. Only a database written before schema version 3
 * has such orders (a rerun then kept a capture on the night it left).
 * 1, 0, or -1 on a database error. */
static int captures_elsewhere(struct db *db)
{
    sqlite3_stmt *s = db_stmt(
        db, "SELECT (SELECT coalesce(sum(f.accepted), 0) FROM temp.old_batch b"
            "  CROSS JOIN batch_file f ON f.batch_id = b.id AND f.file_no = ?1)"
            " > (SELECT count(*) FROM temp.old_order)");
    if (!s)
        return -1;
    db_bind_int(s, 1, FILE_ORDERS);
    int rc = db_step(s), elsewhere = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_reset(s);
    return elsewhere;
}

/* Undoes the chain from `from` on. *whole is set when some of its orders
 * were captured on another night (captures_elsewhere): they are found by
 * a scan of every order, and the rerun then rebuilds open_book and checks
 * the whole database, as reruns did before the dates it replays were
 * enough. */
static int rollback_chain(struct db *db, day_t from, bool *whole)
{
    if (db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS old_batch(id INTEGER PRIMARY KEY,"
                    " as_of INTEGER NOT NULL);"
                    "CREATE TEMP TABLE IF NOT EXISTS old_order(order_id TEXT PRIMARY KEY) WITHOUT ROWID;"
                    "CREATE TEMP TABLE IF NOT EXISTS old_closed(order_id TEXT PRIMARY KEY) WITHOUT ROWID")
            != SQLITE_OK ||
        db_exec(db, "DELETE FROM temp.old_batch") != SQLITE_OK)
        return -1;
    if (db_exec_int(db, "INSERT INTO temp.old_batch SELECT id, as_of FROM batch"
                        " WHERE in_effect = 1 AND as_of >= ?1", from) != SQLITE_DONE)
        return -1;
    for (size_t i = 0; i < sizeof rollback_sql / sizeof rollback_sql[0]; i++) {
        sqlite3_stmt *s = db_stmt(db, rollback_sql[i]);
        if (!s || db_exec_stmt(s) != SQLITE_DONE)
            return -1;
    }
    int elsewhere = captures_elsewhere(db);
    if (elsewhere < 0)
        return -1;
    *whole = elsewhere == 1;
    if (*whole) {
        log_warn("rerun: some orders were captured on another night than their own (a database"
                 " written before schema version 3): checking the whole database");
        if (db_exec(db, "DELETE FROM orders WHERE batch_id IN (SELECT id FROM temp.old_batch)") !=
            SQLITE_OK)
            return -1;
    }
    return 0;
}

/* Reads the chain of batches in effect from D on into *links, an array
 * grown as rows come (no cap: a chain cut short would leave its later
 * nights rolled back and never replayed) that the caller frees, also on
 * failure, and their number into *n. Returns 0, or a sysexits code with
 * a message in err. */
static int load_chain(struct db *db, day_t from, struct chain_link **links, long *n, char *err,
                      size_t err_size)
{
    sqlite3_stmt *q = db_stmt(db, "SELECT b.id, b.as_of, (SELECT max(revision) FROM batch x"
                                  " WHERE x.as_of = b.as_of) + 1, b.revision FROM batch b"
                                  " WHERE b.in_effect = 1 AND b.as_of >= ? ORDER BY b.as_of");
    int rc = SQLITE_ERROR;
    if (q) {
        db_bind_int(q, 1, from);
        size_t cap = 0;
        while ((rc = db_step(q)) == SQLITE_ROW) {
            struct chain_link *grown = buffer_grow(*links, &cap, (size_t)*n + 1, sizeof **links);
            if (!grown) {
                sqlite3_reset(q);
                snprintf(err, err_size, "out of memory for a chain of %ld batches", *n);
                return EX_SOFTWARE;
            }
            *links = grown;
            (*links)[*n].old_id = sqlite3_column_int64(q, 0);
            (*links)[*n].as_of = (day_t)sqlite3_column_int64(q, 1);
            (*links)[*n].new_revision = sqlite3_column_int(q, 2);
            (*links)[*n].old_revision = sqlite3_column_int(q, 3);
            ++*n;
        }
        sqlite3_reset(q);
    }
    if (rc != SQLITE_DONE) {
        snprintf(err, err_size, "cannot read the batches: %s", db_errmsg(db));
        return db_failure_exit(db);
    }
    return 0;
}

/* Whether every batch of the chain was built with the configuration of
 * this rerun (config_text): a rerun under another one would release with
 * other fees and queue refunds for other dates, and adjustments.csv
 * would not say why. Returns 0, or 65 with the first difference in err.
 * A batch kept before schema version 6 has no configuration to compare:
 * a warning says so. */
static int same_configuration(struct session *s, const struct chain_link *links, long n,
                              char *err, size_t err_size)
{
    char *now = config_text(&s->cfg, s->cal.holidays, s->cal.n_holidays);
    if (!now) {
        snprintf(err, err_size, "out of memory");
        return EX_SOFTWARE;
    }
    sqlite3_stmt *q = db_stmt(s->db, "SELECT config FROM batch WHERE id = ?");
    int rc = q ? 0 : -1;
    bool unknown = false;
    for (long i = 0; i < n && rc == 0; i++) {
        db_bind_int(q, 1, links[i].old_id);
        int step = db_step(q);
        const char *was = step == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
        if (step != SQLITE_ROW) {
            rc = -1;
        } else if (!was) {
            unknown = true;
        } else if (strcmp(was, now) != 0) {
            char date[DATE_TEXT_SIZE], diff[512];
            date_format(links[i].as_of, date);
            config_text_difference(was, now, diff, sizeof diff);
            snprintf(err, err_size, "batch %s was built with another configuration: %s (rerun"
                     " with the --config it was built with)", date, diff);
            rc = EX_DATAERR;
        }
        sqlite3_reset(q);
    }
    free(now);
    if (rc < 0) {
        snprintf(err, err_size, "cannot read the batches' configuration: %s", db_errmsg(s->db));
        return db_failure_exit(s->db);
    }
    if (rc == 0 && unknown)
        log_warn("rerun: batches of an earlier arbiter kept no configuration: they are rebuilt"
                 " with this one");
    return rc;
}

/* The data rows of stored file file_no of batch batch_id into *rows.
 * Returns 0, or -1 on a database error. */
static int stored_rows(struct db *db, int64_t batch_id, int file_no, long *rows)
{
    sqlite3_stmt *q = db_stmt(db, "SELECT rows FROM batch_file WHERE batch_id = ? AND file_no = ?");
    if (!q)
        return -1;
    db_bind_int(q, 1, batch_id);
    db_bind_int(q, 2, file_no);
    int rc = db_step(q);
    *rows = rc == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The inputs of one replayed batch: its stored files, with the
 * replacements for D put in their place and D's added overrides after the
 * stored ones. Returns 0 or a sysexits code with a message in err. */
static int stored_inputs(struct db *db, const struct chain_link *link, struct batch_inputs *replace,
                         struct batch_inputs *in, char *err, size_t err_size)
{
    memset(in, 0, sizeof *in);
    int next_added = FILE_ADDED_OVERRIDES;
    for (int i = 0; i < FILE_COUNT; i++) {
        if (replace && i < FILE_ADDED_OVERRIDES && replace->files[i]) {
            in->files[i] = replace->files[i];
            replace->files[i] = NULL; /* now owned by in */
            continue;
        }
        int found = filestore_open(db, link->old_id, i, &in->files[i]);
        if (found < 0) {
            snprintf(err, err_size, "cannot read the stored inputs: %s", db_errmsg(db));
            return db_failure_exit(db);
        }
        if (found && i >= FILE_ADDED_OVERRIDES)
            next_added = i + 1;
        if (found && i == FILE_ORDERS && stored_rows(db, link->old_id, i, &in->stored_orders)) {
            snprintf(err, err_size, "cannot read the stored inputs: %s", db_errmsg(db));
            return db_failure_exit(db);
        }
    }
    if (replace && replace->files[FILE_ADDED_OVERRIDES]) {
        if (next_added == FILE_COUNT) {
            snprintf(err, err_size, "this batch already has %d added overrides files: put the"
                     " overrides in one file", FILE_COUNT - FILE_ADDED_OVERRIDES);
            return EX_DATAERR;
        }
        in->files[next_added] = replace->files[FILE_ADDED_OVERRIDES];
        replace->files[FILE_ADDED_OVERRIDES] = NULL;
    }
    return 0;
}

static int mark_rerun_start(struct db *db, int64_t id)
{
    return db_exec_int(db, "UPDATE batch SET rerun_start = 1 WHERE id = ?1", id) == SQLITE_DONE ? 0
                                                                                             : -1;
}

/* Rolls back and replays the chain; fills links[].new_id. */
static int replay(struct session *s, const struct options *o, struct batch_inputs *replace,
                  struct chain_link *links, long n, bool *whole, char *err, size_t err_size)
{
    log_phase_begin("rollback");
    if (reconcile_snapshot(s->db, links[0].as_of) || rollback_chain(s->db, links[0].as_of, whole)) {
        snprintf(err, err_size, "cannot roll back the batches: %s", db_errmsg(s->db));
        return db_failure_exit(s->db);
    }
    log_phase_end("%ld batch(es) rolled back", n);
    for (long i = 0; i < n; i++) {
        struct batch b = {.db = s->db, .cfg = &s->cfg, .cal = &s->cal,
                          .as_of = links[i].as_of, .revision = links[i].new_revision,
                          .replayed = true};
        struct batch_inputs in = {0};
        char date[DATE_TEXT_SIZE];
        date_format(b.as_of, date);
        log_info("rerun: batch %s revision %d", date, b.revision);
        int rc = stored_inputs(s->db, &links[i], i == 0 ? replace : NULL, &in, err, err_size);
        if (rc == 0) {
            rc = pipeline_build(&b, &in, o);
            if (rc)
                snprintf(err, err_size, "batch %s: %s", date, b.err);
        }
        inputs_close(&in);
        if (rc == 0 && i < n - 1 && totals_keep_open_book(s->db, b.id) != 0) {
            snprintf(err, err_size, "batch %s: cannot keep its open orders: %s", date,
                     db_errmsg(s->db));
            rc = db_failure_exit(s->db);
        }
        if (rc)
            return rc;
        links[i].new_id = b.id;
    }
    log_phase_begin("reconcile");
    if (mark_rerun_start(s->db, links[0].new_id) || reconcile_ledger(s->db, links[0].new_id) != 0 ||
        totals_rebuild_ledger_day(s->db, links[0].new_id) != 0 ||
        (*whole && totals_rebuild_open_book(s->db) != 0)) {
        snprintf(err, err_size, "cannot reconcile the ledger: %s", db_errmsg(s->db));
        return db_failure_exit(s->db);
    }
    log_phase_end("ledger reconciled, summaries rebuilt");
    return 0;
}

/* A replacement overrides.csv (--in) is still the night's first
 * overrides file: the files earlier reruns added (--overrides) come after
 * it and replace its rows for the same claims (ingest-claims.c). Said
 * when that can happen, so that a correction is given with --overrides. */
static void warn_added_overrides_win(struct db *db, int64_t batch_id, const char *date)
{
    sqlite3_stmt *q = db_stmt(db, "SELECT count(*) FROM batch_file WHERE batch_id = ?"
                                  " AND file_no > ?");
    if (!q)
        return;
    db_bind_int(q, 1, batch_id);
    db_bind_int(q, 2, FILE_OVERRIDES);
    long added = db_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    if (added > 0)
        log_warn("batch %s: the %ld overrides file(s) earlier reruns added still apply after the"
                 " replaced overrides.csv, and win for the claims they name: to correct one of"
                 " them, rerun with --overrides", date, added);
}

int rerun_batches(struct session *s, const struct options *o, struct batch_inputs *replace)
{
    struct chain_link *links = NULL;
    char err[1200], date[DATE_TEXT_SIZE];
    bool whole = false;
    date_format(o->as_of, date);
    if (db_exec(s->db, "BEGIN IMMEDIATE") != SQLITE_OK) {
        log_error("%s: cannot start the rerun: %s", o->db_path, db_errmsg_plain(s->db));
        return db_failure_exit(s->db);
    }
    interrupt_set_stage(INTERRUPT_BUILDING, NULL);
    int64_t found = session_find_batch(s, o->as_of, 0, NULL);
    long n = 0;
    int rc = 0;
    if (found < 0) {
        snprintf(err, sizeof err, "cannot read the batches: %s", db_errmsg(s->db));
        rc = db_failure_exit(s->db);
    } else if (found > 0) {
        rc = load_chain(s->db, o->as_of, &links, &n, err, sizeof err);
    }
    if (rc == 0 && n == 0) {
        snprintf(err, sizeof err, "no committed batch %s to rerun", date);
        rc = EX_DATAERR;
    }
    /* a revision's folder that cannot be made is found before the commit */
    for (long i = 0; rc == 0 && i < n; i++) {
        rc = session_check_report_dir(o, links[i].as_of, links[i].new_revision, err, sizeof err);
        if (rc)
            snprintf(err + strlen(err), sizeof err - strlen(err),
                     " (nothing committed: rerun once that is fixed)");
    }
    if (rc == 0 && replace->files[FILE_OVERRIDES])
        warn_added_overrides_win(s->db, links[0].old_id, date);
    if (rc == 0)
        rc = same_configuration(s, links, n, err, sizeof err);
    if (rc == 0)
        rc = replay(s, o, replace, links, n, &whole, err, sizeof err);
    if (rc == 0) {
        log_phase_begin("verify");
        long broken = whole ? verify_all(s->db, stderr) : verify_rerun(s->db, links[0].new_id, stderr);
        if (broken < 0) {
            snprintf(err, sizeof err, "cannot verify the rerun: %s", db_errmsg(s->db));
            rc = db_failure_exit(s->db);
        } else if (broken > 0) {
            snprintf(err, sizeof err, "rerun breaks %ld ledger invariant(s): not committed", broken);
            rc = EX_SOFTWARE;
        } else {
            log_phase_end("invariants hold");
        }
    }
    if (rc == 0)
        interrupt_set_stage(INTERRUPT_COMMITTING, NULL);
    if (rc == 0 && db_exec(s->db, "COMMIT") != SQLITE_OK) {
        snprintf(err, sizeof err, "cannot commit the rerun: %s", db_errmsg(s->db));
        rc = db_failure_exit(s->db);
    }
    if (rc) {
        db_exec(s->db, "ROLLBACK");
        log_error("rerun %s: %s", date, err);
        free(links);
        return rc;
    }
    /* every revision's reports, even past one that failed: each failure
     * names its own `arbiter report` command, and the exit code is the
     * first failure's */
    for (long i = 0; i < n; i++) {
        unsigned flags = OUTPUTS_SAY_COMMITTED | (i == 0 ? OUTPUTS_CHECKPOINT_FIRST : 0) |
                         (i + 1 < n ? OUTPUTS_MORE_FOLLOW : 0);
        int written = outputs_write(s->db, o, links[i].new_id, links[i].as_of,
                                    links[i].new_revision, flags);
        if (rc == 0)
            rc = written;
        outputs_mark_replaced(o, links[i].as_of, links[i].old_revision, links[i].new_revision);
        outputs_mark_failed_superseded(o, links[i].as_of, links[i].new_revision);
    }
    free(links);
    return rc;
}
