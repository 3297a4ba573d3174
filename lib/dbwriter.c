/* dbwriter.c — an indexing run's writes on a thread of their own (see
 * dbwriter.h).
 *
 * The list of waiting writes is guarded by `queue`, held only briefly.
 * The writer alone touches the writable handles while it runs; the caller
 * reads through handles of its own (`readers`), which see the last commit,
 * and through its notes of what it queued since (`batch`). */
#define _POSIX_C_SOURCE 200809L
#include "dbwriter.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docplan.h"
#include "segments.h"
#include "strset.h"
#include "terms.h"
#include "xalloc.h"

typedef enum {
    OP_REPLACE,
    OP_DELETE,
    OP_SET_SIGNATURE,
    OP_BEGIN,
    OP_COMMIT,
    OP_CANCEL,
    OP_STOP
} op_kind;

typedef struct job {
    op_kind kind;
    unsigned shard, docid;
    char *uid;     /* OP_REPLACE, OP_DELETE */
    char *text;    /* OP_SET_SIGNATURE: the signature */
    docplan *plan; /* OP_REPLACE */
    char *syn;     /* OP_REPLACE: "key\0term\0" pairs, or NULL */
    size_t syn_len;
    size_t bytes; /* what the job holds, for the queue's bound */
    struct job *next;
} job;

/* The caller's notes of one batch's writes, by unique term: what dbw_find
 * answers from until the writer has committed the batch. */
typedef struct batch {
    unsigned number; /* of the commit that ends it: 1, 2, ... */
    strset *uids;
    char **sigs;      /* by index in uids; NULL: deleted */
    unsigned *docids; /* by index in uids; DBW_UNCOMMITTED if not known */
    size_t cap;
    struct batch *older;
} batch;

struct dbw {
    xdb **dbs;
    unsigned n;
    segs *bulk; /* a first import's segments (segments.h), or NULL */
    /* the caller's side */
    char *const *paths;   /* the shards', borrowed */
    xdb **readers;        /* read-only handles, opened when first needed */
    unsigned read_at;     /* the commits they have been reopened after */
    unsigned merges_seen; /* the merges they have been opened after */
    unsigned requested;   /* commits queued */
    batch *cur;           /* writes queued since the last commit queued */
    batch *sealed;        /* batches whose commit is queued, newest first */
    char *err_open;       /* why a read handle would not open */
    /* the writer's side */
    int in_transaction;
    /* set before the writer starts */
    unsigned cap;     /* most jobs waiting */
    size_t cap_bytes; /* most bytes of jobs waiting (one job may be larger) */
    pthread_t thread;
    /* shared, under `queue` */
    pthread_mutex_t queue;
    pthread_cond_t more, room, idle;
    job *head, *tail;
    unsigned waiting; /* jobs on the list */
    size_t waiting_bytes;
    int busy;           /* the writer is applying one */
    unsigned committed; /* commits the writer has made */
    unsigned visible;   /* of which the shards' readers see: all but a first import's
                           since its last merge */
    unsigned merges;
    ark_status failed;
    char *err;
};

static void job_free(job *j)
{
    free(j->uid);
    free(j->text);
    free(j->syn);
    if (j->plan)
        docplan_free(j->plan);
    free(j->plan);
    free(j);
}

/* Records the first failure, with its message. */
static void record_msg(dbw *w, ark_status st, const char *msg)
{
    pthread_mutex_lock(&w->queue);
    if (w->failed == ARK_OK) {
        w->failed = st;
        w->err = ark_strdup(msg ? msg : "");
    }
    pthread_mutex_unlock(&w->queue);
}

/* Records the first failure, with shard i's message. */
static void record(dbw *w, unsigned i, ark_status st)
{
    record_msg(w, st, xdb_error(w->dbs[i]));
}

/* Cancels the open transactions: nothing after a failed write may reach
 * the index. */
