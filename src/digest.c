/* digest.c: SHA-256 helpers over nettle. */
#include "digest.h"

#include <stdint.h>

void digest_hex(struct sha256_ctx *ctx, char out[DIGEST_HEX_SIZE])
{
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(ctx, sizeof digest, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

int digest_file(FILE *f, char out[DIGEST_HEX_SIZE])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sha256_update(&ctx, n, buf);
    int failed = ferror(f);
    rewind(f);
    digest_hex(&ctx, out);
    return failed ? -1 : 0;
}
