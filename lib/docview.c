/* docview.c — one document as a reader may see it, in blocks, with the
 * query's matches marked; see ark_document_get in arkiv.h. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "arkiv.h"
#include "searcher.h"
#include "snippet.h"
#include "terms.h"
#include "textpack.h"
#include "xalloc.h"

/* The Xapian document the reader sees for path: the file's full document
 * for staff; for the public its public view, or the full document when that
 * is public.  Either way the visibility filter decides, as in a search. */
static ark_status find_visible(ark_searcher *s, const char *path, const ark_search_options *o,
                               unsigned *docid)
{
    char *uid = ark_sprintf("%s%s", ARK_PREFIX_UID, path);
    char *puid = ark_sprintf("%s%s", ARK_PREFIX_PUBLIC_UID, path);
    xdb_query *ids[2] = {xdb_query_term(uid, strlen(uid), 1), xdb_query_term(puid, strlen(puid), 1)};
    xdb_query *any = xdb_query_combine(XDB_OP_OR, ids, 2);
    xdb_query *q = srch_visible(any, o);
    xdb_search_opts xo = {0, 1, -1, 0, 0, 0, 0, NULL};
    xdb_mset *m = NULL;
    ark_status st = srch_mset(s, q, &xo, &m);
    if (st == ARK_OK && xdb_mset_size(m) == 0)
        st = ARK_ENOTFOUND;
    else if (st == ARK_OK)
        *docid = xdb_mset_docid(m, 0);
    xdb_mset_free(m);
    for (size_t i = 0; i < 2; i++)
        xdb_query_free(ids[i]);
    xdb_query_free(any);
    xdb_query_free(q);
    free(uid);
    free(puid);
    return st;
}

static char *str_of(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return ark_strdup(v ? v : "");
}

static size_t offset_of(json_t *o, const char *key, size_t cap)
{
    json_int_t v = json_integer_value(json_object_get(o, key));
    return v <= 0 ? 0 : (size_t)v > cap ? cap : (size_t)v;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

typedef struct {
    ark_document *d;
    size_t cap;
    ark_searcher *s;
    const char *text;
    const snip_options *so;
} blocks;

/* Adds text[from..to) as a block, unless it is empty outside an agenda item. */
static void add_block(blocks *b, size_t from, size_t to, json_t *sec)
{
    if (to <= from || (!sec && blank(b->text + from, to - from)))
        return;
    if (b->d->nblocks == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 8;
        b->d->blocks = ark_realloc(b->d->blocks, b->cap * sizeof *b->d->blocks);
    }
    ark_block *k = &b->d->blocks[b->d->nblocks++];
    json_int_t number = json_integer_value(json_object_get(sec, "number"));
    k->number = number > 0 ? (unsigned)number : 0;
    k->heading = str_of(sec, "heading");
    k->presenter = str_of(sec, "presenter");
    k->access = sec ? str_of(sec, "access") : ark_strdup("");
    k->text = ark_strndup(b->text + from, to - from);
    k->marked = snip_mark(b->s->ana, k->text, to - from, b->so);
}

/* Cuts the text into agenda items (their bodies: the heading is a field)
 * and the text before, between and after them. */
static void cut_blocks(blocks *b, json_t *data, size_t len)
{
    json_t *secs = json_object_get(data, "sections"), *sec;
    size_t at = 0, i;
    json_array_foreach(secs, i, sec)
    {
        size_t start = offset_of(sec, "start", len);
        size_t body = offset_of(sec, "body", len);
        size_t end = offset_of(sec, "end", len);
        if (start < at || body < start || end < body)
            continue; /* out of order: left in the text around it */
        add_block(b, at, start, NULL);
        add_block(b, body, end, sec);
        at = end;
    }
    add_block(b, at, len, NULL);
}

static void fill(ark_document *d, json_t *data)
{
    d->title = str_of(data, "title");
    d->date = str_of(data, "date");
    d->date_end = str_of(data, "date_end");
    d->kind = str_of(data, "kind");
    d->access = str_of(data, "access");
    d->format = str_of(data, "format");
    d->description = str_of(data, "description");
    json_t *people = json_object_get(data, "participants"), *p;
    size_t i;
    d->participants = ark_calloc(json_array_size(people) + 1, sizeof *d->participants);
    json_array_foreach(people, i, p)
    {
        if (json_is_string(p))
            d->participants[d->nparticipants++] = ark_strdup(json_string_value(p));
    }
    d->pages = (unsigned)json_array_size(json_object_get(data, "pages"));
    json_t *fields = json_object_get(data, "fields");
    if (json_is_object(fields))
        d->fields = json_dumps(fields, JSON_COMPACT);
}

ark_status ark_document_get(ark_searcher *s, const char *path, const char *query,
                            const ark_search_options *o, ark_document **out)
{
    *out = NULL;
    unsigned docid;
    ark_status st = find_visible(s, path, o, &docid);
    if (st != ARK_OK)
        return st;
    char *text = NULL, *meta = NULL;
    size_t len;
    /* read before the query is built: a shard lost meanwhile would give
     * docid to another document */
    st = textpack_read(s->db, docid, &text, &len);
    if (st == ARK_OK)
        st = xdb_value(s->db, docid, ARK_SLOT_META, &meta);
    if (st != ARK_OK) {
        srch_set_error(s, xdb_error(s->db));
        free(text);
        free(meta);
        return st;
    }
    json_t *data = json_loads(meta, 0, NULL);
    free(meta);
    srch_marks m;
    srch_marks_init(&m);
    if (query && *query) {
        xdb_query *q = NULL;
        int filters_only;
        /* a query that cannot be built leaves the text unmarked */
        if (srch_build(s, query, o, &m, &q, &filters_only) != ARK_OK)
            srch_set_error(s, "");
        xdb_query_free(q);
    }
    snip_options so = {m.words, m.stems, m.folds,
                       o && o->mark_open ? o->mark_open : "<mark>",
                       o && o->mark_close ? o->mark_close : "</mark>", 1, NULL, NULL};
    ark_document *d = ark_calloc(1, sizeof *d);
    d->id = ark_strdup(path);
    fill(d, data);
    blocks b = {d, 0, s, text, &so};
    cut_blocks(&b, data, len);
    json_decref(data);
    free(text);
    srch_marks_free(&m);
    *out = d;
    return ARK_OK;
}

void ark_document_free(ark_document *d)
{
    if (!d)
        return;
    free(d->id);
    free(d->title);
    free(d->date);
    free(d->date_end);
    free(d->kind);
    free(d->access);
    free(d->format);
    free(d->description);
    free(d->fields);
    for (size_t i = 0; i < d->nparticipants; i++)
        free(d->participants[i]);
    free(d->participants);
    for (size_t i = 0; i < d->nblocks; i++) {
        free(d->blocks[i].heading);
        free(d->blocks[i].presenter);
        free(d->blocks[i].access);
        free(d->blocks[i].text);
        free(d->blocks[i].marked);
    }
    free(d->blocks);
    free(d);
}
