/* owner.c: run as the database's owner when started as root (owner.h). */
#include "owner.h"

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "log.h"

enum { WHOSE_SIZE = PATH_MAX + 64 };

/* The database's owner and group, or when it is not there yet those of
 * the folder it is to be made in; `whose` (WHOSE_SIZE bytes) names the
 * one read, for the log. Returns who that owner is to the database, a
 * static string, or NULL when neither can be read. */
static const char *owner_of(const char *db_path, struct stat *st, char *whose)
{
    snprintf(whose, WHOSE_SIZE, "%s", db_path);
    if (stat(db_path, st) == 0)
        return "the database's owner";
    if (errno != ENOENT)
        return NULL;
    char folder[PATH_MAX];
    snprintf(folder, sizeof folder, "%s", db_path);
    const char *dir = dirname(folder);
    snprintf(whose, WHOSE_SIZE, "%s (the database's folder)", dir);
    return stat(dir, st) == 0 ? "the owner of the database's folder" : NULL;
}

int owner_assume(const char *db_path, char *err, size_t err_size)
{
    struct stat db;
    char whose[WHOSE_SIZE];
    const char *role = geteuid() == 0 ? owner_of(db_path, &db, whose) : NULL;
    if (!role || db.st_uid == 0)
        return 0;
    /* the owner's groups as their own login has them; an owner without
     * an entry in the user database gets the file's group alone */
    const struct passwd *pw = getpwuid(db.st_uid);
    int groups = pw ? initgroups(pw->pw_name, db.st_gid) : setgroups(1, &db.st_gid);
    if (groups != 0 || setgid(db.st_gid) != 0 || setuid(db.st_uid) != 0 ||
        geteuid() != db.st_uid) {
        snprintf(err, err_size, "%s: cannot run as its owner (uid %ju): %s", whose,
                 (uintmax_t)db.st_uid, strerror(errno));
        return EX_SOFTWARE;
    }
    const char *name = pw ? pw->pw_name : "a user";
    log_info("%s belongs to %s (uid %ju): running as them, not as root", whose, name,
             (uintmax_t)db.st_uid);
    /* a Permission denied after this is the owner's, not root's: said on
     * the error itself, which --quiet does not hide */
    char note[160];
    snprintf(note, sizeof note, "run by root as %s, uid %ju, %s", name, (uintmax_t)db.st_uid,
             role);
    log_set_error_note(note);
    return 0;
}

/* The name of user uid into buf: theirs, else "uid N". */
static const char *user_name(uid_t uid, char *buf, size_t size)
{
    const struct passwd *pw = getpwuid(uid);
    if (pw)
        snprintf(buf, size, "%s", pw->pw_name);
    else
        snprintf(buf, size, "uid %ju", (uintmax_t)uid);
    return buf;
}

void owner_warn_foreign_files(const char *db_path)
{
    static const char *const sides[] = {".lock", "-wal", "-shm", "-journal"};
    struct stat db;
    char *real = realpath(db_path, NULL); /* the lock's name is the file's own (lock.c) */
    if (!real || stat(real, &db) != 0) {
        free(real);
        return;
    }
    char path[PATH_MAX + 16], owner[64], self[64], db_owner[64];
    for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
        struct stat st;
        snprintf(path, sizeof path, "%s%s", real, sides[i]);
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid == db.st_uid ||
            access(path, R_OK | W_OK) == 0)
            continue;
        user_name(st.st_uid, owner, sizeof owner);
        user_name(geteuid(), self, sizeof self);
        user_name(db.st_uid, db_owner, sizeof db_owner);
        log_warn("%s belongs to %s, not to %s, the database's owner, and this run, as %s, cannot"
                 " open it (a run as %s left it behind): give it to %s (`chown %s %s`) while no"
                 " arbiter runs", path, owner, db_owner, self, owner, db_owner, db_owner, path);
    }
    free(real);
}
