/* smoke.c — runs the fuzz targets deterministically, as a TAP test.
 *
 * libFuzzer needs clang and minutes; this driver needs neither, so the fuzz
 * targets run in every `make test` and `make check`.  Each target gets its
 * seed files (relative to the current directory: prove runs from the
 * repository root) and then inputs from a fixed-seed generator:
 *
 *   - the analyzer and the query parser get the files directly in
 *     tests/fuzz/seeds/, then text made of pieces that favour what they
 *     treat specially: Norwegian letters, quotes, signs, OR, combining
 *     marks, digits with separators, invalid UTF-8 and, now and then, a
 *     very long run;
 *   - the extractors and the daemon get the files in tests/fuzz/seeds/NAME/,
 *     then those files mutated as libFuzzer would: bytes changed, spans
 *     cut, copied or spliced from another seed, tokens of tests/fuzz/NAME.dict
 *     inserted, text pieces inserted, the end cut off.
 *
 * The same inputs every run, so a failure always reproduces.  A broken
 * invariant aborts inside the target; before the process dies this driver
 * prints the input that did it, in hex, so it can be kept as a seed.
 *
 *   fuzz_smoke                 the seeds and the generated inputs, TAP on stdout
 *   fuzz_smoke FILE...         only the given files, each through every target
 *   fuzz_smoke -t NAME FILE... only the given files, through target NAME
 *   fuzz_smoke --seeds NAME    prints target NAME's seed files (for make fuzz)
 *
 * The extractors' seeds also take in the tests' own sample files (the
 * patterns in TARGETS), rather than copies of them.
 */
#define _XOPEN_SOURCE 700 /* opendir, sigaction */

#include <dirent.h>
#include <glob.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "xalloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define SMOKE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SMOKE_SANITIZED 1
#endif
#endif
#ifdef SMOKE_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

#define SEED_DIR "tests/fuzz/seeds"
#define DICT_DIR "tests/fuzz"
#define ANALYZER_INPUTS 20000
#define QUERY_INPUTS 3000
#define TEXT_INPUTS 2000
#define HTML_INPUTS 2000
#define XML_INPUTS 2000
#define PDF_INPUTS 300
#define HTTP_INPUTS 1000
#define MAX_SHORT_LEN 300
#define INPUT_CAP 16384  /* the short part plus the longest run (5000 two-byte letters) */
#define MUTANT_CAP 32768 /* the largest seed (a 10 KB PDF) and then some */

typedef int (*target_fn)(const uint8_t *data, size_t size);

typedef struct {
    const char *name;
    target_fn fn;
    unsigned random_inputs;
    uint64_t seed; /* one per target: adding inputs to one leaves the others alone */
    int mutate;    /* inputs are mutated seeds of SEED_DIR/name, not text pieces */
    const char *const *shared; /* glob patterns of the tests' own files that are seeds too */
} target;

/* The tests' sample files, seeds as they stand (not copied into SEED_DIR). */
static const char *const HTML_SHARED[] = {"tests/data/extract/*.html", "tests/data/extract/*.xhtml",
                                          NULL};
static const char *const XML_SHARED[] = {"tests/data/extract/*.xml", "tests/data/access/*.xml",
                                         "corpus/catalogue.xml", NULL};


static const target TARGETS[] = {
    {"analyzer", fuzz_analyzer_one, ANALYZER_INPUTS, 0x61726b6976616e61ULL, 0, NULL},
    {"query", fuzz_query_one, QUERY_INPUTS, 0x61726b6976717279ULL, 0, NULL},
    {"text", fuzz_text_one, TEXT_INPUTS, 0x61726b6976747874ULL, 1, NULL},
    {"html", fuzz_html_one, HTML_INPUTS, 0x61726b697668746dULL, 1, HTML_SHARED},
    {"xml", fuzz_xml_one, XML_INPUTS, 0x61726b6976786d6cULL, 1, XML_SHARED},
    {"pdf", fuzz_pdf_one, PDF_INPUTS, 0x61726b6976706466ULL, 1, NULL},
    {"http", fuzz_http_one, HTTP_INPUTS, 0x61726b6976687470ULL, 1, NULL},
};
#define NTARGETS (sizeof TARGETS / sizeof *TARGETS)

/* ------------------------------------------------------------------ TAP */

static int tap_count, tap_failed;

