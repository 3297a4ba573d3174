/* reflow.c — lines into paragraphs; see reflow.h. */
#include "reflow.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define MAX_LINES_FOR_WIDTH 4096
#define MAX_JOIN_WORD 96

typedef struct {
    const char *s;
    size_t n;
} span;

typedef struct {
    extract_word_fn is_word;
    void *ctx;
    ark_buf *out;
    size_t para_start; /* where the current paragraph begins in out */
    int in_para;
} flow;

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Trims white space, no-break spaces included. */
static span trim(span l)
{
    for (;;) {
        if (l.n && is_space((unsigned char)l.s[0]))
            l.s++, l.n--;
        else if (l.n >= 2 && (unsigned char)l.s[0] == 0xC2 && (unsigned char)l.s[1] == 0xA0)
            l.s += 2, l.n -= 2;
        else
            break;
    }
    for (;;) {
        if (l.n && is_space((unsigned char)l.s[l.n - 1]))
            l.n--;
        else if (l.n >= 2 && (unsigned char)l.s[l.n - 2] == 0xC2 &&
                 (unsigned char)l.s[l.n - 1] == 0xA0)
            l.n -= 2;
        else
            break;
    }
    return l;
}

/* The code point at s[0..n), or -1. */
static utf8proc_int32_t first_cp(const char *s, size_t n)
{
    utf8proc_int32_t cp = -1;
    if (n)
        utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
    return cp;
}

/* The code point that ends s[0..n), or -1. */
static utf8proc_int32_t last_cp(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    return i > 0 ? first_cp(s + i - 1, n - i + 1) : -1;
}

