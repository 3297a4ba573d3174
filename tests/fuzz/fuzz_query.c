/* fuzz_query.c — fuzz target for the query parser and the whole search path.
 *
 * Each input is a query, arbitrary bytes: it is parsed with qp_parse and
 * described with qp_describe, then searched with ark_search (and
 * ark_search_describe) over a small index of two Norwegian documents, so
 * that the query builder, Xapian and the snippets see it too.  Whatever the
 * query, the only statuses allowed are ARK_OK, ARK_EEMPTYQUERY and
 * ARK_EQUERY; anything else, or a result that breaks arkiv.h's promises,
 * aborts.
 *
 * The index is built once, in a fresh temporary directory that is removed
 * at exit, so that runs leave nothing behind.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arkiv.h"
#include "fuzz.h"
#include "query.h"
#include "xalloc.h"

/* Two documents with what the analyzer treats specially (joiners, dates,
 * decimals, typographic quotes, a soft hyphen, a combining accent), so that
 * fuzzed queries can match and the snippet code runs on real hits. */
static const char DOC_POLITI[] =
    "Referat Politirådet i Oslo 21.04.2023\n"
    "\n"
    "Ny politimester i Oslo er Ida Melbo Øystese, hun starter fra 1.mai.\n"
    "Åpningstiden er utvidet til 08–23 alle hverdager og 08-16 lørdag og søndag.\n"
    "Det er større etterspørsel, særlig etter ID-kort og HC-kort. Prisveksten\n"
    "er 3,5 prosent, og budsjettsituasjonen er krevende.\n";

static const char DOC_RUS[] =
    "Åpne rusmiljø i Oslo\n"
    "\n"
    "Politiet følger de åpne rusmiljøene tett, og Pride-paraden ble omtalt.\n"
    "«Violence as a service» er et nytt fenomen blant unge; skeive miljøer\n"
    "ber om én-til-én-oppfølging. Kafe\xcc\x81"
    "en på hjørnet serverer\n"
    "sof\xc2\xad"
    "tware-folk kaffe fra 07.30 til 16.00.\n";

static char *tmp_root; /* the temporary directory, NULL until set up */
static ark_searcher *searcher;

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path) == 0 ? 0 : -1;
}

/* At exit: close the index before removing it, then the directory. */
static void cleanup(void)
{
    ark_searcher_close(searcher);
    searcher = NULL;
    if (tmp_root) {
        /* FTW_DEPTH: files before their directory; FTW_PHYS: never follow
         * a link out of the temporary directory. */
        if (nftw(tmp_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
            fprintf(stderr, "fuzz_query: could not remove %s\n", tmp_root);
        free(tmp_root);
        tmp_root = NULL;
    }
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char *path = ark_sprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) == EOF || fclose(f) != 0)
        fuzz_fail("query", "could not write %s", path);
    free(path);
}

static char *make_tmp_root(void)
{
    const char *tmp = getenv("TMPDIR");
    char *root = ark_sprintf("%s/arkiv-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root))
        fuzz_fail("query", "mkdtemp %s failed", root);
    return root;
}

static void build_index(const char *docs, const char *db)
{
    ark_indexer *ix;
    char *err = NULL;
    if (ark_indexer_open(db, NULL, &ix, &err) != ARK_OK)
        fuzz_fail("query", "ark_indexer_open: %s", err ? err : "?");
    ark_index_counts counts;
    const char *roots[] = {docs};
    if (ark_indexer_run(ix, roots, 1, NULL, &counts) != ARK_OK)
        fuzz_fail("query", "ark_indexer_run: %s", ark_indexer_error(ix));
    if (counts.added != 2 || counts.failed != 0)
        fuzz_fail("query", "indexing added %u and failed %u documents, expected 2 and 0",
                  counts.added, counts.failed);
    ark_indexer_close(ix);
}

/* On first use: the two documents, indexed, and a searcher on the index. */
static ark_searcher *get_searcher(void)
{
    if (searcher)
        return searcher;
    tmp_root = make_tmp_root();
    atexit(cleanup);
    char *docs = ark_sprintf("%s/docs", tmp_root);
    char *db = ark_sprintf("%s/db", tmp_root);
    if (mkdir(docs, 0700) != 0)
        fuzz_fail("query", "mkdir %s failed", docs);
    write_file(docs, "politiraad.txt", DOC_POLITI);
    write_file(docs, "rusmiljo.txt", DOC_RUS);
    build_index(docs, db);
    char *err = NULL;
    if (ark_searcher_open(db, &searcher, &err) != ARK_OK)
        fuzz_fail("query", "ark_searcher_open: %s", err ? err : "?");
    free(docs);
    free(db);
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

#ifdef ARKIV_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_query_one(data, size);
}
#endif
