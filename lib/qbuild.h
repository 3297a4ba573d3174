/* qbuild.h — turns a parsed query tree into the Xapian query arkiv runs.
 *
 * Every word goes through the analyzer in query mode, so it meets the terms
 * the indexer made.  A bare word matches, from strongest to weakest:
 *   its exact form                       "rusmiljø"
 *   any form with the same lemma          Z: "rusmiljøene"
 *   a variant spelling (weight ×0.5)      F: "rusmiljo", "rusmiljoe"
 *   its parts together, for a compound    AND(C|Z rus, C|Z miljø) (×0.5)
 *   as a part of a compound (×0.3)        C: "rusmiljøtiltak" for "miljø"
 * so an exact spelling outranks a variant, and a whole word its parts.
 * A phrase position matches any form indexed with the same lemma or folded
 * spelling (the synonym table maps Z<lemma> and F<folded> to those forms).
 *
 * The clauses of a group are combined so that required ones must match,
 * excluded ones must not, and (in a group of at most QB_BONUS_CLAUSES) each
 * optional clause a document matches adds a small fixed bonus, so that
 * documents with more of the words rank higher when BM25 finds them close.
 * A quoted phrase without a sign beside other clauses also matches by its
 * words apart: OR(phrase, words), so the phrase's documents weigh more.
 * A word's lemmas are one OP_SYNONYM: a word with three readings weighs as
 * one term.
 * A word or phrase that the archive's glossaries (or the built-in list) give
 * an abbreviation or expansion for also matches that, weighted ×0.8 ("OPD"
 * finds "Oslo politidistrikt" and back); so does a run of bare words that
 * is an expansion.  Stopwords among bare words are dropped when the group has other words,
 * and the bare words of a group, stopwords included, also count as a phrase
 * that adds weight where they stand together ("en til en oppfølging").
 * A bare word ending in "*" stands for every word of the index it begins
 * (and, as a variant, every folded spelling it begins), up to
 * QB_MAX_WILDCARD words; all the wildcards of a query together stand for at
 * most QB_WILDCARD_SHARE times that.
 */
#ifndef ARKIV_QBUILD_H
#define ARKIV_QBUILD_H

#include "analyzer.h"
#include "query.h"
#include "strset.h"
#include "xapian-shim.h"

/* The bonus for each optional clause a document matches.  Measured on the
 * relevance sets (bench/eval.py): a bonus that outweighs BM25 (Meilisearch's
 * strict "more words first") halves MRR@10 on question-like queries, since
 * it rewards matching many common words; 1 keeps BM25 in charge and breaks
 * near-ties in favour of documents with more of the words. */
#define QB_CLAUSE_BONUS 1.0
/* ... given only in a group of at most this many optional clauses (not
 * counting the abbreviation runs').  In a question of forty words, a bonus
 * for each clause favours long documents that hold many of the words:
 * without them past 8 clauses, MRR@10 on
 * storting-qa went from 0.843 to 0.847 and recall@100 from 0.704 to 0.717,
 * its short questions from 0.553 to 0.555; NorQuAD's did not move. */
#define QB_BONUS_CLAUSES 8
/* In a larger group, the bare words in the fewest documents are what the
 * question is about: the QB_RARE_WORDS rarest get a bonus of QB_RARE_BONUS
 * each.  Measured on storting-qa's questions of forty to eighty words, MRR@10
 * (storting-qa-short in brackets), 0.850 (0.556) without: a bonus of 4 for
 * the 2, 4, 6 or 8 rarest gave 0.853 (0.559), 0.855 (0.558), 0.853 (0.552),
 * 0.856 (0.549); of 6 for 4, 0.860 (0.556); of 8 for 3, 4 or 5, 0.857
 * (0.558), 0.860 (0.555), 0.856 (0.553).  The NorQuAD sets, whose questions
 * are shorter, moved by 0.001 at most. */
#define QB_RARE_WORDS 4
#define QB_RARE_BONUS 6.0
#define QB_VARIANT_WEIGHT 0.5
#define QB_PARTS_WEIGHT 0.5
#define QB_AS_PART_WEIGHT 0.3
/* A hyphenated word beside other words is its words apart, plus itself as
 * a phrase at this weight.  Measured on the relevance sets (bench-style
 * indexes), MRR@10 for norquad-passages, norquad, storting-qa and its short
 * questions: as a phrase only 0.831, 0.927, 0.869, 0.560; apart with the
 * phrase at 0, 0.1, 0.25, 0.5 or 1: 0.833 0.929 0.869 0.564, the same but
 * 0.565, the same, 0.833 0.929 0.868 0.565, 0.830 0.928 0.868 0.565. */
