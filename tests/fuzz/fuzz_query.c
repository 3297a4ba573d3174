/* fuzz_query.c — fuzz target for the query parser and the whole search path.
 *
 * Each input is a query, arbitrary bytes: it is parsed with qp_parse and
 * described with qp_describe, then searched with ark_search (and
 * ark_search_describe) over a small index of three Norwegian documents, so
 * that the query builder, Xapian and the snippets see it too.  Whatever the
 * query, the only statuses allowed are ARK_OK, ARK_EEMPTYQUERY and
 * ARK_EQUERY; anything else, or a result that breaks arkiv.h's promises,
 * aborts.
 *
 * The index is fuzz_common.c's, built once per process.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arkiv.h"
#include "fuzz.h"
#include "query.h"
#include "xalloc.h"

static ark_searcher *searcher;

/* At exit, before fuzz_common.c removes the index (atexit runs in reverse
 * order, and the index was made before this was registered). */
static void close_searcher(void)
{
    ark_searcher_close(searcher);
    searcher = NULL;
}

/* On first use: a searcher on the shared index. */
static ark_searcher *get_searcher(void)
{
    if (searcher)
        return searcher;
    const char *db = fuzz_index();
    char *err = NULL;
    if (ark_searcher_open(db, &searcher, &err) != ARK_OK)
        fuzz_fail("query", "ark_searcher_open: %s", err ? err : "?");
    atexit(close_searcher);
    return searcher;
}

/* The parser is lenient: it refuses only an over-long (or, by its header,
 * too deeply nested) query, and then says why. */
static void check_parse(const char *query, size_t len)
{
    qp_node *tree = NULL;
    const char *why = NULL;
    ark_status st = qp_parse(query, len, &tree, &why);
    if (st == ARK_EQUERY) {
        if (tree || !why)
            fuzz_fail("query", "qp_parse refused without a reason, or left a tree");
        return;
    }
    if (st != ARK_OK || !tree)
        fuzz_fail("query", "qp_parse returned %s, tree %p", ark_status_name(st), (void *)tree);
    if (len > QP_MAX_BYTES)
        fuzz_fail("query", "qp_parse accepted %zu bytes, over QP_MAX_BYTES", len);
    char *desc = qp_describe(tree);
    if (!desc)
        fuzz_fail("query", "qp_describe returned NULL");
    free(desc);
    qp_free(tree);
}

/* Three ways to ask, chosen by the input so that each gets fuzzed: the
 * defaults, HTML escaping with ASCII markers, and a second page of one hit
 * with non-ASCII markers. */
static const ark_search_options *pick_options(size_t len)
{
    /* Designated, so that a new option does not break -Wextra. */
    static const ark_search_options html = {
        .limit = 3, .mark_open = "[[", .mark_close = "]]", .html = 1};
    static const ark_search_options paged = {
        .offset = 1, .limit = 1, .mark_open = "\xc2\xab", .mark_close = "\xc2\xbb"};
    switch (len % 3) {
    case 0:
        return NULL;
    case 1:
        return &html;
    default:
        return &paged;
    }
}

static void check_hit(const ark_hit *h)
{
    if (!h->id || !h->title || !h->path || !h->snippet)
        fuzz_fail("query", "a hit with a NULL field");
    /* The stored text is valid UTF-8 and so are the markers: a snippet that
     * is not was cut inside a character. */
    if (!fuzz_valid_utf8(h->snippet, strlen(h->snippet)))
        fuzz_fail("query", "snippet is not valid UTF-8: %s", h->snippet);
}

static void check_results(const ark_results *r, const ark_search_options *o)
{
    unsigned limit = o && o->limit ? o->limit : 10;
    if (!r)
        fuzz_fail("query", "ark_search returned ARK_OK without results");
    if (r->nhits > limit)
        fuzz_fail("query", "%zu hits, over the limit of %u", r->nhits, limit);
    if (r->nhits && !r->hits)
        fuzz_fail("query", "%zu hits but no array", r->nhits);
    for (size_t i = 0; i < r->nhits; i++)
        check_hit(&r->hits[i]);
}

static void check_search(ark_searcher *s, const char *query, size_t len)
{
    const ark_search_options *o = pick_options(len);
    ark_results *r = NULL;
    ark_status st = ark_search(s, query, o, &r);
    if (st == ARK_OK) {
        check_results(r, o);
    } else if (st == ARK_EEMPTYQUERY || st == ARK_EQUERY) {
        const char *why = ark_searcher_error(s);
        if (r)
            fuzz_fail("query", "ark_search failed with %s but left results", ark_status_name(st));
        if (!why || !*why)
            fuzz_fail("query", "ark_search failed with %s without saying why", ark_status_name(st));
    } else {
        fuzz_fail("query", "ark_search returned %s: %s", ark_status_name(st),
                  ark_searcher_error(s));
    }
    ark_results_free(r);

    /* --explain must agree with the search on whether the query is one. */
    char *desc = NULL;
    ark_status dst = ark_search_describe(s, query, &desc);
    if (dst != st)
        fuzz_fail("query", "ark_search_describe returned %s, ark_search %s", ark_status_name(dst),
                  ark_status_name(st));
    if ((dst == ARK_OK) != (desc != NULL))
        fuzz_fail("query", "ark_search_describe returned %s with description %p",
                  ark_status_name(dst), (void *)desc);
    free(desc);
}

int fuzz_query_one(const uint8_t *data, size_t size)
{
    ark_searcher *s = get_searcher();
    /* The API takes C strings: a copy with its NUL.  ark_search sees the
     * query up to its first NUL byte, qp_parse sees all of it. */
    char *query = ark_malloc(size + 1);
    if (size)
        memcpy(query, data, size);
    query[size] = '\0';
    check_parse(query, size);
    check_search(s, query, strlen(query));
    free(query);
    return 0;
}

FUZZ_LIBFUZZER_ENTRY(fuzz_query_one)
