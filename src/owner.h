/* owner.h: run as the database's owner when started as root. */
#ifndef ARBITER_OWNER_H
#define ARBITER_OWNER_H

#include <stddef.h>

/* Started as root on a database another user owns (an operator's `sudo
 * arbiter report` by hand, say), takes that user's identity (uid, gid
 * and groups) for the rest of the process, as `sudo -u owner` would: the
 * lock file, the log, the reports and every file they are written
 * through are then theirs, made with their rights, so the owner's cron
 * job can go on with them and a link the owner planted in their folders
 * reaches nothing of root's. Called before any file is opened, so that
 * the configuration and the inputs are read with the owner's rights too:
 * root would read files the owner cannot and copy them into the owner's
 * database and reports. A database not there yet is its folder's
 * owner's. Does nothing when not root or when that owner is root.
 * Returns 0, or 70 with a message in err when the identity cannot be
 * taken. */
int owner_assume(const char *db_path, char *err, size_t err_size);

/* After a command failed to create or open a file (73, 74): warns of
 * each file SQLite or the lock keeps beside the database (its lock, log,
 * shared memory, journal) that another user than the database's owner
 * owns and this process cannot read and write, a run as that user
 * (root's, before the database was given to its owner) having left it,
 * and says how to give it to the database's owner. Nothing when the
 * database itself cannot be found. */
void owner_warn_foreign_files(const char *db_path);

#endif
