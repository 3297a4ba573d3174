/* qbuild.c — query tree to Xapian query; the rules are in qbuild.h. */
#include "qbuild.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "glossary.h"
#include "terms.h"
#include "xalloc.h"

/* One analyzed query word, copied out of the analyzer's callback. */
typedef struct {
    char *word;
    char *folded;
    char **lemmas;
    size_t nlemmas;
    char **parts;
    size_t nparts;
    size_t nfirst_parts; /* as in ana_token */
    int stopword;
    unsigned docs; /* about how many documents hold it (word_docs), for a
                      word of a group of several clauses; else 0 */
} qword;

typedef struct {
    qword *w;
    size_t n;
} qwords;

static char **copy_list(const char *const *list, size_t n)
{
    char **out = ark_calloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = ark_strdup(list[i]);
    return out;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static int collect_token(const ana_token *t, void *ctx)
{
    qwords *q = ctx;
    q->w = ark_realloc(q->w, (q->n + 1) * sizeof *q->w);
    qword *w = &q->w[q->n++];
    w->word = ark_strndup(t->word, t->word_len);
    w->folded = ark_strdup(t->folded);
    w->lemmas = copy_list(t->lemmas, t->nlemmas);
    w->nlemmas = t->nlemmas;
    w->parts = copy_list(t->parts, t->nparts);
    w->nparts = t->nparts;
    w->nfirst_parts = t->nfirst_parts;
    w->stopword = t->stopword;
    w->docs = 0;
    return 0;
}

static void qwords_free(qwords *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->w[i].word);
        free(q->w[i].folded);
        free_list(q->w[i].lemmas, q->w[i].nlemmas);
        free_list(q->w[i].parts, q->w[i].nparts);
    }
    free(q->w);
}

static void analyze(qb_ctx *c, const char *text, qwords *out)
{
    out->w = NULL;
    out->n = 0;
    ana_set_lang(c->ana, ANA_BOKMAAL);
    ana_run(c->ana, ANA_QUERY, text, strlen(text), 1, collect_token, out, NULL);
}

static xdb_query *combine_free(xdb_op op, xdb_query **subs, size_t n)
{
    xdb_query *q = xdb_query_combine(op, subs, n);
    for (size_t i = 0; i < n; i++)
        xdb_query_free(subs[i]);
    return q;
}

static xdb_query *scale_free(xdb_query *q, double factor)
{
    xdb_query *s = xdb_query_scale(q, factor);
    xdb_query_free(q);
    return s;
}

static xdb_query *term_query(const char *prefix, const char *word)
{
    ark_buf b = ARK_BUF_INIT;
    ark_buf_adds(&b, prefix);
    ark_buf_adds(&b, word);
    xdb_query *q = xdb_query_term(b.data, b.len, 1);
    ark_buf_free(&b);
    return q;
}

/* Notes what to mark in snippets.  Of a stopword only the word itself is
 * marked: its lemmas ("et" → "en") would mark half the text. */
static void remember(qb_ctx *c, int positive, const qword *w)
{
    if (!positive)
        return;
    strset_add(c->words, w->word, strlen(w->word));
    if (w->stopword)
        return;
    strset_add(c->folds, w->folded, strlen(w->folded));
    for (size_t i = 0; i < w->nlemmas; i++)
        strset_add(c->stems, w->lemmas[i], strlen(w->lemmas[i]));
}

/* Whether the folded spelling is one of the word's lemmas. */
static int folded_is_lemma(const qword *w)
{
    for (size_t i = 0; i < w->nlemmas; i++)
        if (strcmp(w->lemmas[i], w->folded) == 0)
            return 1;
    return 0;
}

/* A variant spelling: F<folded>, the folded spelling written as such, or as
 * a lemma: a lemma that folding leaves as it is has no F twin in the index,
 * so Z<folded> stands in for it, unless the lemmas' clause has it already. */
static xdb_query *variant_query(const qword *w)
{
    xdb_query *subs[3] = {term_query(ARK_PREFIX_VARIANT, w->folded), NULL, NULL};
    size_t n = 1;
    if (!folded_is_lemma(w))
        subs[n++] = term_query(ARK_PREFIX_STEM, w->folded);
    if (strcmp(w->folded, w->word) != 0)
        subs[n++] = term_query("", w->folded);
    return combine_free(XDB_OP_SYNONYM, subs, n);
}

/* One part in either role: C<part> (inside a compound) or Z<part> (a word
 * of its own). */
static xdb_query *part_query(const char *part)
{
    xdb_query *either[2] = {term_query(ARK_PREFIX_PART, part), term_query(ARK_PREFIX_STEM, part)};
    return combine_free(XDB_OP_OR, either, 2);
}

/* A compound's parts together: AND over the first parts and the last part,
 * which may be any of its readings ("opplysninger": opp, and lysning, lysne
 * or lyse), not all of them.  The readings are an OR, whose weights add up
 * as the AND of them all did, not a SYNONYM: a SYNONYM's frequency is
 * estimated as their union's, and in a small archive the clause then
 * weighed next to nothing. */
static xdb_query *parts_query(const qword *w)
{
    xdb_query **subs = ark_calloc(w->nfirst_parts + 1, sizeof *subs);
    size_t n = 0;
    for (size_t i = 0; i < w->nfirst_parts; i++)
        subs[n++] = part_query(w->parts[i]);
    size_t nlast = w->nparts - w->nfirst_parts;
    if (nlast) {
        xdb_query **last = ark_calloc(nlast, sizeof *last);
        for (size_t i = 0; i < nlast; i++)
            last[i] = part_query(w->parts[w->nfirst_parts + i]);
        subs[n++] = combine_free(XDB_OP_OR, last, nlast);
        free(last);
    }
    xdb_query *q = combine_free(XDB_OP_AND, subs, n);
    free(subs);
    return q;
}

