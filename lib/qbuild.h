/* qbuild.h — turns a parsed query tree into the Xapian query arkiv runs.
 *
 * Every word goes through the analyzer in query mode, so it meets the terms
 * the indexer made.  A bare word matches its exact form or its stem:
 * OR(word, Z<stem>), so the exact form, matching both, ranks higher.  A phrase
 * position matches any form of the word that was indexed with the same stem
 * (the synonym table maps Z<stem> to those forms).  The clauses of a group
 * are combined so that required ones must match, excluded ones must not, and
 * each optional clause a document matches adds a fixed bonus larger than any
 * BM25 weight, so that documents with more of the words rank higher.
 */
#ifndef ARKIV_QBUILD_H
#define ARKIV_QBUILD_H

#include "analyzer.h"
#include "query.h"
#include "strset.h"
#include "xapian-shim.h"

/* The bonus for each optional clause a document matches.  BM25 gives one
 * term at most about 2 * ln(N), so 100 outweighs any clause for any
 * archive below billions of documents. */
#define QB_CLAUSE_BONUS 100.0

/* Most forms of one stem that a phrase position expands to. */
#define QB_MAX_FORMS 64

typedef struct {
    ana *ana;
    xdb *db;       /* for the forms of stems in phrases */
    strset *words; /* filled with the exact words the query looks for */
    strset *stems; /* and their stems, for marking snippets */
} qb_ctx;

/* Builds the query for root into *out (the caller frees it).  When the query
 * has nothing to search for, returns ARK_EEMPTYQUERY with *why set to a
 * static explanation; ARK_EXAPIAN when the synonym table cannot be read. */
ark_status qb_build(qb_ctx *c, const qp_node *root, xdb_query **out, const char **why);

#endif
