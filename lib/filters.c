/* filters.c — filters out of a query's text; see filters.h. */
#include "filters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

static const char *const kinds[] = {"referat", "ekstraordinært møte", "seminar", "avtale",
                                    "annet", NULL};

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

int flt_period(const char *s, size_t n, char from[DOC_DATE_MAX], char to[DOC_DATE_MAX])
{
    char iso[DOC_DATE_MAX + 8];
    if (n == 4 && all_digits(s, 4))
        snprintf(iso, sizeof iso, "%.4s", s);
    else if (n == 7 && s[4] == '-')
        snprintf(iso, sizeof iso, "%.7s", s);
    else if (n == 10 && s[4] == '-')
        snprintf(iso, sizeof iso, "%.10s", s);
    else if (n == 7 && s[2] == '.' && all_digits(s, 2) && all_digits(s + 3, 4))
        snprintf(iso, sizeof iso, "%.4s-%.2s", s + 3, s);
    else if (n >= 8 && n <= 10) { /* 21.04.2023, 1.4.2023 */
        int d, m, y, used = 0;
        char buf[16];
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (sscanf(buf, "%2d.%2d.%4d%n", &d, &m, &y, &used) != 3 || (size_t)used != n || y < 1000)
            return 0;
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    } else
        return 0;
    return doc_period(iso, NULL, from, to);
}

int flt_any(const flt_filters *f)
{
    return *f->from || *f->to || *f->kind || *f->hint_from;
}

/* The kind a user's word names: the known kind it begins ("type:ekstra"),
 * else the word itself, for the kinds a catalogue may add. */
static void set_kind(flt_filters *f, const char *s, size_t n)
{
    for (size_t i = 0; kinds[i] && n; i++) {
        if (strncasecmp(kinds[i], s, n) == 0) {
            snprintf(f->kind, sizeof f->kind, "%s", kinds[i]);
            return;
        }
    }
    /* without the Norwegian letter, as typed on a foreign keyboard */
    if (n >= 5 && strncasecmp("ekstraordin", s, n < 11 ? n : 11) == 0)
        snprintf(f->kind, sizeof f->kind, "%s", kinds[1]);
    else
        snprintf(f->kind, sizeof f->kind, "%.*s", (int)n, s);
}

static int month_at(const char *s, size_t n)
{
    for (int m = 0; m < 12; m++)
        if (strlen(doc_month_names[m]) == n && strncasecmp(doc_month_names[m], s, n) == 0)
            return m + 1;
    return 0;
}

/* Keeps the later (or earlier) of the bound a and b. */
static void narrow(char a[DOC_DATE_MAX], const char *b, int later)
{
    if (!*a || (later ? strcmp(b, a) > 0 : strcmp(b, a) < 0))
        memcpy(a, b, DOC_DATE_MAX);
}

ark_status flt_add(flt_filters *f, const char *field, const char *value, size_t len,
                   const char **why)
{
    char from[DOC_DATE_MAX], to[DOC_DATE_MAX];
    int lower = strcasecmp(field, "fra") == 0, upper = strcasecmp(field, "til") == 0;
    if (strcasecmp(field, "dato") == 0)
        lower = upper = 1;
    if (lower || upper) {
        if (!flt_period(value, len, from, to)) {
            *why = "a date filter wants a date such as 2023, 2023-04, 2023-04-21 or 21.04.2023";
            return ARK_EQUERY;
        }
        if (lower)
            narrow(f->from, from, 1);
        if (upper)
            narrow(f->to, to, 0);
        return ARK_OK;
    }
    if (strcasecmp(field, "type") == 0 || strcasecmp(field, "kind") == 0) {
        if (len)
            set_kind(f, value, len);
        return ARK_OK;
    }
    return ARK_ENOTFOUND;
}

ark_status flt_extract(const char *query, flt_filters *f, char **rest, const char **why)
{
    size_t len = strlen(query);
    ark_buf out = ARK_BUF_INIT;
    ark_buf_grow(&out, len + 1);
    out.data[0] = '\0';
    int in_quote = 0;
    size_t i = 0;
    *why = NULL;
    while (i < len) {
        if (query[i] == ' ' || query[i] == '\t' || query[i] == '\n') {
            ark_buf_addc(&out, query[i++]);
            continue;
        }
        size_t s = i;
        while (i < len && query[i] != ' ' && query[i] != '\t' && query[i] != '\n')
            i++;
        const char *t = query + s;
        size_t n = i - s;
        int quotes = 0;
        for (size_t k = 0; k < n; k++)
            quotes += t[k] == '"';
        if (in_quote || quotes) {
            in_quote ^= quotes & 1;
            ark_buf_add(&out, t, n);
            continue;
        }
        const char *colon = memchr(t, ':', n);
        if (colon && colon - t < 8) {
            char field[8];
            snprintf(field, sizeof field, "%.*s", (int)(colon - t), t);
            ark_status st = flt_add(f, field, colon + 1, n - (size_t)(colon - t) - 1, why);
            if (st == ARK_EQUERY) {
                ark_buf_free(&out);
                return st;
            }
            if (st == ARK_OK)
                continue;
        }
        char from[DOC_DATE_MAX], to[DOC_DATE_MAX];
        /* "mars 2026": a month name followed by a year */
        int m = month_at(t, n);
        if (m) {
            size_t j = i;
            while (j < len && query[j] == ' ')
                j++;
            size_t ys = j;
            while (j < len && query[j] >= '0' && query[j] <= '9')
                j++;
            if (j - ys == 4 && (j == len || query[j] == ' ')) {
                char iso[32];
                snprintf(iso, sizeof iso, "%.4s-%02d", query + ys, m);
                if (doc_period(iso, NULL, from, to)) {
                    memcpy(f->hint_from, from, DOC_DATE_MAX);
                    memcpy(f->hint_to, to, DOC_DATE_MAX);
                    i = j;
                    continue;
                }
            }
        }
        ark_buf_add(&out, t, n);
    }
    *rest = ark_buf_take(&out);
    return ARK_OK;
}

void flt_hint_to_filter(flt_filters *f)
{
    if (*f->hint_from) {
        narrow(f->from, f->hint_from, 1);
        narrow(f->to, f->hint_to, 0);
    }
}
