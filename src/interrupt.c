/* interrupt.c: the handler of SIGTERM, SIGINT and SIGHUP (interrupt.h).
 * It may run on any thread, at any moment, so it only reads what is
 * published through atomics, and calls only async-signal-safe functions
 * (unlink, write, raise). */
#include "interrupt.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define WATCH_SLOTS 8 /* files written at once: a workbook and a CSV */
#define PATH_SIZE 4400

enum slot_state { SLOT_FREE, SLOT_FILLING, SLOT_READY };

static atomic_int slot_state[WATCH_SLOTS];
static char slot_path[WATCH_SLOTS][PATH_SIZE];

static atomic_int stage = INTERRUPT_READING;
/* The REPORTING sentence: two buffers, so that a new one is written while
 * the handler may read the other; `hint_shown` is the one to read. */
static char hints[2][600];
static atomic_int hint_shown = -1;

static const char *stage_sentence(enum interrupt_stage s)
{
    switch (s) {
    case INTERRUPT_BUILDING:
        return "the batch was not committed: the database is as it was before this run";
    case INTERRUPT_COMMITTING:
        return "interrupted while committing: 'arbiter status' shows whether the batch is in";
    case INTERRUPT_REPORTING:
        return "the batch is committed, its reports are not complete";
    case INTERRUPT_DONE:
        return "the batch is committed and its reports are written";
    case INTERRUPT_READING:
    default:
        return "nothing was changed";
    }
}

static const char *signal_name(int sig)
{
    return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "SIGHUP";
}

static void put(const char *text)
{
    size_t n = strlen(text);
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, text, n);
        if (w <= 0)
            return;
        text += w;
        n -= (size_t)w;
    }
}

static void on_signal(int sig)
{
    for (int i = 0; i < WATCH_SLOTS; i++)
        if (atomic_load(&slot_state[i]) == SLOT_READY)
            unlink(slot_path[i]);
    enum interrupt_stage now = (enum interrupt_stage)atomic_load(&stage);
    int hint = atomic_load(&hint_shown);
    put("arbiter: interrupted by ");
    put(signal_name(sig));
    put(": ");
    put(now == INTERRUPT_REPORTING && hint >= 0 ? hints[hint] : stage_sentence(now));
    put("\n");
    /* SA_RESETHAND restored the default: the signal ends the process as
     * it would have without this handler, once the handler returns */
    raise(sig);
}

void interrupt_install(void)
{
    static const int signals[] = {SIGTERM, SIGINT, SIGHUP};
    const size_t n = sizeof signals / sizeof signals[0];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask); /* one handler at a time */
    for (size_t i = 0; i < n; i++)
        sigaddset(&sa.sa_mask, signals[i]);
    for (size_t i = 0; i < n; i++) {
        /* a signal the caller ignores (nohup, a background job's SIGINT)
         * stays ignored */
        struct sigaction was;
        if (sigaction(signals[i], NULL, &was) == 0 && was.sa_handler == SIG_IGN)
            continue;
        sigaction(signals[i], &sa, NULL);
    }
}

void interrupt_set_stage(enum interrupt_stage s, const char *report_hint)
{
    if (s == INTERRUPT_REPORTING && report_hint) {
        int next = atomic_load(&hint_shown) == 0 ? 1 : 0;
        snprintf(hints[next], sizeof hints[next], "%s", report_hint);
        atomic_store(&hint_shown, next);
    } else {
        atomic_store(&hint_shown, -1);
    }
    atomic_store(&stage, (int)s);
}

void interrupt_watch_file(const char *path)
{
    if (strlen(path) >= PATH_SIZE)
        return;
    for (int i = 0; i < WATCH_SLOTS; i++) {
        int expected = SLOT_FREE;
        if (atomic_compare_exchange_strong(&slot_state[i], &expected, SLOT_FILLING)) {
            memcpy(slot_path[i], path, strlen(path) + 1);
            atomic_store(&slot_state[i], SLOT_READY);
            return;
        }
    }
}

void interrupt_forget_file(const char *path)
{
    /* a ready slot changes only when its own writer forgets it */
    for (int i = 0; i < WATCH_SLOTS; i++)
        if (atomic_load(&slot_state[i]) == SLOT_READY && strcmp(slot_path[i], path) == 0) {
            atomic_store(&slot_state[i], SLOT_FREE);
            return;
        }
}
