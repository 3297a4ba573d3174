/* compound.c — compound splitting; the rules are in compound.h. */
#include "compound.h"

/* Characters in s[0..len). */
static size_t chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static int at_boundary(const char *s, size_t i)
{
    return ((unsigned char)s[i] & 0xC0) != 0x80;
}

/* Whether s[0..len) is a known non-final part; *link tells if it ends with
 * a linking letter that is not part of the word. */
static int known_head(dict *d, const char *s, size_t len, size_t *link)
{
    *link = 0;
    if (chars(s, len) < CMP_MIN_PART)
        return 0;
    /* The linking reading first: "kriminalitets" is kriminalitet + s, even
     * though hunspell also accepts it as a genitive. */
    if (len > 1 && (s[len - 1] == 's' || s[len - 1] == 'e') && chars(s, len - 1) >= CMP_MIN_PART &&
        dict_spell(d, s, len - 1)) {
        *link = 1;
        return 1;
    }
    return dict_spell(d, s, len);
}

/* Adds the parts of word[a..b) to parts; splits again where possible.  Only
 * heads are split again: a last part is the shortest known word already. */
static size_t refine(dict *d, const char *w, size_t a, size_t b, size_t link, cmp_part *parts,
                     size_t room, int depth);

/* Finds the split of w[a..b) with the shortest known last part, so that the
 * head stays whole where it is a compound itself (rusmiljø|tiltak, then
 * rus|miljø); returns the byte where the last part starts, or 0. */
static size_t find_split(dict *d, const char *w, size_t a, size_t b, size_t *link)
{
    for (size_t j = b - 1; j > a; j--) {
        if (!at_boundary(w, j) || chars(w + j, b - j) < CMP_MIN_LAST)
            continue;
        if (chars(w + a, j - a) < CMP_MIN_PART)
            continue;
        if (dict_spell(d, w + j, b - j) && known_head(d, w + a, j - a, link))
            return j;
    }
    return 0;
}

static size_t refine(dict *d, const char *w, size_t a, size_t b, size_t link, cmp_part *parts,
                     size_t room, int depth)
{
    size_t inner_link = 0;
    size_t j = 0;
    if (depth < 3 && chars(w + a, b - a - link) >= CMP_MIN_WORD)
        j = find_split(d, w, a, b - link, &inner_link);
    if (j == 0 || room < 3) {
        parts[0] = (cmp_part){a, b, link, 0};
        return 1;
    }
    parts[0] = (cmp_part){a, b, link, 1};
    size_t n = 1 + refine(d, w, a, j, inner_link, parts + 1, room - 2, depth + 1);
    parts[n] = (cmp_part){j, b, link, 0}; /* the shortest last part: whole */
    return n + 1;
}

size_t cmp_split(dict *d, const char *word, size_t len, cmp_part parts[CMP_MAX_PARTS])
{
    size_t n = chars(word, len);
    if (n < CMP_MIN_WORD || n > CMP_MAX_WORD)
        return 0;
    size_t link = 0;
    size_t j = find_split(d, word, 0, len, &link);
    if (j == 0)
        return 0;
    size_t k = refine(d, word, 0, j, link, parts, CMP_MAX_PARTS - 1, 1);
    parts[k] = (cmp_part){j, len, 0, 0}; /* the last part, as written: inflected */
    return k + 1;
}
