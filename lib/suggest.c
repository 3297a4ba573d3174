/* suggest.c — completions of the last word and "did you mean" spellings.
 *
 * Both read the index's own words (the exact-word terms, which carry no
 * prefix) and offer only words the reader can find: every candidate is
 * counted with the reader's visibility filter, so a word that occurs only in
 * internal material is never offered to the public.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "arkiv.h"
#include "fold.h"
#include "searcher.h"
#include "terms.h"
#include "xalloc.h"

#define CANDIDATES 32      /* completions looked at, by frequency in the index */
#define SPELL_CANDIDATES 8 /* close spellings looked at */
#define MAX_CODEPOINTS 48  /* longer words are never corrected */
#define WELL_KNOWN 3       /* a word the reader finds this often is never corrected */
#define COMMON 50          /* nor one in this many documents of the index */

void ark_strings_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* How many documents the reader finds with the term. */
static unsigned visible_count(ark_searcher *s, const char *term, size_t len,
                              const ark_search_options *o)
{
    xdb_query *t = xdb_query_term(term, len, 1);
    xdb_query *q = srch_visible(t, o);
    unsigned n = 0;
    srch_count(s, q, &n);
    xdb_query_free(t);
    xdb_query_free(q);
    return n;
}

/* ---- the query's words, with their places in the text ---- */

typedef struct {
    char *word; /* NFC, case-folded */
    char *folded;
    char **lemmas;
    size_t nlemmas;
    size_t start, end;
} qword;

typedef struct {
    const char *text;
    qword *w;
    size_t n, cap;
} qwords;

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int collect_word(const ana_token *t, void *ctx)
{
    qwords *q = ctx;
    /* field names ("fra:") and their values, and numbers, are not words */
    if (q->text[t->end] == ':' || (t->start > 0 && q->text[t->start - 1] == ':') ||
        is_digit(t->word[0]) || t->implied)
        return 0;
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 8;
        q->w = ark_realloc(q->w, q->cap * sizeof *q->w);
    }
    qword *w = &q->w[q->n++];
    w->word = ark_strndup(t->word, t->word_len);
    w->folded = ark_strdup(t->folded);
    w->lemmas = ark_calloc(t->nlemmas + 1, sizeof *w->lemmas);
    w->nlemmas = t->nlemmas;
    for (size_t i = 0; i < t->nlemmas; i++)
        w->lemmas[i] = ark_strdup(t->lemmas[i]);
    w->start = t->start;
    w->end = t->end;
    return 0;
}

static void qwords_free(qwords *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->w[i].word);
        free(q->w[i].folded);
        ark_strings_free(q->w[i].lemmas, q->w[i].nlemmas);
    }
    free(q->w);
}

static void read_words(ark_searcher *s, const char *text, qwords *q)
{
    memset(q, 0, sizeof *q);
    q->text = text;
    ana_run(s->ana, ANA_QUERY, text, strlen(text), 1, collect_word, q, NULL);
}

/* text with [start, end) replaced by word, its first letter upper-case when
 * the replaced text's was ("Stromen" → "Strømmen"). */
static char *replace_word(const char *text, size_t start, size_t end, const char *word)
{
    ark_buf b = ARK_BUF_INIT;
    ark_buf_add(&b, text, start);
    utf8proc_int32_t typed, first;
    utf8proc_ssize_t n1 = utf8proc_iterate((const uint8_t *)text + start, -1, &typed);
    utf8proc_ssize_t n2 = utf8proc_iterate((const uint8_t *)word, -1, &first);
    if (n1 > 0 && n2 > 0 && utf8proc_isupper(typed) && !utf8proc_isupper(first)) {
        uint8_t up[4];
        utf8proc_ssize_t k = utf8proc_encode_char(utf8proc_toupper(first), up);
        ark_buf_add(&b, (const char *)up, (size_t)k);
        ark_buf_adds(&b, word + n2);
    } else {
        ark_buf_adds(&b, word);
    }
    ark_buf_adds(&b, text + end);
    return ark_buf_take(&b);
}

/* Decodes s into code points; returns how many, or -1 if more than cap. */
static int codepoints(const char *s, size_t len, int32_t *cp, int cap)
{
    int n = 0;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
        if (k <= 0 || n == cap)
            return -1;
        cp[n++] = c;
        i += (size_t)k;
    }
    return n;
}

/* ---- completions ---- */

typedef struct {
    char *term;
    unsigned freq;
} cand;

/* Keeps the `cap` candidates of highest freq in c[0..*n), best first. */
static void keep(cand *c, size_t *n, size_t cap, const char *term, size_t len, unsigned freq)
{
    size_t at = *n;
    while (at > 0 && c[at - 1].freq < freq)
        at--;
    if (at >= cap)
        return;
    if (*n == cap)
        free(c[--*n].term);
    memmove(c + at + 1, c + at, (*n - at) * sizeof *c);
    c[at].term = ark_strndup(term, len);
    c[at].freq = freq;
    (*n)++;
}

