/* dbwriter.h — an indexing run's writes, applied to the shards in order on
 * a thread of their own.
 *
 * Xapian's share of indexing (inverting a document's terms, committing a
 * batch) is about as large as arkiv's (extracting and analyzing the next
 * documents); the two run side by side on two cores this way.  The calling
 * thread queues writes and goes on; the writer applies them one by one, in
 * the order queued, so batches and transactions mean what they meant when
 * written in place.  After the first write that fails, the writer cancels
 * the open transactions and drops what follows: the index stays as of its
 * last commit, as a run that stops on an error always left it.
 *
 * What a document is stored as, the caller asks dbw_find: it answers from
 * the writes queued since the last commit the writer finished (in a first
 * import, since the last merge), and from a read-only handle on the shards
 * for the rest, so that it never waits for
 * the writer.  The shards' writable handles are the writer's while it runs;
 * the caller may read them only after dbw_sync, before queuing more. */
#ifndef ARKIV_DBWRITER_H
#define ARKIV_DBWRITER_H

#include "docplan.h"
#include "segments.h"
#include "status.h"
#include "xalloc.h"
#include "xapian-shim.h"

typedef struct dbw dbw;

/* The docid dbw_find gives a document written this run and not yet
 * committed: it exists, but its number is not known yet. */
#define DBW_UNCOMMITTED 0xffffffffu

/* Starts a writer for the shards dbs[0..n) at paths[0..n), which stay the
 * caller's (to close after dbw_stop; paths must last until then).  With
 * `bulk` (a first import into one database; w owns it), documents are
 * written into its segments, and dbs[0] is replaced by a new handle at each
 * merge.  At most `queued` writes, holding at most `bytes` (or one write
 * larger than that), wait at a time: a caller that gets further ahead
 * waits, which bounds the memory they take. */
dbw *dbw_start(xdb **dbs, char *const *paths, unsigned n, segs *bulk, unsigned queued,
               size_t bytes);

/* Applies every queued write, merges what segments are left, stops the
 * thread and frees w; returns the first failure, as dbw_status does, with
 * a copy of its message in *err (NULL if none). */
ark_status dbw_stop(dbw *w, char **err);

/* Replaces the document with unique term uid in shard by the one plan
 * describes (w owns plan now, malloc'd, and builds it), after adding the
 * synonym pairs in syn, "key\0term\0" each (w takes its bytes: syn is left
 * empty).  sig is the signature it stores. */
void dbw_replace(dbw *w, unsigned shard, const char *uid, const char *sig, docplan *plan,
                 ark_buf *syn);
/* Deletes the document with unique term uid from shard, if there is one. */
void dbw_delete(dbw *w, unsigned shard, const char *uid);
/* Sets the signature of document docid (unique term uid) to sig. */
void dbw_set_signature(dbw *w, unsigned shard, const char *uid, unsigned docid, const char *sig);
/* Transactions, on every shard: a commit that fails on one cancels the
 * rest; cancel drops whatever the open transactions hold. */
void dbw_begin(dbw *w);
void dbw_commit(dbw *w);
void dbw_cancel(dbw *w);

/* The docid of uid in shard (0: none; DBW_UNCOMMITTED) and its signature
 * (*sig, NULL if none), as of every write queued so far.  A failure to
 * read is returned with the shard's message in *err (borrowed). */
ark_status dbw_find(dbw *w, unsigned shard, const char *uid, unsigned *docid, char **sig,
                    const char **err);

/* The first write that failed so far (ARK_OK: none), and Xapian's message
 * for it in *err (borrowed, valid until dbw_stop). */
ark_status dbw_status(dbw *w, const char **err);
/* Waits until every write queued so far is applied; then dbw_status. */
ark_status dbw_sync(dbw *w, const char **err);

#endif
