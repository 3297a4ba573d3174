/* snippet.c — choose and mark the best passage; see snippet.h. */
#define _GNU_SOURCE /* memmem */
#include "snippet.h"

#include <stdint.h>

#include <stdlib.h>
#include <string.h>

#include "stopwords.h"
#include "xalloc.h"

#define MAX_KEYS 64 /* more lemmas than this: look up every word */

/* Texts longer than SNIP_WHOLE bytes are not analyzed whole for a snippet:
 * only slices around the SNIP_SLICES stretches of SNIP_SPREAD bytes where
 * the query's words most likely are (from SNIP_BEFORE bytes before such a
 * stretch to SNIP_AFTER after its start).  The cost of a snippet is then a
 * byte search of the text plus a few kilobytes of analysis, whatever the
 * document's length. */
#define SNIP_WHOLE 4096
#define SNIP_SLICES 3
#define SNIP_SPREAD 400
#define SNIP_BEFORE 200
#define SNIP_AFTER 700
#define SNIP_MAX_HITS 20000

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

/* Whether tokens j-1 and j match two different query words, side by side. */
static int side_by_side(const span *s, size_t j)
{
    return j > 0 && s[j].match >= 0 && s[j - 1].match >= 0 && s[j].match != s[j - 1].match;
}

/* The first token of the best window, by a sliding count of matches;
 * *score (if not NULL) ranks it against other windows: distinct matched
 * words first, then pairs of them side by side (where a phrase, or the
 * words of a name, stand as typed), then matches. */
static size_t best_window(const span *s, size_t n, size_t nids, size_t *score)
{
    unsigned *count = ark_calloc(nids + 1, sizeof *count);
    size_t distinct = 0, matches = 0, pairs = 0, best = 0;
    size_t best_distinct = 0, best_pairs = 0, best_matches = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i].match >= 0) {
            matches++;
            if (count[s[i].match]++ == 0)
                distinct++;
        }
        pairs += side_by_side(s, i);
        if (i >= SNIP_WINDOW) { /* token i - SNIP_WINDOW leaves, and its pair with the next */
            if (s[i - SNIP_WINDOW].match >= 0) {
                matches--;
                if (--count[s[i - SNIP_WINDOW].match] == 0)
                    distinct--;
            }
            pairs -= side_by_side(s, i - SNIP_WINDOW + 1);
        }
        if (distinct > best_distinct ||
            (distinct == best_distinct &&
             (pairs > best_pairs || (pairs == best_pairs && matches > best_matches)))) {
            best_distinct = distinct;
            best_pairs = pairs;
            best_matches = matches;
            best = i + 1 >= SNIP_WINDOW ? i + 1 - SNIP_WINDOW : 0;
        }
    }
    free(count);
    if (score)
        *score =
            (best_distinct * (SNIP_WINDOW + 1) + best_pairs) * (SNIP_WINDOW + 1) + best_matches;
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

/* The words whose lemmas and parts are worth looking up: those that hold
 * the first three bytes of a lemma the query looks for ("rusmiljøene" and
 * "narkotikamiljøet" for "miljø").  Inflection rarely touches a word's
 * first letters, and a compound holds its parts whole; the rest would cost
 * a dictionary lookup each and match nothing.  Strong verbs ("gikk" for
 * "gå") are the price: they are marked only when written as queried. */
typedef struct {
    char key[MAX_KEYS][4];
    size_t n;
} stem_keys;

static int may_match(void *ctx, const char *word, size_t len)
{
    const stem_keys *k = ctx;
    for (size_t i = 0; i < k->n; i++) {
        size_t n = strlen(k->key[i]);
        for (size_t at = 0; at + n <= len; at++)
            if (memcmp(word + at, k->key[i], n) == 0)
                return 1;
    }
    return 0;
}

/* The whole forms (words, lemmas, folded spellings) a strong hit begins
 * with; see hit_at. */
