/* calendar.c: the holiday calendar loader and business-day arithmetic. */
#include "calendar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "csvfile.h"
#include "files.h"

struct loader {
    struct calendar *cal;
    size_t cap;
    int date_col;
    bool header_seen;
    const char *path;
    char *err;
    size_t err_size;
};

static int on_holiday_row(void *ctx, const struct csv_row *row)
{
    struct loader *ld = ctx;
    if (row->row_no == 1) {
        ld->header_seen = true;
        ld->date_col = -1;
        for (size_t i = 0; i < row->n_fields; i++)
            if (strcmp(row->fields[i], "date") == 0)
                ld->date_col = (int)i;
        if (ld->date_col < 0) {
            snprintf(ld->err, ld->err_size, "%s: row 1: no 'date' column", ld->path);
            return EX_USAGE;
        }
        return 0;
    }
    day_t d;
    size_t col = (size_t)ld->date_col;
    /* a NUL would end the date early and unseen: "2026-12-26\0..." */
    if (col >= row->n_fields || strlen(row->fields[col]) != row->lengths[col] ||
        !date_parse_plain(row->fields[col], &d)) {
        snprintf(ld->err, ld->err_size, "%s: row %ld: bad date (want YYYY-MM-DD)", ld->path,
                 row->row_no);
        return EX_USAGE;
    }
    struct calendar *cal = ld->cal;
    if (cal->n_holidays == ld->cap) {
        size_t cap = ld->cap ? ld->cap * 2 : 32;
        day_t *h = realloc(cal->holidays, cap * sizeof *h);
        if (!h) {
            snprintf(ld->err, ld->err_size, "%s: out of memory", ld->path);
            return EX_SOFTWARE;
        }
        cal->holidays = h;
        ld->cap = cap;
    }
    cal->holidays[cal->n_holidays++] = d;
    return 0;
}

static int compare_day(const void *a, const void *b)
{
    day_t x = *(const day_t *)a, y = *(const day_t *)b;
    return (x > y) - (x < y);
}

int calendar_load(struct calendar *cal, const char *path, char *err, size_t err_size)
{
    FILE *f = files_open_regular(path);
    if (!f) {
        snprintf(err, err_size, "%s: cannot read holiday calendar: %s", path, files_strerror(errno));
        return EX_NOINPUT;
    }
    struct loader ld = {.cal = cal, .path = path, .err = err, .err_size = err_size};
    int rc = csvfile_read(f, on_holiday_row, NULL, &ld);
    fclose(f);
    if (rc < 0) {
        snprintf(err, err_size, "%s: read error: %s", path, strerror(errno));
        rc = EX_IOERR;
    }
    if (rc == 0 && !ld.header_seen) {
        snprintf(err, err_size, "%s: row 1: no header row (want 'date,name')", path);
        rc = EX_USAGE;
    }
    if (rc) {
        calendar_free(cal);
        return rc;
    }
    if (cal->n_holidays == 0)
        return 0;
    qsort(cal->holidays, cal->n_holidays, sizeof *cal->holidays, compare_day);
    size_t n = 0;
    for (size_t i = 0; i < cal->n_holidays; i++)
        if (n == 0 || cal->holidays[n - 1] != cal->holidays[i])
            cal->holidays[n++] = cal->holidays[i];
    cal->n_holidays = n;
    return 0;
}

void calendar_free(struct calendar *cal)
{
    free(cal->holidays);
    cal->holidays = NULL;
    cal->n_holidays = 0;
}

bool calendar_is_business_day(const struct calendar *cal, day_t d)
{
    if (date_weekday(d) >= 5)
        return false;
    return cal->n_holidays == 0 ||
           !bsearch(&d, cal->holidays, cal->n_holidays, sizeof d, compare_day);
}

day_t calendar_add_business_days(const struct calendar *cal, day_t s, int k)
{
    day_t d = s;
    while (k > 0) {
        d++;
        if (calendar_is_business_day(cal, d))
            k--;
    }
    return d;
}

day_t calendar_next_business_day(const struct calendar *cal, day_t d)
{
    while (!calendar_is_business_day(cal, d))
        d++;
    return d;
}