static void cancel_all(dbw *w)
{
    if (!w->in_transaction)
        return;
    for (unsigned i = 0; i < w->n; i++)
        xdb_cancel(w->dbs[i]);
    if (w->bulk)
        segs_cancel(w->bulk);
    w->in_transaction = 0;
}

static ark_status add_synonyms(xdb *db, const char *p, size_t len)
{
    const char *end = p + len;
    while (p < end) {
        size_t klen = strlen(p);
        const char *term = p + klen + 1;
        size_t tlen = strlen(term);
        ark_status st = xdb_add_synonym(db, p, term, tlen);
        if (st != ARK_OK)
            return st;
        p = term + tlen + 1;
    }
    return ARK_OK;
}

static batch *batch_new(void)
{
    batch *b = ark_calloc(1, sizeof *b);
    b->uids = strset_new();
    return b;
}

/* Frees b and every older batch. */
static void batch_free_all(batch *b)
{
    while (b) {
        batch *older = b->older;
        for (size_t i = 0; i < strset_count(b->uids); i++)
            free(b->sigs[i]);
        strset_free(b->uids);
        free(b->sigs);
        free(b->docids);
        free(b);
        b = older;
    }
}

/* Notes that uid is now stored with sig (NULL: deleted) as docid. */
static void note_in(batch *b, const char *uid, const char *sig, unsigned docid)
{
    int added;
    size_t i = strset_put(b->uids, uid, strlen(uid), &added);
    if (i == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 64;
        b->sigs = ark_realloc(b->sigs, b->cap * sizeof *b->sigs);
        b->docids = ark_realloc(b->docids, b->cap * sizeof *b->docids);
    }
    if (!added)
        free(b->sigs[i]);
    b->sigs[i] = sig ? ark_strdup(sig) : NULL;
    b->docids[i] = docid;
}

static void note(dbw *w, const char *uid, const char *sig, unsigned docid)
{
    note_in(w->cur, uid, sig, docid);
}

/* Moves the notes of the older batch `old` that b has no newer note of
 * into b, and frees old. */
static void fold(batch *b, batch *old)
{
    for (size_t i = 0; i < strset_count(old->uids); i++) {
        const char *uid = strset_key(old->uids, i);
        if (!strset_has(b->uids, uid, strset_key_len(old->uids, i)))
            note_in(b, uid, old->sigs[i], old->docids[i]);
    }
    old->older = NULL;
    batch_free_all(old);
}

/* Begins or commits the transaction of every shard.  When one fails, the
 * others' open transactions are cancelled: after a failed begin, those
 * begun before it; after a failed commit, those after it, which stay as of
 * their last commit (each shard whole; the next run writes what they
 * miss). */
static void each_shard(dbw *w, op_kind kind)
{
    for (unsigned i = 0; i < w->n; i++) {
        ark_status st = kind == OP_BEGIN ? xdb_begin(w->dbs[i]) : xdb_commit(w->dbs[i]);
        if (st == ARK_OK)
            continue;
        record(w, i, st);
        unsigned from = kind == OP_BEGIN ? 0 : i + 1, to = kind == OP_BEGIN ? i : w->n;
        for (unsigned s = from; s < to; s++)
            xdb_cancel(w->dbs[s]);
        w->in_transaction = 0;
        return;
    }
    w->in_transaction = kind == OP_BEGIN;
    if (kind == OP_COMMIT) {
        pthread_mutex_lock(&w->queue);
        w->committed++;
        if (!w->bulk)
            w->visible = w->committed;
        pthread_mutex_unlock(&w->queue);
    }
}

/* Merges a first import's segments into the index: its readers see every
 * commit now. */
static void merge(dbw *w)
{
    ark_status st = segs_merge(w->bulk, &w->dbs[0]);
    if (st != ARK_OK) {
        record_msg(w, st, segs_error(w->bulk));
        return;
    }
    pthread_mutex_lock(&w->queue);
    w->visible = w->committed;
    w->merges++;
    pthread_mutex_unlock(&w->queue);
}

/* In a first import, the segment is committed before the index (which
 * holds only its format stamp and signatures set again), and merged after
 * it when due. */
