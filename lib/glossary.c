/* glossary.c — glossary lines of minutes, and the built-in list. */
#include "glossary.h"

#include <string.h>

/* Abbreviations every Norwegian public archive uses, as the analyzer keys
 * them: case-folded words joined by single spaces (no hyphens or commas). */
static const struct {
    const char *abbr;
    const char *expansion;
} BUILTIN[] = {
    {"opd", "oslo politidistrikt"},
    {"pod", "politidirektoratet"},
    {"pst", "politiets sikkerhetstjeneste"},
    {"nav", "arbeids og velferdsforvaltningen"},
    {"udi", "utlendingsdirektoratet"},
    {"une", "utlendingsnemnda"},
    {"kripos",
     "den nasjonale enheten for bekjempelse av organisert og annen alvorlig kriminalitet"},
    {"økokrim", "den sentrale enhet for etterforskning og påtale av økonomisk kriminalitet og "
                "miljøkriminalitet"},
    {"bufdir", "barne ungdoms og familiedirektoratet"},
    {"bufetat", "barne ungdoms og familieetaten"},
    {"bfe", "barne og familieetaten"},
    {"blk", "byrådslederens kontor"},
    {"ks", "kommunesektorens organisasjon"},
    {"kdd", "kommunal og distriktsdepartementet"},
    {"jd", "justis og beredskapsdepartementet"},
    {"hod", "helse og omsorgsdepartementet"},
    {"kd", "kunnskapsdepartementet"},
    {"fhi", "folkehelseinstituttet"},
    {"ssb", "statistisk sentralbyrå"},
    {"salto", "sammen lager vi et trygt oslo"},
    {"koss", "kommunenes koordineringssentral"},
    {"uo", "unntatt offentlighet"},
};

#define NBUILTIN (sizeof BUILTIN / sizeof *BUILTIN)

const char *gls_builtin(const char *abbr)
{
    for (size_t i = 0; i < NBUILTIN; i++)
        if (strcmp(BUILTIN[i].abbr, abbr) == 0)
            return BUILTIN[i].expansion;
    return NULL;
}

const char *gls_builtin_abbr(const char *expansion)
{
    for (size_t i = 0; i < NBUILTIN; i++)
        if (strcmp(BUILTIN[i].expansion, expansion) == 0)
            return BUILTIN[i].abbr;
    return NULL;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int is_abbr_char(const char *s)
{
    unsigned char c = (unsigned char)*s;
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    /* Æ Ø Å in UTF-8 */
    return c == 0xC3 && ((unsigned char)s[1] == 0x86 || (unsigned char)s[1] == 0x98 ||
                         (unsigned char)s[1] == 0x85);
}

/* If line[0..len) begins with "ABBR:", the length of ABBR, else 0. */
static size_t abbr_at(const char *line, size_t len)
{
    size_t i = 0, chars = 0, letters = 0;
    while (i < len && is_abbr_char(line + i)) {
        letters += !(line[i] >= '0' && line[i] <= '9');
        i += (unsigned char)line[i] == 0xC3 ? 2 : 1;
        chars++;
    }
    /* At least one letter: "14:30 Pause" is a time, not an entry. */
    if (chars < 2 || chars > 8 || letters == 0 || i >= len || line[i] != ':')
        return 0;
    return i;
}

static size_t count_words(const char *s, size_t len)
{
    size_t words = 0;
    for (size_t i = 0; i < len; i++)
        if (!is_space(s[i]) && (i == 0 || is_space(s[i - 1])))
            words++;
    return words;
}

/* Reads "ABBR: expansion" from line; returns 1 and calls fn if it is one. */
static int entry(const char *line, size_t len, gls_entry_fn fn, void *ctx)
{
    while (len && is_space(*line)) {
        line++;
        len--;
    }
    while (len && is_space(line[len - 1]))
        len--;
    size_t a = abbr_at(line, len);
    if (!a)
        return 0;
    size_t e = a + 1;
    while (e < len && is_space(line[e]))
        e++;
    size_t words = count_words(line + e, len - e);
    if (words < 1 || words > 10)
        return 0;
    fn(ctx, line, a, line + e, len - e);
    return 1;
}

static const char *find_heading(const char *line, size_t len)
{
    static const char *const HEADINGS[] = {"Forkortelser", "Forkortinger", "forkortelser"};
    for (size_t h = 0; h < 3; h++) {
        size_t n = strlen(HEADINGS[h]);
        for (size_t i = 0; i + n <= len; i++)
            if (memcmp(line + i, HEADINGS[h], n) == 0)
                return line + i + n;
    }
    return NULL;
}

void gls_extract(const char *text, size_t len, gls_entry_fn fn, void *ctx)
{
    int misses = -1; /* -1: not in a glossary block */
    size_t i = 0;
    while (i < len) {
        const char *line = text + i;
        const char *nl = memchr(line, '\n', len - i);
        size_t n = nl ? (size_t)(nl - line) : len - i;
        i += n + 1;
        const char *after = find_heading(line, n);
        if (after) {
            misses = 0;
            while (after < line + n && (*after == ':' || is_space(*after)))
                after++;
            entry(after, (size_t)(line + n - after), fn, ctx);
            continue;
        }
        if (misses < 0 || count_words(line, n) == 0)
            continue;
        if (entry(line, n, fn, ctx))
            misses = 0;
        else if (++misses >= 3)
            misses = -1;
    }
}
