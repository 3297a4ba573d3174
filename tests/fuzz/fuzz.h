/* fuzz.h — the fuzz targets, callable without libFuzzer.
 *
 * Each target's work is a plain function so that the deterministic smoke
 * driver (smoke.c) can link both targets into one program; the symbol
 * libFuzzer wants, LLVMFuzzerTestOneInput, is defined only when a target is
 * built alone with -DARKIV_LIBFUZZER (`make fuzz`).
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

int fuzz_analyzer_one(const uint8_t *data, size_t size);
int fuzz_query_one(const uint8_t *data, size_t size);

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
