/* workbook-deflate.h: the workbook's zip deflated at zlib's fastest level
 * (see workbook-deflate.c for how and why). */
#ifndef ARBITER_WORKBOOK_DEFLATE_H
#define ARBITER_WORKBOOK_DEFLATE_H

/* How many zip parts this process has asked minizip to deflate at the
 * fastest level. workbook.c compares it around workbook_close(): if it
 * did not move, libxlsxwriter reached its zip code some other way (a
 * build with minizip inside it), and the workbook has the default level. */
unsigned long workbook_deflate_fast_parts(void);

#endif
