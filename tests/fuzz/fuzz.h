/* fuzz.h — the fuzz targets, callable without libFuzzer.
 *
 * Each target's work is a plain function so that the deterministic smoke
 * driver (smoke.c) can link all targets into one program; the symbol
 * libFuzzer wants, LLVMFuzzerTestOneInput, is defined only when a target is
 * built alone with -DARKIV_LIBFUZZER (`make fuzz`).  fuzz_common.c and
 * fuzz_extract.c hold what several targets share.
 *
 * A target returns 0.  When the library breaks one of its promises the
 * target calls fuzz_fail, which aborts: libFuzzer and the smoke driver alike
 * then see a crash and keep the input.
 */
#ifndef ARKIV_FUZZ_H
#define ARKIV_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "extract.h"

int fuzz_analyzer_one(const uint8_t *data, size_t size);
int fuzz_query_one(const uint8_t *data, size_t size);
int fuzz_text_one(const uint8_t *data, size_t size);
int fuzz_html_one(const uint8_t *data, size_t size);
int fuzz_xml_one(const uint8_t *data, size_t size);
int fuzz_pdf_one(const uint8_t *data, size_t size);
int fuzz_http_one(const uint8_t *data, size_t size);

/* ---- fuzz_common.c ---- */

typedef struct ana ana;

/* One analyzer with the full analysis for the whole process. */
ana *fuzz_shared_analyzer(void);
/* A temporary directory for the whole process, removed at exit with all
 * that is in it. */
const char *fuzz_tmp_dir(void);
/* Writes text to dir/name, or fails. */
void fuzz_write_file(const char *dir, const char *name, const char *text);
/* The path of an index of three documents (two minutes in plain text, one
 * arkiv XML document with an internal section), built on first use in
 * fuzz_tmp_dir. */
const char *fuzz_index(void);

/* ---- fuzz_extract.c ---- */

/* One of extract.h's extractors, as a target sees it. */
typedef struct {
    const char *target; /* "text": for the messages */
    ark_status (*extract)(const char *data, size_t len, ark_doc *d, char **detail);
    const char *formats[3]; /* what d->format may be after it, NULL-terminated */
} fuzz_extractor;

/* Runs data through x->extract and the rest of what extract_document and
 * the indexer do with a document, checking what document.h and extract.h
 * promise; fails on a broken promise. */
void fuzz_extract(const fuzz_extractor *x, const uint8_t *data, size_t size);

/* The entry point libFuzzer calls, for a target built alone with
 * -DARKIV_LIBFUZZER (`make fuzz`); nothing in the smoke driver's build. */
#ifdef ARKIV_LIBFUZZER
#define FUZZ_LIBFUZZER_ENTRY(one)                                                                  \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                                  \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                                   \
    {                                                                                              \
        return one(data, size);                                                                    \
    }
#else
#define FUZZ_LIBFUZZER_ENTRY(one)
#endif

/* Says which promise broke, then aborts: the stack alone would not say. */
static inline _Noreturn void fuzz_fail(const char *target, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline _Noreturn void fuzz_fail(const char *target, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz_%s: invariant broken: ", target);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
    abort();
}

/* Whether s[0..len) is entirely valid UTF-8, by utf8proc's rules (the ones
 * the analyzer decodes with). */
static inline int fuzz_valid_utf8(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return 0;
        i += (size_t)n;
    }
    return 1;
}

#endif
