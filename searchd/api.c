/* api.c — the JSON endpoints: /api/search, /api/doc/{id}, /api/suggest,
 * /healthz.  Each reads its parameters, asks the library with the reader's
 * access level, and turns the answer into JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "searchd.h"
#include "xalloc.h"

#define COMPLETIONS 8

double api_elapsed_ms(const sd_request *r)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - r->start.tv_sec) * 1e3 +
           (double)(now.tv_nsec - r->start.tv_nsec) / 1e6;
}

/* A JSON string, or "" for text jansson refuses (it never should be). */
static json_t *jstr(const char *s)
{
    json_t *v = json_string(s ? s : "");
    return v ? v : json_string("");
}

static json_t *jstr_or_null(const char *s)
{
    return s && *s ? jstr(s) : json_null();
}

enum MHD_Result api_fail(sd_request *r, ark_searcher *s, ark_status st)
{
    switch (st) {
    case ARK_EQUERY:
        return http_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", ark_searcher_error(s));
    case ARK_EEMPTYQUERY:
        return http_error(r, MHD_HTTP_BAD_REQUEST, "empty_query",
                          "the query has no words to search for");
    case ARK_ENOTFOUND:
        return http_error(r, MHD_HTTP_NOT_FOUND, "not_found", "no such document");
    default:
        /* the details may name paths: they go to the log, not the client */
        fprintf(stderr, "%s: %s: %s\n", r->path, ark_status_message(st), ark_searcher_error(s));
        return http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
                          "the index cannot be read just now; try again");
    }
}

/* A positive number in text, or 0 when it is not one. */
static unsigned long number(const char *text)
{
    if (!text || !*text || strlen(text) > 9)
        return 0;
    /* digits only: strtoul would also take " 1", "+1" and " -1" (which wraps) */
    if (text[0] < '0' || text[0] > '9')
        return 0;
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    return *end ? 0 : v;
}

/* The query text: answers the error and returns NULL when it is too long. */
static const char *query_text(sd_request *r, enum MHD_Result *res)
{
    const char *q = http_param(r, "q");
    if (!q)
        q = "";
    if (strlen(q) > r->cfg->max_query_bytes) {
        char *msg = ark_sprintf("the query is longer than %u bytes", r->cfg->max_query_bytes);
        *res = http_error(r, MHD_HTTP_BAD_REQUEST, "query_too_long", msg);
        free(msg);
        return NULL;
    }
    return q;
}

/* The reader's options, from the request's filters and the limits. */
static void search_options(sd_request *r, ark_search_options *o)
{
    memset(o, 0, sizeof *o);
    o->internal = r->internal;
    o->kind = http_param(r, "kind");
    o->from = http_param(r, "from");
    o->to = http_param(r, "to");
    o->max_words = r->cfg->max_words;
    o->max_expansion = r->cfg->max_expansion;
    o->time_limit = r->cfg->time_limit;
    o->html = 1;
}

/* Reads sort, page and size; answers the error and returns 0 when bad. */
static int paging(sd_request *r, ark_search_options *o, unsigned *page, unsigned *size,
                  enum MHD_Result *res)
{
    const char *sort = http_param(r, "sort");
    if (!sort || !*sort || strcmp(sort, "relevance") == 0)
        o->sort = ARK_SORT_RELEVANCE;
    else if (strcmp(sort, "newest") == 0 || strcmp(sort, "date") == 0)
        o->sort = ARK_SORT_NEWEST;
    else if (strcmp(sort, "oldest") == 0)
        o->sort = ARK_SORT_OLDEST;
    else {
        *res = http_error(r, MHD_HTTP_BAD_REQUEST, "bad_parameter",
                          "sort is relevance, newest (or date) or oldest");
        return 0;
    }
    const char *p = http_param(r, "page"), *s = http_param(r, "size");
    *page = p ? (unsigned)number(p) : 1;
    *size = s ? (unsigned)number(s) : 10;
    if (*page == 0 || *size == 0 || *size > r->cfg->max_page_size) {
        char *msg = ark_sprintf("page is a number from 1; size a number from 1 to %u",
                                r->cfg->max_page_size);
        *res = http_error(r, MHD_HTTP_BAD_REQUEST, "bad_parameter", msg);
        free(msg);
        return 0;
    }
    if ((unsigned long)*page * *size > r->cfg->max_depth) {
        char *msg = ark_sprintf("only the first %u hits can be paged through; narrow the search",
                                r->cfg->max_depth);
        *res = http_error(r, MHD_HTTP_BAD_REQUEST, "too_deep", msg);
        free(msg);
        return 0;
    }
    o->offset = (*page - 1) * *size;
    o->limit = *size;
    return 1;
}

