/* xalloc.c — allocation that aborts on failure, and ark_buf. */
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t n)
{
    fprintf(stderr, "arkiv: out of memory allocating %zu bytes\n", n);
    abort();
}

void *ark_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *ark_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *ark_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *ark_strndup(const char *s, size_t n)
{
    char *d = ark_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ark_strdup(const char *s)
{
    return ark_strndup(s, strlen(s));
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        n = 0;
    char *s = ark_malloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *ark_sprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

void ark_buf_grow(ark_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = ark_realloc(b->data, cap);
    b->cap = cap;
    /* a first allocation has no NUL yet: a buffer grown and left empty
     * (a text that re-flows to nothing) must still read as "" */
    b->data[b->len] = '\0';
}

void ark_buf_add(ark_buf *b, const char *s, size_t n)
{
    ark_buf_grow(b, n);
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ark_buf_adds(ark_buf *b, const char *s)
{
    ark_buf_add(b, s, strlen(s));
}

void ark_buf_addc(ark_buf *b, char c)
{
    ark_buf_add(b, &c, 1);
}

void ark_buf_printf(ark_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    ark_buf_adds(b, s);
    free(s);
}

void ark_buf_reset(ark_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *ark_buf_take(ark_buf *b)
{
    char *s = b->data ? b->data : ark_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void ark_buf_free(ark_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
