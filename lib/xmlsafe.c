/* xmlsafe.c — libxml2 for hostile input; see xmlsafe.h. */
#include "xmlsafe.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlerror.h>
#include <utf8proc.h>

#include "document.h"
#include "extract.h"
#include "htmlflat.h"
#include "utf8.h"

/* The first error of one parse, recorded instead of printed. */
typedef struct {
    int code;
    int line;
    char *message;
} parse_error;

/* A copy of msg as one line of valid UTF-8, for the user: libxml2 breaks
 * some messages in two ("... indicate encoding !\nBytes: 0xC3 0x20") and
 * may quote the input. */
static char *one_line(const char *msg)
{
    char *s = ark_utf8_clean(msg, strlen(msg), NULL);
    size_t n = 0;
    for (size_t i = 0; s[i]; i++) {
        char c = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
        if (c != ' ' || (n > 0 && s[n - 1] != ' '))
            s[n++] = c;
    }
    while (n && s[n - 1] == ' ')
        n--;
    s[n] = '\0';
    return s;
}

static void record_error(void *data, xmlErrorPtr err)
{
    /* data is the parser context (libxml2 passes ctxt->userData, which is
     * the context itself for the tree builder); ours in _private */
    xmlParserCtxtPtr ctxt = data;
    parse_error *e = ctxt ? ctxt->_private : NULL;
    if (!e || e->message || !err || err->level < XML_ERR_ERROR)
        return;
    e->code = err->code;
    e->line = err->line;
    e->message = one_line(err->message ? err->message : "unknown error");
}

/* Refuses every external entity and DTD.  The options already keep libxml2
 * from asking; this stands behind them for the cases where 2.9 asks anyway
 * (file:// is not "network" to XML_PARSE_NONET). */
static xmlParserInputPtr deny_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)id;
    if (ctxt && ctxt->sax && ctxt->sax->serror == record_error && ctxt->_private) {
        parse_error *e = ctxt->_private;
        if (!e->message) {
            e->code = -1;
            e->line = ctxt->input ? ctxt->input->line : 0;
            e->message = ark_sprintf("external entity refused: %s", url ? url : "(no address)");
        }
    }
    return NULL;
}

static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_process(void)
{
    xmlInitParser();
    xmlSetExternalEntityLoader(deny_entity);
}

void xmlsafe_init(void)
{
    /* libxml2 keeps its error handlers per thread, the loader per process */
    static _Thread_local int thread_ready;
    pthread_once(&init_once, init_process);
    if (!thread_ready) {
        xmlSetGenericErrorFunc(NULL, silent);
        thread_ready = 1;
    }
}

/* Refuses what libxml2 cannot take: more than an int of bytes. */
static ark_status check_size(size_t len, char **detail)
{
    if (len > INT_MAX) {
        *detail = ark_sprintf("markup larger than %d bytes", INT_MAX);
        return ARK_ETOOBIG;
    }
    return ARK_OK;
}

static char *describe(const parse_error *e, const char *what)
{
    if (!e->message)
        return ark_sprintf("broken %s (no tree was built)", what);
    if (e->code == XML_ERR_ENTITY_LOOP)
        return ark_sprintf("entity expansion refused at line %d (an entity loop, or entities "
                           "that grow too much, as in a \"billion laughs\" file)",
                           e->line);
    if (strncmp(e->message, "Excessive depth", 15) == 0)
        return ark_sprintf("nested too deeply at line %d (more than 256 levels)", e->line);
    if (e->code == XML_ERR_DOCUMENT_EMPTY)
        return ark_sprintf("empty %s document", what);
    return ark_sprintf("broken %s at line %d: %s", what, e->line, e->message);
}

/* Makes a text node's content valid UTF-8; returns the bytes replaced. */
static size_t clean_content(xmlNodePtr n)
{
    if (!n->content)
        return 0;
    size_t bad;
    const char *s = (const char *)n->content;
    char *clean = ark_utf8_clean(s, strlen(s), &bad);
    if (bad)
        xmlNodeSetContent(n, (const xmlChar *)clean); /* verbatim for text nodes */
    free(clean);
    return bad;
}

static int clean_enter(void *ctx, xmlNodePtr n, int depth)
{
    (void)depth;
    size_t *bad = ctx;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
        *bad += clean_content(n);
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        for (xmlNodePtr v = a->children; v; v = v->next)
            if (v->type == XML_TEXT_NODE)
                *bad += clean_content(v);
    return 1;
}

