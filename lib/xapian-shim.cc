// xapian-shim.cc — the only C++ in arkiv: extern "C" functions over Xapian.
//
// Every exported function is noexcept and maps exceptions to ark_status, so
// no exception crosses into C.  Out of memory aborts, as everywhere in arkiv.
#include "xapian-shim.h"

#include <xapian.h>

#include <dirent.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <memory>
#include <vector>

struct xdb {
    Xapian::Database *db;        // the handle reads go through
    Xapian::WritableDatabase *w; // the same object when writable, else null
    std::string error;
};

struct xdb_doc {
    Xapian::Document doc;
};

struct xdb_query {
    Xapian::Query q;
};

struct xdb_mset {
    std::vector<unsigned> docids;
    std::vector<double> weights;
    unsigned estimate;
    bool exact;
    std::vector<std::vector<std::pair<std::string, unsigned>>> facets;
};

struct xdb_stemmer {
    Xapian::Stem stem;
};

static char *dup_string(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        std::abort();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

// Called from inside a catch block: rethrows to learn what was caught.
static ark_status map_exception(std::string *error)
{
    ark_status st;
    std::string what;
    try {
        throw;
    } catch (const std::bad_alloc &) {
        std::fputs("arkiv: out of memory in Xapian\n", stderr);
        std::abort();
    } catch (const Xapian::DatabaseModifiedError &e) {
        st = ARK_EMODIFIED;
        what = e.get_description();
    } catch (const Xapian::DatabaseLockError &e) {
        st = ARK_ELOCKED;
        what = e.get_description();
    } catch (const Xapian::DatabaseNotFoundError &e) {
        st = ARK_ENOTFOUND;
        what = e.get_description();
    } catch (const Xapian::DatabaseCorruptError &e) {
        st = ARK_ECORRUPT;
        what = e.get_description();
    } catch (const Xapian::DatabaseVersionError &e) {
        st = ARK_EVERSION;
        what = e.get_description();
    } catch (const Xapian::DatabaseOpeningError &e) {
        st = ARK_EOPEN;
        what = e.get_description();
    } catch (const Xapian::InvalidArgumentError &e) {
        st = ARK_EINVAL;
        what = e.get_description();
    } catch (const Xapian::Error &e) {
        // An error with an errno (a full disk, an I/O error) is the file
        // system's, not the engine's: say so, the user can act on it.
        const char *sys = e.get_error_string();
        st = sys && *sys ? ARK_EIO : ARK_EXAPIAN;
        what = e.get_description();
    } catch (const std::exception &e) {
        st = ARK_EINTERNAL;
        what = e.what();
    } catch (...) {
        st = ARK_EINTERNAL;
        what = "unknown exception";
    }
    if (error)
        *error = what;
    return st;
}

#define XDB_TRY try {
#define XDB_CATCH(db)                                                                              \
    }                                                                                              \
    catch (...)                                                                                    \
    {                                                                                              \
        return map_exception(&(db)->error);                                                        \
    }

// Whether path is a directory holding files but no database: a writer must
// not scatter index files among a user's documents (a mistyped --db).
static bool is_foreign_directory(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return false;
    bool has_files = false;
    while (struct dirent *e = readdir(d)) {
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
            has_files = true;
            break;
        }
    }
    closedir(d);
    if (!has_files)
        return false;
    try {
        Xapian::Database probe(path);
        return false;
    } catch (const Xapian::DatabaseNotFoundError &) {
        return true;
    }
}

