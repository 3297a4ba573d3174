/* utf8.c — replace invalid UTF-8; see utf8.h. */
#include "utf8.h"

#include <utf8proc.h>

/* The length of the valid, non-NUL UTF-8 character at s[0..len), or 0. */
static size_t char_len(const char *s, size_t len)
{
    utf8proc_int32_t cp;
    size_t avail = len < 4 ? len : 4;
    utf8proc_ssize_t n =
        utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)avail, &cp);
    return n > 0 && cp != 0 ? (size_t)n : 0;
}

size_t ark_utf8_append(ark_buf *b, const char *s, size_t len)
{
    ark_buf_grow(b, len);
    size_t bad = 0, i = 0, run = 0; /* s[run..i) is valid, not yet copied */
    while (i < len) {
        size_t n = char_len(s + i, len - i);
        if (n) {
            i += n;
            continue;
        }
        ark_buf_add(b, s + run, i - run);
        ark_buf_add(b, "\xef\xbf\xbd", 3);
        bad++;
        run = ++i;
    }
    ark_buf_add(b, s + run, len - run);
    return bad;
}

char *ark_utf8_clean(const char *s, size_t len, size_t *invalid)
{
    ark_buf b = ARK_BUF_INIT;
    size_t bad = ark_utf8_append(&b, s, len);
    if (invalid)
        *invalid = bad;
    return ark_buf_take(&b);
}

int ark_utf8_is_legacy(const char *s, size_t len)
{
    size_t invalid = 0, multibyte = 0;
    int in_run = 0;
    for (size_t i = 0; i < len;) {
        size_t n = char_len(s + i, len - i);
        if (n == 0 && s[i] != '\0' && !in_run)
            invalid++;
        in_run = n == 0;
        multibyte += n > 1;
        i += n ? n : 1;
    }
    return invalid > multibyte;
}

/* Whether s has ARK_UTF8_MAX_MARKS + 1 combining marks' worth of non-ASCII
 * bytes in a row (a mark takes two bytes or more): almost no text has, so
 * the code-point walk below is skipped on the indexer's path. */
static int long_non_ascii_run(const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        run = (unsigned char)s[i] >= 0x80 ? run + 1 : 0;
        if (run > 2 * ARK_UTF8_MAX_MARKS)
            return 1;
    }
    return 0;
}

char *ark_utf8_cap_marks(const char *s, size_t len, size_t *out_len)
{
    if (!long_non_ascii_run(s, len))
        return NULL;
    ark_buf out = ARK_BUF_INIT;
    size_t run = 0, copied = 0; /* s[copied..i) is still to be copied */
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            run = 0;
            i++;
            continue;
        }
        run = utf8proc_get_property(cp)->combining_class ? run + 1 : 0;
        if (run > ARK_UTF8_MAX_MARKS) {
            ark_buf_add(&out, s + copied, i - copied);
            copied = i + (size_t)n;
        }
        i += (size_t)n;
    }
    if (copied == 0) {
        ark_buf_free(&out);
        return NULL;
    }
    ark_buf_add(&out, s + copied, len - copied);
    *out_len = out.len;
    return ark_buf_take(&out);
}
