/* indexer.c — ark_indexer: make an index mirror a tree of files.
 *
 * Each file is keyed by the unique term Q<relative path>.  Its signature
 * (size, mtime, content hash) is kept in a value slot: a file whose size and
 * mtime are unchanged is skipped without being read; one whose content hash
 * is unchanged is skipped after reading (its new mtime is recorded).  Changes
 * are grouped in transactions of batch_docs documents, and the deletions of
 * files gone from the tree come in the last one, so that a run that is
 * killed leaves the index exactly as of its last commit. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "analyzer.h"
#include "catalogue.h"
#include "arkiv.h"
#include "dbformat.h"
#include "dblock.h"
#include "dbswap.h"
#include "dbwriter.h"
#include "docfile.h"
#include "docplan.h"
#include "extract.h"
#include "minutes.h"
#include "segments.h"
#include "shards.h"
#include "glossary.h"
#include "jsondoc.h"
#include "jsonl.h"
#include "strset.h"
#include "terms.h"
#include "utf8.h"
#include "walk.h"
#include "xalloc.h"
#include "xapian-shim.h"

/* Measured on the scale corpus (39,438 documents): batches of 250 keep the
 * indexer's peak RSS at 511 MB against 649 MB for 1,000, in the same time
 * (478 s against 460 s, one run each) and a smaller index (1576 MB, 1669). */
#define DEFAULT_BATCH 250
/* Documents waiting for the writer thread: enough that neither thread
 * waits for the other while a batch is committed or a long document
 * analyzed, and a bound on the memory they take. */
#define WRITER_QUEUE 256
#define WRITER_QUEUE_BYTES (64u << 20)
/* The signature of a document imported from JSON Lines: this, then the
 * record's hash. */
#define JSONL_SIGNATURE "jsonl "

struct ark_indexer {
    xdb **dbs;    /* the shards; one for an index of one database */
    char **paths; /* and where they are */
    unsigned n;
    char *path; /* the index directory */
    ana *ana;
    char *error;
    strset **synonyms; /* per shard: "Z<stem>\0<word>" pairs this run already wrote */
    int merged;        /* the last run was a first import: its merges left the index compact */
    dblock *lock;      /* one writer per index, through exchanges too (dblock.h) */
};

/* The state of one run. */
typedef struct {
    ark_indexer *ix;
    const ark_index_options *opts;
    ark_index_counts *counts;
    strset *seen;      /* unique terms of the files found, for deletions */
    unsigned files;    /* files seen */
    unsigned in_batch; /* documents changed since the last commit */
    int in_transaction;
    unsigned walk_errors;
    ark_status fatal; /* an error of the index itself: the run stops */
    catalogue *cat;   /* of the root being walked, or NULL */
    int had_tree;     /* a directory or file root was walked (not only JSON Lines) */
    dbw *writer;      /* applies the run's writes (dbwriter.h) */
} run_state;

static void set_error(ark_indexer *ix, const char *msg)
{
    free(ix->error);
    ix->error = ark_strdup(msg);
}

/* Opens one shard (or the one database) for writing, checking its format
 * and analysis; *mode is the analysis it has. */
static ark_status open_shard(const char *path, const char *analysis, xdb **db, const char **mode,
                             char **err)
{
    ark_status st = xdb_open(path, 1, db, err);
    if (st != ARK_OK)
        return st;
    st = dbformat_check(*db, path, 1, err);
    if (st == ARK_OK)
        st = dbformat_analysis(*db, path, analysis, 1, mode, err);
    if (st != ARK_OK) {
        xdb_close(*db);
        *db = NULL;
    }
    return st;
}

/* The shards' paths of the index at dbpath, made a sharded index of
 * `shards` when it is new; shards 0 takes the index as it is. */
static ark_status index_layout(const char *dbpath, unsigned shards, shard_list *l, char **err)
{
    int sharded = shards_is_sharded(dbpath);
    struct stat st;
    if (stat(dbpath, &st) == 0 && S_ISREG(st.st_mode)) {
        *err = ark_sprintf("%s is a file; an index is written by its directory (the one that "
                           "holds %s)",
                           dbpath, SHARDS_STUB);
        return ARK_EINVAL;
    }
    if (!sharded && shards > 1) {
        char *iam = ark_sprintf("%s/iamglass", dbpath);
        int single = stat(iam, &st) == 0;
        free(iam);
        if (single) {
            *err = ark_sprintf("the index at %s is one database; to shard it, index into a new "
                               "directory with --shards %u",
                               dbpath, shards);
            return ARK_EINVAL;
        }
        ark_status s = shards_create(dbpath, shards, err);
        if (s != ARK_OK)
            return s;
    }
    ark_status s = shards_resolve(&dbpath, 1, l, err);
    if (s != ARK_OK)
        return s;
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i].kind != XDB_SHARD_LOCAL) {
            *err = ark_sprintf("the index at %s names the remote shard %s; index each remote "
                               "shard on its own host",
                               dbpath, l->names[i]);
            s = ARK_EINVAL;
        }
    }
    if (s == ARK_OK && shards && l->n != shards) {
        *err = ark_sprintf("the index at %s has %zu shards, not %u; to change that, index into "
                           "a new directory",
                           dbpath, l->n, shards);
        s = ARK_EINVAL;
    }
    if (s != ARK_OK)
        shards_free(l);
    return s;
}

