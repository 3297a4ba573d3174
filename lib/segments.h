/* segments.h — a first import, written as small databases and merged.
 *
 * Xapian's commit writes anew every B-tree block a batch touches, and the
 * terms of 250 documents touch blocks all over a large index: on the scale
 * corpus (39,438 documents) a commit took 0.5 s early in the run and over
 * 1 s late, and the 157 commits took half of the writer's time.  Into a
 * small new database the same batch commits fast, and Xapian's compactor
 * merges sorted databases in one pass.  So a run that begins on an empty
 * index (of one database) writes its batches into segments, new databases
 * in <index>.bulk/, a new one every 8 commits (2,000 documents), and merges them
 * into the index with the compactor: whenever the segments waiting hold as
 * many documents as the index (so each document is merged about twice,
 * and searchers see at least half of what was written), and at the end.
 *
 * A merge writes the index with its segments into a copy and exchanges the
 * two (dbswap.h): a kill at any moment leaves the index as of the last
 * merge, whole, and the next run writes the rest again.  Segments are not
 * synced to disk; the merged index is.
 *
 * A document written again in a later segment (an id repeated in JSON
 * Lines), or deleted after its segment was closed, leaves its older copies
 * to the merge, which keeps only the newest (or none).  Every write goes
 * through one segs, on the writer's thread (dbwriter.h). */
#ifndef ARKIV_SEGMENTS_H
#define ARKIV_SEGMENTS_H

#include "status.h"
#include "xapian-shim.h"

typedef struct segs segs;

/* Prepares segments for a first import into the index at `index` (a
 * database with no documents), removing any a killed run left.  *err (to
 * free) says why it cannot: on a file system that cannot exchange
 * directories (dbswap.h), a merge could never take the index's place. */
ark_status segs_open(const char *index, segs **out, char **err);
/* Removes what a killed first import left beside the index at index: its
 * segments, and a merge's copy. */
void segs_clean(const char *index);
/* Removes the segments not merged, and frees s. */
void segs_free(segs *s);

/* The segment written to, between segs_begin and segs_commit or
 * segs_cancel. */
xdb *segs_db(segs *s);
/* Begins a transaction in the current segment, creating one if needed. */
ark_status segs_begin(segs *s);
/* Notes that the document with unique term uid was written to segs_db. */
void segs_wrote(segs *s, const char *uid);
/* Deletes the document uid, wherever this run wrote it. */
ark_status segs_delete(segs *s, const char *uid);
/* Commits the transaction; *merge_due says whether segs_merge should run
 * now (after the index's own commit). */
ark_status segs_commit(segs *s, int *merge_due);
/* Drops the transaction. */
void segs_cancel(segs *s);

/* Merges the index with the segments committed so far, and reopens the
 * index's writable handle *index (which must have no open transaction) at
 * the new files.  On failure the index is as it was, or *index is NULL if
 * it could not be reopened. */
ark_status segs_merge(segs *s, xdb **index);
/* Whether anything waits to be merged. */
int segs_pending(const segs *s);

/* The last failure's message (borrowed, valid until the next call). */
const char *segs_error(const segs *s);

#endif
