/* workbook.c: the finance workbook (first cut: the Summary sheet with the
 * batch and its row accounting). */
#include "workbook.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <xlsxwriter.h>

#include "batch.h"

int workbook_write(struct db *db, int64_t batch_id, const char *path, char *err, size_t err_size)
{
    char tmp[4400];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    lxw_workbook_options options = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(tmp, &options);
    if (!wb) {
        snprintf(err, err_size, "%s: cannot create workbook", tmp);
        return EX_CANTCREAT;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Summary");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    worksheet_write_string(ws, 0, 0, "file", bold);
    worksheet_write_string(ws, 0, 1, "rows", bold);
    worksheet_write_string(ws, 0, 2, "accepted", bold);
    worksheet_write_string(ws, 0, 3, "duplicates", bold);
    worksheet_write_string(ws, 0, 4, "rejected", bold);
    sqlite3_stmt *q = db_stmt(db, "SELECT file_no, rows, accepted, duplicates, rejected"
                                  " FROM batch_file WHERE batch_id = ? ORDER BY file_no");
    if (q) {
        db_bind_int(q, 1, batch_id);
        lxw_row_t row = 1;
        while (sqlite3_step(q) == SQLITE_ROW) {
            worksheet_write_string(ws, row, 0, input_file_names[sqlite3_column_int(q, 0)], NULL);
            for (int c = 1; c <= 4; c++)
                worksheet_write_number(ws, row, (lxw_col_t)c, (double)sqlite3_column_int64(q, c),
                                       NULL);
            row++;
        }
        sqlite3_reset(q);
    }
    lxw_error rc = workbook_close(wb);
    if (rc != LXW_NO_ERROR) {
        snprintf(err, err_size, "%s: cannot write workbook: %s", tmp, lxw_strerror(rc));
        remove(tmp);
        return EX_CANTCREAT;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, err_size, "%s: cannot rename into place: %s", path, strerror(errno));
        remove(tmp);
        return EX_CANTCREAT;
    }
    return 0;
}