ark_status ark_indexer_open_sharded(const char *dbpath, const char *analysis, unsigned shards,
                                    ark_indexer **out, char **err)
{
    *out = NULL;
    char *e = NULL;
    ark_indexer *ix = ark_calloc(1, sizeof *ix);
    ix->path = dbswap_sibling(dbpath, ""); /* "DIR/." cannot be exchanged */
    ix->error = ark_strdup("");
    struct stat sb;
    ark_status st = ARK_OK;
    if (stat(dbpath, &sb) != 0 || S_ISDIR(sb.st_mode)) /* a file: index_layout says why not */
        st = dblock_take(ix->path, &ix->lock, &e);
    shard_list l;
    if (st == ARK_OK)
        st = index_layout(dbpath, shards, &l, &e);
    const char *mode = "full";
    if (st == ARK_OK) {
        ix->dbs = ark_calloc(l.n, sizeof *ix->dbs);
        ix->synonyms = ark_calloc(l.n, sizeof *ix->synonyms);
        ix->paths = ark_calloc(l.n, sizeof *ix->paths);
        for (size_t i = 0; st == ARK_OK && i < l.n; i++, ix->n++) {
            ix->synonyms[i] = strset_new();
            ix->paths[i] = ark_strdup(l.v[i].where);
            /* the first shard's analysis, for a new one, is asked for */
            st = open_shard(l.v[i].where, i ? mode : analysis, &ix->dbs[i], &mode, &e);
        }
        shards_free(&l);
    }
    if (st == ARK_OK) {
        /* an import of Bokmål alone never needs Nynorsk's dictionary */
        ana_options o = {strcmp(mode, "basic") == 0, NULL, 1};
        st = ana_new(&o, &ix->ana, &e);
    }
    if (st != ARK_OK) {
        ark_indexer_close(ix);
        if (err)
            *err = e;
        else
            free(e);
        return st;
    }
    *out = ix;
    return ARK_OK;
}

ark_status ark_indexer_open(const char *dbpath, const char *analysis, ark_indexer **out, char **err)
{
    return ark_indexer_open_sharded(dbpath, analysis, 0, out, err);
}

void ark_indexer_close(ark_indexer *ix)
{
    if (!ix)
        return;
    for (unsigned i = 0; i < ix->n; i++) {
        xdb_close(ix->dbs[i]);
        strset_free(ix->synonyms[i]);
        free(ix->paths[i]);
    }
    free(ix->paths);
    free(ix->synonyms);
    free(ix->dbs);
    ana_free(ix->ana);
    dblock_release(ix->lock); /* after the databases: Xapian's locks go first */
    free(ix->error);
    free(ix->path);
    free(ix);
}

/* The shard that holds the document with unique term uid: picked by the
 * id, without the prefix, so a file's public view goes with it. */
static unsigned shard_index(const ark_indexer *ix, const char *uid)
{
    return shards_pick(uid + 1, strlen(uid + 1), ix->n);
}

const char *ark_indexer_error(const ark_indexer *ix)
{
    return ix->error;
}

static void report(run_state *r, const char *path, ark_status st, const char *detail)
{
    if (r->opts && r->opts->report)
        r->opts->report(r->opts->ctx, path, st, detail);
}

/* Records an error of the index itself, with its message, unless the run
 * has one already; the run stops.  Returns the run's error. */
static ark_status fail_run(run_state *r, ark_status st, const char *msg)
{
    if (st != ARK_OK && r->fatal == ARK_OK) {
        set_error(r->ix, msg ? msg : "");
        r->fatal = st;
    }
    return r->fatal;
}

/* The writer's first failure, if any, becomes the run's. */
static ark_status writer_check(run_state *r)
{
    const char *err;
    ark_status st = dbw_status(r->writer, &err);
    return fail_run(r, st, err);
}

/* Commits every shard (dbwriter.c: a failure on one leaves the later ones
 * a batch behind, each whole). */
static ark_status commit_batch(run_state *r)
{
    if (!r->in_transaction)
        return ARK_OK;
    r->in_transaction = 0;
    r->in_batch = 0;
    dbw_commit(r->writer);
    return writer_check(r);
}

/* Counts one change, opening a transaction before the first of a batch. */
static ark_status begin_change(run_state *r)
{
    if (!r->in_transaction) {
        dbw_begin(r->writer);
        r->in_transaction = 1;
    }
    return writer_check(r);
}

