/* lock.h: one batch at a time per database. A lock file beside the
 * database (`<db>.lock`) holds an fcntl write lock for the life of the
 * process and names it (pid, start time), so a second process can say who
 * is running. The kernel drops the lock when its process dies, so a
 * killed run never leaves a stale lock behind. */
#ifndef ARBITER_LOCK_H
#define ARBITER_LOCK_H

#include <stddef.h>

/* Takes the lock. Returns a file descriptor (>= 0) to give to lock_release,
 * or -1 with a message in err: busy (*code 75) or cannot create (*code 73). */
int lock_acquire(const char *db_path, int *code, char *err, size_t err_size);
void lock_release(int fd);

#endif
