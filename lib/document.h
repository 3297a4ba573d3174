/* document.h — a document as extracted from a file: its text and what it
 * carries (title, date, kind, access level, agenda items, pages, ...).
 *
 * Extractors (extract_*.c) fill the text and what their format states; the
 * minutes reader (minutes.c) fills what is left from the text itself; the
 * catalogue (catalogue.c) has the last word.  All strings are valid UTF-8,
 * NUL-terminated and owned by the document.  Offsets are byte offsets into
 * `text`. */
#ifndef ARKIV_DOCUMENT_H
#define ARKIV_DOCUMENT_H

#include <stddef.h>

#include "xalloc.h"

/* Dates are ISO strings of year, month or day precision: "2025",
 * "2025-03", "2025-03-14"; "" when unknown.  Precision is kept rather than
 * invented: a document dated "2026-03" sorts before "2026-03-01". */
#define DOC_DATE_MAX 11

typedef enum { DOC_ACCESS_UNSET = 0, DOC_PUBLIC, DOC_INTERNAL } doc_access;

typedef struct {
    unsigned number;    /* agenda number ("7. ..." → 7); 0 when unnumbered */
    char *heading;      /* "Åpne rusmiljøer i sentrum" */
    char *presenter;    /* "AIS" (from "v/AIS"), or NULL */
    size_t start;       /* where the section begins in text (its heading) */
    size_t heading_end; /* where its heading ends and its body begins */
    size_t end;         /* where the next section (or the trailer) begins */
    doc_access access;  /* DOC_INTERNAL when the passage is marked exempt */
} doc_section;

typedef struct {
    char *abbr; /* "OPD" */
    char *expansion; /* "Oslo politidistrikt" */
} doc_gloss;

typedef struct {
    const char *format; /* "text", "html", "xml", "arkiv-xml", "pdf" (static) */
    ark_buf text;       /* the text, paragraphs separated by blank lines */
    char *title;        /* NULL: not known */
    char *description;  /* NULL: none */
    char *kind;         /* "referat", "ekstraordinært møte", "seminar", "avtale",
                           "annet"; NULL: not known yet */
    char date[DOC_DATE_MAX];     /* the (first) meeting day; "" unknown */
    char date_end[DOC_DATE_MAX]; /* the last day of a multi-day meeting, or "" */
    doc_access access;
    int reflow;         /* the text has hard line breaks: re-flow it */
    char *charset;      /* NULL: UTF-8; else what the text was converted from */
    size_t invalid_bytes; /* bytes that were not valid in their encoding (→ U+FFFD) */
    size_t nul_bytes;     /* stray NUL bytes dropped from a text file */

    doc_section *sections;
    size_t nsections;
    size_t *pages;      /* pages[i]: where page i+1 begins; empty: no pages */
    size_t npages;
    char **participants;
    size_t nparticipants;
    doc_gloss *glossary;
    size_t nglossary;
    char *extra; /* a JSON object of fields arkiv does not know (JSON Lines
                    imports keep them as stored fields), or NULL */
} ark_doc;

void doc_init(ark_doc *d, const char *format);
void doc_free(ark_doc *d);

/* Replaces a string field (title, description, kind, ...) with a copy of s
 * (NULL clears it); spaces are collapsed and trimmed. */
void doc_set(char **field, const char *s, size_t len);
/* Appends a section whose heading starts at the current end of the text; the
 * caller appends the heading and sets heading_end/end (or leaves end 0: the
 * next section's start, or the end of the text, when doc_finish runs). */
doc_section *doc_add_section(ark_doc *d);
/* Marks the current end of the text as the start of a new page. */
void doc_add_page(ark_doc *d);
void doc_add_participant(ark_doc *d, const char *s, size_t len);
void doc_add_gloss(ark_doc *d, const char *abbr, size_t alen, const char *exp, size_t elen);

/* Closes open section ends; called once extraction is done. */
void doc_finish(ark_doc *d);

/* The page (1-based) that holds offset, or 0 when the document has no pages. */
unsigned doc_page_at(const ark_doc *d, size_t offset);
/* The section that holds offset, or NULL. */
const doc_section *doc_section_at(const ark_doc *d, size_t offset);

/* Whether some section is internal (and the document is not). */
int doc_has_internal_passages(const ark_doc *d);

/* Makes out the public view of d: its text without the internal sections,
 * sections and pages moved to match, every other field copied. */
void doc_public_view(const ark_doc *d, ark_doc *out);

/* The days a date covers, as "YYYY-MM-DD" strings: "2026-03" is 2026-03-01
 * to 2026-03-31; a later `end` day (or NULL/"") extends it.  0 when date is
 * not a valid date. */
int doc_period(const char *date, const char *end, char from[DOC_DATE_MAX],
               char to[DOC_DATE_MAX]);

/* "januar" ... "desember". */
extern const char *const doc_month_names[12];

/* "public", "internal", or "unset". */
const char *doc_access_name(doc_access a);

/* Whether s is a valid date of one of the three precisions. */
int doc_date_valid(const char *s);

/* Appends a readable dump of every field and the text to out, for golden
 * tests and `arkiv-index --dump`. */
void doc_dump(const ark_doc *d, ark_buf *out);

#endif
