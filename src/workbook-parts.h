/* workbook-parts.h: a check that every XML part libxlsxwriter puts into
 * the workbook's zip is whole (see workbook-parts.c for why). */
#ifndef ARBITER_WORKBOOK_PARTS_H
#define ARBITER_WORKBOOK_PARTS_H

/* Starts the check of a part named `name` in this thread's zip: called by
 * workbook-deflate.c as each part is opened, before any write to it. */
void workbook_parts_open(const char *name);

/* Forgets a part found cut short by an earlier workbook of this thread:
 * called before workbook_close(). */
void workbook_parts_reset(void);

/* The name of the part this thread's last workbook_close() found cut
 * short (its closing tag missing), or NULL. Static storage, valid until
 * the next workbook_parts_reset() of this thread. */
const char *workbook_parts_cut_short(void);

#endif