/* "/api/doc/<id>?q=<q>", with id and q percent-encoded. */
static char *doc_url(const char *id, const char *q)
{
    ark_buf b = ARK_BUF_INIT;
    ark_buf_adds(&b, "/api/doc/");
    http_add_escaped(&b, id, 1);
    if (q && *q) {
        ark_buf_adds(&b, "?q=");
        http_add_escaped(&b, q, 0);
    }
    return ark_buf_take(&b);
}

static json_t *hit_json(const ark_hit *h, const char *q)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", jstr(h->path));
    json_object_set_new(o, "title", jstr(h->title));
    json_object_set_new(o, "date", jstr(h->date));
    json_object_set_new(o, "date_end", jstr(h->date_end));
    json_object_set_new(o, "kind", jstr(h->kind));
    json_object_set_new(o, "access", jstr(h->access));
    json_object_set_new(o, "format", jstr(h->format));
    json_object_set_new(o, "score", json_real(h->score));
    if (h->section_number)
        json_object_set_new(o, "section",
                            json_pack("{s:i, s:o, s:o, s:s}", "number", (int)h->section_number,
                                      "heading", jstr(h->section), "presenter",
                                      jstr_or_null(h->presenter), "access",
                                      h->section_internal ? "internal" : "public"));
    else
        json_object_set_new(o, "section", json_null());
    json_object_set_new(o, "page", h->page ? json_integer(h->page) : json_null());
    json_t *snips = json_array();
    if (h->snippet && *h->snippet)
        json_array_append_new(snips, jstr(h->snippet));
    json_object_set_new(o, "snippets", snips);
    char *url = doc_url(h->path, q);
    json_object_set_new(o, "url", jstr(url));
    free(url);
    return o;
}

static json_t *facet_json(const ark_facet *f, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, f[i].value, json_integer(f[i].count));
    return o;
}

static json_t *results_json(const ark_results *res, const char *q, unsigned page, unsigned size)
{
    json_t *hits = json_array();
    for (size_t i = 0; i < res->nhits; i++)
        json_array_append_new(hits, hit_json(&res->hits[i], q));
    json_t *facets = json_pack("{s:o, s:o}", "kind", facet_json(res->kinds, res->nkinds), "year",
                               facet_json(res->years, res->nyears));
    return json_pack("{s:o, s:{s:I, s:b}, s:i, s:i, s:o, s:o, s:b}", "query", jstr(q), "total",
                     "value", (json_int_t)res->total, "exact", res->total_exact, "page",
                     (int)page, "size", (int)size, "hits", hits, "facets", facets,
                     "facets_exact", res->facets_exact);
}

/* A search that some shards could not answer: the response says which
 * (by number: their names may be internal host names), the log names them,
 * the metrics count it. */
static void note_partial(sd_request *r, const ark_searcher *s, const ark_results *found,
                         json_t *body)
{
    json_t *missing = json_array();
    for (size_t i = 0; i < found->nmissing; i++) {
        size_t n = found->missing[i];
        json_array_append_new(missing, json_integer((json_int_t)n));
        if (!r->cfg->quiet)
            fprintf(stderr, "arkiv-searchd: shard %zu of %zu (%s) could not be reached; "
                            "answering from the others\n",
                    n, found->nshards, ark_searcher_shard_name(s, n));
    }
    json_object_set_new(body, "partial", json_true());
    json_object_set_new(body, "missing_shards", missing);
    metrics_partial();
}

ark_searcher *api_begin(sd_request *r, const char **q, ark_search_options *o,
                        enum MHD_Result *res)
{
    *q = query_text(r, res);
    if (!*q)
        return NULL;
    search_options(r, o);
    ark_searcher *s = workers_searcher(r);
    if (!s)
        *res = MHD_YES;
    return s;
}

