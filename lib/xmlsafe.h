/* xmlsafe.h — libxml2 set up for hostile input, and what the three markup
 * readers (extract_html.c, extract_xml.c, catalogue.c) share.
 *
 * Parsing never touches the network or a file: no DTD is loaded, no entity
 * substituted, and an entity loader that refuses everything stands behind
 * the options, because libxml2 2.9's XML_PARSE_NONET does not stop file://.
 * Errors are recorded on the parser context, never printed.  The tree walk
 * below does not descend into entity references, so an entity declared to
 * expand to a billion characters costs nothing once parsed.
 *
 * The text helpers append what the readers find to a document's text with
 * white space collapsed and paragraph breaks where the markup puts them,
 * so that HTML and XML agree on what a paragraph looks like. */
#ifndef ARKIV_XMLSAFE_H
#define ARKIV_XMLSAFE_H

#include <stddef.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "status.h"
#include "xalloc.h"

/* No NOENT, DTDLOAD, DTDATTR, HUGE or XINCLUDE: each would let a file reach
 * outside itself or grow without bound.  Without HUGE libxml2 refuses more
 * than 256 levels of nesting. */
#define XMLSAFE_XML_OPTIONS                                                                        \
    (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)
/* No NOBLANKS: its guess drops the space in "<mark>a</mark> <mark>b</mark>".
 * HUGE, for HTML only: past 256 levels (unclosed <div>s or <font>s pile up)
 * libxml2 2.9 would stop reading and lose the rest of the page; the HTML
 * parser expands no entities and builds and frees deep trees without
 * recursion, and htmlflat.h keeps what it sees to 256 open elements. */
#define XMLSAFE_HTML_OPTIONS                                                                       \
    (HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |           \
     XML_PARSE_HUGE)

/* Installs the deny-all external entity loader (once per process) and
 * silences libxml2's generic error output (once per calling thread).
 * Idempotent; the read functions call it. */
void xmlsafe_init(void);

/* Parses XML from memory.  On success *out is the tree (free it with
 * xmlFreeDoc), its text and attribute values made valid UTF-8: libxml2
 * promises UTF-8 but does not keep it (its HTML parser copies an overlong
 * "\xC0\xAF" as it stands); each byte replaced by U+FFFD is added to
 * *invalid (when not NULL).  On failure *out is NULL and *detail a one-line message the
 * caller frees: ARK_EPARSE ("broken XML at line 3: ...", "nested too
 * deeply ...", "entity expansion refused ..."), ARK_ETOOBIG past INT_MAX
 * bytes, ARK_EBINARY for a NUL byte. */
ark_status xmlsafe_read_xml(const char *data, size_t len, xmlDocPtr *out, size_t *invalid,
                            char **detail);

/* Parses HTML from memory, recovering from any breakage; the encoding comes
 * from a byte-order mark or <meta charset>, else UTF-8.  Fails as above,
 * ARK_EPARSE only when libxml2 builds no tree at all. */
ark_status xmlsafe_read_html(const char *data, size_t len, xmlDocPtr *out, size_t *invalid,
                             char **detail);

/* A walk over a tree in document order, without recursion: enter is called
 * for each node and returns non-zero to have its children visited and
 * leave called after them; depth is 0 for first and its siblings.  Below
 * max_depth children are not visited.  Entity references are passed to
 * enter but never descended into. */
typedef int (*xmlsafe_enter_fn)(void *ctx, xmlNodePtr n, int depth);
typedef void (*xmlsafe_leave_fn)(void *ctx, xmlNodePtr n, int depth);
void xmlsafe_walk(xmlNodePtr first, int max_depth, xmlsafe_enter_fn enter, xmlsafe_leave_fn leave,
                  void *ctx);

/* Appends the text of n and all below it (entity references left out) to
 * out, as it stands. */
void xmlsafe_node_text(xmlNodePtr n, ark_buf *out);

/* The text of n as a field value: white space collapsed and trimmed,
 * possibly "".  The caller frees it. */
char *xmlsafe_field(xmlNodePtr n);

/* The value of n's attribute name, borrowed from the tree; "" for an
 * attribute without a value; NULL when there is none. */
const char *xmlsafe_attr(xmlNodePtr n, const char *name);

/* Whether n is an element of that local name (any namespace). */
int xmlsafe_is(xmlNodePtr n, const char *name);

/* Whether s[0..n) has anything but white space (which includes U+00A0). */
int xmlsafe_visible(const char *s, size_t n);

/* s[0..n) trimmed and lower-cased (Unicode), for a field such as kind.
 * The caller frees it. */
char *xmlsafe_lower(const char *s, size_t n);

/* Text appended to a document: runs of white space become one space, and
 * a break is written only before the next visible character, so that
 * empty elements leave nothing and the text never starts or ends with a
 * break. */
typedef enum { XMLSAFE_NONE, XMLSAFE_SPACE, XMLSAFE_LINE, XMLSAFE_PARA } xmlsafe_break;

typedef struct {
    ark_buf *out;
    xmlsafe_break pending; /* owed before the next visible character */
    const char *prefix;    /* written once, after the break ("• " for a list item) */
    int blank_lines;       /* a blank line within the text is a paragraph break */
    int newlines;          /* in the white space seen since the last character */
} xmlsafe_text;

/* Asks for at least break b before the next visible character. */
void xmlsafe_text_break(xmlsafe_text *t, xmlsafe_break b);
/* Writes the pending break (and prefix) now: the next character starts there. */
void xmlsafe_text_flush(xmlsafe_text *t);
/* Appends s[0..n), white space collapsed. */
void xmlsafe_text_add(xmlsafe_text *t, const char *s, size_t n);

#endif
