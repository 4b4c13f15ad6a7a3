/* check_filestore.c: unit tests of src/filestore.c, the input files kept
 * in the database for reruns (SPEC §5: "the inputs of every batch ... are
 * kept in the database, so a rerun needs no original files"): whatever the
 * bytes, a stored file reads back byte for byte, over many chunks, with
 * compressible chunks compressed and the others kept as they are; and the
 * writer's SHA-256 (taken on its compressor thread) is that of the bytes. */
#include <check.h>

#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "filestore.h"

static char base_dir[64];
static struct db *db;

static void open_db(void)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/t.db", base_dir);
    remove(path);
    ck_assert_int_eq(db_open(path, true, &db, err, sizeof err), 0);
}

static void close_db(void)
{
    db_close(db);
}

/* n bytes: CSV-like text, or (random) bytes no compressor shrinks. */
static unsigned char *make_bytes(size_t n, bool random)
{
    unsigned char *b = malloc(n);
    uint64_t x = 88172645463325252u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        b[i] = random ? (unsigned char)x : (unsigned char)"O2026-0001,B1,S1,12.30\n"[i % 23];
    }
    return b;
}

/* The SHA-256 of len bytes in one call to nettle, as lower-case hex. */
static void whole_digest(const unsigned char *bytes, size_t len, char hex[DIGEST_HEX_SIZE])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, bytes);
    digest_hex(&ctx, hex);
}

/* Stores len bytes as file 1 of batch 1 in writes of `step` bytes, and
 * checks the writer's checksum against the bytes'. */
static void store(const unsigned char *bytes, size_t len, size_t step)
{
    ck_assert_int_eq(db_exec(db, "INSERT INTO batch_file(batch_id, file_no, present, sha256)"
                                 " VALUES (1, 1, 1, '')"),
                     SQLITE_OK);
    struct filestore_writer w;
    ck_assert_int_eq(filestore_begin(&w, db, 1, 1), 0);
    for (size_t off = 0; off < len; off += step)
        ck_assert_int_eq(filestore_write(&w, bytes + off, len - off < step ? len - off : step), 0);
    char got[DIGEST_HEX_SIZE] = "", want[DIGEST_HEX_SIZE];
    ck_assert_int_eq(filestore_end(&w, 1, got), 0);
    whole_digest(bytes, len, want);
    ck_assert_str_eq(got, want);
}

/* Reads file 1 of batch 1 back and compares it with want. */
static void check_read_back(const unsigned char *want, size_t len)
{
    FILE *f;
    ck_assert_int_eq(filestore_open(db, 1, 1, &f), 1);
    unsigned char *got = malloc(len + 1);
    size_t n = fread(got, 1, len + 1, f);
    fclose(f);
    ck_assert_uint_eq(n, len);
    ck_assert(memcmp(got, want, len) == 0);
    free(got);
}

static int64_t count_chunks(int codec)
{
    sqlite3_stmt *s = db_stmt(db, "SELECT count(*) FROM batch_file_content WHERE codec = ?");
    db_bind_int(s, 1, codec);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return n;
}

/* Text over two and a half chunks: three compressed chunks, much smaller. */
START_TEST(test_text_compressed)
{
    size_t len = FILESTORE_CHUNK * 5 / 2;
    unsigned char *b = make_bytes(len, false);
    store(b, len, 65536);
    ck_assert_int_eq(count_chunks(1), 3);
    ck_assert_int_eq(count_chunks(0), 0);
    ck_assert_int_lt(db_query_int(db, "SELECT sum(length(content)) FROM batch_file_content", 0),
                     (int64_t)len / 10);
    check_read_back(b, len);
    free(b);
}
END_TEST

/* Random bytes: stored as they are, and read back all the same. */
START_TEST(test_random_kept_raw)
{
    size_t len = FILESTORE_CHUNK + 12345;
    unsigned char *b = make_bytes(len, true);
    store(b, len, 7777);
    ck_assert_int_eq(count_chunks(0), 2);
    check_read_back(b, len);
    free(b);
}
END_TEST

