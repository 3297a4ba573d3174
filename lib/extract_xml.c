/* extract_xml.c — XML: the arkiv export format into fields and sections,
 * any other XML as its text.
 *
 * Parsing goes through xmlsafe.c (no network, no DTD, no entity expansion).
 * Entity references stay unexpanded in the tree and the walk passes over
 * them, so declared entities add nothing to the text.
 *
 * Paragraphs: an element whose parent holds only elements (a record, a
 * list) stands in a paragraph of its own; one whose parent also holds text
 * (<emphasis> in a sentence) stays in the line.  Paragraph elements (p,
 * para, heading, ...) always break, and in running text a blank line does. */
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "xalloc.h"
#include "xmlsafe.h"

typedef struct {
    ark_doc *d;
    xmlsafe_text t;
    xmlNodePtr root;
    xmlNodePtr skip; /* a node the walk passes over (a section's heading) */
    int outer_mixed; /* the walked list's parent holds text of its own */
    unsigned char mixed[EXTRACT_MAX_DEPTH + 1]; /* the same, for the element at each depth */
} xml_walk;

static const char *const paragraphs[] = {
    "p",    "para", "paragraph", "div", "section", "heading", "title", "li",
    "item", "h1",   "h2",        "h3",  "h4",      "h5",      "h6",    NULL,
};

static int is_paragraph(const char *name)
{
    for (const char *const *p = paragraphs; *p; p++)
        if (strcmp(name, *p) == 0)
            return 1;
    return 0;
}

/* Whether n holds text of its own, besides its child elements. */
static int has_text(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content &&
            xmlsafe_visible((const char *)c->content, strlen((const char *)c->content)))
            return 1;
    return 0;
}

static xmlsafe_break edge(const xml_walk *w, xmlNodePtr n, int depth)
{
    int parent_mixed = depth ? w->mixed[depth - 1] : w->outer_mixed;
    return parent_mixed && !is_paragraph((const char *)n->name) ? XMLSAFE_NONE : XMLSAFE_PARA;
}

static int text_enter(void *ctx, xmlNodePtr n, int depth)
{
    xml_walk *w = ctx;
    if (n == w->skip)
        return 0;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content)
            xmlsafe_text_add(&w->t, (const char *)n->content, strlen((const char *)n->content));
        return 0;
    }
    if (n->type != XML_ELEMENT_NODE)
        return 0; /* comments, processing instructions, entity references */
    if (n->parent == w->root && xmlsafe_is(n, "title") && !w->d->title)
        w->d->title = xmlsafe_field(n);
    w->mixed[depth] = (unsigned char)has_text(n);
    xmlsafe_text_break(&w->t, edge(w, n, depth));
    return 1;
}

static void text_leave(void *ctx, xmlNodePtr n, int depth)
{
    xml_walk *w = ctx;
    xmlsafe_text_break(&w->t, edge(w, n, depth));
}

/* Appends the text of n's children as paragraphs. */
static void add_body(xml_walk *w, xmlNodePtr n)
{
    w->outer_mixed = has_text(n);
    w->t.blank_lines = 1;
    xmlsafe_text_break(&w->t, XMLSAFE_PARA);
    xmlsafe_walk(n->children, EXTRACT_MAX_DEPTH, text_enter, text_leave, w);
    xmlsafe_text_break(&w->t, XMLSAFE_PARA);
}

static xmlNodePtr first_child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (xmlsafe_is(c, name))
            return c;
    return NULL;
}

static doc_access parse_access(const char *s)
{
    char *v = xmlsafe_lower(s, strlen(s));
    doc_access a = strcmp(v, "internal") == 0 ? DOC_INTERNAL
                   : strcmp(v, "public") == 0 ? DOC_PUBLIC
                                              : DOC_ACCESS_UNSET;
    free(v);
    return a;
}

static unsigned parse_number(const char *s)
{
    while (*s == ' ')
        s++;
    unsigned v = 0;
    for (int i = 0; i < 6 && *s >= '0' && *s <= '9'; i++, s++)
        v = v * 10 + (unsigned)(*s - '0');
    return v;
}

/* <section number=".." presenter=".." access=".."><heading>..</heading>..: the
 * section begins with its heading's paragraph. */
static void read_section(xml_walk *w, xmlNodePtr n)
{
    ark_doc *d = w->d;
    xmlsafe_text_break(&w->t, XMLSAFE_PARA);
    xmlsafe_text_flush(&w->t);
    doc_section *s = doc_add_section(d);
    const char *v = xmlsafe_attr(n, "number");
    s->number = v ? parse_number(v) : 0;
    v = xmlsafe_attr(n, "presenter");
    if (v && xmlsafe_visible(v, strlen(v)))
        doc_set(&s->presenter, v, strlen(v));
    v = xmlsafe_attr(n, "access");
    s->access = v ? parse_access(v) : DOC_ACCESS_UNSET;
    xmlNodePtr h = first_child(n, "heading");
    if (h) {
        s->heading = xmlsafe_field(h);
        w->t.blank_lines = 0;
        xmlsafe_text_add(&w->t, s->heading, strlen(s->heading));
        s->heading_end = d->text.len;
    }
    w->skip = h;
    add_body(w, n);
    w->skip = NULL;
}

