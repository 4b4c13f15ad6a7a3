/* calendar.h: business days (SPEC §1) and the refund timeline dates of
 * SPEC §4. A calendar is weekends plus a sorted list of holidays. */
#ifndef ARBITER_CALENDAR_H
#define ARBITER_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"

struct calendar {
    day_t *holidays; /* sorted, unique; owned by the calendar */
    size_t n_holidays;
};

/* Reads a `date,name` CSV into cal (which must be zeroed). Returns 0, or
 * a sysexits code (64 malformed, 66 unreadable) with a one-line message
 * naming the file and row in err. */
int calendar_load(struct calendar *cal, const char *path, char *err, size_t err_size);

void calendar_free(struct calendar *cal);

bool calendar_is_business_day(const struct calendar *cal, day_t d);

/* The k-th business day strictly after s; k = 0 gives s itself. */
day_t calendar_add_business_days(const struct calendar *cal, day_t s, int k);

/* The first business day on or after d. */
day_t calendar_next_business_day(const struct calendar *cal, day_t d);

#endif
