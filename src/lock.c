/* lock.c: the per-database process lock. */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

int lock_acquire(const char *db_path, int *code, char *err, size_t err_size)
{
    char path[4200];
    snprintf(path, sizeof path, "%s.lock", db_path);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, err_size, "%s: cannot create lock file: %s", path, strerror(errno));
        *code = EX_CANTCREAT;
        return -1;
    }
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        char holder[256] = "";
        ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
        holder[n > 0 ? n : 0] = '\0';
        holder[strcspn(holder, "\n")] = '\0';
        snprintf(err, err_size, "%s: database busy: %s; retry later", db_path,
                 *holder ? holder : "another arbiter process holds it");
        close(fd);
        *code = EX_TEMPFAIL;
        return -1;
    }
    char stamp[32], line[160];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int len = snprintf(line, sizeof line, "arbiter pid %ld started at %s\n", (long)getpid(), stamp);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, line, (size_t)len, 0) != len) {
        /* The lock is held; only its description could not be written. */
    }
    return fd;
}

void lock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}