static ark_status end_change(run_state *r)
{
    unsigned batch = r->opts && r->opts->batch_docs ? r->opts->batch_docs : DEFAULT_BATCH;
    if (++r->in_batch >= batch)
        return commit_batch(r);
    return writer_check(r);
}

/* ---- building one document ---- */

typedef struct {
    ark_indexer *ix;
    unsigned shard; /* the shard the document goes to: its synonyms go there too */
    ark_buf syn;    /* new synonym pairs for the shard, "key\0term\0" each */
    docplan *plan;  /* the document, for the writer to build */
    ark_buf term;
    const ark_doc *src;
    size_t section; /* the section the tokens have reached (they come in order) */
    unsigned wdf;   /* of the current token: ARK_HEADING_WDF in a heading */
    int in_title;   /* the tokens are the title's, not the text's */
    strset *terms;  /* the document's unpositioned terms so far, each with the
                       form it came from: "<prefix><term>[\0<word>]" */
    unsigned *wdfs; /* and their wdf, by index in terms */
    size_t wdfs_cap;
} doc_ctx;

/* Adds prefix+term to the document; with `form`, also remembers that the
 * word is a form of it (the synonym table, for phrases).  Counted in
 * d->terms and written by flush_terms: one hash lookup a token instead of
 * a Xapian term-map insertion and a synonym-set lookup each. */
static void add_term(doc_ctx *d, const char *prefix, const char *term, const ana_token *form)
{
    ark_buf_reset(&d->term);
    ark_buf_adds(&d->term, prefix);
    ark_buf_adds(&d->term, term);
    if (d->term.len > ARK_MAX_TERM)
        return;
    if (form) {
        ark_buf_addc(&d->term, '\0');
        ark_buf_add(&d->term, form->word, form->word_len);
    }
    int added;
    size_t i = strset_put(d->terms, d->term.data, d->term.len, &added);
    if (i == d->wdfs_cap) {
        d->wdfs_cap = d->wdfs_cap ? 2 * d->wdfs_cap : 1024;
        d->wdfs = ark_realloc(d->wdfs, d->wdfs_cap * sizeof *d->wdfs);
    }
    d->wdfs[i] = added ? d->wdf : d->wdfs[i] + d->wdf;
}

/* Writes the terms add_term counted to the document, and each new (term,
 * form) pair to the synonym set of the run, once per run: the set's key is
 * "<prefix><term>\0<word>", the synonym key "<prefix><term>". */
static void flush_terms(doc_ctx *d)
{
    for (size_t i = 0; i < strset_count(d->terms); i++) {
        const char *key = strset_key(d->terms, i);
        size_t len = strset_key_len(d->terms, i), tlen = strlen(key);
        docplan_term(d->plan, key, tlen, d->wdfs[i]);
        if (tlen < len && strset_add(d->ix->synonyms[d->shard], key, len)) {
            ark_buf_add(&d->syn, key, len);
            ark_buf_addc(&d->syn, '\0');
        }
    }
}

static int add_token(const ana_token *t, void *ctx)
{
    doc_ctx *d = ctx;
    const ark_doc *src = d->src;
    while (!d->in_title && d->section < src->nsections &&
           src->sections[d->section].heading_end <= t->start)
        d->section++;
    d->wdf =
        !d->in_title && d->section < src->nsections && src->sections[d->section].start <= t->start
            ? ARK_HEADING_WDF
            : 1;
    docplan_posting(d->plan, t->word, t->word_len, t->pos, d->wdf);
    for (size_t i = 0; i < t->nlemmas; i++)
        add_term(d, ARK_PREFIX_STEM, t->lemmas[i], t);
    for (size_t i = 0; i < t->nvariants; i++)
        add_term(d, ARK_PREFIX_VARIANT, t->variants[i], t);
    for (size_t i = 0; i < t->nparts; i++)
        add_term(d, ARK_PREFIX_PART, t->parts[i], NULL);
    return 0;
}

/* Writes one glossary entry both ways into the synonym table, once a run. */
static void add_abbrev_pair(doc_ctx *d, const char *from, const char *to)
{
    if (!*from || !*to || strlen(from) + 1 > ARK_MAX_TERM || strlen(to) > ARK_MAX_TERM)
        return;
    ark_buf_reset(&d->term);
    ark_buf_adds(&d->term, ARK_PREFIX_ABBREV);
    ark_buf_adds(&d->term, from);
    ark_buf_addc(&d->term, '\0');
    ark_buf_adds(&d->term, to);
    if (strset_add(d->ix->synonyms[d->shard], d->term.data, d->term.len)) {
        ark_buf_add(&d->syn, d->term.data, d->term.len);
        ark_buf_addc(&d->syn, '\0');
    }
}

static void add_glossary_entry(void *ctx, const char *abbr, size_t abbr_len, const char *exp,
                               size_t exp_len)
{
    doc_ctx *d = ctx;
    char *a = ana_join_words(d->ix->ana, abbr, abbr_len);
    char *e = ana_join_words(d->ix->ana, exp, exp_len);
    if (!strchr(a, ' ') && strcmp(a, e) != 0) {
        add_abbrev_pair(d, a, e);
        add_abbrev_pair(d, e, a);
    }
    free(a);
    free(e);
}

