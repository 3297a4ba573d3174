/* fuzz_extract.c — what the extractor targets (fuzz_text.c, fuzz_html.c,
 * fuzz_xml.c, fuzz_pdf.c) share: running one extractor and checking the
 * document it makes.
 *
 * The input goes through the target's extractor, then through what
 * extract_document does after it (extract_finish: re-flow, the minutes'
 * metadata, doc_finish) and what the indexer does before storing
 * (minutes_title, the glossary, the public view).  The promises checked:
 *
 *   - the extractor returns ARK_OK with no detail, or one of the errors
 *     extract.h names (ARK_EBINARY, ARK_EPARSE, ARK_ETOOBIG) with a detail:
 *     one line of valid UTF-8 that says something;
 *   - every string of the document is valid UTF-8 (document.h; the indexer
 *     stores them as JSON, and jansson drops a field that is not), and the
 *     text holds no NUL and is as long as text.len says;
 *   - pages begin in order inside the text, sections lie inside it, in
 *     order, not overlapping, start <= heading_end <= end, and every offset
 *     falls on a character boundary (snippets and the document view cut the
 *     text there);
 *   - dates are "" or valid dates, the access levels are set, and so is
 *     the kind;
 *   - the public view holds no internal section and is the text with the
 *     internal sections cut out (and its end trimmed), its offsets as sound
 *     as the document's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "extract.h"
#include "fuzz.h"
#include "glossary.h"
#include "minutes.h"

typedef struct {
    const char *target;
    const char *stage; /* "extracted", "finished", "public view" */
} where;

static void check_utf8(const where *w, const char *what, const char *s)
{
    if (s && !fuzz_valid_utf8(s, strlen(s)))
        fuzz_fail(w->target, "%s %s is not valid UTF-8: %s", w->stage, what, s);
}

/* A byte offset into text that a reader may cut at. */
static void check_offset(const where *w, const ark_doc *d, const char *what, size_t i, size_t off)
{
    if (off > d->text.len)
        fuzz_fail(w->target, "%s %s %zu at %zu is past the text's %zu bytes", w->stage, what, i,
                  off, d->text.len);
    if (off < d->text.len && ((unsigned char)d->text.data[off] & 0xC0) == 0x80)
        fuzz_fail(w->target, "%s %s %zu at %zu is inside a character", w->stage, what, i, off);
}

static void check_text(const where *w, const ark_doc *d)
{
    if (!d->text.data) {
        if (d->text.len)
            fuzz_fail(w->target, "%s text has no data but length %zu", w->stage, d->text.len);
        return;
    }
    if (strlen(d->text.data) != d->text.len)
        fuzz_fail(w->target, "%s text has a NUL at %zu of %zu bytes", w->stage,
                  strlen(d->text.data), d->text.len);
    if (!fuzz_valid_utf8(d->text.data, d->text.len))
        fuzz_fail(w->target, "%s text is not valid UTF-8", w->stage);
}

static void check_pages(const where *w, const ark_doc *d)
{
    for (size_t i = 0; i < d->npages; i++) {
        check_offset(w, d, "page", i + 1, d->pages[i]);
        if (i > 0 && d->pages[i] < d->pages[i - 1])
            fuzz_fail(w->target, "%s page %zu at %zu begins before page %zu at %zu", w->stage,
                      i + 1, d->pages[i], i, d->pages[i - 1]);
    }
}

/* Before doc_finish a section's end may still be 0 (open) and its heading
 * unset; after it, neither. */
static void check_section(const where *w, const ark_doc *d, size_t i, int finished)
{
    const doc_section *s = &d->sections[i];
    check_offset(w, d, "section start", i, s->start);
    check_offset(w, d, "section heading end", i, s->heading_end);
    check_utf8(w, "section heading", s->heading);
    check_utf8(w, "section presenter", s->presenter);
    if (!finished)
        return;
    check_offset(w, d, "section end", i, s->end);
    if (!(s->start <= s->heading_end && s->heading_end <= s->end))
        fuzz_fail(w->target, "%s section %zu at [%zu, %zu, %zu): need start <= body <= end",
                  w->stage, i, s->start, s->heading_end, s->end);
    if (i > 0 && s->start < d->sections[i - 1].end)
        fuzz_fail(w->target, "%s section %zu at %zu begins before section %zu ends at %zu",
                  w->stage, i, s->start, i - 1, d->sections[i - 1].end);
    if (!s->heading)
        fuzz_fail(w->target, "%s section %zu has no heading", w->stage, i);
    if (s->access != DOC_PUBLIC && s->access != DOC_INTERNAL)
        fuzz_fail(w->target, "%s section %zu has no access level", w->stage, i);
}

static void check_date(const where *w, const char *what, const char *date)
{
    if (!memchr(date, '\0', DOC_DATE_MAX))
        fuzz_fail(w->target, "%s %s is not NUL-terminated", w->stage, what);
    if (*date && !doc_date_valid(date))
        fuzz_fail(w->target, "%s %s \"%s\" is not a valid date", w->stage, what, date);
}

