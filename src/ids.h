/* ids.h: validation of IDs (SPEC §1) and of UTF-8 text. */
#ifndef ARBITER_IDS_H
#define ARBITER_IDS_H

#include <stdbool.h>
#include <stddef.h>

#define ID_MAX_LEN 64
#define ID_MAX_BUF (ID_MAX_LEN + 1)

/* True for 1..64 characters of A-Z a-z 0-9 . _ : - */
bool ids_is_valid(const char *s);

/* True when the len bytes at s are well-formed UTF-8 with no NUL byte. */
bool ids_is_utf8(const char *s, size_t len);

#endif
