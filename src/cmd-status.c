/* cmd-status.c: `arbiter status`, what the database holds: batches, escrow
 * held per currency, claims by status and refunds per payment method. The
 * output is for people and stable for scripts: one record per line, a
 * keyword first, then key=value pairs. */
#include <stdio.h>
#include <sysexits.h>

#include "cli.h"
#include "date.h"
#include "log.h"
#include "money.h"
#include "session.h"

static int print_batches(struct db *db)
{
    sqlite3_stmt *q = db_stmt(
        db, "SELECT b.as_of, b.revision, b.in_effect, b.started_at, coalesce(b.finished_at, ''),"
            " sum(f.rows), sum(f.accepted), sum(f.duplicates), sum(f.rejected)"
            " FROM batch b LEFT JOIN batch_file f ON f.batch_id = b.id"
            " GROUP BY b.id ORDER BY b.as_of, b.revision");
    if (!q)
        return -1;
    int rc;
    while ((rc = db_step(q)) == SQLITE_ROW) {
        char date[DATE_TEXT_SIZE];
        date_format((day_t)sqlite3_column_int64(q, 0), date);
        printf("batch as_of=%s revision=%d in_effect=%s started=%s finished=%s rows=%lld"
               " accepted=%lld duplicates=%lld rejected=%lld\n",
               date, sqlite3_column_int(q, 1), sqlite3_column_int(q, 2) ? "yes" : "no",
               sqlite3_column_text(q, 3), sqlite3_column_text(q, 4),
               (long long)sqlite3_column_int64(q, 5), (long long)sqlite3_column_int64(q, 6),
               (long long)sqlite3_column_int64(q, 7), (long long)sqlite3_column_int64(q, 8));
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Prints "keyword label [amount=X]" for rows of (label, currency, amount);
 * a NULL currency means the row has no amount. */
static int print_rows(struct db *db, const char *sql, const char *keyword)
{
    sqlite3_stmt *q = db_stmt(db, sql);
    if (!q)
        return -1;
    int rc;
    while ((rc = db_step(q)) == SQLITE_ROW) {
        printf("%s %s", keyword, sqlite3_column_text(q, 0));
        const char *currency = (const char *)sqlite3_column_text(q, 1);
        if (currency) {
            char amount[MONEY_TEXT_SIZE];
            money_format(sqlite3_column_int64(q, 2), money_currency_exponent(currency), amount);
            printf(" amount=%s", amount);
        }
        putchar('\n');
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int exec_status(const struct options *o)
{
    struct session s;
    int rc = session_open(&s, o, 0);
    if (rc)
        return rc;
    int failed = print_batches(s.db) ||
                 print_rows(s.db,
                            "SELECT 'currency=' || currency || ' open_orders=' || count(*),"
                            " currency, sum(amount) FROM orders WHERE closed_batch IS NULL"
                            " GROUP BY currency ORDER BY currency",
                            "escrow") ||
                 print_rows(s.db,
                            "SELECT 'status=' || status || ' count=' || count(*), NULL, 0"
                            " FROM claim GROUP BY status ORDER BY status",
                            "claims") ||
                 print_rows(s.db,
                            "SELECT 'payment_method=' || payment_method || ' currency=' ||"
                            " currency || ' count=' || count(*), currency, sum(amount)"
                            " FROM refund WHERE status <> 'cancelled'"
                            " GROUP BY payment_method, currency ORDER BY payment_method, currency",
                            "refunds");
    if (failed) {
        log_error("%s: database error while reading status: %s", o->db_path, db_errmsg_plain(s.db));
        rc = db_failure_exit(s.db);
    }
    session_close(&s);
    return rc;
}

const struct command cmd_status = {
    "status", "", "show batches, escrow held, claims by status and refunds", 0, 0, exec_status,
};
