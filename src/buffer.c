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

int buffer_append(struct buffer *b, const void *p, size_t n)
{
    size_t cap = b->cap;
    char *d = buffer_grow(b->data, &cap, b->len + n + 1, 1);
    if (!d)
        return -1;
    b->data = d;
    b->cap = cap;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}
