/* walk.h — the files under a directory, recursively, in a stable order.
 *
 * Entries are visited sorted by name (bytewise), so runs are repeatable.
 * Hidden entries (".git", ".DS_Store") are passed over, and so are symbolic
 * links to directories, which could make loops; links to files are
 * followed when they lead to a file under the root, and reported otherwise.
 * Directories deeper than WALK_MAX_DEPTH are reported, not read. */
#ifndef ARKIV_WALK_H
#define ARKIV_WALK_H

#include <sys/stat.h>

#define WALK_MAX_DEPTH 64

/* Called for each regular file: path as the walk found it, rel relative to
 * the root, st its stat.  Non-zero stops the walk. */
typedef int (*walk_file_fn)(void *ctx, const char *path, const char *rel, const struct stat *st);
/* Called for each directory or entry that could not be read, and for each
 * link to a file outside the root (not followed). */
typedef void (*walk_error_fn)(void *ctx, const char *path, const char *why);

/* Walks root; returns the number of entries that could not be read (0: the
 * whole tree was read, links passed over aside). */
unsigned walk_tree(const char *root, walk_file_fn on_file, walk_error_fn on_error, void *ctx);

#endif
