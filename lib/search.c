/* search.c — ark_searcher: parse, build, run, and dress the hits. */
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "arkiv.h"
#include "dbformat.h"
#include "qbuild.h"
#include "query.h"
#include "snippet.h"
#include "terms.h"
#include "xalloc.h"
#include "xapian-shim.h"

struct ark_searcher {
    xdb *db;
    ana *ana;
    char *error;
};

static void set_error(ark_searcher *s, const char *msg)
{
    free(s->error);
    s->error = ark_strdup(msg);
}

ark_status ark_searcher_open(const char *dbpath, ark_searcher **out, char **err)
{
    *out = NULL;
    if (err)
        *err = NULL;
    xdb *db;
    ark_status st = xdb_open(dbpath, 0, &db, err);
    if (st != ARK_OK)
        return st;
    st = dbformat_check(db, dbpath, 0, err);
    if (st != ARK_OK) {
        xdb_close(db);
        return st;
    }
    const char *mode;
    st = dbformat_analysis(db, dbpath, NULL, 0, &mode, err);
    ana *a = NULL;
    if (st == ARK_OK) {
        ana_options ao = {strcmp(mode, "basic") == 0, NULL};
        st = ana_new(&ao, &a, err);
    }
    if (st != ARK_OK) {
        xdb_close(db);
        return st;
    }
    ark_searcher *s = ark_calloc(1, sizeof *s);
    s->db = db;
    s->ana = a;
    s->error = ark_strdup("");
    *out = s;
    return ARK_OK;
}

void ark_searcher_close(ark_searcher *s)
{
    if (!s)
        return;
    xdb_close(s->db);
    ana_free(s->ana);
    free(s->error);
    free(s);
}

const char *ark_searcher_error(const ark_searcher *s)
{
    return s->error;
}

/* Parses and builds query; fills the sets of words to mark. */
/* The sets of what a query looks for, for marking snippets. */
typedef struct {
    strset *words, *stems, *folds;
} marks;

static void marks_init(marks *m)
{
    m->words = strset_new();
    m->stems = strset_new();
    m->folds = strset_new();
}

static void marks_free(marks *m)
{
    strset_free(m->words);
    strset_free(m->stems);
    strset_free(m->folds);
}

static ark_status build(ark_searcher *s, const char *query, marks *m, xdb_query **out)
{
    qp_node *tree;
    const char *why = NULL;
    ark_status st = qp_parse(query, strlen(query), &tree, &why);
    if (st != ARK_OK) {
        set_error(s, why);
        return st;
    }
    qb_ctx c = {s->ana, s->db, m->words, m->stems, m->folds, 0};
    st = qb_build(&c, tree, out, &why);
    qp_free(tree);
    if (st != ARK_OK)
        set_error(s, why ? why : ark_status_message(st));
    return st;
}

static char *value(ark_searcher *s, unsigned docid, unsigned slot)
{
    char *v;
    if (xdb_value(s->db, docid, slot, &v) != ARK_OK)
        return ark_strdup("");
    return v;
}

static void fill_hit(ark_searcher *s, unsigned docid, const snip_options *so, int explain,
                     ark_hit *h)
{
    h->id = value(s, docid, ARK_SLOT_ID);
    h->title = value(s, docid, ARK_SLOT_TITLE);
    h->path = value(s, docid, ARK_SLOT_PATH);
    char *text;
    size_t len;
    if (!so || xdb_data(s->db, docid, &text, &len) != ARK_OK) {
        h->snippet = ark_strdup("");
        return;
    }
    h->snippet = snip_make(s->ana, text, len, so, explain ? &h->why : NULL);
    free(text);
}

static ark_status run(ark_searcher *s, xdb_query *q, const ark_search_options *o,
                      const snip_options *so, ark_results **out)
{
    unsigned limit = o && o->limit ? o->limit : 10;
    xdb_mset *m;
    ark_status st = xdb_search(s->db, q, o ? o->offset : 0, limit, &m);
    if (st != ARK_OK) {
        set_error(s, xdb_error(s->db));
        return st;
    }
    ark_results *r = ark_calloc(1, sizeof *r);
    r->total = xdb_mset_estimate(m);
    r->nhits = xdb_mset_size(m);
    r->hits = ark_calloc(r->nhits, sizeof *r->hits);
    for (unsigned i = 0; i < r->nhits; i++) {
        r->hits[i].score = xdb_mset_weight(m, i);
        fill_hit(s, xdb_mset_docid(m, i), so, o && o->explain, &r->hits[i]);
    }
    xdb_mset_free(m);
    *out = r;
    return ARK_OK;
}

ark_status ark_search(ark_searcher *s, const char *query, const ark_search_options *o,
                      ark_results **out)
{
    *out = NULL;
    marks m;
    marks_init(&m);
    xdb_query *q = NULL;
    ark_status st = build(s, query, &m, &q);
    if (st == ARK_OK) {
        snip_options so = {m.words,
                           m.stems,
                           m.folds,
                           o && o->mark_open ? o->mark_open : "<mark>",
                           o && o->mark_close ? o->mark_close : "</mark>",
                           o ? o->html : 0};
        const snip_options *sop = o && o->no_snippets ? NULL : &so;
        st = run(s, q, o, sop, out);
        if (st == ARK_EMODIFIED && xdb_reopen(s->db) == ARK_OK)
            st = run(s, q, o, sop, out); /* the indexer committed meanwhile */
    }
    xdb_query_free(q);
    marks_free(&m);
    return st;
}

void ark_results_free(ark_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nhits; i++) {
        free(r->hits[i].id);
        free(r->hits[i].title);
        free(r->hits[i].path);
        free(r->hits[i].snippet);
        free(r->hits[i].why);
    }
    free(r->hits);
    free(r);
}

ark_status ark_search_describe(ark_searcher *s, const char *query, char **out)
{
    *out = NULL;
    marks m;
    marks_init(&m);
    xdb_query *q = NULL;
    ark_status st = build(s, query, &m, &q);
    if (st == ARK_OK)
        *out = xdb_query_describe(q);
    xdb_query_free(q);
    marks_free(&m);
    return st;
}
