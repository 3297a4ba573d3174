/* segments.c — a first import, written as small databases and merged; see
 * segments.h. */
#define _POSIX_C_SOURCE 200809L
#include "segments.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dbswap.h"
#include "strset.h"
#include "xalloc.h"

/* A segment ends after this many commits (2,000 documents in batches of
 * 250): measured on the scale corpus, segments of 2,000 documents indexed
 * it in 157 s and merged in 11 s, against 222-238 s in one database. */
#define SEG_COMMITS 8
/* Merged at the latest when this many wait: the merge opens each one. */
#define SEG_MAX_WAITING 32

/* What the merge does with the older copies of a document. */
enum { KEEP_ALL, KEEP_LAST, KEEP_NONE };

typedef struct {
    size_t stale; /* index in stale */
    unsigned char was;
} undo;

struct segs {
    char *index; /* the index's directory */
    char *dir;   /* its segments' */
    xdb *cur;    /* the segment being written; NULL between two */
    unsigned number;
    unsigned cur_commits;
    char **waiting; /* committed segments not merged yet, oldest first */
    size_t nwaiting, waiting_cap;
    unsigned long index_docs, pending_docs; /* merged; written since */
    strset *uids;                           /* every document written this run */
    unsigned *where;     /* by index in uids: the segment of its last write, 0 once deleted */
    strset *stale;       /* documents with older copies in other databases */
    unsigned char *keep; /* by index in stale */
    undo *undos;         /* the open transaction's changes to keep */
    size_t nundos, undos_cap;
    char *error;
};

static void set_error(segs *s, const char *msg)
{
    free(s->error);
    s->error = ark_strdup(msg ? msg : "");
}

const char *segs_error(const segs *s)
{
    return s->error ? s->error : "";
}

/* The segments' directory of the index at index (malloc'd). */
static char *segments_dir(const char *index)
{
    return dbswap_sibling(index, ".bulk");
}

void segs_clean(const char *index)
{
    char *dir = segments_dir(index), *copy = dbswap_copy_path(index);
    dbswap_remove_dir(dir);
    dbswap_remove_dir(copy);
    free(dir);
    free(copy);
}

ark_status segs_open(const char *index, segs **out, char **err)
{
    *out = NULL;
    *err = NULL;
    char *dir = segments_dir(index);
    segs_clean(index);
    if (!dbswap_can_exchange(index)) {
        *err = ark_sprintf("%s: this file system cannot exchange directories", index);
        free(dir);
        return ARK_EINVAL;
    }
    if (mkdir(dir, 0777) != 0) {
        *err = ark_sprintf("cannot create %s: %s", dir, strerror(errno));
        free(dir);
        return ARK_EIO;
    }
    segs *s = ark_calloc(1, sizeof *s);
    s->index = dbswap_sibling(index, ""); /* without a trailing "/" */
    s->dir = dir;
    s->uids = strset_new();
    s->stale = strset_new();
    *out = s;
    return ARK_OK;
}

static void forget_stale(segs *s)
{
    strset_free(s->stale);
    s->stale = strset_new();
    free(s->keep);
    s->keep = NULL;
    s->nundos = 0;
}

void segs_free(segs *s)
{
    if (!s)
        return;
    xdb_close(s->cur);
    for (size_t i = 0; i < s->nwaiting; i++)
        free(s->waiting[i]);
    dbswap_remove_dir(s->dir);
    free(s->waiting);
    strset_free(s->uids);
    free(s->where);
    strset_free(s->stale);
    free(s->keep);
    free(s->undos);
    free(s->error);
    free(s->dir);
    free(s->index);
    free(s);
}

xdb *segs_db(segs *s)
{
    return s->cur;
}

ark_status segs_begin(segs *s)
{
    if (!s->cur) {
        char *path = ark_sprintf("%s/%04u", s->dir, ++s->number), *err = NULL;
        ark_status st = xdb_open_segment(path, &s->cur, &err);
        free(path);
        if (st != ARK_OK) {
            set_error(s, err);
            free(err);
            return st;
        }
        s->cur_commits = 0;
    }
    ark_status st = xdb_begin(s->cur);
    if (st != ARK_OK)
        set_error(s, xdb_error(s->cur));
    return st;
}

/* Says what the merge keeps of uid's copies, undoably until the commit. */
static void mark_stale(segs *s, const char *uid, unsigned char keep)
{
    int added;
    size_t i = strset_put(s->stale, uid, strlen(uid), &added);
    if (added)
        s->keep = ark_realloc(s->keep, strset_count(s->stale) * sizeof *s->keep);
    if (s->nundos == s->undos_cap) {
        s->undos_cap = s->undos_cap ? 2 * s->undos_cap : 64;
        s->undos = ark_realloc(s->undos, s->undos_cap * sizeof *s->undos);
    }
    s->undos[s->nundos++] = (undo){i, added ? KEEP_ALL : s->keep[i]};
    s->keep[i] = keep;
}

void segs_wrote(segs *s, const char *uid)
{
    int added;
    size_t i = strset_put(s->uids, uid, strlen(uid), &added);
    if (added) {
        s->where = ark_realloc(s->where, strset_count(s->uids) * sizeof *s->where);
    } else if (s->where[i] != s->number) {
        /* an older copy is in another segment or in the index (or none,
         * after a delete: keeping the last copy is then right too) */
        mark_stale(s, uid, KEEP_LAST);
    }
    s->where[i] = s->number;
    s->pending_docs++;
}