typedef struct {
    cand c[CANDIDATES];
    size_t n;
} top;

static int keep_frequent(const char *term, size_t len, unsigned freq, void *ctx)
{
    top *t = ctx;
    keep(t->c, &t->n, CANDIDATES, term, len, freq);
    return 0;
}

static int by_freq(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    return x->freq < y->freq ? 1 : x->freq > y->freq ? -1 : strcmp(x->term, y->term);
}

ark_status ark_complete(ark_searcher *s, const char *text, const ark_search_options *o,
                        size_t max, char ***out, size_t *n)
{
    *out = ark_calloc(max + 1, sizeof **out);
    *n = 0;
    qwords q;
    read_words(s, text, &q);
    size_t len = strlen(text);
    /* only a word being typed is completed, not one followed by a space */
    if (q.n == 0 || q.w[q.n - 1].end != len) {
        qwords_free(&q);
        return ARK_OK;
    }
    const qword *last = &q.w[q.n - 1];
    int32_t cp[2];
    /* one letter would walk a large part of the vocabulary for little use */
    if (codepoints(last->word, strlen(last->word), cp, 2) == 1) {
        qwords_free(&q);
        return ARK_OK;
    }
    top t = {.n = 0};
    ark_status st = xdb_each_term_freq(s->db, last->word, keep_frequent, &t);
    if (st != ARK_OK)
        srch_set_error(s, xdb_error(s->db));
    for (size_t i = 0; i < t.n; i++)
        t.c[i].freq = visible_count(s, t.c[i].term, strlen(t.c[i].term), o);
    qsort(t.c, t.n, sizeof *t.c, by_freq);
    for (size_t i = 0; i < t.n; i++) {
        if (t.c[i].freq > 0 && *n < max)
            (*out)[(*n)++] = replace_word(text, last->start, last->end, t.c[i].term);
        free(t.c[i].term);
    }
    qwords_free(&q);
    return st;
}

/* ---- did you mean ---- */

/* Damerau-Levenshtein distance (adjacent transpositions count one), or
 * max + 1 as soon as it must exceed max. */
static int distance(const int32_t *a, int na, const int32_t *b, int nb, int max)
{
    if (abs(na - nb) > max)
        return max + 1;
    int d[MAX_CODEPOINTS + 1][MAX_CODEPOINTS + 1];
    for (int i = 0; i <= na; i++)
        d[i][0] = i;
    for (int j = 0; j <= nb; j++)
        d[0][j] = j;
    for (int i = 1; i <= na; i++) {
        int row_min = max + 1;
        for (int j = 1; j <= nb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > max)
            return max + 1;
    }
    return d[na][nb];
}

typedef struct {
    int32_t word[MAX_CODEPOINTS];
    int nword, max;
    const char *self;
    cand c[SPELL_CANDIDATES];
    size_t n;
} near;

static int keep_near(const char *term, size_t len, unsigned freq, void *ctx)
{
    near *w = ctx;
    int32_t cp[MAX_CODEPOINTS];
    int n = codepoints(term, len, cp, MAX_CODEPOINTS);
    if (n < 0 || strcmp(term, w->self) == 0)
        return 0;
    int d = distance(w->word, w->nword, cp, n, w->max);
    if (d > w->max)
        return 0;
    /* closer first, then more frequent: distance in the high bits */
    unsigned key = (unsigned)(w->max - d) << 24 | (freq > 0xffffff ? 0xffffff : freq);
    keep(w->c, &w->n, SPELL_CANDIDATES, term, len, key);
    return 0;
}

/* The first letters a misspelling of a word may start with: its own, and
 * the Norwegian letters typed without a Norwegian keyboard. */
static size_t first_letters(const char *word, const char *out[4])
{
    static const char *const alt[][3] = {
        {"a", "å", "æ"}, {"o", "ø", NULL}, {"e", "æ", NULL}, {"å", "a", NULL},
        {"ø", "o", NULL}, {"æ", "a", "e"},
    };
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const uint8_t *)word, -1, &c);
    if (k <= 0)
        return 0;
    for (size_t i = 0; i < sizeof alt / sizeof *alt; i++) {
        if (strncmp(word, alt[i][0], (size_t)k) == 0 && strlen(alt[i][0]) == (size_t)k) {
            size_t n = 0;
            for (size_t j = 0; j < 3 && alt[i][j]; j++)
                out[n++] = alt[i][j];
            return n;
        }
    }
    return 0;
}

