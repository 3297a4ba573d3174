/* arkiv.h — the public API of libarkiv: index Norwegian documents, search them.
 *
 * Conventions (see STYLE.md): every fallible call returns an ark_status
 * (ARK_OK is 0) and sets its out-parameters to NULL on failure; the handle
 * keeps a description of the last error (ark_*_error), which may name paths
 * and so belongs in logs and on the command line, not in HTTP responses.
 * Every _open has its _close; _close(NULL) and _free(NULL) do nothing.
 */
#ifndef ARKIV_H
#define ARKIV_H

#include <stddef.h>

#include "status.h"

/* ------------------------------------------------------------------ indexing */

typedef struct ark_indexer ark_indexer;

typedef struct {
    unsigned added;   /* new documents */
    unsigned updated; /* documents whose file changed */
    unsigned deleted; /* documents whose file is gone */
    unsigned skipped; /* unchanged files */
    unsigned failed;  /* files that could not be indexed */
} ark_index_counts;

/* Told about each file that failed (status != ARK_OK) or was indexed with a
 * warning (status == ARK_OK, detail says what).  path is as the walk found it. */
typedef void (*ark_report_fn)(void *ctx, const char *path, ark_status st, const char *detail);
/* Told about progress now and then during a run. */
typedef void (*ark_progress_fn)(void *ctx, const ark_index_counts *counts, unsigned files_seen);

typedef struct {
    ark_report_fn report;
    ark_progress_fn progress;
    void *ctx;
    unsigned batch_docs; /* documents per committed transaction; 0: the default (250) */
} ark_index_options;

/* Opens (creating if needed) the index at dbpath for writing.  analysis is
 * "full" (the Norwegian analysis), "basic" (Snowball stems only: the
 * plain-Xapian baseline) or NULL (what the index has; "full" for a new one).
 * Refuses an index of another format version with ARK_EVERSION, one built
 * with another analysis with ARK_EINVAL, and one that another process is
 * writing with ARK_ELOCKED.  ARK_ENOTFOUND when the Norwegian dictionary is
 * not installed.  On failure *err (if err is not NULL) is a description the
 * caller frees. */
ark_status ark_indexer_open(const char *dbpath, const char *analysis, ark_indexer **out,
                            char **err);
/* As ark_indexer_open, for an index of `shards` databases (see shards.h):
 * a new index at dbpath is made a directory of that many shards, and each
 * document goes to the shard a hash of its id picks.  shards 0 takes the
 * index as it is (one database when new); another number than an existing
 * index has is refused with ARK_EINVAL. */
ark_status ark_indexer_open_sharded(const char *dbpath, const char *analysis, unsigned shards,
                                    ark_indexer **out, char **err);
void ark_indexer_close(ark_indexer *ix);
const char *ark_indexer_error(const ark_indexer *ix);

/* A file of this name at the top of a directory root is the archive's
 * catalogue (see README): it gives or corrects the fields of the documents
 * it lists, and wins over what their text says.  It is not indexed itself. */
#define ARK_CATALOGUE_NAME "catalogue.xml"

/* Makes the index mirror the files under the given roots (directories, walked
 * recursively, or single files): new files are added, changed ones replaced,
 * unchanged ones skipped, and documents whose file is gone are deleted.  Each
 * file's id is its path relative to its root (a single file: its name).
 * Files that cannot be indexed are reported and counted, never fatal; a file
 * that fails keeps its previous version in the index.  Changes are committed
 * in batches, so an interrupted run leaves the index as of its last commit.
 * A first import (into an index of one database with no documents) commits
 * its batches into segments beside the index and merges them in, which is
 * faster at scale: an interrupted one leaves the index as of its last merge
 * (segments.h).  Returns an error only when the index itself fails. */
ark_status ark_indexer_run(ark_indexer *ix, const char *const *roots, size_t nroots,
                           const ark_index_options *opts, ark_index_counts *counts);

/* Rewrites the committed index compactly: Xapian's compaction into the
 * directory DIR.compacting, then exchanged with DIR in one step, so that a
 * kill leaves the old index or the new one.  A bulk import that commits in
 * batches leaves B-tree blocks half full: on 2,000 speeches the index went
 * from 160 to 72 MB.  A searcher that reads across the exchange retries its
 * search once.  The indexer stays open for another run.  After a first
 * import (a run into an empty index), which merges what it wrote compactly
 * already (segments.h), there is nothing to do. */
