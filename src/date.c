/* date.c: day-number arithmetic (proleptic Gregorian calendar) and the
 * strict parsers of the date forms accepted in the input files. */
#include "date.h"

#include <string.h>

/* Howard Hinnant's days_from_civil: exact for every year of interest. */
day_t date_from_civil(int year, int month, int day)
{
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (day_t)(era * 146097 + doe - 719468);
}

void date_to_civil(day_t d, int *year, int *month, int *day)
{
    int z = d + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int m = mp + (mp < 10 ? 3 : -9);
    *year = yoe + era * 400 + (m <= 2);
    *month = m;
    *day = doy - (153 * mp + 2) / 5 + 1;
}

int date_weekday(day_t d)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int w = (int)((d + 3) % 7);
    return w < 0 ? w + 7 : w;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool date_is_valid(int year, int month, int day)
{
    static const int days_in[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
        return false;
    int last = days_in[month - 1] + (month == 2 && is_leap(year));
    return day <= last;
}

/* Reads exactly n decimal digits at s into *out. */
static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Parses the leading "YYYY-MM-DD" of s. */
static bool parse_ymd(const char *s, day_t *out)
{
    int y, m, d;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || !date_is_valid(y, m, d))
        return false;
    *out = date_from_civil(y, m, d);
    return true;
}

bool date_parse_plain(const char *s, day_t *out)
{
    return strlen(s) == 10 && parse_ymd(s, out);
}

bool date_parse(const char *s, day_t *out)
{
    day_t d;
    if (!parse_ymd(s, &d))
        return false;
    if (s[10] == '\0') {
        *out = d;
        return true;
    }
    int hh, mm, ss;
    const char *p = s + 10;
    if (p[0] != 'T' || !digits(p + 1, 2, &hh) || p[3] != ':' || !digits(p + 4, 2, &mm) ||
        p[6] != ':' || !digits(p + 7, 2, &ss) || hh > 23 || mm > 59 || ss > 59)
        return false;
    p += 9;
    if (*p == '.') {
        const char *f = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == f)
            return false;
    }
    int offset_minutes = 0;
    if (p[0] == 'Z' && p[1] == '\0') {
        offset_minutes = 0;
    } else if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6) {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        offset_minutes = (oh * 60 + om) * (p[0] == '-' ? -1 : 1);
    } else {
        return false;
    }
    int utc_minutes = hh * 60 + mm - offset_minutes;
    if (utc_minutes < 0)
        d -= 1;
    else if (utc_minutes >= 24 * 60)
        d += 1;
    int y, m, dd;
    date_to_civil(d, &y, &m, &dd);
    if (!date_is_valid(y, m, dd))
        return false;
    *out = d;
    return true;
}

void date_format(day_t d, char buf[DATE_TEXT_SIZE])
{
    int y, m, dd;
    date_to_civil(d, &y, &m, &dd);
    const int parts[3][2] = {{y, 4}, {m, 2}, {dd, 2}};
    char *p = buf;
    for (int i = 0; i < 3; i++) {
        int v = parts[i][0] < 0 ? 0 : parts[i][0];
        for (int k = parts[i][1] - 1; k >= 0; k--, v /= 10)
            p[k] = (char)('0' + v % 10);
        p += parts[i][1];
        *p++ = i < 2 ? '-' : '\0';
    }
}
