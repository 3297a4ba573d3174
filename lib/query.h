/* query.h — the query language, parsed into a small tree.
 *
 * The parser only lexes syntax; the words it finds are analyzed later, by the
 * same analyzer that indexed the documents (see search.c).
 *
 *   åpne rusmiljø          bare words: documents with more of them rank higher
 *   "åpne rusmiljø"        a phrase: the words in this order, any inflection
 *                          (beside other words, qbuild.c also lets its words
 *                          match apart)
 *   «Violence as a service» typographic quotes (« » “ ” „) work as well
 *   -pride                 exclusion: no document containing the word
 *   +pride                 the word is required
 *   pride OR skeiv         either (OR binds tighter than the space between clauses)
 *   (pride OR skeiv) oslo  parentheses group
 *   HC-kort                words joined by hyphens, dots or dashes are a phrase
 *                          (beside other words, qbuild.c also lets words joined
 *                          by a hyphen match apart)
 *   Snøhvit/Melkøya        a slash between letters parts words, as a space does
 *   rusmiljø*              a word ending in * stands for every word it begins
 *                          (the parser keeps the star; qbuild.c expands it)
 *
 * The parser is lenient, as a search box should be: an unclosed quote or
 * parenthesis closes at the end (such a phrase is marked unclosed: qbuild.c
 * lets its words match apart too), a stray ')' is ignored, OR with nothing on
 * one side is the word "or", a sign before the first alternative of an OR
 * applies to the whole OR and a sign before a later one is ignored.  A sign
 * counts at the start, after a space or '(': a dash touching a closing quote
 * or ')' («sørge for»-ansvaret) is punctuation, and so is one after "og" or
 * "eller" (klimakrav og -avgifter) or after a lone letter or digit
 * (CO 2 -utslipp).  Parentheses
 * nested deeper than QP_MAX_DEPTH are read as punctuation.  Only a query longer
 * than QP_MAX_BYTES is refused.
 */
#ifndef ARKIV_QUERY_H
#define ARKIV_QUERY_H

#include <stddef.h>

#include "status.h"

#define QP_MAX_BYTES 4096
#define QP_MAX_DEPTH 32

typedef enum {
    QP_WORD,   /* text: one bare item, analyzed later */
    QP_PHRASE, /* text: a quoted phrase */
    QP_OR,     /* kids: any of them */
    QP_GROUP,  /* kids: clauses, each with its sign */
} qp_kind;

typedef enum {
    QP_SIGN_NONE = 0,
    QP_SIGN_REQUIRED = '+',
    QP_SIGN_EXCLUDED = '-',
} qp_sign;

typedef struct qp_node qp_node;
struct qp_node {
    qp_kind kind;
    qp_sign sign; /* meaningful for the kids of a QP_GROUP */
    char *text;   /* QP_WORD, QP_PHRASE: the raw text, NUL-terminated */
    qp_node **kids;
    size_t nkids;
    int unclosed; /* QP_PHRASE: its closing quote is missing */
};

/* Parses query into a tree the caller frees with qp_free.  On ARK_EQUERY
 * *out is NULL and *why (if not NULL) points to a static explanation. */
ark_status qp_parse(const char *query, size_t len, qp_node **out, const char **why);
void qp_free(qp_node *n);

/* A one-line description of the tree, for tests: the caller frees it.
 *   (GROUP +"åpne rusmiljø" -pride (OR a b)) */
char *qp_describe(const qp_node *n);

/* Whether a bare item's text joins letters with a hyphen ("EØS-avtalen"),
 * not only digits ("21.04.2023", "2004-2005"). */
int qp_hyphenated(const char *text);

#endif