ark_status ark_indexer_compact(ark_indexer *ix);

/* ------------------------------------------------------------------ searching */

typedef struct ark_searcher ark_searcher;

typedef struct {
    char *id; /* the document id: its path without the extension */
    char *title;
    char *path;    /* relative to the indexed root */
    char *snippet; /* the best passage, matched words between the markers */
    char *why;     /* with the explain option: each matched word and how it
                      matched ("åpent (lemma åpen)"); else NULL */
    double score;
    unsigned together;     /* how many of the query's words stand within a few
                              words of each other here, when that re-ranked the
                              first hits; else 0 */
    double together_bonus; /* what that added to score */
    char *together_words;  /* with the explain option and a bonus: which words, as
                              the query has them ("budsjett, sykehus"); else NULL */
    char *date;     /* "2023-04-21", "2026-03", "2023"; "" when not known */
    char *date_end; /* last day of a multi-day meeting, or "" */
    char *kind;     /* "referat", ...; "" when not known */
    char *access;   /* "public" or "internal" */
    char *format;   /* "text", "html", "xml", "arkiv-xml", "pdf" */
    unsigned section_number; /* the agenda item the best passage is in; 0: none */
    char *section;           /* its heading, or "" */
    char *presenter;         /* its presenter ("AIS"), or "" */
    int section_internal;    /* that agenda item is internal (staff searches only) */
    unsigned page;           /* the page the best passage is on; 0: no pages */
} ark_hit;

typedef struct {
    char *value;
    unsigned count;
} ark_facet;

typedef struct {
    ark_hit *hits;
    size_t nhits;
    unsigned total; /* number of matching documents (exact up to 1,000) */
    int total_exact; /* whether total is exact rather than an estimate */
    ark_facet *kinds; /* with the facets option: matches per kind, */
    size_t nkinds;
    ark_facet *years; /* and per year, in order */
    size_t nyears;
    int facets_exact; /* whether those are exact rather than estimates */
    size_t nshards;  /* the databases searched as one (1 for an index of one) */
    size_t *missing; /* those that could not be reached, numbered from 1 in the */
    size_t nmissing; /* order of the stubs: the hits and counts are the others' */
} ark_results;

typedef enum {
    ARK_SORT_RELEVANCE = 0, /* the default when the query has words */
    ARK_SORT_NEWEST,        /* by date, newest first; then relevance */
    ARK_SORT_OLDEST,
} ark_sort;

typedef struct {
    unsigned offset;
    unsigned limit;         /* 0: 10 */
    const char *mark_open;  /* NULL: "<mark>" */
    const char *mark_close; /* NULL: "</mark>" */
    int html;               /* escape the snippet's text for HTML */
    int no_snippets;        /* leave snippets empty (batch runs, evaluations) */
    int explain;            /* fill ark_hit.why */
    int internal;           /* the reader may see internal material; else only
                               public documents and passages are searched */
    int facets;             /* count matches per kind and per year */
    ark_sort sort;          /* a query of filters only sorts by date (newest) */
    const char *kind;       /* only this kind (as type: in the query) */
    const char *from;       /* only documents dated from this day, month or year */
    const char *to;         /* and up to this one (same forms as fra:/til:) */
    unsigned max_words;     /* > 0: refuse (ARK_EQUERY) a query with more words */
    unsigned max_expansion; /* most words a "rus*" may stand for (more: ARK_EQUERY);
                               0: 500 */
    double time_limit;      /* > 0: seconds after which matching stops and the
                               hits and counts are those found by then */
} ark_search_options;

/* Opens the index at dbpath for searching; ARK_ENOTFOUND when there is none,
 * ARK_EVERSION when it has another format.  *err as for ark_indexer_open.
 * dbpath may be a sharded index or a stub naming local and remote shards
 * (see shards.h): they are searched as one index. */
ark_status ark_searcher_open(const char *dbpath, ark_searcher **out, char **err);

typedef struct {
    double shard_timeout; /* seconds an exchange with a remote shard may take
                             before the shard is left out; 0: 10 */
    int one_query;        /* the process runs one query and ends: the Nynorsk
                             dictionary is opened only if the query needs it
                             (0.15 s).  A daemon or a batch opens it at once, so
                             that no query waits for it. */
} ark_open_options;

