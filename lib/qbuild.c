/* qbuild.c — query tree to Xapian query; the rules are in qbuild.h. */
#include "qbuild.h"

#include <stdlib.h>
#include <string.h>

#include "terms.h"
#include "xalloc.h"

/* The analyzed words of one text, copied out of the analyzer's callback. */
typedef struct {
    char **words;
    char **stems;
    size_t n;
} qtokens;

static int collect_token(const ana_token *t, void *ctx)
{
    qtokens *q = ctx;
    q->words = ark_realloc(q->words, (q->n + 1) * sizeof *q->words);
    q->stems = ark_realloc(q->stems, (q->n + 1) * sizeof *q->stems);
    q->words[q->n] = ark_strndup(t->word, t->word_len);
    q->stems[q->n] = ark_strndup(t->stem, t->stem_len);
    q->n++;
    return 0;
}

static void qtokens_free(qtokens *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->words[i]);
        free(q->stems[i]);
    }
    free(q->words);
    free(q->stems);
}

static xdb_query *combine_free(xdb_op op, xdb_query **subs, size_t n)
{
    xdb_query *q = xdb_query_combine(op, subs, n);
    for (size_t i = 0; i < n; i++)
        xdb_query_free(subs[i]);
    return q;
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

static void remember(qb_ctx *c, int positive, const char *word, const char *stem)
{
    if (!positive)
        return;
    strset_add(c->words, word, strlen(word));
    if (*stem)
        strset_add(c->stems, stem, strlen(stem));
}

/* A bare word: OR(word, Z<stem>). */
static xdb_query *word_query(qb_ctx *c, int positive, const char *word, const char *stem)
{
    remember(c, positive, word, stem);
    if (!*stem)
        return term_query("", word);
    xdb_query *subs[2] = {term_query("", word), term_query(ARK_PREFIX_STEM, stem)};
    return combine_free(XDB_OP_OR, subs, 2);
}

typedef struct {
    xdb_query **forms;
    size_t n;
    const char *word; /* already among the forms */
} forms_ctx;

static int add_form(const char *term, size_t len, void *ctx)
{
    forms_ctx *f = ctx;
    if (strlen(f->word) == len && memcmp(f->word, term, len) == 0)
        return 0;
    f->forms[f->n++] = xdb_query_term(term, len, 1);
    return f->n == QB_MAX_FORMS;
}

/* One position of a phrase: OR of every indexed form sharing the stem. */
static ark_status position_query(qb_ctx *c, int positive, const char *word, const char *stem,
                                 xdb_query **out)
{
    remember(c, positive, word, stem);
    xdb_query *forms[QB_MAX_FORMS + 1];
    forms_ctx f = {forms, 0, word};
    forms[f.n++] = term_query("", word);
    if (*stem) {
        char *key = ark_sprintf("%s%s", ARK_PREFIX_STEM, stem);
        ark_status st = xdb_each_synonym(c->db, key, add_form, &f);
        free(key);
        if (st != ARK_OK) {
            for (size_t i = 0; i < f.n; i++)
                xdb_query_free(forms[i]);
            *out = NULL;
            return st;
        }
    }
    *out = f.n == 1 ? forms[0] : combine_free(XDB_OP_OR, forms, f.n);
    return ARK_OK;
}

/* A word or phrase: one word alone, several as a phrase. */
static ark_status text_query(qb_ctx *c, const qp_node *n, int positive, xdb_query **out)
{
    *out = NULL;
    qtokens t = {NULL, NULL, 0};
    ana_run(c->ana, ANA_QUERY, n->text, strlen(n->text), 1, collect_token, &t, NULL);
    ark_status st = ARK_OK;
    if (t.n == 1) {
        *out = word_query(c, positive, t.words[0], t.stems[0]);
    } else if (t.n > 1) {
        xdb_query **subs = ark_calloc(t.n, sizeof *subs);
        size_t made = 0;
        while (made < t.n && st == ARK_OK) {
            st = position_query(c, positive, t.words[made], t.stems[made], &subs[made]);
            if (st == ARK_OK)
                made++;
        }
        if (st == ARK_OK)
            *out = combine_free(XDB_OP_PHRASE, subs, made);
        else
            for (size_t i = 0; i < made; i++)
                xdb_query_free(subs[i]);
        free(subs);
    }
    qtokens_free(&t);
    return st;
}

static ark_status node_query(qb_ctx *c, const qp_node *n, int positive, xdb_query **out,
                             const char **why);

static ark_status or_query(qb_ctx *c, const qp_node *n, int positive, xdb_query **out,
                           const char **why)
{
    xdb_query **subs = ark_calloc(n->nkids, sizeof *subs);
    size_t made = 0;
    ark_status st = ARK_OK;
    for (size_t i = 0; i < n->nkids && st == ARK_OK; i++) {
        xdb_query *q = NULL;
        st = node_query(c, n->kids[i], positive, &q, why);
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
    xdb_query **optional, **required, **excluded;
    size_t nopt, nreq, nexc;
} clauses;

static void clauses_free(clauses *cl)
{
    for (size_t i = 0; i < cl->nopt; i++)
        xdb_query_free(cl->optional[i]);
    for (size_t i = 0; i < cl->nreq; i++)
        xdb_query_free(cl->required[i]);
    for (size_t i = 0; i < cl->nexc; i++)
        xdb_query_free(cl->excluded[i]);
    free(cl->optional);
    free(cl->required);
    free(cl->excluded);
}

static xdb_query *combine_clauses(clauses *cl)
{
    xdb_query *base = NULL;
    xdb_query *opt = NULL;
    if (cl->nopt > 1) {
        for (size_t i = 0; i < cl->nopt; i++) {
            xdb_query *b = xdb_query_with_bonus(cl->optional[i], QB_CLAUSE_BONUS);
            xdb_query_free(cl->optional[i]);
            cl->optional[i] = b;
        }
    }
    if (cl->nopt)
        opt = combine_free(XDB_OP_OR, cl->optional, cl->nopt);
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

static ark_status group_query(qb_ctx *c, const qp_node *n, int positive, xdb_query **out,
                              const char **why)
{
    *out = NULL;
    clauses cl = {NULL, NULL, NULL, 0, 0, 0};
    cl.optional = ark_calloc(n->nkids, sizeof(xdb_query *));
    cl.required = ark_calloc(n->nkids, sizeof(xdb_query *));
    cl.excluded = ark_calloc(n->nkids, sizeof(xdb_query *));
    ark_status st = ARK_OK;
    for (size_t i = 0; i < n->nkids && st == ARK_OK; i++) {
        const qp_node *kid = n->kids[i];
        int excluded = kid->sign == QP_SIGN_EXCLUDED;
        xdb_query *q = NULL;
        st = node_query(c, kid, positive && !excluded, &q, why);
        if (st == ARK_EEMPTYQUERY)
            st = ARK_OK;
        if (!q)
            continue;
        if (excluded)
            cl.excluded[cl.nexc++] = q;
        else if (kid->sign == QP_SIGN_REQUIRED)
            cl.required[cl.nreq++] = q;
        else
            cl.optional[cl.nopt++] = q;
    }
    if (st == ARK_OK && cl.nopt + cl.nreq == 0) {
        st = ARK_EEMPTYQUERY;
        *why = cl.nexc ? "the query only excludes words: add a word to search for"
                       : "the query has no words to search for";
    }
    if (st == ARK_OK)
        *out = combine_clauses(&cl);
    clauses_free(&cl);
    return st;
}

static ark_status node_query(qb_ctx *c, const qp_node *n, int positive, xdb_query **out,
                             const char **why)
{
    switch (n->kind) {
    case QP_WORD:
    case QP_PHRASE:
        return text_query(c, n, positive, out);
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
    ark_status st = node_query(c, root, 1, out, why);
    if (st == ARK_OK && !*out) {
        st = ARK_EEMPTYQUERY;
        *why = "the query has no words to search for";
    }
    if (st == ARK_EXAPIAN || st == ARK_EMODIFIED)
        *why = "the index could not be read";
    return st;
}
