/* analyzer.h — the one Norwegian analyzer, for documents and queries alike.
 *
 * Indexing and querying call ana_run with the same analyzer so that a query
 * term and an indexed term can only meet when the same rules made both.
 * The pipeline for each input:
 *
 *   UTF-8 validation   invalid bytes count as U+FFFD (a separator) and are
 *                      counted in ana_stats; never a crash
 *   segmentation       a word is a run of letters, marks and digits (Unicode
 *                      categories L*, M*, N*); everything else separates words
 *   joiners            a hyphen between two word characters ("HC-kort",
 *                      "fotball-VM", "én-til-én-oppfølging"), an en dash
 *                      between two digits ("08–23"), and a dot or comma
 *                      between two digits ("21.04.2023", "3,5") split the
 *                      word into parts at consecutive positions, each marked
 *                      `joined` to the part before: a query turns such a group
 *                      into a phrase, so "HC-kort" finds "HC-kort" and "HC kort"
 *   normalization      per word, with utf8proc: NFC, case folding, default
 *                      ignorables (soft hyphen, zero-width joiner) removed
 *   lemmas             hunspell-no lemmas, compounds split into known parts,
 *                      Snowball's Norwegian stem for unknown words (lemma.h);
 *                      numbers get none
 *   variants           the folded spellings of the word and of its lemmas
 *                      (å→a, æ→ae, ø→o, é→e: fold.h), so "rusmiljo" meets
 *                      "rusmiljøene"
 *   stopwords          marked, never dropped here (stopwords.h)
 *   coordination       in documents, "barne- og ungdomskriminalitet" also
 *                      yields the implied "barnekriminalitet", at the positions
 *                      of "barne" and of "ungdomskriminalitet"; a query says
 *                      only what it says
 *
 * In basic mode (the plain-Xapian baseline) a token has only its Snowball
 * stem as lemma: no dictionary, no variants, no compounds, no stopwords.
 *
 * Words longer than ARK_MAX_TERM bytes (after normalization) are not emitted
 * but still take a position, and their raw input is capped before it is
 * normalized, so that the analyzer stays linear on hostile input.
 */
#ifndef ARKIV_ANALYZER_H
#define ARKIV_ANALYZER_H

#include <stddef.h>

#include "status.h"

typedef enum {
    ANA_DOCUMENT, /* text being indexed */
    ANA_QUERY,    /* words the query parser found */
} ana_mode;

typedef struct {
    const char *word; /* NFC, case-folded, NUL-terminated */
    size_t word_len;
    const char *folded;        /* the word folded (fold.h); may equal word */
    const char *const *lemmas; /* lemmas, or the stem: "Z" terms */
    size_t nlemmas;
    const char *const *variants; /* folded spellings that differ from word: "F" terms */
    size_t nvariants;
    const char *const *parts; /* lemmas of a compound's parts: "C" terms */
    size_t nparts;
    size_t nfirst_parts; /* parts[0..nfirst_parts) are the first parts, the
                            rest the last part's lemmas (its readings) */
    unsigned pos;        /* position, counted from the caller's first_pos */
    size_t start;        /* byte offsets of the word in the input: [start, end) */
    size_t end;
    int joined; /* joined to the previous token by a hyphen, dash or dot */
    int stopword;
    int implied; /* not written: implied by a coordinated compound, at the
                    position of its first part and again at the
                    compound's, with the offsets of the first part */
} ana_token;

/* Called for each token; the token and its strings are valid only during the
 * call.  Returning non-zero stops the run. */
typedef int (*ana_token_fn)(const ana_token *tok, void *ctx);

typedef struct {
    size_t invalid_bytes; /* bytes that were not valid UTF-8 */
    unsigned words;       /* tokens emitted */
    unsigned next_pos;    /* the position after the last word */
} ana_stats;

typedef struct ana ana;

typedef struct {
    int basic;            /* the plain-Xapian baseline: Snowball stems only */
    const char *dict_dir; /* NULL: $ARKIV_DICT_DIR or /usr/share/hunspell */
    int lazy_nynorsk;     /* open the Nynorsk dictionary at its first lookup */
} ana_options;

typedef enum { ANA_BOKMAAL = 0, ANA_NYNORSK = 1 } ana_lang;

/* A new analyzer (o may be NULL: full analysis).  ARK_ENOTFOUND when the
 * dictionary or stemmer is missing, with *err (if not NULL) saying which; the
 * caller frees it.  Free the analyzer with ana_free. */
ark_status ana_new(const ana_options *o, ana **out, char **err);
void ana_free(ana *a);

/* The exact words of text[0..len) joined by single spaces, as the glossary
 * keys them ("Oslo politidistrikt," → "oslo politidistrikt"); the caller
 * frees it.  Must not be called from inside an ana_run callback. */
char *ana_join_words(ana *a, const char *text, size_t len);

/* Whether word (UTF-8, any case) is a word the dictionary knows, in
 * Bokmål or Nynorsk; always 0 with the basic analysis, which has none.
 * Must not be called from inside an ana_run callback. */
int ana_is_word(ana *a, const char *word, size_t len);

/* The written language of a text, from its function words ("ikkje", "eg",
 * "frå" against "ikke", "jeg", "fra"); Bokmål unless Nynorsk is clear. */
ana_lang ana_detect_lang(ana *a, const char *text, size_t len);

/* The language whose dictionary later runs use; queries use Bokmål and fall
 * back to Nynorsk for words Bokmål does not know. */
void ana_set_lang(ana *a, ana_lang lang);

/* Says whether a word (NFC, case-folded) needs its lemmas and compound
 * parts.  Snippets use it: looking up the lemmas of every word of a long
 * document costs more than the search; only words that might match need them. */
typedef int (*ana_word_filter)(void *ctx, const char *word, size_t len);

/* Until reset with NULL, later runs give lemmas and parts only to the words
 * fn accepts (the others have none).  Never for indexing or queries. */
void ana_set_filter(ana *a, ana_word_filter fn, void *ctx);

/* Analyzes text[0..len), calling fn for each token.  Positions start at
 * first_pos.  stats may be NULL. */
void ana_run(ana *a, ana_mode mode, const char *text, size_t len, unsigned first_pos,
             ana_token_fn fn, void *ctx, ana_stats *stats);

#endif
