/* query.c — a recursive-descent parser for the query language in query.h. */
#include "query.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

typedef struct {
    const char *s;
    size_t len;
    size_t i;
    int depth;
} parser;

/* Typographic quotes that journalists paste from documents. */
static const char *const QUOTES[] = {"\"",           "\xc2\xab",     "\xc2\xbb",
                                     "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x9e"};

static size_t quote_at(const parser *p, size_t i)
{
    for (size_t q = 0; q < sizeof QUOTES / sizeof *QUOTES; q++) {
        size_t n = strlen(QUOTES[q]);
        if (i + n <= p->len && memcmp(p->s + i, QUOTES[q], n) == 0)
            return n;
    }
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_letter(char c)
{
    return isalpha((unsigned char)c) || (unsigned char)c >= 0x80;
}

/* Whether the byte at i is a slash between letters: "Snøhvit/Melkøya",
 * "lege/sykepleier" name either, and a document naming one should match,
 * so the slash parts words as a space does (not in "24/7"). */
static int slash_parts(const parser *p, size_t i)
{
    return p->s[i] == '/' && i > 0 && i + 1 < p->len && is_letter(p->s[i - 1]) &&
           is_letter(p->s[i + 1]);
}

/* The length of the hyphen at p (the analyzer's: '-', U+2010, U+2011, the
 * last as pasted from the Storting's documents), or 0. */
static size_t hyphen_at(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    if (*p == '-')
        return 1;
    return u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0x90 || u[2] == 0x91) ? 3 : 0;
}

int qp_hyphenated(const char *text)
{
    for (const char *p = text; *p; p++) {
        size_t n = hyphen_at(p);
        if (n && p > text && is_letter(p[-1]) && is_letter(p[n]))
            return 1;
    }
    return 0;
}

static void skip_space(parser *p)
{
    while (p->i < p->len && (is_space(p->s[p->i]) || slash_parts(p, p->i)))
        p->i++;
}

/* Where the bare item starting at i ends: at space, a parenthesis, a quote
 * or a slash between letters. */
static size_t item_end(const parser *p, size_t i)
{
    while (i < p->len && !is_space(p->s[i]) && p->s[i] != '(' && p->s[i] != ')' &&
           !quote_at(p, i) && !slash_parts(p, i))
        i++;
    return i;
}

static int at_or(const parser *p)
{
    size_t i = p->i;
    return i + 2 <= p->len && p->s[i] == 'O' && p->s[i + 1] == 'R' &&
           (i + 2 == p->len || is_space(p->s[i + 2]));
}

static qp_node *new_node(qp_kind kind)
{
    qp_node *n = ark_calloc(1, sizeof *n);
    n->kind = kind;
    return n;
}

static void add_kid(qp_node *parent, qp_node *kid)
{
    parent->kids = ark_realloc(parent->kids, (parent->nkids + 1) * sizeof *parent->kids);
    parent->kids[parent->nkids++] = kid;
}

static qp_node *text_node(qp_kind kind, const char *s, size_t n)
{
    qp_node *node = new_node(kind);
    node->text = ark_strndup(s, n);
    return node;
}

static qp_node *parse_group(parser *p, int nested);

/* primary := '(' group ')' | quoted phrase | bare item; NULL at the end. */
static qp_node *parse_primary(parser *p)
{
    skip_space(p);
    if (p->i >= p->len || p->s[p->i] == ')')
        return NULL;
    size_t q = quote_at(p, p->i);
    if (q) {
        size_t start = p->i + q;
        size_t end = start;
        while (end < p->len && !quote_at(p, end))
            end++;
        p->i = end < p->len ? end + quote_at(p, end) : end;
        qp_node *n = text_node(QP_PHRASE, p->s + start, end - start);
        n->unclosed = end == p->len;
        return n;
    }
    if (p->s[p->i] == '(' && p->depth < QP_MAX_DEPTH) {
        p->i++;
        p->depth++;
        qp_node *g = parse_group(p, 1);
        p->depth--;
        if (p->i < p->len && p->s[p->i] == ')')
            p->i++;
        return g;
    }
    if (p->s[p->i] == '(') { /* too deep: the parenthesis is just punctuation */
        p->i++;
        return parse_primary(p);
    }
    size_t end = item_end(p, p->i);
    qp_node *n = text_node(QP_WORD, p->s + p->i, end - p->i);
    p->i = end;
    return n;
}

