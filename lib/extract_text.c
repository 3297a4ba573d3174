/* extract_text.c — plain text in UTF-8, UTF-16, Latin-1 or Windows-1252.
 *
 * A file that is not valid UTF-8 is read as Windows-1252 (a superset of
 * Latin-1 for everything printable) when ark_utf8_is_legacy says so.
 * UTF-16 is recognized by its byte-order mark or, without one, by the zero
 * high bytes of Latin text (what Windows tools write as "Unicode").  A few
 * stray NUL bytes in a text are dropped with a warning; many make it a
 * binary file. */
#include <stdlib.h>
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

/* UTF-16 without a byte-order mark: 1 little-endian, 2 big-endian, 0 not.
 * In Latin text nearly every character's high byte is zero, and no low
 * byte is; a sample of the first 4 KB decides. */
static int utf16_guess(const unsigned char *s, size_t len)
{
    if (len < 4 || len % 2)
        return 0;
    size_t pairs = len / 2 < 2048 ? len / 2 : 2048, zero_even = 0, zero_odd = 0;
    for (size_t i = 0; i < pairs; i++) {
        zero_even += s[2 * i] == 0;
        zero_odd += s[2 * i + 1] == 0;
    }
    if (zero_odd * 10 >= pairs * 6 && zero_even * 20 < pairs)
        return 1;
    if (zero_even * 10 >= pairs * 6 && zero_odd * 20 < pairs)
        return 2;
    return 0;
}

/* Decodes UTF-16 into UTF-8 in out; returns how many bytes were invalid
 * (unpaired surrogates, which become U+FFFD, and an odd last byte). */
static size_t utf16_to_utf8(const unsigned char *s, size_t len, int big_endian, ark_buf *out)
{
    size_t invalid = len % 2;
    ark_buf_grow(out, len + len / 2);
    for (size_t i = 0; i + 1 < len; i += 2) {
        unsigned u = big_endian ? (unsigned)(s[i] << 8 | s[i + 1]) : (unsigned)(s[i + 1] << 8 | s[i]);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
            unsigned lo = big_endian ? (unsigned)(s[i + 2] << 8 | s[i + 3])
                                     : (unsigned)(s[i + 3] << 8 | s[i + 2]);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                add_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                i += 2;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            u = 0xFFFD;
            invalid += 2;
        }
        add_utf8(out, u);
    }
    return invalid;
}

/* How many bytes of s[0..len) are control characters no text has (line
 * ends, tabs and form feeds aside). */
static size_t controls(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        n += c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f';
    }
    return n;
}

/* Copies data without its NUL bytes into a new buffer; *nuls says how many. */
static char *drop_nuls(const char *data, size_t len, size_t *out_len, size_t *nuls)
{
    char *copy = ark_malloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (data[i])
            copy[n++] = data[i];
    copy[n] = '\0';
    *nuls = len - n;
    *out_len = n;
    return copy;
}

static ark_status extract_bytes(const char *data, size_t len, ark_doc *d, char **detail);

ark_status extract_text(const char *data, size_t len, ark_doc *d, char **detail)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t bom = len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)) ? 2 : 0;
    int utf16 = bom ? (s[0] == 0xFE ? 2 : 1) : utf16_guess(s, len);
    if (utf16) {
        /* decoded, it is a UTF-8 text like any other (NULs and all) */
        ark_buf utf8 = ARK_BUF_INIT;
        size_t invalid = utf16_to_utf8(s + bom, len - bom, utf16 == 2, &utf8);
        ark_status st = extract_text(utf8.data ? utf8.data : "", utf8.len, d, detail);
        ark_buf_free(&utf8);
        if (st == ARK_OK) {
            d->invalid_bytes += invalid;
            free(d->charset);
            d->charset = ark_strdup(utf16 == 2 ? "utf-16be" : "utf-16le");
        }
        return st;
    }
    const char *nul = len ? memchr(data, '\0', len) : NULL;
    if (!nul)
        return extract_bytes(data, len, d, detail);
    size_t clean_len, nuls;
    char *clean = drop_nuls(data, len, &clean_len, &nuls);
    ark_status st;
    /* a text with a few stray NULs has them below 1 %, and few other
     * control characters; compressed data has both near 1/256 and 11 % */
    if (nuls * 100 > len || controls(clean, clean_len) * 100 > clean_len) {
        *detail = ark_sprintf("binary file (NUL byte at offset %zu)", (size_t)(nul - data));
        st = ARK_EBINARY;
    } else {
        st = extract_bytes(clean, clean_len, d, detail);
        d->nul_bytes = nuls;
    }
    free(clean);
    return st;
}

/* Text without NUL bytes, in UTF-8 or a legacy 8-bit character set. */
static ark_status extract_bytes(const char *data, size_t len, ark_doc *d, char **detail)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t start = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    size_t odd = controls(data + start, len - start);
    if (len > start && odd * 10 > len - start) {
        *detail = ark_sprintf("binary file (%zu control characters in %zu bytes)", odd,
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
