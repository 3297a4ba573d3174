/* minutes.h — what minutes say about themselves, read from their text.
 *
 * Runs on re-flowed text (paragraphs separated by blank lines) and fills
 * only what is not set yet, so that what a format states (arkiv XML, HTML
 * meta) and what the catalogue gives win:
 *
 *   date      "Møtetid: 13.10.2025 klokken 12.30" or a date in the header
 *             (the paragraphs before the first agenda item): "21.04.2023",
 *             "13.10.25", "30.-31.01.25" (a range: date and date_end),
 *             "21. april 2023".  Dates in the body are events, not the
 *             meeting: never taken.  No date found, none set.
 *   kind      "ekstraordinært møte" or "seminar" when the header says so;
 *             "referat" for minutes (a header saying "Referat", or an agenda
 *             that starts "Dagsorden"); "avtale" for an agreement ("Avtalen
 *             er gyldig ..."); "annet" for anything else.
 *   sections  numbered items, "7. Åpne rusmiljøer i sentrum v/AIS" → 7,
 *             "Åpne rusmiljøer i sentrum", presenter "AIS"; numbers must
 *             run 1, 2, 3, ... so that a date or a list is not taken for
 *             one.  The last item ends where "Vedlegg" or "Forkortelser"
 *             begins.
 *   participants  the names after "Deltakere:" or "... medlemmer:", one
 *             per name ("Ida Melbo Øystese (politimester)").
 *   access    internal when a short paragraph in the header is a marking
 *             ("Unntatt offentlighet", "U.off.", "Fortrolig", "Intern");
 *             a section is internal when its heading or first paragraph is
 *             such a marking.  A sentence that mentions the words ("kan
 *             dele informasjon unntatt offentlighet") marks nothing. */
#ifndef ARKIV_MINUTES_H
#define ARKIV_MINUTES_H

#include "document.h"

void minutes_read(ark_doc *d);

/* Fills a section's number, heading and presenter from a heading's text, as
 * for agenda items: "7. Åpne rusmiljøer i sentrum v/AIS 14.40" → 7, "Åpne
 * rusmiljøer i sentrum", "AIS".  For headings that markup (HTML) gives. */
void minutes_heading(doc_section *s, const char *text, size_t len);

/* Sets a human title when the document has none, or only its first line:
 * "Politirådet 21.04.2023 — referat", from the body named in the header
 * (a word ending in "-rådet", "-styret", "-utvalget"), the date and the
 * kind; else the first line of the text.  Run after the catalogue, whose
 * date it uses. */
void minutes_title(ark_doc *d);

#endif
