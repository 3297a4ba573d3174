/* analyzer.c — segmentation, normalization and stemming of Norwegian text.
 * The rules are described in analyzer.h. */
#include "analyzer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "fold.h"
#include "lemma.h"
#include "stopwords.h"
#include "terms.h"
#include "xalloc.h"
#include "xapian-shim.h"

/* Raw words longer than this are not normalized: no term can come of them. */
#define MAX_RAW_WORD (ARK_MAX_TERM * 4)

/* Most variants per token: the word's and each lemma's folded spelling. */
#define MAX_VARIANTS (2 * LEM_MAX + 1)
/* Restoring æ/ø/å in a query word: at most this many places tried, and
 * this many known spellings kept. */
#define RESTORE_MAX_SITES 6
#define RESTORE_MAX_FOUND 3

struct ana {
    int basic;
    int words_only; /* language detection: words, no terms */
    ana_lang lang;
    xdb_stemmer *stemmer;  /* basic mode */
    lem *lem;              /* full mode */
    utf8proc_int32_t *cps; /* normalization buffer, reused: no allocation per word */
    size_t cps_cap;
    char stem[ARK_MAX_TERM + 1];
    const char *stem_list[1];
    char folded[ARK_MAX_TERM * 2 + 1];
    char variant_buf[MAX_VARIANTS][ARK_MAX_TERM * 2 + 1];
    const char *variants[MAX_VARIANTS];
    const char *qlemmas[2 * LEM_MAX]; /* a query word's lemmas with restored ones */
    ana_word_filter filter;           /* which words get lemmas and parts; NULL: all */
    void *filter_ctx;
};

static const utf8proc_option_t NORM_OPTIONS =
    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;

ark_status ana_new(const ana_options *o, ana **out, char **err)
{
    *out = NULL;
    if (err)
        *err = NULL;
    ana *a = ark_calloc(1, sizeof *a);
    a->basic = o && o->basic;
    ark_status st = xdb_stemmer_new("norwegian", &a->stemmer);
    if (st != ARK_OK) {
        if (err)
            *err = ark_strdup("Xapian has no Norwegian stemmer");
    } else if (!a->basic) {
        st = lem_open(o ? o->dict_dir : NULL, o && o->lazy_nynorsk, &a->lem, err);
    }
    if (st != ARK_OK) {
        ana_free(a);
        return st;
    }
    a->cps_cap = MAX_RAW_WORD + 16;
    a->cps = ark_malloc(a->cps_cap * sizeof *a->cps);
    *out = a;
    return ARK_OK;
}

void ana_free(ana *a)
{
    if (!a)
        return;
    xdb_stemmer_free(a->stemmer);
    lem_close(a->lem);
    free(a->cps);
    free(a);
}

int ana_is_word(ana *a, const char *word, size_t len)
{
    if (a->basic || len == 0 || len > ARK_MAX_TERM)
        return 0;
    utf8proc_uint8_t *norm = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)word, (utf8proc_ssize_t)len, &norm, NORM_OPTIONS);
    int known = 0;
    if (n > 0)
        known = lem_lookup(a->lem, (const char *)norm, (size_t)n, LEM_NB)->known ||
                lem_lookup(a->lem, (const char *)norm, (size_t)n, LEM_NN)->known;
    free(norm);
    return known;
}

void ana_set_lang(ana *a, ana_lang lang)
{
    a->lang = lang;
}

/* Decodes one code point at s; invalid UTF-8 yields U+FFFD for one byte. */
static size_t decode(const char *s, size_t len, int32_t *cp, int *invalid)
{
    if ((unsigned char)*s < 0x80) { /* most of a Norwegian text */
        *cp = (unsigned char)*s;
        *invalid = 0;
        return 1;
    }
    utf8proc_ssize_t n =
        utf8proc_iterate((const utf8proc_uint8_t *)s, len > 4 ? 4 : (utf8proc_ssize_t)len, cp);
    if (n <= 0) {
        *cp = 0xFFFD;
        *invalid = 1;
        return 1;
    }
    *invalid = 0;
    return (size_t)n;
}

/* Invisible format characters that PDFs and word processors leave inside
 * words; they continue a word and vanish in normalization. */
static int is_invisible_in_word(int32_t cp)
{
    return cp == 0x00AD || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060;
}

static int is_word_char(int32_t cp)
{
    if (cp < 0x80) /* ASCII has no marks, no Lm/Lo/No: letters and digits */
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return is_invisible_in_word(cp);
    }
}

