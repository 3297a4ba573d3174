/* extract_html.c — the visible text of a web page.
 *
 * libxml2's HTML parser builds a tree from anything (recovering from
 * unclosed tags and bad entities); the walk below keeps what a reader sees
 * on the page: no scripts, styles or <head>, and none of the boilerplate
 * that can be told apart by its markup (navigation, the site's header and
 * footer, sidebars, forms, hidden elements).  Block elements separate
 * paragraphs; a heading opens a section of the document. */
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "extract.h"
#include "minutes.h"
#include "xalloc.h"
#include "xmlsafe.h"

typedef struct {
    ark_doc *d;
    xmlsafe_text t;
    int head;          /* inside <head>: only <title> and <meta> count */
    int landmark;      /* inside <main> or <article>: header/footer are content */
    int pre;           /* inside <pre>: lines kept */
    int pre_started;   /* the <pre> has had a visible character */
    ark_buf pre_space; /* white space in a <pre>, written before the next character */
    int heading;       /* inside h1-h6 (the outermost one's level) */
    int heading_open;  /* its section has been added */
    size_t heading_from;
    int meta_date; /* the date came from <meta>: <time> does not replace it */
    char *first_h1;
} html_walk;

static int in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return 1;
    return 0;
}

/* Elements whose content is never visible text, or is boilerplate. */
static const char *const skipped[] = {
    "script", "style", "noscript", "template", "svg",  "iframe", "object", "embed",
    "canvas", "audio", "video",    "aside",    "form", "nav",    NULL,
};

/* Elements that separate paragraphs. */
static const char *const blocks[] = {
    "html",    "body",    "p",          "div",     "li",     "tr",         "section",
    "article", "main",    "blockquote", "pre",     "table",  "ul",         "ol",
    "dl",      "dt",      "dd",         "address", "figure", "figcaption", "fieldset",
    "legend",  "details", "summary",    "caption", "thead",  "tbody",      "tfoot",
    "header",  "footer",  "hgroup",     "center",  "menu",   "dir",        "h1",
    "h2",      "h3",      "h4",         "h5",      "h6",     "hr",         NULL,
};

/* Elements inside a line of text: no space at their edges ("fo<b>o</b>"). */
static const char *const inlines[] = {
    "a",       "abbr", "b",    "bdi",   "bdo",  "cite", "code",  "data", "dfn",    "em",
    "i",       "kbd",  "mark", "q",     "s",    "samp", "small", "span", "strong", "sub",
    "sup",     "time", "u",    "var",   "del",  "ins",  "font",  "big",  "tt",     "strike",
    "acronym", "nobr", "wbr",  "label", "ruby", "rt",   "rp",    NULL,
};

static int attr_is(xmlNodePtr n, const char *name, const char *value)
{
    const char *v = xmlsafe_attr(n, name);
    return v && strcasecmp(v, value) == 0;
}

/* Whether an inline style hides the element ("display: none"). */
static int style_hides(xmlNodePtr n)
{
    const char *v = xmlsafe_attr(n, "style");
    if (!v)
        return 0;
    char squeezed[256];
    size_t k = 0;
    for (; *v && k + 1 < sizeof squeezed; v++)
        if (*v != ' ' && *v != '\t')
            squeezed[k++] = (char)(*v >= 'A' && *v <= 'Z' ? *v + 32 : *v);
    squeezed[k] = '\0';
    return strstr(squeezed, "display:none") || strstr(squeezed, "visibility:hidden");
}

static int is_hidden(const html_walk *w, xmlNodePtr n)
{
    const char *name = (const char *)n->name;
    if (in_list(name, skipped))
        return 1;
    if ((strcmp(name, "header") == 0 || strcmp(name, "footer") == 0) && !w->landmark)
        return 1;
    if (xmlsafe_attr(n, "hidden") || attr_is(n, "aria-hidden", "true") || style_hides(n))
        return 1;
    return attr_is(n, "role", "navigation") || attr_is(n, "role", "banner") ||
           attr_is(n, "role", "contentinfo");
}

/* The ISO date at the start of s ("2023-04-21T10:00", "2023-04", "2023"),
 * copied to out; 0 when there is none. */
