/* files.c: regular-file opening shared by the input readers. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *files_open_regular(const char *path)
{
    /* without blocking: a FIFO would wait for a writer forever (a night
     * hung in cron); it is refused below like any file not regular */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) != 0)
        err = errno;
    else if (S_ISDIR(st.st_mode))
        err = EISDIR;
    else if (!S_ISREG(st.st_mode))
        err = EINVAL;
    FILE *f = NULL;
    if (!err) {
        int flags = fcntl(fd, F_GETFL);
        if (flags >= 0 && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0)
            f = fdopen(fd, "rb");
        err = f ? 0 : errno;
    }
    if (!f) {
        close(fd);
        errno = err;
    }
    return f;
}

const char *files_strerror(int err)
{
    return err == EINVAL ? "not a regular file (a FIFO, socket or device)" : strerror(err);
}
