/* config.h: the run configuration (SPEC §8): protection windows, fee,
 * reject threshold, holiday calendar path and refund timelines. */
#ifndef ARBITER_CONFIG_H
#define ARBITER_CONFIG_H

#include <stddef.h>

#include "date.h"

#define CONFIG_MAX_METHODS 32
#define CONFIG_METHOD_SIZE 65

struct refund_timeline {
    char method[CONFIG_METHOD_SIZE];
    int min_days;
    int max_days;
};

struct config {
    int protection_days;
    int seller_response_days;
    int auto_refund_days;
    int fee_bps;
    double max_reject_rate; /* a ratio of row counts, never money */
    char holidays_path[4096]; /* resolved; empty: weekends only */
    size_t n_methods;
    struct refund_timeline methods[CONFIG_MAX_METHODS];
};

/* Fills cfg with the built-in defaults (the values of data/arbiter.conf,
 * without a holiday calendar). */
void config_defaults(struct config *cfg);

/* Reads a configuration file over the defaults already in cfg. Returns 0,
 * or a sysexits code (64 bad key or value, 66 unreadable file) with a
 * one-line message naming the file and line in err. */
int config_load(struct config *cfg, const char *path, char *err, size_t err_size);

/* The configuration in effect as text, one `key = value` line each, the
 * payment methods in name order and the holidays (sorted) on one line:
 * equal texts decide every row alike. A batch keeps it (pipeline.c), and
 * a rerun compares it with its own (rerun.c). Returns a string the caller
 * frees, or NULL when out of memory. */
char *config_text(const struct config *cfg, const day_t *holidays, size_t n_holidays);

/* Where a batch's config_text (was) and this run's (now) differ,
 * described into out for a message: their first line that differs
 * ("'fee_bps = 500', now 'fee_bps = 300'"), or for the holiday calendar
 * its first date one has and the other has not. */
void config_text_difference(const char *was, const char *now, char *out, size_t size);

/* The timeline of a payment method, or NULL when it is not configured. */
const struct refund_timeline *config_find_method(const struct config *cfg, const char *method);

#endif