/* The id users see: the relative path without its extension. */
static char *display_id(const char *rel)
{
    const char *slash = strrchr(rel, '/');
    const char *dot = strrchr(slash ? slash + 1 : rel, '.');
    return dot && dot != (slash ? slash + 1 : rel) ? ark_strndup(rel, (size_t)(dot - rel))
                                                   : ark_strdup(rel);
}

static json_t *string_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* s as a JSON string, its bytes that are not UTF-8 (a file name in
 * Latin-1) shown as U+FFFD: JSON holds nothing else. */
static json_t *clean_string(const char *s)
{
    char *clean = ark_utf8_clean(s ? s : "", s ? strlen(s) : 0, NULL);
    json_t *v = json_string(clean);
    free(clean);
    return v;
}

/* The fields a hit shows, as JSON for the meta value slot (terms.h). */
static char *doc_meta(const ark_doc *doc, const char *id, const char *rel, size_t *len)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", clean_string(id));
    json_object_set_new(o, "title", clean_string(doc->title));
    json_object_set_new(o, "path", clean_string(rel));
    json_object_set_new(o, "format", json_string(doc->format));
    json_object_set_new(o, "date", string_or_null(doc->date));
    json_object_set_new(o, "date_end", string_or_null(doc->date_end));
    json_object_set_new(o, "kind", string_or_null(doc->kind));
    json_object_set_new(o, "access", json_string(doc_access_name(doc->access)));
    json_object_set_new(o, "description", string_or_null(doc->description));
    json_t *people = json_array();
    for (size_t i = 0; i < doc->nparticipants; i++)
        json_array_append_new(people, json_string(doc->participants[i]));
    json_object_set_new(o, "participants", people);
    json_t *pages = json_array();
    for (size_t i = 0; i < doc->npages; i++)
        json_array_append_new(pages, json_integer((json_int_t)doc->pages[i]));
    json_object_set_new(o, "pages", pages);
    json_t *secs = json_array();
    for (size_t i = 0; i < doc->nsections; i++) {
        const doc_section *sec = &doc->sections[i];
        json_array_append_new(
            secs,
            json_pack("{s:i, s:s, s:o, s:I, s:I, s:I, s:s}", "number", (int)sec->number, "heading",
                      sec->heading ? sec->heading : "", "presenter", string_or_null(sec->presenter),
                      "start", (json_int_t)sec->start, "body", (json_int_t)sec->heading_end, "end",
                      (json_int_t)sec->end, "access", doc_access_name(sec->access)));
    }
    json_object_set_new(o, "sections", secs);
    if (doc->extra)
        json_object_set_new(o, "fields", json_loads(doc->extra, 0, NULL));
    char *data = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!data) {
        fputs("arkiv: out of memory\n", stderr);
        abort();
    }
    *len = strlen(data);
    return data;
}

static void set_value(docplan *plan, unsigned slot, const char *v)
{
    if (v && *v)
        docplan_value(plan, slot, v, strlen(v));
}

/* Describes one Xapian document for doc under uid, visible to public
 * readers, staff, or both, and queues it for the writer. */
