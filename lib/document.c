/* document.c — the extracted document and its fields. */
#include "document.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void doc_init(ark_doc *d, const char *format)
{
    memset(d, 0, sizeof *d);
    d->format = format;
}

void doc_free(ark_doc *d)
{
    if (!d)
        return;
    ark_buf_free(&d->text);
    free(d->title);
    free(d->description);
    free(d->kind);
    free(d->charset);
    for (size_t i = 0; i < d->nsections; i++) {
        free(d->sections[i].heading);
        free(d->sections[i].presenter);
    }
    free(d->sections);
    free(d->pages);
    for (size_t i = 0; i < d->nparticipants; i++)
        free(d->participants[i]);
    free(d->participants);
    for (size_t i = 0; i < d->nglossary; i++) {
        free(d->glossary[i].abbr);
        free(d->glossary[i].expansion);
    }
    free(d->glossary);
    free(d->extra);
    memset(d, 0, sizeof *d);
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A copy of s[0..len) with runs of white space made one space, trimmed. */
static char *collapse(const char *s, size_t len)
{
    char *out = ark_malloc(len + 1);
    size_t n = 0;
    int space = 0;
    for (size_t i = 0; i < len && s[i]; i++) {
        if (is_space((unsigned char)s[i])) {
            space = n > 0;
            continue;
        }
        if (space)
            out[n++] = ' ';
        space = 0;
        out[n++] = s[i];
    }
    out[n] = '\0';
    return out;
}

void doc_set(char **field, const char *s, size_t len)
{
    free(*field);
    *field = s ? collapse(s, len) : NULL;
}

doc_section *doc_add_section(ark_doc *d)
{
    d->sections = ark_realloc(d->sections, (d->nsections + 1) * sizeof *d->sections);
    doc_section *s = &d->sections[d->nsections++];
    memset(s, 0, sizeof *s);
    s->start = s->heading_end = d->text.len;
    return s;
}

void doc_add_page(ark_doc *d)
{
    d->pages = ark_realloc(d->pages, (d->npages + 1) * sizeof *d->pages);
    d->pages[d->npages++] = d->text.len;
}

void doc_add_participant(ark_doc *d, const char *s, size_t len)
{
    char *p = collapse(s, len);
    if (!*p) {
        free(p);
        return;
    }
    d->participants = ark_realloc(d->participants, (d->nparticipants + 1) * sizeof(char *));
    d->participants[d->nparticipants++] = p;
}

void doc_add_gloss(ark_doc *d, const char *abbr, size_t alen, const char *exp, size_t elen)
{
    char *a = collapse(abbr, alen), *e = collapse(exp, elen);
    if (!*a || !*e) {
        free(a);
        free(e);
        return;
    }
    d->glossary = ark_realloc(d->glossary, (d->nglossary + 1) * sizeof *d->glossary);
    d->glossary[d->nglossary].abbr = a;
    d->glossary[d->nglossary++].expansion = e;
}

void doc_finish(ark_doc *d)
{
    for (size_t i = 0; i < d->nsections; i++) {
        doc_section *s = &d->sections[i];
        if (!s->end || s->end > d->text.len)
            s->end = i + 1 < d->nsections ? d->sections[i + 1].start : d->text.len;
        if (s->heading_end < s->start || s->heading_end > s->end)
            s->heading_end = s->start;
        if (!s->heading)
            s->heading = ark_strdup("");
        if (s->access == DOC_ACCESS_UNSET)
            s->access = DOC_PUBLIC; /* unless marked; the document's own level covers it */
    }
}

unsigned doc_page_at(const ark_doc *d, size_t offset)
{
    unsigned page = 0;
    for (size_t i = 0; i < d->npages && d->pages[i] <= offset; i++)
        page = (unsigned)i + 1;
    return d->npages && !page ? 1 : page;
}

const doc_section *doc_section_at(const ark_doc *d, size_t offset)
{
    const doc_section *best = NULL;
    for (size_t i = 0; i < d->nsections; i++) {
        const doc_section *s = &d->sections[i];
        /* the innermost (latest starting) section that holds offset */
        if (s->start <= offset && offset < s->end && (!best || s->start >= best->start))
            best = s;
    }
    return best;
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int doc_date_valid(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = strlen(s);
    if ((n != 4 && n != 7 && n != 10) || !digits(s, 4))
        return 0;
    if (n == 4)
        return 1;
    if (s[4] != '-' || !digits(s + 5, 2))
        return 0;
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    if (m < 1 || m > 12)
        return 0;
    if (n == 7)
        return 1;
    if (s[7] != '-' || !digits(s + 8, 2))
        return 0;
    int y = atoi(s), day = (s[8] - '0') * 10 + (s[9] - '0');
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return day >= 1 && day <= mdays[m - 1] && (m != 2 || day <= 28 + leap);
}

int doc_has_internal_passages(const ark_doc *d)
{
    if (d->access == DOC_INTERNAL)
        return 0;
    for (size_t i = 0; i < d->nsections; i++)
        if (d->sections[i].access == DOC_INTERNAL)
            return 1;
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s ? ark_strdup(s) : NULL;
}

/* Where offset lands once the internal sections before it are cut, in a
 * view of len bytes (its trailing blank lines trimmed). */
static size_t moved(const ark_doc *d, size_t offset, size_t len)
{
    size_t cut = 0;
    for (size_t i = 0; i < d->nsections; i++) {
        const doc_section *s = &d->sections[i];
        if (s->access != DOC_INTERNAL || s->start >= offset)
            continue;
        cut += (offset < s->end ? offset : s->end) - s->start;
    }
    return offset - cut < len ? offset - cut : len;
}

void doc_public_view(const ark_doc *d, ark_doc *out)
{
    doc_init(out, d->format);
    size_t at = 0;
    for (size_t i = 0; i < d->nsections; i++) {
        const doc_section *s = &d->sections[i];
        if (s->access != DOC_INTERNAL)
            continue;
        if (s->start > at)
            ark_buf_add(&out->text, d->text.data + at, s->start - at);
        at = s->end > at ? s->end : at;
    }
    if (d->text.len > at)
        ark_buf_add(&out->text, d->text.data + at, d->text.len - at);
    /* the blank lines before an internal item at the end would hint that
     * something followed */
    while (out->text.len && (out->text.data[out->text.len - 1] == '\n' ||
                             out->text.data[out->text.len - 1] == ' '))
        out->text.data[--out->text.len] = '\0';
    if (!out->text.data)
        ark_buf_grow(&out->text, 1);
    out->title = dup_or_null(d->title);
    out->description = dup_or_null(d->description);
    out->kind = dup_or_null(d->kind);
    out->charset = dup_or_null(d->charset);
    out->extra = dup_or_null(d->extra);
    memcpy(out->date, d->date, DOC_DATE_MAX);
    memcpy(out->date_end, d->date_end, DOC_DATE_MAX);
    out->access = d->access;
    out->invalid_bytes = d->invalid_bytes;
    out->nul_bytes = d->nul_bytes;
    for (size_t i = 0; i < d->nsections; i++) {
        const doc_section *s = &d->sections[i];
        if (s->access == DOC_INTERNAL)
            continue;
        doc_section *t = doc_add_section(out);
        *t = *s;
        t->heading = dup_or_null(s->heading);
        t->presenter = dup_or_null(s->presenter);
        t->start = moved(d, s->start, out->text.len);
        t->heading_end = moved(d, s->heading_end, out->text.len);
        t->end = moved(d, s->end, out->text.len);
    }
    size_t len = out->text.len;
    for (size_t i = 0; i < d->npages; i++) {
        out->text.len = moved(d, d->pages[i], len); /* doc_add_page marks the end */
        doc_add_page(out);
    }
    out->text.len = len;
    for (size_t i = 0; i < d->nparticipants; i++)
        doc_add_participant(out, d->participants[i], strlen(d->participants[i]));
    for (size_t i = 0; i < d->nglossary; i++)
        doc_add_gloss(out, d->glossary[i].abbr, strlen(d->glossary[i].abbr),
                      d->glossary[i].expansion, strlen(d->glossary[i].expansion));
}

const char *const doc_month_names[12] = {"januar", "februar", "mars",      "april",
                                         "mai",    "juni",    "juli",      "august",
                                         "september", "oktober", "november", "desember"};

int doc_period(const char *date, const char *end, char from[DOC_DATE_MAX], char to[DOC_DATE_MAX])
{
    static const char *const last_day[] = {"31", "29", "31", "30", "31", "30",
                                           "31", "31", "30", "31", "30", "31"};
    if (!doc_date_valid(date))
        return 0;
    size_t n = strlen(date);
    /* a valid date is 4, 7 or 10 bytes: the suffixes fill it to 10 */
    if (n == 4) {
        memcpy(from, date, 4);
        memcpy(from + 4, "-01-01", 7);
        memcpy(to, date, 4);
        memcpy(to + 4, "-12-31", 7);
    } else if (n == 7) {
        int y = atoi(date), m = atoi(date + 5);
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        memcpy(from, date, 7);
        memcpy(from + 7, "-01", 4);
        memcpy(to, date, 7);
        to[7] = '-';
        memcpy(to + 8, m == 2 && !leap ? "28" : last_day[m - 1], 3);
    } else {
        memcpy(from, date, DOC_DATE_MAX);
        memcpy(to, date, DOC_DATE_MAX);
    }
    if (end && strlen(end) == 10 && doc_date_valid(end) && strcmp(end, to) > 0)
        memcpy(to, end, DOC_DATE_MAX);
    return 1;
}

const char *doc_access_name(doc_access a)
{
    return a == DOC_INTERNAL ? "internal" : a == DOC_PUBLIC ? "public" : "unset";
}

/* A field, or "-" when it is not set. */
static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

void doc_dump(const ark_doc *d, ark_buf *out)
{
    ark_buf_printf(out, "format: %s\n", or_dash(d->format));
    if (d->charset)
        ark_buf_printf(out, "charset: %s\n", d->charset);
    if (d->invalid_bytes)
        ark_buf_printf(out, "invalid bytes: %zu\n", d->invalid_bytes);
    if (d->nul_bytes)
        ark_buf_printf(out, "NUL bytes dropped: %zu\n", d->nul_bytes);
    ark_buf_printf(out, "title: %s\n", or_dash(d->title));
    ark_buf_printf(out, "date: %s", or_dash(d->date));
    if (*d->date_end)
        ark_buf_printf(out, " to %s", d->date_end);
    ark_buf_printf(out, "\nkind: %s\naccess: %s\n", or_dash(d->kind), doc_access_name(d->access));
    if (d->description)
        ark_buf_printf(out, "description: %s\n", d->description);
    for (size_t i = 0; i < d->nparticipants; i++)
        ark_buf_printf(out, "participant: %s\n", d->participants[i]);
    for (size_t i = 0; i < d->nglossary; i++)
        ark_buf_printf(out, "glossary: %s = %s\n", d->glossary[i].abbr, d->glossary[i].expansion);
    for (size_t i = 0; i < d->npages; i++)
        ark_buf_printf(out, "page %zu at %zu\n", i + 1, d->pages[i]);
    for (size_t i = 0; i < d->nsections; i++) {
        const doc_section *s = &d->sections[i];
        ark_buf_printf(out, "section %u: %s", s->number, or_dash(s->heading));
        if (s->presenter)
            ark_buf_printf(out, " (v/%s)", s->presenter);
        if (s->access == DOC_INTERNAL)
            ark_buf_adds(out, " [internal]");
        ark_buf_printf(out, " [%zu,%zu,%zu)\n", s->start, s->heading_end, s->end);
    }
    ark_buf_adds(out, "text:\n");
    ark_buf_add(out, d->text.data ? d->text.data : "", d->text.len);
    if (d->text.len && d->text.data[d->text.len - 1] != '\n')
        ark_buf_addc(out, '\n');
}