ark_status segs_delete(segs *s, const char *uid)
{
    long i = strset_index(s->uids, uid, strlen(uid));
    if (i < 0)
        return ARK_OK; /* the index was empty: this run never wrote it */
    ark_status st = s->cur ? xdb_delete(s->cur, uid) : ARK_OK;
    if (st != ARK_OK) {
        set_error(s, xdb_error(s->cur));
        return st;
    }
    if (s->where[i] != s->number || strset_has(s->stale, uid, strlen(uid)))
        mark_stale(s, uid, KEEP_NONE);
    s->where[i] = 0;
    return ARK_OK;
}

/* Closes the current segment, as of its last commit, to wait for a merge. */
static void close_current(segs *s)
{
    xdb_close(s->cur);
    s->cur = NULL;
    if (s->nwaiting == s->waiting_cap) {
        s->waiting_cap = s->waiting_cap ? 2 * s->waiting_cap : 16;
        s->waiting = ark_realloc(s->waiting, s->waiting_cap * sizeof *s->waiting);
    }
    s->waiting[s->nwaiting++] = ark_sprintf("%s/%04u", s->dir, s->number);
}

ark_status segs_commit(segs *s, int *merge_due)
{
    *merge_due = 0;
    ark_status st = xdb_commit(s->cur);
    if (st != ARK_OK) {
        set_error(s, xdb_error(s->cur));
        return st;
    }
    s->nundos = 0;
    if (++s->cur_commits < SEG_COMMITS)
        return ARK_OK;
    close_current(s);
    *merge_due = s->pending_docs >= s->index_docs || s->nwaiting >= SEG_MAX_WAITING;
    return ARK_OK;
}

void segs_cancel(segs *s)
{
    if (s->cur)
        xdb_cancel(s->cur);
    while (s->nundos > 0) {
        undo *u = &s->undos[--s->nundos];
        s->keep[u->stale] = u->was;
    }
}

int segs_pending(const segs *s)
{
    /* an empty segment begun by the run's last commit adds nothing */
    return s->nwaiting > 0 || s->pending_docs > 0 || strset_count(s->stale) > 0;
}

/* Removes, from the merged copy, the older copies of the documents written
 * again or deleted. */
static ark_status drop_stale(segs *s, const char *copy)
{
    xdb *db;
    char *err = NULL;
    ark_status st = xdb_open(copy, 1, &db, &err);
    if (st != ARK_OK) {
        set_error(s, err);
        free(err);
        return st;
    }
    st = xdb_begin(db);
    for (size_t i = 0; st == ARK_OK && i < strset_count(s->stale); i++) {
        const char *uid = strset_key(s->stale, i);
        if (s->keep[i] == KEEP_LAST)
            st = xdb_keep_last(db, uid);
        else if (s->keep[i] == KEEP_NONE)
            st = xdb_delete(db, uid);
    }
    if (st == ARK_OK)
        st = xdb_commit(db);
    if (st != ARK_OK)
        set_error(s, xdb_error(db));
    xdb_close(db);
    return st;
}

/* Writes the index with the waiting segments into copy. */
static ark_status merge_into(segs *s, const char *copy)
{
    const char **paths = ark_malloc((s->nwaiting + 1) * sizeof *paths);
    paths[0] = s->index;
    for (size_t i = 0; i < s->nwaiting; i++)
        paths[i + 1] = s->waiting[i];
    char *err = NULL;
    ark_status st = xdb_merge(paths, s->nwaiting + 1, copy, &err);
    free(paths);
    if (st != ARK_OK)
        set_error(s, err);
    free(err);
    if (st == ARK_OK && strset_count(s->stale) > 0)
        st = drop_stale(s, copy);
    return st;
}

/* Opens the index again after the exchange: *index reads the old files. */
static ark_status reopen(segs *s, xdb **index)
{
    xdb_close(*index);
    *index = NULL;
    char *err = NULL;
    ark_status st = xdb_open(s->index, 1, index, &err);
    unsigned docs = 0;
    if (st == ARK_OK)
        st = xdb_doc_count(*index, &docs);
    if (st != ARK_OK)
        set_error(s, err ? err : xdb_error(*index));
    free(err);
    s->index_docs = docs;
    return st;
}

ark_status segs_merge(segs *s, xdb **index)
{
    if (s->cur) /* the run ends: its segment counts as of its last commit */
        close_current(s);
    char *copy = dbswap_copy_path(s->index), *err = NULL;
    dbswap_remove_dir(copy);
    ark_status st = merge_into(s, copy);
    if (st == ARK_OK) { /* after the exchange copy is the old index: dbswap removes it */
        st = dbswap(copy, s->index, &err);
        if (st != ARK_OK)
            set_error(s, err);
        free(err);
    }
    if (st != ARK_OK)
        dbswap_remove_dir(copy);
    free(copy);
    if (st != ARK_OK)
        return st;
    for (size_t i = 0; i < s->nwaiting; i++) {
        dbswap_remove_dir(s->waiting[i]);
        free(s->waiting[i]);
    }
    s->nwaiting = 0;
    s->pending_docs = 0;
    forget_stale(s);
    return reopen(s, index);
}
