/* docfile.h — one input file read as a text document.
 *
 * Plain text for now; other formats (HTML, XML, PDF) come through extraction.
 * A file is refused when it is larger than DOCFILE_MAX_BYTES (ARK_ETOOBIG)
 * or holds a NUL byte (ARK_EBINARY: text never does).  Invalid UTF-8 is not
 * fatal: each invalid byte becomes U+FFFD and is counted, so the stored text
 * is always valid UTF-8. */
#ifndef ARKIV_DOCFILE_H
#define ARKIV_DOCFILE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define DOCFILE_MAX_BYTES (64u << 20)
#define DOCFILE_MAX_TITLE 200

typedef struct {
    char *text; /* valid UTF-8, NUL-terminated */
    size_t len;
    size_t invalid_bytes; /* replaced by U+FFFD */
    uint64_t hash;        /* FNV-1a of the file's bytes, as read */
} docfile;

/* Reads path.  On failure *detail is a message for the user (the caller frees
 * it) and out is left empty. */
ark_status docfile_read(const char *path, docfile *out, char **detail);
void docfile_free(docfile *d);

/* The title of a text: its first non-blank line, spaces collapsed, cut at a
 * character boundary to DOCFILE_MAX_TITLE bytes.  The caller frees it. */
char *docfile_title(const char *text, size_t len);

#endif
