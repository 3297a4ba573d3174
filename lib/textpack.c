/* textpack.c — a document's stored text, compressed by arkiv; see textpack.h. */
#include "textpack.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "xalloc.h"

/* Shorter texts are stored as they are: compressing them saves little. */
#define TEXTPACK_MIN 256
/* The largest text a packed header may claim (documents are at most 64 MiB,
 * and extraction does not make them grow more than this). */
#define TEXTPACK_MAX_TEXT (256u << 20)

/* Z_BEST_SPEED: zlib's default level took about 5 % of indexing time.  On
 * 2,000 speeches of the scale corpus the default packs texts into 35 % of
 * their size and this level into 41 %, which made the index 1 % larger. */
char *textpack(const char *text, size_t len, size_t *out_len)
{
    if (len >= TEXTPACK_MIN && len <= TEXTPACK_MAX_TEXT) {
        uLongf zlen = compressBound((uLong)len);
        char *out = ark_malloc(5 + zlen);
        int rc = compress2((Bytef *)out + 5, &zlen, (const Bytef *)text, (uLong)len, Z_BEST_SPEED);
        if (rc == Z_OK && zlen < len) {
            out[0] = 'Z';
            for (int i = 0; i < 4; i++)
                out[1 + i] = (char)((len >> (8 * i)) & 0xff);
            *out_len = 5 + zlen;
            return out;
        }
        free(out);
    }
    char *out = ark_malloc(len + 1);
    out[0] = 'T';
    memcpy(out + 1, text, len);
    *out_len = len + 1;
    return out;
}

/* The length of the text data[0..len) packs, from its header, into *full;
 * 0 when it is not a packed text or claims more than TEXTPACK_MAX_TEXT. */
static int packed_length(const char *data, size_t len, size_t *full)
{
    *full = 0;
    if (len >= 1 && data[0] == 'T')
        *full = len - 1;
    else if (len >= 5 && data[0] == 'Z')
        for (int i = 0; i < 4; i++)
            *full |= (size_t)(unsigned char)data[1 + i] << (8 * i);
    else
        return 0;
    return *full <= TEXTPACK_MAX_TEXT;
}

/* The length of text[0..len) cut after its last space in the final
 * kilobyte, or else at the last UTF-8 character boundary. */
static size_t cut_prefix(const char *text, size_t len)
{
    for (size_t i = len; i > 0 && len - i < 1024; i--)
        if (text[i - 1] == ' ' || text[i - 1] == '\n')
            return i;
    size_t i = len;
    while (i > 0 && ((unsigned char)text[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0 && (unsigned char)text[i - 1] >= 0xC0)
        i--; /* a lead byte whose character was cut */
    return i;
}

struct textreader {
    const char *data; /* the packed text, borrowed */
    size_t len;
    size_t full; /* the text's length, from the header */
    char *out;   /* what is decompressed so far, and room for a NUL */
    size_t got, cap;
    size_t cut; /* where the last view ended (its NUL), or SIZE_MAX */
    char saved; /* the byte that NUL replaced */
    z_stream z;
    int inflating;
};

textreader *textreader_new(const char *data, size_t len)
{
    size_t full;
    if (!packed_length(data, len, &full))
        return NULL;
    textreader *r = ark_calloc(1, sizeof *r);
    r->data = data;
    r->len = len;
    r->full = full;
    r->cut = SIZE_MAX;
    return r;
}

/* Decompresses up to want bytes in all; 0, or -1 when the stream is
 * broken or ends early. */
static int fill(textreader *r, size_t want)
{
    if (want + 1 > r->cap) {
        r->cap = want + 1;
        r->out = ark_realloc(r->out, r->cap);
    }
    if (r->data[0] == 'T') {
        memcpy(r->out + r->got, r->data + 1 + r->got, want - r->got);
        r->got = want;
        return 0;
    }
    if (!r->inflating) {
        if (inflateInit(&r->z) != Z_OK)
            return -1;
        r->inflating = 1;
        r->z.next_in = (Bytef *)r->data + 5;
        r->z.avail_in = (uInt)(r->len - 5);
    }
    r->z.next_out = (Bytef *)r->out + r->got;
    r->z.avail_out = (uInt)(want - r->got);
    int rc;
    do
        rc = inflate(&r->z, Z_SYNC_FLUSH);
    while (rc == Z_OK && r->z.avail_out > 0 && r->z.avail_in > 0);
    r->got = want - r->z.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
        return -1;
    return r->got == want ? 0 : -1; /* shorter than it says: broken */
}

ark_status textreader_read(textreader *r, size_t max, const char **text, size_t *text_len,
                           int *whole)
{
    *text = NULL;
    *text_len = 0;
    *whole = max >= r->full;
    size_t want = *whole ? r->full : max;
    if (r->cut != SIZE_MAX) { /* the last view's NUL gives its byte back */
        r->out[r->cut] = r->saved;
        r->cut = SIZE_MAX;
    }
    if (want > r->got && fill(r, want) != 0)
        return ARK_ECORRUPT;
    if (!r->out) { /* an empty text */
        r->out = ark_calloc(1, 1);
        r->cap = 1;
    }
    size_t n = *whole ? want : cut_prefix(r->out, want);
    r->cut = n;
    r->saved = r->out[n];
    r->out[n] = '\0';
    *text = r->out;
    *text_len = n;
    return ARK_OK;
}

void textreader_free(textreader *r)
{
    if (!r)
        return;
    if (r->inflating)
        inflateEnd(&r->z);
    free(r->out);
    free(r);
}

ark_status textunpack(const char *data, size_t len, char **text, size_t *text_len)
{
    *text = NULL;
    *text_len = 0;
    textreader *r = textreader_new(data, len);
    if (!r)
        return ARK_ECORRUPT;
    const char *all;
    int whole;
    ark_status st = textreader_read(r, SIZE_MAX, &all, text_len, &whole);
    if (st == ARK_OK) { /* the whole text, NUL-terminated: the reader's buffer */
        *text = r->out;
        r->out = NULL;
    }
    textreader_free(r);
    return st;
}

ark_status textpack_read(xdb *db, unsigned docid, char **text, size_t *len)
{
    char *data;
    size_t n;
    *text = NULL;
    *len = 0;
    ark_status st = xdb_data(db, docid, &data, &n);
    if (st != ARK_OK)
        return st;
    if (n >= 1 && data[0] == 'T') { /* stored as it is: no second copy */
        memmove(data, data + 1, n - 1);
        data[n - 1] = '\0';
        *text = data;
        *len = n - 1;
        return ARK_OK;
    }
    st = textunpack(data, n, text, len);
    free(data);
    return st;
}