static int iso_date(const char *s, char out[DOC_DATE_MAX])
{
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    size_t n = strlen(s);
    size_t take = n >= 10 && s[4] == '-' && s[7] == '-' ? 10 : n >= 7 && s[4] == '-' ? 7 : 4;
    if (n < take || (s[take] >= '0' && s[take] <= '9') || s[take] == '-')
        return 0;
    char d[DOC_DATE_MAX];
    memcpy(d, s, take);
    d[take] = '\0';
    if (!doc_date_valid(d))
        return 0;
    memcpy(out, d, take + 1);
    return 1;
}

static void read_meta(html_walk *w, xmlNodePtr n)
{
    const char *name = xmlsafe_attr(n, "name");
    const char *content = xmlsafe_attr(n, "content");
    if (!name || !content)
        return;
    if (strcasecmp(name, "description") == 0 && !w->d->description &&
        xmlsafe_visible(content, strlen(content))) {
        doc_set(&w->d->description, content, strlen(content));
    } else if ((strcasecmp(name, "date") == 0 || strcasecmp(name, "dcterms.date") == 0 ||
                strcasecmp(name, "dc.date") == 0) &&
               !w->meta_date && iso_date(content, w->d->date)) {
        w->meta_date = 1;
    }
}

static void read_title(html_walk *w, xmlNodePtr n)
{
    ark_buf b = ARK_BUF_INIT;
    xmlsafe_node_text(n, &b);
    if (!w->d->title && xmlsafe_visible(b.data ? b.data : "", b.len))
        doc_set(&w->d->title, b.data, b.len);
    ark_buf_free(&b);
}

static void close_heading(html_walk *w, int level)
{
    if (w->heading_open) {
        ark_doc *d = w->d;
        doc_section *s = &d->sections[d->nsections - 1];
        const char *text = d->text.data + w->heading_from;
        size_t len = d->text.len - w->heading_from;
        minutes_heading(s, text, len);
        s->heading_end = d->text.len;
        if (level == 1 && !w->first_h1)
            doc_set(&w->first_h1, text, len);
    }
    w->heading = 0;
    w->heading_open = 0;
}

/* Text in a <pre>: lines and indentation kept, blank lines at its ends and
 * spaces at line ends dropped, at most one blank line in a row. */
static void add_pre(html_walk *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (c != '\r')
                ark_buf_addc(&w->pre_space, c);
            continue;
        }
        const char *sp = w->pre_space.data ? w->pre_space.data : "";
        const char *nl = memchr(sp, '\n', w->pre_space.len);
        const char *last_nl = nl ? strrchr(sp, '\n') : NULL;
        xmlsafe_text_flush(&w->t);
        if (w->pre_started) {
            size_t lines = 0;
            for (const char *p = sp; p && (p = strchr(p, '\n')) != NULL; p++)
                lines++;
            ark_buf_add(w->t.out, "\n\n", lines > 2 ? 2 : lines);
            ark_buf_adds(w->t.out, last_nl ? last_nl + 1 : sp);
        } else {
            ark_buf_adds(w->t.out, last_nl ? last_nl + 1 : sp);
        }
        w->pre_started = 1;
        ark_buf_reset(&w->pre_space);
        ark_buf_addc(w->t.out, c);
    }
}

static void add_text(html_walk *w, const char *s, size_t n)
{
    if (w->head || !n)
        return;
    if (w->heading && !w->heading_open && xmlsafe_visible(s, n)) {
        /* the section begins where its heading's first character does */
        xmlsafe_text_flush(&w->t);
        doc_add_section(w->d);
        w->heading_open = 1;
        w->heading_from = w->d->text.len;
    }
    if (w->pre)
        add_pre(w, s, n);
    else
        xmlsafe_text_add(&w->t, s, n);
}

static int heading_level(const char *name)
{
    return name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2] ? name[1] - '0' : 0;
}

/* The break an element makes at its edges. */
static xmlsafe_break edge(const char *name)
{
    if (in_list(name, blocks))
        return XMLSAFE_PARA;
    return in_list(name, inlines) ? XMLSAFE_NONE : XMLSAFE_SPACE;
}

