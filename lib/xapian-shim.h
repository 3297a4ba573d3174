/* xapian-shim.h — the C face of the part of Xapian arkiv uses.
 *
 * Only xapian-shim.cc includes <xapian.h>; everything else reaches Xapian
 * through these functions.  No exception crosses into C: each call catches
 * them and returns a distinct ark_status.  The description of the last error
 * is kept on the handle (xdb_error); it may name paths, so it is for logs
 * and the command line, never for an HTTP response.
 *
 * Ownership: every _new/_open has its _free/_close, and x_free(NULL) does
 * nothing.  Strings returned through char ** are the caller's to free().
 */
#ifndef ARKIV_XAPIAN_SHIM_H
#define ARKIV_XAPIAN_SHIM_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
#define XDB_NOEXCEPT noexcept
extern "C" {
#else
#define XDB_NOEXCEPT
#endif

typedef struct xdb xdb;
typedef struct xdb_doc xdb_doc;
typedef struct xdb_query xdb_query;
typedef struct xdb_mset xdb_mset;
typedef struct xdb_stemmer xdb_stemmer;

/* ---- databases ---- */

/* Opens the database at path, for writing (created if missing) or reading.
 * On failure *out is NULL and, if err is not NULL, *err is a description the
 * caller frees. */
ark_status xdb_open(const char *path, int writable, xdb **out, char **err) XDB_NOEXCEPT;
void xdb_close(xdb *db) XDB_NOEXCEPT;

/* ---- several databases searched as one (shards) ---- */

typedef enum {
    XDB_SHARD_LOCAL, /* where: a database directory (or a stub Xapian opens itself) */
    XDB_SHARD_TCP,   /* where: a host running xapian-tcpsrv on port */
    XDB_SHARD_PROG,  /* where: a program that speaks Xapian's remote protocol on
                        its standard input and output (xapian-progsrv, perhaps
                        through ssh), run with args */
} xdb_shard_kind;

typedef struct {
    xdb_shard_kind kind;
    const char *where;
    const char *args; /* XDB_SHARD_PROG only; may be NULL */
    unsigned port;    /* XDB_SHARD_TCP only */
} xdb_shard;

/* Opens the n shards for reading as one database: Xapian ranks over them
 * with their combined statistics, as if they were one.  Each exchange with a
 * remote shard may take timeout_ms (0: 10 s).  A remote shard that cannot
 * be reached is left out (xdb_shard_up) and tried again every few seconds
 * by xdb_reopen; a search that loses one runs again over the others.  A
 * local shard must open.  ARK_EUNREACHABLE when no shard answers; *err as
 * for xdb_open. */
ark_status xdb_open_shards(const xdb_shard *shards, size_t n, unsigned timeout_ms, xdb **out,
                           char **err) XDB_NOEXCEPT;
/* How many databases db searches (1 unless opened over shards), and whether
 * the i-th of them (from 0) answers just now. */
size_t xdb_shard_count(const xdb *db) XDB_NOEXCEPT;
int xdb_shard_up(const xdb *db, size_t i) XDB_NOEXCEPT;
/* Changes whenever a shard is left out or comes back: document ids from
 * before belong to another set of shards and must not be read. */
unsigned xdb_generation(const xdb *db) XDB_NOEXCEPT;
/* Description of the last failure on db; borrowed until the next call on db. */
const char *xdb_error(const xdb *db) XDB_NOEXCEPT;
/* Brings a reader up to the latest committed revision. */
ark_status xdb_reopen(xdb *db) XDB_NOEXCEPT;
ark_status xdb_doc_count(xdb *db, unsigned *count) XDB_NOEXCEPT;
/* The committed revision the reader sees; it grows with every commit. */
ark_status xdb_revision(xdb *db, unsigned long *rev) XDB_NOEXCEPT;
/* In how many documents term occurs (0 when it is not in the index). */
ark_status xdb_term_freq(xdb *db, const char *term, size_t len, unsigned *freq) XDB_NOEXCEPT;

/* Metadata; *value is "" when the key is not set. */
ark_status xdb_get_metadata(xdb *db, const char *key, char **value) XDB_NOEXCEPT;
ark_status xdb_set_metadata(xdb *db, const char *key, const char *value) XDB_NOEXCEPT;

/* Writes between begin and commit are applied all together or not at all. */
ark_status xdb_begin(xdb *db) XDB_NOEXCEPT;
ark_status xdb_commit(xdb *db) XDB_NOEXCEPT;

/* Writes a compact copy of the committed index into the new directory dest
 * (Xapian's compaction, document ids kept). */
ark_status xdb_compact(xdb *db, const char *dest) XDB_NOEXCEPT;
ark_status xdb_cancel(xdb *db) XDB_NOEXCEPT;

/* Creates the database at path (it must not exist) for writing, its commits
 * not synced to disk: a segment of a first import (segments.h), merged into
 * the index or thrown away, never read after a crash.  *err as for xdb_open,
 * always set on failure. */
ark_status xdb_open_segment(const char *path, xdb **out, char **err) XDB_NOEXCEPT;
/* Writes into the new directory dest one compact database holding the
 * committed documents of the databases at paths[0..n), in that order and
 * numbered afresh, with their metadata; a synonym list found in several is
 * their union.  *err (to free) says what failed. */
ark_status xdb_merge(const char *const *paths, size_t n, const char *dest, char **err) XDB_NOEXCEPT;
/* Deletes every document indexed by uid but the one added last. */
ark_status xdb_keep_last(xdb *db, const char *uid) XDB_NOEXCEPT;

/* Adds doc, replacing any document indexed by the unique term uid. */
ark_status xdb_replace(xdb *db, const char *uid, const xdb_doc *doc) XDB_NOEXCEPT;
/* Deletes the document indexed by uid; ARK_OK if there was none. */
ark_status xdb_delete(xdb *db, const char *uid) XDB_NOEXCEPT;
/* Finds the document indexed by uid: ARK_ENOTFOUND if none. */
ark_status xdb_find(xdb *db, const char *uid, unsigned *docid) XDB_NOEXCEPT;
/* Sets one value of a stored document, leaving the rest as it was. */
ark_status xdb_set_value(xdb *db, unsigned docid, unsigned slot, const char *value) XDB_NOEXCEPT;
/* The value in a slot, and the document data; "" when unset. */
ark_status xdb_value(xdb *db, unsigned docid, unsigned slot, char **value) XDB_NOEXCEPT;
ark_status xdb_data(xdb *db, unsigned docid, char **data, size_t *len) XDB_NOEXCEPT;

/* Calls fn for every term starting with prefix (the full term, with the
 * prefix); stops early and returns ARK_OK if fn returns non-zero. */
typedef int (*xdb_term_fn)(const char *term, size_t len, void *ctx);
ark_status xdb_each_term(xdb *db, const char *prefix, xdb_term_fn fn, void *ctx) XDB_NOEXCEPT;

/* As xdb_each_term, also telling in how many documents each term occurs. */
typedef int (*xdb_term_freq_fn)(const char *term, size_t len, unsigned freq, void *ctx);
ark_status xdb_each_term_freq(xdb *db, const char *prefix, xdb_term_freq_fn fn,
                              void *ctx) XDB_NOEXCEPT;

/* The synonym table: key -> terms. */
ark_status xdb_add_synonym(xdb *db, const char *key, const char *term, size_t len) XDB_NOEXCEPT;
ark_status xdb_each_synonym(xdb *db, const char *key, xdb_term_fn fn, void *ctx) XDB_NOEXCEPT;

/* ---- documents being built ---- */

xdb_doc *xdb_doc_new(void) XDB_NOEXCEPT;
void xdb_doc_free(xdb_doc *doc) XDB_NOEXCEPT;
/* Adds term at position pos; wdf_inc > 1 makes the occurrence count more
 * (heading words). */
void xdb_doc_add_posting(xdb_doc *doc, const char *term, size_t len, unsigned pos,
                         unsigned wdf_inc) XDB_NOEXCEPT;
void xdb_doc_add_term(xdb_doc *doc, const char *term, size_t len, unsigned wdf) XDB_NOEXCEPT;
void xdb_doc_set_value(xdb_doc *doc, unsigned slot, const char *value, size_t len) XDB_NOEXCEPT;
void xdb_doc_set_data(xdb_doc *doc, const char *data, size_t len) XDB_NOEXCEPT;

/* ---- queries ---- */

typedef enum {
    XDB_OP_AND,
    XDB_OP_OR,
    XDB_OP_AND_NOT,   /* first subquery, but none of the others */
    XDB_OP_AND_MAYBE, /* first subquery; the others only add weight */
    XDB_OP_PHRASE,    /* subqueries must be terms or ORs of terms */
    XDB_OP_SYNONYM,   /* like OR, but weighted as one term (alternative forms) */
    XDB_OP_FILTER,    /* first subquery, restricted to documents matching all the
                         others, which add no weight */
} xdb_op;

/* Queries are values: combining copies, so the caller frees what it made. */
xdb_query *xdb_query_term(const char *term, size_t len, unsigned wqf) XDB_NOEXCEPT;
xdb_query *xdb_query_combine(xdb_op op, xdb_query *const *subs, size_t n) XDB_NOEXCEPT;
/* Documents where the subqueries (terms or ORs of terms) all occur within
 * `window` positions of each other, in any order. */
xdb_query *xdb_query_near(xdb_query *const *subs, size_t n, unsigned window) XDB_NOEXCEPT;
/* Multiplies the weight q contributes by factor (>= 0). */
xdb_query *xdb_query_scale(const xdb_query *q, double factor) XDB_NOEXCEPT;
/* Adds `bonus` to the weight of every document that q matches, so that
 * documents matching more clauses of a query rank above those matching fewer. */
xdb_query *xdb_query_with_bonus(const xdb_query *q, double bonus) XDB_NOEXCEPT;
/* Every document (a query of filters only). */
xdb_query *xdb_query_all(void) XDB_NOEXCEPT;
/* Documents whose value in slot is >= (ge) or <= (!ge) value, bytewise. */
xdb_query *xdb_query_value(unsigned slot, int ge, const char *value) XDB_NOEXCEPT;
void xdb_query_free(xdb_query *q) XDB_NOEXCEPT;
/* Xapian's description of q, for tests and --explain; the caller frees it. */
char *xdb_query_describe(const xdb_query *q) XDB_NOEXCEPT;

/* ---- running a query ---- */

/* Totals up to this many matches are exact; above, they and the facet
 * counts are estimated (as Meilisearch does; Elasticsearch counts to
 * 10,000).  See "Counting" in docs/DESIGN.md. */
#define XDB_EXACT_TOTAL 1000
/* Above it, the facets and the total are counted over about this many
 * matches, spread over the whole index, and scaled. */
#define XDB_SAMPLE 500

#define XDB_MAX_FACETS 4
/* Separates the facets' fields in the facet slot's value ("referat\x1f2025"). */
#define XDB_FACET_SEP '\x1f'

/* Re-ranking by where the query's words stand: each of the first
 * XDB_NEAR_DEPTH hits (whatever the page, so that pages agree) gains
 * XDB_NEAR_BONUS for every query word beyond the first in its best stretch
 * of XDB_NEAR_WINDOW positions (the most distinct words).  See "Words that
 * stand together" in docs/DESIGN.md for the measurements. */
#define XDB_NEAR_DEPTH 10
#define XDB_NEAR_WINDOW 8
#define XDB_NEAR_BONUS 4.0
#define XDB_NEAR_GROUPS 64 /* more query words than this: the first ones */
/* Positions read per hit, at most (and then those of one more form): the
 * common words of a query in a law of a million words would otherwise be
 * read whole. */
#define XDB_NEAR_POSITIONS 100000

/* The query's words for that re-ranking: terms[i] is an indexed word (the
 * terms with positions) standing for query word group[i], of ngroups. */
typedef struct {
    char **terms;
    unsigned *group;
    size_t n, cap;
    unsigned ngroups;
    char *words[XDB_NEAR_GROUPS]; /* each query word as analyzed, for explaining */
} xdb_near;

typedef struct {
    unsigned offset, limit;
    int sort_slot; /* -1: by relevance; else by this value slot, then relevance */
    int sort_desc; /* with sort_slot: highest value first */
    unsigned facet_slot; /* with nfacets: the slot whose values hold the facets, */
    unsigned nfacets;    /* this many fields (at most XDB_MAX_FACETS) separated by
                            XDB_FACET_SEP, each counted over the matches: one value
                            read per match, whatever the number of facets */
    double time_limit; /* seconds; > 0: stop looking at more matches after this long,
                          so the hits and counts are those found by then */
    const xdb_near *near; /* if not NULL, with two words or more, by relevance, on a
                             page that starts among the first XDB_NEAR_DEPTH: re-rank
                             by where they stand (not over remote shards) */
} xdb_search_opts;

/* Runs q with BM25 and returns hits [offset, offset + limit), and the
 * facet counts over all matches (exact up to XDB_EXACT_TOTAL, then
 * estimated from a sample of XDB_SAMPLE). */
ark_status xdb_search(xdb *db, const xdb_query *q, const xdb_search_opts *o,
                      xdb_mset **out) XDB_NOEXCEPT;
/* Facet f's values (in value order) and how many matches have each. */
size_t xdb_mset_facet_size(const xdb_mset *m, unsigned f) XDB_NOEXCEPT;
const char *xdb_mset_facet_value(const xdb_mset *m, unsigned f, size_t i) XDB_NOEXCEPT;
unsigned xdb_mset_facet_count(const xdb_mset *m, unsigned f, size_t i) XDB_NOEXCEPT;
void xdb_mset_free(xdb_mset *m) XDB_NOEXCEPT;
unsigned xdb_mset_size(const xdb_mset *m) XDB_NOEXCEPT;
/* Xapian's estimate of all matching documents. */
unsigned xdb_mset_estimate(const xdb_mset *m) XDB_NOEXCEPT;
/* Whether that number is exact (not an estimate). */
int xdb_mset_exact(const xdb_mset *m) XDB_NOEXCEPT;
/* Whether the facet counts are exact (not scaled from those looked at). */
int xdb_mset_facets_exact(const xdb_mset *m) XDB_NOEXCEPT;
unsigned xdb_mset_docid(const xdb_mset *m, unsigned i) XDB_NOEXCEPT;
double xdb_mset_weight(const xdb_mset *m, unsigned i) XDB_NOEXCEPT;
/* The query words that stand together in hit i (see XDB_NEAR_WINDOW), bit g
 * for word g of the xdb_near, when the hits were re-ranked by it; else 0. */
unsigned long long xdb_mset_together(const xdb_mset *m, unsigned i) XDB_NOEXCEPT;
/* What words standing together add to a hit's weight. */
double xdb_near_bonus(unsigned long long together) XDB_NOEXCEPT;

/* ---- stemming ---- */

/* A Snowball stemmer for language ("norwegian"); ARK_EINVAL if unknown. */
ark_status xdb_stemmer_new(const char *language, xdb_stemmer **out) XDB_NOEXCEPT;
void xdb_stemmer_free(xdb_stemmer *st) XDB_NOEXCEPT;
/* Stems word (UTF-8, case-folded) into out, NUL-terminated; returns the
 * stem's length, or 0 when it does not fit in cap bytes. */
size_t xdb_stem(xdb_stemmer *st, const char *word, size_t len, char *out, size_t cap) XDB_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif
