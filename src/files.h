/* files.h: opening input files that must be regular files. */
#ifndef ARBITER_FILES_H
#define ARBITER_FILES_H

#include <stdio.h>

/* Opens path for reading in binary mode. A folder or device fails with
 * errno EISDIR or EINVAL, like a missing file, so callers report every
 * unreadable input the same way. */
FILE *files_open_regular(const char *path);

/* The reason files_open_regular failed with errno err, for a message:
 * "not a regular file ..." for EINVAL, else strerror's. Static text. */
const char *files_strerror(int err);

#endif