extern "C" {

ark_status xdb_open(const char *path, int writable, xdb **out, char **err) noexcept
{
    *out = nullptr;
    if (err)
        *err = nullptr;
    xdb *h = new xdb{nullptr, nullptr, std::string()};
    try {
        if (writable && is_foreign_directory(path)) {
            throw Xapian::DatabaseOpeningError(std::string(path) +
                                               " is a directory with other files, not an index");
        }
        if (writable) {
            h->w = new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
            h->db = h->w;
        } else {
            h->db = new Xapian::Database(path);
        }
    } catch (...) {
        ark_status st = map_exception(&h->error);
        if (err)
            *err = dup_string(h->error);
        delete h;
        return st;
    }
    *out = h;
    return ARK_OK;
}

void xdb_close(xdb *h) noexcept
{
    if (!h)
        return;
    try {
        h->db->close();
    } catch (...) {
        // Closing cannot be reported usefully; uncommitted work is dropped.
    }
    delete h->db;
    delete h;
}

const char *xdb_error(const xdb *h) noexcept
{
    return h->error.c_str();
}

ark_status xdb_reopen(xdb *h) noexcept
{
    XDB_TRY
    h->db->reopen();
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_doc_count(xdb *h, unsigned *count) noexcept
{
    *count = 0;
    XDB_TRY
    *count = h->db->get_doccount();
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_revision(xdb *h, unsigned long *rev) noexcept
{
    *rev = 0;
    XDB_TRY
    *rev = static_cast<unsigned long>(h->db->get_revision());
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_term_freq(xdb *h, const char *term, size_t len, unsigned *freq) noexcept
{
    *freq = 0;
    XDB_TRY
    *freq = h->db->get_termfreq(std::string(term, len));
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_get_metadata(xdb *h, const char *key, char **value) noexcept
{
    *value = nullptr;
    XDB_TRY
    *value = dup_string(h->db->get_metadata(key));
    return ARK_OK;
    XDB_CATCH(h)
}

static ark_status need_writer(xdb *h)
{
    if (h->w)
        return ARK_OK;
    h->error = "the index was opened for reading";
    return ARK_EINVAL;
}

ark_status xdb_set_metadata(xdb *h, const char *key, const char *value) noexcept
{
    if (need_writer(h) != ARK_OK)
        return ARK_EINVAL;
    XDB_TRY
    h->w->set_metadata(key, value);
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_begin(xdb *h) noexcept
{
    if (need_writer(h) != ARK_OK)
        return ARK_EINVAL;
    XDB_TRY
    h->w->begin_transaction(true);
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_compact(xdb *h, const char *dest) noexcept
{
    XDB_TRY
    // NO_RENUMBER: document ids stay as they are, whoever holds one
    h->db->compact(dest, Xapian::DBCOMPACT_NO_RENUMBER);
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_commit(xdb *h) noexcept
{
    if (need_writer(h) != ARK_OK)
        return ARK_EINVAL;
    XDB_TRY
    h->w->commit_transaction();
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_cancel(xdb *h) noexcept
{
    if (need_writer(h) != ARK_OK)
        return ARK_EINVAL;
    XDB_TRY
    h->w->cancel_transaction();
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_replace(xdb *h, const char *uid, const xdb_doc *doc) noexcept
{
    if (need_writer(h) != ARK_OK)
        return ARK_EINVAL;
    XDB_TRY
    h->w->replace_document(uid, doc->doc);
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_delete(xdb *h, const char *uid) noexcept
{
    if (need_writer(h) != ARK_OK)
        return ARK_EINVAL;
    XDB_TRY
    h->w->delete_document(uid);
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_find(xdb *h, const char *uid, unsigned *docid) noexcept
{
    *docid = 0;
    XDB_TRY
    Xapian::PostingIterator it = h->db->postlist_begin(uid);
    if (it == h->db->postlist_end(uid))
        return ARK_ENOTFOUND;
    *docid = *it;
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_set_value(xdb *h, unsigned docid, unsigned slot, const char *value) noexcept
{
    if (need_writer(h) != ARK_OK)
        return ARK_EINVAL;
    XDB_TRY
    Xapian::Document doc = h->w->get_document(docid);
    doc.add_value(slot, value);
    h->w->replace_document(docid, doc);
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_value(xdb *h, unsigned docid, unsigned slot, char **value) noexcept
{
    *value = nullptr;
    XDB_TRY
    *value = dup_string(h->db->get_document(docid).get_value(slot));
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_data(xdb *h, unsigned docid, char **data, size_t *len) noexcept
{
    *data = nullptr;
    *len = 0;
    XDB_TRY
    std::string s = h->db->get_document(docid).get_data();
    *data = dup_string(s);
    *len = s.size();
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_each_term(xdb *h, const char *prefix, xdb_term_fn fn, void *ctx) noexcept
{
    XDB_TRY
    for (Xapian::TermIterator t = h->db->allterms_begin(prefix); t != h->db->allterms_end(prefix);
         ++t) {
        std::string term = *t;
        if (fn(term.c_str(), term.size(), ctx))
            break;
    }
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_each_term_freq(xdb *h, const char *prefix, xdb_term_freq_fn fn, void *ctx) noexcept
{
    XDB_TRY
    for (Xapian::TermIterator t = h->db->allterms_begin(prefix); t != h->db->allterms_end(prefix);
         ++t) {
        std::string term = *t;
        if (fn(term.c_str(), term.size(), t.get_termfreq(), ctx))
            break;
    }
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_add_synonym(xdb *h, const char *key, const char *term, size_t len) noexcept
{
    if (need_writer(h) != ARK_OK)
        return ARK_EINVAL;
    XDB_TRY
    h->w->add_synonym(key, std::string(term, len));
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_each_synonym(xdb *h, const char *key, xdb_term_fn fn, void *ctx) noexcept
{
    XDB_TRY
    for (Xapian::TermIterator t = h->db->synonyms_begin(key); t != h->db->synonyms_end(key); ++t) {
        std::string term = *t;
        if (fn(term.c_str(), term.size(), ctx))
            break;
    }
    return ARK_OK;
    XDB_CATCH(h)
}

// ---- documents ----

xdb_doc *xdb_doc_new(void) noexcept
{
    return new xdb_doc();
}

void xdb_doc_free(xdb_doc *doc) noexcept
{
    delete doc;
}

void xdb_doc_add_posting(xdb_doc *doc, const char *term, size_t len, unsigned pos,
                         unsigned wdf_inc) noexcept
{
    doc->doc.add_posting(std::string(term, len), pos, wdf_inc ? wdf_inc : 1);
}

void xdb_doc_add_term(xdb_doc *doc, const char *term, size_t len, unsigned wdf) noexcept
{
    doc->doc.add_term(std::string(term, len), wdf);
}

void xdb_doc_set_value(xdb_doc *doc, unsigned slot, const char *value, size_t len) noexcept
{
    doc->doc.add_value(slot, std::string(value, len));
}

void xdb_doc_set_data(xdb_doc *doc, const char *data, size_t len) noexcept
{
    doc->doc.set_data(std::string(data, len));
}

// ---- queries ----

xdb_query *xdb_query_term(const char *term, size_t len, unsigned wqf) noexcept
{
    return new xdb_query{Xapian::Query(std::string(term, len), wqf)};
}

xdb_query *xdb_query_combine(xdb_op op, xdb_query *const *subs, size_t n) noexcept
{
    std::vector<Xapian::Query> v;
    v.reserve(n);
    for (size_t i = 0; i < n; i++)
        v.push_back(subs[i]->q);
    Xapian::Query::op xop = Xapian::Query::OP_OR;
    switch (op) {
    case XDB_OP_AND:
        xop = Xapian::Query::OP_AND;
        break;
    case XDB_OP_OR:
        xop = Xapian::Query::OP_OR;
        break;
    case XDB_OP_AND_NOT:
        xop = Xapian::Query::OP_AND_NOT;
        break;
    case XDB_OP_AND_MAYBE:
        xop = Xapian::Query::OP_AND_MAYBE;
        break;
    case XDB_OP_SYNONYM:
        xop = Xapian::Query::OP_SYNONYM;
        break;
    case XDB_OP_PHRASE:
        xop = Xapian::Query::OP_PHRASE;
        break;
    case XDB_OP_FILTER:
        xop = Xapian::Query::OP_FILTER;
        break;
    }
    if (op == XDB_OP_FILTER && n > 2) {
        // The filters all apply: AND them into one.
        Xapian::Query rest(Xapian::Query::OP_AND, v.begin() + 1, v.end());
        return new xdb_query{Xapian::Query(xop, v[0], rest)};
    }
    if ((op == XDB_OP_AND_NOT || op == XDB_OP_AND_MAYBE) && n > 2) {
        // These take two operands in Xapian: fold the rest into one OR.
        Xapian::Query rest(Xapian::Query::OP_OR, v.begin() + 1, v.end());
        return new xdb_query{Xapian::Query(xop, v[0], rest)};
    }
    return new xdb_query{Xapian::Query(xop, v.begin(), v.end(), op == XDB_OP_PHRASE ? n : 0)};
}

xdb_query *xdb_query_all(void) noexcept
{
    return new xdb_query{Xapian::Query::MatchAll};
}

xdb_query *xdb_query_value(unsigned slot, int ge, const char *value) noexcept
{
    return new xdb_query{Xapian::Query(ge ? Xapian::Query::OP_VALUE_GE : Xapian::Query::OP_VALUE_LE,
                                       slot, std::string(value))};
}

xdb_query *xdb_query_near(xdb_query *const *subs, size_t n, unsigned window) noexcept
{
    std::vector<Xapian::Query> v;
    for (size_t i = 0; i < n; i++)
        v.push_back(subs[i]->q);
    return new xdb_query{Xapian::Query(Xapian::Query::OP_NEAR, v.begin(), v.end(), window)};
}

xdb_query *xdb_query_scale(const xdb_query *q, double factor) noexcept
{
    return new xdb_query{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor)};
}

xdb_query *xdb_query_with_bonus(const xdb_query *q, double bonus) noexcept
{
    Xapian::PostingSource *src = new Xapian::FixedWeightPostingSource(bonus);
    Xapian::Query constant(src->release());
    return new xdb_query{Xapian::Query(Xapian::Query::OP_AND, q->q, constant)};
}

void xdb_query_free(xdb_query *q) noexcept
{
    delete q;
}

char *xdb_query_describe(const xdb_query *q) noexcept
{
    return dup_string(q->q.get_description());
}

// ---- running a query ----

ark_status xdb_search(xdb *h, const xdb_query *q, const xdb_search_opts *o,
                      xdb_mset **out) noexcept
{
    *out = nullptr;
    XDB_TRY
    Xapian::Enquire enquire(*h->db);
    enquire.set_query(q->q);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    if (o->sort_slot >= 0)
        enquire.set_sort_by_value_then_relevance(static_cast<unsigned>(o->sort_slot),
                                                 o->sort_desc != 0);
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    for (unsigned f = 0; f < o->nfacets && f < XDB_MAX_FACETS; f++) {
        spies.emplace_back(new Xapian::ValueCountMatchSpy(o->facet_slots[f]));
        enquire.add_matchspy(spies.back().get());
    }
    if (o->time_limit > 0)
        enquire.set_time_limit(o->time_limit);
    // Count matches (and facets) exactly up to XDB_EXACT_TOTAL, as
    // Elasticsearch does.
    Xapian::MSet mset = enquire.get_mset(o->offset, o->limit, XDB_EXACT_TOTAL);
    xdb_mset *m = new xdb_mset();
    m->estimate = mset.get_matches_estimated();
    m->exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    for (auto &spy : spies) {
        std::vector<std::pair<std::string, unsigned>> counts;
        for (Xapian::TermIterator t = spy->values_begin(); t != spy->values_end(); ++t)
            if (!(*t).empty())
                counts.emplace_back(*t, t.get_termfreq());
        m->facets.push_back(std::move(counts));
    }
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
        m->docids.push_back(*it);
        m->weights.push_back(it.get_weight());
    }
    *out = m;
    return ARK_OK;
    XDB_CATCH(h)
}

void xdb_mset_free(xdb_mset *m) noexcept
{
    delete m;
}

size_t xdb_mset_facet_size(const xdb_mset *m, unsigned f) noexcept
{
    return f < m->facets.size() ? m->facets[f].size() : 0;
}

const char *xdb_mset_facet_value(const xdb_mset *m, unsigned f, size_t i) noexcept
{
    return m->facets[f][i].first.c_str();
}

unsigned xdb_mset_facet_count(const xdb_mset *m, unsigned f, size_t i) noexcept
{
    return m->facets[f][i].second;
}

unsigned xdb_mset_size(const xdb_mset *m) noexcept
{
    return static_cast<unsigned>(m->docids.size());
}

unsigned xdb_mset_estimate(const xdb_mset *m) noexcept
{
    return m->estimate;
}

int xdb_mset_exact(const xdb_mset *m) noexcept
{
    return m->exact ? 1 : 0;
}

unsigned xdb_mset_docid(const xdb_mset *m, unsigned i) noexcept
{
    return m->docids[i];
}

double xdb_mset_weight(const xdb_mset *m, unsigned i) noexcept
{
    return m->weights[i];
}

// ---- stemming ----

ark_status xdb_stemmer_new(const char *language, xdb_stemmer **out) noexcept
{
    *out = nullptr;
    try {
        *out = new xdb_stemmer{Xapian::Stem(language)};
    } catch (...) {
        return map_exception(nullptr);
    }
    return ARK_OK;
}

void xdb_stemmer_free(xdb_stemmer *st) noexcept
{
    delete st;
}

size_t xdb_stem(xdb_stemmer *st, const char *word, size_t len, char *out, size_t cap) noexcept
{
    try {
        std::string s = st->stem(std::string(word, len));
        if (s.size() + 1 > cap)
            return 0;
        std::memcpy(out, s.data(), s.size());
        out[s.size()] = '\0';
        return s.size();
    } catch (...) {
        map_exception(nullptr);
        return 0;
    }
}

} // extern "C"