static void tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s %d - ", cond ? "ok" : "not ok", ++tap_count);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    fflush(stdout); /* before a later crash can lose it */
    if (!cond)
        tap_failed++;
}

/* ------------------------------------------------------ the input on trial */

/* What runs now, for the crash report; set before each call into a target. */
static struct {
    const char *target;
    const char *source; /* a seed's path, or "random" */
    unsigned index;
    const uint8_t *data;
    size_t size;
} current;

static volatile sig_atomic_t reported;

static void put(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void put_str(const char *s)
{
    put(s, strlen(s));
}

static void put_uint(size_t v)
{
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(buf + i, sizeof buf - i);
}

/* Prints the input on trial in hex.  Called from a signal handler or a
 * sanitizer's death callback, so it only uses write(2). */
static void report_current(void)
{
    if (reported || !current.target)
        return;
    reported = 1;
    static const char HEX[] = "0123456789abcdef";
    put_str("# fuzz_smoke: target ");
    put_str(current.target);
    put_str(" failed on input ");
    put_uint(current.index);
    put_str(" from ");
    put_str(current.source);
    put_str(", ");
    put_uint(current.size);
    put_str(" bytes, in hex:\n");
    char line[2 + 64 + 1]; /* "# ", 32 bytes, newline */
    for (size_t i = 0; i < current.size; i += 32) {
        size_t n = 0;
        line[n++] = '#';
        line[n++] = ' ';
        for (size_t j = i; j < current.size && j < i + 32; j++) {
            line[n++] = HEX[current.data[j] >> 4];
            line[n++] = HEX[current.data[j] & 15];
        }
        line[n++] = '\n';
        put(line, n);
    }
}

static const int FATAL_SIGNALS[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
static struct sigaction previous[sizeof FATAL_SIGNALS / sizeof *FATAL_SIGNALS];

/* Reports, then hands the signal to whoever had it before: the default
 * action, or a sanitizer's handler, whose report and stack matter more than
 * ours. */
static void on_fatal_signal(int sig, siginfo_t *info, void *uctx)
{
    (void)uctx;
    report_current();
    for (size_t i = 0; i < sizeof FATAL_SIGNALS / sizeof *FATAL_SIGNALS; i++)
        if (FATAL_SIGNALS[i] == sig)
            sigaction(sig, &previous[i], NULL);
    /* A fault recurs when the instruction runs again after we return, with
     * its real address; a signal that was sent (abort, kill) must be sent
     * again. */
    if (info->si_code <= 0)
        raise(sig);
}

static void install_crash_report(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof FATAL_SIGNALS / sizeof *FATAL_SIGNALS; i++)
        sigaction(FATAL_SIGNALS[i], &sa, &previous[i]);
#ifdef SMOKE_SANITIZED
    /* AddressSanitizer catches SIGSEGV itself and may _exit without raising
     * anything we could catch: it calls this instead. */
    __sanitizer_set_death_callback(report_current);
#endif
}

#ifdef SMOKE_SANITIZED
/* UndefinedBehaviorSanitizer calls this hook (weak in its runtime) on each
 * report.  With gcc it is a library of its own, deaf to the death callback
 * set above, and it exits with _exit: this is the only chance to say which
 * input did it. */
void __ubsan_on_report(void);
void __ubsan_on_report(void)
{
    report_current();
}
#endif

static void try_input(const target *t, const char *source, unsigned index, const uint8_t *data,
                      size_t size)
{
    current.target = t->name;
    current.source = source;
    current.index = index;
    current.data = data;
    current.size = size;
    t->fn(data, size);
    current.target = NULL;
}

/* ------------------------------------------------------------ seed files */

/* Reads a whole file; NULL if it cannot be read. */
static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0, n;
    uint8_t *buf = ark_malloc(cap);
    while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap)
            buf = ark_realloc(buf, cap *= 2);
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return NULL;
    }
    *size = len;
    return buf;
}

static int run_file(const target *t, const char *path, unsigned index)
{
    size_t size;
    uint8_t *data = read_file(path, &size);
    if (!data)
        return 0;
    try_input(t, path, index, data, size);
    free(data);
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files in dir, sorted so that runs are repeatable; NULL when
 * the directory cannot be read. */
static char **list_seeds(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **paths = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *path = ark_sprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        paths = ark_realloc(paths, (n + 1) * sizeof *paths);
        paths[n++] = path;
    }
    closedir(d);
    qsort(paths, n, sizeof *paths, by_name);
    *count = n;
    return paths ? paths : ark_calloc(1, sizeof *paths);
}

