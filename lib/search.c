/* search.c — ark_searcher: parse, build, run, and dress the hits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyzer.h"
#include "arkiv.h"
#include "dbformat.h"
#include "filters.h"
#include "qbuild.h"
#include "query.h"
#include "searcher.h"
#include "shards.h"
#include "snippet.h"
#include "terms.h"
#include "textpack.h"
#include "xalloc.h"
#include "xapian-shim.h"

/* What a document dated in the month a query names ("mars 2026") gains:
 * as much as matching one more of its words. */
#define HINT_BONUS 1.0

void srch_set_error(ark_searcher *s, const char *msg)
{
    free(s->error);
    s->error = ark_strdup(msg);
}

/* Opens the databases (shards) of l as one and checks their format. */
static ark_status open_db(const shard_list *l, const ark_open_options *o, xdb **db, ana **a,
                          char **err)
{
    double timeout = o && o->shard_timeout > 0 ? o->shard_timeout : 0;
    if (timeout > 3600)
        timeout = 3600;
    ark_status st = xdb_open_shards(l->v, l->n, (unsigned)(timeout * 1000), db, err);
    if (st != ARK_OK)
        return st;
    /* the first shard up speaks for all: they were made by one indexer */
    const char *path = l->n == 1 ? l->v[0].where : l->names[0];
    st = dbformat_check(*db, path, 0, err);
    const char *mode;
    if (st == ARK_OK)
        st = dbformat_analysis(*db, path, NULL, 0, &mode, err);
    if (st == ARK_OK) {
        ana_options ao = {strcmp(mode, "basic") == 0, NULL, o && o->one_query};
        st = ana_new(&ao, a, err);
    }
    if (st != ARK_OK) {
        xdb_close(*db);
        *db = NULL;
    }
    return st;
}

ark_status ark_searcher_open_many(const char *const *dbpaths, size_t n, const ark_open_options *o,
                                  ark_searcher **out, char **err)
{
    *out = NULL;
    if (err)
        *err = NULL;
    shard_list l;
    char *e = NULL;
    ark_status st = n ? shards_resolve(dbpaths, n, &l, &e) : ARK_EINVAL;
    xdb *db = NULL;
    ana *a = NULL;
    if (st == ARK_OK) {
        st = open_db(&l, o, &db, &a, &e);
        if (st != ARK_OK)
            shards_free(&l);
    }
    if (st != ARK_OK) {
        if (err)
            *err = e;
        else
            free(e);
        return st;
    }
    ark_searcher *s = ark_calloc(1, sizeof *s);
    s->db = db;
    s->ana = a;
    s->error = ark_strdup("");
    s->shard_names = ark_calloc(l.n, sizeof *s->shard_names);
    s->nshards = l.n;
    for (size_t i = 0; i < l.n; i++)
        s->shard_names[i] = ark_strdup(l.names[i]);
    shards_free(&l);
    *out = s;
    return ARK_OK;
}

ark_status ark_searcher_open(const char *dbpath, ark_searcher **out, char **err)
{
    return ark_searcher_open_many(&dbpath, 1, NULL, out, err);
}

void ark_searcher_close(ark_searcher *s)
{
    if (!s)
        return;
    xdb_close(s->db);
    ana_free(s->ana);
    free(s->error);
    for (size_t i = 0; i < s->nshards; i++)
        free(s->shard_names[i]);
    free(s->shard_names);
    free(s);
}

size_t ark_searcher_missing(const ark_searcher *s, size_t *nshards)
{
    size_t n = xdb_shard_count(s->db), missing = 0;
    for (size_t i = 0; i < n; i++)
        missing += !xdb_shard_up(s->db, i);
    *nshards = n;
    return missing;
}

const char *ark_searcher_shard_name(const ark_searcher *s, size_t number)
{
    return number >= 1 && number <= s->nshards ? s->shard_names[number - 1] : "";
}

const char *ark_searcher_error(const ark_searcher *s)
{
    return s->error;
}

ark_status ark_searcher_refresh(ark_searcher *s)
{
    ark_status st = xdb_reopen(s->db);
    if (st != ARK_OK)
        srch_set_error(s, xdb_error(s->db));
    return st;
}

