/* compound.h — splitting Norwegian compounds into known words.
 *
 * "rusmiljøtiltak" is rus|miljø|tiltak, "kriminalitetsforebyggende" is
 * kriminalitet(s)|forebyggende, "barnevernstjeneste" is barne|vern(s)|tjeneste.
 * A split needs a known last part (any inflected form the dictionary
 * accepts, at least CMP_MIN_LAST characters) and known earlier parts (at least
 * CMP_MIN_PART characters), each optionally followed by a linking s or e.
 * The split keeping the shortest last part wins, and its parts are split
 * again where they are compounds themselves: the result lists every part,
 * those that are split and their parts ("rusmiljø", "rus", "miljø",
 * "tiltak"), so that a search for either level finds the compound. */
#ifndef ARKIV_COMPOUND_H
#define ARKIV_COMPOUND_H

#include <stddef.h>

#include "dict.h"

#define CMP_MAX_PARTS 8
#define CMP_MIN_WORD 7 /* characters: shorter words are never split */
#define CMP_MAX_WORD                                                                               \
    48 /* nor longer ones: no real compound is, and splitting                                      \
          costs a dictionary lookup per character */
#define CMP_MIN_PART 3
#define CMP_MIN_LAST 5

typedef struct {
    size_t start, end; /* the part's bytes in the word, linking letter included */
    size_t link;       /* bytes of linking letter at the end (0 or 1) */
    int split;         /* this part is itself split into later parts */
} cmp_part;

/* Splits word (UTF-8, lower case) into parts, in order of their start, a
 * split part before its own parts; returns how many (>= 2), or 0 when it is
 * not a compound of known words.  The last entry is the last leaf part. */
size_t cmp_split(dict *d, const char *word, size_t len, cmp_part parts[CMP_MAX_PARTS]);

#endif