/* The target's seed directory; the caller frees it. */
static char *seed_dir(const target *t)
{
    return t->mutate ? ark_sprintf("%s/%s", SEED_DIR, t->name) : ark_strdup(SEED_DIR);
}

/* The target's seed files: its directory's, then the shared ones; NULL
 * when the directory cannot be read. */
static char **target_seeds(const target *t, size_t *count)
{
    char *dir = seed_dir(t);
    char **paths = list_seeds(dir, count);
    free(dir);
    for (const char *const *pat = t->shared; paths && pat && *pat; pat++) {
        glob_t g;
        if (glob(*pat, 0, NULL, &g) != 0)
            continue;
        paths = ark_realloc(paths, (*count + g.gl_pathc + 1) * sizeof *paths);
        for (size_t i = 0; i < g.gl_pathc; i++)
            paths[(*count)++] = ark_strdup(g.gl_pathv[i]);
        globfree(&g);
    }
    return paths;
}

static void run_seeds(const target *t)
{
    size_t n = 0, ran = 0;
    char *dir = seed_dir(t);
    char **paths = target_seeds(t, &n);
    int listed = paths != NULL;
    for (size_t i = 0; listed && i < n; i++) {
        ran += (size_t)run_file(t, paths[i], (unsigned)i);
        free(paths[i]);
    }
    free(paths);
    /* No seeds at all means the test ran from the wrong directory. */
    tap_ok(listed && n > 0 && ran == n, "%s survived %zu of %zu seed files in %s", t->name, ran, n,
           dir);
    free(dir);
}

/* ------------------------------------------------------- generated inputs */

/* xorshift64*: tiny, and the same sequence on every platform, unlike rand(). */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static unsigned below(uint64_t *state, unsigned n)
{
    return (unsigned)((next_random(state) >> 32) % n);
}

static const char *pick(uint64_t *state, const char *const *choices, size_t n)
{
    return choices[below(state, (unsigned)n)];
}

#define PICK(state, array) pick(state, array, sizeof array / sizeof *array)

static const char *const NORWEGIAN[] = {"\xc3\xa6", "\xc3\xb8", "\xc3\xa5", "\xc3\x86",
                                        "\xc3\x98", "\xc3\x85", "\xc3\xa9"};
static const char *const QUOTES[] = {"\"",           "\xc2\xab",     "\xc2\xbb",
                                     "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x9e"};
static const char *const OPERATORS[] = {"-", "+", "(", ")", " OR ", "OR", " -", " +"};
/* Where the analyzer joins digits: dot, comma, en dash. */
static const char *const DIGIT_JOINERS[] = {".", ",", "\xe2\x80\x93"};
/* Truncated sequences, a lone continuation byte, an overlong '/', a UTF-16
 * surrogate, a code point past U+10FFFF, bytes that never occur. */
