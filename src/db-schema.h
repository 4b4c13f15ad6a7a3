/* db-schema.h: the schema's versions, for db.c (db-schema.c). */
#ifndef ARBITER_DB_SCHEMA_H
#define ARBITER_DB_SCHEMA_H

#include <stddef.h>

#include "db.h"

/* Brings the schema of db (opened at path) to DB_SCHEMA_VERSION in one
 * transaction; a newer version is refused before (db.c, refuse_foreign),
 * and this is its guard. Returns 0 or a sysexits code with a message in
 * err. */
int db_schema_migrate(struct db *db, char *err, size_t err_size, const char *path);

#endif