ark_status ark_searcher_stats(ark_searcher *s, int internal, unsigned *documents,
                              unsigned long *revision)
{
    *documents = 0;
    *revision = 0;
    const char *visible = internal ? ARK_VISIBLE_INTERNAL : ARK_VISIBLE_PUBLIC;
    ark_status st = xdb_term_freq(s->db, visible, strlen(visible), documents);
    if (st == ARK_OK)
        st = xdb_revision(s->db, revision);
    if (st != ARK_OK)
        srch_set_error(s, xdb_error(s->db));
    return st;
}

void srch_marks_init(srch_marks *m)
{
    m->words = strset_new();
    m->stems = strset_new();
    m->folds = strset_new();
    m->want_near = 0;
    memset(&m->near, 0, sizeof m->near);
}

void srch_marks_free(srch_marks *m)
{
    strset_free(m->words);
    strset_free(m->stems);
    strset_free(m->folds);
    qb_near_free(&m->near);
}

/* How many words the tree asks for; a phrase counts each of its words. */
static size_t count_words(const qp_node *n)
{
    size_t count = 0;
    if (n->text) {
        int in_word = 0;
        for (const char *p = n->text; *p; p++) {
            int space = *p == ' ' || *p == '\t' || *p == '\n';
            count += !space && !in_word;
            in_word = !space;
        }
    }
    for (size_t i = 0; i < n->nkids; i++)
        count += count_words(n->kids[i]);
    return count;
}

/* The words of query, analyzed and built; ARK_EEMPTYQUERY when it has none. */
static ark_status build_words(ark_searcher *s, const char *query, const ark_search_options *o,
                              srch_marks *m, xdb_query **out)
{
    qp_node *tree;
    const char *why = NULL;
    ark_status st = qp_parse(query, strlen(query), &tree, &why);
    if (st != ARK_OK) {
        srch_set_error(s, why);
        return st;
    }
    unsigned max_words = o ? o->max_words : 0;
    if (max_words && count_words(tree) > max_words) {
        qp_free(tree);
        char *msg = ark_sprintf("the query has more than %u words", max_words);
        srch_set_error(s, msg);
        free(msg);
        return ARK_EQUERY;
    }
    qb_ctx c = {.ana = s->ana,
                .db = s->db,
                .words = m->words,
                .stems = m->stems,
                .folds = m->folds,
                .near = m->want_near ? &m->near : NULL,
                .max_wildcard = o ? o->max_expansion : 0};
    st = qb_build(&c, tree, out, &why);
    qp_free(tree);
    if (st != ARK_OK)
        srch_set_error(s, why ? why : ark_status_message(st));
    return st;
}

/* The term that marks what the reader may see. */
static xdb_query *visible_term(const ark_search_options *o)
{
    const char *visible = o && o->internal ? ARK_VISIBLE_INTERNAL : ARK_VISIBLE_PUBLIC;
    return xdb_query_term(visible, strlen(visible), 1);
}

xdb_query *srch_visible(const xdb_query *q, const ark_search_options *o)
{
    xdb_query *subs[2] = {(xdb_query *)q, visible_term(o)};
    xdb_query *out = xdb_query_combine(XDB_OP_FILTER, subs, 2);
    xdb_query_free(subs[1]);
    return out;
}

ark_status srch_mset(ark_searcher *s, const xdb_query *q, const xdb_search_opts *xo, xdb_mset **out)
{
    ark_status st = xdb_search(s->db, q, xo, out);
    /* the indexer committed meanwhile, or moved a compacted copy into place */
    if ((st == ARK_EMODIFIED || st == ARK_ECORRUPT) && xdb_reopen(s->db) == ARK_OK)
        st = xdb_search(s->db, q, xo, out);
    if (st != ARK_OK)
        srch_set_error(s, xdb_error(s->db));
    return st;
}

ark_status srch_count(ark_searcher *s, const xdb_query *q, unsigned *count)
{
    *count = 0;
    xdb_search_opts xo = {0, 0, -1, 0, 0, 0, 0, NULL};
    xdb_mset *m;
    ark_status st = srch_mset(s, q, &xo, &m);
    if (st != ARK_OK)
        return st;
    *count = xdb_mset_estimate(m);
    xdb_mset_free(m);
    return ARK_OK;
}

