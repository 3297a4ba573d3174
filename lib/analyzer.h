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
 *   stemming           Xapian's Snowball "norwegian" stemmer; words that
 *                      start with a digit are not stemmed
 *
 * The richer Norwegian analysis (lemmas, æ/ø/å variants, compounds) plugs in
 * after normalization: it adds terms to a token, it never changes the exact
 * word or the positions.
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
    const char *stem; /* Snowball stem, NUL-terminated; "" when not stemmed */
    size_t stem_len;
    unsigned pos;     /* position, counted from the caller's first_pos */
    size_t start;     /* byte offsets of the word in the input: [start, end) */
    size_t end;
    int joined;       /* joined to the previous token by a hyphen, dash or dot */
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

/* A new analyzer; ARK_EINTERNAL if the stemmer is missing.  Free with ana_free. */
ark_status ana_new(ana **out);
void ana_free(ana *a);

/* Analyzes text[0..len), calling fn for each token.  Positions start at
 * first_pos.  stats may be NULL. */
void ana_run(ana *a, ana_mode mode, const char *text, size_t len, unsigned first_pos,
             ana_token_fn fn, void *ctx, ana_stats *stats);

#endif