/* Replaces each byte of the tree's text and attribute values that is not
 * valid UTF-8 (or is NUL) with U+FFFD, as ark_utf8_append does; returns
 * how many.  libxml2 promises UTF-8 but does not keep it: its HTML parser
 * copies an overlong form ("\xC0\xAF") or a stray byte of a page read as
 * UTF-8 into the text as it stands. */
static size_t clean_utf8(xmlDocPtr doc)
{
    size_t bad = 0;
    xmlsafe_walk(doc->children, INT_MAX, clean_enter, NULL, &bad);
    return bad;
}

/* Parses data as XML (html 0) or HTML in the given encoding (NULL: as the
 * markup declares), recording the first error instead of printing it. */
static ark_status parse(int html, const char *data, size_t len, const char *enc, xmlDocPtr *out,
                        size_t *invalid, char **detail)
{
    *out = NULL;
    ark_status st = check_size(len, detail);
    if (st != ARK_OK)
        return st;
    xmlsafe_init();
    parse_error e = {0, 0, NULL};
    xmlParserCtxtPtr ctxt = html ? htmlNewParserCtxt() : xmlNewParserCtxt();
    if (!ctxt || !ctxt->sax)
        abort(); /* only out of memory; as ark_malloc does */
    ctxt->_private = &e;
    ctxt->sax->serror = record_error;
    xmlDocPtr doc =
        html ? htmlCtxtReadMemory(ctxt, data, (int)len, NULL, enc, XMLSAFE_HTML_OPTIONS)
             : xmlCtxtReadMemory(ctxt, data, (int)len, NULL, enc, XMLSAFE_XML_OPTIONS);
    if (doc && !html && (!ctxt->wellFormed || !xmlDocGetRootElement(doc))) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    *detail = doc ? NULL : describe(&e, html ? "HTML" : "XML");
    free(e.message);
    size_t bad = doc ? clean_utf8(doc) : 0;
    if (invalid)
        *invalid += bad;
    *out = doc;
    return doc ? ARK_OK : ARK_EPARSE;
}

ark_status xmlsafe_read_xml(const char *data, size_t len, xmlDocPtr *out, size_t *invalid,
                            char **detail)
{
    return parse(0, data, len, NULL, out, invalid, detail);
}

/* UTF-16 or UTF-32: a byte-order mark, or a NUL among the first four bytes. */
static int is_wide(const char *data, size_t len)
{
    const unsigned char *u = (const unsigned char *)data;
    return (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) ||
           memchr(data, '\0', len < 4 ? len : 4) != NULL;
}

/* A NUL byte where HTML cannot have one (wide encodings have them everywhere). */
static const char *stray_nul(const char *data, size_t len)
{
    return len && !is_wide(data, len) ? memchr(data, '\0', len) : NULL;
}

/* Whether libxml2 can tell the page's encoding itself: a wide encoding, or
 * a <meta charset> or http-equiv.  (The HTML parser does not read an XML
 * declaration's encoding; a well-formed XHTML page does not come here.) */
static int declares_charset(const char *data, size_t len)
{
    if (is_wide(data, len))
        return 1;
    size_t n = len < 4096 ? len : 4096;
    for (size_t i = 0; i + 7 <= n; i++)
        if (strncasecmp(data + i, "charset", 7) == 0)
            return 1;
    return 0;
}

ark_status xmlsafe_read_html(const char *data, size_t len, xmlDocPtr *out, size_t *invalid,
                             char **detail)
{
    *out = NULL;
    const char *nul = stray_nul(data, len);
    if (nul) {
        *detail = ark_sprintf("binary file (NUL byte at offset %zu)", (size_t)(nul - data));
        return ARK_EBINARY;
    }
    /* libxml2 2.9 reads a page that declares nothing as Latin-1: read it
     * as UTF-8 unless it is not, as plain text is read */
    const char *enc = declares_charset(data, len)          ? NULL
                      : ark_utf8_is_legacy(data, len) ? "windows-1252"
                                                      : "UTF-8";
    size_t flat_len;
    char *flat = htmlflat(data, len, &flat_len); /* see htmlflat.h: the parser is quadratic */
    ark_status st = parse(1, flat ? flat : data, flat ? flat_len : len, enc, out, invalid, detail);
    free(flat);
    return st;
}

