/* utf8.c — replace invalid UTF-8; see utf8.h. */
#include "utf8.h"

#include <utf8proc.h>

#include "xalloc.h"

char *ark_utf8_clean(const char *s, size_t len, size_t *invalid)
{
    ark_buf b = ARK_BUF_INIT;
    ark_buf_grow(&b, len);
    size_t bad = 0;
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        size_t avail = len - i < 4 ? len - i : 4;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)avail, &cp);
        if (n <= 0) {
            ark_buf_add(&b, "\xef\xbf\xbd", 3);
            bad++;
            i++;
        } else {
            ark_buf_add(&b, s + i, (size_t)n);
            i += (size_t)n;
        }
    }
    if (invalid)
        *invalid = bad;
    return ark_buf_take(&b);
}