static void write_doc(run_state *r, const char *uid, const char *rel, const char *id,
                      const ark_doc *doc, const char *signature, int to_public, int to_internal)
{
    ark_indexer *ix = r->ix;
    doc_ctx d = {.ix = ix,
                 .shard = shard_index(ix, uid),
                 .plan = ark_calloc(1, sizeof(docplan)),
                 .src = doc,
                 .wdf = 1,
                 .terms = strset_new()};
    const char *text = doc->text.data ? doc->text.data : "";
    size_t len = doc->text.len;
    ana_set_lang(ix->ana, ana_detect_lang(ix->ana, text, len));
    gls_extract(text, len, add_glossary_entry, &d);
    for (size_t i = 0; i < doc->nglossary; i++)
        add_glossary_entry(&d, doc->glossary[i].abbr, strlen(doc->glossary[i].abbr),
                           doc->glossary[i].expansion, strlen(doc->glossary[i].expansion));
    ana_stats stats;
    ana_run(ix->ana, ANA_DOCUMENT, text, len, 1, add_token, &d, &stats);
    if (doc->title && *doc->title) {
        /* the title is searchable too (a catalogue's, a record's), after a
         * gap of positions so that no phrase runs from the text into it */
        d.in_title = 1;
        ana_run(ix->ana, ANA_DOCUMENT, doc->title, strlen(doc->title),
                stats.next_pos + ARK_TITLE_GAP, add_token, &d, NULL);
    }
    d.wdf = 1;
    char from[DOC_DATE_MAX], to[DOC_DATE_MAX];
    docplan_value(d.plan, ARK_SLOT_SIGNATURE, signature, strlen(signature));
    char year[5] = "";
    if (doc_period(doc->date, doc->date_end, from, to)) {
        memcpy(year, from, 4);
        set_value(d.plan, ARK_SLOT_DATE_FROM, from);
        set_value(d.plan, ARK_SLOT_DATE_TO, to);
    }
    const char *kind = doc->kind ? doc->kind : "";
    char *facets = ark_sprintf("%s%c%s", kind, XDB_FACET_SEP, year);
    for (size_t i = 0; i < strlen(kind); i++)
        if (facets[i] == XDB_FACET_SEP) /* a kind from a JSON record may hold one */
            facets[i] = ' ';
    if (strlen(facets) > 1)
        set_value(d.plan, ARK_SLOT_FACETS, facets);
    free(facets);
    if (doc->kind && *doc->kind)
        add_term(&d, ARK_PREFIX_KIND, doc->kind, NULL);
    flush_terms(&d);
    if (to_public)
        docplan_term(d.plan, ARK_VISIBLE_PUBLIC, strlen(ARK_VISIBLE_PUBLIC), 0);
    if (to_internal)
        docplan_term(d.plan, ARK_VISIBLE_INTERNAL, strlen(ARK_VISIBLE_INTERNAL), 0);
    size_t mlen;
    char *meta = doc_meta(doc, id, rel, &mlen);
    docplan_value(d.plan, ARK_SLOT_META, meta, mlen);
    free(meta);
    docplan_text(d.plan, text, len);
    docplan_term(d.plan, uid, strlen(uid), 0);
    /* the writer owns the document now, and builds and writes it in turn */
    dbw_replace(r->writer, d.shard, uid, signature, d.plan, &d.syn);
    ark_buf_free(&d.term);
    strset_free(d.terms);
    free(d.wdfs);
}

/* Writes a file's documents: the full one under uid, and, when the file is
 * public but has internal passages, its public view under P<path>.  id is
 * the id users see. */
static void write_file(run_state *r, const char *uid, const char *rel, const char *id,
                       const ark_doc *doc, const char *signature)
{
    int internal = doc->access == DOC_INTERNAL, passages = doc_has_internal_passages(doc);
    write_doc(r, uid, rel, id, doc, signature, !internal && !passages, 1);
    char *puid = ark_sprintf("%s%s", ARK_PREFIX_PUBLIC_UID, rel);
    if (passages) {
        ark_doc view;
        doc_public_view(doc, &view);
        write_doc(r, puid, rel, id, &view, signature, 1, 0);
        doc_free(&view);
    } else {
        dbw_delete(r->writer, shard_index(r->ix, puid), puid); /* a view from before, if any */
    }
    free(puid);
}

/* Writes doc (a new one, or a change to one that existed) in the batch and
 * counts it; warning (may be NULL) is reported for `where`. */
static ark_status store(run_state *r, const char *uid, const char *rel, const char *id,
                        const ark_doc *doc, const char *sig, int existed, const char *where,
                        const char *warning)
{
    ark_status s = begin_change(r);
    if (s != ARK_OK)
        return s;
    write_file(r, uid, rel, id, doc, sig);
    if (existed)
        r->counts->updated++;
    else
        r->counts->added++;
    if (warning)
        report(r, where, ARK_OK, warning);
    return end_change(r);
}

/* ---- one file ---- */

static int is_word(void *ctx, const char *word, size_t len)
{
    return ana_is_word(ctx, word, len);
}

/* The signature parts of a stored document, or zeros. */
typedef struct {
    unsigned long long size, mtime;
    uint64_t hash;
    uint64_t entry; /* fingerprint of the file's catalogue entry */
    unsigned docid; /* 0: not in the index */
} stored_sig;

/* Parses a signature value into s; zeros if it is not a file's. */
static void parse_sig(const char *v, stored_sig *s)
{
    if (sscanf(v, "%llu %llu %" SCNx64 " %" SCNx64, &s->size, &s->mtime, &s->hash, &s->entry) != 4)
        s->size = s->mtime = s->hash = s->entry = 0;
}

/* The docid (0: none; DBW_UNCOMMITTED) and signature (*sig, NULL if none)
 * of the document with unique term uid, as of the writes queued so far. */
static ark_status find_stored(run_state *r, const char *uid, unsigned *docid, char **sig)
{
    const char *err;
    ark_status st = dbw_find(r->writer, shard_index(r->ix, uid), uid, docid, sig, &err);
    fail_run(r, st, err);
    return st;
}

static ark_status lookup(run_state *r, const char *uid, stored_sig *s)
{
    memset(s, 0, sizeof *s);
    char *v;
    ark_status st = find_stored(r, uid, &s->docid, &v);
    if (st == ARK_OK && v)
        parse_sig(v, s);
    free(v);
    return st;
}

