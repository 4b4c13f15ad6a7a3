/* lock.c: the per-database process lock. */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

int lock_acquire(const char *db_path, int *code, char *err, size_t err_size)
{
    /* named after the file itself, not the path as typed: through a
     * symbolic link (or another spelling of the folder) a second process
     * must find the same lock */
    char path[4200], *real = realpath(db_path, NULL);
    snprintf(path, sizeof path, "%s.lock", real ? real : db_path);
    free(real);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        snprintf(err, err_size, "%s: cannot create lock file: %s", path, strerror(errno));
        *code = EX_CANTCREAT;
        return -1;
    }
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        /* The holder writes its line just after taking the lock: give it
         * a moment (at most 0.2 s) rather than report an empty name. */
        char holder[256] = "";
        for (int tries = 0; tries < 20 && holder[0] == '\0'; tries++) {
            ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
            holder[n > 0 ? n : 0] = '\0';
            holder[strcspn(holder, "\n")] = '\0';
            if (holder[0] == '\0')
                nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
        }
        snprintf(err, err_size, "%s: database busy: %s; retry later", db_path,
                 *holder ? holder : "another arbiter process holds it");
        close(fd);
        *code = EX_TEMPFAIL;
        return -1;
    }
    char stamp[LOG_TIMESTAMP_SIZE], line[160];
    log_timestamp(stamp);
    int len = snprintf(line, sizeof line, "arbiter pid %ld started at %s\n", (long)getpid(), stamp);
    /* Written over the old line, then cut to length, so a reader never
     * finds the file empty once a holder has written. Only the name is
     * lost if this fails: the lock itself is held. */
    if (pwrite(fd, line, (size_t)len, 0) == len)
        (void)!ftruncate(fd, len);
    return fd;
}

void lock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}
