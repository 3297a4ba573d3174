/* filters.h — the filters a query carries, taken out of its text.
 *
 *   fra:2023-01-01   from a day (or fra:2023, fra:2023-04, fra:21.04.2023)
 *   til:2023-12-31   up to a day, same forms
 *   dato:2025        within a year, a month (dato:2025-03) or a day
 *   mars 2026        a month name and a year, as a user would type it: a hint,
 *                    not a filter, when the query has other words (documents
 *                    of that month rank higher; a question that mentions
 *                    "i januar 2004" must not lose every undated document);
 *                    a filter when it is all the query says
 *   type:referat     a kind: referat, seminar, ekstraordinært (møte), avtale,
 *                    annet; any prefix of one ("type:ekstra") will do; another
 *                    word is taken as it is (a catalogue may add kinds)
 *
 * Filters inside quotes are words of the phrase.  A document's date is a
 * period (a meeting of two days, a year for an agreement), and a date filter
 * keeps the documents whose period overlaps the filter's. */
#ifndef ARKIV_FILTERS_H
#define ARKIV_FILTERS_H

#include "document.h"
#include "status.h"

#define FLT_MAX_KIND 64

typedef struct {
    char from[DOC_DATE_MAX]; /* "YYYY-MM-DD", or "" for no lower bound */
    char to[DOC_DATE_MAX];   /* "YYYY-MM-DD", or "" for no upper bound */
    char kind[FLT_MAX_KIND]; /* "" for any */
    char hint_from[DOC_DATE_MAX]; /* "mars 2026": the month it names, or "" */
    char hint_to[DOC_DATE_MAX];
} flt_filters;

/* Reads a user's date ("2023", "2023-04", "2023-04-21", "21.04.2023",
 * "04.2023") into the first and last day it covers; 0 when it is none. */
int flt_period(const char *s, size_t n, char from[DOC_DATE_MAX], char to[DOC_DATE_MAX]);

/* Adds the filter field:value ("fra", "til", "dato", "type" or "kind"),
 * narrowing what f already has.  ARK_ENOTFOUND when field is no filter;
 * ARK_EQUERY with *why (static text for the user) when the value is not a
 * date. */
ark_status flt_add(flt_filters *f, const char *field, const char *value, size_t len,
                   const char **why);

/* Takes the filters and hints out of query, adding them to f; *rest is the
 * query without them (the caller frees it).  ARK_EQUERY with *why (static text
 * for the user) when a filter's value is not understood. */
ark_status flt_extract(const char *query, flt_filters *f, char **rest, const char **why);

/* Whether any filter (or hint) is set. */
int flt_any(const flt_filters *f);

/* Makes the hint a filter too: for a query of filters alone. */
void flt_hint_to_filter(flt_filters *f);

#endif