static void commit_bulk(dbw *w)
{
    int due;
    ark_status st = segs_commit(w->bulk, &due);
    if (st != ARK_OK) {
        record_msg(w, st, segs_error(w->bulk));
        cancel_all(w);
        return;
    }
    each_shard(w, OP_COMMIT);
    if (due && !w->in_transaction && dbw_status(w, NULL) == ARK_OK)
        merge(w);
}

static void begin_bulk(dbw *w)
{
    each_shard(w, OP_BEGIN);
    if (!w->in_transaction)
        return;
    ark_status st = segs_begin(w->bulk);
    if (st != ARK_OK) {
        record_msg(w, st, segs_error(w->bulk));
        cancel_all(w);
    }
}

/* Sets a signature, in a first import by the document's id: a merge may
 * have numbered the documents afresh since the caller read it. */
static ark_status set_signature(dbw *w, xdb *db, const job *j)
{
    unsigned docid = j->docid;
    if (w->bulk) {
        ark_status st = xdb_find(db, j->uid, &docid);
        if (st == ARK_ENOTFOUND)
            return ARK_OK;
        if (st != ARK_OK)
            return st;
    }
    return xdb_set_value(db, docid, ARK_SLOT_SIGNATURE, j->text);
}

static void apply(dbw *w, job *j)
{
    xdb *db = j->shard < w->n ? w->dbs[j->shard] : NULL;
    ark_status st = ARK_OK;
    const char *msg = NULL;
    switch (j->kind) {
    case OP_REPLACE:
        if (w->bulk)
            db = segs_db(w->bulk);
        if (j->syn)
            st = add_synonyms(db, j->syn, j->syn_len);
        if (st == ARK_OK) {
            xdb_doc *doc = docplan_build(j->plan);
            st = xdb_replace(db, j->uid, doc);
            xdb_doc_free(doc);
        }
        if (st == ARK_OK && w->bulk)
            segs_wrote(w->bulk, j->uid);
        break;
    case OP_DELETE:
        if (w->bulk) {
            st = segs_delete(w->bulk, j->uid);
            msg = segs_error(w->bulk);
        } else {
            st = xdb_delete(db, j->uid);
        }
        break;
    case OP_SET_SIGNATURE:
        st = set_signature(w, db, j);
        break;
    case OP_BEGIN:
        if (w->bulk)
            begin_bulk(w);
        else
            each_shard(w, OP_BEGIN);
        return;
    case OP_COMMIT:
        if (w->bulk && w->in_transaction)
            commit_bulk(w);
        else
            each_shard(w, OP_COMMIT);
        return;
    case OP_CANCEL:
        cancel_all(w);
        return;
    case OP_STOP:
        return;
    }
    if (st != ARK_OK) {
        record_msg(w, st, msg ? msg : xdb_error(db));
        cancel_all(w);
    }
}

static void *writer_main(void *arg)
{
    dbw *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->queue);
        while (!w->head)
            pthread_cond_wait(&w->more, &w->queue);
        job *j = w->head;
        w->head = j->next;
        if (!w->head)
            w->tail = NULL;
        w->waiting--;
        w->waiting_bytes -= j->bytes;
        w->busy = 1;
        int dropped = w->failed != ARK_OK;
        pthread_cond_signal(&w->room);
        pthread_mutex_unlock(&w->queue);
        if (!dropped)
            apply(w, j);
        int stop = j->kind == OP_STOP;
        job_free(j);
        pthread_mutex_lock(&w->queue);
        w->busy = 0;
        if (!w->head)
            pthread_cond_broadcast(&w->idle);
        pthread_mutex_unlock(&w->queue);
        if (stop)
            return NULL;
    }
}

