/* snippet.c — choose and mark the best passage; see snippet.h. */
#include "snippet.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

typedef struct {
    size_t start, end;
    long match; /* which query word it matches, or -1 */
} span;

typedef struct {
    const snip_options *o;
    span *spans;
    size_t n, cap;
    ark_buf *why;      /* the explanation being built, or NULL */
    strset *explained; /* words already in it */
} collect_ctx;

/* Which query word t matches: an index into words, then stems, then folds
 * (numbered one after the other), or -1.  *why (if not NULL) says how, for
 * the explanation: "lemma åpen", "part miljø", "variant rusmiljo". */
static long match_of(const snip_options *o, const ana_token *t, ark_buf *why)
{
    long k = strset_index(o->words, t->word, t->word_len);
    if (k >= 0) {
        if (why)
            ark_buf_adds(why, t->implied ? "implied" : "exact");
        return k;
    }
    long base = (long)strset_count(o->words);
    for (size_t i = 0; i < t->nlemmas; i++) {
        if ((k = strset_index(o->stems, t->lemmas[i], strlen(t->lemmas[i]))) >= 0) {
            if (why)
                ark_buf_printf(why, "lemma %s", t->lemmas[i]);
            return base + k;
        }
    }
    for (size_t i = 0; i < t->nparts; i++) {
        if ((k = strset_index(o->stems, t->parts[i], strlen(t->parts[i]))) >= 0) {
            if (why)
                ark_buf_printf(why, "part %s", t->parts[i]);
            return base + k;
        }
    }
    base += (long)strset_count(o->stems);
    const char *v = t->folded;
    k = strset_index(o->folds, v, strlen(v));
    for (size_t i = 0; k < 0 && i < t->nvariants; i++) {
        v = t->variants[i];
        k = strset_index(o->folds, v, strlen(v));
    }
    if (k >= 0 && why)
        ark_buf_printf(why, "variant %s", v);
    return k >= 0 ? base + k : -1;
}

/* Adds "word (how)" to the explanation, once per distinct word. */
static void explain(collect_ctx *c, const ana_token *t)
{
    if (!c->why || !strset_add(c->explained, t->word, t->word_len))
        return;
    if (c->why->len)
        ark_buf_adds(c->why, ", ");
    ark_buf_add(c->why, t->word, t->word_len);
    ark_buf_adds(c->why, " (");
    match_of(c->o, t, c->why);
    ark_buf_addc(c->why, ')');
}

static int collect(const ana_token *t, void *ctx)
{
    collect_ctx *c = ctx;
    if (t->implied) {
        /* "barnekriminalitet" implied by "barne- og ungdomskriminalitet":
         * a match marks the written part it stands on. */
        long m = match_of(c->o, t, NULL);
        if (m >= 0)
            explain(c, t);
        for (size_t i = c->n; m >= 0 && i-- > 0;) {
            if (c->spans[i].start == t->start) {
                if (c->spans[i].match < 0)
                    c->spans[i].match = m;
                break;
            }
        }
        return 0;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->spans = ark_realloc(c->spans, c->cap * sizeof *c->spans);
    }
    c->spans[c->n].start = t->start;
    c->spans[c->n].end = t->end;
    c->spans[c->n].match = match_of(c->o, t, NULL);
    if (c->spans[c->n].match >= 0)
        explain(c, t);
    c->n++;
    return 0;
}

/* The first token of the best window, by a sliding count of matches. */
static size_t best_window(const span *s, size_t n, size_t nids)
{
    unsigned *count = ark_calloc(nids + 1, sizeof *count);
    size_t distinct = 0, matches = 0, best = 0, best_distinct = 0, best_matches = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i].match >= 0) {
            matches++;
            if (count[s[i].match]++ == 0)
                distinct++;
        }
        if (i >= SNIP_WINDOW && s[i - SNIP_WINDOW].match >= 0) {
            matches--;
            if (--count[s[i - SNIP_WINDOW].match] == 0)
                distinct--;
        }
        if (distinct > best_distinct || (distinct == best_distinct && matches > best_matches)) {
            best_distinct = distinct;
            best_matches = matches;
            best = i + 1 >= SNIP_WINDOW ? i + 1 - SNIP_WINDOW : 0;
        }
    }
    free(count);
    if (best_matches == 0)
        return 0;
    /* Start a little before the first match in the window. */
    size_t first = best;
    while (first < n && s[first].match < 0)
        first++;
    return first > best + SNIP_CONTEXT ? first - SNIP_CONTEXT : best;
}