void xmlsafe_walk(xmlNodePtr first, int max_depth, xmlsafe_enter_fn enter, xmlsafe_leave_fn leave,
                  void *ctx)
{
    xmlNodePtr n = first;
    int depth = 0;
    while (n) {
        int open = enter(ctx, n, depth);
        /* an entity reference's children are the entity's, shared by
         * every reference: never expanded here */
        if (open && n->type != XML_ENTITY_REF_NODE && n->children && depth < max_depth) {
            n = n->children;
            depth++;
            continue;
        }
        if (open && leave)
            leave(ctx, n, depth);
        while (!n->next && depth > 0) {
            n = n->parent;
            depth--;
            if (leave)
                leave(ctx, n, depth);
        }
        n = n->next;
    }
}

static int text_enter(void *ctx, xmlNodePtr n, int depth)
{
    (void)depth;
    if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
        ark_buf_adds(ctx, (const char *)n->content);
    return n->type == XML_ELEMENT_NODE;
}

void xmlsafe_node_text(xmlNodePtr n, ark_buf *out)
{
    if (n->type == XML_ELEMENT_NODE)
        xmlsafe_walk(n->children, EXTRACT_MAX_DEPTH, text_enter, NULL, out);
    else
        text_enter(out, n, 0);
}

char *xmlsafe_field(xmlNodePtr n)
{
    ark_buf b = ARK_BUF_INIT;
    xmlsafe_node_text(n, &b);
    char *s = NULL;
    doc_set(&s, b.data ? b.data : "", b.len);
    ark_buf_free(&b);
    return s;
}

const char *xmlsafe_attr(xmlNodePtr n, const char *name)
{
    if (n->type != XML_ELEMENT_NODE)
        return NULL;
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        if (strcmp((const char *)a->name, name) != 0)
            continue;
        xmlNodePtr v = a->children;
        return v && v->type == XML_TEXT_NODE && v->content ? (const char *)v->content : "";
    }
    return NULL;
}

int xmlsafe_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The length of the white space at s[0..n): 1, 2 for U+00A0, or 0. */
static size_t space_len(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
        return 1;
    return c == 0xC2 && n > 1 && (unsigned char)s[1] == 0xA0 ? 2 : 0;
}

int xmlsafe_visible(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t w = space_len(s + i, n - i);
        if (!w)
            return 1;
        i += w;
    }
    return 0;
}

char *xmlsafe_lower(const char *s, size_t n)
{
    while (n && space_len(s, n)) {
        size_t w = space_len(s, n);
        s += w;
        n -= w;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    ark_buf b = ARK_BUF_INIT;
    ark_buf_grow(&b, n + 1);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            ark_buf_addc(&b, s[i++]); /* not UTF-8: kept as it is */
            continue;
        }
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(cp), enc);
        ark_buf_add(&b, (const char *)enc, (size_t)m);
        i += (size_t)k;
    }
    return ark_buf_take(&b);
}

void xmlsafe_text_break(xmlsafe_text *t, xmlsafe_break b)
{
    if (b > t->pending)
        t->pending = b;
}

void xmlsafe_text_flush(xmlsafe_text *t)
{
    ark_buf *o = t->out;
    if (o->len) {
        size_t nl = 0;
        while (nl < 2 && nl < o->len && o->data[o->len - 1 - nl] == '\n')
            nl++;
        if (t->pending == XMLSAFE_PARA)
            for (; nl < 2; nl++)
                ark_buf_addc(o, '\n');
        else if (t->pending == XMLSAFE_LINE && !nl)
            ark_buf_addc(o, '\n');
        else if (t->pending == XMLSAFE_SPACE && !nl && o->data[o->len - 1] != ' ')
            ark_buf_addc(o, ' ');
    }
    t->pending = XMLSAFE_NONE;
    t->newlines = 0;
    if (t->prefix) {
        ark_buf_adds(o, t->prefix);
        t->prefix = NULL;
    }
}

void xmlsafe_text_add(xmlsafe_text *t, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t w = space_len(s + i, n - i);
        if (w) {
            t->newlines += s[i] == '\n';
            xmlsafe_text_break(t,
                               t->blank_lines && t->newlines >= 2 ? XMLSAFE_PARA : XMLSAFE_SPACE);
            i += w;
            continue;
        }
        size_t j = i;
        while (j < n && !space_len(s + j, n - j))
            j++;
        xmlsafe_text_flush(t);
        ark_buf_add(t->out, s + i, j - i);
        i = j;
    }
}
