/* workbook.c: the finance workbook of SPEC §7 -- the entry point. It sets
 * up the writing context (formats, row limit), writes the Summary and the
 * detail sheets in order, and moves the finished file into place; the
 * sheets themselves are in workbook-summary.c and workbook-sheets.c. */
#include "workbook.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "interrupt.h"
#include "log.h"
#include "report.h"
#include "totals.h"
#include "workbook-deflate.h"
#include "workbook-internal.h"
#include "workbook-parts.h"

/* The row limit per sheet: Excel's, unless ARBITER_XLSX_MAX_ROWS (2 or
 * more: the header and one row) asks for fewer, as the tests do to see a
 * sheet continue without writing a million rows. */
static lxw_row_t rows_per_sheet(void)
{
    const char *forced = getenv("ARBITER_XLSX_MAX_ROWS");
    if (forced && *forced) {
        char *end;
        long n = strtol(forced, &end, 10);
        if (*end == '\0' && n >= 2 && n <= LXW_ROW_MAX)
            return (lxw_row_t)n;
    }
    return LXW_ROW_MAX;
}

static lxw_format *new_format(lxw_workbook *book, bool bold, const char *num_format)
{
    lxw_format *f = workbook_add_format(book);
    if (f && bold)
        format_set_bold(f);
    if (f && num_format)
        format_set_num_format(f, num_format);
    return f;
}

static void make_formats(struct wb *wb)
{
    wb->title = new_format(wb->book, true, NULL);
    format_set_font_size(wb->title, 14);
    wb->section = new_format(wb->book, true, NULL);
    format_set_font_size(wb->section, 12);
    lxw_format **headers[] = {&wb->header, &wb->header_right, &wb->header_center};
    const uint8_t aligns[] = {LXW_ALIGN_LEFT, LXW_ALIGN_RIGHT, LXW_ALIGN_CENTER};
    for (size_t i = 0; i < 3; i++) {
        lxw_format *h = *headers[i] = new_format(wb->book, true, NULL);
        format_set_bg_color(h, 0xD9E1F2);
        format_set_bottom(h, LXW_BORDER_THIN);
        format_set_align(h, aligns[i]);
        if (aligns[i] == LXW_ALIGN_RIGHT) /* clear of the next title */
            format_set_indent(h, 1);
    }
    wb->label = new_format(wb->book, true, NULL);
    wb->note = new_format(wb->book, false, NULL);
    format_set_italic(wb->note);
    wb->integer = new_format(wb->book, false, "#,##0_)"); /* _): room before the next text */
    wb->date = new_format(wb->book, false, "yyyy-mm-dd");
    format_set_align(wb->date, LXW_ALIGN_CENTER);
    wb->datetime = new_format(wb->book, false, "yyyy-mm-dd hh:mm:ss");
    wb->check = new_format(wb->book, true, NULL);
    format_set_font_color(wb->check, 0x006100);
    format_set_align(wb->check, LXW_ALIGN_CENTER);
    wb->alarm = new_format(wb->book, true, NULL);
    format_set_font_color(wb->alarm, LXW_COLOR_WHITE);
    format_set_bg_color(wb->alarm, LXW_COLOR_RED);
    format_set_align(wb->alarm, LXW_ALIGN_CENTER);
}

/* The sysexits code of a failure to finish the file: creating it (73)
 * or writing it (74). */
static int close_error_code(lxw_error e)
{
    return e == LXW_ERROR_CREATING_XLSX_FILE || e == LXW_ERROR_CREATING_TMPFILE ? EX_CANTCREAT
                                                                                : EX_IOERR;
}