/* A file of text then random bytes: chunks of both kinds in one file. */
START_TEST(test_mixed_chunks)
{
    size_t len = FILESTORE_CHUNK * 2;
    unsigned char *b = make_bytes(len, false), *r = make_bytes(FILESTORE_CHUNK, true);
    memcpy(b + FILESTORE_CHUNK, r, FILESTORE_CHUNK);
    store(b, len, FILESTORE_CHUNK);
    ck_assert_int_eq(count_chunks(1), 1);
    ck_assert_int_eq(count_chunks(0), 1);
    check_read_back(b, len);
    free(b);
    free(r);
}
END_TEST

/* An empty file stores no chunk and reads back empty. */
START_TEST(test_empty_file)
{
    store(NULL, 0, 1);
    ck_assert_int_eq(count_chunks(0) + count_chunks(1), 0);
    check_read_back((const unsigned char *)"", 0);
}
END_TEST

/* The checksum is SHA-256's own (FIPS 180-2's "abc" and the empty
 * string), over bytes written one at a time. */
START_TEST(test_checksum_known_answers)
{
    struct filestore_writer w;
    char hex[DIGEST_HEX_SIZE];
    ck_assert_int_eq(filestore_begin(&w, db, 1, 1), 0);
    for (const char *p = "abc"; *p; p++)
        ck_assert_int_eq(filestore_write(&w, p, 1), 0);
    ck_assert_int_eq(filestore_end(&w, 1, hex), 0);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ck_assert_int_eq(filestore_begin(&w, db, 1, 2), 0);
    ck_assert_int_eq(filestore_end(&w, 1, hex), 0);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

/* A checksum over many chunks, written in pieces that straddle them. */
START_TEST(test_checksum_across_chunks)
{
    size_t len = FILESTORE_CHUNK * 2 + FILESTORE_CHUNK / 2 + 7;
    unsigned char *b = make_bytes(len, true);
    store(b, len, 100003);
    check_read_back(b, len);
    free(b);
}
END_TEST

/* A chunk stored before compression (schema version 2) reads as it is. */
START_TEST(test_old_raw_chunk)
{
    ck_assert_int_eq(db_exec(db, "INSERT INTO batch_file(batch_id, file_no, present, sha256)"
                                 " VALUES (1, 1, 1, '');"
                                 "INSERT INTO batch_file_content(batch_id, file_no, seq, content)"
                                 " VALUES (1, 1, 0, CAST('a,b\n1,2\n' AS BLOB))"),
                     SQLITE_OK);
    check_read_back((const unsigned char *)"a,b\n1,2\n", 8);
}
END_TEST

/* A file not kept (the write failed): nothing stored. */
START_TEST(test_not_kept)
{
    struct filestore_writer w;
    unsigned char *b = make_bytes(FILESTORE_CHUNK + 10, false);
    ck_assert_int_eq(filestore_begin(&w, db, 1, 1), 0);
    ck_assert_int_eq(filestore_write(&w, b, FILESTORE_CHUNK + 10), 0);
    ck_assert_int_eq(filestore_end(&w, 0, NULL), 0);
    ck_assert_int_eq(count_chunks(0) + count_chunks(1), 0);
    free(b);
}
END_TEST

static Suite *filestore_suite(void)
{
    Suite *s = suite_create("filestore");
    TCase *t = tcase_create("round trip");
    tcase_set_timeout(t, 60);
    tcase_add_checked_fixture(t, open_db, close_db);
    tcase_add_test(t, test_text_compressed);
    tcase_add_test(t, test_random_kept_raw);
    tcase_add_test(t, test_mixed_chunks);
    tcase_add_test(t, test_empty_file);
    tcase_add_test(t, test_checksum_known_answers);
    tcase_add_test(t, test_checksum_across_chunks);
    tcase_add_test(t, test_old_raw_chunk);
    tcase_add_test(t, test_not_kept);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return testutil_run_in_tmpdir(filestore_suite, "check_filestore", base_dir, sizeof base_dir);
}