dbw *dbw_start(xdb **dbs, char *const *paths, unsigned n, segs *bulk, unsigned queued, size_t bytes)
{
    dbw *w = ark_calloc(1, sizeof *w);
    w->dbs = dbs;
    w->n = n;
    w->bulk = bulk;
    w->paths = paths;
    w->readers = ark_calloc(n, sizeof *w->readers);
    w->cur = batch_new();
    w->cap = queued ? queued : 1;
    w->cap_bytes = bytes;
    w->failed = ARK_OK;
    pthread_mutex_init(&w->queue, NULL);
    pthread_cond_init(&w->more, NULL);
    pthread_cond_init(&w->room, NULL);
    pthread_cond_init(&w->idle, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        fputs("arkiv: cannot start the index writer thread\n", stderr);
        abort();
    }
    return w;
}

static void push(dbw *w, job *j)
{
    pthread_mutex_lock(&w->queue);
    while ((w->waiting >= w->cap || (w->waiting && w->waiting_bytes + j->bytes > w->cap_bytes)) &&
           j->kind != OP_STOP)
        pthread_cond_wait(&w->room, &w->queue);
    if (w->tail)
        w->tail->next = j;
    else
        w->head = j;
    w->tail = j;
    w->waiting++;
    w->waiting_bytes += j->bytes;
    pthread_cond_signal(&w->more);
    pthread_mutex_unlock(&w->queue);
}

static job *new_job(op_kind kind, unsigned shard)
{
    job *j = ark_calloc(1, sizeof *j);
    j->kind = kind;
    j->shard = shard;
    return j;
}

void dbw_replace(dbw *w, unsigned shard, const char *uid, const char *sig, docplan *plan,
                 ark_buf *syn)
{
    job *j = new_job(OP_REPLACE, shard);
    j->uid = ark_strdup(uid);
    j->plan = plan;
    j->syn_len = syn->len;
    j->syn = syn->len ? ark_buf_take(syn) : NULL;
    j->bytes = docplan_size(plan) + j->syn_len;
    note(w, uid, sig ? sig : "", DBW_UNCOMMITTED);
    push(w, j);
}

void dbw_delete(dbw *w, unsigned shard, const char *uid)
{
    job *j = new_job(OP_DELETE, shard);
    j->uid = ark_strdup(uid);
    note(w, uid, NULL, 0);
    push(w, j);
}

void dbw_set_signature(dbw *w, unsigned shard, const char *uid, unsigned docid, const char *sig)
{
    job *j = new_job(OP_SET_SIGNATURE, shard);
    j->uid = ark_strdup(uid); /* a first import finds the document by it */
    j->docid = docid;
    j->text = ark_strdup(sig);
    note(w, uid, sig, docid);
    push(w, j);
}

void dbw_begin(dbw *w)
{
    push(w, new_job(OP_BEGIN, 0));
}

void dbw_commit(dbw *w)
{
    batch *b = w->cur;
    b->number = ++w->requested;
    /* A first import keeps its notes until a merge, not a commit: older
     * batches no larger than this one are folded into it, so that dbw_find
     * searches a few batches (sizes growing as powers of two), not one per
     * commit. */
    while (w->sealed && strset_count(w->sealed->uids) <= strset_count(b->uids)) {
        batch *old = w->sealed;
        w->sealed = old->older;
        fold(b, old);
    }
    b->older = w->sealed;
    w->sealed = b;
    w->cur = batch_new();
    push(w, new_job(OP_COMMIT, 0));
}

void dbw_cancel(dbw *w)
{
    push(w, new_job(OP_CANCEL, 0));
}

ark_status dbw_status(dbw *w, const char **err)
{
    pthread_mutex_lock(&w->queue);
    ark_status st = w->failed;
    if (err)
        *err = w->err;
    pthread_mutex_unlock(&w->queue);
    return st;
}

ark_status dbw_sync(dbw *w, const char **err)
{
    pthread_mutex_lock(&w->queue);
    while (w->head || w->busy)
        pthread_cond_wait(&w->idle, &w->queue);
    pthread_mutex_unlock(&w->queue);
    return dbw_status(w, err);
}

/* The note of uid in the batches not yet committed, newest first; NULL if
 * none.  Drops the batches the writer has committed since last asked, and
 * reopens the read handles after them. */