/* workbook_write into its temporary name tmp, then renamed to path. */
static int write_and_rename(struct db *db, int64_t batch_id, struct workbook_prefetch *ahead,
                            const char *tmp, const char *path, char *err, size_t err_size)
{
    struct wb wb = {.db = db, .batch_id = batch_id, .max_rows = rows_per_sheet(),
                    .ahead = ahead, .err = err, .err_size = err_size};
    sqlite3_stmt *q = totals_open_book_kept(db) == 0
                          ? db_stmt(db, "SELECT as_of, in_effect FROM batch WHERE id = ?1")
                          : NULL;
    if (!q) {
        snprintf(err, err_size, "workbook: %s", db_errmsg(db));
        return db_failure_exit(db);
    }
    db_bind_int(q, 1, batch_id);
    int step = db_step(q);
    if (step == SQLITE_ROW) {
        wb.as_of = (day_t)sqlite3_column_int64(q, 0);
        wb.in_effect = sqlite3_column_int(q, 1) != 0;
    }
    sqlite3_reset(q);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        snprintf(err, err_size, "workbook: %s", db_errmsg(db));
        return db_failure_exit(db);
    }
    if (step != SQLITE_ROW) {
        snprintf(err, err_size, "workbook: batch %lld is not in the database",
                 (long long)batch_id);
        return EX_SOFTWARE;
    }

    /* Made first: libxlsxwriter only opens its file at the very end, by
     * name, and then says little about why it could not. It is given the
     * name of the descriptor made here, so that it writes into this file
     * even if a link to another has been put at tmp since. */
    int fd = report_create_temp(tmp, err, err_size);
    if (fd < 0)
        return EX_CANTCREAT;
    char made[64];
    snprintf(made, sizeof made, "/proc/self/fd/%d", fd);
    /* its temporary files (the rows of every sheet, uncompressed: 130 MB
     * at a million orders) go where the operator says, /tmp otherwise */
    char *tmpdir = getenv("TMPDIR");
    lxw_workbook_options options = {.constant_memory = LXW_TRUE,
                                    .tmpdir = tmpdir && tmpdir[0] ? tmpdir : NULL};
    wb.book = workbook_new_opt(access(made, W_OK) == 0 ? made : tmp, &options);
    if (!wb.book) {
        snprintf(err, err_size, "%s: cannot create workbook", tmp);
        close(fd);
        unlink(tmp);
        return EX_CANTCREAT;
    }
    make_formats(&wb);
    if (wb_write_summary(&wb) == 0)
        wb_write_detail_sheets(&wb);
    unsigned long fast_parts = workbook_deflate_fast_parts();
    workbook_parts_reset();
    errno = 0; /* what the failed write of a close leaves says why: ENOSPC, EDQUOT */
    lxw_error closed = workbook_close(wb.book); /* frees the book whatever happens */
    int close_errno = errno;
    const char *cut_part = workbook_parts_cut_short();
    close(fd);
    free(wb.text);
    if (wb.rc) {
        unlink(tmp);
        return wb.rc;
    }
    if (closed != LXW_NO_ERROR) {
        if (cut_part)
            snprintf(err, err_size, "%s: cannot write workbook: its part %s came out cut short:"
                     " libxlsxwriter could not write its temporary files in %s (%s)", tmp,
                     cut_part, options.tmpdir ? options.tmpdir : "/tmp",
                     close_errno ? strerror(close_errno) : "full, or a file size limit");
        else if (close_errno)
            snprintf(err, err_size, "%s: cannot write workbook: %s (%s)", tmp,
                     strerror(close_errno), lxw_strerror(closed));
        else
            snprintf(err, err_size, "%s: cannot write workbook: %s", tmp, lxw_strerror(closed));
        unlink(tmp);
        return close_error_code(closed);
    }
    if (workbook_deflate_fast_parts() == fast_parts)
        log_warn("%s: written at libxlsxwriter's own deflate level: its zip calls do not"
                 " reach workbook-deflate.c (slower, smaller)", path);
    if (rename(tmp, path) != 0) {
        snprintf(err, err_size, "%s: cannot rename into place: %s", path, strerror(errno));
        unlink(tmp);
        return EX_CANTCREAT;
    }
    return 0;
}

int workbook_write(struct db *db, int64_t batch_id, struct workbook_prefetch *ahead,
                   const char *path, char *err, size_t err_size)
{
    char tmp[4400];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        snprintf(err, err_size, "%.200s...: path too long", path);
        return EX_CANTCREAT;
    }
    interrupt_watch_file(tmp); /* removed if the process is interrupted */
    int rc = write_and_rename(db, batch_id, ahead, tmp, path, err, err_size);
    interrupt_forget_file(tmp);
    return rc;
}
