/* test_analyzer — golden cases for the analyzer.
 *
 * tests/data/analyzer.golden holds cases: a line "> input" (with \n, \t and
 * \xHH escapes), then one line per expected token,
 *     pos start end word Z:lemmas F:variants C:parts [joined] [stop]
 * (lists comma-separated, "-" when empty) and a blank line.  Cases after a
 * line "# mode: basic" are analyzed as the plain-Xapian baseline.  `test_analyzer --print 'text'`
 * prints the tokens in the same form, for writing new cases. */
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "golden.h"
#include "stopwords.h"
#include "tap.h"
#include "xalloc.h"

static void add_list(ark_buf *b, const char *label, const char *const *list, size_t n)
{
    ark_buf_printf(b, " %s:", label);
    for (size_t i = 0; i < n; i++)
        ark_buf_printf(b, "%s%s", i ? "," : "", list[i]);
    if (n == 0)
        ark_buf_addc(b, '-');
}

static int add_line(const ana_token *t, void *ctx)
{
    ark_buf *b = ctx;
    ark_buf_printf(b, "%u %zu %zu %s", t->pos, t->start, t->end, t->word);
    add_list(b, "Z", t->lemmas, t->nlemmas);
    add_list(b, "F", t->variants, t->nvariants);
    add_list(b, "C", t->parts, t->nparts);
    ark_buf_printf(b, "%s%s\n", t->joined ? " joined" : "", t->stopword ? " stop" : "");
    return 0;
}

static char *tokens_in(ana *a, ana_mode mode, const char *text, size_t len, ana_stats *st)
{
    ark_buf b = ARK_BUF_INIT;
    ana_run(a, mode, text, len, 1, add_line, &b, st);
    return ark_buf_take(&b);
}

static char *tokens_of(ana *a, const char *text, size_t len, ana_stats *st)
{
    return tokens_in(a, ANA_DOCUMENT, text, len, st);
}

/* The analyzers of the golden file's modes: full, query, basic. */
typedef struct {
    ana *full, *basic;
} analyzers;

static char *tokens_by_mode(const analyzers *z, const char *mode, const char *text, size_t len)
{
    if (strcmp(mode, "basic") == 0)
        return tokens_in(z->basic, ANA_DOCUMENT, text, len, NULL);
    return tokens_in(z->full, strcmp(mode, "query") == 0 ? ANA_QUERY : ANA_DOCUMENT, text, len,
                     NULL);
}

static void run_golden(const analyzers *z, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!ok(f != NULL, "golden file %s opens", path))
        return;
    char line[4096];
    char input[4096];
    size_t input_len = 0;
    char label[160] = "";
    char mode[16] = "full";
    ark_buf want = ARK_BUF_INIT;
    int in_case = 0;
    for (;;) {
        char *got_line = fgets(line, sizeof line, f);
        if (got_line && sscanf(line, "# mode: %15s", mode) == 1)
            continue;
        if (got_line && line[0] == '#')
            continue;
        if (!got_line || line[0] == '\n') {
            if (in_case) {
                char *got = tokens_by_mode(z, mode, input, input_len);
                is_str(got, want.data ? want.data : "", label);
                free(got);
                ark_buf_reset(&want);
                in_case = 0;
            }
            if (!got_line)
                break;
            continue;
        }
        if (line[0] == '>' && line[1] == ' ') {
            line[strcspn(line, "\n")] = '\0';
            input_len = unescape(line + 2, input);
            snprintf(label, sizeof label, "%s tokens of: %.100s", mode, line + 2);
            in_case = 1;
        } else {
            ark_buf_adds(&want, line);
        }
    }
    ark_buf_free(&want);
    fclose(f);
}

static void test_invalid_utf8(ana *a)
{
    const char text[] = "gr\xf8nn \xc3\xa5pen\xff\xfe rus";
    ana_stats st;
    char *got = tokens_of(a, text, sizeof text - 1, &st);
    is_int((long)st.invalid_bytes, 3, "invalid UTF-8 bytes are counted");
    is_str(
        got,
        "1 0 2 gr Z:gr F:- C:-\n2 3 5 nn Z:nn F:- C:-\n3 6 11 åpen Z:åpen,åpene F:apen,apene C:-\n"
        "4 14 17 rus Z:rus,ruse,ru F:- C:-\n",
        "invalid bytes separate words and never reach a token");
    free(got);
}

