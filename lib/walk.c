/* walk.c — recursive, sorted directory walk; see walk.h. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

typedef struct {
    walk_file_fn on_file;
    walk_error_fn on_error;
    void *ctx;
    unsigned errors;
    int stop;
    char *real_root; /* the root's real path, for where symlinks lead */
} walker;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void report(walker *w, const char *path, const char *why)
{
    w->errors++;
    w->on_error(w->ctx, path, why);
}

/* Reads the names in dir, sorted; NULL (reported) when it cannot. */
static char **read_names(walker *w, const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        report(w, dir, strerror(errno));
        return NULL;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        names = ark_realloc(names, (n + 1) * sizeof *names);
        names[n++] = ark_strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    *count = n;
    return names;
}

static void walk_dir(walker *w, const char *dir, const char *rel, int depth);

/* Whether the file path (a symbolic link) resolves to a file under the root. */
static int inside_root(const walker *w, const char *path)
{
    char *real = realpath(path, NULL);
    size_t n = w->real_root ? strlen(w->real_root) : 0;
    int inside = real && n && strncmp(real, w->real_root, n) == 0 &&
                 (real[n] == '/' || (n == 1 && w->real_root[0] == '/'));
    free(real);
    return inside;
}

static void visit(walker *w, const char *path, const char *rel, int depth)
{
    struct stat lst, st;
    if (lstat(path, &lst) != 0 || stat(path, &st) != 0) {
        report(w, path, strerror(errno));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!S_ISLNK(lst.st_mode))
            walk_dir(w, path, rel, depth + 1);
    } else if (S_ISREG(st.st_mode)) {
        if (S_ISLNK(lst.st_mode) && !inside_root(w, path)) {
            /* a link to /etc/passwd in a shared folder must not publish it;
             * the tree was still read whole (not an error of the walk) */
            w->on_error(w->ctx, path, "a symbolic link to a file outside the folder: not followed");
            return;
        }
        if (w->on_file(w->ctx, path, rel, &st))
            w->stop = 1;
    }
}

static void walk_dir(walker *w, const char *dir, const char *rel, int depth)
{
    if (depth > WALK_MAX_DEPTH) {
        report(w, dir, "directories nested too deep");
        return;
    }
    size_t n = 0;
    char **names = read_names(w, dir, &n);
    if (!names)
        return;
    for (size_t i = 0; i < n; i++) {
        if (!w->stop) {
            char *path = ark_sprintf("%s/%s", dir, names[i]);
            char *sub = *rel ? ark_sprintf("%s/%s", rel, names[i]) : ark_strdup(names[i]);
            visit(w, path, sub, depth);
            free(path);
            free(sub);
        }
        free(names[i]);
    }
    free(names);
}

unsigned walk_tree(const char *root, walk_file_fn on_file, walk_error_fn on_error, void *ctx)
{
    walker w = {on_file, on_error, ctx, 0, 0, realpath(root, NULL)};
    size_t len = strlen(root);
    while (len > 1 && root[len - 1] == '/')
        len--;
    char *dir = ark_strndup(root, len);
    walk_dir(&w, dir, "", 0);
    free(dir);
    free(w.real_root);
    return w.errors;
}