static batch *noted(dbw *w, const char *uid, size_t *at)
{
    pthread_mutex_lock(&w->queue);
    unsigned committed = w->visible, merges = w->merges;
    pthread_mutex_unlock(&w->queue);
    if (merges != w->merges_seen) {
        /* a merge put new files in the index's place: read those */
        for (unsigned i = 0; i < w->n; i++) {
            xdb_close(w->readers[i]);
            w->readers[i] = NULL;
        }
        w->merges_seen = merges;
    }
    if (committed != w->read_at) {
        batch **p = &w->sealed;
        while (*p && (*p)->number > committed)
            p = &(*p)->older;
        batch_free_all(*p);
        *p = NULL;
        /* A handle that cannot be reopened may read an older revision
         * than the notes now assume: it is closed, and opened afresh (or
         * its error reported) by the next read. */
        for (unsigned i = 0; i < w->n; i++) {
            if (w->readers[i] && xdb_reopen(w->readers[i]) != ARK_OK) {
                xdb_close(w->readers[i]);
                w->readers[i] = NULL;
            }
        }
        w->read_at = committed;
    }
    long i = strset_index(w->cur->uids, uid, strlen(uid));
    batch *b = w->cur;
    for (batch *older = w->sealed; i < 0 && older; older = older->older) {
        b = older;
        i = strset_index(b->uids, uid, strlen(uid));
    }
    if (i < 0)
        return NULL;
    *at = (size_t)i;
    return b;
}

ark_status dbw_find(dbw *w, unsigned shard, const char *uid, unsigned *docid, char **sig,
                    const char **err)
{
    *docid = 0;
    *sig = NULL;
    *err = NULL;
    size_t i;
    batch *b = noted(w, uid, &i);
    if (b) {
        if (b->sigs[i]) {
            *docid = b->docids[i];
            *sig = ark_strdup(b->sigs[i]);
        }
        return ARK_OK;
    }
    ark_status st = ARK_OK;
    if (!w->readers[shard]) {
        free(w->err_open);
        w->err_open = NULL;
        st = xdb_open(w->paths[shard], 0, &w->readers[shard], &w->err_open);
        if (st != ARK_OK) {
            *err = w->err_open;
            return st;
        }
    }
    xdb *db = w->readers[shard];
    /* The writer's commits may outdate what the handle reads: then it is
     * reopened at the latest, and read again. */
    for (int tries = 0; tries < 3; tries++) {
        st = xdb_find(db, uid, docid);
        if (st == ARK_OK)
            st = xdb_value(db, *docid, ARK_SLOT_SIGNATURE, sig);
        if (st != ARK_EMODIFIED)
            break;
        xdb_reopen(db);
    }
    if (st != ARK_OK)
        *docid = 0;
    if (st == ARK_ENOTFOUND)
        return ARK_OK;
    if (st != ARK_OK)
        *err = xdb_error(db);
    return st;
}

ark_status dbw_stop(dbw *w, char **err)
{
    push(w, new_job(OP_STOP, 0));
    pthread_join(w->thread, NULL);
    if (w->bulk) {
        /* what the segments hold was committed: it joins the index, even
         * after a failure, as it would have in place */
        if (segs_pending(w->bulk))
            merge(w);
        segs_free(w->bulk);
        w->bulk = NULL;
    }
    ark_status st = w->failed;
    if (err)
        *err = st != ARK_OK && w->err ? ark_strdup(w->err) : NULL;
    free(w->err);
    free(w->err_open);
    for (unsigned i = 0; i < w->n; i++)
        xdb_close(w->readers[i]);
    free(w->readers);
    batch_free_all(w->cur);
    batch_free_all(w->sealed);
    pthread_mutex_destroy(&w->queue);
    pthread_cond_destroy(&w->more);
    pthread_cond_destroy(&w->room);
    pthread_cond_destroy(&w->idle);
    free(w);
    return st;
}