static int is_lower(utf8proc_int32_t cp)
{
    return cp >= 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

static int is_upper(utf8proc_int32_t cp)
{
    return cp >= 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
}

static int is_letter(utf8proc_int32_t cp)
{
    if (cp < 0)
        return 0;
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Characters of a line, counted as code points (for widths). */
static size_t width(span l)
{
    size_t w = 0;
    for (size_t i = 0; i < l.n; i++)
        w += ((unsigned char)l.s[i] & 0xC0) != 0x80;
    return w;
}

static int starts_with(span l, const char *p)
{
    size_t n = strlen(p);
    return l.n >= n && memcmp(l.s, p, n) == 0;
}

/* A page number, or "Side 2 av 5": furniture, not text. */
static int is_furniture(span l)
{
    size_t i = 0;
    if (starts_with(l, "Side ") || starts_with(l, "side "))
        i = 5;
    else if (starts_with(l, "- "))
        i = 2;
    size_t d = i;
    while (d < l.n && is_digit(l.s[d]))
        d++;
    if (d == i || d - i > 4)
        return 0;
    span rest = trim((span){l.s + d, l.n - d});
    return rest.n == 0 || (rest.n == 1 && rest.s[0] == '-') ||
           ((starts_with(rest, "av ") || starts_with(rest, "/")) && i == 5);
}

/* Whether the line must begin a paragraph: a list item, a numbered item, a
 * glossary entry or a label. */
static int is_block_start(span l)
{
    static const char *const bullets[] = {"•", "▪", "◦", "●", "\xEF\x82\xB7", "–", "—", "* ", NULL};
    for (size_t i = 0; bullets[i]; i++)
        if (starts_with(l, bullets[i]))
            return 1;
    if (l.n >= 2 && l.s[0] == '-' && l.s[1] != '-')
        return 1;
    if (l.n >= 3 && l.s[0] == 'o' && l.s[1] == ' ' && is_upper(first_cp(l.s + 2, l.n - 2)))
        return 1;
    size_t d = 0;
    while (d < l.n && d < 3 && is_digit(l.s[d]))
        d++;
    if (d > 0 && d < l.n && (l.s[d] == '.' || l.s[d] == ')') &&
        (d + 1 == l.n || l.s[d + 1] == ' ' || is_upper(first_cp(l.s + d + 1, l.n - d - 1))))
        return 1;
    /* "Møtetid: ...", "OPD: ...", "Oslo kommune:": a label of at most three
     * words, starting in upper case */
    if (!is_upper(first_cp(l.s, l.n)))
        return 0;
    unsigned words = 1;
    for (size_t i = 0; i < l.n && i < 40; i++) {
        if (l.s[i] == ':')
            return i + 1 == l.n || l.s[i + 1] == ' ';
        if (l.s[i] == ' ' && ++words > 3)
            return 0;
        if (l.s[i] == '.' || l.s[i] == ',')
            return 0;
    }
    return 0;
}

/* A numbered item line ("7. Åpne rusmiljøer"): a heading that only a line
 * in lower case continues. */
static int is_numbered(span l)
{
    size_t d = 0;
    while (d < l.n && d < 3 && is_digit(l.s[d]))
        d++;
    return d > 0 && d + 1 < l.n && l.s[d] == '.' && l.s[d + 1] == ' ';
}

static int ends_sentence(span l)
{
    char c = l.n ? l.s[l.n - 1] : 0;
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';';
}

static int is_conjunction(const char *w, size_t n)
{
    static const char *const conj[] = {"og", "eller", "samt", "enn", "and", "or", "&", NULL};
    for (size_t i = 0; conj[i]; i++)
        if (strlen(conj[i]) == n && memcmp(conj[i], w, n) == 0)
            return 1;
    return 0;
}

/* The letters that end out (after any hyphen or space): "til" of "én-til". */
static span tail_word(const ark_buf *out, size_t from)
{
    size_t i = out->len;
    while (i > from && out->data[i - 1] != ' ' && out->data[i - 1] != '-' &&
           out->data[i - 1] != '\n')
        i--;
    return (span){out->data + i, out->len - i};
}

/* The letters that begin s: "forebyggende" of "forebyggende," */
static span head_word(span s)
{
    size_t i = 0;
    while (i < s.n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s.s + i, (utf8proc_ssize_t)(s.n - i), &cp);
        if (k <= 0 || !is_letter(cp))
            break;
        i += (size_t)k;
    }
    return (span){s.s, i};
}

typedef enum {
    HY_REAL,    /* before a conjunction ("Barne- og"): hyphen and space stay */
    HY_UNKNOWN, /* the joined word is not known: the hyphen stays */
    HY_INNER,   /* the word already has a hyphen ("én-til-"): the hyphen stays */
    HY_WORD,    /* the joined word is a word: the hyphen is taken off out */
} hyphen_kind;

/* out ends with a letter and a hyphen; next is the text after the break
 * (a line end, or "- " inside a line).  Says what the hyphen is. */
static hyphen_kind hyphen_break(flow *f, span next)
{
    span w = head_word(next);
    if (w.n == 0 || is_conjunction(w.s, w.n))
        return HY_REAL;
    ark_buf *out = f->out;
    out->len--; /* look at the word without its hyphen */
    span t = tail_word(out, f->para_start);
    out->len++;
    if (t.s > out->data + f->para_start && t.s[-1] == '-')
        return HY_INNER;
    char joined[MAX_JOIN_WORD];
    if (!t.n || t.n + w.n >= sizeof joined || !f->is_word)
        return HY_UNKNOWN;
    memcpy(joined, t.s, t.n);
    memcpy(joined + t.n, w.s, w.n);
    if (!f->is_word(f->ctx, joined, t.n + w.n))
        return HY_UNKNOWN;
    out->data[--out->len] = '\0';
    return HY_WORD;
}

/* Appends a line's text, undoing "word- word" inside it where the hyphen
 * is a line break's leftover: "til- én", "kriminalitets- forebyggende". */
static void add_line_text(flow *f, span l)
{
    for (size_t i = 0; i < l.n; i++) {
        char c = l.s[i];
        if (is_space((unsigned char)c)) {
            if (f->out->len > f->para_start && f->out->data[f->out->len - 1] != ' ')
                ark_buf_addc(f->out, ' ');
            continue;
        }
        ark_buf_addc(f->out, c);
        if (c != '-' || i + 2 >= l.n || l.s[i + 1] != ' ' || !is_letter(last_cp(l.s, i)) ||
            !is_lower(first_cp(l.s + i + 2, l.n - i - 2)))
            continue;
        hyphen_kind h = hyphen_break(f, (span){l.s + i + 2, l.n - i - 2});
        if (h == HY_WORD || h == HY_INNER)
            i++; /* the space goes */
    }
}

static void end_paragraph(flow *f)
{
    if (!f->in_para)
        return;
    while (f->out->len > f->para_start && f->out->data[f->out->len - 1] == ' ')
        f->out->data[--f->out->len] = '\0';
    f->in_para = 0;
}

static void begin_paragraph(flow *f)
{
    if (f->out->len > 0) {
        /* one blank line between paragraphs */
        while (f->out->len && f->out->data[f->out->len - 1] == '\n')
            f->out->len--;
        ark_buf_add(f->out, "\n\n", 2);
    }
    f->para_start = f->out->len;
    f->in_para = 1;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The width of a full line: most lines of running text are about as wide
 * as the page, so take the width that 90% of the lines do not exceed. */
static size_t full_width(const char *text, size_t len)
{
    size_t *widths = ark_malloc(MAX_LINES_FOR_WIDTH * sizeof *widths), n = 0;
    for (size_t i = 0; i < len && n < MAX_LINES_FOR_WIDTH;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        span l = trim((span){text + i, e - i});
        if (l.n)
            widths[n++] = width(l);
        i = e + 1;
    }
    qsort(widths, n, sizeof *widths, cmp_size);
    size_t full = n ? widths[n * 9 / 10] : 0;
    free(widths);
    return full;
}

void reflow_text(const char *text, size_t len, extract_word_fn is_word, void *ctx, ark_buf *out)
{
    flow f = {is_word, ctx, out, out->len, 0};
    size_t full = full_width(text, len);
    size_t long_line = full * 7 / 10 > 40 ? full * 7 / 10 : 40;
    span prev = {NULL, 0};
    for (size_t i = 0; i <= len;) {
        const char *nl = i < len ? memchr(text + i, '\n', len - i) : NULL;
        size_t e = nl ? (size_t)(nl - text) : len;
        span l = trim((span){text + i, e - i});
        i = e + 1;
        if (l.n == 0 || is_furniture(l)) {
            if (i > len)
                break;
            continue;
        }
        int join = 0;
        if (prev.s && f.in_para && !is_block_start(l)) {
            utf8proc_int32_t first = first_cp(l.s, l.n);
            if (prev.n >= 2 && prev.s[prev.n - 1] == '-' && is_letter(last_cp(prev.s, prev.n - 1)) &&
                is_letter(first))
                join = hyphen_break(&f, l) == HY_REAL ? 1 : 2;
            else if (is_lower(first) || (is_digit(l.s[0]) && !is_numbered(prev)) ||
                     ((l.s[0] == '(' || l.s[0] == ',') && !ends_sentence(prev)))
                join = 1;
            else if (!ends_sentence(prev) && !is_numbered(prev) && width(prev) >= long_line)
                join = 1;
        }
        if (!join) {
            end_paragraph(&f);
            begin_paragraph(&f);
        } else if (join == 1) {
            ark_buf_addc(out, ' ');
        }
        add_line_text(&f, l);
        prev = l;
        if (i > len)
            break;
    }
    end_paragraph(&f);
}

void reflow_doc(ark_doc *d, extract_word_fn is_word, void *ctx)
{
    ark_buf out = ARK_BUF_INIT;
    ark_buf_grow(&out, d->text.len + 16);
    /* pages without a text layer leave no text at all: NULL + 0 is
     * undefined behaviour */
    const char *text = d->text.data ? d->text.data : "";
    size_t npages = d->npages ? d->npages : 1;
    for (size_t p = 0; p < npages; p++) {
        size_t from = d->npages ? d->pages[p] : 0;
        size_t to = p + 1 < d->npages ? d->pages[p + 1] : d->text.len;
        if (p > 0 && out.len)
            ark_buf_add(&out, "\n\n", 2);
        if (d->npages)
            d->pages[p] = out.len;
        reflow_text(text + from, to - from, is_word, ctx, &out);
    }
    ark_buf_free(&d->text);
    d->text = out;
    if (!d->text.data)
        ark_buf_grow(&d->text, 1);
    d->reflow = 0;
}
