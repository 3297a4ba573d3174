/* fuzz_analyzer.c — fuzz target for the analyzer (ana_run).
 *
 * Runs the input through ana_run in document and in query mode and checks,
 * for every token, the promises analyzer.h makes: offsets inside the input
 * around valid UTF-8 only, positions strictly increasing from first_pos, a
 * word of 1..ARK_MAX_TERM bytes that is NUL-terminated and valid UTF-8, a
 * stem likewise, and stats that agree with the tokens.  The analyzer must
 * hold them for any bytes at all: documents and queries come from outside.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "analyzer.h"
#include "fuzz.h"
#include "terms.h"

/* A position other than 0, so that "counted from first_pos" is checked too. */
#define FIRST_POS 7u

typedef struct {
    const char *text; /* the input, size bytes */
    size_t size;
    unsigned tokens;   /* seen so far in this run */
    unsigned last_pos; /* position of the previous token */
} check_ctx;

/* What is wrong with a token's string of len bytes, or NULL.  Words become
 * Xapian terms through C strings, so a NUL inside would cut them short. */
static const char *string_problem(const char *s, size_t len)
{
    if (!s)
        return "is NULL";
    if (s[len] != '\0')
        return "is not NUL-terminated at its length";
    if (memchr(s, '\0', len))
        return "holds a NUL byte";
    if (!fuzz_valid_utf8(s, len))
        return "is not valid UTF-8";
    return NULL;
}

/* Lemmas, variants and parts become terms: each must be a sound string
 * that fits in a term. */
static void check_terms(const char *what, const ana_token *tok, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = list[i] ? strlen(list[i]) : 0;
        if (len == 0 || len > ARK_MAX_TERM)
            fuzz_fail("analyzer", "%s %zu of the word at [%zu, %zu) has length %zu", what, i,
                      tok->start, tok->end, len);
        const char *why = string_problem(list[i], len);
        if (why)
            fuzz_fail("analyzer", "%s of the word at [%zu, %zu) %s", what, tok->start, tok->end,
                      why);
    }
}

static int check_token(const ana_token *tok, void *ctx)
{
    check_ctx *c = ctx;
    if (!(tok->start < tok->end && tok->end <= c->size))
        fuzz_fail("analyzer", "token at [%zu, %zu) in %zu bytes: need start < end <= size",
                  tok->start, tok->end, c->size);
    /* Invalid bytes separate words, so the raw word cannot hold any. */
    if (!fuzz_valid_utf8(c->text + tok->start, tok->end - tok->start))
        fuzz_fail("analyzer", "token at [%zu, %zu) spans invalid UTF-8", tok->start, tok->end);
    if (tok->pos < FIRST_POS)
        fuzz_fail("analyzer", "token position %u before first_pos %u", tok->pos, FIRST_POS);
    /* An implied word ("barnekriminalitet" of "barne- og ungdomskriminalitet")
     * stands at positions already taken; written words strictly increase. */
    if (tok->implied && (c->tokens == 0 || tok->pos > c->last_pos))
        fuzz_fail("analyzer", "implied token at position %u, after %u", tok->pos, c->last_pos);
    if (!tok->implied && c->tokens > 0 && tok->pos <= c->last_pos)
        fuzz_fail("analyzer", "token position %u after %u: not strictly increasing", tok->pos,
                  c->last_pos);
    if (tok->word_len == 0 || tok->word_len > ARK_MAX_TERM)
        fuzz_fail("analyzer", "word length %zu outside 1..%d", tok->word_len, ARK_MAX_TERM);
    const char *why = string_problem(tok->word, tok->word_len);
    if (why)
        fuzz_fail("analyzer", "word at [%zu, %zu) %s", tok->start, tok->end, why);
    check_terms("lemma", tok, tok->lemmas, tok->nlemmas);
    check_terms("variant", tok, tok->variants, tok->nvariants);
    check_terms("part", tok, tok->parts, tok->nparts);
    why = string_problem(tok->folded, strlen(tok->folded));
    if (why)
        fuzz_fail("analyzer", "folded word at [%zu, %zu) %s", tok->start, tok->end, why);
    if (tok->implied)
        return 0; /* not a written word: ana_stats does not count it */
    c->tokens++;
    c->last_pos = tok->pos;
    return 0;
}

/* The counts in ana_stats must agree with what the callback saw. */
static void check_stats(const check_ctx *c, const ana_stats *st)
{
    if (st->words != c->tokens)
        fuzz_fail("analyzer", "ana_stats.words %u, but %u tokens emitted", st->words, c->tokens);
    if (st->invalid_bytes > c->size)
        fuzz_fail("analyzer", "ana_stats.invalid_bytes larger than the input");
    if (st->next_pos < FIRST_POS || (c->tokens > 0 && st->next_pos <= c->last_pos))
        fuzz_fail("analyzer", "ana_stats.next_pos not after the last token");
}

static void run_mode(ana *a, ana_mode mode, const uint8_t *data, size_t size)
{
    check_ctx c = {(const char *)data, size, 0, 0};
    ana_stats st;
    ana_run(a, mode, c.text, size, FIRST_POS, check_token, &c, &st);
    check_stats(&c, &st);
}

int fuzz_analyzer_one(const uint8_t *data, size_t size)
{
    /* One analyzer for the whole process, as the indexer keeps one: creating
     * it per input would mostly fuzz the stemmer's constructor. */
    ana *a = fuzz_shared_analyzer();
    run_mode(a, ANA_DOCUMENT, data, size);
    run_mode(a, ANA_QUERY, data, size);
    return 0;
}

FUZZ_LIBFUZZER_ENTRY(fuzz_analyzer_one)
