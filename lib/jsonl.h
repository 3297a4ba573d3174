/* jsonl.h — the lines of a JSON Lines file: plain or xz-compressed (told
 * by its magic bytes, so compressed standard input works too), from a file
 * or from standard input ("-").  The reader only cuts lines; the indexer
 * parses each (indexer.c, jsonl documents). */
#ifndef ARKIV_JSONL_H
#define ARKIV_JSONL_H

#include <stddef.h>

#include "status.h"

/* Longer lines are skipped (reported as too long), not held in memory. */
#define JL_MAX_LINE (64u << 20)

typedef struct jl_reader jl_reader;

/* Whether path names JSON Lines: "-", *.jsonl, *.jsonl.xz, *.ndjson. */
int jl_is_jsonl(const char *path);

/* Opens path ("-": standard input).  ARK_EIO with *err (the caller frees
 * it) when it cannot be read. */
ark_status jl_open(const char *path, jl_reader **out, char **err);
void jl_close(jl_reader *r);

/* The next line, without its line break: 1 with *line (valid until the
 * next call) and *len, and *too_long set when the line was longer than
 * JL_MAX_LINE (then *line is its beginning); 0 at the end; -1 on a read or
 * decompression error (jl_error says which). */
int jl_next(jl_reader *r, const char **line, size_t *len, int *too_long);
const char *jl_error(const jl_reader *r);

#endif