/* words, with a bonus for the documents whose period overlaps the hint's. */
static xdb_query *with_hint(xdb_query *words, const flt_filters *f)
{
    xdb_query *range[2] = {xdb_query_value(ARK_SLOT_DATE_FROM, 0, f->hint_to),
                           xdb_query_value(ARK_SLOT_DATE_TO, 1, f->hint_from)};
    xdb_query *in = xdb_query_combine(XDB_OP_AND, range, 2);
    xdb_query *pair[2] = {words, xdb_query_with_bonus(in, HINT_BONUS)};
    xdb_query *out = xdb_query_combine(XDB_OP_AND_MAYBE, pair, 2);
    for (size_t i = 0; i < 2; i++) {
        xdb_query_free(range[i]);
        xdb_query_free(pair[i]);
    }
    xdb_query_free(in);
    return out;
}

/* The filters of the options, added to those of the query. */
static ark_status option_filters(ark_searcher *s, const ark_search_options *o, flt_filters *f)
{
    const char *const fields[] = {"fra", "til", "type"};
    const char *values[] = {o ? o->from : NULL, o ? o->to : NULL, o ? o->kind : NULL};
    for (size_t i = 0; i < 3; i++) {
        const char *why;
        if (values[i] && *values[i] &&
            flt_add(f, fields[i], values[i], strlen(values[i]), &why) != ARK_OK) {
            srch_set_error(s, why);
            return ARK_EQUERY;
        }
    }
    return ARK_OK;
}

ark_status srch_build(ark_searcher *s, const char *query, const ark_search_options *o,
                      srch_marks *m, xdb_query **out, int *filters_only)
{
    *out = NULL;
    *filters_only = 0;
    flt_filters f;
    memset(&f, 0, sizeof f);
    char *rest = NULL;
    const char *why = NULL;
    ark_status st = flt_extract(query, &f, &rest, &why);
    if (st != ARK_OK) {
        srch_set_error(s, why);
        return st;
    }
    st = option_filters(s, o, &f);
    xdb_query *words = NULL;
    if (st == ARK_OK)
        st = build_words(s, rest, o, m, &words);
    if (st == ARK_OK && *f.hint_from) {
        /* "... i januar 2004 ...": documents of that month rank higher;
         * nothing is filtered out */
        words = with_hint(words, &f);
    }
    free(rest);
    if (st == ARK_EEMPTYQUERY && flt_any(&f)) {
        flt_hint_to_filter(&f); /* "mars 2026" alone lists that month */
        words = xdb_query_all();
        *filters_only = 1;
        st = ARK_OK;
    }
    if (st != ARK_OK)
        return st;
    xdb_query *subs[5];
    size_t n = 0;
    subs[n++] = words;
    subs[n++] = visible_term(o);
    if (*f.kind) {
        char *k = ark_sprintf("%s%s", ARK_PREFIX_KIND, f.kind);
        subs[n++] = xdb_query_term(k, strlen(k), 1);
        free(k);
    }
    /* periods overlap: the document starts before the filter ends, and
     * ends after the filter starts */
    if (*f.to)
        subs[n++] = xdb_query_value(ARK_SLOT_DATE_FROM, 0, f.to);
    if (*f.from)
        subs[n++] = xdb_query_value(ARK_SLOT_DATE_TO, 1, f.from);
    *out = xdb_query_combine(XDB_OP_FILTER, subs, n);
    for (size_t i = 0; i < n; i++)
        xdb_query_free(subs[i]);
    return ARK_OK;
}

static char *value(ark_searcher *s, unsigned docid, unsigned slot)
{
    char *v;
    if (xdb_value(s->db, docid, slot, &v) != ARK_OK)
        return ark_strdup("");
    return v;
}

static char *json_str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return ark_strdup(v ? v : "");
}

static size_t json_size(json_t *o, const char *key)
{
    json_int_t v = json_integer_value(json_object_get(o, key));
    return v > 0 ? (size_t)v : 0;
}

/* The section and page the best passage (at offset) is in. */
static void place_hit(json_t *data, size_t at, ark_hit *h)
{
    json_t *secs = json_object_get(data, "sections"), *sec, *best = NULL;
    size_t i;
    json_array_foreach(secs, i, sec)
    {
        if (json_size(sec, "start") <= at && at < json_size(sec, "end"))
            best = sec;
    }
    if (best) {
        h->section_number = (unsigned)json_size(best, "number");
        free(h->section);
        h->section = json_str(best, "heading");
        free(h->presenter);
        h->presenter = json_str(best, "presenter");
        const char *acc = json_string_value(json_object_get(best, "access"));
        h->section_internal = acc && strcmp(acc, "internal") == 0;
    }
    json_t *pages = json_object_get(data, "pages"), *p;
    json_array_foreach(pages, i, p)
    {
        if ((size_t)json_integer_value(p) <= at || i == 0)
            h->page = (unsigned)i + 1;
    }
}

