/* jsondoc.h — one JSON Lines record ({"id", "title", "text", "date", ...})
 * as a document, the way other systems' exports arrive.
 *
 * Read: id (a string or a whole number; required), title, text, date and
 * date_end (YYYY, YYYY-MM or YYYY-MM-DD), kind, access ("public" or
 * "internal"), description, participants (strings).  Every other field is
 * kept, as it is, in ark_doc.extra, and returned with the document. */
#ifndef ARKIV_JSONDOC_H
#define ARKIV_JSONDOC_H

#include <stddef.h>

#include "document.h"
#include "status.h"

/* Reads the record line[0..len) into d (format "json") and *id.  ARK_EPARSE
 * with *detail when it is not a JSON object with an id; ARK_OK with *detail
 * set when a field was left out (a date that is no date).  The caller frees
 * *id and *detail, and d with doc_free (only on ARK_OK). */
ark_status jsondoc_read(const char *line, size_t len, ark_doc *d, char **id, char **detail);

#endif