#define QB_HYPHEN_PHRASE_WEIGHT 0.25
#define QB_ABBREV_WEIGHT 0.8 /* "OPD" for "Oslo politidistrikt", and back */
#define QB_MAX_ABBREV_RUN 8  /* longest run of bare words looked up as an expansion */
/* The bare words of a group count as a phrase only when there are at most
 * this many: "en til en oppfølging" gains from it; a question of twelve words
 * is almost never written as one phrase, and checking positions of twelve
 * words (some of them in every document) cost over 90 % of the search (see DESIGN.md). */
#define QB_MAX_PROXIMITY 5

/* ... and only when one of its words is in at most this many documents.
 * The phrase is checked in every document holding all the words: on the
 * scale corpus "mener statsråden dette er akseptabelt" (its rarest word in
 * 2,381 of 39,438 documents) took 121 ms with the phrase and 6-10 ms
 * without (median of 6, no snippets), and MRR@10 on the relevance sets was
 * the same to three decimals. */
#define QB_PROXIMITY_DOCS 1000

/* An optional word beside other words that is in more than this share of
 * the documents, and more than QB_COMMON_DOCS of them, is matched by its
 * exact form, its lemmas and (if folding changes it: æ, ø, å, accents)
 * its folded spelling only: not as variant spellings that fold to it, nor by its parts or as a
 * part.  Such a word weighs little in BM25, and those alternatives are the
 * longest posting lists of a question: on the scale corpus the short
 * questions' matching went from p50 14.3 to 10.4 ms, and MRR@10 on the
 * relevance sets moved by +0.003 at most (see DESIGN.md).  A word alone,
 * or required, keeps them all.
 * Beside a word in fewer documents, common words only add weight where the
 * others match: AND_MAYBE(the others, the common ones), as Elasticsearch's
 * "common terms" query did.  Matching of the short questions went from p50
 * 9.6-10.8 to 7.1-8.0 ms, MRR@10 the same to three decimals. */
#define QB_COMMON_SHARE 0.1
#define QB_COMMON_DOCS 1000

/* Most words a "rus*" may stand for by default; more is ARK_EQUERY. */
#define QB_MAX_WILDCARD 500
/* All the words a query's wildcards stand for, as written and folded, are at
 * most this many times the limit of one: Xapian builds the postings of every
 * word before its time limit starts to count, and 1,000 "s*" (300,000 words
 * on the sample archive) took 19 s that no limit bounded. */
#define QB_WILDCARD_SHARE 8

/* Most forms one phrase position expands to. */
#define QB_MAX_FORMS 64

typedef struct {
    ana *ana;
    xdb *db;               /* for the forms of lemmas and variants in phrases */
    strset *words;         /* filled with the exact words the query looks for */
    strset *stems;         /* their lemmas */
    strset *folds;         /* and their folded spellings, for marking snippets */
    int in_abbrev;         /* building an abbreviation's expansion (internal) */
    int among_others;      /* building an optional word beside other words (internal) */
    unsigned max_wildcard; /* most words a "rus*" may stand for; 0: QB_MAX_WILDCARD */
    size_t expanded;       /* words the query's wildcards stand for so far (internal) */
    unsigned groups;       /* groups being built around the current one (internal) */
    xdb_near *near;        /* if not NULL: filled with the words of the outermost
                              group and their forms, for re-ranking by where
                              they stand (free with qb_near_free) */
    const qp_node *near_root; /* that group (internal) */
    unsigned common_above;    /* most documents a word not common is in (internal) */
    strset *form_words;       /* words whose indexed forms were read (internal) */
    strset **forms;           /* and those forms, in the same order (internal) */
} qb_ctx;

/* Frees what qb_build put in near (not near itself); NULL does nothing. */
void qb_near_free(xdb_near *near);

/* Builds the query for root into *out (the caller frees it).  When the query
 * has nothing to search for, returns ARK_EEMPTYQUERY with *why set to a
 * static explanation; ARK_EXAPIAN when the synonym table cannot be read. */
ark_status qb_build(qb_ctx *c, const qp_node *root, xdb_query **out, const char **why);

#endif
