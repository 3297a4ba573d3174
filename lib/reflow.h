/* reflow.h — undoing the hard line breaks of text extracted from PDF.
 *
 * Lines are joined into paragraphs, paragraphs separated by one blank line.
 * A line continues the one before it when it starts in lower case, or when
 * the line before is long (a full line of the page) and does not end a
 * sentence; a line that starts a list item ("•", "-", "o "), a numbered item
 * ("7. ", "2) "), a glossary entry ("OPD: ") or a label ("Møtetid: ") always
 * begins a new paragraph, and a short line (a heading) ends one.  Blank
 * lines alone decide nothing: some extractors put one after every line.
 *
 * A hyphen at a line end ("kriminalitets-" / "forebyggende") is dropped
 * when the joined word is a word (is_word), kept with the parts joined when
 * it is not ("HC-" / "kort" → "HC-kort"), and kept with a space before a
 * conjunction ("Barne- og familieetaten").  The same holds for a hyphen and
 * a space inside a line ("én-til- én" → "én-til-én").  Lines that are only
 * page furniture (a page number, "Side 2 av 5") are dropped. */
#ifndef ARKIV_REFLOW_H
#define ARKIV_REFLOW_H

#include "document.h"
#include "extract.h"

/* Re-flows d->text page by page, keeping d->pages in step; clears d->reflow.
 * Must run before sections are recorded (their offsets are not moved). */
void reflow_doc(ark_doc *d, extract_word_fn is_word, void *ctx);

/* Re-flows text[0..len) onto the end of out. */
void reflow_text(const char *text, size_t len, extract_word_fn is_word, void *ctx, ark_buf *out);

#endif