/* The word's lemmas, weighted as one term however many they are: a word
 * with three readings must not weigh three times as much. */
static xdb_query *lemmas_query(const qword *w)
{
    xdb_query **subs = ark_calloc(w->nlemmas, sizeof *subs);
    for (size_t i = 0; i < w->nlemmas; i++)
        subs[i] = term_query(ARK_PREFIX_STEM, w->lemmas[i]);
    xdb_query *q = combine_free(XDB_OP_SYNONYM, subs, w->nlemmas);
    free(subs);
    return q;
}

/* About how many documents hold w in any form: the most of its exact
 * spelling's and its lemmas' (each lemma term covers all its forms). */
static unsigned word_docs(qb_ctx *c, const qword *w)
{
    unsigned most = 0, f;
    if (xdb_term_freq(c->db, w->word, strlen(w->word), &f) == ARK_OK && f > most)
        most = f;
    for (size_t i = 0; i < w->nlemmas; i++) {
        char *t = ark_sprintf("%s%s", ARK_PREFIX_STEM, w->lemmas[i]);
        if (xdb_term_freq(c->db, t, strlen(t), &f) == ARK_OK && f > most)
            most = f;
        free(t);
    }
    return most;
}

/* The most documents a word may be in and not be common (QB_COMMON_SHARE);
 * UINT_MAX when the index cannot say. */
static unsigned common_limit(xdb *db)
{
    unsigned total = 0;
    if (xdb_doc_count(db, &total) != ARK_OK)
        return UINT_MAX;
    double share = QB_COMMON_SHARE * total;
    return share > QB_COMMON_DOCS ? (unsigned)share : QB_COMMON_DOCS;
}

/* Whether w is in so many documents that it says little beside other
 * words (QB_COMMON_SHARE); needs w->docs. */
static int everywhere(qb_ctx *c, const qword *w)
{
    return w->docs > c->common_above;
}

/* Whether w is so common that, among other words, its spelling and lemmas
 * suffice (see QB_COMMON_SHARE). */
static int is_common(qb_ctx *c, const qword *w)
{
    return c->among_others && w->nlemmas && everywhere(c, w);
}

/* A common word: its exact form, its lemmas, and where it has letters to
 * fold, the folded spelling ("mote" for "møte", a short list). */
static xdb_query *common_word_query(const qword *w)
{
    xdb_query *subs[3] = {term_query("", w->word), lemmas_query(w), NULL};
    size_t n = 2;
    if (strcmp(w->folded, w->word) != 0)
        subs[n++] = scale_free(variant_query(w), QB_VARIANT_WEIGHT);
    return combine_free(XDB_OP_OR, subs, n);
}

/* A bare word, with the alternatives listed in qbuild.h. */
static xdb_query *word_query(qb_ctx *c, int positive, const qword *w)
{
    remember(c, positive, w);
    if (is_common(c, w))
        return common_word_query(w);
    size_t cap = 4 + 2 * w->nlemmas;
    xdb_query **subs = ark_calloc(cap, sizeof *subs);
    size_t n = 0;
    subs[n++] = term_query("", w->word);
    if (w->nlemmas)
        subs[n++] = lemmas_query(w);
    subs[n++] = scale_free(variant_query(w), QB_VARIANT_WEIGHT);
    if (w->nparts >= 2)
        subs[n++] = scale_free(parts_query(w), QB_PARTS_WEIGHT);
    for (size_t i = 0; i < w->nlemmas; i++)
        subs[n++] = scale_free(term_query(ARK_PREFIX_PART, w->lemmas[i]), QB_AS_PART_WEIGHT);
    xdb_query *q = combine_free(XDB_OP_OR, subs, n);
    free(subs);
    return q;
}

static int add_form(const char *term, size_t len, void *ctx)
{
    strset *forms = ctx;
    if (strset_count(forms) < QB_MAX_FORMS)
        strset_add(forms, term, len);
    return strset_count(forms) == QB_MAX_FORMS;
}

typedef int (*form_fn)(const char *term, size_t len, void *ctx);

static ark_status add_forms_of(qb_ctx *c, form_fn add, void *ctx, const char *prefix,
                               const char *key)
{
    char *k = ark_sprintf("%s%s", prefix, key);
    ark_status st = xdb_each_synonym(c->db, k, add, ctx);
    free(k);
    return st;
}

/* Calls add for w as written, its folded spelling and every indexed form
 * sharing a lemma or the folded spelling with it (some more than once). */
static ark_status each_form(qb_ctx *c, const qword *w, form_fn add, void *ctx)
{
    add(w->word, strlen(w->word), ctx);
    add(w->folded, strlen(w->folded), ctx);
    ark_status st = ARK_OK;
    for (size_t i = 0; i < w->nlemmas && st == ARK_OK; i++)
        st = add_forms_of(c, add, ctx, ARK_PREFIX_STEM, w->lemmas[i]);
    if (st == ARK_OK)
        st = add_forms_of(c, add, ctx, ARK_PREFIX_VARIANT, w->folded);
    if (st == ARK_OK && !folded_is_lemma(w)) /* see variant_query */
        st = add_forms_of(c, add, ctx, ARK_PREFIX_STEM, w->folded);
    return st;
}

/* Those forms of w, at most QB_MAX_FORMS, read once per query (a phrase
 * position and the re-ranking by where the words stand both want them). */
