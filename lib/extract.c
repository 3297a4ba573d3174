/* extract.c — from a file's bytes to an ark_doc: pick the format, extract,
 * re-flow, read the minutes' metadata. */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "extract.h"
#include "minutes.h"
#include "reflow.h"
#include "xalloc.h"

/* The name's extension, lower case compared by the caller, or "". */
static const char *extension(const char *name)
{
    if (!name)
        return "";
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash + 1 : name, '.');
    return dot ? dot + 1 : "";
}

/* Whether the data, after white space and a byte-order mark, begins with
 * one of the (case-insensitive) prefixes. */
static int starts_with_markup(const char *data, size_t len, const char *const *prefixes)
{
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    for (; *prefixes; prefixes++) {
        size_t n = strlen(*prefixes);
        if (len - i >= n && strncasecmp(data + i, *prefixes, n) == 0)
            return 1;
    }
    return 0;
}

typedef enum { FMT_TEXT, FMT_HTML, FMT_XML, FMT_PDF } file_format;

static file_format sniff(const char *name, const char *data, size_t len)
{
    static const char *const html[] = {"<!doctype html", "<html", NULL};
    static const char *const xml[] = {"<?xml", NULL};
    const char *ext = extension(name);
    if (len >= 5 && memcmp(data, "%PDF-", 5) == 0)
        return FMT_PDF;
    if (strcasecmp(ext, "html") == 0 || strcasecmp(ext, "htm") == 0 ||
        strcasecmp(ext, "xhtml") == 0 || starts_with_markup(data, len, html))
        return FMT_HTML;
    if (strcasecmp(ext, "xml") == 0 || starts_with_markup(data, len, xml)) {
        /* XHTML declared as XML is still a web page */
        const char *head = memmem(data, len < 1024 ? len : 1024, "<html", 5);
        return head ? FMT_HTML : FMT_XML;
    }
    return FMT_TEXT;
}

void extract_finish(ark_doc *d, extract_word_fn is_word, void *ctx)
{
    if (d->reflow)
        reflow_doc(d, is_word, ctx);
    minutes_read(d);
    doc_finish(d);
}

ark_status extract_document(const char *name, const char *data, size_t len,
                            extract_word_fn is_word, void *ctx, ark_doc *d, char **detail)
{
    *detail = NULL;
    ark_status st;
    switch (sniff(name, data, len)) {
    case FMT_PDF:
        doc_init(d, "pdf");
        st = extract_pdf(data, len, d, detail);
        break;
    case FMT_HTML:
        doc_init(d, "html");
        st = extract_html(data, len, d, detail);
        break;
    case FMT_XML:
        doc_init(d, "xml");
        st = extract_xml(data, len, d, detail);
        break;
    default:
        doc_init(d, "text");
        st = extract_text(data, len, d, detail);
        break;
    }
    if (st != ARK_OK) {
        doc_free(d);
        return st;
    }
    extract_finish(d, is_word, ctx);
    return ARK_OK;
}
