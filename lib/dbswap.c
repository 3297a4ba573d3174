/* dbswap.c — puts a compacted copy of an index in its place; see dbswap.h. */
#define _POSIX_C_SOURCE 200809L
#include "dbswap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

#define VERSION_FILE "iamglass"

static int is_table(const char *name)
{
    size_t n = strlen(name);
    return n > 6 && strcmp(name + n - 6, ".glass") == 0;
}

static ark_status fail(char **err, const char *what, const char *path)
{
    *err = ark_sprintf("%s %s: %s", what, path, strerror(errno));
    return ARK_EIO;
}

static ark_status move(const char *copy, const char *db, const char *name, char **err)
{
    char *from = ark_sprintf("%s/%s", copy, name), *to = ark_sprintf("%s/%s", db, name);
    ark_status st = rename(from, to) == 0 ? ARK_OK : fail(err, "cannot move into place", to);
    free(from);
    free(to);
    return st;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* The names of the tables in dir, in a NULL-terminated array (free each). */
static char **tables_of(const char *dir)
{
    char **names = ark_calloc(1, sizeof *names);
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (!is_table(e->d_name))
            continue;
        names = ark_realloc(names, (n + 2) * sizeof *names);
        names[n++] = ark_strdup(e->d_name);
        names[n] = NULL;
    }
    if (d)
        closedir(d);
    return names;
}

static int listed(char **names, const char *name)
{
    for (; *names; names++)
        if (strcmp(*names, name) == 0)
            return 1;
    return 0;
}

static void free_names(char **names)
{
    for (char **p = names; *p; p++)
        free(*p);
    free(names);
}

ark_status dbswap(const char *copy, const char *db, char **err)
{
    *err = NULL;
    char **fresh = tables_of(copy), **old = tables_of(db);
    ark_status st = fresh[0] ? ARK_OK : (errno = ENOENT, fail(err, "no tables in", copy));
    /* a table the copy does not have (it was empty) must not outlive it */
    for (char **p = old; st == ARK_OK && *p; p++) {
        if (!listed(fresh, *p)) {
            char *path = ark_sprintf("%s/%s", db, *p);
            unlink(path);
            free(path);
        }
    }
    for (char **p = fresh; st == ARK_OK && *p; p++)
        st = move(copy, db, *p, err);
    if (st == ARK_OK)
        st = move(copy, db, VERSION_FILE, err);
    if (st == ARK_OK) {
        sync_dir(db);
        dbswap_remove_dir(copy);
    }
    free_names(fresh);
    free_names(old);
    return st;
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
        unlink(path);
        free(path);
    }
    closedir(d);
    rmdir(dir);
}