static ark_status forms_of(qb_ctx *c, const qword *w, const strset **out)
{
    long k = strset_index(c->form_words, w->word, strlen(w->word));
    if (k >= 0) {
        *out = c->forms[k];
        return ARK_OK;
    }
    strset *forms = strset_new();
    ark_status st = each_form(c, w, add_form, forms);
    if (st != ARK_OK) {
        strset_free(forms);
        return st;
    }
    size_t n = strset_count(c->form_words);
    c->forms = ark_realloc(c->forms, (n + 1) * sizeof *c->forms);
    c->forms[n] = forms;
    strset_add(c->form_words, w->word, strlen(w->word));
    *out = forms;
    return ARK_OK;
}

/* One position of a phrase: OR of every indexed form sharing a lemma or
 * the folded spelling with the word. */
static ark_status position_query(qb_ctx *c, int positive, const qword *w, xdb_query **out)
{
    remember(c, positive, w);
    *out = NULL;
    const strset *forms;
    ark_status st = forms_of(c, w, &forms);
    if (st != ARK_OK)
        return st;
    size_t n = strset_count(forms);
    xdb_query *subs[QB_MAX_FORMS];
    for (size_t i = 0; i < n; i++)
        subs[i] = xdb_query_term(strset_key(forms, i), strset_key_len(forms, i), 1);
    *out = n == 1 ? subs[0] : combine_free(XDB_OP_OR, subs, n);
    return ARK_OK;
}

/* A phrase of the words w[0..n). */
static ark_status phrase_query(qb_ctx *c, int positive, const qword *w, size_t n, xdb_query **out)
{
    *out = NULL;
    xdb_query **subs = ark_calloc(n, sizeof *subs);
    size_t made = 0;
    ark_status st = ARK_OK;
    while (made < n && st == ARK_OK) {
        st = position_query(c, positive, &w[made], &subs[made]);
        if (st == ARK_OK)
            made++;
    }
    if (st == ARK_OK)
        *out = combine_free(XDB_OP_PHRASE, subs, made);
    else
        for (size_t i = 0; i < made; i++)
            xdb_query_free(subs[i]);
    free(subs);
    return st;
}

/* ---- abbreviations ---- */

static int add_alternative(const char *term, size_t len, void *ctx)
{
    strset_add(ctx, term, len);
    return 0;
}

/* What the words key ("opd", "oslo politidistrikt") stands for or is short
 * for: the glossaries of the archive (the synonym table) and the built-in
 * list. */
static ark_status abbrev_alternatives(qb_ctx *c, const char *key, strset *out)
{
    const char *builtin = gls_builtin(key);
    if (builtin)
        strset_add(out, builtin, strlen(builtin));
    builtin = gls_builtin_abbr(key);
    if (builtin)
        strset_add(out, builtin, strlen(builtin));
    char *k = ark_sprintf("%s%s", ARK_PREFIX_ABBREV, key);
    ark_status st =
        strlen(k) <= ARK_MAX_TERM ? xdb_each_synonym(c->db, k, add_alternative, out) : ARK_OK;
    free(k);
    return st;
}

static ark_status text_query(qb_ctx *c, const qp_node *n, int positive, xdb_query **out, int *stop);

/* The number of words in a glossary key: spaces plus one. */
static size_t count_spaces(const char *s)
{
    size_t n = 1;
    for (; *s; s++)
        n += *s == ' ';
    return n;
}

/* The query for what the words of key stand for, weighted below the words
 * as typed; NULL when they stand for nothing. */
static ark_status abbrev_query(qb_ctx *c, const char *key, int positive, xdb_query **out)
{
    *out = NULL;
    strset *alts = strset_new();
    ark_status st = abbrev_alternatives(c, key, alts);
    size_t n = strset_count(alts);
    xdb_query **subs = ark_calloc(n ? n : 1, sizeof *subs);
    size_t made = 0;
    for (size_t i = 0; i < n && st == ARK_OK; i++) {
        const char *text = strset_key(alts, i);
        qp_node alt = {QP_PHRASE, QP_SIGN_NONE, (char *)text, NULL, 0, 0};
        int stop;
        xdb_query *q = NULL;
        st = text_query(c, &alt, positive, &q, &stop);
        /* A phrase weighs the sum of its words: divide, so that three words
         * standing for one do not outweigh it. */
        if (q)
            subs[made++] = scale_free(q, 1.0 / (double)count_spaces(text));
    }
    if (made && st == ARK_OK)
        *out = scale_free(combine_free(XDB_OP_OR, subs, made), QB_ABBREV_WEIGHT);
    else
        for (size_t i = 0; i < made; i++)
            xdb_query_free(subs[i]);
    free(subs);
    strset_free(alts);
    return st;
}

/* The words of w[0..n) joined by spaces: the key of the glossary. */
static char *words_key(const qword *w, size_t n)
{
    ark_buf b = ARK_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            ark_buf_addc(&b, ' ');
        ark_buf_adds(&b, w[i].word);
    }
    return ark_buf_take(&b);
}

/* q, or OR(q, what the words w[0..n) stand for). */
static ark_status with_abbrevs(qb_ctx *c, const qword *w, size_t n, int positive, xdb_query **q)
{
    char *key = words_key(w, n);
    xdb_query *alt = NULL;
    ark_status st = abbrev_query(c, key, positive, &alt);
    free(key);
    if (alt) {
        /* The form as typed ranks first: it gets a bonus the other lacks. */
        xdb_query *typed = xdb_query_with_bonus(*q, QB_CLAUSE_BONUS);
        xdb_query_free(*q);
        xdb_query *pair[2] = {typed, alt};
        *q = combine_free(XDB_OP_OR, pair, 2);
    }
    return st;
}

