/* dbswap.c — puts a compacted copy of an index in its place; see dbswap.h. */
#define _GNU_SOURCE /* renameat2 */
#include "dbswap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

/* path with its last part's parent directory resolved (symbolic links,
 * "..", "."), so that every spelling of one index names the same files
 * beside it; path itself when that directory does not exist. */
static char *resolved(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *last = slash ? slash + 1 : path;
    if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
        char *r = realpath(path, NULL); /* names a directory that exists */
        return r ? r : ark_strdup(path);
    }
    char *parent =
        slash ? ark_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : ark_strdup(".");
    char *r = realpath(parent, NULL);
    free(parent);
    if (!r)
        return ark_strdup(path);
    char *out = ark_sprintf("%s/%s", strcmp(r, "/") == 0 ? "" : r, last);
    free(r);
    return out;
}

char *dbswap_sibling(const char *db, const char *suffix)
{
    size_t n = strlen(db);
    for (;;) { /* "db/", "db/." and "db/./" name db itself */
        if (n > 1 && db[n - 1] == '/')
            n--;
        else if (n > 2 && db[n - 1] == '.' && db[n - 2] == '/')
            n -= 2;
        else
            break;
    }
    char *name = ark_strndup(db, n);
    char *path = resolved(name);
    char *out = ark_sprintf("%s%s", path, suffix);
    free(path);
    free(name);
    return out;
}

char *dbswap_copy_path(const char *db)
{
    return dbswap_sibling(db, ".compacting");
}

static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir =
        slash ? ark_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : ark_strdup(".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

ark_status dbswap(const char *copy, const char *db, char **err)
{
    *err = NULL;
    if (renameat2(AT_FDCWD, copy, AT_FDCWD, db, RENAME_EXCHANGE) != 0) {
        *err = errno == EINVAL || errno == ENOSYS
                   ? ark_sprintf("%s: this file system cannot exchange directories in one "
                                 "step; the index is left as it was",
                                 db)
                   : ark_sprintf("cannot move the compacted index into place: %s", strerror(errno));
        return ARK_EIO;
    }
    sync_parent(db);
    dbswap_remove_dir(copy); /* now the old index */
    return ARK_OK;
}

int dbswap_can_exchange(const char *db)
{
    char *copy = dbswap_copy_path(db);
    char *a = ark_sprintf("%s-a", copy), *b = ark_sprintf("%s-b", copy);
    int ok = mkdir(a, 0700) == 0 && mkdir(b, 0700) == 0 &&
             renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0;
    rmdir(a);
    rmdir(b);
    free(a);
    free(b);
    free(copy);
    return ok;
}

void dbswap_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *path = ark_sprintf("%s/%s", dir, e->d_name);
        if (unlink(path) != 0 && errno == EISDIR)
            dbswap_remove_dir(path); /* a shard of a sharded index */
        free(path);
    }
    closedir(d);
    rmdir(dir);
}
