/* dbswap.h — puts a compacted copy of an index in the place of the index.
 *
 * Xapian's compaction writes a new database into a new directory; arkiv's
 * users name the index by its directory (--db).  The copy is written next
 * to it and the two directories are exchanged in one step (renameat2 with
 * RENAME_EXCHANGE, Linux 3.15 and later): a kill at any moment leaves the
 * old index or the new one, never a mixture, and searchers reopen into the
 * new one by its path.  A file system that cannot exchange directories gets
 * a clear error and keeps the index as it was. */
#ifndef ARKIV_DBSWAP_H
#define ARKIV_DBSWAP_H

#include "status.h"

/* db's name with suffix added (malloc'd), its directory resolved: a file or
 * directory beside the index, the same whichever way its path is written
 * ("db/", "db/.", ".", "../db", through a symbolic link; "db/." and "."
 * would otherwise put it inside the directory an exchange replaces).  With
 * suffix "", the index's own path as an exchange needs it. */
char *dbswap_sibling(const char *db, const char *suffix);

/* Where the compacted copy of the index at db is written: a sibling
 * directory (malloc'd). */
char *dbswap_copy_path(const char *db);

/* Exchanges the directories copy and db, then removes copy (the old
 * index).  *err (to free) says what failed. */
ark_status dbswap(const char *copy, const char *db, char **err);

/* Whether the file system that holds db (a directory, which need not
 * exist) exchanges directories: tried on two empty ones beside it. */
int dbswap_can_exchange(const char *db);

/* Removes the directory dir and what it holds (a sharded index holds its
 * shards' directories); no error when it does not exist. */
void dbswap_remove_dir(const char *dir);

#endif