/* The query for analyzed words t: one word alone, several as a phrase,
 * either with its abbreviations.  *stop tells that t is one stopword. */
static ark_status words_query(qb_ctx *c, const qwords *t, int positive, xdb_query **out, int *stop)
{
    *out = NULL;
    ark_status st = ARK_OK;
    *stop = t->n == 1 && t->w[0].stopword;
    if (t->n == 1)
        *out = word_query(c, positive, &t->w[0]);
    else if (t->n > 1)
        st = phrase_query(c, positive, t->w, t->n, out);
    if (*out && st == ARK_OK && !c->in_abbrev) {
        c->in_abbrev = 1; /* an expansion is not expanded again */
        st = with_abbrevs(c, t->w, t->n, positive, out);
        c->in_abbrev = 0;
    }
    return st;
}

static ark_status text_query(qb_ctx *c, const qp_node *n, int positive, xdb_query **out, int *stop)
{
    qwords t;
    analyze(c, n->text, &t);
    ark_status st = words_query(c, &t, positive, out, stop);
    qwords_free(&t);
    return st;
}

static ark_status node_query(qb_ctx *c, const qp_node *n, int positive, xdb_query **out, int *stop,
                             const char **why);

/* "rus*": a bare word ending in one star. */
static int is_wildcard(const qp_node *n)
{
    size_t len = n->kind == QP_WORD ? strlen(n->text) : 0;
    return len >= 2 && n->text[len - 1] == '*' && n->text[len - 2] != '*';
}

typedef struct {
    xdb_query **terms;
    size_t n;
    size_t skip;   /* prefix bytes of the term that are not the word */
    strset *marks; /* where the words go for marking, or NULL */
    size_t max;
    size_t *budget; /* words the whole query's wildcards may still stand for */
    int over;       /* more than max words, or than the budget */
} expansion;

static int add_expansion(const char *term, size_t len, void *ctx)
{
    expansion *e = ctx;
    if (e->n == e->max || *e->budget == 0) {
        e->over = 1;
        return 1;
    }
    --*e->budget;
    e->terms[e->n++] = xdb_query_term(term, len, 1);
    if (e->marks)
        strset_add(e->marks, term + e->skip, len - e->skip);
    return 0;
}

/* Every word of the index starting with key (after prefix), as one
 * synonym; *out is NULL when there is none. */
static ark_status expand(qb_ctx *c, const char *prefix, const char *key, strset *marks,
                         xdb_query **out, const char **why)
{
    *out = NULL;
    char *start = ark_sprintf("%s%s", prefix, key);
    size_t max = c->max_wildcard ? c->max_wildcard : QB_MAX_WILDCARD;
    size_t budget =
        max * QB_WILDCARD_SHARE > c->expanded ? max * QB_WILDCARD_SHARE - c->expanded : 0;
    expansion e = {ark_calloc(max, sizeof(xdb_query *)), 0, strlen(prefix), marks, max, &budget, 0};
    ark_status st = xdb_each_term(c->db, start, add_expansion, &e);
    c->expanded += e.n;
    free(start);
    if (st == ARK_OK && e.over) {
        st = ARK_EQUERY;
        *why = "a word with * matches too many words: type more of it";
    }
    if (st == ARK_OK && e.n)
        *out = combine_free(XDB_OP_SYNONYM, e.terms, e.n);
    else
        for (size_t i = 0; i < e.n; i++)
            xdb_query_free(e.terms[i]);
    free(e.terms);
    return st;
}

/* "rus*" matches every word that starts with "rus" (and, weighted as a
 * variant, every word whose folded spelling starts with "rus"), up to
 * c->max_wildcard words; more is an error rather than a slow search. */
static ark_status wildcard_query(qb_ctx *c, const qp_node *n, int positive, xdb_query **out,
                                 int *stop, const char **why)
{
    char *stem = ark_strndup(n->text, strlen(n->text) - 1);
    qwords t;
    analyze(c, stem, &t);
    ark_status st;
    if (t.n != 1) {
        /* "HC-k*", "*": no single word to complete; search the text as typed */
        st = words_query(c, &t, positive, out, stop);
    } else {
        xdb_query *exact, *folded = NULL;
        st = expand(c, "", t.w[0].word, positive ? c->words : NULL, &exact, why);
        if (st == ARK_OK)
            st = expand(c, ARK_PREFIX_VARIANT, t.w[0].folded, positive ? c->folds : NULL, &folded,
                        why);
        xdb_query *subs[2];
        size_t k = 0;
        if (exact)
            subs[k++] = exact;
        if (folded)
            subs[k++] = scale_free(folded, QB_VARIANT_WEIGHT);
        if (st != ARK_OK)
            for (size_t i = 0; i < k; i++)
                xdb_query_free(subs[i]);
        else if (k)
            *out = combine_free(XDB_OP_OR, subs, k);
        else
            *out = term_query("", t.w[0].word); /* no such word: matches nothing */
    }
    qwords_free(&t);
    free(stem);
    return st;
}