/* As ark_searcher_open, over n indexes (each a database, a sharded index or
 * a stub) searched as one, with Xapian's combined statistics, so the ranking
 * is that of one index holding everything.  A remote shard that does not
 * answer is left out and tried again every few seconds: the results say
 * which (ark_results.missing).  ARK_EUNREACHABLE when none answers. */
ark_status ark_searcher_open_many(const char *const *dbpaths, size_t n,
                                  const ark_open_options *opts, ark_searcher **out, char **err);

/* The shard numbered `number` (from 1, as in ark_results.missing) as its
 * stub names it ("10.0.0.7:7001", "shard-2"), for logs; "" if none.
 * Borrowed until the searcher is closed. */
const char *ark_searcher_shard_name(const ark_searcher *s, size_t number);

/* How many shards cannot be reached just now (as of the last refresh or
 * search), and in *nshards how many there are. */
size_t ark_searcher_missing(const ark_searcher *s, size_t *nshards);
void ark_searcher_close(ark_searcher *s);
const char *ark_searcher_error(const ark_searcher *s);

/* Runs query (see query.h for the language, filters.h for the filters it
 * may carry).  ARK_EEMPTYQUERY when it has neither a word nor a filter, ARK_EQUERY when it cannot be understood; then
 * ark_searcher_error says why in words fit for the user.  The caller frees
 * *out with ark_results_free. */
ark_status ark_search(ark_searcher *s, const char *query, const ark_search_options *opts,
                      ark_results **out);
void ark_results_free(ark_results *r);

/* Brings the searcher up to the index's latest commit (cheap when nothing
 * changed).  Searches retry by themselves when a commit lands mid-search. */
ark_status ark_searcher_refresh(ark_searcher *s);

/* The index's revision (it grows with every commit) and how many documents
 * a reader sees (internal: staff, else the public). */
ark_status ark_searcher_stats(ark_searcher *s, int internal, unsigned *documents,
                              unsigned long *revision);

/* The Xapian query arkiv runs for query, for --explain and tests; the caller
 * frees it.  NULL (with the status) when the query has no words. */
ark_status ark_search_describe(ark_searcher *s, const char *query, char **out);

/* ------------------------------------------------------------------ documents */

typedef struct {
    unsigned number; /* the agenda item; 0 for text outside agenda items */
    char *heading;   /* its heading, presenter and access level ("public", */
    char *presenter; /* "internal"), or "" */
    char *access;
    char *text;   /* the block's text */
    char *marked; /* the same, escaped for HTML, the query's matches between
                     the markers (only escaped without a query) */
} ark_block;

typedef struct {
    char *id; /* the path, as in ark_hit */
    char *title, *date, *date_end, *kind, *access, *format, *description;
    char **participants;
    size_t nparticipants;
    unsigned pages;    /* 0: the format has no pages */
    char *fields;      /* a JSON object of the fields arkiv does not know (kept
                          from JSON Lines imports), or NULL */
    ark_block *blocks; /* the text in order: agenda items and what lies between */
    size_t nblocks;
} ark_document;

/* The document at path (ark_hit.path) as the reader sees it: a public
 * reader gets the public view (without internal passages), and
 * ARK_ENOTFOUND for an internal document, exactly as for one that does not
 * exist.  query (may be NULL or ""): the matches to mark, with the markers and
 * the internal flag of opts.  The caller frees *out with ark_document_free. */
ark_status ark_document_get(ark_searcher *s, const char *path, const char *query,
                            const ark_search_options *opts, ark_document **out);
void ark_document_free(ark_document *d);

/* ------------------------------------------------------------------ suggestions */

/* Up to max completions of the last word of text, most frequent first, each
 * the whole text with that word completed ("åpne rus" → "åpne rusmiljø").
 * Only words the reader (opts->internal) can find are offered.  The caller
 * frees *out with ark_strings_free. */
ark_status ark_complete(ark_searcher *s, const char *text, const ark_search_options *opts,
                        size_t max, char ***out, size_t *n);
void ark_strings_free(char **v, size_t n);

/* "Did you mean": query with its unknown or rare words replaced by close
 * spellings that the reader finds clearly more often ("rusmijlø" →
 * "rusmiljø"), when that query finds something and at least the `found`
 * documents the query found; else *out is NULL.
 * The caller frees *out. */
ark_status ark_did_you_mean(ark_searcher *s, const char *query, const ark_search_options *opts,
                            unsigned found, char **out);

#endif
