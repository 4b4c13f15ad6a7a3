/* csvparse.c: tools/csvparse, the floor of the benchmark (tools/bench.sh).
 * It streams CSV files through libcsv, as arbiter's reader does, and only
 * counts rows and fields: no trimming, validation, database or output. What
 * arbiter spends beyond this is the price of everything it does per row.
 *
 *   tools/csvparse FILE...   prints "FILE: R rows, F fields" per file and a total */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

struct counts {
    unsigned long rows, fields;
};

static void on_field(void *data, size_t len, void *ctx)
{
    (void)data;
    (void)len;
    ((struct counts *)ctx)->fields++;
}

static void on_row(int terminator, void *ctx)
{
    (void)terminator;
    ((struct counts *)ctx)->rows++;
}

static int parse_file(const char *path, struct counts *c)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return -1;
    struct csv_parser parser;
    if (csv_init(&parser, 0) != 0) {
        fclose(in);
        return -1;
    }
    static char chunk[1 << 16];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
        if (csv_parse(&parser, chunk, n, on_field, on_row, c) != n) {
            errno = ENOMEM;
            rc = -1;
            break;
        }
    if (rc == 0 && ferror(in))
        rc = -1;
    if (rc == 0)
        csv_fini(&parser, on_field, on_row, c);
    csv_free(&parser);
    fclose(in);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: csvparse FILE...\n", stderr);
        return EX_USAGE;
    }
    struct counts total = {0};
    for (int i = 1; i < argc; i++) {
        struct counts c = {0};
        if (parse_file(argv[i], &c)) {
            fprintf(stderr, "csvparse: %s: %s\n", argv[i], strerror(errno));
            return EX_IOERR;
        }
        printf("%s: %lu rows, %lu fields\n", argv[i], c.rows, c.fields);
        total.rows += c.rows;
        total.fields += c.fields;
    }
    printf("total: %lu rows, %lu fields\n", total.rows, total.fields);
    return 0;
}