static const char *const INVALID[] = {"\xc3",     "\xe2\x80",     "\x80",
                                      "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                      "\xff",     "\xfe",         "\xf0\x9f\x98"};
/* Characters that continue a word and vanish in normalization, and the
 * Unicode hyphens. */
static const char *const INVISIBLE[] = {"\xc2\xad",     "\xe2\x80\x8b", "\xe2\x80\x8d",
                                        "\xe2\x81\xa0", "\xe2\x80\x90", "\xe2\x80\x91"};
/* Words of the documents fuzz_query indexes (and their stems), so that
 * queries find hits and the snippets get made. */
static const char *const WORDS[] = {"oslo",
                                    "Politiet",
                                    "politimester",
                                    "\xc3\xa5pne",
                                    "rusmilj\xc3\xb8",
                                    "rusmilj\xc3\xb8"
                                    "ene",
                                    "Pride",
                                    "skeive",
                                    "HC-kort",
                                    "ID-kort",
                                    "kafe",
                                    "software",
                                    "21.04.2023",
                                    "08\xe2\x80\x93"
                                    "23",
                                    "3,5",
                                    "\xc3\xa9n-til-\xc3\xa9n",
                                    "Violence",
                                    "service",
                                    "og",
                                    "i"};
#define COMBINING_ACUTE "\xcc\x81" /* U+0301 */

typedef struct {
    uint8_t *buf;
    size_t len;
    size_t limit; /* stop here, even inside a character: that makes invalid UTF-8 too */
} input;

static void add(input *in, const char *s, size_t n)
{
    if (n > in->limit - in->len)
        n = in->limit - in->len;
    memcpy(in->buf + in->len, s, n);
    in->len += n;
}

static void add_str(input *in, const char *s)
{
    add(in, s, strlen(s));
}

static void add_byte(input *in, uint8_t c)
{
    add(in, (const char *)&c, 1);
}

/* Digits with joiners between them: "21.04.2023", "3,5", "08–23". */
static void add_number(input *in, uint64_t *rng)
{
    unsigned groups = 1 + below(rng, 3);
    for (unsigned g = 0; g < groups; g++) {
        if (g > 0)
            add_str(in, PICK(rng, DIGIT_JOINERS));
        unsigned digits = 1 + below(rng, 4);
        for (unsigned i = 0; i < digits; i++)
            add_byte(in, (uint8_t)('0' + below(rng, 10)));
    }
}

/* A word of the documents, mostly followed by a space so that it stays
 * whole. */
static void add_word(input *in, uint64_t *rng)
{
    add_str(in, PICK(rng, WORDS));
    if (below(rng, 4))
        add_byte(in, ' ');
}

/* One piece, drawn with weights that make words frequent enough for the
 * tokens, and the hostile parts frequent enough to matter. */
static void add_piece(input *in, uint64_t *rng)
{
    unsigned r = below(rng, 100);
    if (r < 25)
        add_byte(in, (uint8_t)('a' + below(rng, 26) - (below(rng, 4) ? 0 : 32)));
    else if (r < 37)
        add_str(in, PICK(rng, NORWEGIAN));
    else if (r < 45)
        add_word(in, rng);
    else if (r < 58)
        add_byte(in, ' ');
    else if (r < 63)
        add_str(in, PICK(rng, QUOTES));
    else if (r < 72)
        add_str(in, PICK(rng, OPERATORS));
    else if (r < 77)
        add_str(in, COMBINING_ACUTE);
    else if (r < 84)
        add_number(in, rng);
    else if (r < 89)
        add_str(in, PICK(rng, INVALID));
    else if (r < 93)
        add_str(in, PICK(rng, INVISIBLE));
    else
        add_byte(in, (uint8_t)below(rng, 256));
}

static void add_pieces(input *in, uint64_t *rng, size_t upto)
{
    size_t saved = in->limit;
    in->limit = upto;
    while (in->len < upto)
        add_piece(in, rng);
    in->limit = saved;
}

static void add_letter(input *in, uint64_t *rng)
{
    if (below(rng, 4))
        add_byte(in, (uint8_t)('a' + below(rng, 26)));
    else
        add_str(in, PICK(rng, NORWEGIAN));
}

/* A run long enough to hit the analyzer's caps: 5000 letters, 2000
 * combining marks on one letter, or one word just around the limit on terms
 * (ARK_MAX_TERM, 240 bytes) or anywhere up to past the limit on raw words
 * (960 bytes). */
static void add_long_run(input *in, uint64_t *rng)
{
    switch (below(rng, 3)) {
    case 0:
        for (unsigned i = 0; i < 5000; i++)
            add_letter(in, rng);
        return;
    case 1:
        add_byte(in, 'e');
        for (unsigned i = 0; i < 2000; i++)
            add_str(in, COMBINING_ACUTE);
        return;
    default: {
        size_t end = in->len + (below(rng, 2) ? 225 + below(rng, 31) : 200 + below(rng, 801));
        while (in->len < end && in->len < in->limit)
            add_letter(in, rng);
        return;
    }
    }
}

/* One input: 0..300 bytes of pieces, and in one input of 40 a long run
 * somewhere inside them. */
static size_t make_input(uint8_t *buf, uint64_t *rng)
{
    input in = {buf, 0, INPUT_CAP};
    size_t len = below(rng, MAX_SHORT_LEN + 1);
    size_t split = below(rng, (unsigned)len + 1);
    add_pieces(&in, rng, split);
    if (below(rng, 40) == 0)
        add_long_run(&in, rng);
    add_pieces(&in, rng, in.len + (len - split));
    return in.len;
}

/* ------------------------------------------------------ mutated seeds */

typedef struct {
    uint8_t **data; /* the seed files */
    size_t *size;
    size_t n;
    char **tokens; /* the dictionary's */
    size_t *token_len;
    size_t ntokens;
} pool;

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The token on a line of a libFuzzer dictionary (name="value", with \\,
 * \" and \xHH escapes) into out, its length in *len; 0 for a comment, a
 * blank line or a line that is not one. */
static int dict_token(const char *line, char *out, size_t *len)
{
    const char *q = strchr(line, '"');
    if (line[strspn(line, " \t")] == '#' || !q)
        return 0;
    size_t n = 0;
    for (q++; *q && *q != '"'; q++) {
        if (*q == '\\' && q[1] == 'x' && hex_digit(q[2]) >= 0 && hex_digit(q[3]) >= 0) {
            out[n++] = (char)(hex_digit(q[2]) * 16 + hex_digit(q[3]));
            q += 3;
        } else if (*q == '\\' && (q[1] == '\\' || q[1] == '"')) {
            out[n++] = *++q;
        } else {
            out[n++] = *q;
        }
    }
    *len = n;
    return *q == '"' && n > 0;
}

/* DICT_DIR/name.dict, if there is one. */
static void load_dict(const target *t, pool *p)
{
    char *path = ark_sprintf("%s/%s.dict", DICT_DIR, t->name);
    FILE *f = fopen(path, "r");
    free(path);
    char line[1024], token[1024];
    size_t len;
    while (f && fgets(line, sizeof line, f)) {
        if (!dict_token(line, token, &len))
            continue;
        p->tokens = ark_realloc(p->tokens, (p->ntokens + 1) * sizeof *p->tokens);
        p->token_len = ark_realloc(p->token_len, (p->ntokens + 1) * sizeof *p->token_len);
        p->tokens[p->ntokens] = ark_strndup(token, len);
        p->token_len[p->ntokens++] = len;
    }
    if (f)
        fclose(f);
}

static void load_pool(const target *t, pool *p)
{
    memset(p, 0, sizeof *p);
    size_t n = 0;
    char **paths = target_seeds(t, &n);
    for (size_t i = 0; paths && i < n; i++) {
        size_t size;
        uint8_t *data = read_file(paths[i], &size);
        free(paths[i]);
        if (!data)
            continue;
        p->data = ark_realloc(p->data, (p->n + 1) * sizeof *p->data);
        p->size = ark_realloc(p->size, (p->n + 1) * sizeof *p->size);
        p->data[p->n] = data;
        p->size[p->n++] = size < MUTANT_CAP / 2 ? size : MUTANT_CAP / 2;
    }
    free(paths);
    load_dict(t, p);
}

static void free_pool(pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->data[i]);
    for (size_t i = 0; i < p->ntokens; i++)
        free(p->tokens[i]);
    free(p->data);
    free(p->size);
    free(p->tokens);
    free(p->token_len);
}

/* Makes room for n bytes at at (as far as the cap allows); returns how many. */
static size_t open_gap(input *in, size_t at, size_t n)
{
    if (n > in->limit - in->len)
        n = in->limit - in->len;
    memmove(in->buf + at + n, in->buf + at, in->len - at);
    in->len += n;
    return n;
}

static void insert(input *in, size_t at, const void *s, size_t n)
{
    n = open_gap(in, at, n);
    memcpy(in->buf + at, s, n);
}

/* One change at a random place, chosen as libFuzzer's mutators do. */
static void mutate_once(input *in, const pool *p, uint64_t *rng)
{
    size_t at = below(rng, (unsigned)in->len + 1);
    size_t span = 1 + below(rng, below(rng, 4) ? 8 : 256);
    switch (below(rng, 7)) {
    case 0: /* a byte changed, often to a nearby value */
        if (at < in->len)
            in->buf[at] = below(rng, 2) ? (uint8_t)(in->buf[at] ^ (1u << below(rng, 8)))
                                        : (uint8_t)below(rng, 256);
        return;
    case 1: /* a token of the dictionary */
        if (p->ntokens) {
            size_t k = below(rng, (unsigned)p->ntokens);
            insert(in, at, p->tokens[k], p->token_len[k]);
        }
        return;
    case 2: /* a span cut out */
        span = span < in->len - at ? span : in->len - at;
        memmove(in->buf + at, in->buf + at + span, in->len - at - span);
        in->len -= span;
        return;
    case 3: { /* a span of this or another seed copied in */
        size_t k = below(rng, (unsigned)p->n);
        size_t from = below(rng, (unsigned)p->size[k] + 1);
        span = span < p->size[k] - from ? span : p->size[k] - from;
        insert(in, at, p->data[k] + from, span);
        return;
    }
    case 4: { /* text pieces, as the analyzer's inputs have */
        size_t n = 1 + below(rng, 12), end = in->len;
        input piece = {in->buf + end, 0, in->limit - end};
        while (n--)
            add_piece(&piece, rng);
        uint8_t tmp[256];
        size_t len = piece.len < sizeof tmp ? piece.len : sizeof tmp;
        memcpy(tmp, piece.buf, len);
        insert(in, at, tmp, len);
        return;
    }
    case 5: /* the end cut off */
        if (below(rng, 3) == 0)
            in->len = at;
        return;
    default: { /* a span repeated */
        uint8_t tmp[256];
        span = span < in->len - at ? span : in->len - at;
        memcpy(tmp, in->buf + at, span);
        for (unsigned r = below(rng, 8); r > 0; r--)
            insert(in, at, tmp, span);
        return;
    }
    }
}

/* One input: a seed with one to eight changes. */
static size_t make_mutant(uint8_t *buf, const pool *p, uint64_t *rng)
{
    size_t k = below(rng, (unsigned)p->n);
    input in = {buf, p->size[k], MUTANT_CAP};
    memcpy(buf, p->data[k], p->size[k]);
    for (unsigned r = 1 + below(rng, below(rng, 2) ? 2 : 8); r > 0; r--)
        mutate_once(&in, p, rng);
    return in.len;
}

static void run_random(const target *t)
{
    uint8_t *buf = ark_malloc(t->mutate ? MUTANT_CAP : INPUT_CAP);
    uint64_t rng = t->seed;
    pool p;
    if (t->mutate)
        load_pool(t, &p);
    if (t->mutate && p.n == 0) {
        tap_ok(0, "%s has seed files to mutate", t->name);
        free_pool(&p);
        free(buf);
        return;
    }
    for (unsigned i = 0; i < t->random_inputs; i++) {
        size_t size = t->mutate ? make_mutant(buf, &p, &rng) : make_input(buf, &rng);
        try_input(t, t->mutate ? "mutated" : "random", i, buf, size);
    }
    if (t->mutate)
        free_pool(&p);
    free(buf);
    tap_ok(1, "%s survived %u %s inputs", t->name, t->random_inputs,
           t->mutate ? "mutated" : "random");
}

/* ------------------------------------------------------------------ main */

/* Runs each file through each target, or only through the one named. */
static void run_given_files(const char *only, int nfiles, char **files)
{
    int found = 0;
    for (size_t t = 0; t < NTARGETS; t++) {
        if (only && strcmp(only, TARGETS[t].name) != 0)
            continue;
        found = 1;
        for (int i = 0; i < nfiles; i++)
            tap_ok(run_file(&TARGETS[t], files[i], (unsigned)i), "%s survived %s", TARGETS[t].name,
                   files[i]);
    }
    if (!found)
        tap_ok(0, "a target named %s", only);
}

/* Prints the seed files of target name, one per line (for `make fuzz`,
 * which gives them to libFuzzer). */
static int print_seeds(const char *name)
{
    for (size_t t = 0; t < NTARGETS; t++) {
        if (strcmp(name, TARGETS[t].name) != 0)
            continue;
        size_t n = 0;
        char **paths = target_seeds(&TARGETS[t], &n);
        for (size_t i = 0; paths && i < n; i++) {
            puts(paths[i]);
            free(paths[i]);
        }
        free(paths);
        return paths ? 0 : 1;
    }
    fprintf(stderr, "fuzz_smoke: no target named %s\n", name);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--seeds") == 0)
        return print_seeds(argv[2]);
    install_crash_report();
    if (argc > 2 && strcmp(argv[1], "-t") == 0) {
        run_given_files(argv[2], argc - 3, argv + 3);
    } else if (argc > 1) {
        run_given_files(NULL, argc - 1, argv + 1);
    } else {
        for (size_t t = 0; t < NTARGETS; t++) {
            run_seeds(&TARGETS[t]);
            run_random(&TARGETS[t]);
        }
    }
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}
