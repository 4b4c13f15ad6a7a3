/* files.c: regular-file opening shared by the input readers. */
#include "files.h"

#include <errno.h>
#include <sys/stat.h>

FILE *files_open_regular(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        int err = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        fclose(f);
        errno = err;
        return NULL;
    }
    return f;
}