#define MAX_FORMS 128
typedef struct {
    const char *form[MAX_FORMS];
    size_t n;
    int overflow; /* more than MAX_FORMS: every hit counts as strong */
} key_forms;

/* Adds the first (up to) three bytes of each word of set to k, once each;
 * with forms (for finding where words are, and the words themselves into
 * it): no stopwords ("det", "som" are everywhere) and no single bytes. */
static void add_keys(stem_keys *k, const strset *set, key_forms *forms)
{
    for (size_t i = 0; i < strset_count(set); i++) {
        if (k->n == MAX_KEYS) { /* the rest are not looked for: no form is weak */
            if (forms)
                forms->overflow = 1;
            break;
        }
        const char *w = strset_key(set, i);
        size_t n = strlen(w) < 3 ? strlen(w) : 3;
        if (forms && (n < 2 || stop_is(w, strlen(w))))
            continue;
        if (forms && forms->n == MAX_FORMS)
            forms->overflow = 1;
        else if (forms)
            forms->form[forms->n++] = w;
        memcpy(k->key[k->n], w, n);
        k->key[k->n][n] = '\0';
        size_t j = 0;
        while (j < k->n && strcmp(k->key[j], k->key[k->n]) != 0)
            j++;
        k->n += j == k->n;
    }
}

/* The keys of the lemma filter: NULL (no filter) when the query has more
 * lemmas than the filter can hold. */
static const stem_keys *lemma_keys(const snip_options *o, stem_keys *k)
{
    k->n = 0;
    if (strset_count(o->stems) > MAX_KEYS)
        return NULL;
    add_keys(k, o->stems, NULL);
    return k;
}

/* Runs the analyzer over text for the marks of o, looking up lemmas only
 * for the words the keys let through (all, with no keys). */
static void analyze(ana *a, const char *text, size_t len, const stem_keys *keys, collect_ctx *c)
{
    if (keys)
        ana_set_filter(a, may_match, (void *)keys);
    ana_run(a, ANA_DOCUMENT, text, len, 1, collect, c, NULL);
    ana_set_filter(a, NULL, NULL);
}

/* Where the hit is: the first matched word of the window [first, last), or
 * its first word. */
static size_t window_match_at(const span *s, size_t first, size_t last)
{
    for (size_t i = first; i < last; i++)
        if (s[i].match >= 0)
            return s[i].start;
    return s[first].start;
}

/* Writes the window [first, last) of spans s over text as the snippet,
 * with "…" where text is left out before or after. */
static void render(ark_buf *b, const char *text, const span *s, size_t first, size_t last,
                   int cut_before, int cut_after, const snip_options *o)
{
    if (cut_before)
        ark_buf_adds(b, "… ");
    size_t at = s[first].start;
    for (size_t i = first; i < last; i++) {
        add_text(b, text + at, s[i].start - at, o->html, 1);
        if (s[i].match >= 0)
            ark_buf_adds(b, o->open);
        add_text(b, text + s[i].start, s[i].end - s[i].start, o->html, 1);
        if (s[i].match >= 0)
            ark_buf_adds(b, o->close);
        at = s[i].end;
    }
    if (cut_after)
        ark_buf_adds(b, " …");
}

/* ---- long texts: analyze only around the likely matches ---- */

/* text[i] in lower case: ASCII and the Latin-1 capitals (À..Þ, as Æ Ø Å);
 * enough to find where words may be, not to decide what they are. */
