/* docfile.c — read one file whole; see docfile.h. */
#include "docfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strset.h"
#include "xalloc.h"

static ark_status read_all(const char *path, ark_buf *b, char **detail)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int gone = errno == ENOENT;
        *detail = ark_sprintf("cannot open: %s", strerror(errno));
        return gone ? ARK_ENOTFOUND : ARK_EIO;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b->len + n > DOCFILE_MAX_BYTES) {
            fclose(f);
            *detail = ark_sprintf("larger than %u MiB", DOCFILE_MAX_BYTES >> 20);
            return ARK_ETOOBIG;
        }
        ark_buf_add(b, chunk, n);
    }
    int failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        *detail = ark_sprintf("cannot read: %s", strerror(saved));
        return ARK_EIO;
    }
    return ARK_OK;
}

ark_status docfile_read(const char *path, docfile *out, char **detail)
{
    memset(out, 0, sizeof *out);
    *detail = NULL;
    ark_buf raw = ARK_BUF_INIT;
    ark_status st = read_all(path, &raw, detail);
    if (st != ARK_OK) {
        ark_buf_free(&raw);
        return st;
    }
    out->hash = ark_fnv1a(raw.data, raw.len, ARK_FNV_SEED);
    out->len = raw.len;
    out->data = ark_buf_take(&raw);
    return ARK_OK;
}

void docfile_free(docfile *d)
{
    free(d->data);
    memset(d, 0, sizeof *d);
}
