/* dbformat.c — format version check; see dbformat.h. */
#include "dbformat.h"

#include <stdlib.h>
#include <string.h>

#include "terms.h"
#include "xalloc.h"

static ark_status fail(ark_status st, char **err, char *msg)
{
    if (err)
        *err = msg;
    else
        free(msg);
    return st;
}

/* Reads the metadata key and the number of documents; on failure *err as
 * for the public functions. */
static ark_status read_meta(xdb *db, const char *key, char **value, unsigned *docs, char **err)
{
    ark_status st = xdb_get_metadata(db, key, value);
    if (st == ARK_OK)
        st = xdb_doc_count(db, docs);
    if (st != ARK_OK) {
        free(*value);
        *value = NULL;
        return fail(st, err, ark_strdup(xdb_error(db)));
    }
    return ARK_OK;
}

ark_status dbformat_check(xdb *db, const char *path, int writable, char **err)
{
    if (err)
        *err = NULL;
    char *version;
    unsigned docs;
    ark_status st = read_meta(db, ARK_META_FORMAT, &version, &docs, err);
    if (st != ARK_OK)
        return st;
    if (strcmp(version, ARK_FORMAT_VERSION) == 0) {
        free(version);
        return ARK_OK;
    }
    if (*version == '\0' && docs == 0) {
        free(version);
        return writable ? xdb_set_metadata(db, ARK_META_FORMAT, ARK_FORMAT_VERSION) : ARK_OK;
    }
    char *msg = ark_sprintf("the index at %s has format %s, but this arkiv uses format %s; "
                            "rebuild it: rm -rf %s && arkiv-index --db %s DIR...",
                            path, *version ? version : "(none: not an arkiv index)",
                            ARK_FORMAT_VERSION, path, path);
    free(version);
    return fail(ARK_EVERSION, err, msg);
}

ark_status dbformat_analysis(xdb *db, const char *path, const char *want, int writable,
                             const char **mode, char **err)
{
    *mode = "full";
    if (err)
        *err = NULL;
    if (want && strcmp(want, "full") != 0 && strcmp(want, "basic") != 0)
        return fail(ARK_EINVAL, err, ark_sprintf("unknown analysis '%s' (full or basic)", want));
    char *have;
    unsigned docs;
    ark_status st = read_meta(db, ARK_META_ANALYSIS, &have, &docs, err);
    if (st != ARK_OK)
        return st;
    const char *chosen = *have ? have : (want && docs == 0 ? want : "full");
    *mode = strcmp(chosen, "basic") == 0 ? "basic" : "full";
    if (want && strcmp(want, *mode) != 0) {
        char *msg = ark_sprintf("the index at %s was built with the %s analysis; to use %s, "
                                "rebuild it: rm -rf %s && arkiv-index --db %s --analysis %s DIR...",
                                path, *mode, want, path, path, want);
        free(have);
        return fail(ARK_EINVAL, err, msg);
    }
    if (!*have && writable)
        st = xdb_set_metadata(db, ARK_META_ANALYSIS, *mode);
    free(have);
    return st;
}