static void test_long_input(ana *a)
{
    /* 10,000 letters, then 5,000 combining marks, then a word. */
    size_t n = 10000 + 5000 * 2 + 5;
    char *text = ark_malloc(n + 1);
    memset(text, 'a', 10000);
    for (size_t i = 0; i < 5000; i++)
        memcpy(text + 10000 + 2 * i, "\xcc\x81", 2);
    memcpy(text + 20000, " ordo", 5);
    text[n] = '\0';
    ana_stats st;
    char *got = tokens_of(a, text, n, &st);
    is_str(got, "2 20001 20005 ordo Z:ordo F:- C:-\n",
           "a 15,000-character word is not indexed but keeps its position");
    free(got);
    free(text);
}

/* stop_is searches the list by halves and skips words longer than its
 * longest: a word out of order or too long would never be found. */
static void test_stopword_list(void)
{
    size_t n;
    const char *const *w = stop_words(&n);
    size_t unsorted = 0, too_long = 0, missed = 0;
    for (size_t i = 0; i < n; i++) {
        unsorted += i > 0 && strcmp(w[i - 1], w[i]) >= 0;
        too_long += strlen(w[i]) > STOP_MAX_BYTES;
        missed += !stop_is(w[i], strlen(w[i]));
    }
    is_int((long)unsorted, 0, "the stopword list is sorted bytewise, without repeats");
    is_int((long)too_long, 0, "no stopword is longer than STOP_MAX_BYTES");
    is_int((long)missed, 0, "every stopword is found");
    ok(!stop_is("kvarhelsta", 10) && !stop_is("og", 1), "a longer word or a prefix is not one");
}

/* An analyzer that opens the Nynorsk dictionary at its first lookup
 * answers as one that opened it at once: in a query's fallback ("kve" is
 * Nynorsk's lemma of "kva") and in a Nynorsk document. */
static void test_lazy_nynorsk(ana *eager)
{
    ana_options lo = {0, NULL, 1};
    ana *lazy;
    if (ana_new(&lo, &lazy, NULL) != ARK_OK) {
        ok(0, "an analyzer with a lazily opened Nynorsk dictionary");
        return;
    }
    const char query[] = "kva korleis ikkje";
    char *want = tokens_in(eager, ANA_QUERY, query, sizeof query - 1, NULL);
    char *got = tokens_in(lazy, ANA_QUERY, query, sizeof query - 1, NULL);
    ok(strstr(want, "Z:kva,kve") != NULL, "the query falls back to Nynorsk's lemmas");
    is_str(got, want, "opened at its first lookup, Nynorsk's dictionary answers the query alike");
    free(want);
    free(got);
    const char doc[] = "ungdomane kjem frå byane";
    ana_set_lang(eager, ANA_NYNORSK);
    ana_set_lang(lazy, ANA_NYNORSK);
    want = tokens_in(eager, ANA_DOCUMENT, doc, sizeof doc - 1, NULL);
    got = tokens_in(lazy, ANA_DOCUMENT, doc, sizeof doc - 1, NULL);
    ana_set_lang(eager, ANA_BOKMAAL);
    is_str(got, want, "and a Nynorsk document alike");
    free(want);
    free(got);
    ana_free(lazy);
}

/* `--print MODE TEXT` prints the tokens of TEXT as a golden case would. */
static int print_case(const analyzers *z, const char *mode, const char *text)
{
    char *buf = ark_malloc(strlen(text) + 1);
    size_t len = unescape(text, buf);
    char *got = tokens_by_mode(z, mode, buf, len);
    fputs(got, stdout);
    free(got);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    ana *a, *basic;
    ana_options bo = {1, NULL, 0};
    char *err = NULL;
    if (ana_new(NULL, &a, &err) != ARK_OK || ana_new(&bo, &basic, NULL) != ARK_OK) {
        printf("Bail out! %s\n", err ? err : "no analyzer");
        return 1;
    }
    analyzers z = {a, basic};
    if (argc == 4 && strcmp(argv[1], "--print") == 0) {
        print_case(&z, argv[2], argv[3]);
        ana_free(a);
        ana_free(basic);
        return 0;
    }
    const char *dir = getenv("ARKIV_TESTDATA") ? getenv("ARKIV_TESTDATA") : "tests/data";
    char path[1024];
    snprintf(path, sizeof path, "%s/analyzer.golden", dir);
    run_golden(&z, path);
    test_invalid_utf8(a);
    test_long_input(a);
    test_stopword_list();
    test_lazy_nynorsk(a);
    ana_free(a);
    ana_free(basic);
    return done_testing();
}
