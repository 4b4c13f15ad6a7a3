/* workbook-deflate.c: makes the workbook's zip deflate at zlib's fastest
 * level instead of its default one.
 *
 * An .xlsx file is a zip of XML parts. libxlsxwriter (1.1.4, Debian 12)
 * writes every part through minizip's zipOpenNewFileInZip4_64() with
 * Z_DEFAULT_COMPRESSION (level 6) and has no option to change it. At a
 * million orders that deflate is 39% of the workbook's time (perf), and
 * level 1 makes the workbook 1.0 s faster and 32% bigger (22.99 -> 30.30
 * MB). The night's deadline matters more to the operator than 7 MB.
 *
 * This file defines zipOpenNewFileInZip4_64 in every program that writes
 * a workbook (workbook.c calls workbook_deflate_fast_parts, which pulls
 * this file out of libarbiter.a). The dynamic linker resolves
 * libxlsxwriter's call to it here first (libxlsxwriter.so is on the link
 * line, so the linker exports the symbol); it asks for level 1 and
 * passes everything else on to minizip's own function, found with
 * dlsym(RTLD_NEXT). minizip records the level in each entry's
 * general-purpose flags (bits 1-2 set: "super fast"), which
 * tests/workbook_check.py checks.
 *
 * It relies on libxlsxwriter calling minizip as a shared library, as
 * Debian builds it. Built with minizip inside (upstream's default), the
 * call never comes here: the workbook is then written at the default
 * level, and workbook.c says so in the log (workbook_deflate_fast_parts).
 * A static libxlsxwriter with its own minizip fails to link (the symbol
 * is defined twice), which is loud, not silent. */
#include "workbook-deflate.h"
#include "workbook-parts.h"

#include <dlfcn.h>
#include <minizip/zip.h>
#include <stdatomic.h>

enum { WORKBOOK_DEFLATE_LEVEL = 1 };

static atomic_ulong fast_parts;

unsigned long workbook_deflate_fast_parts(void)
{
    return atomic_load(&fast_parts);
}

/* minizip's zipOpenNewFileInZip4_64, with a deflated entry's level set to
 * WORKBOOK_DEFLATE_LEVEL. Fails as minizip does (ZIP_INTERNALERROR, which
 * libxlsxwriter reports) if minizip's function cannot be found. */
int zipOpenNewFileInZip4_64(zipFile file, const char *filename, const zip_fileinfo *zipfi,
                            const void *extrafield_local, uInt size_extrafield_local,
                            const void *extrafield_global, uInt size_extrafield_global,
                            const char *comment, int method, int level, int raw,
                            int windowBits, int memLevel, int strategy, const char *password,
                            uLong crcForCrypting, uLong versionMadeBy, uLong flagBase,
                            int zip64)
{
    __typeof__(zipOpenNewFileInZip4_64) *minizip_open_entry;
    /* POSIX's way to turn dlsym's object pointer into a function pointer. */
    *(void **)&minizip_open_entry = dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
    if (!minizip_open_entry)
        return ZIP_INTERNALERROR;
    workbook_parts_open(filename);
    if (method == Z_DEFLATED && !raw) {
        level = WORKBOOK_DEFLATE_LEVEL;
        atomic_fetch_add(&fast_parts, 1);
    }
    return minizip_open_entry(file, filename, zipfi, extrafield_local, size_extrafield_local,
                              extrafield_global, size_extrafield_global, comment, method,
                              level, raw, windowBits, memLevel, strategy, password,
                              crcForCrypting, versionMadeBy, flagBase, zip64);
}
