/* strset.c — open-addressing string set; keys are kept in insertion order.
 *
 * The indexer looks up every term of every token here, so the probe loop
 * is kept cheap: a slot holds part of the key's hash next to its index,
 * and keys are compared only when those match; keys are copied into large
 * blocks rather than allocated one by one. */
#include "strset.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define BLOCK_SIZE 65536 /* most bytes of keys a block holds, unless a key is longer */

typedef struct {
    uint32_t hash; /* the key's hash, its high half */
    int32_t index; /* into keys, or -1 */
} slot;

typedef struct block {
    struct block *prev;
    size_t used, cap;
    char data[];
} block;

struct strset {
    const char **keys; /* insertion order, each NUL-terminated in a block */
    size_t *lens;
    size_t count;
    size_t keys_cap;
    slot *slots;
    size_t nslots; /* power of two */
    block *blocks; /* the newest first */
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
        s->slots[i] = (slot){0, -1};
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
    for (block *b = s->blocks, *prev; b; b = prev) {
        prev = b->prev;
        free(b);
    }
    free(s->keys);
    free(s->lens);
    free(s->slots);
    free(s);
}

/* The slot holding key (with hash h), or the empty slot where it would go. */
static size_t find_slot(const strset *s, const char *key, size_t len, uint64_t h)
{
    size_t mask = s->nslots - 1;
    size_t i = (size_t)h & mask;
    uint32_t tag = (uint32_t)(h >> 32);
    while (s->slots[i].index >= 0) {
        const slot *sl = &s->slots[i];
        if (sl->hash == tag && s->lens[sl->index] == len &&
            memcmp(s->keys[sl->index], key, len) == 0)
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

static void grow(strset *s)
{
    size_t n = s->nslots * 2, mask = n - 1;
    slot *old = s->slots;
    size_t nold = s->nslots;
    init_slots(s, n);
    for (size_t j = 0; j < nold; j++) {
        if (old[j].index < 0)
            continue;
        const char *key = s->keys[old[j].index];
        uint64_t h = ark_fnv1a(key, s->lens[old[j].index], ARK_FNV_SEED);
        size_t i = (size_t)h & mask;
        while (s->slots[i].index >= 0)
            i = (i + 1) & mask;
        s->slots[i] = old[j];
    }
    free(old);
}

/* A copy of key, NUL-terminated, in the newest block (a new one if full). */
static const char *copy_key(strset *s, const char *key, size_t len)
{
    block *b = s->blocks;
    if (!b || b->cap - b->used < len + 1) {
        /* small sets stay small: blocks double from 1 KB */
        size_t cap = b && b->cap < BLOCK_SIZE ? 2 * b->cap : b ? BLOCK_SIZE : 1024;
        cap = len + 1 > cap ? len + 1 : cap;
        b = ark_malloc(sizeof *b + cap);
        b->prev = s->blocks;
        b->used = 0;
        b->cap = cap;
        s->blocks = b;
    }
    char *p = b->data + b->used;
    memcpy(p, key, len);
    p[len] = '\0';
    b->used += len + 1;
    return p;
}

size_t strset_put(strset *s, const char *key, size_t len, int *added)
{
    if ((s->count + 1) * 2 > s->nslots)
        grow(s);
    uint64_t h = ark_fnv1a(key, len, ARK_FNV_SEED);
    size_t i = find_slot(s, key, len, h);
    *added = s->slots[i].index < 0;
    if (!*added)
        return (size_t)s->slots[i].index;
    if (s->count == s->keys_cap) {
        s->keys_cap = s->keys_cap ? s->keys_cap * 2 : 16;
        s->keys = ark_realloc(s->keys, s->keys_cap * sizeof *s->keys);
        s->lens = ark_realloc(s->lens, s->keys_cap * sizeof *s->lens);
    }
    s->keys[s->count] = copy_key(s, key, len);
    s->lens[s->count] = len;
    s->slots[i] = (slot){(uint32_t)(h >> 32), (int32_t)s->count};
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
    return s->slots[find_slot(s, key, len, ark_fnv1a(key, len, ARK_FNV_SEED))].index;
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