static void enter_element(html_walk *w, xmlNodePtr n, const char *name)
{
    if (strcmp(name, "head") == 0)
        w->head++;
    else if (strcmp(name, "main") == 0 || strcmp(name, "article") == 0)
        w->landmark++;
    else if (strcmp(name, "pre") == 0 && !w->pre++)
        w->pre_started = 0;
    else if (heading_level(name) && !w->heading)
        w->heading = heading_level(name);
    else if (strcmp(name, "time") == 0 && !*w->d->date && xmlsafe_attr(n, "datetime"))
        iso_date(xmlsafe_attr(n, "datetime"), w->d->date);
    xmlsafe_text_break(&w->t, edge(name));
    if (strcmp(name, "li") == 0)
        w->t.prefix = "• ";
}

static int html_enter(void *ctx, xmlNodePtr n, int depth)
{
    html_walk *w = ctx;
    (void)depth;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content)
            add_text(w, (const char *)n->content, strlen((const char *)n->content));
        return 0;
    }
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    const char *name = (const char *)n->name;
    if (strcmp(name, "title") == 0) {
        read_title(w, n);
        return 0;
    }
    if (strcmp(name, "meta") == 0) {
        read_meta(w, n);
        return 0;
    }
    if (is_hidden(w, n))
        return 0;
    if (strcmp(name, "br") == 0) {
        /* two in a row end a paragraph, as they look on the page */
        xmlsafe_text_break(&w->t, w->t.pending == XMLSAFE_LINE ? XMLSAFE_PARA : XMLSAFE_LINE);
        return 0;
    }
    enter_element(w, n, name);
    return 1;
}

static void html_leave(void *ctx, xmlNodePtr n, int depth)
{
    html_walk *w = ctx;
    (void)depth;
    const char *name = (const char *)n->name;
    if (strcmp(name, "head") == 0) {
        w->head--;
    } else if (strcmp(name, "main") == 0 || strcmp(name, "article") == 0) {
        w->landmark--;
    } else if (strcmp(name, "pre") == 0 && !--w->pre) {
        ark_buf_reset(&w->pre_space);
    } else if (strcmp(name, "li") == 0) {
        w->t.prefix = NULL; /* an empty item leaves no bullet */
    } else if (heading_level(name) == w->heading && w->heading) {
        close_heading(w, w->heading);
    }
    xmlsafe_text_break(&w->t, edge(name));
}

/* Whether the page begins with an XML declaration (XHTML). */
static int xml_declared(const char *data, size_t len)
{
    size_t i = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    return len - i >= 5 && memcmp(data + i, "<?xml", 5) == 0;
}

/* XHTML is read as XML when it is well-formed (the HTML parser would keep
 * CDATA sections as text), as HTML when it is not ("&nbsp;" is not XML). */
static ark_status read_page(const char *data, size_t len, xmlDocPtr *doc, size_t *invalid,
                            char **detail)
{
    if (xml_declared(data, len)) {
        char *why = NULL;
        if (xmlsafe_read_xml(data, len, doc, invalid, &why) == ARK_OK)
            return ARK_OK;
        free(why);
    }
    return xmlsafe_read_html(data, len, doc, invalid, detail);
}

ark_status extract_html(const char *data, size_t len, ark_doc *d, char **detail)
{
    xmlDocPtr doc;
    ark_status st = read_page(data, len, &doc, &d->invalid_bytes, detail);
    if (st != ARK_OK)
        return st;
    html_walk w;
    memset(&w, 0, sizeof w);
    w.d = d;
    w.t.out = &d->text;
    /* no depth limit: the walk does not recurse, and sloppy pages pile up
     * hundreds of unclosed <font>s and <div>s around real text */
    xmlsafe_walk(doc->children, INT_MAX, html_enter, html_leave, &w);
    if (!d->title && w.first_h1)
        d->title = w.first_h1;
    else
        free(w.first_h1);
    const char *enc = (const char *)doc->encoding;
    if (enc && strcasecmp(enc, "utf-8") != 0 && strcasecmp(enc, "utf8") != 0) {
        d->charset = xmlsafe_lower(enc, strlen(enc));
    }
    ark_buf_free(&w.pre_space);
    xmlFreeDoc(doc);
    return ARK_OK;
}
