/* fuzz_ingest.c: libFuzzer harness for CSV ingestion. The first byte picks
 * the file (orders, tracking, claims, overrides); the rest is the file.
 * A fixed known order and claim are in the database, so cross-row checks
 * run too. Checks the row accounting: rows = accepted + duplicates +
 * rejected, and one reject row stored per rejected row. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "batch.h"
#include "ingest.h"
#include "log.h"
#include "totals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *db;
static struct config cfg;
static struct calendar cal;

static void setup(void)
{
    char err[512];
    log_init(true);
    config_defaults(&cfg);
    if (db_open(":memory:", true, &db, err, sizeof err) != 0)
        abort();
    db_exec(db, "INSERT INTO batch(id, as_of, revision, started_at) VALUES (1, 20500, 1, 'x');"
                "INSERT INTO orders(order_id, buyer_id, seller_id, placed_on, amount, currency,"
                " payment_method, promised_days, promised_by, batch_id)"
                " VALUES ('O-1', 'B', 'S', 20480, 10000, 'USD', 'paypal', 5, 20485, 1);"
                "INSERT INTO claim(claim_id, order_id, opened_on, reason, batch_id)"
                " VALUES ('C-1', 'O-1', 20490, 'not_received', 1);");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db)
        setup();
    if (size == 0)
        return 0;
    enum input_file which = (enum input_file)(data[0] % 4);
    FILE *in = fmemopen((void *)(data + 1), size - 1, "rb");
    if (!in)
        return 0;
    if (size == 1) { /* fmemopen of zero bytes: an empty file */
        fclose(in);
        in = fopen("/dev/null", "rb");
    }
    db_exec(db, "BEGIN");
    struct batch b = {.db = db, .cfg = &cfg, .cal = &cal, .as_of = 20500, .revision = 2};
    db_exec(db, "INSERT INTO batch(id, as_of, revision, started_at) VALUES (2, 20500, 2, 'x')");
    b.id = 2;
    b.ledger = (struct ledger_target){db, 2, totals_new()};
    int rc = ingest_file(&b, which, in);
    fclose(in);
    if (rc == 0) {
        const struct file_stats *st = &b.files[which];
        if (st->rows != st->accepted + st->duplicates + st->rejected)
            abort();
        if (db_query_int(db, "SELECT count(*) FROM reject WHERE batch_id = 2", -1) != st->rejected)
            abort();
    }
    totals_free(b.ledger.totals);
    db_exec(db, "ROLLBACK");
    return 0;
}