static ark_status or_query(qb_ctx *c, const qp_node *n, int positive, xdb_query **out,
                           const char **why)
{
    xdb_query **subs = ark_calloc(n->nkids, sizeof *subs);
    size_t made = 0;
    ark_status st = ARK_OK;
    for (size_t i = 0; i < n->nkids && st == ARK_OK; i++) {
        xdb_query *q = NULL;
        int stop;
        st = node_query(c, n->kids[i], positive, &q, &stop, why);
        if (st == ARK_EEMPTYQUERY)
            st = ARK_OK; /* an empty alternative just drops out */
        if (q)
            subs[made++] = q;
    }
    *out = NULL;
    if (st == ARK_OK && made)
        *out = combine_free(XDB_OP_OR, subs, made);
    else
        for (size_t i = 0; i < made; i++)
            xdb_query_free(subs[i]);
    free(subs);
    return st;
}

/* The clauses of a group, sorted by sign. */
typedef struct {
    xdb_query **optional, **required, **excluded, **stops;
    size_t nopt, nreq, nexc, nstops;
    unsigned *rarity; /* per optional clause: the documents of its rarest bare
                         word, or UINT_MAX (not bare words, or in none) */
} clauses;

static void free_all(xdb_query **qs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        xdb_query_free(qs[i]);
    free(qs);
}

static void clauses_free(clauses *cl)
{
    free_all(cl->optional, cl->nopt);
    free_all(cl->required, cl->nreq);
    free_all(cl->excluded, cl->nexc);
    free_all(cl->stops, cl->nstops);
    free(cl->rarity);
}

/* A clause's rarity: the documents of the rarest of its n words that is in
 * any, or UINT_MAX. */
static unsigned rarity_of(const qword *w, size_t n)
{
    unsigned rarity = UINT_MAX;
    for (size_t j = 0; j < n; j++)
        if (w[j].docs && w[j].docs < rarity)
            rarity = w[j].docs;
    return rarity;
}

/* The bonus of the QB_RARE_WORDS rarest of the first n optional clauses
 * (those of bare words). */
static void rare_bonus(clauses *cl, size_t n)
{
    unsigned char *given = ark_calloc(n, 1);
    for (size_t k = 0; k < QB_RARE_WORDS; k++) {
        size_t rarest = SIZE_MAX;
        for (size_t i = 0; i < n; i++)
            if (!given[i] && cl->rarity[i] != UINT_MAX &&
                (rarest == SIZE_MAX || cl->rarity[i] < cl->rarity[rarest]))
                rarest = i;
        if (rarest == SIZE_MAX)
            break;
        given[rarest] = 1;
        xdb_query *b = xdb_query_with_bonus(cl->optional[rarest], QB_RARE_BONUS);
        xdb_query_free(cl->optional[rarest]);
        cl->optional[rarest] = b;
    }
    free(given);
}

/* The optional clauses of cl, ORed; where some are of common words and
 * others of words in fewer documents (qb_ctx.common_above), AND_MAYBE(the others,
 * the common): a common word adds weight but does not make a match by
 * itself (see QB_COMMON_SHARE). */
static xdb_query *optional_query(clauses *cl, unsigned common_above)
{
    size_t nrare = 0, ncommon = 0, specific = 0;
    xdb_query **rare = ark_calloc(cl->nopt, sizeof *rare);
    xdb_query **common = ark_calloc(cl->nopt, sizeof *common);
    for (size_t i = 0; i < cl->nopt; i++) {
        if (cl->rarity[i] != UINT_MAX && cl->rarity[i] > common_above) {
            common[ncommon++] = cl->optional[i];
        } else {
            specific += cl->rarity[i] != UINT_MAX;
            rare[nrare++] = cl->optional[i];
        }
    }
    xdb_query *q;
    /* unknown words (in no document, a phrase, an abbreviation's run) may
     * match nothing: then the common words are what the query finds */
    if (specific && ncommon) {
        xdb_query *pair[2] = {combine_free(XDB_OP_OR, rare, nrare),
                              combine_free(XDB_OP_OR, common, ncommon)};
        q = combine_free(XDB_OP_AND_MAYBE, pair, 2);
    } else {
        q = combine_free(XDB_OP_OR, cl->optional, cl->nopt);
    }
    free(rare);
    free(common);
    return q;
}

/* kid_clauses: the optional clauses of the group's own kids, without the
 * abbreviation runs, which decides whether they get the bonus. */
static xdb_query *combine_clauses(clauses *cl, size_t kid_clauses, unsigned common_above)
{
    xdb_query *base = NULL;
    xdb_query *opt = NULL;
    if (cl->nopt > 1 && kid_clauses <= QB_BONUS_CLAUSES) {
        for (size_t i = 0; i < cl->nopt; i++) {
            xdb_query *b = xdb_query_with_bonus(cl->optional[i], QB_CLAUSE_BONUS);
            xdb_query_free(cl->optional[i]);
            cl->optional[i] = b;
        }
    } else if (cl->nopt > 1) {
        rare_bonus(cl, kid_clauses);
    }
    /* beside required clauses the optional ones only add weight already */
    if (cl->nopt && cl->nreq)
        opt = combine_free(XDB_OP_OR, cl->optional, cl->nopt);
    else if (cl->nopt)
        opt = optional_query(cl, common_above);
    cl->nopt = 0;
    if (cl->nreq) {
        base = combine_free(XDB_OP_AND, cl->required, cl->nreq);
        cl->nreq = 0;
        if (opt) {
            xdb_query *pair[2] = {base, opt};
            base = combine_free(XDB_OP_AND_MAYBE, pair, 2);
        }
    } else {
        base = opt;
    }
    if (cl->nexc) {
        xdb_query **subs = ark_calloc(cl->nexc + 1, sizeof *subs);
        subs[0] = base;
        memcpy(subs + 1, cl->excluded, cl->nexc * sizeof *subs);
        base = combine_free(XDB_OP_AND_NOT, subs, cl->nexc + 1);
        free(subs);
        cl->nexc = 0;
    }
    return base;
}

