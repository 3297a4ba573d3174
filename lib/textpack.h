/* textpack.h — a document's stored text, compressed by arkiv (zlib).
 *
 * Xapian 1.4 compresses large document data itself, but cannot read back
 * some that compress more than about 1000:1: a megabyte of combining
 * accents came back as DatabaseCorruptError "Too few chunks of compressed
 * data", and xapian-check failed.  So arkiv compresses texts itself; what
 * Xapian then stores does not compress, and it leaves it as it is.
 *
 * Packed form: 'T' and the text as it is (short texts), or 'Z', the text's
 * length in 4 bytes little-endian, and its zlib stream. */
#ifndef ARKIV_TEXTPACK_H
#define ARKIV_TEXTPACK_H

#include <stddef.h>

#include "status.h"
#include "xapian-shim.h"

/* The packed form of text[0..len), malloc'd; *out_len its length. */
char *textpack(const char *text, size_t len, size_t *out_len);

/* Unpacks data[0..len) into a malloc'd, NUL-terminated *text; ARK_ECORRUPT
 * when it is not a packed text. */
ark_status textunpack(const char *data, size_t len, char **text, size_t *text_len);

/* A packed text decompressed from its beginning only as far as it is read:
 * a snippet needs the first kilobytes of a long text, and more only when
 * they lack the query's words.  data[0..len) must outlive the reader; NULL
 * when it is not a packed text. */
typedef struct textreader textreader;
textreader *textreader_new(const char *data, size_t len);

/* At most about max bytes of the text's beginning, cut after a space (or at
 * a character boundary) so that it stays valid UTF-8 and ends with a whole
 * word; NUL-terminated, valid until the next call.  Only what earlier calls
 * did not decompress is decompressed.  *whole says whether *text is all of
 * the text; ARK_ECORRUPT when the stream is broken or shorter than it says. */
ark_status textreader_read(textreader *r, size_t max, const char **text, size_t *text_len,
                           int *whole);

void textreader_free(textreader *r);

/* The stored text of docid in db (xdb_data, then textunpack). */
ark_status textpack_read(xdb *db, unsigned docid, char **text, size_t *len);

#endif
