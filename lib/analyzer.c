/* analyzer.c — segmentation, normalization and stemming of Norwegian text.
 * The rules are described in analyzer.h. */
#include "analyzer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "terms.h"
#include "xalloc.h"
#include "xapian-shim.h"

/* Raw words longer than this are not normalized: no term can come of them. */
#define MAX_RAW_WORD (ARK_MAX_TERM * 4)

struct ana {
    xdb_stemmer *stemmer;
    utf8proc_int32_t *cps; /* normalization buffer, reused: no allocation per word */
    size_t cps_cap;
    char stem[ARK_MAX_TERM + 1];
};

static const utf8proc_option_t NORM_OPTIONS =
    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;

ark_status ana_new(ana **out)
{
    *out = NULL;
    xdb_stemmer *st;
    if (xdb_stemmer_new("norwegian", &st) != ARK_OK)
        return ARK_EINTERNAL;
    ana *a = ark_calloc(1, sizeof *a);
    a->stemmer = st;
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
    free(a->cps);
    free(a);
}

/* Decodes one code point at s; invalid UTF-8 yields U+FFFD for one byte. */
static size_t decode(const char *s, size_t len, int32_t *cp, int *invalid)
{
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s,
                                          len > 4 ? 4 : (utf8proc_ssize_t)len, cp);
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

static size_t stem_word(ana *a, const char *word, size_t len)
{
    int32_t first;
    int invalid;
    decode(word, len, &first, &invalid);
    if (is_digit(first)) {
        a->stem[0] = '\0';
        return 0;
    }
    return xdb_stem(a->stemmer, word, len, a->stem, sizeof a->stem);
}

void ana_run(ana *a, ana_mode mode, const char *text, size_t len, unsigned first_pos,
             ana_token_fn fn, void *ctx, ana_stats *stats)
{
    (void)mode; /* documents and queries are analyzed alike, for now */
    ana_stats st = {0, 0, first_pos};
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
        size_t wlen = end - start > MAX_RAW_WORD ? TOO_LONG : normalize(a, text + start, end - start);
        if (wlen == TOO_LONG)
            st.next_pos++; /* a real word, too long to index: it keeps its place */
        if (wlen == 0 || wlen == TOO_LONG) {
            pending_join = 0; /* the next part has no emitted part to join */
            continue;
        }
        const char *word = (const char *)a->cps;
        size_t slen = stem_word(a, word, wlen);
        ana_token tok = {word, wlen, a->stem, slen, st.next_pos, start, end, joined};
        st.next_pos++;
        st.words++;
        if (fn(&tok, ctx))
            break;
    }
    if (stats)
        *stats = st;
}
