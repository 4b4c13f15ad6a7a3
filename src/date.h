/* date.h: calendar dates as day numbers, and the parsers for the date
 * forms the input files accept (SPEC §1). Pure functions, no I/O. */
#ifndef ARBITER_DATE_H
#define ARBITER_DATE_H

#include <stdbool.h>
#include <stdint.h>

/* A UTC calendar date as the number of days since 1970-01-01. */
typedef int32_t day_t;

#define DATE_TEXT_SIZE 11 /* "YYYY-MM-DD" and its NUL */

day_t date_from_civil(int year, int month, int day);
void date_to_civil(day_t d, int *year, int *month, int *day);

/* 0 = Monday ... 6 = Sunday. */
int date_weekday(day_t d);

/* True when (year, month, day) names a real date of years 1..9999. */
bool date_is_valid(int year, int month, int day);

/* Parses "YYYY-MM-DD" only (the command line and the holiday calendar). */
bool date_parse_plain(const char *s, day_t *out);

/* Parses any input date form of SPEC §1: a plain date, or a timestamp
 * "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)", converted to its UTC date. */
bool date_parse(const char *s, day_t *out);

/* Writes "YYYY-MM-DD" into buf (DATE_TEXT_SIZE bytes). */
void date_format(day_t d, char buf[DATE_TEXT_SIZE]);

#endif