/* Whether a dash at i joins rather than excludes: after "og" or "eller" it
 * ends a coordinated compound ("klimakrav og -avgifter"), and after a lone
 * letter or digit it follows a formula whose subscript lost its place
 * ("CO 2 -utslipp", "NO x -avgift", as text copied from the Storting's
 * documents reads). */
static int dash_joins(const parser *p, size_t i)
{
    size_t end = i;
    while (end > 0 && is_space(p->s[end - 1]))
        end--;
    size_t start = end;
    while (start > 0 && !is_space(p->s[start - 1]) && p->s[start - 1] != '(')
        start--;
    size_t n = end - start;
    return end < i && ((n == 1 && isalnum((unsigned char)p->s[start])) ||
                       (n == 2 && strncasecmp(p->s + start, "og", 2) == 0) ||
                       (n == 5 && strncasecmp(p->s + start, "eller", 5) == 0));
}

/* unary := ['-' | '+'] primary, where the sign touches what it signs and
 * follows a space, '(' or the start: in «sørge for»-ansvaret the dash joins
 * words, and where dash_joins says so it is not a sign either. */
static qp_node *parse_unary(parser *p)
{
    skip_space(p);
    qp_sign sign = QP_SIGN_NONE;
    int starts_item = p->i == 0 || is_space(p->s[p->i - 1]) || p->s[p->i - 1] == '(';
    if (starts_item && p->i < p->len && p->s[p->i] == '-' && dash_joins(p, p->i))
        starts_item = 0;
    if (starts_item && p->i + 1 < p->len && (p->s[p->i] == '-' || p->s[p->i] == '+') &&
        !is_space(p->s[p->i + 1])) {
        sign = (qp_sign)p->s[p->i];
        p->i++;
    } else if (!starts_item && p->i < p->len && (p->s[p->i] == '-' || p->s[p->i] == '+')) {
        p->i++; /* punctuation between a closing quote or ')' and a word */
    }
    qp_node *n = parse_primary(p);
    if (n)
        n->sign = sign;
    return n;
}

/* orexpr := unary ('OR' unary)* */
static qp_node *parse_or(parser *p)
{
    qp_node *first = parse_unary(p);
    if (!first)
        return NULL;
    qp_node * or = NULL;
    for (;;) {
        skip_space(p);
        if (!at_or(p))
            break;
        size_t save = p->i;
        p->i += 2;
        qp_node *next = parse_unary(p);
        if (!next) { /* a trailing OR is just the word "or" */
            p->i = save;
            break;
        }
        if (! or) {
            or = new_node(QP_OR);
            or->sign = first->sign;
            first->sign = QP_SIGN_NONE;
            add_kid(or, first);
        }
        next->sign = QP_SIGN_NONE;
        add_kid(or, next);
    }
    return or ? or : first;
}

/* group := orexpr*, up to ')' when nested or the end. */
static qp_node *parse_group(parser *p, int nested)
{
    qp_node *g = new_node(QP_GROUP);
    for (;;) {
        skip_space(p);
        if (p->i >= p->len)
            break;
        if (p->s[p->i] == ')') {
            if (nested)
                break;
            p->i++; /* stray ')' */
            continue;
        }
        qp_node *n = parse_or(p);
        if (n)
            add_kid(g, n);
    }
    return g;
}

ark_status qp_parse(const char *query, size_t len, qp_node **out, const char **why)
{
    *out = NULL;
    if (len > QP_MAX_BYTES) {
        if (why)
            *why = "the query is too long (at most 4096 bytes)";
        return ARK_EQUERY;
    }
    parser p = {query, len, 0, 0};
    *out = parse_group(&p, 0);
    return ARK_OK;
}

void qp_free(qp_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        qp_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n);
}

static void describe(const qp_node *n, ark_buf *b)
{
    if (n->sign)
        ark_buf_addc(b, (char)n->sign);
    switch (n->kind) {
    case QP_WORD:
        ark_buf_adds(b, n->text);
        return;
    case QP_PHRASE:
        ark_buf_printf(b, "\"%s%s", n->text, n->unclosed ? "" : "\"");
        return;
    case QP_OR:
    case QP_GROUP:
        ark_buf_adds(b, n->kind == QP_OR ? "(OR" : "(GROUP");
        for (size_t i = 0; i < n->nkids; i++) {
            ark_buf_addc(b, ' ');
            describe(n->kids[i], b);
        }
        ark_buf_addc(b, ')');
        return;
    }
}

char *qp_describe(const qp_node *n)
{
    ark_buf b = ARK_BUF_INIT;
    describe(n, &b);
    return ark_buf_take(&b);
}
