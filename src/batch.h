/* batch.h: one nightly batch in the making: its date, its database row,
 * the configuration it runs under and the row accounting of its files. */
#ifndef ARBITER_BATCH_H
#define ARBITER_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "calendar.h"
#include "config.h"
#include "date.h"
#include "db.h"
#include "ledger.h"

/* The input files in reading order. From FILE_ADDED_OVERRIDES on are the
 * files that reruns' --overrides add to a batch (one slot per rerun that
 * added one, up to FILE_COUNT): read after the batch's own overrides.csv,
 * named so in the log, and in the reports as FILE_LABEL_SQL has it. */
enum input_file {
    FILE_ORDERS,
    FILE_TRACKING,
    FILE_CLAIMS,
    FILE_OVERRIDES,
    FILE_ADDED_OVERRIDES,
    FILE_COUNT = FILE_ADDED_OVERRIDES + 8
};

/* SQL of the label the reports give the input file numbered by column
 * `col` (enum input_file; qualified by its table, since the subquery
 * has a file_no of its own) of batch ?1: its name, and for a file a rerun
 * added, "overrides.csv added by revision k", k the revision of batch ?1's
 * date that the rerun made (its folder rk), so that its rejects are told
 * from those of the night's own. */
#define FILE_LABEL_SQL(col)                                                                        \
    "CASE " col " WHEN 0 THEN 'orders.csv' WHEN 1 THEN 'tracking.csv' WHEN 2 THEN 'claims.csv'"  \
    " WHEN 3 THEN 'overrides.csv' ELSE 'overrides.csv added by revision ' || (SELECT"              \
    "  min(added.revision) FROM batch me JOIN batch added ON added.as_of = me.as_of"              \
    "  JOIN batch_file af ON af.batch_id = added.id AND af.file_no = " col                       \
    "  WHERE me.id = ?1) END"

/* The file's name alone, one of the four that SPEC §6 allows in
 * rejects.csv's `file` column: an added overrides file is overrides.csv
 * there (its rows come after the night's own, in file order). */
#define FILE_NAME_SQL(col)                                                                         \
    "CASE " col " WHEN 0 THEN 'orders.csv' WHEN 1 THEN 'tracking.csv' WHEN 2 THEN 'claims.csv'"  \
    " ELSE 'overrides.csv' END"

/* The order of rejects.csv (SPEC §6: by file, then row) and of the
 * Rejects sheet: an added overrides file's rows among the night's own by
 * row, as FILE_NAME_SQL gives them one name. */
#define REJECT_ORDER_SQL " ORDER BY min(file_no, 3), row, file_no"

/* "orders.csv", ... by enum input_file. */
extern const char *const input_file_names[FILE_COUNT];

struct file_stats {
    bool present;
    char sha256[65];
    long rows, accepted, duplicates, rejected;
};

struct batch {
    struct db *db;
    const struct config *cfg;
    const struct calendar *cal;
    day_t as_of;
    int revision;
    int64_t id;
    struct ledger_target ledger; /* db, id and the batch's summary totals */
    struct file_stats files[FILE_COUNT];
    bool replayed; /* part of a rerun: the ledger is checked after the chain */
    bool rule_indexes_dropped; /* until the orders are settled (pipeline.c) */
    char err[1024]; /* the one-line message of a failure */
};

#endif
