/* stopwords.h — Norwegian function words (Bokmål and Nynorsk).
 *
 * The list is Snowball's Norwegian stopword list, with the question words a
 * journalist's question starts with.  It is used only where it helps ranking:
 * bare-word queries drop stopwords when they have other words; phrases and
 * indexing keep every word. */
#ifndef ARKIV_STOPWORDS_H
#define ARKIV_STOPWORDS_H

#include <stddef.h>

/* The longest stopword's length in bytes ("kvarhelst"). */
#define STOP_MAX_BYTES 9

/* Whether word (NFC, case-folded UTF-8) is a stopword. */
int stop_is(const char *word, size_t len);

/* The list, sorted bytewise, and its length (for the unit test). */
const char *const *stop_words(size_t *n);

#endif
