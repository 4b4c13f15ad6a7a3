/* totals.c: in-memory accumulation of a batch's summary changes. Ledger
 * legs go to a flat array indexed by (currency, kind, account); open-book
 * changes to an open-addressing table keyed by (currency, date), which
 * doubles as it fills. */
#include "totals.h"

#include <stdlib.h>
#include <string.h>

#include "ledger.h"

static const char *const kinds[] = {"capture", "release", "refund"};
static const char *const accounts[] = {"buyer_funds", "escrow", "seller_payable", "fee_revenue",
                                       "refund_payable"};
#define N_KINDS 3
#define N_ACCOUNTS 5
#define CURRENCY_CODES (26 * 26 * 26) /* every three-letter code */
#define MAX_CURRENCIES 256            /* in one batch: more than ISO 4217 has */
#define BOOK_FIRST_SLOTS 1024         /* a power of two */

struct book_entry {
    char currency[4];
    day_t placed;
    int used;
    int64_t orders;
    money_t amount;
};

struct totals {
    short slot_of[CURRENCY_CODES]; /* 1 + the currency's index below; 0 when not seen */
    char currencies[MAX_CURRENCIES][4];
    int n_currencies;
    money_t legs[MAX_CURRENCIES][N_KINDS][N_ACCOUNTS];
    struct book_entry *book; /* book_slots entries, at most half of them used */
    size_t book_slots, book_used;
};

struct totals *totals_new(void)
{
    return calloc(1, sizeof(struct totals));
}

void totals_free(struct totals *t)
{
    if (t)
        free(t->book);
    free(t);
}

static int find(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

/* The index of a three-letter upper-case currency, given one on first
 * sight; -1 for anything else (ingest.c stores ISO 4217 codes only). */
static int currency_slot(struct totals *t, const char *currency)
{
    long code = 0;
    for (int i = 0; i < 3; i++) {
        if (currency[i] < 'A' || currency[i] > 'Z')
            return -1;
        code = code * 26 + (currency[i] - 'A');
    }
    if (currency[3] != '\0')
        return -1;
    if (t->slot_of[code] == 0) {
        if (t->n_currencies == MAX_CURRENCIES)
            return -1;
        memcpy(t->currencies[t->n_currencies], currency, 4);
        t->slot_of[code] = (short)++t->n_currencies;
    }
    return t->slot_of[code] - 1;
}

int totals_add_leg(struct totals *t, const char *currency, const char *kind, const char *account,
                   money_t amount)
{
    int c = currency_slot(t, currency), k = find(kinds, N_KINDS, kind),
        a = find(accounts, N_ACCOUNTS, account);
    if (c < 0 || k < 0 || a < 0)
        return -1;
    t->legs[c][k][a] += amount;
    return 0;
}

/* The entry of (currency, placed) in a table of `slots` entries (a power
 * of two, never full), or the free one where it belongs. */
static struct book_entry *book_entry(struct book_entry *book, size_t slots, const char *currency,
                                     day_t placed)
{
    size_t h = ((size_t)(unsigned)placed * 2654435761u) ^
               (size_t)(currency[0] * 31 * 31 + currency[1] * 31 + currency[2]);
    for (size_t probe = 0;; probe++) {
        struct book_entry *e = &book[(h + probe) & (slots - 1)];
        if (!e->used || (e->placed == placed && strcmp(e->currency, currency) == 0))
            return e;
    }
}

/* Doubles the table (or makes the first one). 0 or -1 when out of memory. */
static int book_grow(struct totals *t)
{
    size_t slots = t->book_slots ? 2 * t->book_slots : BOOK_FIRST_SLOTS;
    struct book_entry *book = calloc(slots, sizeof *book);
    if (!book)
        return -1;
    for (size_t i = 0; i < t->book_slots; i++)
        if (t->book[i].used)
            *book_entry(book, slots, t->book[i].currency, t->book[i].placed) = t->book[i];
    free(t->book);
    t->book = book;
    t->book_slots = slots;
    return 0;
}

int totals_add_book(struct totals *t, const char *currency, day_t placed, money_t amount,
                    int orders)
{
    if (strlen(currency) != 3 || (2 * (t->book_used + 1) > t->book_slots && book_grow(t)))
        return -1;
    struct book_entry *e = book_entry(t->book, t->book_slots, currency, placed);
    if (!e->used) {
        *e = (struct book_entry){.placed = placed, .used = 1};
        memcpy(e->currency, currency, 4);
        t->book_used++;
    }
    e->orders += orders;
    e->amount += amount;
    return 0;
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
    for (size_t i = 0; i < t->book_slots; i++) {
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

int totals_rebuild_ledger_day(struct db *db, int64_t first_batch)
{
    static const char *const steps[] = {
        "DELETE FROM ledger_day WHERE as_of >= " LEDGER_DATE_OF_BATCH,
        "INSERT INTO ledger_day(as_of, currency, kind, account, amount) "
        LEDGER_DAY_SELECT(LEDGER_POSTINGS_DATED_SINCE(LEDGER_DATE_OF_BATCH)),
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (db_exec_int(db, steps[i], first_batch) != SQLITE_DONE)
            return -1;
    return 0;
}

int totals_rebuild_open_book(struct db *db)
{
    return db_exec(db, "DELETE FROM open_book;"
                       " INSERT INTO open_book(currency, placed_on, orders, amount)"
                       " SELECT currency, placed_on, count(*), sum(amount) FROM orders"
                       " WHERE closed_batch IS NULL GROUP BY currency, placed_on") == SQLITE_OK
               ? 0
               : -1;
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
