/* htmlflat.h — caps the element depth of HTML before libxml2 parses it.
 *
 * libxml2's HTML parser looks for each end tag's element down its stack of
 * open elements, and keeps every element a page never closes: a page of
 * unclosed <font>s and stray </span>s (old word-processor exports, or an
 * attacker) made it quadratic (4 MB: 21 s, against 0.8 s for prose).
 * Without XML_PARSE_HUGE it stops at 256 levels instead, and drops the rest
 * of the page.  So start tags past HTMLFLAT_MAX_DEPTH open elements are
 * removed, with their end tags; their text stays, in the element around it.
 * A linear first pass leaves the pages that never nest that deep alone. */
#ifndef ARKIV_HTMLFLAT_H
#define ARKIV_HTMLFLAT_H

#include <stddef.h>

#define HTMLFLAT_MAX_DEPTH 256

/* data[0..len) with no element deeper than HTMLFLAT_MAX_DEPTH, malloc'd, in
 * *out_len bytes; NULL when data never nests that deep (use it as it is). */
char *htmlflat(const char *data, size_t len, size_t *out_len);

#endif
