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

char *textpack(const char *text, size_t len, size_t *out_len)
{
    if (len >= TEXTPACK_MIN && len <= TEXTPACK_MAX_TEXT) {
        uLongf zlen = compressBound((uLong)len);
        char *out = ark_malloc(5 + zlen);
        if (compress2((Bytef *)out + 5, &zlen, (const Bytef *)text, (uLong)len,
                      Z_DEFAULT_COMPRESSION) == Z_OK &&
            zlen < len) {
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
