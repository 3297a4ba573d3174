/* lemma.h — the lemmas of a Norwegian word, lemmas first, stems as fallback.
 *
 * For a word the dictionary (hunspell-no) knows, its lemmas are the stems
 * hunspell gives ("åpent" → åpen; "møtebøker" → møtebok; a word with several
 * readings gets all of them).  A compound gets the lemma of its last part
 * after its first parts ("rusmiljøene" → rusmiljø), and the lemmas of its
 * parts ("rus", "miljø").  The Snowball stem is added to them, and is all a
 * word gets that the dictionary does not know.  Numbers get no lemma.
 *
 * Lookups are cached per word (a real archive's vocabulary is Zipfian, and
 * hunspell is slow): the entry returned is valid until the next lem_trim or
 * lem_close, except once the cache is full (lem_cache_full), when it is valid
 * until the next lookup. */
#ifndef ARKIV_LEMMA_H
#define ARKIV_LEMMA_H

#include <stddef.h>

#include "status.h"

#define LEM_MAX 8 /* lemmas, and parts, kept per word */

typedef enum { LEM_NB = 0, LEM_NN = 1, LEM_LANGS } lem_lang;

typedef struct {
    const char *lemmas[LEM_MAX];
    size_t nlemmas;
    const char *parts[LEM_MAX]; /* lemmas of the compound's parts; 0 if not a compound */
    size_t nparts;
    size_t nfirst; /* parts[0..nfirst) are the first parts, the rest the last part's lemmas */
    int known;     /* the dictionary accepts the word */
} lem_entry;

typedef struct lem lem;

/* Opens the Bokmål and (if present) Nynorsk dictionaries in dir ("" or
 * NULL: $ARKIV_DICT_DIR, else /usr/share/hunspell); Nynorsk's at its first
 * lookup if lazy_nn (loading it takes 0.15 s).  ARK_ENOTFOUND with *err set
 * (the caller frees it) when the Bokmål dictionary is missing. */
ark_status lem_open(const char *dir, int lazy_nn, lem **out, char **err);
void lem_close(lem *l);

/* The entry for word (NFC, case-folded UTF-8) in language lang; never NULL. */
const lem_entry *lem_lookup(lem *l, const char *word, size_t len, lem_lang lang);

/* Whether the cache holds as many words as it will within one run (4
 * million). */
int lem_cache_full(const lem *l);

/* Empties the cache if it holds more than its share of words (300,000),
 * which invalidates every entry: called when a run of the analyzer begins. */
void lem_trim(lem *l);

#endif
