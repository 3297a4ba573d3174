/* dict.h — a hunspell dictionary, spoken to in UTF-8.
 *
 * Debian's hunspell-no dictionaries (nb_NO, nn_NO) are ISO-8859-1: words are
 * converted on the way in and out, and a word with a character outside
 * Latin-1 is simply unknown.  Lookups are not cached here (lemma.c does). */
#ifndef ARKIV_DICT_H
#define ARKIV_DICT_H

#include <stddef.h>

#include "status.h"

#define DICT_MAX_STEMS 8
#define DICT_MAX_WORD 128 /* longer words are unknown */

typedef struct dict dict;

/* Opens dir/name.aff and dir/name.dic; ARK_ENOTFOUND when they are missing. */
ark_status dict_open(const char *dir, const char *name, dict **out);
void dict_close(dict *d);

/* Whether the dictionary accepts word (UTF-8, lower case). */
int dict_spell(dict *d, const char *word, size_t len);

/* The stems hunspell gives for word, as UTF-8 strings into stems (each of
 * DICT_MAX_WORD bytes); returns how many (at most DICT_MAX_STEMS). */
size_t dict_stems(dict *d, const char *word, size_t len, char stems[][DICT_MAX_WORD]);

#endif
