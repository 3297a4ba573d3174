/* filters.c — filters out of a query's text; see filters.h. */
#include "filters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

static const char *const month_names[] = {"januar", "februar", "mars",     "april",
                                          "mai",    "juni",    "juli",     "august",
                                          "september", "oktober", "november", "desember"};

static const char *const kinds[] = {"referat", "ekstraordinært møte", "seminar", "avtale",
                                    "annet", NULL};

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

static int period_of(const char *iso, char from[DOC_DATE_MAX], char to[DOC_DATE_MAX])
{
    ark_doc d;
    doc_init(&d, "text");
    size_t n = strlen(iso);
    if (n >= sizeof d.date)
        return 0;
    memcpy(d.date, iso, n + 1);
    return doc_period(&d, from, to);
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
    return doc_date_valid(iso) && period_of(iso, from, to);
}

int flt_any(const flt_filters *f)
{
    return *f->from || *f->to || *f->kind;
}

/* The kind a user's word names, or NULL. */
static const char *kind_named(const char *s, size_t n)
{
    if (n == 0)
        return NULL;
    for (size_t i = 0; kinds[i]; i++)
        if (strncasecmp(kinds[i], s, n) == 0)
            return kinds[i];
    /* without the Norwegian letter, as typed on a foreign keyboard */
    if (n >= 5 && strncasecmp("ekstraordin", s, n < 11 ? n : 11) == 0)
        return kinds[1];
    return NULL;
}

static int month_at(const char *s, size_t n)
{
    for (int m = 0; m < 12; m++)
        if (strlen(month_names[m]) == n && strncasecmp(month_names[m], s, n) == 0)
            return m + 1;
    return 0;
}

/* One token of the query, split at white space (quotes kept together). */
typedef struct {
    size_t start, end;
} tok;

static void narrow(char a[DOC_DATE_MAX], const char *b, int later)
{
    if (!*a || (later ? strcmp(b, a) > 0 : strcmp(b, a) < 0))
        memcpy(a, b, DOC_DATE_MAX);
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
        char from[DOC_DATE_MAX], to[DOC_DATE_MAX];
        if (colon) {
            size_t fn = (size_t)(colon - t), vn = n - fn - 1;
            const char *v = colon + 1;
            if (fn == 3 && strncasecmp(t, "fra", 3) == 0) {
                if (!flt_period(v, vn, from, to))
                    goto bad_date;
                narrow(f->from, from, 1);
                continue;
            }
            if (fn == 3 && strncasecmp(t, "til", 3) == 0) {
                if (!flt_period(v, vn, from, to))
                    goto bad_date;
                narrow(f->to, to, 0);
                continue;
            }
            if (fn == 4 && strncasecmp(t, "dato", 4) == 0) {
                if (!flt_period(v, vn, from, to))
                    goto bad_date;
                narrow(f->from, from, 1);
                narrow(f->to, to, 0);
                continue;
            }
            if ((fn == 4 && (strncasecmp(t, "type", 4) == 0 || strncasecmp(t, "kind", 4) == 0))) {
                const char *k = kind_named(v, vn);
                if (!k) {
                    *why = "type: wants a kind: referat, seminar, ekstraordinært, avtale or annet";
                    ark_buf_free(&out);
                    return ARK_EQUERY;
                }
                snprintf(f->kind, sizeof f->kind, "%s", k);
                continue;
            }
        }
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
                if (period_of(iso, from, to)) {
                    narrow(f->from, from, 1);
                    narrow(f->to, to, 0);
                    i = j;
                    continue;
                }
            }
        }
        ark_buf_add(&out, t, n);
    }
    *rest = ark_buf_take(&out);
    return ARK_OK;
bad_date:
    *why = "a date filter wants a date such as 2023, 2023-04, 2023-04-21 or 21.04.2023";
    ark_buf_free(&out);
    return ARK_EQUERY;
}