static void fill_hit(ark_searcher *s, unsigned docid, const snip_options *so, int explain,
                     ark_hit *h)
{
    h->section = ark_strdup("");
    h->presenter = ark_strdup("");
    /* the fields are one small value; the text (the data) is read only for
     * a snippet */
    char *meta = value(s, docid, ARK_SLOT_META);
    json_t *data = json_loads(meta, 0, NULL);
    free(meta);
    h->id = json_str(data, "id");
    h->title = json_str(data, "title");
    h->path = json_str(data, "path");
    h->date = json_str(data, "date");
    h->date_end = json_str(data, "date_end");
    h->kind = json_str(data, "kind");
    h->access = json_str(data, "access");
    h->format = json_str(data, "format");
    /* A snippet is looked for in the document's first SNIP_PREFIX bytes,
     * then in its first SNIP_PREFIX_MORE, then in all of it, going on only
     * while the part read lacks a passage with two of the query's words (or
     * its only word): a long law then costs about as much as a short
     * speech.  Each byte is decompressed once. */
    static const size_t stages[] = {SNIP_PREFIX, SNIP_PREFIX_MORE, SIZE_MAX};
    const size_t nstages = sizeof stages / sizeof *stages;
    char *packed = NULL;
    size_t plen;
    textreader *r = NULL;
    if (so && xdb_data(s->db, docid, &packed, &plen) == ARK_OK)
        r = textreader_new(packed, plen);
    size_t at = 0;
    int enough = 1;
    snip_options local = so ? *so : (snip_options){0};
    local.match_at = &at;
    local.enough = &enough;
    h->snippet = NULL;
    /* an explanation names every matched word: all of the text at once */
    for (size_t k = explain ? nstages - 1 : 0; r && k < nstages; k++) {
        const char *text;
        size_t len;
        int whole;
        if (textreader_read(r, stages[k], &text, &len, &whole) != ARK_OK)
            break;
        free(h->snippet);
        h->snippet = snip_make(s->ana, text, len, &local, explain ? &h->why : NULL);
        if (whole || enough)
            break;
    }
    if (!h->snippet)
        h->snippet = ark_strdup("");
    textreader_free(r);
    free(packed);
    place_hit(data, at, h);
    json_decref(data);
}

static ark_facet *facets_of(const xdb_mset *m, unsigned f, size_t *n)
{
    *n = xdb_mset_facet_size(m, f);
    ark_facet *out = ark_calloc(*n ? *n : 1, sizeof *out);
    for (size_t i = 0; i < *n; i++) {
        out[i].value = ark_strdup(xdb_mset_facet_value(m, f, i));
        out[i].count = xdb_mset_facet_count(m, f, i);
    }
    return out;
}

/* Which shards the search could not reach. */
static void note_missing(ark_searcher *s, ark_results *r)
{
    r->nshards = xdb_shard_count(s->db);
    for (size_t i = 0; i < r->nshards; i++) {
        if (!xdb_shard_up(s->db, i)) {
            r->missing = ark_realloc(r->missing, (r->nmissing + 1) * sizeof *r->missing);
            r->missing[r->nmissing++] = i + 1;
        }
    }
}

/* The query words of near named by the bits of which, joined by ", ". */
static char *near_names(const xdb_near *near, unsigned long long which)
{
    ark_buf b = ARK_BUF_INIT;
    for (unsigned g = 0; g < near->ngroups; g++) {
        if (!(which >> g & 1))
            continue;
        if (b.len)
            ark_buf_adds(&b, ", ");
        ark_buf_adds(&b, near->words[g]);
    }
    return ark_buf_take(&b);
}

