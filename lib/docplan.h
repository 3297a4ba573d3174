/* docplan.h — a document to index, written down as plain bytes: what the
 * indexing thread describes and the writer thread builds (dbwriter.h).
 *
 * Building a Xapian::Document inserts every posting into a map of term
 * strings: about a tenth of indexing.  Appending to a buffer costs little,
 * so that work, and packing the text, are the writer thread's.  On 2,000
 * speeches that balanced the two threads (16.7-17.6 s against 19.2-19.6);
 * on the whole scale corpus the writer is the busier one (its commits grow
 * with the index), yet building in the indexing thread was slower there
 * too (256.7 s against 233.7, bench/README.md). */
#ifndef ARKIV_DOCPLAN_H
#define ARKIV_DOCPLAN_H

#include <stddef.h>

#include "xalloc.h"
#include "xapian-shim.h"

typedef struct {
    ark_buf postings; /* per posting: term length, term, position, wdf increment */
    ark_buf terms;    /* per term: length, term, wdf */
    ark_buf values;   /* per value: slot, length, bytes */
    ark_buf text;     /* the text to store, packed when built */
} docplan;

/* As xdb_doc_add_posting, xdb_doc_add_term and xdb_doc_set_value. */
void docplan_posting(docplan *p, const char *term, size_t len, unsigned pos, unsigned wdf_inc);
void docplan_term(docplan *p, const char *term, size_t len, unsigned wdf);
void docplan_value(docplan *p, unsigned slot, const char *value, size_t len);
/* The text the document stores (textpack.h packs it in docplan_build). */
void docplan_text(docplan *p, const char *text, size_t len);

/* The Xapian document p describes: its postings, then its terms, values and
 * packed text. */
xdb_doc *docplan_build(const docplan *p);
/* The bytes p holds, for the writer queue's bound. */
size_t docplan_size(const docplan *p);
void docplan_free(docplan *p);

#endif
