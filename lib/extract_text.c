/* extract_text.c — plain text in UTF-8, Latin-1 or Windows-1252.
 *
 * A file that is not valid UTF-8 is read as Windows-1252 (a superset of
 * Latin-1 for everything printable) when ark_utf8_is_legacy says so. */
#include <string.h>
#include <utf8proc.h>

#include "extract.h"
#include "utf8.h"
#include "xalloc.h"

static void add_utf8(ark_buf *b, unsigned cp)
{
    utf8proc_uint8_t s[4];
    utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)cp, s);
    ark_buf_add(b, (const char *)s, (size_t)n);
}

/* Windows-1252's 0x80-0x9F; 0 where it has no character. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* CR LF and a lone CR become LF, in place. */
static void unix_newlines(ark_buf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++) {
        if (b->data[i] != '\r')
            b->data[n++] = b->data[i];
        else if (i + 1 == b->len || b->data[i + 1] != '\n')
            b->data[n++] = '\n';
    }
    b->len = n;
    if (b->data)
        b->data[n] = '\0';
}

ark_status extract_text(const char *data, size_t len, ark_doc *d, char **detail)
{
    const unsigned char *s = (const unsigned char *)data;
    const char *nul = len ? memchr(data, '\0', len) : NULL;
    if (nul) {
        *detail = ark_sprintf("binary file (NUL byte at offset %zu)", (size_t)(nul - data));
        return ARK_EBINARY;
    }
    size_t start = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    size_t controls = 0;
    for (size_t i = start; i < len; i++)
        controls += s[i] < 0x20 && s[i] != '\n' && s[i] != '\r' && s[i] != '\t' && s[i] != '\f';
    if (len > start && controls * 10 > len - start) {
        *detail = ark_sprintf("binary file (%zu control characters in %zu bytes)", controls,
                              len - start);
        return ARK_EBINARY;
    }
    if (!ark_utf8_is_legacy(data + start, len - start)) {
        d->invalid_bytes = ark_utf8_append(&d->text, data + start, len - start);
    } else {
        int c1 = 0;
        ark_buf_grow(&d->text, len - start + len / 4);
        for (size_t i = start; i < len; i++) {
            unsigned cp = s[i];
            if (cp >= 0x80 && cp <= 0x9F) {
                c1 = 1;
                cp = cp1252_high[cp - 0x80];
                if (!cp) {
                    cp = 0xFFFD;
                    d->invalid_bytes++;
                }
            }
            add_utf8(&d->text, cp);
        }
        d->charset = ark_strdup(c1 ? "windows-1252" : "iso-8859-1");
    }
    unix_newlines(&d->text);
    d->reflow = 1;
    return ARK_OK;
}
