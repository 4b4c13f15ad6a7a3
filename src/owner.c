/* owner.c: run as the database's owner when started as root (owner.h). */
#include "owner.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "log.h"

int owner_assume(const char *db_path, char *err, size_t err_size)
{
    struct stat db;
    if (geteuid() != 0 || stat(db_path, &db) != 0 || db.st_uid == 0)
        return 0;
    /* the owner's groups as their own login has them; an owner without
     * an entry in the user database gets the file's group alone */
    const struct passwd *pw = getpwuid(db.st_uid);
    int groups = pw ? initgroups(pw->pw_name, db.st_gid) : setgroups(1, &db.st_gid);
    if (groups != 0 || setgid(db.st_gid) != 0 || setuid(db.st_uid) != 0 ||
        geteuid() != db.st_uid) {
        snprintf(err, err_size, "%s: cannot run as the database's owner (uid %ju): %s", db_path,
                 (uintmax_t)db.st_uid, strerror(errno));
        return EX_SOFTWARE;
    }
    log_info("%s belongs to %s (uid %ju): running as them, not as root", db_path,
             pw ? pw->pw_name : "a user", (uintmax_t)db.st_uid);
    return 0;
}
