/* extract_text.c — plain text in UTF-8, Latin-1 or Windows-1252.
 *
 * A file that is not valid UTF-8 is taken for Windows-1252 (a superset of
 * Latin-1 for everything printable) when its invalid bytes outnumber its
 * valid multi-byte sequences: real UTF-8 with a few broken bytes keeps its
 * good characters (the bad bytes become U+FFFD), while a Latin-1 file, whose
 * "æøå" are lone high bytes, is converted instead of indexed as mojibake. */
#include <string.h>

#include "extract.h"
#include "xalloc.h"

/* The length of the valid UTF-8 sequence at s[0..n), or 0. */
static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned min;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000, cp = c & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static void add_utf8(ark_buf *b, unsigned cp)
{
    char s[4];
    size_t n;
    if (cp < 0x80) {
        s[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        s[0] = (char)(0xC0 | (cp >> 6));
        s[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else {
        s[0] = (char)(0xE0 | (cp >> 12));
        s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    }
    ark_buf_add(b, s, n);
}

/* Windows-1252's 0x80-0x9F; 0 where it has no character. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* Appends the text with CR LF and lone CR made LF. */
static void add_char(ark_doc *d, unsigned cp, unsigned next)
{
    if (cp == '\r') {
        if (next != '\n')
            ark_buf_addc(&d->text, '\n');
        return;
    }
    add_utf8(&d->text, cp);
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
    size_t invalid = 0, multibyte = 0, controls = 0, chars = 0, high_c1 = 0;
    for (size_t i = start; i < len;) {
        size_t n = utf8_valid_len(s + i, len - i);
        if (n == 0) {
            invalid++;
            high_c1 += s[i] >= 0x80 && s[i] <= 0x9F;
            i++;
        } else {
            multibyte += n > 1;
            controls += s[i] < 0x20 && s[i] != '\n' && s[i] != '\r' && s[i] != '\t' && s[i] != '\f';
            i += n;
        }
        chars++;
    }
    if (chars > 0 && controls * 10 > chars) {
        *detail = ark_sprintf("binary file (%zu control characters in %zu)", controls, chars);
        return ARK_EBINARY;
    }
    int legacy = invalid > multibyte;
    if (legacy)
        d->charset = ark_strdup(high_c1 ? "windows-1252" : "iso-8859-1");
    ark_buf_grow(&d->text, len - start + len / 4);
    for (size_t i = start; i < len;) {
        unsigned next = i + 1 < len ? s[i + 1] : 0;
        if (legacy) {
            unsigned cp = s[i];
            if (cp >= 0x80 && cp <= 0x9F) {
                cp = cp1252_high[cp - 0x80];
                if (!cp) {
                    cp = 0xFFFD;
                    d->invalid_bytes++;
                }
            }
            add_char(d, cp, next);
            i++;
            continue;
        }
        size_t n = utf8_valid_len(s + i, len - i);
        if (n == 0) {
            add_utf8(&d->text, 0xFFFD);
            d->invalid_bytes++;
            i++;
        } else if (n == 1) {
            add_char(d, s[i], next);
            i++;
        } else {
            ark_buf_add(&d->text, data + i, n);
            i += n;
        }
    }
    d->reflow = 1;
    return ARK_OK;
}
