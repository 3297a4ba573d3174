/* searcher.h — what search.c shares with the other parts of ark_searcher
 * (docview.c, suggest.c): the handle, query building and counting. */
#ifndef ARKIV_SEARCHER_H
#define ARKIV_SEARCHER_H

#include "analyzer.h"
#include "arkiv.h"
#include "strset.h"
#include "xapian-shim.h"

struct ark_searcher {
    xdb *db;
    ana *ana;
    char *error;
    char **shard_names; /* as the stubs name them, for logs */
    size_t nshards;
};

/* The sets of what a query looks for, for marking matches. */
typedef struct {
    strset *words, *stems, *folds;
    int want_near;  /* set before srch_build: fill near */
    xdb_near near;  /* the words and forms for re-ranking by where they stand */
} srch_marks;

void srch_marks_init(srch_marks *m);
void srch_marks_free(srch_marks *m);

void srch_set_error(ark_searcher *s, const char *msg);

/* The whole query: its words (or every document, for filters alone),
 * filtered by what the reader may see and by the filters; *filters_only
 * tells that there were no words.  The caller frees *out. */
ark_status srch_build(ark_searcher *s, const char *query, const ark_search_options *o,
                      srch_marks *m, xdb_query **out, int *filters_only);

/* q restricted to what the reader (o->internal) may see; the caller frees it. */
xdb_query *srch_visible(const xdb_query *q, const ark_search_options *o);

/* Runs q, once more after reopening if a commit landed meanwhile; the
 * error is kept on s.  The caller frees *out. */
ark_status srch_mset(ark_searcher *s, const xdb_query *q, const xdb_search_opts *xo,
                     xdb_mset **out);

/* How many documents the reader finds with q (which srch_visible has
 * restricted already); retries once after a commit. */
ark_status srch_count(ark_searcher *s, const xdb_query *q, unsigned *count);

#endif
