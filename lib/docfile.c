/* docfile.c — read one file whole; see docfile.h. */
#define _POSIX_C_SOURCE 200809L
#include "docfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strset.h"
#include "xalloc.h"

static ark_status read_all(const char *path, ark_buf *b, char **detail)
{
    /* O_NONBLOCK: a file swapped for a FIFO since the walk saw it must not
     * hang the run; fstat then refuses it, and a file too large before
     * reading a byte of it */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            *detail = ark_strdup("the file vanished before it could be read");
            return ARK_ENOTFOUND;
        }
        *detail = ark_sprintf("cannot open: %s", strerror(errno));
        return ARK_EIO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        *detail = ark_strdup("not a regular file");
        return ARK_EIO;
    }
    if ((unsigned long long)st.st_size > DOCFILE_MAX_BYTES) {
        close(fd);
        *detail = ark_sprintf("larger than %u MiB", DOCFILE_MAX_BYTES >> 20);
        return ARK_ETOOBIG;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        *detail = ark_sprintf("cannot open: %s", strerror(errno));
        return ARK_EIO;
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