/* The phrase of a group's positive bare words, stopwords included, which
 * adds weight where they stand together; NULL for fewer than two words, or
 * when none of them is rare.  kw holds the analyzed words of each bare-word
 * kid. */
static ark_status proximity_query(qb_ctx *c, const qp_node *n, const qwords *kw, xdb_query **out)
{
    *out = NULL;
    size_t bare = 0, total = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        if (n->kids[i]->kind == QP_WORD && n->kids[i]->sign != QP_SIGN_EXCLUDED) {
            bare++;
            total += kw[i].n;
        }
    }
    if (bare < 2 || total < 2 || total > QB_MAX_PROXIMITY)
        return ARK_OK;
    qword *all = ark_calloc(total, sizeof *all); /* borrowed words, in order */
    size_t k = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        if (n->kids[i]->kind == QP_WORD && n->kids[i]->sign != QP_SIGN_EXCLUDED && kw[i].n) {
            memcpy(all + k, kw[i].w, kw[i].n * sizeof *all);
            k += kw[i].n;
        }
    }
    /* Checking where the words stand costs a look at the positions of
     * every document holding them all: only worth it when one of them
     * is rare enough to bound that (see QB_PROXIMITY_DOCS). */
    unsigned fewest = UINT_MAX;
    for (size_t i = 0; i < total; i++)
        fewest = all[i].docs < fewest ? all[i].docs : fewest;
    ark_status st = fewest <= QB_PROXIMITY_DOCS ? phrase_query(c, 0, all, total, out) : ARK_OK;
    free(all);
    return st;
}

/* Adds term as a form of query word nr->ngroups. */
static void near_add(xdb_near *nr, const char *term, size_t len)
{
    if (nr->n == nr->cap) {
        nr->cap = nr->cap ? 2 * nr->cap : 32;
        nr->terms = ark_realloc(nr->terms, nr->cap * sizeof *nr->terms);
        nr->group = ark_realloc(nr->group, nr->cap * sizeof *nr->group);
    }
    nr->terms[nr->n] = ark_strndup(term, len);
    nr->group[nr->n++] = nr->ngroups;
}

/* The words of the query's outermost group that count for where they
 * stand: its positive bare words, stopwords left out. */
static int bare_positive(const qp_node *kid)
{
    return kid->kind == QP_WORD && kid->sign != QP_SIGN_EXCLUDED;
}

static ark_status near_words(qb_ctx *c, const qp_node *n, qwords *kw)
{
    size_t candidates = 0; /* one word alone stands nowhere: nothing to look up */
    for (size_t i = 0; i < n->nkids; i++)
        for (size_t j = 0; bare_positive(n->kids[i]) && j < kw[i].n; j++)
            candidates += !kw[i].w[j].stopword;
    if (candidates < 2)
        return ARK_OK;
    strset *seen = strset_new(); /* every word's forms so far: a form stands for one word */
    ark_status st = ARK_OK;
    for (size_t i = 0; i < n->nkids && st == ARK_OK; i++) {
        if (!bare_positive(n->kids[i]))
            continue;
        for (size_t j = 0; j < kw[i].n && c->near->ngroups < XDB_NEAR_GROUPS && st == ARK_OK;
             j++) {
            qword *w = &kw[i].w[j];
            if (!w->docs) /* a group of one clause: not looked up yet */
                w->docs = word_docs(c, w);
            if (w->stopword || everywhere(c, w))
                continue;
            const strset *forms;
            if ((st = forms_of(c, w, &forms)) != ARK_OK)
                break;
            size_t added = 0;
            for (size_t f = 0; f < strset_count(forms); f++) {
                const char *term = strset_key(forms, f);
                size_t len = strset_key_len(forms, f);
                if (strset_add(seen, term, len)) {
                    near_add(c->near, term, len);
                    added++;
                }
            }
            if (added)
                c->near->words[c->near->ngroups++] = ark_strdup(w->word);
        }
    }
    strset_free(seen);
    return st;
}

void qb_near_free(xdb_near *nr)
{
    if (!nr)
        return;
    free_list(nr->terms, nr->n);
    for (unsigned g = 0; g < nr->ngroups; g++)
        free(nr->words[g]);
    free(nr->group);
    memset(nr, 0, sizeof *nr);
}

/* base, with boost's weight added where both match: AND_MAYBE(base,
 * boost), written as OR(base, FILTER(boost, base)), which matches and
 * weighs the same.  Xapian ran the AND_MAYBE of a question's words and their
 * proximity phrase by looking at the phrase for each document of the words'
 * OR: "Kan statsråden forsvare økt reisetid?" took 120 ms on the scale corpus,
 * 2.8 ms as an OR (the rankings of the four relevance sets were the same,
 * scores and all).  Takes both. */
static xdb_query *add_boost(const qb_ctx *c, xdb_query *base, xdb_query *boost)
{
    if (c->groups > 1) {
        /* Inside another group, whose own OR would hold this one twice:
         * nested groups would double the query at every level. */
        xdb_query *pair[2] = {base, boost};
        return combine_free(XDB_OP_AND_MAYBE, pair, 2);
    }
    xdb_query *inner[2] = {boost, base};
    xdb_query *both = xdb_query_combine(XDB_OP_FILTER, inner, 2);
    xdb_query_free(boost);
    xdb_query *pair[2] = {base, both};
    return combine_free(XDB_OP_OR, pair, 2);
}

/* Whether the group n has a clause besides its kid i that a document can
 * match on: not excluded, and not a lone stopword. */
