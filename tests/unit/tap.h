/* tap.h — a minimal TAP producer for the unit tests (prove reads it). */
#ifndef ARKIV_TAP_H
#define ARKIV_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

#define TAP_UNUSED __attribute__((unused))

static TAP_UNUSED int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ok(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s %d - ", cond ? "ok" : "not ok", ++tap_count);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (!cond)
        tap_failed++;
    fflush(stdout);
    return cond;
}

/* Prints s as one diagnostic line, with line breaks shown as \n. */
static TAP_UNUSED void tap_diag(const char *label, const char *s)
{
    printf("# %8s: ", label);
    for (; s && *s; s++) {
        if (*s == '\n')
            fputs("\\n", stdout);
        else
            putchar(*s);
    }
    putchar('\n');
}

/* Compares strings; on a difference, shows both as TAP diagnostics. */
static TAP_UNUSED int is_str(const char *got, const char *want, const char *name)
{
    int same = got && want && strcmp(got, want) == 0;
    ok(same, "%s", name);
    if (!same) {
        tap_diag("got", got ? got : "(null)");
        tap_diag("expected", want ? want : "(null)");
    }
    return same;
}

static TAP_UNUSED int is_int(long got, long want, const char *name)
{
    ok(got == want, "%s", name);
    if (got != want)
        printf("#      got: %ld\n# expected: %ld\n", got, want);
    return got == want;
}

static TAP_UNUSED int done_testing(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

#endif
