/* extract.h — turning a file's bytes into an ark_doc.
 *
 * extract_document() picks the format from the content (and the name's
 * extension where the content cannot tell), runs the extractor, re-flows
 * text that has hard line breaks, and reads the minutes' metadata from the
 * text.  Each extractor below only reads its format: it appends text to
 * d->text, records pages and sections at the offsets where they begin, and
 * sets what the format states (title, date, ...).  None of them may read
 * the network or any other file.
 *
 * On failure an extractor returns ARK_EBINARY (not a document this format
 * can read), ARK_EPARSE (broken beyond recovery) or ARK_ETOOBIG, with *detail
 * a message for the user that the caller frees. */
#ifndef ARKIV_EXTRACT_H
#define ARKIV_EXTRACT_H

#include <stddef.h>

#include "document.h"
#include "status.h"

/* Limits on hostile or absurd input, for the structured formats. */
#define EXTRACT_MAX_DEPTH 256 /* element nesting (HTML, XML) */

/* HTML and XHTML: visible text only; <title> (else the first <h1>) as title;
 * h1-h6 as sections; <meta name="description">, and dates from
 * <meta name="date|dcterms.date|DC.date"> or <time datetime>. */
ark_status extract_html(const char *data, size_t len, ark_doc *d, char **detail);

/* XML: the arkiv export format (root <arkiv-document>, see README) into
 * fields and sections; any other XML as its text.  No network, no DTD, no
 * external entities, no entity expansion. */
ark_status extract_xml(const char *data, size_t len, ark_doc *d, char **detail);

/* PDF through poppler-glib: the text of each page, a page mark before each;
 * the title from the PDF's metadata when it has one; sets d->reflow. */
ark_status extract_pdf(const char *data, size_t len, ark_doc *d, char **detail);

/* Plain text: UTF-8, or Latin-1/Windows-1252 detected and converted; sets
 * d->reflow.  ARK_EBINARY for a NUL byte. */
ark_status extract_text(const char *data, size_t len, ark_doc *d, char **detail);

/* Whether word (UTF-8, as written) is a word of the language: re-flow joins
 * a word hyphenated across a line end only when the joined word is one. */
typedef int (*extract_word_fn)(void *ctx, const char *word, size_t len);

/* Any file.  name (may be NULL) is used only for its extension; is_word may
 * be NULL (then hyphens at line ends are kept). */
ark_status extract_document(const char *name, const char *data, size_t len,
                            extract_word_fn is_word, void *ctx, ark_doc *d, char **detail);

/* What extract_document does once an extractor has succeeded: re-flows the
 * text when d->reflow is set, reads the minutes' metadata (minutes.h) and
 * closes the sections (doc_finish).  For callers that run one extractor
 * themselves, as the fuzz targets do. */
void extract_finish(ark_doc *d, extract_word_fn is_word, void *ctx);

#endif