static ark_status run(ark_searcher *s, xdb_query *q, const ark_search_options *o,
                      const snip_options *so, const xdb_near *near, int filters_only,
                      ark_results **out)
{
    xdb_search_opts xo = {o ? o->offset : 0,    o && o->limit ? o->limit : 10, -1, 0, 0, 0,
                          o ? o->time_limit : 0, near};
    ark_sort sort = o ? o->sort : ARK_SORT_RELEVANCE;
    if (sort == ARK_SORT_RELEVANCE && filters_only)
        sort = ARK_SORT_NEWEST;
    if (sort != ARK_SORT_RELEVANCE) {
        xo.sort_slot = ARK_SLOT_DATE_FROM;
        xo.sort_desc = sort == ARK_SORT_NEWEST;
    }
    if (o && o->facets) {
        xo.facet_slot = ARK_SLOT_FACETS; /* facet 0 the kind, 1 the year */
        xo.nfacets = 2;
    }
    xdb_mset *m;
    ark_status st = xdb_search(s->db, q, &xo, &m);
    if (st != ARK_OK) {
        srch_set_error(s, xdb_error(s->db));
        return st;
    }
    unsigned generation = xdb_generation(s->db);
    ark_results *r = ark_calloc(1, sizeof *r);
    note_missing(s, r);
    r->total = xdb_mset_estimate(m);
    r->total_exact = xdb_mset_exact(m);
    r->nhits = xdb_mset_size(m);
    r->hits = ark_calloc(r->nhits, sizeof *r->hits);
    if (o && o->facets) {
        r->facets_exact = xdb_mset_facets_exact(m);
        r->kinds = facets_of(m, 0, &r->nkinds);
        r->years = facets_of(m, 1, &r->nyears);
    }
    for (unsigned i = 0; i < r->nhits; i++) {
        r->hits[i].score = xdb_mset_weight(m, i);
        unsigned long long together = xdb_mset_together(m, i);
        r->hits[i].together = (unsigned)__builtin_popcountll(together);
        r->hits[i].together_bonus = xdb_near_bonus(together);
        if (o && o->explain && r->hits[i].together > 1)
            r->hits[i].together_words = near_names(near, together);
        fill_hit(s, xdb_mset_docid(m, i), so, o && o->explain, &r->hits[i]);
    }
    xdb_mset_free(m);
    if (xdb_generation(s->db) != generation) {
        /* a shard was lost while the hits were read: their ids are stale */
        ark_results_free(r);
        return ARK_EMODIFIED;
    }
    *out = r;
    return ARK_OK;
}

/* Builds and runs query once. */
static ark_status search_once(ark_searcher *s, const char *query, const ark_search_options *o,
                              ark_results **out)
{
    srch_marks m;
    srch_marks_init(&m);
    m.want_near = !o || o->sort == ARK_SORT_RELEVANCE; /* the only order re-ranked */
    xdb_query *q = NULL;
    int filters_only;
    ark_status st = srch_build(s, query, o, &m, &q, &filters_only);
    if (st == ARK_OK) {
        snip_options so = {m.words,
                           m.stems,
                           m.folds,
                           o && o->mark_open ? o->mark_open : "<mark>",
                           o && o->mark_close ? o->mark_close : "</mark>",
                           o ? o->html : 0,
                           NULL,
                           NULL};
        const snip_options *sop = o && o->no_snippets ? NULL : &so;
        st = run(s, q, o, sop, &m.near, filters_only, out);
        if (st == ARK_EMODIFIED && xdb_reopen(s->db) == ARK_OK) /* the indexer committed */
            st = run(s, q, o, sop, &m.near, filters_only, out);
    }
    xdb_query_free(q);
    srch_marks_free(&m);
    return st;
}

ark_status ark_search(ark_searcher *s, const char *query, const ark_search_options *o,
                      ark_results **out)
{
    *out = NULL;
    ark_status st = search_once(s, query, o, out);
    /* a shard lost while the query was built (its synonyms read): the
     * others answer */
    if (st == ARK_EUNREACHABLE && xdb_reopen(s->db) == ARK_OK)
        st = search_once(s, query, o, out);
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
        free(r->hits[i].together_words);
        free(r->hits[i].date);
        free(r->hits[i].date_end);
        free(r->hits[i].kind);
        free(r->hits[i].access);
        free(r->hits[i].format);
        free(r->hits[i].section);
        free(r->hits[i].presenter);
    }
    free(r->hits);
    for (size_t i = 0; i < r->nkinds; i++)
        free(r->kinds[i].value);
    free(r->kinds);
    for (size_t i = 0; i < r->nyears; i++)
        free(r->years[i].value);
    free(r->years);
    free(r->missing);
    free(r);
}

ark_status ark_search_describe(ark_searcher *s, const char *query, char **out)
{
    *out = NULL;
    srch_marks m;
    srch_marks_init(&m);
    xdb_query *q = NULL;
    int filters_only;
    ark_status st = srch_build(s, query, NULL, &m, &q, &filters_only);
    if (st == ARK_OK)
        *out = xdb_query_describe(q);
    xdb_query_free(q);
    srch_marks_free(&m);
    return st;
}