static unsigned char lower_at(const char *text, size_t i)
{
    unsigned char c = (unsigned char)text[i];
    if (c >= 'A' && c <= 'Z')
        return (unsigned char)(c + 32);
    if (i > 0 && (unsigned char)text[i - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
        return (unsigned char)(c + 0x20);
    return c;
}

static char *lower_copy(const char *text, size_t len)
{
    char *l = ark_malloc(len + 1);
    for (size_t i = 0; i < len; i++)
        l[i] = (char)lower_at(text, i);
    l[len] = '\0';
    return l;
}

/* Where a query's words may occur, by a plain search for the first three
 * bytes of each word, lemma and folded spelling in the lower-cased text.
 * A hit is strong when the text there begins with a whole one of them
 * ("bysykkelordning…"), weak when only their first bytes agree ("Bystyret"
 * for "bysykkelordningen", "skal" for "skatt", but also "sykler" for
 * "sykkel"): stretches are chosen by strong hits first. */
typedef struct {
    size_t at;
    unsigned key;
    int strong;
} hit_at;

/* Whether text[at..len), lower-cased as lower_at does, begins with one of
 * the forms. */
static int is_strong(const char *text, size_t len, size_t at, const key_forms *f)
{
    if (f->overflow)
        return 1;
    for (size_t i = 0; i < f->n; i++) {
        const char *w = f->form[i];
        size_t j = 0;
        while (w[j] && at + j < len && lower_at(text, at + j) == (unsigned char)w[j])
            j++;
        if (!w[j])
            return 1;
    }
    return 0;
}

static int by_offset(const void *a, const void *b)
{
    const hit_at *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

static int word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Keys packed into integers (bytes, then the length in the top byte), in a
 * small open-addressing table: one lookup for each word's first two and
 * first three bytes. */
#define KEY_SLOTS 256 /* > 2 * MAX_KEYS, a power of two */

static uint32_t pack(const char *s, size_t n)
{
    uint32_t v = (uint32_t)n << 24;
    for (size_t i = 0; i < n; i++)
        v |= (uint32_t)(unsigned char)s[i] << (8 * i);
    return v;
}

static size_t slot_of(uint32_t v)
{
    return (v * 2654435761u) >> 24 & (KEY_SLOTS - 1);
}

typedef struct {
    uint32_t key[KEY_SLOTS]; /* 0: empty */
    unsigned index[KEY_SLOTS];
} key_table;

static void table_add(key_table *t, uint32_t v, unsigned index)
{
    size_t i = slot_of(v);
    while (t->key[i] && t->key[i] != v)
        i = (i + 1) & (KEY_SLOTS - 1);
    t->key[i] = v;
    t->index[i] = index;
}

static int table_find(const key_table *t, uint32_t v, unsigned *index)
{
    for (size_t i = slot_of(v); t->key[i]; i = (i + 1) & (KEY_SLOTS - 1))
        if (t->key[i] == v) {
            *index = t->index[i];
            return 1;
        }
    return 0;
}

/* The places found so far, at most SNIP_MAX_HITS. */
typedef struct {
    hit_at *h;
    size_t n, cap;
    size_t nstrong; /* of them strong */
} hit_list;

static int hit_add(hit_list *l, size_t at, unsigned key, int strong)
{
    if (l->n == SNIP_MAX_HITS)
        return 0;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->h = ark_realloc(l->h, l->cap * sizeof *l->h);
    }
    l->h[l->n].at = at;
    l->h[l->n].strong = strong;
    l->nstrong += strong != 0;
    l->h[l->n++].key = key;
    return 1;
}

/* Every word of text that begins with a key, in order: one pass over the
 * text, looking only at word starts, lower-casing as it goes. */
static void find_word_keys(const char *text, size_t len, const stem_keys *k, const key_forms *f,
                           hit_list *out)
{
    key_table t;
    memset(t.key, 0, sizeof t.key);
    unsigned char first[256] = {0}; /* the keys' first bytes: most words have none */
    for (size_t i = 0; i < k->n; i++) {
        table_add(&t, pack(k->key[i], strlen(k->key[i])), (unsigned)i);
        first[(unsigned char)k->key[i][0]] = 1;
    }
    int in_word = 0;
    for (size_t i = 0; i < len; i++) {
        int starts = !in_word;
        in_word = word_byte((unsigned char)text[i]);
        if (!in_word || !starts || !first[lower_at(text, i)])
            continue;
        char head[3];
        size_t n = len - i < 3 ? len - i : 3;
        for (size_t j = 0; j < n; j++)
            head[j] = (char)lower_at(text, i + j);
        unsigned index;
        if (((n == 3 && table_find(&t, pack(head, 3), &index)) ||
             (n >= 2 && table_find(&t, pack(head, 2), &index))) &&
            !hit_add(out, i, index, is_strong(text, len, i, f)))
            return;
    }
}

/* Every place a key occurs, inside words too (compound parts), in order
 * of offset: the slower search, when no word begins with a whole form. */
static void find_keys(const char *text, size_t len, const stem_keys *k, const key_forms *f,
                      hit_list *out)
{
    char *lower = lower_copy(text, len);
    for (size_t i = 0; i < k->n; i++) {
        size_t klen = strlen(k->key[i]);
        const char *p = lower, *end = lower + len;
        while ((p = memmem(p, (size_t)(end - p), k->key[i], klen)) != NULL &&
               hit_add(out, (size_t)(p - lower), (unsigned)i,
                       is_strong(text, len, (size_t)(p - lower), f)))
            p += klen;
    }
    free(lower);
    if (out->n)
        qsort(out->h, out->n, sizeof *out->h, by_offset);
}

/* Up to SNIP_SLICES non-overlapping stretches of SNIP_SPREAD bytes where
 * the most distinct keys occur with strong hits, then with any; their starts
 * into starts[], best first, and the number of distinct keys with strong
 * hits in the best one into *most. */
static size_t best_stretches(const hit_at *h, size_t n, size_t *starts, size_t *most)
{
    *most = 0;
    size_t chosen = 0;
    unsigned char *taken = ark_calloc(n ? n : 1, 1);
    for (size_t round = 0; round < SNIP_SLICES; round++) {
        size_t best = n, best_score = 0;
        unsigned count[MAX_KEYS] = {0}, strong[MAX_KEYS] = {0};
        size_t distinct = 0, distinct_strong = 0, j = 0;
        for (size_t i = 0; i < n; i++) { /* window [h[i].at, h[i].at + SPREAD) */
            while (j < n && h[j].at < h[i].at + SNIP_SPREAD) {
                if (!taken[j] && count[h[j].key]++ == 0)
                    distinct++;
                if (!taken[j] && h[j].strong && strong[h[j].key]++ == 0)
                    distinct_strong++;
                j++;
            }
            size_t score = (distinct_strong * 1000 + distinct) * 1000 + (j - i);
            if (!taken[i] && score > best_score) {
                best_score = score;
                best = i;
            }
            if (!taken[i] && --count[h[i].key] == 0)
                distinct--;
            if (!taken[i] && h[i].strong && --strong[h[i].key] == 0)
                distinct_strong--;
        }
        if (best == n)
            break;
        if (round == 0)
            *most = best_score / 1000000;
        starts[chosen++] = h[best].at;
        for (size_t i = 0; i < n; i++) /* what this stretch covers is spent */
            if (h[i].at + SNIP_SPREAD > h[best].at && h[i].at < h[best].at + 2 * SNIP_SPREAD)
                taken[i] = 1;
    }
    free(taken);
    return chosen;
}

static int is_space_at(const char *text, size_t i)
{
    return is_space_byte(text[i]);
}

/* The slice of text around a stretch, cut at white space. */
static void slice_around(const char *text, size_t len, size_t at, size_t *from, size_t *to)
{
    size_t f = at > SNIP_BEFORE ? at - SNIP_BEFORE : 0;
    while (f > 0 && !is_space_at(text, f - 1))
        f--;
    size_t t = at + SNIP_AFTER < len ? at + SNIP_AFTER : len;
    while (t < len && !is_space_at(text, t))
        t++;
    *from = f;
    *to = t;
}

/* The snippet of a long text: the best window of the best slice. */
static char *snip_long(ana *a, const char *text, size_t len, const snip_options *o)
{
    stem_keys keys = {.n = 0}, filter;
    key_forms forms = {.n = 0};
    add_keys(&keys, o->words, &forms);
    size_t nword_keys = keys.n;
    add_keys(&keys, o->stems, &forms);
    add_keys(&keys, o->folds, &forms);
    const stem_keys *lemmas = lemma_keys(o, &filter);
    hit_list hits = {NULL, 0, 0, 0};
    find_word_keys(text, len, &keys, &forms, &hits);
    if (hits.nstrong == 0) { /* inside words, then: compound parts */
        hits.n = 0;
        find_keys(text, len, &keys, &forms, &hits);
    }
    size_t starts[SNIP_SLICES], most;
    size_t nslices = best_stretches(hits.h, hits.n, starts, &most);
    free(hits.h);
    /* A stretch with (nearly) every word of the query is as good as a
     * passage gets: the others are not analyzed.  Two thirds of a long
     * question's words close together are rare enough to stop at. */
    int all_words = nslices > 0 && 3 * most >= 2 * nword_keys;
    if (o->enough) /* two of the query's words together, or its only one */
        *o->enough = nslices > 0 && most >= (nword_keys < 2 ? nword_keys : 2);
    if (all_words)
        nslices = 1;
    if (nslices == 0)
        starts[nslices++] = 0;
    size_t nids = strset_count(o->words) + strset_count(o->stems) + strset_count(o->folds);
    ark_buf b = ARK_BUF_INIT;
    size_t best_score = 0, best_len = 0;
    for (size_t k = 0; k < nslices; k++) {
        size_t from, to;
        slice_around(text, len, starts[k], &from, &to);
        collect_ctx c = {o, NULL, 0, 0, NULL, NULL};
        analyze(a, text + from, to - from, lemmas, &c);
        for (size_t i = 0; i < c.n; i++) {
            c.spans[i].start += from;
            c.spans[i].end += from;
        }
        size_t score = 0;
        size_t first = c.n ? best_window(c.spans, c.n, nids, &score) : 0;
        if (c.n && (best_len == 0 || score > best_score)) {
            size_t last = first + SNIP_WINDOW < c.n ? first + SNIP_WINDOW : c.n;
            ark_buf_reset(&b);
            render(&b, text, c.spans, first, last, first > 0 || from > 0, last < c.n || to < len,
                   o);
            best_score = score;
            best_len = b.len;
            if (o->match_at)
                *o->match_at = window_match_at(c.spans, first, last);
        }
        free(c.spans);
    }
    return ark_buf_take(&b);
}

char *snip_make(ana *a, const char *text, size_t len, const snip_options *o, char **why)
{
    if (o->match_at)
        *o->match_at = 0;
    if (o->enough)
        *o->enough = 1;
    if (!why && len > SNIP_WHOLE)
        return snip_long(a, text, len, o);
    ark_buf reasons = ARK_BUF_INIT;
    collect_ctx c = {o, NULL, 0, 0, why ? &reasons : NULL, why ? strset_new() : NULL};
    stem_keys filter;
    analyze(a, text, len, lemma_keys(o, &filter), &c);
    strset_free(c.explained);
    if (why)
        *why = ark_buf_take(&reasons);
    ark_buf b = ARK_BUF_INIT;
    if (c.n == 0) {
        free(c.spans);
        return ark_buf_take(&b);
    }
    size_t nids = strset_count(o->words) + strset_count(o->stems) + strset_count(o->folds);
    size_t first = best_window(c.spans, c.n, nids, NULL);
    size_t last = first + SNIP_WINDOW < c.n ? first + SNIP_WINDOW : c.n;
    if (o->match_at)
        *o->match_at = window_match_at(c.spans, first, last);
    render(&b, text, c.spans, first, last, first > 0, last < c.n, o);
    free(c.spans);
    return ark_buf_take(&b);
}

char *snip_mark(ana *a, const char *text, size_t len, const snip_options *o)
{
    collect_ctx c = {o, NULL, 0, 0, NULL, NULL};
    stem_keys filter;
    analyze(a, text, len, lemma_keys(o, &filter), &c);
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
