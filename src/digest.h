/* digest.h: SHA-256 of input files (nettle), as lower-case hex. */
#ifndef ARBITER_DIGEST_H
#define ARBITER_DIGEST_H

#include <stdio.h>

#include <nettle/sha2.h>

#define DIGEST_HEX_SIZE 65

/* Finishes ctx into hex. */
void digest_hex(struct sha256_ctx *ctx, char out[DIGEST_HEX_SIZE]);

/* Hashes the rest of f, then rewinds it. Returns 0 or -1 on a read error. */
int digest_file(FILE *f, char out[DIGEST_HEX_SIZE]);

#endif