static unsigned long long mtime_ns(const struct stat *st)
{
    return (unsigned long long)st->st_mtim.tv_sec * 1000000000ULL +
           (unsigned long long)st->st_mtim.tv_nsec;
}

/* What extraction repaired in doc, as a warning for the user; NULL: nothing. */
static char *repairs(const ark_doc *doc)
{
    ark_buf b = ARK_BUF_INIT;
    if (doc->invalid_bytes)
        ark_buf_printf(&b, "%zu bytes of invalid UTF-8 replaced", doc->invalid_bytes);
    if (doc->nul_bytes)
        ark_buf_printf(&b, "%s%zu NUL bytes dropped", b.len ? ", " : "", doc->nul_bytes);
    return b.len ? ark_buf_take(&b) : NULL;
}

static ark_status index_file(run_state *r, const char *path, const char *rel, const struct stat *st,
                             const char *uid)
{
    stored_sig old;
    ark_status s = lookup(r, uid, &old);
    if (s != ARK_OK)
        return s;
    unsigned long long size = (unsigned long long)st->st_size, mtime = mtime_ns(st);
    const struct cat_entry *entry = r->cat ? catalogue_find(r->cat, rel) : NULL;
    uint64_t efp = catalogue_fingerprint(entry);
    if (old.docid && old.size == size && old.mtime == mtime && old.entry == efp) {
        r->counts->skipped++;
        return ARK_OK;
    }
    docfile df;
    ark_doc doc;
    char *detail = NULL;
    s = docfile_read(path, &df, &detail);
    if (s == ARK_OK) {
        s = extract_document(rel, df.data, df.len, is_word, r->ix->ana, &doc, &detail);
        if (s == ARK_OK) {
            if (entry)
                catalogue_apply(entry, &doc);
            minutes_title(&doc);
        } else
            docfile_free(&df);
    }
    if (s != ARK_OK) {
        report(r, path, s, detail);
        free(detail);
        r->counts->failed++;
        return ARK_OK; /* the old version, if any, stays */
    }
    char *sig = ark_sprintf("%llu %llu %016" PRIx64 " %016" PRIx64, size, mtime, df.hash, efp);
    if (old.docid && old.docid != DBW_UNCOMMITTED && old.hash == df.hash && old.entry == efp) {
        /* touched, not changed: only the new mtime is recorded */
        if ((s = begin_change(r)) == ARK_OK) {
            dbw_set_signature(r->writer, shard_index(r->ix, uid), uid, old.docid, sig);
            r->counts->skipped++;
            s = end_change(r);
        }
    } else {
        char *id = display_id(rel);
        char *w = repairs(&doc);
        s = store(r, uid, rel, id, &doc, sig, old.docid != 0, path, w);
        free(w);
        free(id);
    }
    free(sig);
    docfile_free(&df);
    doc_free(&doc);
    return s;
}

static int on_file(void *ctx, const char *path, const char *rel, const struct stat *st)
{
    run_state *r = ctx;
    if (strcmp(rel, ARK_CATALOGUE_NAME) == 0)
        return 0; /* the catalogue describes documents; it is not one */
    r->files++;
    char *uid = ark_sprintf("%s%s", ARK_PREFIX_UID, rel);
    if (strlen(uid) > ARK_MAX_TERM) {
        report(r, path, ARK_EINVAL, "path is too long to be an id (at most 240 bytes)");
        r->counts->failed++;
    } else {
        strset_add(r->seen, uid, strlen(uid));
        index_file(r, path, rel, st, uid);
    }
    free(uid);
    if (r->opts && r->opts->progress)
        r->opts->progress(r->opts->ctx, r->counts, r->files);
    return r->fatal != ARK_OK;
}

static void on_walk_error(void *ctx, const char *path, const char *why)
{
    run_state *r = ctx;
    report(r, path, ARK_EIO, why);
    r->counts->failed++;
}

/* ---- deletions ---- */

typedef struct {
    run_state *r;
    strset *gone;
} gone_ctx;

/* Whether the document with unique term uid came from JSON Lines: those
 * are never deleted for want of a file. */
static int imported(run_state *r, const char *uid)
{
    unsigned docid;
    char *sig;
    int yes = find_stored(r, uid, &docid, &sig) == ARK_OK && sig &&
              strncmp(sig, JSONL_SIGNATURE, strlen(JSONL_SIGNATURE)) == 0;
    free(sig);
    return yes;
}

/* A Q<path> or P<path> term whose file was not seen this run. */
static int note_gone(const char *term, size_t len, void *ctx)
{
    gone_ctx *g = ctx;
    char *q = ark_strndup(term, len);
    q[0] = ARK_PREFIX_UID[0];
    if (!strset_has(g->r->seen, q, len) && !imported(g->r, q))
        strset_add(g->gone, term, len);
    free(q);
    return 0;
}

