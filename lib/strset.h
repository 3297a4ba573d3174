/* strset.h — a set of byte strings (open addressing, FNV-1a hashing).
 *
 * Used where arkiv must remember what it has seen: the exact words and
 * stems a query looks for (to mark them in snippets), and the (stem, word)
 * pairs an indexing run has already written to the synonym table. */
#ifndef ARKIV_STRSET_H
#define ARKIV_STRSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct strset strset;

strset *strset_new(void);
void strset_free(strset *s);
/* Adds a copy of key; returns 1 if it was new, 0 if it was there already. */
int strset_add(strset *s, const char *key, size_t len);
/* Adds key if it is new (*added says whether it was); returns its index. */
size_t strset_put(strset *s, const char *key, size_t len, int *added);
int strset_has(const strset *s, const char *key, size_t len);
size_t strset_count(const strset *s);
/* Index of key in insertion order (0, 1, ...), or -1 if absent. */
long strset_index(const strset *s, const char *key, size_t len);
/* The key added as number i (insertion order); borrowed. */
const char *strset_key(const strset *s, size_t i);
/* Its length (a key may hold NUL bytes). */
size_t strset_key_len(const strset *s, size_t i);

/* FNV-1a, 64 bits: also used for content hashes of indexed files. */
uint64_t ark_fnv1a(const void *data, size_t len, uint64_t seed);
#define ARK_FNV_SEED 0xcbf29ce484222325ULL

#endif
