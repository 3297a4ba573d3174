/* jsonl.c — lines of a JSON Lines file, plain or xz, from a file or stdin;
 * see jsonl.h. */
#include "jsonl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzma.h>

#include "xalloc.h"

#define CHUNK (1 << 16)

struct jl_reader {
    FILE *f;
    int is_stdin;
    int xz;
    lzma_stream lz;
    uint8_t in[CHUNK];
    int in_eof;  /* the file is read to its end */
    int xz_done; /* and the decoder has given out all it had */
    ark_buf pending; /* decoded bytes not yet handed out */
    size_t start;    /* where the next line begins in pending */
    ark_buf line;
    int too_long; /* the current line is being skipped: over JL_MAX_LINE */
    char *error;
};

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int jl_is_jsonl(const char *path)
{
    return strcmp(path, "-") == 0 || has_suffix(path, ".jsonl") || has_suffix(path, ".jsonl.xz") ||
           has_suffix(path, ".ndjson");
}

ark_status jl_open(const char *path, jl_reader **out, char **err)
{
    *out = NULL;
    jl_reader *r = ark_calloc(1, sizeof *r);
    r->is_stdin = strcmp(path, "-") == 0;
    r->f = r->is_stdin ? stdin : fopen(path, "rb");
    if (!r->f) {
        *err = ark_sprintf("%s", strerror(errno));
        free(r);
        return ARK_EIO;
    }
    /* xz is recognized by its magic bytes, so a stream on stdin works too */
    int c = getc(r->f);
    if (c != EOF)
        ungetc(c, r->f);
    r->xz = c == 0xFD;
    if (r->xz) {
        lzma_stream init = LZMA_STREAM_INIT;
        r->lz = init;
        if (lzma_stream_decoder(&r->lz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
            *err = ark_strdup("cannot start the xz decoder");
            jl_close(r);
            return ARK_EINTERNAL;
        }
    }
    *out = r;
    return ARK_OK;
}

void jl_close(jl_reader *r)
{
    if (!r)
        return;
    if (r->f && !r->is_stdin)
        fclose(r->f);
    if (r->xz)
        lzma_end(&r->lz);
    ark_buf_free(&r->pending);
    ark_buf_free(&r->line);
    free(r->error);
    free(r);
}

const char *jl_error(const jl_reader *r)
{
    return r->error ? r->error : "";
}

static int read_error(jl_reader *r)
{
    r->error = ark_sprintf("read error: %s", strerror(errno));
    return -1;
}

/* Appends more decoded bytes to pending; 0 at the end, -1 on an error. */
static int fill(jl_reader *r)
{
    if (!r->xz) {
        if (r->in_eof)
            return 0;
        ark_buf_grow(&r->pending, CHUNK);
        size_t n = fread(r->pending.data + r->pending.len, 1, CHUNK, r->f);
        r->pending.len += n;
        if (n == 0) {
            r->in_eof = 1;
            return ferror(r->f) ? read_error(r) : 0;
        }
        return 1;
    }
    if (r->xz_done)
        return 0;
    if (r->lz.avail_in == 0 && !r->in_eof) {
        r->lz.next_in = r->in;
        r->lz.avail_in = fread(r->in, 1, CHUNK, r->f);
        if (r->lz.avail_in == 0) {
            r->in_eof = 1;
            if (ferror(r->f))
                return read_error(r);
        }
    }
    ark_buf_grow(&r->pending, CHUNK);
    r->lz.next_out = (uint8_t *)r->pending.data + r->pending.len;
    r->lz.avail_out = CHUNK;
    lzma_ret ret = lzma_code(&r->lz, r->in_eof ? LZMA_FINISH : LZMA_RUN);
    r->pending.len += CHUNK - r->lz.avail_out;
    if (ret == LZMA_STREAM_END) {
        r->xz_done = 1;
        return 1;
    }
    if (ret != LZMA_OK) {
        r->error = ark_strdup(ret == LZMA_BUF_ERROR ? "the xz data is truncated"
                                                    : "the xz data is corrupt");
        return -1;
    }
    return 1;
}

int jl_next(jl_reader *r, const char **line, size_t *len, int *too_long)
{
    ark_buf_reset(&r->line);
    *too_long = 0;
    for (;;) {
        char *from = r->pending.data ? r->pending.data + r->start : NULL;
        size_t avail = r->pending.len - r->start;
        char *nl = from ? memchr(from, '\n', avail) : NULL;
        size_t take = nl ? (size_t)(nl - from) : avail;
        if (!r->too_long && r->line.len + take <= JL_MAX_LINE)
            ark_buf_add(&r->line, from ? from : "", take);
        else
            r->too_long = 1;
        r->start += take + (nl ? 1 : 0);
        if (r->start == r->pending.len) {
            ark_buf_reset(&r->pending);
            r->start = 0;
        }
        if (nl) {
            *too_long = r->too_long;
            r->too_long = 0;
            break;
        }
        int got = fill(r);
        if (got < 0)
            return -1;
        if (got == 0 && r->pending.len == r->start) {
            if (r->line.len == 0 && !r->too_long)
                return 0; /* the end, after a final newline */
            *too_long = r->too_long;
            r->too_long = 0;
            break;
        }
    }
    if (r->line.len && r->line.data[r->line.len - 1] == '\r')
        r->line.len--;
    *line = r->line.data ? r->line.data : "";
    *len = r->line.len;
    return 1;
}