/* How many documents the reader finds with the word in any of the ways a
 * query matches it (exact, lemma, variant). */
static unsigned word_count(ark_searcher *s, const qword *w, const ark_search_options *o)
{
    size_t n = 0;
    xdb_query *subs[16];
    subs[n++] = xdb_query_term(w->word, strlen(w->word), 1);
    char *f = ark_sprintf("%s%s", ARK_PREFIX_VARIANT, w->folded);
    subs[n++] = xdb_query_term(f, strlen(f), 1);
    free(f);
    /* Z<folded> too: a lemma that folding leaves as it is has no F twin (a
     * duplicate of a lemma below changes no count) */
    char *zf = ark_sprintf("%s%s", ARK_PREFIX_STEM, w->folded);
    subs[n++] = xdb_query_term(zf, strlen(zf), 1);
    free(zf);
    for (size_t i = 0; i < w->nlemmas && n < 16; i++) {
        char *z = ark_sprintf("%s%s", ARK_PREFIX_STEM, w->lemmas[i]);
        subs[n++] = xdb_query_term(z, strlen(z), 1);
        free(z);
    }
    xdb_query *any = xdb_query_combine(XDB_OP_OR, subs, n);
    xdb_query *q = srch_visible(any, o);
    unsigned count = 0;
    srch_count(s, q, &count);
    for (size_t i = 0; i < n; i++)
        xdb_query_free(subs[i]);
    xdb_query_free(any);
    xdb_query_free(q);
    return count;
}

/* The best close spelling of w that the reader finds clearly more often, or
 * NULL; the caller frees it. */
static char *respell(ark_searcher *s, const qword *w, const ark_search_options *o)
{
    near nr = {.n = 0, .self = w->word};
    nr.nword = codepoints(w->word, strlen(w->word), nr.word, MAX_CODEPOINTS);
    if (nr.nword < 3)
        return NULL;
    /* a word in many documents is no misspelling, whoever may read them:
     * known without a search */
    unsigned global = 0;
    if (xdb_term_freq(s->db, w->word, strlen(w->word), &global) == ARK_OK && global >= COMMON)
        return NULL;
    unsigned have = word_count(s, w, o);
    if (have >= WELL_KNOWN)
        return NULL;
    nr.max = nr.nword <= 4 ? 1 : 2;
    const char *firsts[4];
    size_t nfirst = first_letters(w->word, firsts);
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const uint8_t *)w->word, -1, &c);
    char own[5] = {0};
    memcpy(own, w->word, (size_t)k);
    if (nfirst == 0)
        firsts[nfirst++] = own;
    for (size_t i = 0; i < nfirst; i++)
        if (xdb_each_term_freq(s->db, firsts[i], keep_near, &nr) != ARK_OK)
            break;
    char *best = NULL;
    unsigned best_key = 0;
    for (size_t i = 0; i < nr.n; i++) {
        unsigned found = visible_count(s, nr.c[i].term, strlen(nr.c[i].term), o);
        unsigned key = (nr.c[i].freq & 0xff000000u) | (found > 0xffffff ? 0xffffff : found);
        /* clearly more often: a word that finds some documents (a rare
         * name, say) is only replaced by one that finds twenty times as many */
        if (found > 0 && found >= 20 * have && key > best_key) {
            free(best);
            best = ark_strdup(nr.c[i].term);
            best_key = key;
        }
        free(nr.c[i].term);
    }
    return best;
}

ark_status ark_did_you_mean(ark_searcher *s, const char *query, const ark_search_options *o,
                            unsigned found, char **out)
{
    *out = NULL;
    qwords q;
    read_words(s, query, &q);
    char *fixed = ark_strdup(query);
    int changed = 0;
    /* from the last word to the first, so earlier offsets stay right */
    for (size_t i = q.n; i-- > 0;) {
        char *better = respell(s, &q.w[i], o);
        if (!better)
            continue;
        char *next = replace_word(fixed, q.w[i].start, q.w[i].end, better);
        free(fixed);
        free(better);
        fixed = next;
        changed = 1;
    }
    qwords_free(&q);
    if (!changed) {
        free(fixed);
        return ARK_OK;
    }
    srch_marks m;
    srch_marks_init(&m);
    xdb_query *qq = NULL;
    int filters_only;
    unsigned now = 0;
    ark_status st = srch_build(s, fixed, o, &m, &qq, &filters_only);
    if (st == ARK_OK)
        st = srch_count(s, qq, &now);
    xdb_query_free(qq);
    srch_marks_free(&m);
    /* the better spelling must find something, and not less than before */
    if (st == ARK_OK && now > 0 && now >= found)
        *out = fixed;
    else
        free(fixed);
    return st == ARK_EQUERY || st == ARK_EEMPTYQUERY ? ARK_OK : st;
}
