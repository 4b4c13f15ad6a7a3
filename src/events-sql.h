/* events-sql.h: the SQL functions over packed order events (events-sql.c). */
#ifndef ARBITER_EVENTS_SQL_H
#define ARBITER_EVENTS_SQL_H

#include <sqlite3.h>

/* Registers the functions on a connection. 0, or -1 on an SQLite error. */
int events_sql_register(sqlite3 *handle);

#endif
