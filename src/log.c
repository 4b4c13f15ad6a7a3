/* log.c: timestamped or terminal-friendly log lines on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool quiet_mode, on_terminal, progress_shown;

static struct timespec started, phase_started;
static char error_note[160];
static const char *current_phase = "";

void log_init(bool quiet)
{
    quiet_mode = quiet;
    on_terminal = isatty(STDERR_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &started);
}

static double since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

double log_elapsed(void)
{
    return since(&started);
}

void log_progress(const char *what, long n)
{
    if (!on_terminal || quiet_mode)
        return;
    fprintf(stderr, "\r  %s: %ld rows", what, n);
    progress_shown = true;
}

void log_progress_done(void)
{
    if (progress_shown)
        fputs("\r\033[K", stderr); /* clear the progress line */
    progress_shown = false;
}

void log_timestamp(char stamp[LOG_TIMESTAMP_SIZE])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, LOG_TIMESTAMP_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void emit(const char *level, const char *fmt, va_list ap)
{
    log_progress_done();
    if (on_terminal) {
        fprintf(stderr, "arbiter: %s%s", level, *level ? ": " : "");
    } else {
        char stamp[LOG_TIMESTAMP_SIZE];
        log_timestamp(stamp);
        fprintf(stderr, "%s arbiter[%ld] %s: ", stamp, (long)getpid(), *level ? level : "info");
    }
    vfprintf(stderr, fmt, ap);
    if (error_note[0] && strcmp(level, "error") == 0)
        fprintf(stderr, " (%s)", error_note);
    fputc('\n', stderr);
}

void log_set_error_note(const char *note)
{
    snprintf(error_note, sizeof error_note, "%s", note);
}

void log_info(const char *fmt, ...)
{
    if (quiet_mode)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("warning", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("error", fmt, ap);
    va_end(ap);
}

void log_phase_begin(const char *phase)
{
    current_phase = phase;
    clock_gettime(CLOCK_MONOTONIC, &phase_started);
    if (on_terminal && !quiet_mode)
        fprintf(stderr, "arbiter: %s...\n", phase);
}

void log_phase_end(const char *fmt, ...)
{
    if (quiet_mode)
        return;
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    log_info("phase %s: %s (%.3f s)", current_phase, detail, since(&phase_started));
}
