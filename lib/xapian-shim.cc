// xapian-shim.cc — the only C++ in arkiv: extern "C" functions over Xapian.
//
// Every exported function is noexcept and maps exceptions to ark_status, so
// no exception crosses into C.  Out of memory aborts, as everywhere in arkiv.
#include "xapian-shim.h"

#include <xapian.h>

#include <dirent.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <new>
#include <set>
#include <string>
#include <memory>
#include <vector>

// A shard that is down is tried again after this many seconds (by the next
// reopen): often enough to come back soon after a restart, seldom
// enough that a hung host costs one request a timeout now and then.
#define SHARD_RETRY_SECONDS 2.0

// One database of a read handle opened over shards.
struct shard {
    xdb_shard_kind kind;
    std::string where, args; // path, host or program; the program's arguments
    unsigned port;
    Xapian::Database db; // while up
    bool up;
    double retry_at; // when down: the monotonic time to try again
};

struct xdb {
    Xapian::Database *db = nullptr;        // the handle reads go through
    Xapian::WritableDatabase *w = nullptr; // the same object when writable, else null
    std::string error;
    std::vector<shard> shards; // a reader's databases, searched as one
    unsigned timeout_ms = 0;   // for each exchange with a remote shard
    unsigned generation = 0;   // grows whenever the set of shards up changes
    bool remote = false;       // some shard is remote
    // Over remote shards, the documents of the last search's hits, fetched
    // together (one round trip for all, not one per value read).
    std::map<Xapian::docid, Xapian::Document> fetched;
    // A writer's synonyms of the current transaction, written at its commit.
    std::map<std::string, std::set<std::string>> synonyms;
};

// The synonym table lives in metadata, under this prefix, as its terms each
// followed by a NUL: Xapian's remote backend serves metadata but not
// synonyms.  Writing a batch's synonyms at its commit, key by key in order,
// also costs less than Xapian's synonym table did (one B-tree update per
// key and batch).
static const std::string SYNONYM_KEY = "syn:";

struct xdb_doc {
    Xapian::Document doc;
};

struct xdb_query {
    Xapian::Query q;
};

struct xdb_hit {
    Xapian::docid docid;
    double weight;
    unsigned long long together; // the query words standing together (bit g: word g)
};

struct xdb_mset {
    std::vector<xdb_hit> hits;
    unsigned estimate;
    bool exact;
    std::vector<std::vector<std::pair<std::string, unsigned>>> facets;
    bool facets_exact;
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
    } catch (const Xapian::NetworkError &e) {
        st = ARK_EUNREACHABLE;
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
// As XDB_CATCH, and a shard lost on the way is left out of the next reads
// (the handle's generation says so to the caller).
#define XDB_CATCH_SHARD(db)                                                                        \
    }                                                                                              \
    catch (const Xapian::NetworkError &e)                                                          \
    {                                                                                              \
        return lost_shard(db, e);                                                                  \
    }                                                                                              \
    catch (...)                                                                                    \
    {                                                                                              \
        return map_exception(&(db)->error);                                                        \
    }
#define XDB_CATCH(db)                                                                              \
    }                                                                                              \
    catch (...)                                                                                    \
    {                                                                                              \
        return map_exception(&(db)->error);                                                        \
    }

static bool recover(xdb *h, const Xapian::Error &e);

static bool any_up(const xdb *h)
{
    for (const shard &s : h->shards)
        if (s.up)
            return true;
    return false;
}

// A network error: the handle leaves out the shards that no longer answer
// (see recover).  Whether the set of shards up changed; false for a
// writer, which has no shards, or when recovering failed too.
static bool leave_out(xdb *h, const Xapian::NetworkError &e)
{
    h->error = e.get_description();
    if (h->shards.empty())
        return false;
    try {
        return recover(h, e);
    } catch (...) {
        map_exception(nullptr);
        return false;
    }
}

static ark_status lost_shard(xdb *h, const Xapian::NetworkError &e)
{
    leave_out(h, e);
    return ARK_EUNREACHABLE;
}