static ark_status delete_gone(run_state *r)
{
    /* the shards are read whole: every write queued before goes in first */
    const char *err;
    if (dbw_sync(r->writer, &err) != ARK_OK)
        return writer_check(r);
    gone_ctx g = {r, strset_new()};
    ark_status st = ARK_OK;
    xdb *db = NULL; /* the shard of the last step, for its error */
    for (unsigned i = 0; st == ARK_OK && i < r->ix->n; i++) {
        db = r->ix->dbs[i];
        st = xdb_each_term(db, ARK_PREFIX_UID, note_gone, &g);
        if (st == ARK_OK)
            st = xdb_each_term(db, ARK_PREFIX_PUBLIC_UID, note_gone, &g);
    }
    fail_run(r, st, st != ARK_OK ? xdb_error(db) : NULL);
    for (size_t i = 0; st == ARK_OK && i < strset_count(g.gone); i++) {
        st = begin_change(r);
        if (st != ARK_OK)
            break;
        dbw_delete(r->writer, shard_index(r->ix, strset_key(g.gone, i)), strset_key(g.gone, i));
        r->counts->deleted++;
    }
    strset_free(g.gone);
    return st;
}

/* ---- JSON Lines ---- */

/* Indexes one record; where is "file:line", for messages. */
static ark_status index_record(run_state *r, const char *where, const char *line, size_t len)
{
    ark_doc doc;
    char *id, *detail;
    ark_status s = jsondoc_read(line, len, &doc, &id, &detail);
    if (s == ARK_OK && strlen(id) + 1 > ARK_MAX_TERM) {
        doc_free(&doc);
        free(detail);
        detail = ark_strdup("the id is too long (at most 240 bytes)");
        s = ARK_EINVAL;
    }
    if (s != ARK_OK) {
        report(r, where, s, detail);
        free(detail);
        free(id);
        r->counts->failed++;
        return ARK_OK;
    }
    char *uid = ark_sprintf("%s%s", ARK_PREFIX_UID, id);
    char *sig = ark_sprintf("%s%016" PRIx64, JSONL_SIGNATURE, ark_fnv1a(line, len, ARK_FNV_SEED));
    unsigned docid;
    char *old;
    s = find_stored(r, uid, &docid, &old);
    if (s == ARK_OK && old && strcmp(old, sig) == 0)
        r->counts->skipped++;
    else if (s == ARK_OK)
        s = store(r, uid, id, id, &doc, sig, docid != 0, where, detail);
    free(old);
    free(sig);
    free(uid);
    free(id);
    free(detail);
    doc_free(&doc);
    return s;
}

/* Adds or updates the records of a JSON Lines file (never deletes). */
static void import_jsonl(run_state *r, const char *path)
{
    const char *name = strcmp(path, "-") == 0 ? "(standard input)" : path;
    jl_reader *jr;
    char *err = NULL;
    if (jl_open(path, &jr, &err) != ARK_OK) {
        report(r, name, ARK_EIO, err);
        free(err);
        r->counts->failed++;
        return;
    }
    const char *line;
    size_t len;
    int too_long, got = 0;
    unsigned long lineno = 0;
    while (r->fatal == ARK_OK && (got = jl_next(jr, &line, &len, &too_long)) > 0) {
        lineno++;
        if (len == strspn(line, " \t") && !too_long)
            continue; /* blank lines are allowed */
        char *where = ark_sprintf("%s:%lu", name, lineno);
        r->files++;
        if (too_long) {
            report(r, where, ARK_ETOOBIG, "the line is longer than 64 MB");
            r->counts->failed++;
        } else {
            index_record(r, where, line, len);
        }
        free(where);
        if (r->opts && r->opts->progress)
            r->opts->progress(r->opts->ctx, r->counts, r->files);
    }
    if (got < 0) {
        report(r, name, ARK_EIO, jl_error(jr));
        r->counts->failed++;
    }
    jl_close(jr);
}

/* Walks one root: a directory, or a single file indexed under its name. */
static void walk_root(run_state *r, const char *root)
{
    struct stat st;
    if (stat(root, &st) != 0) {
        on_walk_error(r, root, strerror(errno));
        r->walk_errors++;
    } else if (S_ISDIR(st.st_mode)) {
        char *path = ark_sprintf("%s/%s", root, ARK_CATALOGUE_NAME), *detail = NULL;
        ark_status cs = catalogue_load(path, &r->cat, &detail);
        if (cs != ARK_OK && cs != ARK_ENOTFOUND) {
            /* the documents are still indexed, with what their text says */
            report(r, path, cs, detail);
            r->counts->failed++;
        }
        free(detail);
        free(path);
        r->walk_errors += walk_tree(root, on_file, on_walk_error, r);
        catalogue_free(r->cat);
        r->cat = NULL;
    } else if (S_ISREG(st.st_mode)) {
        const char *slash = strrchr(root, '/');
        on_file(r, root, slash ? slash + 1 : root, &st);
    } else {
        on_walk_error(r, root, "not a regular file or directory");
        r->walk_errors++;
    }
}

