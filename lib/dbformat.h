/* dbformat.h — the index's format version, checked on every open.
 *
 * An index records the ARK_FORMAT_VERSION (terms.h) that wrote it.  Any
 * other version, or an index that records none but has documents, is
 * refused with ARK_EVERSION and a message that says how to rebuild. */
#ifndef ARKIV_DBFORMAT_H
#define ARKIV_DBFORMAT_H

#include "status.h"
#include "xapian-shim.h"

/* Checks db (opened from path); a writer stamps an empty index with the
 * current version (committed with the writer's next commit).  On failure
 * *err, if err is not NULL, is a message the caller frees. */
ark_status dbformat_check(xdb *db, const char *path, int writable, char **err);

/* The analysis mode of db ("full" or "basic").  want is the mode asked for
 * (NULL: whatever the index has, "full" for a new one); a writer records it in
 * an empty index; an index made with another mode is refused with ARK_EINVAL
 * and a message (the caller frees *err) saying how to rebuild.  *mode is set
 * to a static string. */
ark_status dbformat_analysis(xdb *db, const char *path, const char *want, int writable,
                             const char **mode, char **err);

#endif