enum MHD_Result api_search(sd_request *r)
{
    enum MHD_Result res;
    const char *q;
    ark_search_options o;
    unsigned page, size;
    ark_searcher *s = api_begin(r, &q, &o, &res);
    if (!s || !paging(r, &o, &page, &size, &res))
        return res;
    o.facets = 1;
    ark_results *found;
    ark_status st = ark_search(s, q, &o, &found);
    if (st != ARK_OK)
        return api_fail(r, s, st);
    r->hits = (long)found->total;
    json_t *body = results_json(found, q, page, size);
    if (found->nmissing)
        note_partial(r, s, found, body);
    char *better = NULL;
    if (*q)
        ark_did_you_mean(s, q, &o, found->total, &better);
    json_object_set_new(body, "suggestion", jstr_or_null(better));
    free(better);
    ark_results_free(found);
    double ms = api_elapsed_ms(r);
    json_object_set_new(body, "took_ms", json_real((double)(long)(ms * 10) / 10));
    json_object_set_new(body, "timed_out", json_boolean(ms >= r->cfg->time_limit * 1e3));
    return http_json(r, MHD_HTTP_OK, body);
}

static json_t *block_json(const ark_block *b)
{
    json_t *sec = json_null();
    if (b->number)
        sec = json_pack("{s:i, s:o, s:o, s:o}", "number", (int)b->number, "heading",
                        jstr(b->heading), "presenter", jstr_or_null(b->presenter), "access",
                        jstr(b->access));
    return json_pack("{s:o, s:o, s:o}", "section", sec, "text", jstr(b->text), "marked",
                     jstr(b->marked));
}

enum MHD_Result api_doc(sd_request *r, const char *id)
{
    enum MHD_Result res;
    const char *q;
    ark_search_options o;
    ark_searcher *s = api_begin(r, &q, &o, &res);
    if (!s)
        return res;
    ark_document *d;
    ark_status st = ark_document_get(s, id, q, &o, &d);
    if (st != ARK_OK)
        return api_fail(r, s, st);
    json_t *people = json_array();
    for (size_t i = 0; i < d->nparticipants; i++)
        json_array_append_new(people, jstr(d->participants[i]));
    json_t *blocks = json_array();
    for (size_t i = 0; i < d->nblocks; i++)
        json_array_append_new(blocks, block_json(&d->blocks[i]));
    json_t *body = json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", jstr(d->id), "title",
        jstr(d->title), "date", jstr(d->date), "date_end", jstr(d->date_end), "kind",
        jstr(d->kind), "access", jstr(d->access), "format", jstr(d->format), "description",
        jstr_or_null(d->description), "participants", people, "pages",
        d->pages ? json_integer(d->pages) : json_null(), "blocks", blocks);
    json_object_set_new(body, "fields", d->fields ? json_loads(d->fields, 0, NULL) : json_null());
    ark_document_free(d);
    return http_json(r, MHD_HTTP_OK, body);
}

enum MHD_Result api_suggest(sd_request *r)
{
    enum MHD_Result res;
    const char *q;
    ark_search_options o;
    ark_searcher *s = api_begin(r, &q, &o, &res);
    if (!s)
        return res;
    char **words;
    size_t n;
    ark_status st = ark_complete(s, q, &o, COMPLETIONS, &words, &n);
    if (st != ARK_OK) {
        ark_strings_free(words, n);
        return api_fail(r, s, st);
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, jstr(words[i]));
    ark_strings_free(words, n);
    r->hits = (long)n;
    return http_json(r, MHD_HTTP_OK, json_pack("{s:o, s:o}", "query", jstr(q), "completions", list));
}

enum MHD_Result api_health(sd_request *r)
{
    ark_searcher *s = workers_searcher(r);
    if (!s)
        return MHD_YES;
    unsigned docs;
    unsigned long rev;
    ark_status st = ark_searcher_stats(s, r->internal, &docs, &rev);
    if (st != ARK_OK)
        return api_fail(r, s, st);
    size_t shards, missing = ark_searcher_missing(s, &shards);
    return http_json(r, MHD_HTTP_OK,
                     json_pack("{s:s, s:I, s:I, s:I, s:I}", "status", missing ? "partial" : "ok",
                               "revision", (json_int_t)rev, "documents", (json_int_t)docs,
                               "shards", (json_int_t)shards, "missing_shards",
                               (json_int_t)missing));
}
