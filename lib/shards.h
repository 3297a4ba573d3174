/* shards.h — an index made of several databases (shards).
 *
 * A sharded index is a directory holding its shards (shard-0, shard-1, ...)
 * and a Xapian stub file, XAPIANDB, that lists them ("auto shard-0"), so
 * Xapian's own tools open it as one database too.  The indexer puts each
 * document in the shard a stable hash of its id picks, so a later run finds
 * it there again.
 *
 * A stub written by hand may also name remote shards, in Xapian's syntax:
 * "remote HOST:PORT" for xapian-tcpsrv, "remote :PROGRAM ARGS" for a program
 * such as "ssh host xapian-progsrv /srv/index".  Readers take any mix of
 * stubs and database directories; the indexer writes local shards only. */
#ifndef ARKIV_SHARDS_H
#define ARKIV_SHARDS_H

#include <stddef.h>

#include "status.h"
#include "xapian-shim.h"

/* The name of the stub file inside a sharded index's directory. */
#define SHARDS_STUB "XAPIANDB"

typedef struct {
    xdb_shard *v;  /* its strings are owned by the list */
    char **names;  /* each shard as its stub names it ("127.0.0.1:7001"), for logs */
    size_t n;
} shard_list;

/* The shards of the databases at paths, in order: each path is a stub file,
 * a directory holding a stub, or a database directory (one shard).  Paths in
 * a stub are relative to its directory.  ARK_EINVAL with *err (to free)
 * naming the stub and line that cannot be read. */
ark_status shards_resolve(const char *const *paths, size_t npaths, shard_list *out, char **err);
void shards_free(shard_list *l);

/* Makes dir a sharded index of n shards (n >= 2): creates the directory and
 * writes its stub in one step (a temporary file renamed); the shards are
 * created when they are first opened for writing.  *err as above. */
ark_status shards_create(const char *dir, unsigned n, char **err);

/* Whether dir holds a stub (a sharded index). */
int shards_is_sharded(const char *dir);

/* The shard (0 .. n-1) a document goes to, from its id. */
unsigned shards_pick(const char *id, size_t len, unsigned n);

/* Writes into dir a stub listing n shards named as shards_create names
 * them (used for a compacted copy too). */
ark_status shards_write_stub(const char *dir, unsigned n, char **err);

/* The path of shard i of the index at dir (malloc'd). */
char *shards_path(const char *dir, unsigned i);

#endif
