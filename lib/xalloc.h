/* xalloc.h — the one allocation wrapper, and a growable byte buffer.
 *
 * Out of memory is not an error arkiv can recover from meaningfully, so
 * these abort with a message instead of returning NULL (as Redis does).
 */
#ifndef ARKIV_XALLOC_H
#define ARKIV_XALLOC_H

#include <stddef.h>

void *ark_malloc(size_t n);
void *ark_calloc(size_t count, size_t size);
void *ark_realloc(void *p, size_t n);
/* Copies of strings; the caller frees them with free(). */
char *ark_strdup(const char *s);
char *ark_strndup(const char *s, size_t n);
/* A printf into a new string; the caller frees it. */
char *ark_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A byte buffer that always keeps a NUL after its contents. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} ark_buf;

#define ARK_BUF_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void ark_buf_grow(ark_buf *b, size_t extra);
void ark_buf_add(ark_buf *b, const char *s, size_t n);
void ark_buf_adds(ark_buf *b, const char *s);
void ark_buf_addc(ark_buf *b, char c);
void ark_buf_printf(ark_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ark_buf_reset(ark_buf *b);
/* Hands the contents (NUL-terminated, never NULL) to the caller and empties b. */
char *ark_buf_take(ark_buf *b);
void ark_buf_free(ark_buf *b);

#endif