static int others(const qp_node *n, const qwords *kw, size_t i)
{
    for (size_t j = 0; j < n->nkids; j++) {
        const qp_node *kid = n->kids[j];
        if (j == i || kid->sign == QP_SIGN_EXCLUDED)
            continue;
        if (kid->kind != QP_WORD || is_wildcard(kid) || kw[j].n > 1 ||
            (kw[j].n == 1 && !kw[j].w[0].stopword))
            return 1;
    }
    return 0;
}

/* A quoted phrase beside other words, or one whose closing quote is
 * missing (a question pasted with its opening «): the phrase, or its words apart
 * (stopwords aside; each word without its abbreviations, which the phrase
 * as a whole still gets).  A question quoting a newspaper ("«Phoenix Haga ikke
 * blir nedlagt ...»") must still find the answer that words it otherwise;
 * the documents with the phrase match both and rank first. */
static ark_status loose_phrase_query(qb_ctx *c, const qp_node *kid, xdb_query **out, int *stop)
{
    qwords t;
    analyze(c, kid->text, &t);
    ark_status st = words_query(c, &t, 1, out, stop);
    if (st == ARK_OK && *out && t.n > 1) {
        xdb_query **subs = ark_calloc(t.n + 1, sizeof *subs);
        size_t k = 0;
        subs[k++] = *out;
        int among = c->among_others;
        c->among_others = 1;
        for (size_t j = 0; j < t.n; j++) {
            if (t.w[j].stopword)
                continue;
            t.w[j].docs = word_docs(c, &t.w[j]);
            subs[k++] = word_query(c, 1, &t.w[j]);
        }
        c->among_others = among;
        *out = combine_free(XDB_OP_OR, subs, k);
        free(subs);
    }
    qwords_free(&t);
    return st;
}

/* A hyphenated word beside other words ("EØS-avtalen" in a question):
 * each of its words an optional clause of its own, as if written apart,
 * and the whole as a phrase weighing QB_HYPHEN_PHRASE_WEIGHT, so that the
 * documents writing it so rank first. */
static ark_status hyphenated_clauses(qb_ctx *c, const qwords *w, clauses *cl)
{
    xdb_query *q = NULL;
    int stop;
    ark_status st = words_query(c, w, 1, &q, &stop);
    if (st != ARK_OK || !q)
        return st;
    cl->rarity[cl->nopt] = UINT_MAX;
    cl->optional[cl->nopt++] = scale_free(q, QB_HYPHEN_PHRASE_WEIGHT);
    c->among_others = 1;
    for (size_t j = 0; j < w->n; j++) {
        if (w->w[j].stopword)
            continue;
        cl->rarity[cl->nopt] = rarity_of(&w->w[j], 1);
        cl->optional[cl->nopt++] = word_query(c, 1, &w->w[j]);
    }
    c->among_others = 0;
    return ARK_OK;
}

/* Sorts the kids' queries into cl; stopword clauses go aside. */
static ark_status sort_clauses(qb_ctx *c, const qp_node *n, const qwords *kw, int positive,
                               clauses *cl, const char **why)
{
    ark_status st = ARK_OK;
    for (size_t i = 0; i < n->nkids && st == ARK_OK; i++) {
        const qp_node *kid = n->kids[i];
        int excluded = kid->sign == QP_SIGN_EXCLUDED;
        xdb_query *q = NULL;
        int stop = 0;
        if (kid->kind == QP_WORD && kid->sign == QP_SIGN_NONE && positive && kw[i].n > 1 &&
            qp_hyphenated(kid->text) && others(n, kw, i)) {
            st = hyphenated_clauses(c, &kw[i], cl);
        } else if (kid->kind == QP_WORD && !is_wildcard(kid)) {
            c->among_others = kid->sign == QP_SIGN_NONE && positive && others(n, kw, i);
            st = words_query(c, &kw[i], positive && !excluded, &q, &stop);
            c->among_others = 0;
        } else if (kid->kind == QP_PHRASE && kid->sign == QP_SIGN_NONE && positive &&
                   (others(n, kw, i) || kid->unclosed)) {
            st = loose_phrase_query(c, kid, &q, &stop);
        } else {
            st = node_query(c, kid, positive && !excluded, &q, &stop, why);
        }
        if (st == ARK_EEMPTYQUERY)
            st = ARK_OK;
        if (!q)
            continue;
        if (excluded)
            cl->excluded[cl->nexc++] = q;
        else if (kid->sign == QP_SIGN_REQUIRED)
            cl->required[cl->nreq++] = q;
        else if (stop)
            cl->stops[cl->nstops++] = q;
        else {
            cl->rarity[cl->nopt] = kid->kind == QP_WORD ? rarity_of(kw[i].w, kw[i].n) : UINT_MAX;
            cl->optional[cl->nopt++] = q;
        }
    }
    return st;
}

/* A run of bare words that is an expansion in the glossary ("oslo
 * politidistrikt") also matches its abbreviation: an optional clause. */
static ark_status abbrev_runs(qb_ctx *c, const qp_node *n, const qwords *kw, int positive,
                              clauses *cl)
{
    qword *run = ark_calloc(n->nkids ? n->nkids : 1, sizeof *run); /* borrowed words */
    size_t len = 0;
    ark_status st = ARK_OK;
    for (size_t i = 0; i <= n->nkids && st == ARK_OK; i++) {
        const qp_node *kid = i < n->nkids ? n->kids[i] : NULL;
        if (kid && kid->kind == QP_WORD && kid->sign == QP_SIGN_NONE && kw[i].n == 1) {
            run[len++] = kw[i].w[0];
            continue;
        }
        for (size_t a = 0; a + 1 < len && st == ARK_OK; a++) {
            for (size_t b = a + 2; b <= len && b - a <= QB_MAX_ABBREV_RUN && st == ARK_OK; b++) {
                char *key = words_key(run + a, b - a);
                xdb_query *q = NULL;
                st = abbrev_query(c, key, positive, &q);
                free(key);
                if (q) {
                    cl->rarity[cl->nopt] = UINT_MAX; /* the abbreviation may be in none */
                    cl->optional[cl->nopt++] = q;
                }
            }
        }
        len = 0;
    }
    free(run);
    return st;
}

