/* dblock.h — one writer per index, also while a compacted copy is put in
 * its place.
 *
 * Xapian's own lock lives inside the database's directory.  A compaction
 * (--compact, or a first import's merges) exchanges that directory for a
 * new one (dbswap.h), and until the writer has opened the new one no Xapian
 * lock guards the path: a second arkiv-index could take it there and write
 * in place while the first one fails to reopen.  So a writer also holds a
 * lock on DIR.lock, a file beside the index that no exchange moves.  The
 * file is removed when the writer lets go. */
#ifndef ARKIV_DBLOCK_H
#define ARKIV_DBLOCK_H

#include "status.h"

typedef struct dblock dblock;

/* Takes the lock of the index at db (a directory, which need not exist).
 * *out (to release with dblock_release) is the lock; ARK_ELOCKED when
 * another process holds it.  Where no file can be written beside the index
 * (a parent directory the writer may not write), *out is a lock that holds
 * nothing: no compacted copy can be written there either, so Xapian's own
 * lock suffices.  Other errors, with *err (to free): ARK_ENOTFOUND when the
 * directory that would hold the lock file does not exist, else ARK_EIO. */
ark_status dblock_take(const char *db, dblock **out, char **err);

/* Lets go of the lock and removes its file; NULL does nothing. */
void dblock_release(dblock *l);

#endif
