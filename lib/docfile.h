/* docfile.h — one input file's bytes, as read, and their hash.
 *
 * What the bytes are (text, HTML, XML, PDF) is extract.h's business.  A file
 * larger than DOCFILE_MAX_BYTES is refused (ARK_ETOOBIG). */
#ifndef ARKIV_DOCFILE_H
#define ARKIV_DOCFILE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define DOCFILE_MAX_BYTES (64u << 20)

typedef struct {
    char *data; /* the bytes, with a NUL after them */
    size_t len;
    uint64_t hash; /* FNV-1a of the bytes */
} docfile;

/* Reads path.  ARK_ENOTFOUND when it does not exist.  On failure *detail is a message for the user (the caller frees
 * it) and out is left empty. */
ark_status docfile_read(const char *path, docfile *out, char **detail);
void docfile_free(docfile *d);

#endif
