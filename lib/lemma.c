/* lemma.c — hunspell lemmas with compounds and a Snowball fallback, cached.
 * See lemma.h. */
#include "lemma.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compound.h"
#include "dict.h"
#include "stopwords.h"
#include "strset.h"
#include "terms.h"
#include "xalloc.h"
#include "xapian-shim.h"

/* The cache is emptied when a run of the analyzer begins with more words
 * than this in it (lem_trim), so that an indexer or a daemon stays within
 * its memory however large the archive: an entry costs about 370 bytes, so
 * about 110 MB.  The scale corpus (482 MB of text) has 578,000 distinct
 * words; the frequent ones come back within a document or two. */
#define CACHE_WORDS 300000
/* Past this many cached words within one run (a hostile document of
 * millions of distinct words), entries are computed into a scratch entry. */
#define CACHE_MAX 4000000

typedef struct {
    strset *words;       /* word -> index into entries */
    lem_entry **entries; /* each allocated alone, so that it never moves */
    size_t cap;
} cache;

struct lem {
    dict *dicts[LEM_LANGS];
    char *dir;     /* where the dictionaries are */
    int nn_opened; /* Nynorsk's was looked for (at once, or at its first lookup) */
    cache caches[LEM_LANGS];
    xdb_stemmer *stemmer;
    lem_entry scratch;
};

static void entry_free(lem_entry *e)
{
    for (size_t i = 0; i < e->nlemmas; i++)
        free((char *)e->lemmas[i]);
    for (size_t i = 0; i < e->nparts; i++)
        free((char *)e->parts[i]);
    memset(e, 0, sizeof *e);
}

/* Frees every cached entry (not the cache's own arrays). */
static void free_entries(cache *c)
{
    for (size_t k = 0; c->words && k < strset_count(c->words); k++) {
        entry_free(c->entries[k]);
        free(c->entries[k]);
    }
}

/* Opens Nynorsk's dictionary (optional) once. */
static void open_nn(lem *l)
{
    if (!l->nn_opened) {
        l->nn_opened = 1;
        dict_open(l->dir, "nn_NO", &l->dicts[LEM_NN]);
    }
}

ark_status lem_open(const char *dir, int lazy_nn, lem **out, char **err)
{
    *out = NULL;
    if (err)
        *err = NULL;
    if (!dir || !*dir)
        dir = getenv("ARKIV_DICT_DIR") ? getenv("ARKIV_DICT_DIR") : "/usr/share/hunspell";
    lem *l = ark_calloc(1, sizeof *l);
    if (dict_open(dir, "nb_NO", &l->dicts[LEM_NB]) != ARK_OK ||
        xdb_stemmer_new("norwegian", &l->stemmer) != ARK_OK) {
        if (err)
            *err = ark_sprintf("the Norwegian dictionary %s/nb_NO.dic is missing "
                               "(Debian package hunspell-no)",
                               dir);
        lem_close(l);
        return ARK_ENOTFOUND;
    }
    l->dir = ark_strdup(dir);
    if (!lazy_nn)
        open_nn(l);
    for (int i = 0; i < LEM_LANGS; i++)
        l->caches[i].words = strset_new();
    *out = l;
    return ARK_OK;
}

void lem_close(lem *l)
{
    if (!l)
        return;
    for (int i = 0; i < LEM_LANGS; i++) {
        dict_close(l->dicts[i]);
        cache *c = &l->caches[i];
        free_entries(c);
        free(c->entries);
        strset_free(c->words);
    }
    entry_free(&l->scratch);
    xdb_stemmer_free(l->stemmer);
    free(l->dir);
    free(l);
}

static void add_unique(const char **list, size_t *n, const char *s, size_t len)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
            return;
    if (*n < LEM_MAX)
        list[(*n)++] = ark_strndup(s, len);
}

static void drop_lemmas(lem_entry *e)
{
    for (size_t i = 0; i < e->nlemmas; i++)
        free((char *)e->lemmas[i]);
    e->nlemmas = 0;
}

/* Whether hunspell's "stem" of w is only the head of a compound: for
 * "fotballkamp" it answers "fotball", which is not its lemma. */
static int is_compound_head(dict *d, const char *w, size_t len, const char *stem)
{
    size_t n = strlen(stem);
    return n < len && memcmp(w, stem, n) == 0 && len - n >= 4 && dict_spell(d, w + n, len - n);
}

/* The stems of word that are words themselves, not compound heads. */
static size_t real_stems(dict *d, const char *word, size_t len, char stems[][DICT_MAX_WORD])
{
    size_t n = dict_stems(d, word, len, stems);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (dict_spell(d, stems[i], strlen(stems[i])) &&
            !is_compound_head(d, word, len, stems[i])) {
            if (kept != i)
                memcpy(stems[kept], stems[i], DICT_MAX_WORD);
            kept++;
        }
    }
    return kept;
}

/* Adds the lemma s[0..n) to e, unless it is a stopword and the word is not
 * (word_is_stop): hunspell reads "år" as a form of "å" and "samer" of "er",
 * Snowball stems "mener" to "men", and the query "år" then matched every
 * document with the infinitive marker, the phrase "i år" any "i å".  Checked
 * as lemmas are added, so that such a lemma is never the base a word is
 * split as.  A compound's derived lemma (two parts of 3 or more letters)
 * is never a stopword. */
