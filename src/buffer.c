/* buffer.c: growable memory (buffer.h). */
#include "buffer.h"

#include <stdlib.h>
#include <string.h>

void *buffer_grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(p, n * size);
    if (q)
        *cap = n;
    return q;
}

void *buffer_reserve(struct buffer *b, size_t n)
{
    size_t cap = b->cap;
    char *d = buffer_grow(b->data, &cap, b->len + n + 1, 1);
    if (!d)
        return NULL;
    b->data = d;
    b->cap = cap;
    char *at = b->data + b->len;
    b->len += n;
    b->data[b->len] = '\0';
    return at;
}

int buffer_append(struct buffer *b, const void *p, size_t n)
{
    char *at = buffer_reserve(b, n);
    if (!at)
        return -1;
    if (n)
        memcpy(at, p, n);
    return 0;
}
