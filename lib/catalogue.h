/* catalogue.h — the archive's catalogue: fields given per document.
 *
 * An archivist's catalogue file gives or corrects what extraction cannot
 * know or got wrong, and has the last word:
 *
 *   <catalogue>
 *     <document path="001_cdfb46e5789d4a96.txt">
 *       <title>...</title> <date end="2026-03-05">2026-03-04</date>
 *       <kind>referat</kind> <access>internal</access>
 *       <description>...</description>
 *       <participants><participant>...</participant>...</participants>
 *     </document>
 *   </catalogue>
 *
 * Every field is optional; only those given replace the document's.  An
 * empty <title/>, <description/> or <kind/> clears the field.  Dates are
 * "YYYY", "YYYY-MM" or "YYYY-MM-DD"; access "public" or "internal"; kind
 * is lower-cased.  Paths are relative to the indexed root ("./" allowed).
 * The file is parsed as hostile XML (xmlsafe.h). */
#ifndef ARKIV_CATALOGUE_H
#define ARKIV_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>

#include "document.h"
#include "status.h"

typedef struct catalogue catalogue;
struct cat_entry;

/* Loads path.  ARK_ENOTFOUND when the file does not exist; ARK_EPARSE for
 * broken XML, an unknown element, a path listed twice or an entry with an
 * invalid value (the detail names the entry's path and the field); ARK_EIO
 * or ARK_ETOOBIG when it cannot be read.  On failure *out is NULL and
 * *detail a message the caller frees; on success *detail is NULL. */
ark_status catalogue_load(const char *path, catalogue **out, char **detail);
/* Frees c; NULL does nothing. */
void catalogue_free(catalogue *c);
size_t catalogue_count(const catalogue *c);
/* The entry for a path relative to the indexed root, or NULL; borrowed
 * until catalogue_free. */
const struct cat_entry *catalogue_find(const catalogue *c, const char *relpath);
/* A fingerprint of the entry's content (0 for NULL): when it changes, the
 * document must be indexed again. */
uint64_t catalogue_fingerprint(const struct cat_entry *e);
/* Overwrites the document's fields with those the entry gives (only those).
 * A date given replaces date_end too (with "" when the entry has none). */
void catalogue_apply(const struct cat_entry *e, ark_doc *d);

#endif
