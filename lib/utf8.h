/* utf8.h — making text valid UTF-8. */
#ifndef ARKIV_UTF8_H
#define ARKIV_UTF8_H

#include <stddef.h>

/* A copy of s[0..len) in which each byte that is not part of valid UTF-8
 * is replaced by U+FFFD; *invalid (if not NULL) counts them.  The input
 * must hold no NUL byte.  The caller frees the result. */
char *ark_utf8_clean(const char *s, size_t len, size_t *invalid);

#endif
