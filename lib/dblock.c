/* dblock.c — the writer's lock beside the index; see dblock.h. */
#define _GNU_SOURCE /* O_CLOEXEC, flock */
#include "dblock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbswap.h"
#include "xalloc.h"

struct dblock {
    int fd; /* -1: a lock that holds nothing */
    char *path;
};

/* Whether fd is still the file at path: a writer that let go removed the
 * file it locked, and a new one may be there already. */
static int still_there(int fd, const char *path)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

ark_status dblock_take(const char *db, dblock **out, char **err)
{
    *out = NULL;
    *err = NULL;
    dblock *l = ark_calloc(1, sizeof *l);
    l->path = dbswap_sibling(db, ".lock");
    for (;;) {
        /* read-only: flock needs no more, and another user's file will do */
        l->fd = open(l->path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
        if (l->fd < 0) {
            int e = errno;
            if (e == EACCES || e == EROFS || e == EPERM)
                break; /* nothing can be exchanged there: Xapian's lock suffices */
            *err = ark_sprintf("%s: %s", db, strerror(e));
            dblock_release(l);
            return e == ENOENT || e == ENOTDIR ? ARK_ENOTFOUND : ARK_EIO;
        }
        if (flock(l->fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            ark_status st = e == EWOULDBLOCK ? ARK_ELOCKED : ARK_EIO;
            *err = st == ARK_ELOCKED ? ark_sprintf("%s: held by another writer", l->path)
                                     : ark_sprintf("%s: %s", l->path, strerror(e));
            close(l->fd);
            l->fd = -1;
            dblock_release(l);
            return st;
        }
        if (still_there(l->fd, l->path))
            break;
        close(l->fd);
    }
    *out = l;
    return ARK_OK;
}

void dblock_release(dblock *l)
{
    if (!l)
        return;
    if (l->fd >= 0) {
        unlink(l->path); /* while still held: see still_there */
        close(l->fd);
    }
    free(l->path);
    free(l);
}
