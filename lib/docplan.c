/* docplan.c — a document to index as plain bytes (see docplan.h). */
#include "docplan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textpack.h"

static void put_u32(ark_buf *b, size_t v)
{
    uint32_t u = (uint32_t)v;
    ark_buf_add(b, (const char *)&u, sizeof u);
}

static uint32_t get_u32(const char **p)
{
    uint32_t u;
    memcpy(&u, *p, sizeof u);
    *p += sizeof u;
    return u;
}

void docplan_posting(docplan *p, const char *term, size_t len, unsigned pos, unsigned wdf_inc)
{
    put_u32(&p->postings, len);
    ark_buf_add(&p->postings, term, len);
    put_u32(&p->postings, pos);
    put_u32(&p->postings, wdf_inc);
}

void docplan_term(docplan *p, const char *term, size_t len, unsigned wdf)
{
    put_u32(&p->terms, len);
    ark_buf_add(&p->terms, term, len);
    put_u32(&p->terms, wdf);
}

void docplan_value(docplan *p, unsigned slot, const char *value, size_t len)
{
    put_u32(&p->values, slot);
    put_u32(&p->values, len);
    ark_buf_add(&p->values, value, len);
}

void docplan_text(docplan *p, const char *text, size_t len)
{
    ark_buf_reset(&p->text);
    ark_buf_add(&p->text, text, len);
}

/* Where b's bytes end (b->data is NULL while b is empty). */
static const char *end_of(const ark_buf *b)
{
    return b->len ? b->data + b->len : b->data;
}

xdb_doc *docplan_build(const docplan *p)
{
    xdb_doc *doc = xdb_doc_new();
    const char *s = p->postings.data, *end = end_of(&p->postings);
    while (s < end) {
        uint32_t len = get_u32(&s);
        const char *term = s;
        s += len;
        uint32_t pos = get_u32(&s);
        xdb_doc_add_posting(doc, term, len, pos, get_u32(&s));
    }
    s = p->terms.data, end = end_of(&p->terms);
    while (s < end) {
        uint32_t len = get_u32(&s);
        const char *term = s;
        s += len;
        xdb_doc_add_term(doc, term, len, get_u32(&s));
    }
    s = p->values.data, end = end_of(&p->values);
    while (s < end) {
        uint32_t slot = get_u32(&s), len = get_u32(&s);
        xdb_doc_set_value(doc, slot, s, len);
        s += len;
    }
    size_t plen;
    char *packed = textpack(p->text.data ? p->text.data : "", p->text.len, &plen);
    xdb_doc_set_data(doc, packed, plen);
    free(packed);
    return doc;
}

size_t docplan_size(const docplan *p)
{
    return p->postings.len + p->terms.len + p->values.len + p->text.len;
}

void docplan_free(docplan *p)
{
    ark_buf_free(&p->postings);
    ark_buf_free(&p->terms);
    ark_buf_free(&p->values);
    ark_buf_free(&p->text);
}
