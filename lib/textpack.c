/* textpack.c — a document's stored text, compressed by arkiv; see textpack.h. */
#include "textpack.h"

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

ark_status textunpack(const char *data, size_t len, char **text, size_t *text_len)
{
    *text = NULL;
    *text_len = 0;
    if (len >= 1 && data[0] == 'T') {
        *text = ark_strndup(data + 1, len - 1);
        *text_len = len - 1;
        return ARK_OK;
    }
    if (len < 5 || data[0] != 'Z')
        return ARK_ECORRUPT;
    size_t n = 0;
    for (int i = 0; i < 4; i++)
        n |= (size_t)(unsigned char)data[1 + i] << (8 * i);
    if (n > TEXTPACK_MAX_TEXT)
        return ARK_ECORRUPT;
    char *out = ark_malloc(n + 1);
    uLongf got = (uLongf)n;
    if (uncompress((Bytef *)out, &got, (const Bytef *)data + 5, (uLong)(len - 5)) != Z_OK ||
        got != n) {
        free(out);
        return ARK_ECORRUPT;
    }
    out[n] = '\0';
    *text = out;
    *text_len = n;
    return ARK_OK;
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

/* The first max bytes (at most) of the zlib stream data[0..len) into
 * out; their number, or -1 when the stream is broken. */
static long inflate_prefix(const char *data, size_t len, char *out, size_t max)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return -1;
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)max;
    int rc;
    do
        rc = inflate(&z, Z_SYNC_FLUSH);
    while (rc == Z_OK && z.avail_out > 0 && z.avail_in > 0);
    long got = rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR ? (long)z.total_out : -1;
    inflateEnd(&z);
    return got;
}

ark_status textunpack_prefix(const char *data, size_t len, size_t max, char **text,
                             size_t *text_len, int *whole)
{
    *text = NULL;
    *text_len = 0;
    *whole = 1;
    size_t full = 0;
    if (len >= 1 && data[0] == 'T')
        full = len - 1;
    else if (len >= 5 && data[0] == 'Z')
        for (int i = 0; i < 4; i++)
            full |= (size_t)(unsigned char)data[1 + i] << (8 * i);
    if (full <= max || full > TEXTPACK_MAX_TEXT) /* all of it (or the error) */
        return textunpack(data, len, text, text_len);
    char *out = ark_malloc(max + 1);
    long got = (long)max;
    if (data[0] == 'T')
        memcpy(out, data + 1, max);
    else
        got = inflate_prefix(data + 5, len - 5, out, max);
    if (got < 0 || (size_t)got < max) { /* shorter than it says: broken */
        free(out);
        return ARK_ECORRUPT;
    }
    *text_len = cut_prefix(out, max);
    out[*text_len] = '\0';
    *text = out;
    *whole = 0;
    return ARK_OK;
}
