/* workbook-parts.c: refuses a workbook whose XML parts came out cut
 * short.
 *
 * libxlsxwriter writes each worksheet into a temporary file (tmpfile(),
 * in /tmp unless told otherwise) and copies it into the zip at
 * workbook_close(). It never checks those writes: when the temporary
 * file system is full, or a file size limit is reached, the part is cut
 * where the writes stopped and workbook_close() still succeeds. The
 * analyst then gets a workbook that Excel "repairs" by dropping the rows
 * that were lost (measured: 3,000 claims under `ulimit -f 250` gave a
 * 32 KB workbook instead of 127 KB, and exit 0).
 *
 * Every part libxlsxwriter copies into the zip goes through minizip's
 * zipWriteInFileInZip() and zipCloseFileInZip(), which this file defines
 * as workbook-deflate.c defines zipOpenNewFileInZip4_64 (the same
 * linking applies). It keeps the first element's name of an XML part and
 * its last bytes, and at the part's close makes it fail (ZIP_ERRNO,
 * which libxlsxwriter reports as an error of workbook_close) unless the
 * part ends with that element's closing tag: a part cut anywhere loses
 * it. Nothing is copied: the cost is a 96-byte copy per 4 KB written. */
#include "workbook-parts.h"

#include <dlfcn.h>
#include <minizip/zip.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum { TAIL_SIZE = 96 };

/* The part this thread is writing: one zip at a time per thread. */
static _Thread_local struct part {
    char name[128];
    char root[64]; /* first element's name; empty until its first bytes */
    char tail[TAIL_SIZE];
    size_t tail_len; /* 0 until the part's first bytes */
    bool checked;    /* an XML part */
    /* minizip's own functions, found once per part */
    __typeof__(zipWriteInFileInZip) *minizip_write;
    __typeof__(zipCloseFileInZip) *minizip_close;
} part;

static _Thread_local char cut_short[128];

void workbook_parts_open(const char *name)
{
    memset(&part, 0, sizeof part);
    /* POSIX's way to turn dlsym's object pointer into a function pointer. */
    *(void **)&part.minizip_write = dlsym(RTLD_NEXT, "zipWriteInFileInZip");
    *(void **)&part.minizip_close = dlsym(RTLD_NEXT, "zipCloseFileInZip");
    snprintf(part.name, sizeof part.name, "%s", name);
    size_t len = strlen(name);
    static const char *const xml[] = {".xml", ".rels", ".vml"};
    for (size_t i = 0; i < sizeof xml / sizeof xml[0]; i++) {
        size_t n = strlen(xml[i]);
        if (len >= n && strcmp(name + len - n, xml[i]) == 0)
            part.checked = true;
    }
}

void workbook_parts_reset(void)
{
    cut_short[0] = '\0';
}

const char *workbook_parts_cut_short(void)
{
    return cut_short[0] ? cut_short : NULL;
}

/* The name of the first element of an XML text, after its declaration
 * and any processing instruction or comment, into part.root. */
static void find_root(const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt || lt + 1 >= end)
            return;
        if (lt[1] == '?' || lt[1] == '!') {
            p = lt + 1;
            continue;
        }
        size_t n = 0;
        while (lt + 1 + n < end && !memchr(" \t\r\n/>", lt[1 + n], 6))
            n++;
        if (lt + 1 + n == end || n == 0 || n >= sizeof part.root)
            return;
        memcpy(part.root, lt + 1, n);
        part.root[n] = '\0';
        return;
    }
}

/* Keeps the last TAIL_SIZE bytes written to the part. */
static void keep_tail(const char *buf, size_t len)
{
    if (len >= TAIL_SIZE) {
        memcpy(part.tail, buf + len - TAIL_SIZE, TAIL_SIZE);
        part.tail_len = TAIL_SIZE;
        return;
    }
    size_t keep = part.tail_len + len > TAIL_SIZE ? TAIL_SIZE - len : part.tail_len;
    memmove(part.tail, part.tail + part.tail_len - keep, keep);
    memcpy(part.tail + keep, buf, len);
    part.tail_len = keep + len;
}

/* Whether the part's bytes end with the closing tag of its first
 * element (trailing white space allowed). */
static bool part_whole(void)
{
    if (!part.root[0])
        return false;
    char close[sizeof part.root + 3];
    int n = snprintf(close, sizeof close, "</%s>", part.root);
    size_t len = part.tail_len;
    while (len && strchr(" \t\r\n", part.tail[len - 1]))
        len--;
    return len >= (size_t)n && memcmp(part.tail + len - (size_t)n, close, (size_t)n) == 0;
}

/* minizip's zipWriteInFileInZip, watching the bytes of an XML part. */
int zipWriteInFileInZip(zipFile file, const void *buf, unsigned len)
{
    if (!part.minizip_write)
        return ZIP_INTERNALERROR;
    if (part.checked && len) {
        if (part.tail_len == 0)
            find_root(buf, len);
        keep_tail(buf, len);
    }
    return part.minizip_write(file, buf, len);
}

/* minizip's zipCloseFileInZip: the part is closed, then refused
 * (ZIP_ERRNO) if it is an XML part that came out cut short. */
int zipCloseFileInZip(zipFile file)
{
    if (!part.minizip_close)
        return ZIP_INTERNALERROR;
    int rc = part.minizip_close(file);
    bool cut = part.checked && !part_whole();
    if (cut && !cut_short[0])
        snprintf(cut_short, sizeof cut_short, "%s", part.name);
    part.checked = false;
    return rc == ZIP_OK && cut ? ZIP_ERRNO : rc;
}
