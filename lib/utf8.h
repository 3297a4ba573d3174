/* utf8.h — making text valid UTF-8, and telling UTF-8 from Latin-1. */
#ifndef ARKIV_UTF8_H
#define ARKIV_UTF8_H

#include <stddef.h>

#include "xalloc.h"

/* Appends s[0..len) to b with each byte that is not part of valid UTF-8,
 * and each NUL, replaced by U+FFFD; returns how many were replaced. */
size_t ark_utf8_append(ark_buf *b, const char *s, size_t len);

/* A copy of s[0..len) made valid as by ark_utf8_append; *invalid (if not
 * NULL) counts the replaced bytes.  The caller frees the result. */
char *ark_utf8_clean(const char *s, size_t len, size_t *invalid);

/* Whether s[0..len) is better read as Windows-1252 (Latin-1) than as UTF-8:
 * its runs of invalid bytes outnumber its valid multi-byte characters.  Real
 * UTF-8 with some broken sequences keeps its good characters; a Latin-1 file,
 * whose "æøå" are lone high bytes, is converted instead of read as mojibake. */
int ark_utf8_is_legacy(const char *s, size_t len);

/* At most this many combining marks in a row are kept (Unicode's
 * stream-safe text format, UAX #15): utf8proc puts marks in canonical
 * order by a bubble sort, quadratic in the length of a run. */
#define ARK_UTF8_MAX_MARKS 30

/* A copy of the valid UTF-8 s[0..len) without the combining marks past
 * ARK_UTF8_MAX_MARKS in a row, malloc'd, *out_len bytes; NULL when s has no
 * such run (use s as it is). */
char *ark_utf8_cap_marks(const char *s, size_t len, size_t *out_len);

#endif
