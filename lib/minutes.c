/* minutes.c — dates, kind, agenda items, participants and access level of
 * minutes, from their text; see minutes.h. */
#include "minutes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "utf8.h"

#define HEADER_MAX_PARAS 8   /* the header: at most this many paragraphs */
#define HEADING_MAX 200      /* a longer paragraph is not an agenda item */
#define MARKING_MAX 120      /* a longer paragraph is not an access marking */
#define PARTICIPANT_MAX 160
#define TITLE_MAX 200       /* bytes of a first line taken for a title */

typedef struct {
    const char *s;
    size_t n;
    size_t off; /* offset in the text */
    char *f;    /* the paragraph case-folded, for matching words */
} para;

typedef struct {
    para *p;
    size_t n;
} paras;

/* A case-folded copy of s[0..n); the caller frees it. */
static char *fold(const char *s, size_t n)
{
    size_t capped_len;
    char *capped = ark_utf8_cap_marks(s, n, &capped_len); /* utf8.h: else quadratic */
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)(capped ? capped : s),
                                      (utf8proc_ssize_t)(capped ? capped_len : n), &out,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    free(capped);
    if (k < 0)
        return ark_strndup(s, n);
    return (char *)out;
}

/* The text's paragraphs: runs of lines between blank lines. */
static paras split_paras(const ark_doc *d)
{
    paras ps = {NULL, 0};
    size_t cap = 0;
    const char *t = d->text.data ? d->text.data : "";
    size_t len = d->text.len, i = 0;
    while (i < len) {
        while (i < len && (t[i] == '\n' || t[i] == ' ' || t[i] == '\t' || t[i] == '\r'))
            i++;
        if (i >= len)
            break;
        size_t start = i;
        const char *br;
        while ((br = memchr(t + i, '\n', len - i)) != NULL) {
            size_t j = (size_t)(br - t) + 1;
            while (j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r'))
                j++;
            if (j >= len || t[j] == '\n') {
                i = (size_t)(br - t);
                break;
            }
            i = j;
        }
        if (!br)
            i = len;
        size_t end = i;
        while (end > start && (t[end - 1] == ' ' || t[end - 1] == '\t' || t[end - 1] == '\r'))
            end--;
        if (ps.n == cap) {
            cap = cap ? cap * 2 : 64;
            ps.p = ark_realloc(ps.p, cap * sizeof *ps.p);
        }
        ps.p[ps.n++] = (para){t + start, end - start, start, fold(t + start, end - start)};
    }
    return ps;
}

static void free_paras(paras *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        free(ps->p[i].f);
    free(ps->p);
}

static int has(const para *p, const char *needle)
{
    return strstr(p->f, needle) != NULL;
}

static int starts(const para *p, const char *prefix)
{
    return strncmp(p->f, prefix, strlen(prefix)) == 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ---- dates ---- */

/* Reads 1 to max digits at s[*i]; -1 when there are none. */
static int number(const char *s, size_t n, size_t *i, int max)
{
    int v = 0, k = 0;
    while (*i < n && is_digit(s[*i]) && k < max) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    if (k == 0 || (*i < n && is_digit(s[*i])))
        return -1;
    return v;
}

static void skip_spaces(const char *s, size_t n, size_t *i)
{
    while (*i < n && s[*i] == ' ')
        (*i)++;
}

/* A dash: '-', '–' or '—'. */
static int skip_dash(const char *s, size_t n, size_t *i)
{
    if (*i < n && s[*i] == '-') {
        (*i)++;
        return 1;
    }
    if (*i + 2 < n && (unsigned char)s[*i] == 0xE2 && (unsigned char)s[*i + 1] == 0x80 &&
        ((unsigned char)s[*i + 2] == 0x93 || (unsigned char)s[*i + 2] == 0x94)) {
        *i += 3;
        return 1;
    }
    return 0;
}

/* The month named at s[*i] (case-folded text), 1-12, or 0. */
static int month_name(const char *s, size_t n, size_t *i)
{
    for (int m = 0; m < 12; m++) {
        size_t k = strlen(doc_month_names[m]);
        if (*i + k <= n && strncmp(s + *i, doc_month_names[m], k) == 0 &&
            (*i + k == n || !((s[*i + k] >= 'a' && s[*i + k] <= 'z')))) {
            *i += k;
            return m + 1;
        }
    }
    /* "jan.", "feb." ... are not worth the false matches */
    return 0;
}

static int year_of(int y, int digits)
{
    return digits == 2 ? 2000 + y : y;
}

static int make_date(char *out, int y, int m, int d)
{
    if (y < 1800 || y > 2200)
        return 0;
    char buf[32];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    if (!doc_date_valid(buf))
        return 0;
    memcpy(out, buf, DOC_DATE_MAX);
    return 1;
}

/* The first meeting date in s[0..n) (case-folded): "21.04.2023",
 * "13.10.25", "30.-31.01.25", "21. april 2023", "30.-31. januar 2025". */
static int find_date(const char *s, size_t n, char *date, char *end)
{
    for (size_t start = 0; start < n; start++) {
        if (!is_digit(s[start]) || (start > 0 && (is_digit(s[start - 1]) || s[start - 1] == '.')))
            continue;
        size_t i = start;
        int d1 = number(s, n, &i, 2), d2 = -1;
        if (d1 < 1 || i >= n || s[i] != '.')
            continue;
        i++;
        size_t save = i;
        skip_spaces(s, n, &i);
        if (skip_dash(s, n, &i)) { /* a range of days */
            skip_spaces(s, n, &i);
            d2 = number(s, n, &i, 2);
            if (d2 < 1 || i >= n || s[i] != '.')
                continue;
            i++;
            save = i;
        }
        i = save;
        int m = number(s, n, &i, 2), y, ydigits;
        if (m >= 1 && i < n && s[i] == '.') {
            i++;
            size_t ys = i;
            y = number(s, n, &i, 4);
            ydigits = (int)(i - ys);
            if (y < 0 || (ydigits != 2 && ydigits != 4))
                continue;
        } else {
            i = save;
            skip_spaces(s, n, &i);
            m = month_name(s, n, &i);
            if (!m)
                continue;
            skip_spaces(s, n, &i);
            size_t ys = i;
            y = number(s, n, &i, 4);
            ydigits = (int)(i - ys);
            if (y < 0 || ydigits != 4)
                continue;
        }
        y = year_of(y, ydigits);
        if (!make_date(date, y, m, d1))
            continue;
        end[0] = '\0';
        if (d2 > d1)
            make_date(end, y, m, d2);
        return 1;
    }
    return 0;
}

/* ---- agenda items ---- */

/* "7. Åpne rusmiljøer": the number, and where the heading text begins. */
/* "7. Åpne rusmiljøer": the number (at most three digits, so "2023. ..." is
 * a year), and where the heading text begins; 0 unless a capital follows. */
static unsigned agenda_number(const char *s, size_t n, size_t *text_at)
{
    size_t i = 0;
    while (i < n && i < 3 && is_digit(s[i]))
        i++;
    if (i == 0 || i + 2 > n || s[i] != '.' || s[i + 1] != ' ')
        return 0;
    size_t t = i + 2;
    while (t < n && s[t] == ' ')
        t++;
    utf8proc_int32_t cp = -1;
    utf8proc_iterate((const utf8proc_uint8_t *)s + t, (utf8proc_ssize_t)(n - t), &cp);
    if (cp < 0 || utf8proc_category(cp) != UTF8PROC_CATEGORY_LU)
        return 0;
    *text_at = t;
    return (unsigned)atoi(s);
}

static unsigned item_number(const para *p, size_t *text_at)
{
    return agenda_number(p->s, p->n, text_at);
}

/* Splits "Åpne rusmiljøer i sentrum v/AIS 14.40" into heading and presenter
 * (a trailing time of day is dropped). */
static void set_heading(doc_section *s, const char *h, size_t n)
{
    /* a trailing time, "14.40" or "14:40" */
    if (n >= 6 && is_digit(h[n - 1]) && is_digit(h[n - 2]) && (h[n - 3] == '.' || h[n - 3] == ':') &&
        is_digit(h[n - 4]) && h[n - 6 + (is_digit(h[n - 5]) ? 0 : 1)] == ' ') {
        n -= is_digit(h[n - 5]) ? 5 : 4;
        while (n && h[n - 1] == ' ')
            n--;
    }
    for (size_t i = n; i >= 3; i--) {
        if (h[i - 2] == 'v' && h[i - 1] == '/' && h[i - 3] == ' ') {
            size_t p = i;
            while (p < n && h[p] == ' ')
                p++;
            if (p < n && n - p <= 60) {
                doc_set(&s->presenter, h + p, n - p);
                n = i - 3;
            }
            break;
        }
    }
    doc_set(&s->heading, h, n);
}

void minutes_heading(doc_section *s, const char *text, size_t len)
{
    char *h = NULL;
    doc_set(&h, text, len); /* white space collapsed */
    size_t n = strlen(h), at = 0;
    unsigned num = agenda_number(h, n, &at);
    if (num)
        s->number = num;
    set_heading(s, h + at, n - at);
    free(h);
}

static int is_trailer(const para *p)
{
    return starts(p, "vedlegg") || starts(p, "forkortelser");
}

/* Whether the paragraph is an access marking, not a sentence that mentions
 * one. */
static int is_marking(const para *p)
{
    static const char *const marks[] = {"unntatt offentlighet", "unntatt fra offentlighet",
                                        "u.off", "u. off", "fortrolig", "strengt fortrolig",
                                        "begrenset", "intern", "internt", NULL};
    if (p->n > MARKING_MAX)
        return 0;
    const char *f = p->f;
    int yes = 0;
    for (size_t i = 0; marks[i] && !yes; i++) {
        size_t k = strlen(marks[i]);
        yes = strncmp(f, marks[i], k) == 0 &&
              (f[k] == '\0' || f[k] == ' ' || f[k] == ',' || f[k] == '.' || f[k] == ':' ||
               f[k] == ';' || f[k] == '(');
    }
    return yes;
}

static void find_sections(ark_doc *d, const paras *ps, size_t *first_item)
{
    *first_item = ps->n;
    unsigned next = 1;
    for (size_t k = 0; k < ps->n; k++) {
        const para *p = &ps->p[k];
        size_t at;
        unsigned num = p->n <= HEADING_MAX ? item_number(p, &at) : 0;
        if (num && num == next) {
            if (next == 1)
                *first_item = k;
            doc_section *s = doc_add_section(d);
            s->number = num;
            s->start = p->off;
            s->heading_end = p->off + p->n;
            set_heading(s, p->s + at, p->n - at);
            int marked = is_marking(p) || has(p, "unntatt offentlighet)");
            if (!marked && k + 1 < ps->n)
                marked = is_marking(&ps->p[k + 1]);
            s->access = marked ? DOC_INTERNAL : DOC_PUBLIC;
            next++;
        } else if (next > 1 && is_trailer(p)) {
            d->sections[d->nsections - 1].end = p->off;
            next = 0; /* no items after the trailer */
        }
        if (next == 0)
            break;
    }
}

/* ---- participants ---- */

static int is_participants_label(const para *p)
{
    if (p->n > 60 || p->s[p->n - 1] != ':')
        return 0;
    return starts(p, "deltakere") || starts(p, "deltagere") || starts(p, "til stede") ||
           starts(p, "tilstede") || has(p, "medlemmer:");
}

/* A meeting's details ("Møtested: ...") or the text going on: the list ends. */
static int ends_participants(const para *p)
{
    return starts(p, "møte") || starts(p, "saksbehandler") || starts(p, "referent") ||
           starts(p, "forfall") || starts(p, "vennlig hilsen") || starts(p, "med hilsen") ||
           starts(p, "kopi til") || (p->n > 400 && !memchr(p->s, '(', p->n));
}

static void add_names(ark_doc *d, const char *s, size_t n)
{
    /* "Ida Melbo Øystese (politimester), Jane Beckmann Dahl (leder ...)" */
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        int depth = 0;
        while (j < n && !(depth == 0 && s[j] == ',')) {
            depth += s[j] == '(';
            depth -= s[j] == ')' && depth > 0;
            j++;
        }
        const char *name = s + i;
        size_t len = j - i;
        while (len && (*name == ' '))
            name++, len--;
        while (len && (name[len - 1] == ' ' || name[len - 1] == ','))
            len--;
        utf8proc_int32_t cp = -1;
        if (len)
            utf8proc_iterate((const utf8proc_uint8_t *)name, (utf8proc_ssize_t)len, &cp);
        if (len >= 3 && len <= PARTICIPANT_MAX && cp >= 0 &&
            utf8proc_category(cp) == UTF8PROC_CATEGORY_LU)
            doc_add_participant(d, name, len);
        i = j + 1;
    }
}

static void find_participants(ark_doc *d, const paras *ps)
{
    for (size_t k = 0; k < ps->n; k++) {
        if (!is_participants_label(&ps->p[k]))
            continue;
        for (k++; k < ps->n; k++) {
            const para *p = &ps->p[k];
            size_t at;
            if (ends_participants(p) || item_number(p, &at) || is_trailer(p))
                break;
            const char *colon = memchr(p->s, ':', p->n);
            if (colon && colon + 1 == p->s + p->n)
                continue; /* a group: "Oslo kommune:" */
            if (colon && colon - p->s < 40) {
                /* "Andre deltakere Observatør: Ordfører Anne Lindbo" */
                size_t skip = (size_t)(colon - p->s) + 1;
                add_names(d, p->s + skip, p->n - skip);
            } else if (memchr(p->s, '(', p->n)) {
                add_names(d, p->s, p->n);
            } else if (p->n <= PARTICIPANT_MAX) {
                doc_add_participant(d, p->s, p->n); /* "Siv Sørensen, spesialrådgiver PST" */
            }
        }
        return;
    }
}

/* ---- kind ---- */

static const char *find_kind(const paras *ps, size_t header_end)
{
    int referat = 0;
    for (size_t k = 0; k < header_end; k++) {
        if (has(&ps->p[k], "ekstraordinært møte") || has(&ps->p[k], "ekstraordinært politiråds"))
            return "ekstraordinært møte";
        if (has(&ps->p[k], "seminar"))
            return "seminar";
        referat |= has(&ps->p[k], "referat") || has(&ps->p[k], "protokoll");
    }
    for (size_t k = header_end; k < ps->n && !referat; k++) {
        size_t at;
        referat = item_number(&ps->p[k], &at) == 1 && has(&ps->p[k], "dagsorden");
    }
    if (referat)
        return "referat";
    for (size_t k = 0; k < ps->n; k++)
        if (has(&ps->p[k], "avtalen er ") || has(&ps->p[k], "denne avtale"))
            return "avtale";
    return "annet";
}

void minutes_read(ark_doc *d)
{
    paras ps = split_paras(d);
    size_t first_item = ps.n;
    if (d->nsections == 0)
        find_sections(d, &ps, &first_item);
    size_t header_end = first_item < HEADER_MAX_PARAS ? first_item : HEADER_MAX_PARAS;
    if (header_end > ps.n)
        header_end = ps.n;

    if (!*d->date) {
        /* "Møtetid:" anywhere first: it names the meeting itself */
        for (size_t k = 0; k < ps.n && !*d->date; k++) {
            if (!starts(&ps.p[k], "møtetid") && !starts(&ps.p[k], "møtedato") &&
                !starts(&ps.p[k], "dato:"))
                continue;
            find_date(ps.p[k].f, strlen(ps.p[k].f), d->date, d->date_end);
        }
        for (size_t k = 0; k < header_end && !*d->date; k++)
            find_date(ps.p[k].f, strlen(ps.p[k].f), d->date, d->date_end);
    }
    if (!d->kind) {
        const char *kind = find_kind(&ps, header_end);
        doc_set(&d->kind, kind, strlen(kind));
    }
    if (d->nparticipants == 0)
        find_participants(d, &ps);
    if (d->access == DOC_ACCESS_UNSET) {
        d->access = DOC_PUBLIC;
        for (size_t k = 0; k < header_end; k++)
            if (is_marking(&ps.p[k]))
                d->access = DOC_INTERNAL;
    }
    free_paras(&ps);
}

/* ---- title ---- */

/* The body that met: the word ending in "-rådet", "-styret", ... that the
 * text names most often ("politirådsseminaret" counts for "politirådet"),
 * capitalized, into out; 0 when none is named. */
static int find_body(const ark_doc *d, char *out, size_t cap)
{
    static const char *const ends[] = {"rådet", "rådsseminar", "styret", "utvalget", "komiteen",
                                       "nemnda", NULL};
    char *f = fold(d->text.data ? d->text.data : "", d->text.len);
    char best[64] = "", cand[64];
    unsigned best_count = 0;
    for (size_t e = 0; ends[e]; e++) {
        for (const char *hit = strstr(f, ends[e]); hit; hit = strstr(hit + 1, ends[e])) {
            const char *w = hit;
            while (w > f && ((unsigned char)w[-1] >= 0x80 || (w[-1] >= 'a' && w[-1] <= 'z')))
                w--;
            size_t stem = (size_t)(hit - w);
            const char *end = e == 1 ? "rådet" : ends[e];
            if (stem == 0 || stem + strlen(end) + 1 > sizeof cand)
                continue;
            snprintf(cand, sizeof cand, "%.*s%s", (int)stem, w, end);
            if (strcmp(cand, best) == 0)
                continue;
            unsigned count = 0;
            for (const char *c = strstr(f, cand); c; c = strstr(c + 1, cand))
                count++;
            if (count > best_count) {
                best_count = count;
                memcpy(best, cand, sizeof best);
            }
        }
    }
    free(f);
    if (!best_count || strlen(best) + 1 > cap)
        return 0;
    memcpy(out, best, strlen(best) + 1);
    if (out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 'a' + 'A');
    return 1;
}

/* "21.04.2023", "30.–31.01.2025", "mars 2026", "2023". */
static void human_date(const ark_doc *d, char *out, size_t cap)
{
    const char *s = d->date;
    size_t n = strlen(s);
    if (n == 4)
        snprintf(out, cap, "%s", s);
    else if (n == 7)
        snprintf(out, cap, "%s %.4s", doc_month_names[atoi(s + 5) - 1], s);
    else if (strlen(d->date_end) == 10 && strncmp(d->date_end, s, 8) == 0)
        snprintf(out, cap, "%.2s.–%.2s.%.2s.%.4s", s + 8, d->date_end + 8, s + 5, s);
    else
        snprintf(out, cap, "%.2s.%.2s.%.4s", s + 8, s + 5, s);
}

void minutes_title(ark_doc *d)
{
    if (d->title && *d->title)
        return;
    char body[64], date[48] = "";
    int named = find_body(d, body, sizeof body);
    if (*d->date && doc_date_valid(d->date))
        human_date(d, date, sizeof date);
    const char *kind = d->kind && strcmp(d->kind, "annet") != 0 ? d->kind : NULL;
    if (named && kind && *date) {
        char *t = ark_sprintf("%s %s — %s", body, date, kind);
        doc_set(&d->title, t, strlen(t));
        free(t);
        return;
    }
    if (named && kind) {
        char *t = ark_sprintf("%s — %s", body, kind);
        doc_set(&d->title, t, strlen(t));
        free(t);
        return;
    }
    /* the first line, cut at a character boundary */
    const char *t = d->text.data ? d->text.data : "";
    while (*t == '\n' || *t == ' ')
        t++;
    size_t n = strcspn(t, "\n");
    if (n > TITLE_MAX) {
        n = TITLE_MAX;
        while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
            n--;
    }
    doc_set(&d->title, t, n);
}