static int is_space_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Appends text, escaped for HTML if asked, with runs of white space
 * collapsed into one space if asked. */
static void add_text(ark_buf *b, const char *s, size_t n, int html, int collapse)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (collapse && is_space_byte(c)) {
            if (b->len == 0 || b->data[b->len - 1] != ' ')
                ark_buf_addc(b, ' ');
        } else if (html && c == '&') {
            ark_buf_adds(b, "&amp;");
        } else if (html && c == '<') {
            ark_buf_adds(b, "&lt;");
        } else if (html && c == '>') {
            ark_buf_adds(b, "&gt;");
        } else if (html && c == '"') {
            ark_buf_adds(b, "&quot;");
        } else {
            ark_buf_addc(b, c);
        }
    }
}

char *snip_make(ana *a, const char *text, size_t len, const snip_options *o, char **why)
{
    ark_buf reasons = ARK_BUF_INIT;
    collect_ctx c = {o, NULL, 0, 0, why ? &reasons : NULL, why ? strset_new() : NULL};
    ana_run(a, ANA_DOCUMENT, text, len, 1, collect, &c, NULL);
    strset_free(c.explained);
    if (why)
        *why = ark_buf_take(&reasons);
    ark_buf b = ARK_BUF_INIT;
    if (o->match_at)
        *o->match_at = 0;
    if (c.n == 0) {
        free(c.spans);
        return ark_buf_take(&b);
    }
    size_t nids = strset_count(o->words) + strset_count(o->stems) + strset_count(o->folds);
    size_t first = best_window(c.spans, c.n, nids);
    size_t last = first + SNIP_WINDOW < c.n ? first + SNIP_WINDOW : c.n;
    if (o->match_at) {
        *o->match_at = c.spans[first].start;
        for (size_t i = first; i < last; i++)
            if (c.spans[i].match >= 0) {
                *o->match_at = c.spans[i].start;
                break;
            }
    }
    if (first > 0)
        ark_buf_adds(&b, "… ");
    size_t at = c.spans[first].start;
    for (size_t i = first; i < last; i++) {
        const span *s = &c.spans[i];
        add_text(&b, text + at, s->start - at, o->html, 1);
        if (s->match >= 0)
            ark_buf_adds(&b, o->open);
        add_text(&b, text + s->start, s->end - s->start, o->html, 1);
        if (s->match >= 0)
            ark_buf_adds(&b, o->close);
        at = s->end;
    }
    if (last < c.n)
        ark_buf_adds(&b, " …");
    free(c.spans);
    return ark_buf_take(&b);
}

char *snip_mark(ana *a, const char *text, size_t len, const snip_options *o)
{
    collect_ctx c = {o, NULL, 0, 0, NULL, NULL};
    ana_run(a, ANA_DOCUMENT, text, len, 1, collect, &c, NULL);
    ark_buf b = ARK_BUF_INIT;
    size_t at = 0;
    for (size_t i = 0; i < c.n; i++) {
        const span *s = &c.spans[i];
        if (s->match < 0)
            continue;
        add_text(&b, text + at, s->start - at, o->html, 0);
        ark_buf_adds(&b, o->open);
        add_text(&b, text + s->start, s->end - s->start, o->html, 0);
        ark_buf_adds(&b, o->close);
        at = s->end;
    }
    add_text(&b, text + at, len - at, o->html, 0);
    free(c.spans);
    return ark_buf_take(&b);
}