static void read_date(ark_doc *d, xmlNodePtr n)
{
    char *v = xmlsafe_field(n);
    if (strlen(v) < DOC_DATE_MAX && doc_date_valid(v))
        strcpy(d->date, v);
    free(v);
    const char *end = xmlsafe_attr(n, "end");
    if (end && strlen(end) < DOC_DATE_MAX && doc_date_valid(end))
        strcpy(d->date_end, end);
}

static void read_lists(ark_doc *d, xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (xmlsafe_is(c, "participant")) {
            char *p = xmlsafe_field(c);
            doc_add_participant(d, p, strlen(p));
            free(p);
        } else if (xmlsafe_is(c, "abbr") && xmlsafe_attr(c, "short")) {
            const char *a = xmlsafe_attr(c, "short");
            char *e = xmlsafe_field(c);
            doc_add_gloss(d, a, strlen(a), e, strlen(e));
            free(e);
        }
    }
}

/* A field of <arkiv-document>; 0 when n is not one. */
static int read_field(ark_doc *d, xmlNodePtr n)
{
    const char *name = (const char *)n->name;
    char **field = strcmp(name, "title") == 0         ? &d->title
                   : strcmp(name, "description") == 0 ? &d->description
                                                      : NULL;
    if (field) {
        free(*field);
        *field = xmlsafe_field(n);
    } else if (strcmp(name, "kind") == 0) {
        char *v = xmlsafe_field(n);
        free(d->kind);
        d->kind = xmlsafe_lower(v, strlen(v));
        free(v);
    } else if (strcmp(name, "access") == 0) {
        char *v = xmlsafe_field(n);
        doc_access a = parse_access(v);
        d->access = a ? a : d->access;
        free(v);
    } else if (strcmp(name, "date") == 0) {
        read_date(d, n);
    } else if (strcmp(name, "participants") == 0 || strcmp(name, "glossary") == 0) {
        read_lists(d, n);
    } else {
        return 0;
    }
    return 1;
}

/* Empty fields ("<title/>") say nothing: unset rather than "". */
static void drop_empty(char **field)
{
    if (*field && !**field) {
        free(*field);
        *field = NULL;
    }
}

static void read_arkiv(xml_walk *w, xmlNodePtr root)
{
    ark_doc *d = w->d;
    d->format = "arkiv-xml";
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            w->t.blank_lines = 1;
            xmlsafe_text_add(&w->t, (const char *)c->content, strlen((const char *)c->content));
        } else if (xmlsafe_is(c, "section")) {
            read_section(w, c);
        } else if (c->type == XML_ELEMENT_NODE && !read_field(d, c)) {
            add_body(w, c); /* <text>, and elements this version does not know */
        }
    }
    drop_empty(&d->title);
    drop_empty(&d->description);
    drop_empty(&d->kind);
}

/* A section without text at the very end leaves the break written before
 * it: the text ends with its last character. */
static void trim_end(ark_doc *d)
{
    while (d->text.len && d->text.data[d->text.len - 1] == '\n')
        d->text.data[--d->text.len] = '\0';
    for (size_t i = 0; i < d->nsections; i++) {
        doc_section *s = &d->sections[i];
        s->start = s->start > d->text.len ? d->text.len : s->start;
        s->heading_end = s->heading_end > d->text.len ? d->text.len : s->heading_end;
    }
}

ark_status extract_xml(const char *data, size_t len, ark_doc *d, char **detail)
{
    xmlDocPtr doc;
    ark_status st = xmlsafe_read_xml(data, len, &doc, &d->invalid_bytes, detail);
    if (st != ARK_OK)
        return st;
    xml_walk *w = ark_calloc(1, sizeof *w);
    w->d = d;
    w->t.out = &d->text;
    w->root = xmlDocGetRootElement(doc);
    if (xmlsafe_is(w->root, "arkiv-document")) {
        read_arkiv(w, w->root);
    } else {
        d->format = "xml";
        w->t.blank_lines = 1;
        xmlsafe_walk(w->root, EXTRACT_MAX_DEPTH, text_enter, text_leave, w);
        drop_empty(&d->title);
    }
    trim_end(d);
    free(w);
    xmlFreeDoc(doc);
    return ARK_OK;
}
