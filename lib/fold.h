/* fold.h — how Norwegians spell æ, ø and å without a Norwegian keyboard.
 *
 * fold_word maps a case-folded word to one folded key that every common
 * spelling of it shares: å→a, æ→ae, ø→o, and the Swedish/German ä→ae,
 * ö→o, then the digraphs aa→a and oe→o, and accents dropped (é→e, ü→u).
 * So "åpne", "apne" and "aapne" share "apne"; "rusmiljø", "rusmiljo" and
 * "rusmiljoe" share "rusmiljo"; "én" and "en" share "en".  The table is our
 * own and explicit: utf8proc's STRIPMARK would fold å but not æ or ø.
 */
#ifndef ARKIV_FOLD_H
#define ARKIV_FOLD_H

#include <stddef.h>

/* Writes the folded key of word (NFC, case-folded UTF-8) into out (cap
 * bytes, NUL-terminated); returns its length, or 0 if it does not fit. */
size_t fold_word(const char *word, size_t len, char *out, size_t cap);

#endif
