/* dbswap.h — puts a compacted copy of an index in the place of the index.
 *
 * Xapian's compaction writes a new database into a new directory; arkiv's
 * users name the index by its directory (--db), so the copy's files are
 * renamed over the old ones, the version file (iamglass) last: a reader
 * that sees the new version finds new tables.  The writer's lock file is
 * left alone. */
#ifndef ARKIV_DBSWAP_H
#define ARKIV_DBSWAP_H

#include "status.h"

/* Moves the database files of the directory copy into the directory db,
 * removes db's tables that copy does not have, then copy itself.  *err (to
 * free) says what failed. */
ark_status dbswap(const char *copy, const char *db, char **err);

/* Removes the directory dir and the files in it (not recursively); no
 * error when it does not exist. */
void dbswap_remove_dir(const char *dir);

#endif
