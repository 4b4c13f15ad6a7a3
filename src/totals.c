/* totals.c: in-memory accumulation of a batch's summary changes. Ledger
 * legs go to a flat array indexed by (currency, kind, account); open-book
 * changes to a small open-addressing table keyed by (currency, date). */
#include "totals.h"

#include <stdlib.h>
#include <string.h>

#include "ledger.h"

static const char *const kinds[] = {"capture", "release", "refund"};
static const char *const accounts[] = {"buyer_funds", "escrow", "seller_payable", "fee_revenue",
                                       "refund_payable"};
#define N_KINDS 3
#define N_ACCOUNTS 5
#define MAX_CURRENCIES 64  /* distinct currencies in one batch */
#define BOOK_SLOTS 16384   /* distinct (currency, date placed) in one batch */

struct book_entry {
    char currency[4];
    day_t placed;
    int used;
    int64_t orders;
    money_t amount;
};

struct totals {
    char currencies[MAX_CURRENCIES][4];
    int n_currencies;
    money_t legs[MAX_CURRENCIES][N_KINDS][N_ACCOUNTS];
    struct book_entry book[BOOK_SLOTS];
    int book_used;
};

struct totals *totals_new(void)
{
    return calloc(1, sizeof(struct totals));
}

void totals_free(struct totals *t)
{
    free(t);
}

static int find(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

static int currency_slot(struct totals *t, const char *currency)
{
    for (int i = 0; i < t->n_currencies; i++)
        if (strcmp(t->currencies[i], currency) == 0)
            return i;
    if (t->n_currencies == MAX_CURRENCIES)
        return -1;
    memcpy(t->currencies[t->n_currencies], currency, 4);
    return t->n_currencies++;
}

void totals_add_leg(struct totals *t, const char *currency, const char *kind,
                    const char *account, money_t amount)
{
    int c = currency_slot(t, currency), k = find(kinds, N_KINDS, kind),
        a = find(accounts, N_ACCOUNTS, account);
    if (c >= 0 && k >= 0 && a >= 0)
        t->legs[c][k][a] += amount;
}

int totals_add_book(struct totals *t, const char *currency, day_t placed, money_t amount,
                    int orders)
{
    unsigned h = ((unsigned)placed * 2654435761u) ^ (unsigned)(currency[0] * 31 * 31 +
                                                              currency[1] * 31 + currency[2]);
    for (int probe = 0; probe < BOOK_SLOTS; probe++) {
        struct book_entry *e = &t->book[(h + (unsigned)probe) % BOOK_SLOTS];
        if (e->used && e->placed == placed && strcmp(e->currency, currency) == 0) {
            e->orders += orders;
            e->amount += amount;
            return 0;
        }
        if (!e->used) {
            if (t->book_used == BOOK_SLOTS / 2)
                return -1; /* keep probes short; a batch never spans 8192 days */
            *e = (struct book_entry){.placed = placed, .used = 1, .orders = orders,
                                     .amount = amount};
            memcpy(e->currency, currency, 4);
            t->book_used++;
            return 0;
        }
    }
    return -1;
}

int totals_flush(struct totals *t, struct db *db, day_t as_of)
{
    sqlite3_stmt *leg = db_stmt(
        db, "INSERT INTO ledger_day(as_of, currency, kind, account, amount)"
            " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(as_of, currency, kind, account)"
            " DO UPDATE SET amount = amount + excluded.amount");
    sqlite3_stmt *book = db_stmt(
        db, "INSERT INTO open_book(currency, placed_on, orders, amount) VALUES (?1, ?2, ?3, ?4)"
            " ON CONFLICT(currency, placed_on) DO UPDATE SET orders = orders + excluded.orders,"
            " amount = amount + excluded.amount");
    if (!leg || !book)
        return -1;
    for (int c = 0; c < t->n_currencies; c++)
        for (int k = 0; k < N_KINDS; k++)
            for (int a = 0; a < N_ACCOUNTS; a++) {
                if (t->legs[c][k][a] == 0)
                    continue;
                db_bind_int(leg, 1, as_of);
                db_bind_text(leg, 2, t->currencies[c]);
                db_bind_text(leg, 3, kinds[k]);
                db_bind_text(leg, 4, accounts[a]);
                db_bind_int(leg, 5, t->legs[c][k][a]);
                if (db_exec_stmt(leg) != SQLITE_DONE)
                    return -1;
            }
    for (int i = 0; i < BOOK_SLOTS; i++) {
        const struct book_entry *e = &t->book[i];
        if (!e->used || (e->orders == 0 && e->amount == 0))
            continue;
        db_bind_text(book, 1, e->currency);
        db_bind_int(book, 2, e->placed);
        db_bind_int(book, 3, e->orders);
        db_bind_int(book, 4, e->amount);
        if (db_exec_stmt(book) != SQLITE_DONE)
            return -1;
    }
    sqlite3_stmt *empty = db_stmt(db, "DELETE FROM open_book WHERE orders = 0 AND amount = 0");
    return empty && db_exec_stmt(empty) == SQLITE_DONE ? 0 : -1;
}

int totals_rebuild(struct db *db, int64_t first_batch)
{
    static const char *const steps[] = {
        "DELETE FROM ledger_day WHERE as_of >= (SELECT as_of FROM batch WHERE id = ?1)",
        "INSERT INTO ledger_day(as_of, currency, kind, account, amount) "
        LEDGER_DAY_SELECT(LEDGER_POSTINGS_DATED_SINCE("(SELECT as_of FROM batch WHERE id = ?1)")),
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (db_exec_int(db, steps[i], first_batch) != SQLITE_DONE)
            return -1;
    return 0;
}

int totals_open_book_kept(struct db *db)
{
    return db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS open_book_at(batch_id INTEGER NOT NULL,"
                       " currency TEXT NOT NULL, placed_on INTEGER NOT NULL,"
                       " orders INTEGER NOT NULL, amount INTEGER NOT NULL,"
                       " PRIMARY KEY(batch_id, currency, placed_on)) WITHOUT ROWID") == SQLITE_OK
               ? 0
               : -1;
}

int totals_keep_open_book(struct db *db, int64_t batch_id)
{
    return totals_open_book_kept(db) == 0 &&
                   db_exec_int(db, "INSERT INTO temp.open_book_at(batch_id, currency, placed_on,"
                                   " orders, amount) SELECT ?1, currency, placed_on, orders,"
                                   " amount FROM open_book", batch_id) == SQLITE_DONE
               ? 0
               : -1;
}
