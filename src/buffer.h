/* buffer.h: growable memory reused from row to row: a byte buffer that
 * is appended to, and the growth of an array by doubling. */
#ifndef ARBITER_BUFFER_H
#define ARBITER_BUFFER_H

#include <stddef.h>

struct buffer {
    char *data; /* owned; NUL-terminated after every append */
    size_t len, cap;
};

/* Appends n bytes (p may be NULL when n is 0) and keeps a NUL after them.
 * Returns 0, or -1 when out of memory (the buffer is then unchanged). */
int buffer_append(struct buffer *b, const void *p, size_t n);

/* Appends n bytes for the caller to write, keeping a NUL after them.
 * Returns where they start (valid until the buffer grows again), or NULL
 * when out of memory (the buffer is then unchanged). */
void *buffer_reserve(struct buffer *b, size_t n);

/* An array of *cap elements of `size` bytes, grown by doubling to hold
 * `need`: returns the array (p itself when large enough) and updates
 * *cap, or returns NULL when out of memory (p and *cap are then left as
 * they were, and p stays the caller's to free). */
void *buffer_grow(void *p, size_t *cap, size_t need, size_t size);

#endif
