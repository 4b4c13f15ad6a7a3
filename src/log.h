/* log.h: the operator's log on stderr. On a terminal it shows progress;
 * otherwise each line carries a UTC timestamp for cron mail and log files.
 * --quiet keeps only warnings and errors. */
#ifndef ARBITER_LOG_H
#define ARBITER_LOG_H

#include <stdbool.h>

void log_init(bool quiet);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ends every later error line with " (note)": what the reader of an
 * error needs to know about the whole run (the user it runs as, when root
 * took another's identity). The note is copied. */
void log_set_error_note(const char *note);

/* Marks the start of a phase; log_phase_end reports its duration. */
void log_phase_begin(const char *phase);
void log_phase_end(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* On a terminal (and not --quiet), rewrites one status line in place:
 * "what: n rows"; elsewhere it prints nothing. log_progress_done ends the
 * line. */
void log_progress(const char *what, long n);
void log_progress_done(void);

/* Now, UTC, as "2026-11-25T02:30:01Z" (the log's, the lock's and the
 * reports' timestamps), into stamp. */
#define LOG_TIMESTAMP_SIZE 32
void log_timestamp(char stamp[LOG_TIMESTAMP_SIZE]);

/* Seconds since the program started (monotonic clock). */
double log_elapsed(void);

#endif