// Reads over shards of which none answers fail at once.
#define XDB_NEED_SHARD(h)                                                                          \
    if (!(h)->shards.empty() && !any_up(h)) {                                                      \
        (h)->error = "no shard of the index answers";                                              \
        return ARK_EUNREACHABLE;                                                                   \
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

static double now_seconds()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

static Xapian::Database connect_shard(const shard &s, unsigned timeout_ms)
{
    switch (s.kind) {
    case XDB_SHARD_TCP:
        return Xapian::Remote::open(s.where, s.port, timeout_ms, timeout_ms);
    case XDB_SHARD_PROG:
        return Xapian::Remote::open(s.where, s.args, timeout_ms);
    case XDB_SHARD_LOCAL:
        break;
    }
    return Xapian::Database(s.where);
}

static void shard_down(shard &s)
{
    s.up = false;
    s.db = Xapian::Database();
    s.retry_at = now_seconds() + SHARD_RETRY_SECONDS;
}

// Connects s; a remote shard that fails in any way (unreachable, or its
// server cannot open its database just now) is marked down.
static bool shard_connect(shard &s, unsigned timeout_ms)
{
    try {
        s.db = connect_shard(s, timeout_ms);
        s.up = true;
    } catch (const Xapian::Error &) {
        if (s.kind == XDB_SHARD_LOCAL)
            throw;
        shard_down(s);
    }
    return s.up;
}

// Makes the handle search the shards that are up, as one database.
static void combine(xdb *h)
{
    Xapian::Database all;
    bool any = false;
    for (const shard &s : h->shards) {
        if (s.up) {
            all.add_database(s.db);
            any = true;
        }
    }
    h->fetched.clear();
    h->generation++;
    // with none up the handle searches nothing, and reads say so
    // (XDB_NEED_SHARD); the shards are still tried again when due
    *h->db = any ? all : Xapian::Database();
}

// Tries the shards that are down and due; whether one came back.
static bool retry_down(xdb *h)
{
    bool back = false;
    double now = now_seconds();
    for (shard &s : h->shards)
        if (!s.up && now >= s.retry_at)
            back |= shard_connect(s, h->timeout_ms);
    return back;
}

// The shard a network error came from, by the context Xapian gives it
// ("remote:tcp(host:port)"); -1 when it does not say.
static int shard_of_error(const xdb *h, const Xapian::Error &e)
{
    const std::string &context = e.get_context();
    for (size_t i = 0; i < h->shards.size(); i++) {
        const shard &s = h->shards[i];
        if (s.kind == XDB_SHARD_TCP &&
            context == "remote:tcp(" + s.where + ":" + std::to_string(s.port) + ")")
            return static_cast<int>(i);
    }
    return -1;
}

// After a network error: the shard it names is left out, and every other
// remote shard that was up is connected afresh (they may hold replies never
// read); those that do not answer are left out too.  Whether the set of
// shards up changed.
static bool recover(xdb *h, const Xapian::Error &e)
{
    int failed = shard_of_error(h, e);
    bool changed = false;
    for (size_t i = 0; i < h->shards.size(); i++) {
        shard &s = h->shards[i];
        if (!s.up || s.kind == XDB_SHARD_LOCAL)
            continue;
        if (static_cast<int>(i) == failed) {
            shard_down(s);
            changed = true;
        } else {
            changed |= !shard_connect(s, h->timeout_ms);
        }
    }
    combine(h);
    return changed;
}

// The document docid: over remote shards, from the last search's hits if
// it is one, and kept for the next read of the same document.
static Xapian::Document document(xdb *h, unsigned docid)
{
    if (!h->remote)
        return h->db->get_document(docid);
    auto it = h->fetched.find(docid);
    if (it != h->fetched.end())
        return it->second;
    Xapian::Document doc = h->db->get_document(docid);
    h->fetched[docid] = doc;
    return doc;
}

// An xdb_term_fn that adds the term to the std::set ctx.
static int insert_term(const char *term, size_t len, void *ctx)
{
    static_cast<std::set<std::string> *>(ctx)->insert(std::string(term, len));
    return 0;
}

// Calls fn for each term of a stored synonym list; whether fn stopped.
static bool each_listed(const std::string &list, xdb_term_fn fn, void *ctx)
{
    size_t at = 0;
    while (at < list.size()) {
        size_t end = list.find('\0', at);
        if (end == std::string::npos)
            end = list.size();
        if (end > at && fn(list.data() + at, end - at, ctx))
            return true;
        at = end + 1;
    }
    return false;
}

// Adds the transaction's synonyms to those stored.
static void write_synonyms(xdb *h)
{
    for (const auto &entry : h->synonyms) {
        std::string key = SYNONYM_KEY + entry.first;
        std::string list = h->w->get_metadata(key);
        std::set<std::string> have;
        each_listed(list, insert_term, &have);
        size_t before = have.size();
        have.insert(entry.second.begin(), entry.second.end());
        if (have.size() == before)
            continue;
        // kept in order, so that the forms a phrase takes (at most 64) do
        // not depend on the order documents came in, nor on the shards
        list.clear();
        for (const std::string &term : have) {
            list += term;
            list += '\0';
        }
        h->w->set_metadata(key, list);
    }
    h->synonyms.clear();
}

extern "C" {

// A writable handle on the database at path, opened with flags.
static ark_status open_writer(const char *path, int flags, xdb **out, char **err)
{
    *out = nullptr;
    if (err)
        *err = nullptr;
    xdb *h = new xdb();
    try {
        if (is_foreign_directory(path)) {
            throw Xapian::DatabaseOpeningError(std::string(path) +
                                               " is a directory with other files, not an index");
        }
        h->w = new Xapian::WritableDatabase(path, flags);
        h->db = h->w;
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

ark_status xdb_open(const char *path, int writable, xdb **out, char **err) noexcept
{
    if (!writable) {
        // one reader, whatever it reads: a database is one local shard
        xdb_shard one = {XDB_SHARD_LOCAL, path, nullptr, 0};
        return xdb_open_shards(&one, 1, 0, out, err);
    }
    return open_writer(path, Xapian::DB_CREATE_OR_OPEN, out, err);
}

ark_status xdb_open_shards(const xdb_shard *v, size_t n, unsigned timeout_ms, xdb **out,
                           char **err) noexcept
{
    *out = nullptr;
    if (err)
        *err = nullptr;
    xdb *h = new xdb();
    h->timeout_ms = timeout_ms ? timeout_ms : 10000;
    try {
        h->db = new Xapian::Database();
        for (size_t i = 0; i < n; i++) {
            h->shards.push_back(shard{v[i].kind, v[i].where, v[i].args ? v[i].args : "", v[i].port,
                                      Xapian::Database(), false, 0});
            h->remote |= v[i].kind != XDB_SHARD_LOCAL;
        }
        for (shard &s : h->shards)
            shard_connect(s, h->timeout_ms);
        combine(h);
        if (!any_up(h))
            throw Xapian::NetworkError("no shard of the index answers");
    } catch (...) {
        ark_status st = map_exception(&h->error);
        if (err)
            *err = dup_string(h->error);
        delete h->db;
        delete h;
        return st;
    }
    *out = h;
    return ARK_OK;
}

size_t xdb_shard_count(const xdb *h) noexcept
{
    return h->shards.empty() ? 1 : h->shards.size();
}

int xdb_shard_up(const xdb *h, size_t i) noexcept
{
    return i >= h->shards.size() || h->shards[i].up;
}

unsigned xdb_generation(const xdb *h) noexcept
{
    return h->generation;
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
    if (h->shards.empty()) {
        h->db->reopen();
        return ARK_OK;
    }
    h->fetched.clear();
    bool changed = false;
    for (shard &s : h->shards) {
        try {
            if (s.up)
                s.db.reopen();
        } catch (const Xapian::Error &) {
            if (s.kind == XDB_SHARD_LOCAL)
                throw;
            shard_down(s);
            changed = true;
        }
    }
    // with every shard down the handle stays open, to try them when due
    if (retry_down(h) || changed)
        combine(h);
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_doc_count(xdb *h, unsigned *count) noexcept
{
    *count = 0;
    XDB_NEED_SHARD(h)
    XDB_TRY
    *count = h->db->get_doccount();
    return ARK_OK;
    XDB_CATCH_SHARD(h)
}

ark_status xdb_revision(xdb *h, unsigned long *rev) noexcept
{
    *rev = 0;
    XDB_NEED_SHARD(h)
    XDB_TRY
    if (h->shards.size() <= 1 && !h->remote) {
        *rev = static_cast<unsigned long>(h->db->get_revision());
        return ARK_OK;
    }
    // Xapian 1.4 has no revision for several databases, nor for a remote
    // one: the sum of the local shards' revisions and the remote shards'
    // last document ids grows with every commit that adds.
    for (shard &s : h->shards) {
        if (!s.up)
            continue;
        if (s.kind == XDB_SHARD_LOCAL)
            *rev += static_cast<unsigned long>(s.db.get_revision());
        else
            *rev += s.db.get_lastdocid();
    }
    return ARK_OK;
    XDB_CATCH_SHARD(h)
}

ark_status xdb_term_freq(xdb *h, const char *term, size_t len, unsigned *freq) noexcept
{
    *freq = 0;
    XDB_NEED_SHARD(h)
    XDB_TRY
    *freq = h->db->get_termfreq(std::string(term, len));
    return ARK_OK;
    XDB_CATCH_SHARD(h)
}

ark_status xdb_get_metadata(xdb *h, const char *key, char **value) noexcept
{
    *value = nullptr;
    XDB_NEED_SHARD(h)
    XDB_TRY
    *value = dup_string(h->db->get_metadata(key));
    return ARK_OK;
    XDB_CATCH_SHARD(h)
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

ark_status xdb_open_segment(const char *path, xdb **out, char **err) noexcept
{
    // not synced: a segment is merged or written again, never trusted after
    // a crash (segments.h)
    return open_writer(path, Xapian::DB_CREATE | Xapian::DB_NO_SYNC, out, err);
}

namespace
{
// A key found in several of the databases merged: a synonym list is the
// sorted union of the lists, as write_synonyms keeps it; any other key
// keeps the first database's value (the index's own: its format, its
// analysis).
class MergingCompactor : public Xapian::Compactor
{
  public:
    std::string resolve_duplicate_metadata(const std::string &key, size_t n,
                                           const std::string tags[]) override
    {
        if (key.compare(0, SYNONYM_KEY.size(), SYNONYM_KEY) != 0)
            return tags[0];
        std::set<std::string> all;
        for (size_t i = 0; i < n; i++)
            each_listed(tags[i], insert_term, &all);
        std::string list;
        for (const std::string &term : all) {
            list += term;
            list += '\0';
        }
        return list;
    }
};
} // namespace

ark_status xdb_merge(const char *const *paths, size_t n, const char *dest, char **err) noexcept
{
    *err = nullptr;
    try {
        Xapian::Database all;
        for (size_t i = 0; i < n; i++)
            all.add_database(Xapian::Database(paths[i]));
        MergingCompactor merging;
        // renumbered: each database's documents follow the one's before;
        // FULL packs the blocks as xapian-compact does by default
        all.compact(dest, Xapian::Compactor::FULL, 0, merging);
        return ARK_OK;
    } catch (...) {
        std::string what;
        ark_status st = map_exception(&what);
        *err = dup_string(what);
        return st;
    }
}

ark_status xdb_keep_last(xdb *h, const char *uid) noexcept
{
    if (need_writer(h) != ARK_OK)
        return ARK_EINVAL;
    XDB_TRY
    std::vector<Xapian::docid> older;
    for (auto it = h->w->postlist_begin(uid); it != h->w->postlist_end(uid); ++it)
        older.push_back(*it);
    if (!older.empty())
        older.pop_back();
    for (Xapian::docid d : older)
        h->w->delete_document(d);
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
    write_synonyms(h);
    h->w->commit_transaction();
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_cancel(xdb *h) noexcept
{
    if (need_writer(h) != ARK_OK)
        return ARK_EINVAL;
    XDB_TRY
    h->synonyms.clear();
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
    XDB_NEED_SHARD(h)
    XDB_TRY
    Xapian::PostingIterator it = h->db->postlist_begin(uid);
    if (it == h->db->postlist_end(uid))
        return ARK_ENOTFOUND;
    *docid = *it;
    return ARK_OK;
    XDB_CATCH_SHARD(h)
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
    XDB_NEED_SHARD(h)
    XDB_TRY
    *value = dup_string(document(h, docid).get_value(slot));
    return ARK_OK;
    XDB_CATCH_SHARD(h)
}

ark_status xdb_data(xdb *h, unsigned docid, char **data, size_t *len) noexcept
{
    *data = nullptr;
    *len = 0;
    XDB_NEED_SHARD(h)
    XDB_TRY
    std::string s = document(h, docid).get_data();
    *data = dup_string(s);
    *len = s.size();
    return ARK_OK;
    XDB_CATCH_SHARD(h)
}

ark_status xdb_each_term(xdb *h, const char *prefix, xdb_term_fn fn, void *ctx) noexcept
{
    XDB_NEED_SHARD(h)
    XDB_TRY
    for (Xapian::TermIterator t = h->db->allterms_begin(prefix); t != h->db->allterms_end(prefix);
         ++t) {
        std::string term = *t;
        if (fn(term.c_str(), term.size(), ctx))
            break;
    }
    return ARK_OK;
    XDB_CATCH_SHARD(h)
}

ark_status xdb_each_term_freq(xdb *h, const char *prefix, xdb_term_freq_fn fn, void *ctx) noexcept
{
    XDB_NEED_SHARD(h)
    XDB_TRY
    for (Xapian::TermIterator t = h->db->allterms_begin(prefix); t != h->db->allterms_end(prefix);
         ++t) {
        std::string term = *t;
        if (fn(term.c_str(), term.size(), t.get_termfreq(), ctx))
            break;
    }
    return ARK_OK;
    XDB_CATCH_SHARD(h)
}

ark_status xdb_add_synonym(xdb *h, const char *key, const char *term, size_t len) noexcept
{
    if (need_writer(h) != ARK_OK)
        return ARK_EINVAL;
    XDB_TRY
    h->synonyms[key].insert(std::string(term, len));
    return ARK_OK;
    XDB_CATCH(h)
}

ark_status xdb_each_synonym(xdb *h, const char *key, xdb_term_fn fn, void *ctx) noexcept
{
    XDB_NEED_SHARD(h)
    XDB_TRY
    std::string k = SYNONYM_KEY + key;
    if (h->shards.size() <= 1) {
        each_listed(h->db->get_metadata(k), fn, ctx);
        return ARK_OK;
    }
    // Metadata of several databases is the first one's: each shard holds
    // the words of its own documents, so all are asked, and their words
    // come in order as from one database.
    std::set<std::string> all;
    for (shard &s : h->shards) {
        if (s.up)
            each_listed(s.db.get_metadata(k), insert_term, &all);
    }
    for (const std::string &term : all)
        if (fn(term.data(), term.size(), ctx))
            break;
    return ARK_OK;
    XDB_CATCH_SHARD(h)
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

// About one document in step, picked by a hash of its docid: a sample of
// the matches spread over the whole index.  The matcher's own sample, the
// matches it looked at before it could skip, is the index's first
// documents: in import order, the oldest years.  Every step-th docid
// instead would meet any pattern with a period sharing a factor with step
// (a kind every 7th record, a document and its public view in pairs).
class SampleSource : public Xapian::PostingSource
{
    Xapian::docid did = 0, last = 0;
    unsigned step;

    static bool picked(Xapian::docid d, unsigned step)
    {
        uint32_t x = d; // lowbias32 (Chris Wellons' hash prospector)
        x ^= x >> 16;
        x *= 0x7feb352dU;
        x ^= x >> 15;
        x *= 0x846ca68bU;
        x ^= x >> 16;
        return x % step == 0;
    }
    void forward()
    {
        while (did <= last && !picked(did, step))
            did++;
    }

  public:
    explicit SampleSource(unsigned step_) : step(step_)
    {
    }
    PostingSource *clone() const override
    {
        return new SampleSource(step);
    }
    void init(const Xapian::Database &db) override
    {
        did = 0;
        last = db.get_lastdocid();
    }
    Xapian::doccount get_termfreq_min() const override
    {
        return 0;
    }
    Xapian::doccount get_termfreq_est() const override
    {
        return last / step + 1;
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return last;
    }
    void next(double) override
    {
        did++;
        forward();
    }
    void skip_to(Xapian::docid d, double) override
    {
        if (did < d) {
            did = d;
            forward();
        }
    }
    bool at_end() const override
    {
        return did > last;
    }
    Xapian::docid get_docid() const override
    {
        return did;
    }
    std::string name() const override
    {
        return "arkiv:Sample";
    }
};

typedef std::unique_ptr<Xapian::ValueCountMatchSpy> facet_spy;

// The spy on the facet slot, added to enquire; none without facets.
static facet_spy add_spy(Xapian::Enquire &enquire, const xdb_search_opts *o)
{
    if (o->nfacets == 0)
        return nullptr;
    facet_spy spy(new Xapian::ValueCountMatchSpy(o->facet_slot));
    enquire.add_matchspy(spy.get());
    return spy;
}

// The spy's counts per field of the facet slot's values, each times scale,
// in the order of the fields' values; an empty field is not counted.
static void take_facets(const facet_spy &spy, unsigned nfacets, double scale, xdb_mset *m)
{
    nfacets = std::min<unsigned>(nfacets, XDB_MAX_FACETS);
    std::vector<std::map<std::string, Xapian::doccount>> fields(nfacets);
    if (spy) {
        for (Xapian::TermIterator t = spy->values_begin(); t != spy->values_end(); ++t) {
            const std::string v = *t;
            size_t from = 0;
            for (unsigned f = 0; f < nfacets && from <= v.size(); f++) {
                size_t to = std::min(v.find(XDB_FACET_SEP, from), v.size());
                if (to > from)
                    fields[f][v.substr(from, to - from)] += t.get_termfreq();
                from = to + 1;
            }
        }
    }
    for (auto &field : fields) {
        std::vector<std::pair<std::string, unsigned>> counts;
        for (auto &c : field)
            counts.emplace_back(c.first, static_cast<unsigned>(c.second * scale + 0.5));
        m->facets.push_back(std::move(counts));
    }
}

// Counts the facets, and the total, over a sample of about XDB_SAMPLE
// matches (fewer when Xapian's estimate is too high): each count times
// step estimates the whole.  The total stays within Xapian's bounds.
// Returns false when the time left ran out: a sample cut short holds only
// the lowest docids.
static bool count_sample(xdb *h, const xdb_query *q, const Xapian::MSet &mset,
                         const xdb_search_opts *o, double time_left, xdb_mset *m)
{
    unsigned step = m->estimate / XDB_SAMPLE + 1;
    Xapian::Enquire enquire(*h->db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, q->q,
                                    Xapian::Query((new SampleSource(step))->release())));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    if (time_left > 0)
        enquire.set_time_limit(time_left);
    facet_spy spy = add_spy(enquire, o);
    double start = now_seconds();
    enquire.get_mset(0, 0, h->db->get_doccount());
    if (time_left > 0 && now_seconds() - start >= time_left)
        return false;
    if (!m->exact) {
        double total = static_cast<double>(spy->get_total()) * step;
        total = std::max(total, static_cast<double>(mset.get_matches_lower_bound()));
        total = std::min(total, static_cast<double>(mset.get_matches_upper_bound()));
        m->estimate = static_cast<unsigned>(total);
    }
    take_facets(spy, o->nfacets, step, m);
    return true;
}

typedef std::vector<std::pair<Xapian::termpos, unsigned>> near_positions;

// Where the forms of nr stand in each of hits[0..depth), as (position,
// query word): one walk of each form's postings over the hits in docid
// order, and its positions only in the hits holding it (a lookup of each
// form in each hit cost twice as much, docs/DESIGN.md).
static void read_positions(Xapian::Database &db, const xdb_near *nr, const xdb_hit *top,
                           size_t depth, std::vector<near_positions> &at)
{
    std::vector<std::pair<Xapian::docid, size_t>> hits; // in docid order
    for (size_t i = 0; i < depth; i++)
        hits.emplace_back(top[i].docid, i);
    std::sort(hits.begin(), hits.end());
    at.assign(depth, near_positions());
    for (size_t t = 0; t < nr->n; t++) {
        Xapian::PostingIterator p = db.postlist_begin(nr->terms[t]);
        Xapian::PostingIterator end = db.postlist_end(nr->terms[t]);
        for (size_t k = 0; k < hits.size() && p != end; k++) {
            p.skip_to(hits[k].first);
            if (p == end || *p != hits[k].first)
                continue;
            near_positions &mine = at[hits[k].second];
            if (mine.size() >= XDB_NEAR_POSITIONS)
                continue;
            Xapian::PositionIterator stop = p.positionlist_end();
            for (Xapian::PositionIterator q = p.positionlist_begin(); q != stop; ++q)
                mine.emplace_back(*q, nr->group[t]);
        }
    }
}

// The most distinct query words within XDB_NEAR_WINDOW positions of at,
// bit g for word g.
static unsigned long long words_together(near_positions &at)
{
    std::sort(at.begin(), at.end());
    unsigned seen[XDB_NEAR_GROUPS] = {0};
    unsigned long long words = 0, best = 0;
    for (size_t lo = 0, hi = 0; hi < at.size(); hi++) {
        if (seen[at[hi].second]++ == 0)
            words |= 1ULL << at[hi].second;
        while (at[hi].first - at[lo].first >= XDB_NEAR_WINDOW) {
            unsigned g = at[lo++].second;
            if (--seen[g] == 0)
                words &= ~(1ULL << g);
        }
        if (__builtin_popcountll(words) > __builtin_popcountll(best))
            best = words;
    }
    return best;
}

// Re-ranks the first XDB_NEAR_DEPTH hits of m (see XDB_NEAR_BONUS); the
// order of the rest stays, below them.
static void rerank_near(Xapian::Database &db, const xdb_near *nr, xdb_mset *m)
{
    size_t depth = std::min<size_t>(m->hits.size(), XDB_NEAR_DEPTH);
    std::vector<near_positions> at;
    try {
        read_positions(db, nr, m->hits.data(), depth, at);
    } catch (const Xapian::InvalidArgumentError &) {
        // a term Xapian cannot look up: the words count as apart
        at.assign(depth, near_positions());
    }
    for (size_t i = 0; i < depth; i++) {
        m->hits[i].together = words_together(at[i]);
        m->hits[i].weight += xdb_near_bonus(m->hits[i].together);
    }
    // by weight, then in Xapian's order (stable)
    std::stable_sort(m->hits.begin(), m->hits.begin() + depth,
                     [](const xdb_hit &a, const xdb_hit &b) { return a.weight > b.weight; });
}

static xdb_mset *run_search(xdb *h, const xdb_query *q, const xdb_search_opts *o)
{
    h->fetched.clear();
    Xapian::Enquire enquire(*h->db);
    enquire.set_query(q->q);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    if (o->sort_slot >= 0)
        enquire.set_sort_by_value_then_relevance(static_cast<unsigned>(o->sort_slot),
                                                 o->sort_desc != 0);
    facet_spy spy = add_spy(enquire, o);
    if (o->time_limit > 0)
        enquire.set_time_limit(o->time_limit);
    double start = now_seconds();
    // Re-ranking by where the words stand looks at the first
    // XDB_NEAR_DEPTH hits, whatever the page (a page below them is not
    // affected).  Not over remote shards: every position lookup would be
    // a round trip.
    bool near = o->near && o->near->ngroups >= 2 && o->sort_slot < 0 && !h->remote &&
                o->offset < XDB_NEAR_DEPTH;
    unsigned first = near ? 0 : o->offset;
    unsigned count = o->limit;
    if (near) // offset + limit, without overflow, and at least the depth
        count = std::max<unsigned>(o->limit > UINT_MAX - o->offset ? UINT_MAX
                                                                   : o->offset + o->limit,
                                   XDB_NEAR_DEPTH);
    // Count matches (and facets) exactly up to XDB_EXACT_TOTAL; above,
    // Xapian skips matches that cannot reach the page.
    Xapian::MSet mset = enquire.get_mset(first, count, XDB_EXACT_TOTAL);
    std::unique_ptr<xdb_mset> m(new xdb_mset());
    m->estimate = mset.get_matches_estimated();
    m->exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    m->facets_exact = !spy || spy->get_total() >= mset.get_matches_upper_bound();
    double time_left = o->time_limit > 0 ? o->time_limit - (now_seconds() - start) : 0;
    if (m->facets_exact)
        take_facets(spy, o->nfacets, 1, m.get());
    // a remote shard knows no arkiv:Sample; without time left, nor is
    // there a sample: then the counts of the matches looked at, scaled
    else if (h->remote || (o->time_limit > 0 && time_left <= 0) ||
             !count_sample(h, q, mset, o, time_left, m.get()))
        take_facets(spy, o->nfacets,
                    static_cast<double>(m->estimate) / std::max<double>(spy->get_total(), 1),
                    m.get());
    if (h->remote)
        mset.fetch(); // asks every shard for its hits' documents at once
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
        m->hits.push_back({*it, it.get_weight(), 0});
        if (h->remote)
            h->fetched[*it] = it.get_document();
    }
    if (near) { // then the page
        rerank_near(*h->db, o->near, m.get());
        size_t from = std::min<size_t>(o->offset, m->hits.size());
        size_t to = std::min<size_t>(from + o->limit, m->hits.size());
        m->hits = std::vector<xdb_hit>(m->hits.begin() + from, m->hits.begin() + to);
    }
    return m.release();
}

ark_status xdb_search(xdb *h, const xdb_query *q, const xdb_search_opts *o, xdb_mset **out) noexcept
{
    *out = nullptr;
    // A shard that fails is left out and the search runs again over the
    // others.  Each round loses a shard, or is the second in which every
    // remote shard reconnected (a passing fault): then the search fails.
    unsigned fruitless = 0;
    for (;;) {
        XDB_NEED_SHARD(h)
        try {
            *out = run_search(h, q, o);
            return ARK_OK;
        } catch (const Xapian::NetworkError &e) {
            if (!leave_out(h, e) && ++fruitless > 1)
                return ARK_EUNREACHABLE;
        } catch (...) {
            return map_exception(&h->error);
        }
    }
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
    return static_cast<unsigned>(m->hits.size());
}

unsigned xdb_mset_estimate(const xdb_mset *m) noexcept
{
    return m->estimate;
}

int xdb_mset_exact(const xdb_mset *m) noexcept
{
    return m->exact ? 1 : 0;
}

int xdb_mset_facets_exact(const xdb_mset *m) noexcept
{
    return m->facets_exact ? 1 : 0;
}

unsigned xdb_mset_docid(const xdb_mset *m, unsigned i) noexcept
{
    return m->hits[i].docid;
}

double xdb_mset_weight(const xdb_mset *m, unsigned i) noexcept
{
    return m->hits[i].weight;
}

unsigned long long xdb_mset_together(const xdb_mset *m, unsigned i) noexcept
{
    return m->hits[i].together;
}

double xdb_near_bonus(unsigned long long together) noexcept
{
    int n = __builtin_popcountll(together);
    return n > 1 ? XDB_NEAR_BONUS * (n - 1) : 0;
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