static int is_digit(int32_t cp)
{
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

static int is_hyphen(int32_t cp)
{
    return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

/* Whether cp, standing between the word characters before and after,
 * joins them into one group of parts (see analyzer.h). */
static int joins(int32_t before, int32_t cp, int32_t after)
{
    if (is_hyphen(cp))
        return 1;
    if (cp == 0x2013 || cp == '.' || cp == ',')
        return is_digit(before) && is_digit(after);
    return 0;
}

#define TOO_LONG ((size_t)-1)

/* Normalizes raw word bytes into a->cps as UTF-8; returns the length, 0 when
 * the word vanishes (only invisible characters), or TOO_LONG. */
static size_t normalize(ana *a, const char *raw, size_t len)
{
    /* An ASCII word (letters and digits) is its own NFC form, and its case
     * fold is its lower case: no need to decompose it. */
    size_t ascii = 0;
    while (ascii < len && (unsigned char)raw[ascii] < 0x80)
        ascii++;
    if (ascii == len) {
        if (len > ARK_MAX_TERM)
            return TOO_LONG;
        char *out = (char *)a->cps;
        for (size_t i = 0; i < len; i++)
            out[i] = (char)(raw[i] >= 'A' && raw[i] <= 'Z' ? raw[i] + 32 : raw[i]);
        out[len] = '\0';
        return len;
    }
    for (;;) {
        utf8proc_ssize_t n =
            utf8proc_decompose((const utf8proc_uint8_t *)raw, (utf8proc_ssize_t)len, a->cps,
                               (utf8proc_ssize_t)a->cps_cap, NORM_OPTIONS);
        if (n < 0)
            return 0;
        if ((size_t)n <= a->cps_cap) {
            n = utf8proc_reencode(a->cps, n, NORM_OPTIONS);
            if (n <= 0)
                return 0;
            if (n > ARK_MAX_TERM)
                return TOO_LONG;
            return (size_t)n;
        }
        /* Rare: decomposition grew past the buffer.  Grow it once. */
        a->cps_cap = (size_t)n + 16;
        a->cps = ark_realloc(a->cps, a->cps_cap * sizeof *a->cps);
    }
}

/* Fills the lemma fields of t in basic mode: the Snowball stem alone. */
static void basic_terms(ana *a, ana_token *t)
{
    int32_t first;
    int invalid;
    decode(t->word, t->word_len, &first, &invalid);
    if (is_digit(first))
        return;
    size_t n = xdb_stem(a->stemmer, t->word, t->word_len, a->stem, sizeof a->stem);
    if (n) {
        a->stem_list[0] = a->stem;
        t->lemmas = a->stem_list;
        t->nlemmas = 1;
    }
}

/* Adds the folded spelling of s (a lemma) as a variant, unless
 * folding leaves s as it is, or it is the word itself, or already there: a
 * lemma without æ, ø or å is its own Z term, and an F twin of it would
 * only repeat its postings (they were a fifth of an index's). */
static void add_variant(ana *a, ana_token *t, const char *s)
{
    char *buf = a->variant_buf[t->nvariants];
    size_t n = fold_word(s, strlen(s), buf, sizeof a->variant_buf[0]);
    if (n == 0 || n > ARK_MAX_TERM || strcmp(buf, s) == 0 || strcmp(buf, t->word) == 0)
        return;
    for (size_t i = 0; i < t->nvariants; i++)
        if (strcmp(a->variants[i], buf) == 0)
            return;
    a->variants[t->nvariants++] = buf;
}

/* Sets t's folded spelling, and makes it t's first variant when folding
 * changed the word ("rusmiljø" → "rusmiljo"). */
static void fold_token(ana *a, ana_token *t)
{
    t->variants = a->variants;
    size_t n = fold_word(t->word, t->word_len, a->folded, sizeof a->folded);
    if (n == 0)
        return;
    t->folded = a->folded;
    if (n <= ARK_MAX_TERM && (n != t->word_len || memcmp(a->folded, t->word, n) != 0))
        a->variants[t->nvariants++] = a->folded;
}

/* The entry for a word: in queries, Nynorsk answers for words Bokmål lacks. */
static const lem_entry *lookup(ana *a, ana_mode mode, const char *w, size_t len)
{
    const lem_entry *e = lem_lookup(a->lem, w, len, (lem_lang)a->lang);
    if (mode == ANA_QUERY && !e->known && a->lang == ANA_BOKMAAL) {
        const lem_entry *nn = lem_lookup(a->lem, w, len, LEM_NN);
        if (nn->known)
            return nn;
    }
    return e;
}

/* ---- restoring æ, ø and å in query words ---- */

typedef struct {
    ana *a;
    const char *w;
    size_t len;
    size_t sites[RESTORE_MAX_SITES]; /* byte offsets of a, o, aa, ae, oe */
    size_t nsites;
    const lem_entry *found[RESTORE_MAX_FOUND];
    size_t nfound;
} restore_ctx;

/* The Norwegian letters the ASCII at w[i] may stand for; *used is how many
 * bytes they replace. */
static const char *restorations(const char *w, size_t len, size_t i, size_t *used, size_t k)
{
    static const struct {
        const char *ascii, *letter;
    } R[] = {{"aa", "å"}, {"ae", "æ"}, {"oe", "ø"}, {"a", "å"}, {"o", "ø"}};
    size_t seen = 0;
    for (size_t r = 0; r < sizeof R / sizeof *R; r++) {
        size_t n = strlen(R[r].ascii);
        if (i + n <= len && memcmp(w + i, R[r].ascii, n) == 0 && seen++ == k) {
            *used = n;
            return R[r].letter;
        }
    }
    return NULL;
}

/* Tries every spelling with some sites from `site` on restored. */
static void restore_from(restore_ctx *r, size_t site, char *buf, size_t blen, size_t from)
{
    if (r->nfound == RESTORE_MAX_FOUND)
        return;
    if (site == r->nsites) {
        memcpy(buf + blen, r->w + from, r->len - from);
        size_t n = blen + r->len - from;
        if (n == r->len && memcmp(buf, r->w, n) == 0)
            return; /* nothing restored */
        const lem_entry *e = lem_lookup(r->a->lem, buf, n, LEM_NB);
        if (e->known)
            r->found[r->nfound++] = e;
        return;
    }
    size_t at = r->sites[site];
    memcpy(buf + blen, r->w + from, at - from);
    size_t keep = blen + at - from;
    restore_from(r, site + 1, buf, keep, at); /* this site as typed */
    size_t used;
    const char *letter;
    for (size_t k = 0; (letter = restorations(r->w, r->len, at, &used, k)) != NULL; k++) {
        size_t next = site + 1;
        while (next < r->nsites && r->sites[next] < at + used)
            next++; /* a digraph covers the sites inside it */
        memcpy(buf + keep, letter, strlen(letter));
        restore_from(r, next, buf, keep + strlen(letter), at + used);
    }
}

/* The lemmas of the spellings of w with æ, ø or å restored that the
 * dictionary knows ("apne" → åpne: åpen, åpne), added to t's lemmas. */
static void restore_letters(ana *a, ana_token *t)
{
    restore_ctx r = {a, t->word, t->word_len, {0}, 0, {NULL}, 0};
    for (size_t i = 0; i < t->word_len && r.nsites < RESTORE_MAX_SITES; i++)
        if (t->word[i] == 'a' || t->word[i] == 'o')
            r.sites[r.nsites++] = i;
    /* A full cache keeps one entry at a time: the restored ones would not last. */
    if (r.nsites == 0 || t->word_len > ARK_MAX_TERM / 2 || lem_cache_full(a->lem))
        return;
    char buf[ARK_MAX_TERM + 1];
    restore_from(&r, 0, buf, 0, 0);
    size_t n = 0;
    for (size_t i = 0; i < t->nlemmas && n < 2 * LEM_MAX; i++)
        a->qlemmas[n++] = t->lemmas[i];
    for (size_t f = 0; f < r.nfound; f++)
        for (size_t i = 0; i < r.found[f]->nlemmas && n < 2 * LEM_MAX; i++)
            a->qlemmas[n++] = r.found[f]->lemmas[i];
    t->lemmas = a->qlemmas;
    t->nlemmas = n;
}

/* Fills the lemma, variant, part and stopword fields of t. */
static void analyze_word(ana *a, ana_mode mode, ana_token *t)
{
    t->folded = t->word;
    if (a->words_only)
        return;
    if (a->basic) {
        basic_terms(a, t);
        return;
    }
    if (a->filter && !a->filter(a->filter_ctx, t->word, t->word_len)) {
        /* no lemmas or parts: the caller has no use for them here */
        t->stopword = stop_is(t->word, t->word_len);
        fold_token(a, t);
        return;
    }
    const lem_entry *e = lookup(a, mode, t->word, t->word_len);
    t->lemmas = e->lemmas;
    t->nlemmas = e->nlemmas;
    if (mode == ANA_QUERY && !e->known)
        restore_letters(a, t);
    t->parts = e->parts;
    t->nparts = e->nparts;
    t->nfirst_parts = e->nfirst;
    t->stopword = stop_is(t->word, t->word_len);
    fold_token(a, t);
    for (size_t i = 0; i < e->nlemmas && t->nvariants < MAX_VARIANTS; i++)
        add_variant(a, t, e->lemmas[i]);
}

/* Coordinated compounds: "barne- og ungdomskriminalitet" means
 * barnekriminalitet and ungdomskriminalitet, "rus- og
 * kriminalitetsforebyggende" rusforebyggende and kriminalitetsforebyggende.
 * The implied word ("barnekriminalitet") is emitted as an extra token at the
 * position of its first part ("barne") and at that of the compound, so that
 * it is found like a written one, in phrases too; its offsets are those of
 * the first part, which a snippet marks. */
typedef struct {
    int stage; /* 0: idle; 1: saw "barne-"; 2: saw "og" or "eller" after it */
    char head[ARK_MAX_TERM + 1];
    unsigned pos;
    size_t start, end;
} coord_state;

/* Where the last written part of a compound starts: the earliest place after
 * the first character where one of its parts begins ("ungdomskriminalitet"
 * → "kriminalitet", "rusmiljøene" → "miljøene"); 0 if none. */
static size_t last_part_start(const ana_token *t)
{
    for (size_t at = 1; at < t->word_len; at++) {
        for (size_t k = 0; k < t->nparts; k++) {
            size_t n = strlen(t->parts[k]);
            if (n >= 3 && at + n <= t->word_len && memcmp(t->word + at, t->parts[k], n) == 0)
                return at;
        }
    }
    return 0;
}

static int is_conjunction(const ana_token *t)
{
    return (t->word_len == 2 && memcmp(t->word, "og", 2) == 0) ||
           (t->word_len == 5 && memcmp(t->word, "eller", 5) == 0);
}

/* Emits the implied word of "head- og compound", if t completes one;
 * returns what fn returned. */
static int emit_implied(ana *a, ana_mode mode, coord_state *cs, const ana_token *t, ana_token_fn fn,
                        void *ctx)
{
    size_t at = last_part_start(t);
    size_t head = strlen(cs->head);
    char word[ARK_MAX_TERM + 1];
    if (at == 0 || head + t->word_len - at > ARK_MAX_TERM)
        return 0;
    memcpy(word, cs->head, head);
    memcpy(word + head, t->word + at, t->word_len - at);
    word[head + t->word_len - at] = '\0';
    ana_token imp;
    memset(&imp, 0, sizeof imp);
    imp.word = word;
    imp.word_len = strlen(word);
    imp.pos = cs->pos;
    imp.start = cs->start;
    imp.end = cs->end;
    imp.implied = 1;
    analyze_word(a, mode, &imp);
    if (fn(&imp, ctx))
        return 1;
    /* Also at the compound's own position, so that phrases that go on after
     * it ("barnekriminalitet i Oslo") find it too. */
    imp.pos = t->pos;
    return fn(&imp, ctx);
}

/* Advances the coordination state past token t; dangling tells that t was
 * followed by a hyphen and a space ("barne- "). */
static int coord_step(ana *a, ana_mode mode, coord_state *cs, const ana_token *t, int dangling,
                      ana_token_fn fn, void *ctx)
{
    int stop = 0;
    if (mode != ANA_DOCUMENT || a->words_only)
        return 0; /* a query, or a glossary key, says only what it says */
    if (cs->stage == 2 && t->nparts >= 2)
        stop = emit_implied(a, mode, cs, t, fn, ctx);
    cs->stage = cs->stage == 1 && is_conjunction(t) ? 2 : 0;
    if (dangling && !a->basic && t->word_len <= ARK_MAX_TERM) {
        memcpy(cs->head, t->word, t->word_len);
        cs->head[t->word_len] = '\0';
        cs->pos = t->pos;
        cs->start = t->start;
        cs->end = t->end;
        cs->stage = 1;
    }
    return stop;
}

/* Whether a hyphen at text[i] is followed by white space: "barne- og". */
static int dangling_hyphen_at(const char *text, size_t len, size_t i)
{
    return i + 1 < len && text[i] == '-' &&
           (text[i + 1] == ' ' || text[i + 1] == '\n' || text[i + 1] == '\t');
}

void ana_set_filter(ana *a, ana_word_filter fn, void *ctx)
{
    a->filter = fn;
    a->filter_ctx = ctx;
}

void ana_run(ana *a, ana_mode mode, const char *text, size_t len, unsigned first_pos,
             ana_token_fn fn, void *ctx, ana_stats *stats)
{
    ana_stats st = {0, 0, first_pos};
    coord_state cs = {0, "", 0, 0, 0};
    if (a->lem)
        lem_trim(a->lem); /* no entry is held between runs */
    size_t i = 0;
    int pending_join = 0;
    while (i < len) {
        int32_t cp;
        int invalid;
        size_t n = decode(text + i, len - i, &cp, &invalid);
        st.invalid_bytes += (size_t)invalid;
        if (!is_word_char(cp)) {
            i += n;
            pending_join = 0;
            continue;
        }
        size_t start = i;
        int32_t last = cp;
        i += n;
        while (i < len) {
            n = decode(text + i, len - i, &cp, &invalid);
            if (invalid || !is_word_char(cp))
                break;
            last = cp;
            i += n;
        }
        size_t end = i;
        int joined = pending_join;
        pending_join = 0;
        if (i < len && !invalid && i + n < len) {
            int32_t after;
            int bad;
            decode(text + i + n, len - i - n, &after, &bad);
            if (!bad && is_word_char(after) && joins(last, cp, after)) {
                pending_join = 1;
                i += n;
            }
        }
        size_t wlen =
            end - start > MAX_RAW_WORD ? TOO_LONG : normalize(a, text + start, end - start);
        if (wlen == TOO_LONG)
            st.next_pos++; /* a real word, too long to index: it keeps its place */
        if (wlen == 0 || wlen == TOO_LONG) {
            pending_join = 0; /* the next part has no emitted part to join */
            continue;
        }
        ana_token tok;
        memset(&tok, 0, sizeof tok);
        tok.word = (const char *)a->cps;
        tok.word_len = wlen;
        tok.pos = st.next_pos;
        tok.start = start;
        tok.end = end;
        tok.joined = joined;
        analyze_word(a, mode, &tok);
        st.next_pos++;
        st.words++;
        if (fn(&tok, ctx))
            break;
        if (coord_step(a, mode, &cs, &tok, dangling_hyphen_at(text, len, end), fn, ctx))
            break;
    }
    if (stats)
        *stats = st;
}

/* Function words that tell Nynorsk from Bokmål. */
static const char *const NN_MARKERS[] = {"ikkje", "eg",   "kva",   "korleis", "frå",  "berre",
                                         "dei",   "kven", "nokon", "mykje",   "vere", "ein"};
static const char *const NB_MARKERS[] = {"ikke", "jeg",  "hva",  "hvordan", "fra",  "bare",
                                         "de",   "hvem", "noen", "mye",     "være", "en"};

typedef struct {
    unsigned nn, nb, seen;
} lang_count;

static int is_one_of(const ana_token *t, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == t->word_len && memcmp(list[i], t->word, t->word_len) == 0)
            return 1;
    return 0;
}

static int count_marker(const ana_token *t, void *ctx)
{
    lang_count *c = ctx;
    c->nn += (unsigned)is_one_of(t, NN_MARKERS, sizeof NN_MARKERS / sizeof *NN_MARKERS);
    c->nb += (unsigned)is_one_of(t, NB_MARKERS, sizeof NB_MARKERS / sizeof *NB_MARKERS);
    return ++c->seen >= 5000; /* the start of a document tells */
}

ana_lang ana_detect_lang(ana *a, const char *text, size_t len)
{
    lang_count c = {0, 0, 0};
    a->words_only = 1;
    ana_run(a, ANA_DOCUMENT, text, len, 1, count_marker, &c, NULL);
    a->words_only = 0;
    return c.nn >= 3 && c.nn > c.nb ? ANA_NYNORSK : ANA_BOKMAAL;
}

static int join_word(const ana_token *t, void *ctx)
{
    ark_buf *b = ctx;
    if (b->len)
        ark_buf_addc(b, ' ');
    ark_buf_add(b, t->word, t->word_len);
    return 0;
}

char *ana_join_words(ana *a, const char *text, size_t len)
{
    ark_buf b = ARK_BUF_INIT;
    a->words_only = 1;
    ana_run(a, ANA_DOCUMENT, text, len, 1, join_word, &b, NULL);
    a->words_only = 0;
    return ark_buf_take(&b);
}
