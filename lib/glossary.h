/* glossary.h — abbreviations and what they stand for.
 *
 * Minutes carry their own glossary:
 *
 *     Forkortelser: OPD: Oslo politidistrikt
 *     BLK: Byrådslederens kontor
 *
 * gls_extract finds such entries: after a line that names the glossary
 * ("Forkortelser", "Forkortinger", "Forklaring av forkortelser"), each line
 * "ABBR: expansion" where ABBR is 2 to 8 capital letters or digits, at least
 * one a letter, and the
 * expansion 1 to 10 words; the block ends after three lines that are not
 * entries.  A small built-in list of Norwegian public-administration
 * abbreviations (gls_builtin) comes on top.  The indexer stores both
 * directions in the synonym table under "A" (terms.h), and a query for one
 * form also finds the other, the form typed ranking first. */
#ifndef ARKIV_GLOSSARY_H
#define ARKIV_GLOSSARY_H

#include <stddef.h>

/* Called for each entry; the strings are valid during the call only and are
 * not normalized (the caller analyzes them). */
typedef void (*gls_entry_fn)(void *ctx, const char *abbr, size_t abbr_len, const char *expansion,
                             size_t expansion_len);

/* Finds the glossary entries of text[0..len). */
void gls_extract(const char *text, size_t len, gls_entry_fn fn, void *ctx);

/* The built-in expansion of abbr (case-folded, e.g. "nav"), or NULL. */
const char *gls_builtin(const char *abbr);

/* The built-in abbreviation whose expansion is the case-folded words of
 * expansion joined by single spaces ("oslo politidistrikt"), or NULL. */
const char *gls_builtin_abbr(const char *expansion);

#endif
