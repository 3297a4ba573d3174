/* extract_pdf.c — PDF through poppler-glib.
 *
 * Only the text layer is read: a scanned PDF without one gives an empty text
 * with its pages still marked, which is not an error.  Poppler gets the bytes
 * and never a file name or URI, so it reads nothing else.  The metadata's
 * dates are deliberately left alone: the creation date is when the file was
 * made, not when the meeting was held, and no date is better than a wrong one.
 */
#define _DEFAULT_SOURCE /* strncasecmp */
#include <poppler.h>
#include <string.h>
#include <strings.h>

#include "extract.h"
#include "utf8.h"
#include "xalloc.h"

#define PDF_MAX_PAGES 10000

/* Appends s[0..n) with each byte that is not valid UTF-8 (NUL included)
 * made U+FFFD and counted, and form feeds made line breaks: poppler promises
 * UTF-8, but a broken font's ToUnicode map can still hand it anything. */
static void add_text(ark_buf *b, const char *s, size_t n, size_t *invalid)
{
    size_t from = b->len;
    *invalid += ark_utf8_append(b, s, n);
    for (size_t i = from; i < b->len; i++)
        if (b->data[i] == '\f')
            b->data[i] = '\n';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Appends page i's text, after a blank line when text came before, and marks
 * where it begins.  Surrounding white space is dropped so that a page begins
 * at its first word and empty pages add nothing. */
static void add_page(ark_doc *d, PopplerDocument *doc, int i)
{
    PopplerPage *page = poppler_document_get_page(doc, i);
    char *text = page ? poppler_page_get_text(page) : NULL;
    const char *s = text ? text : "";
    size_t n = strlen(s);
    while (n > 0 && is_blank(*s))
        s++, n--;
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    if (n > 0 && d->text.len > 0)
        ark_buf_adds(&d->text, "\n\n");
    doc_add_page(d);
    add_text(&d->text, s, n, &d->invalid_bytes);
    g_free(text);
    if (page)
        g_object_unref(page);
}

/* Whether s[0..n) ends with suffix, ignoring ASCII case. */
static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

/* Whether a title is a placeholder some program wrote instead of one:
 * "Untitled", "Uten tittel", Word's "Document1"/"Dokument1". */
static int placeholder_title(const char *s, size_t n)
{
    static const char *const junk[] = {
        "untitled", "untitled document", "uten tittel", "uten navn", "title", "tittel", NULL};
    for (const char *const *j = junk; *j; j++)
        if (n == strlen(*j) && strncasecmp(s, *j, n) == 0)
            return 1;
    size_t k = n;
    while (k > 0 && s[k - 1] >= '0' && s[k - 1] <= '9')
        k--;
    return k < n && k == 8 &&
           (strncasecmp(s, "document", 8) == 0 || strncasecmp(s, "dokument", 8) == 0);
}

/* Sets the title from the metadata, with what Office's PDF printer adds
 * ("Microsoft Word - referat.docx") taken off, unless it is a placeholder. */
static void set_title(ark_doc *d, PopplerDocument *doc)
{
    static const char *const exts[] = {".docx", ".doc", ".dotx", ".odt", ".rtf", ".txt",
                                       ".pptx", ".ppt", ".xlsx", ".xls", ".pdf", NULL};
    char *raw = poppler_document_get_title(doc);
    if (!raw)
        return;
    ark_buf b = ARK_BUF_INIT;
    ark_utf8_append(&b, raw, strlen(raw));
    g_free(raw);
    const char *s = b.data ? b.data : "";
    size_t n = b.len;
    while (n > 0 && is_blank(*s))
        s++, n--;
    const char *dash = strncmp(s, "Microsoft ", 10) == 0 ? strstr(s, " - ") : NULL;
    if (dash && dash - s < 40) {
        n -= (size_t)(dash + 3 - s);
        s = dash + 3;
    }
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    for (const char *const *e = exts; *e; e++) {
        if (ends_with(s, n, *e)) {
            n -= strlen(*e);
            break;
        }
    }
    if (n > 0 && !placeholder_title(s, n))
        doc_set(&d->title, s, n);
    ark_buf_free(&b);
}

/* Loads the document, or says why it cannot be read. */
static ark_status open_pdf(const char *data, size_t len, PopplerDocument **out, char **detail)
{
    GError *err = NULL;
    /* static: data outlives the document, which is freed before we return */
    GBytes *bytes = g_bytes_new_static(data, len);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
    g_bytes_unref(bytes);
    *out = doc;
    if (doc)
        return ARK_OK;
    if (err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED)
        *detail = ark_strdup("encrypted PDF (needs a password)");
    else
        *detail = ark_sprintf("broken PDF: %s", err ? err->message : "poppler cannot open it");
    if (err)
        g_error_free(err);
    return ARK_EPARSE;
}

ark_status extract_pdf(const char *data, size_t len, ark_doc *d, char **detail)
{
    PopplerDocument *doc;
    ark_status st = open_pdf(data, len, &doc, detail);
    if (st != ARK_OK)
        return st;
    int npages = poppler_document_get_n_pages(doc);
    if (npages > PDF_MAX_PAGES) {
        *detail = ark_sprintf("PDF has %d pages (the limit is %d)", npages, PDF_MAX_PAGES);
        g_object_unref(doc);
        return ARK_ETOOBIG;
    }
    for (int i = 0; i < npages; i++)
        add_page(d, doc, i);
    set_title(d, doc);
    g_object_unref(doc);
    d->reflow = 1;
    return ARK_OK;
}