static ark_status group_query(qb_ctx *c, const qp_node *n, int positive, xdb_query **out,
                              const char **why)
{
    *out = NULL;
    c->groups++;
    size_t k = n->nkids ? n->nkids : 1;
    /* Each bare word is analyzed once, for its clause, the abbreviation runs
     * and the proximity phrase alike. */
    qwords *kw = ark_calloc(k, sizeof *kw);
    size_t not_excluded = 0, words = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        not_excluded += n->kids[i]->sign != QP_SIGN_EXCLUDED;
        if (n->kids[i]->kind == QP_WORD && !is_wildcard(n->kids[i]))
            analyze(c, n->kids[i]->text, &kw[i]);
        words += kw[i].n;
    }
    /* Room for the kids' clauses, one per word of a hyphenated one, and one
     * per run of bare words. */
    size_t room = k + words + k * QB_MAX_ABBREV_RUN;
    clauses cl = {ark_calloc(room, sizeof(xdb_query *)),
                  ark_calloc(k, sizeof(xdb_query *)),
                  ark_calloc(k, sizeof(xdb_query *)),
                  ark_calloc(k, sizeof(xdb_query *)),
                  0,
                  0,
                  0,
                  0,
                  ark_calloc(room, sizeof(unsigned))};
    /* How common each word is, for the common-word rule and the proximity
     * phrase, both of which need other clauses: looked up once. */
    for (size_t i = 0; not_excluded >= 2 && i < n->nkids; i++)
        for (size_t j = 0; n->kids[i]->sign != QP_SIGN_EXCLUDED && j < kw[i].n; j++)
            kw[i].w[j].docs = word_docs(c, &kw[i].w[j]);
    ark_status st = sort_clauses(c, n, kw, positive, &cl, why);
    size_t kid_clauses = cl.nopt;
    if (st == ARK_OK && positive)
        st = abbrev_runs(c, n, kw, positive, &cl);
    if (st == ARK_OK && cl.nopt + cl.nreq == 0 && cl.nstops) {
        /* Only stopwords: then they are what the user searches for. */
        memcpy(cl.optional, cl.stops, cl.nstops * sizeof *cl.stops);
        cl.nopt = cl.nstops;
        cl.nstops = 0;
    }
    if (st == ARK_OK && cl.nopt + cl.nreq == 0) {
        st = ARK_EEMPTYQUERY;
        *why = cl.nexc ? "the query only excludes words: add a word to search for"
                       : "the query has no words to search for";
    }
    xdb_query *boost = NULL;
    if (st == ARK_OK && positive) /* an excluded group's weight counts for nothing */
        st = proximity_query(c, n, kw, &boost);
    if (st == ARK_OK && c->near && n == c->near_root)
        st = near_words(c, n, kw);
    if (st == ARK_OK) {
        *out = combine_clauses(&cl, kid_clauses, c->common_above);
        if (boost) /* the words' order only adds weight */
            *out = add_boost(c, *out, boost);
    } else {
        xdb_query_free(boost);
    }
    clauses_free(&cl);
    for (size_t i = 0; i < n->nkids; i++)
        qwords_free(&kw[i]);
    free(kw);
    c->groups--;
    return st;
}

static ark_status node_query(qb_ctx *c, const qp_node *n, int positive, xdb_query **out, int *stop,
                             const char **why)
{
    *stop = 0;
    switch (n->kind) {
    case QP_WORD:
        if (is_wildcard(n))
            return wildcard_query(c, n, positive, out, stop, why);
        return text_query(c, n, positive, out, stop);
    case QP_PHRASE:
        return text_query(c, n, positive, out, stop);
    case QP_OR:
        return or_query(c, n, positive, out, why);
    case QP_GROUP:
        return group_query(c, n, positive, out, why);
    }
    *out = NULL;
    return ARK_EINTERNAL;
}

ark_status qb_build(qb_ctx *c, const qp_node *root, xdb_query **out, const char **why)
{
    *why = NULL;
    /* "(budsjett sykehus)" is a group holding the group of words */
    const qp_node *r = root;
    while (r->kind == QP_GROUP && r->nkids == 1 && r->kids[0]->kind == QP_GROUP)
        r = r->kids[0];
    c->near_root = r->kind == QP_GROUP ? r : NULL;
    c->form_words = strset_new();
    c->forms = NULL;
    c->common_above = common_limit(c->db); /* once: every group asks */
    int stop;
    ark_status st = node_query(c, root, 1, out, &stop, why);
    for (size_t i = 0; i < strset_count(c->form_words); i++)
        strset_free(c->forms[i]);
    free(c->forms);
    strset_free(c->form_words);
    c->form_words = NULL;
    c->forms = NULL;
    if (st == ARK_OK && !*out) {
        st = ARK_EEMPTYQUERY;
        *why = "the query has no words to search for";
    }
    if (st == ARK_EXAPIAN || st == ARK_EMODIFIED)
        *why = "the index could not be read";
    return st;
}