static void add_lemma(lem_entry *e, int word_is_stop, const char *s, size_t n)
{
    if (word_is_stop || !stop_is(s, n))
        add_unique(e->lemmas, &e->nlemmas, s, n);
}

/* Adds the part lemmas that the compound split of w gives, and, when
 * derive is set (hunspell did not know w), the compound's lemma: its first
 * parts and its last part's lemma ("rusmiljøene" → rusmiljø). */
static void add_compound(dict *d, const char *w, size_t len, lem_entry *e, int derive)
{
    cmp_part parts[CMP_MAX_PARTS];
    size_t n = cmp_split(d, w, len, parts);
    if (n < 2)
        return;
    for (size_t i = 0; i + 1 < n; i++)
        add_unique(e->parts, &e->nparts, w + parts[i].start,
                   parts[i].end - parts[i].start - parts[i].link);
    e->nfirst = e->nparts;
    /* The last part as written, inflected; its lemmas follow. */
    const cmp_part *last = &parts[n - 1];
    char stems[DICT_MAX_STEMS][DICT_MAX_WORD];
    size_t ns = real_stems(d, w + last->start, last->end - last->start, stems);
    if (ns == 0) {
        ns = 1;
        snprintf(stems[0], DICT_MAX_WORD, "%.*s", (int)(last->end - last->start), w + last->start);
    }
    if (derive && e->nlemmas == 1 && strlen(e->lemmas[0]) == len &&
        memcmp(e->lemmas[0], w, len) == 0)
        drop_lemmas(e);
    for (size_t i = 0; i < ns; i++) {
        add_unique(e->parts, &e->nparts, stems[i], strlen(stems[i]));
        if (!derive)
            continue;
        char *lemma = ark_sprintf("%.*s%s", (int)last->start, w, stems[i]);
        add_unique(e->lemmas, &e->nlemmas, lemma, strlen(lemma));
        free(lemma);
    }
}

static int is_digit_start(const char *w)
{
    return *w >= '0' && *w <= '9';
}

/* Computes the entry for w into e (which must be empty). */
static void compute(lem *l, dict *d, const char *w, size_t len, lem_entry *e)
{
    if (is_digit_start(w))
        return;
    int stop = stop_is(w, len);
    e->known = dict_spell(d, w, len);
    if (e->known) {
        char stems[DICT_MAX_STEMS][DICT_MAX_WORD];
        size_t ns = dict_stems(d, w, len, stems);
        for (size_t i = 0; i < ns; i++)
            if (!is_compound_head(d, w, len, stems[i]))
                add_lemma(e, stop, stems[i], strlen(stems[i]));
        if (e->nlemmas == 0)
            add_unique(e->lemmas, &e->nlemmas, w, len);
    }
    /* A known word is split as its shortest lemma, so that an inflected form
     * is not read as a compound ("ungdommer" is ungdom, not ung|dommer); only
     * a word hunspell knows just as itself is split as written. */
    const char *base = w;
    size_t base_len = len;
    for (size_t i = 0; i < e->nlemmas; i++) {
        if (strlen(e->lemmas[i]) < base_len && dict_spell(d, e->lemmas[i], strlen(e->lemmas[i]))) {
            base = e->lemmas[i];
            base_len = strlen(base);
        }
    }
    add_compound(d, base, base_len, e, base == w);
    if (e->nparts)
        e->known = 1;
    /* The Snowball stem joins the lemmas even of known words: it brings
     * together forms hunspell keeps apart, and measured on the relevance
     * sets it gains more than the precision it costs. */
    {
        char stem[ARK_MAX_TERM + 1];
        size_t n = xdb_stem(l->stemmer, w, len, stem, sizeof stem);
        if (n)
            add_lemma(e, stop, stem, n);
    }
}

const lem_entry *lem_lookup(lem *l, const char *word, size_t len, lem_lang lang)
{
    if (lang == LEM_NN)
        open_nn(l);
    dict *d = l->dicts[lang] ? l->dicts[lang] : l->dicts[LEM_NB];
    cache *c = &l->caches[l->dicts[lang] ? lang : LEM_NB];
    long k = strset_index(c->words, word, len);
    if (k >= 0)
        return c->entries[k];
    if (strset_count(c->words) >= CACHE_MAX) {
        entry_free(&l->scratch);
        compute(l, d, word, len, &l->scratch);
        return &l->scratch;
    }
    size_t n = strset_count(c->words);
    if (n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->entries = ark_realloc(c->entries, c->cap * sizeof *c->entries);
    }
    c->entries[n] = ark_calloc(1, sizeof **c->entries);
    compute(l, d, word, len, c->entries[n]);
    strset_add(c->words, word, len);
    return c->entries[n];
}

void lem_trim(lem *l)
{
    for (int i = 0; i < LEM_LANGS; i++) {
        cache *c = &l->caches[i];
        if (strset_count(c->words) > CACHE_WORDS) {
            free_entries(c);
            strset_free(c->words);
            c->words = strset_new();
        }
    }
}

int lem_cache_full(const lem *l)
{
    for (int i = 0; i < LEM_LANGS; i++)
        if (strset_count(l->caches[i].words) >= CACHE_MAX)
            return 1;
    return 0;
}
