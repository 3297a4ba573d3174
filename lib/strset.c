/* strset.c — open-addressing string set; keys are kept in insertion order. */
#include "strset.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct strset {
    char **keys; /* insertion order */
    size_t *lens;
    size_t count;
    size_t keys_cap;
    long *slots;   /* index into keys, or -1 */
    size_t nslots; /* power of two */
};

uint64_t ark_fnv1a(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void init_slots(strset *s, size_t n)
{
    s->nslots = n;
    s->slots = ark_malloc(n * sizeof *s->slots);
    for (size_t i = 0; i < n; i++)
        s->slots[i] = -1;
}

strset *strset_new(void)
{
    strset *s = ark_calloc(1, sizeof *s);
    init_slots(s, 64);
    return s;
}

void strset_free(strset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++)
        free(s->keys[i]);
    free(s->keys);
    free(s->lens);
    free(s->slots);
    free(s);
}

/* The slot holding key, or the empty slot where it would go. */
static size_t find_slot(const strset *s, const char *key, size_t len)
{
    size_t mask = s->nslots - 1;
    size_t i = (size_t)ark_fnv1a(key, len, ARK_FNV_SEED) & mask;
    while (s->slots[i] >= 0) {
        long k = s->slots[i];
        if (s->lens[k] == len && memcmp(s->keys[k], key, len) == 0)
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

static void grow(strset *s)
{
    free(s->slots);
    init_slots(s, s->nslots * 2);
    for (size_t k = 0; k < s->count; k++)
        s->slots[find_slot(s, s->keys[k], s->lens[k])] = (long)k;
}

size_t strset_put(strset *s, const char *key, size_t len, int *added)
{
    if ((s->count + 1) * 2 > s->nslots)
        grow(s);
    size_t i = find_slot(s, key, len);
    *added = s->slots[i] < 0;
    if (!*added)
        return (size_t)s->slots[i];
    if (s->count == s->keys_cap) {
        s->keys_cap = s->keys_cap ? s->keys_cap * 2 : 16;
        s->keys = ark_realloc(s->keys, s->keys_cap * sizeof *s->keys);
        s->lens = ark_realloc(s->lens, s->keys_cap * sizeof *s->lens);
    }
    s->keys[s->count] = ark_strndup(key, len);
    s->lens[s->count] = len;
    s->slots[i] = (long)s->count;
    return s->count++;
}

int strset_add(strset *s, const char *key, size_t len)
{
    int added;
    strset_put(s, key, len, &added);
    return added;
}

long strset_index(const strset *s, const char *key, size_t len)
{
    return s->slots[find_slot(s, key, len)];
}

int strset_has(const strset *s, const char *key, size_t len)
{
    return strset_index(s, key, len) >= 0;
}

size_t strset_count(const strset *s)
{
    return s->count;
}

const char *strset_key(const strset *s, size_t i)
{
    return i < s->count ? s->keys[i] : NULL;
}

size_t strset_key_len(const strset *s, size_t i)
{
    return i < s->count ? s->lens[i] : 0;
}
