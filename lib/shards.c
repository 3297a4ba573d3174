/* shards.c — stubs that list shards; see shards.h. */
#define _POSIX_C_SOURCE 200809L
#include "shards.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strset.h"
#include "xalloc.h"

/* Stubs longer than this are not stubs (a database file, a mistake). */
#define STUB_MAX_BYTES 65536

static void add_shard(shard_list *l, xdb_shard_kind kind, char *where, char *args,
                      unsigned port, char *name)
{
    l->v = ark_realloc(l->v, (l->n + 1) * sizeof *l->v);
    l->names = ark_realloc(l->names, (l->n + 1) * sizeof *l->names);
    l->v[l->n] = (xdb_shard){kind, where, args, port};
    l->names[l->n] = name;
    l->n++;
}

static ark_status bad_line(const char *stub, unsigned lineno, const char *why, char **err)
{
    if (err)
        *err = ark_sprintf("%s, line %u: %s", stub, lineno, why);
    return ARK_EINVAL;
}

/* "HOST:PORT" or ":PROGRAM ARGS", as Xapian's own stubs have them. */
static ark_status remote_line(shard_list *l, const char *rest, const char *stub,
                              unsigned lineno, char **err)
{
    const char *colon = strrchr(rest, ':');
    if (rest[0] == ':') {
        const char *prog = rest + 1, *space = strchr(prog, ' ');
        if (!*prog || space == prog)
            return bad_line(stub, lineno, "\"remote :\" needs a program", err);
        char *p = space ? ark_strndup(prog, (size_t)(space - prog)) : ark_strdup(prog);
        add_shard(l, XDB_SHARD_PROG, p, ark_strdup(space ? space + 1 : ""), 0,
                  ark_strdup(rest));
        return ARK_OK;
    }
    char *end = NULL;
    unsigned long port = colon ? strtoul(colon + 1, &end, 10) : 0;
    if (!colon || colon == rest || !colon[1] || *end || port == 0 || port > 65535)
        return bad_line(stub, lineno, "a remote shard is HOST:PORT or :PROGRAM ARGS", err);
    add_shard(l, XDB_SHARD_TCP, ark_strndup(rest, (size_t)(colon - rest)), NULL,
              (unsigned)port, ark_strdup(rest));
    return ARK_OK;
}

/* A local line's path, relative to the stub's directory unless absolute. */
static ark_status local_line(shard_list *l, const char *rest, const char *base)
{
    char *path = rest[0] == '/' ? ark_strdup(rest) : ark_sprintf("%s/%s", base, rest);
    add_shard(l, XDB_SHARD_LOCAL, path, NULL, 0, ark_strdup(rest));
    return ARK_OK;
}

static ark_status parse_line(shard_list *l, char *line, const char *stub, const char *base,
                             unsigned lineno, char **err)
{
    size_t len = strcspn(line, "\r\n");
    while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    line[len] = '\0';
    char *type = line + strspn(line, " \t");
    if (!*type || *type == '#')
        return ARK_OK;
    char *rest = type + strcspn(type, " \t");
    if (*rest)
        *rest++ = '\0';
    rest += strspn(rest, " \t");
    if (!*rest)
        return bad_line(stub, lineno, "the line names no database", err);
    if (strcmp(type, "remote") == 0)
        return remote_line(l, rest, stub, lineno, err);
    if (strcmp(type, "auto") == 0 || strcmp(type, "glass") == 0 ||
        strcmp(type, "chert") == 0)
        return local_line(l, rest, base);
    return bad_line(stub, lineno, "arkiv reads auto, glass, chert and remote lines", err);
}

static ark_status read_stub(shard_list *l, const char *stub, const char *base, char **err)
{
    FILE *f = fopen(stub, "r");
    if (!f) {
        int e = errno;
        if (err)
            *err = ark_sprintf("%s: %s", stub, strerror(e));
        return e == ENOENT ? ARK_ENOTFOUND : ARK_EIO;
    }
    size_t before = l->n;
    ark_status st = ARK_OK;
    char line[4096];
    unsigned lineno = 0;
    long bytes = 0;
    while (st == ARK_OK && fgets(line, sizeof line, f)) {
        lineno++;
        bytes += (long)strlen(line);
        if (bytes > STUB_MAX_BYTES || (!strchr(line, '\n') && !feof(f)))
            st = bad_line(stub, lineno, "too long for a stub", err);
        else
            st = parse_line(l, line, stub, base, lineno, err);
    }
    fclose(f);
    if (st == ARK_OK && l->n == before)
        st = bad_line(stub, lineno, "the stub names no database", err);
    return st;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ark_strdup(".");
    return slash == path ? ark_strdup("/") : ark_strndup(path, (size_t)(slash - path));
}

static ark_status resolve_one(shard_list *l, const char *path, char **err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        char *base = dir_of(path);
        ark_status s = read_stub(l, path, base, err);
        free(base);
        return s;
    }
    if (shards_is_sharded(path)) {
        char *stub = ark_sprintf("%s/%s", path, SHARDS_STUB);
        ark_status s = read_stub(l, stub, path, err);
        free(stub);
        return s;
    }
    add_shard(l, XDB_SHARD_LOCAL, ark_strdup(path), NULL, 0, ark_strdup(path));
    return ARK_OK;
}

ark_status shards_resolve(const char *const *paths, size_t npaths, shard_list *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (err)
        *err = NULL;
    for (size_t i = 0; i < npaths; i++) {
        ark_status st = resolve_one(out, paths[i], err);
        if (st != ARK_OK) {
            shards_free(out);
            return st;
        }
    }
    return ARK_OK;
}

void shards_free(shard_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free((char *)l->v[i].where);
        free((char *)l->v[i].args);
        free(l->names[i]);
    }
    free(l->v);
    free(l->names);
    memset(l, 0, sizeof *l);
}

int shards_is_sharded(const char *dir)
{
    char *stub = ark_sprintf("%s/%s", dir, SHARDS_STUB);
    struct stat st;
    int yes = stat(stub, &st) == 0 && S_ISREG(st.st_mode);
    free(stub);
    return yes;
}

unsigned shards_pick(const char *id, size_t len, unsigned n)
{
    return n > 1 ? (unsigned)(ark_fnv1a(id, len, ARK_FNV_SEED) % n) : 0;
}

char *shards_path(const char *dir, unsigned i)
{
    return ark_sprintf("%s/shard-%u", dir, i);
}

ark_status shards_write_stub(const char *dir, unsigned n, char **err)
{
    char *tmp = ark_sprintf("%s/%s.tmp", dir, SHARDS_STUB);
    char *stub = ark_sprintf("%s/%s", dir, SHARDS_STUB);
    FILE *f = fopen(tmp, "w");
    int ok = f != NULL;
    for (unsigned i = 0; ok && i < n; i++)
        ok = fprintf(f, "auto shard-%u\n", i) > 0;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, stub) != 0)
        ok = 0;
    ark_status st = ARK_OK;
    if (!ok) {
        if (err)
            *err = ark_sprintf("%s: %s", stub, strerror(errno));
        unlink(tmp);
        st = ARK_EIO;
    }
    free(tmp);
    free(stub);
    return st;
}

ark_status shards_create(const char *dir, unsigned n, char **err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        if (err)
            *err = ark_sprintf("%s: %s", dir, strerror(errno));
        return ARK_EIO;
    }
    return shards_write_stub(dir, n, err);
}