/* Segments for a run into an index of one database with no documents
 * (segments.h); NULL for any other, or when they cannot be made (the run
 * then writes in place, only slower). */
static segs *first_import(ark_indexer *ix)
{
    unsigned docs;
    if (ix->n != 1)
        return NULL;
    if (xdb_doc_count(ix->dbs[0], &docs) != ARK_OK || docs > 0) {
        segs_clean(ix->paths[0]); /* a killed first import's */
        return NULL;
    }
    segs *s;
    char *err;
    if (segs_open(ix->paths[0], &s, &err) != ARK_OK) {
        free(err);
        return NULL;
    }
    return s;
}

ark_status ark_indexer_run(ark_indexer *ix, const char *const *roots, size_t nroots,
                           const ark_index_options *opts, ark_index_counts *counts)
{
    memset(counts, 0, sizeof *counts);
    for (unsigned i = 0; i < ix->n; i++) {
        if (!ix->dbs[i]) { /* a merge could not open it again */
            set_error(ix, "the index could not be opened again after a merge; open it anew");
            return ARK_EOPEN;
        }
    }
    segs *bulk = first_import(ix);
    int first = bulk != NULL;
    ix->merged = 0;
    run_state r = {
        .ix = ix,
        .opts = opts,
        .counts = counts,
        .seen = strset_new(),
        .fatal = ARK_OK,
        .writer = dbw_start(ix->dbs, ix->paths, ix->n, bulk, WRITER_QUEUE, WRITER_QUEUE_BYTES)};
    for (size_t i = 0; i < nroots && r.fatal == ARK_OK; i++) {
        if (jl_is_jsonl(roots[i])) {
            import_jsonl(&r, roots[i]);
        } else {
            r.had_tree = 1;
            walk_root(&r, roots[i]);
        }
    }
    /* A tree that could not be read whole must not look like deleted files;
     * a run of JSON Lines only deletes nothing. */
    if (r.fatal == ARK_OK && r.walk_errors == 0 && r.had_tree)
        delete_gone(&r);
    if (r.fatal == ARK_OK) {
        begin_change(&r); /* commits the format stamp of a new index, too */
        commit_batch(&r);
    } else if (r.in_transaction) {
        dbw_cancel(r.writer);
    }
    char *err;
    ark_status st = dbw_stop(r.writer, &err); /* before err is read */
    fail_run(&r, st, err);
    ix->merged = first && r.fatal == ARK_OK;
    free(err);
    strset_free(r.seen);
    return r.fatal;
}

/* Writes a compact copy of every shard into copy (a sharded index has
 * its stub written there too). */
static ark_status compact_into(ark_indexer *ix, const char *copy, int sharded, char **err)
{
    if (!sharded) {
        ark_status st = xdb_compact(ix->dbs[0], copy);
        if (st != ARK_OK)
            *err = ark_strdup(xdb_error(ix->dbs[0]));
        return st;
    }
    ark_status st = shards_create(copy, ix->n, err);
    for (unsigned i = 0; st == ARK_OK && i < ix->n; i++) {
        char *dest = shards_path(copy, i);
        st = xdb_compact(ix->dbs[i], dest);
        if (st != ARK_OK)
            *err = ark_strdup(xdb_error(ix->dbs[i]));
        free(dest);
    }
    return st;
}

/* Opens the shards again after the exchange: the writer's handles point
 * at the old files. */
static ark_status reopen_shards(ark_indexer *ix, int sharded, char **err)
{
    ark_status st = ARK_OK;
    for (unsigned i = 0; i < ix->n; i++) {
        xdb_close(ix->dbs[i]);
        ix->dbs[i] = NULL;
        char *path = sharded ? shards_path(ix->path, i) : ark_strdup(ix->path);
        ark_status o = xdb_open(path, 1, &ix->dbs[i], st == ARK_OK ? err : NULL);
        free(path);
        if (o != ARK_OK && st == ARK_OK)
            st = o;
    }
    return st;
}

ark_status ark_indexer_compact(ark_indexer *ix)
{
    if (ix->merged)
        return ARK_OK;
    int sharded = shards_is_sharded(ix->path);
    char *copy = dbswap_copy_path(ix->path);
    dbswap_remove_dir(copy); /* left by a run killed while compacting */
    char *err = NULL;
    ark_status st = compact_into(ix, copy, sharded, &err);
    if (st == ARK_OK) {
        /* the writer keeps its locks through the exchange */
        st = dbswap(copy, ix->path, &err);
        char *e = NULL;
        ark_status o = reopen_shards(ix, sharded, &e);
        if (o != ARK_OK && st == ARK_OK) {
            st = o;
            free(err);
            err = e ? e : ark_strdup("cannot reopen the index");
        } else {
            free(e);
        }
    }
    if (st != ARK_OK)
        set_error(ix, err ? err : ark_status_message(st));
    dbswap_remove_dir(copy);
    free(err);
    free(copy);
    return st;
}
