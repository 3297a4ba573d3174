/* snippet.h — the best passage of a document, with the matched words marked.
 *
 * The document's text is analyzed again (same analyzer, document mode), and
 * a token matches when its exact word, one of its lemmas or compound parts,
 * or its folded spelling is one the query looked for, so inflected forms and
 * variant spellings are marked too ("rusmiljøene" for "rusmiljo").  The
 * passage is the window of SNIP_WINDOW words with the most distinct matched
 * words (then the most pairs of them side by side, as in a phrase, then the
 * most matches, then the earliest), shifted so that a little context comes
 * before the first match.  Runs of white space, line breaks included, become
 * one space; "…" marks text left out before or after.
 *
 * Cost is bounded, whatever the document's length: the searcher hands over
 * the first SNIP_PREFIX bytes of a long text, then SNIP_PREFIX_MORE, then the
 * whole, going on only while they hold no two of the query's words close
 * together; a long text is searched bytewise for where the query's words may
 * be (a word beginning with a whole query form counts before one that shares
 * only its first bytes), and only the stretch holding (nearly) all of them,
 * or else the best three, is analyzed.
 */
#ifndef ARKIV_SNIPPET_H
#define ARKIV_SNIPPET_H

#include <stddef.h>

#include "analyzer.h"
#include "strset.h"

#define SNIP_WINDOW 30
#define SNIP_PREFIX (8 * 1024)       /* bytes of a long text looked at first */
#define SNIP_PREFIX_MORE (32 * 1024) /* and next, before all of it */
#define SNIP_CONTEXT 4               /* words kept before the first match */

typedef struct {
    const strset *words; /* exact words to mark */
    const strset *stems; /* lemmas to mark */
    const strset *folds; /* folded spellings to mark */
    const char *open;    /* marker before a matched word */
    const char *close;   /* and after it */
    int html;            /* escape &, <, >, " in the text (not in the markers) */
    size_t *match_at;    /* if not NULL: set to the offset in text of the passage's
                            first matched word (where the hit is), or 0 */
    int *enough;         /* if not NULL: set to 0 when a long text (text may be
                            only a document's beginning) holds no stretch with
                            two of the query's words (or its only one), and
                            the rest should be looked at */
} snip_options;

/* The snippet for text[0..len), which must be valid UTF-8; the caller frees
 * it.  With why, *why is the explanation the caller frees: each distinct
 * word of the document that matched, and how ("åpent (lemma åpen),
 * rusmiljø (variant rusmiljo)"). */
char *snip_make(ana *a, const char *text, size_t len, const snip_options *o, char **why);

/* The whole of text[0..len) with every matched word marked, white space
 * kept as it is (for a document view); the caller frees it.  match_at is
 * not used. */
char *snip_mark(ana *a, const char *text, size_t len, const snip_options *o);

#endif
