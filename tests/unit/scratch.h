/* scratch.h — a scratch directory for a unit test, removed at the end.
 * Include after defining _XOPEN_SOURCE 700 (for nftw and mkdtemp). */
#ifndef ARKIV_SCRATCH_H
#define ARKIV_SCRATCH_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static char tmpdir[1024];

/* Makes $TMPDIR/arkiv-<name>-XXXXXX; 0 when it cannot. */
static int make_tmpdir(const char *name)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/arkiv-%s-XXXXXX", base && *base ? base : "/tmp", name);
    return mkdtemp(tmpdir) != NULL;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_rf(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A path under the scratch directory, in one of 8 static buffers. */
static const char *tmp_path(const char *name)
{
    static char bufs[8][4096];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", tmpdir, name);
    return b;
}

#endif