static void check_fields(const where *w, const ark_doc *d, int finished)
{
    check_utf8(w, "title", d->title);
    check_utf8(w, "description", d->description);
    check_utf8(w, "kind", d->kind);
    check_utf8(w, "charset", d->charset);
    for (size_t i = 0; i < d->nparticipants; i++)
        check_utf8(w, "participant", d->participants[i]);
    for (size_t i = 0; i < d->nglossary; i++) {
        check_utf8(w, "glossary abbreviation", d->glossary[i].abbr);
        check_utf8(w, "glossary expansion", d->glossary[i].expansion);
    }
    check_date(w, "date", d->date);
    check_date(w, "end date", d->date_end);
    if (!finished)
        return;
    if (!d->kind || !*d->kind)
        fuzz_fail(w->target, "%s document has no kind", w->stage);
    if (d->access != DOC_PUBLIC && d->access != DOC_INTERNAL)
        fuzz_fail(w->target, "%s document has no access level", w->stage);
}

static void check_doc(const where *w, const ark_doc *d, int finished)
{
    check_text(w, d);
    check_pages(w, d);
    for (size_t i = 0; i < d->nsections; i++)
        check_section(w, d, i, finished);
    check_fields(w, d, finished);
}

/* The public view: d's text with its internal sections cut out (and the
 * white space that would end it: blank lines before a cut item hint that
 * something followed), nothing internal left in it. */
static void check_public_view(const char *target, const ark_doc *d)
{
    const char *text = d->text.data ? d->text.data : "";
    ark_buf want = ARK_BUF_INIT;
    size_t at = 0;
    for (size_t i = 0; i < d->nsections; i++) {
        const doc_section *s = &d->sections[i];
        if (s->access != DOC_INTERNAL)
            continue;
        ark_buf_add(&want, text + at, s->start - at);
        at = s->end;
    }
    if (d->text.len > at)
        ark_buf_add(&want, text + at, d->text.len - at);
    while (want.len && (want.data[want.len - 1] == '\n' || want.data[want.len - 1] == ' '))
        want.len--;
    ark_doc view;
    doc_public_view(d, &view);
    where w = {target, "public view"};
    check_doc(&w, &view, 1);
    for (size_t i = 0; i < view.nsections; i++)
        if (view.sections[i].access == DOC_INTERNAL)
            fuzz_fail(target, "the public view keeps internal section %zu", i);
    if (view.text.len != want.len || (want.len && memcmp(view.text.data, want.data, want.len)))
        fuzz_fail(target, "the public view is not the text less its internal sections");
    ark_buf_free(&want);
    doc_free(&view);
}

typedef struct {
    const char *target;
    const ark_doc *d;
} gloss_ctx;

/* Glossary entries are pieces of the text. */
static void check_gloss(void *ctx, const char *abbr, size_t alen, const char *exp, size_t elen)
{
    gloss_ctx *g = ctx;
    const char *text = g->d->text.data, *end = text + g->d->text.len;
    if (!(abbr >= text && alen > 0 && alen <= (size_t)(end - abbr)) ||
        !(exp >= text && elen > 0 && elen <= (size_t)(end - exp)))
        fuzz_fail(g->target, "a glossary entry lies outside the text");
}

static void check_detail(const fuzz_extractor *x, ark_status st, const char *detail)
{
    if (st != ARK_EBINARY && st != ARK_EPARSE && st != ARK_ETOOBIG)
        fuzz_fail(x->target, "extract_%s returned %s", x->target, ark_status_name(st));
    if (!detail || !*detail)
        fuzz_fail(x->target, "extract_%s failed with %s but no detail", x->target,
                  ark_status_name(st));
    if (!fuzz_valid_utf8(detail, strlen(detail)) || strchr(detail, '\n'))
        fuzz_fail(x->target, "the detail is not one line of valid UTF-8: %s", detail);
}

static void check_format(const fuzz_extractor *x, const ark_doc *d)
{
    for (size_t i = 0; x->formats[i]; i++)
        if (d->format && strcmp(d->format, x->formats[i]) == 0)
            return;
    fuzz_fail(x->target, "extract_%s made a document of format %s", x->target,
              d->format ? d->format : "NULL");
}

static int is_word(void *ctx, const char *word, size_t len)
{
    return ana_is_word(ctx, word, len);
}

void fuzz_extract(const fuzz_extractor *x, const uint8_t *data, size_t size)
{
    ark_doc d;
    doc_init(&d, x->target);
    char *detail = NULL;
    ark_status st = x->extract((const char *)data, size, &d, &detail);
    if (st != ARK_OK) {
        check_detail(x, st, detail);
        free(detail);
        doc_free(&d);
        return;
    }
    if (detail)
        fuzz_fail(x->target, "extract_%s succeeded with a detail: %s", x->target, detail);
    where w = {x->target, "extracted"};
    check_doc(&w, &d, 0);
    /* as the indexer does: the analyzer knows the words re-flow may join */
    extract_finish(&d, is_word, fuzz_shared_analyzer());
    minutes_title(&d);
    w.stage = "finished";
    check_doc(&w, &d, 1);
    check_format(x, &d);
    gloss_ctx g = {x->target, &d};
    gls_extract(d.text.data ? d.text.data : "", d.text.len, check_gloss, &g);
    check_public_view(x->target, &d);
    doc_free(&d);
}
