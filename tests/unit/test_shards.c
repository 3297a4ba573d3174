/* test_shards — stubs naming shards, read and written (shards.h). */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scratch.h"
#include "shards.h"
#include "tap.h"
#include "xalloc.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Resolves the stub text written at name; *err (freed here) is kept in
 * the static buffer error for the checks. */
static char error[512];

static ark_status resolve_text(const char *name, const char *text, shard_list *l)
{
    const char *path = tmp_path(name);
    write_file(path, text);
    char *err = NULL;
    ark_status st = shards_resolve(&path, 1, l, &err);
    snprintf(error, sizeof error, "%s", err ? err : "");
    free(err);
    return st;
}

static void reads_every_kind(void)
{
    shard_list l;
    ark_status st = resolve_text("all.stub",
                                 "# two here, two remote\n"
                                 "auto shard-0\n"
                                 "  glass   /srv/arkiv/shard-1  \n"
                                 "\n"
                                 "remote 10.0.0.7:7001\n"
                                 "remote :ssh search2 xapian-progsrv /srv/arkiv/shard-3\n",
                                 &l);
    is_int(st, ARK_OK, "a stub of local and remote shards is read");
    is_int((long)l.n, 4, "four shards, comments and blank lines skipped");
    if (st != ARK_OK || l.n != 4)
        return;
    ok(l.v[0].kind == XDB_SHARD_LOCAL && strcmp(l.v[0].where, tmp_path("shard-0")) == 0,
       "a relative path is taken from the stub's directory");
    ok(l.v[1].kind == XDB_SHARD_LOCAL && strcmp(l.v[1].where, "/srv/arkiv/shard-1") == 0,
       "an absolute path stays as it is, spaces trimmed");
    ok(l.v[2].kind == XDB_SHARD_TCP && strcmp(l.v[2].where, "10.0.0.7") == 0 &&
           l.v[2].port == 7001,
       "remote HOST:PORT is xapian-tcpsrv");
    ok(l.v[3].kind == XDB_SHARD_PROG && strcmp(l.v[3].where, "ssh") == 0 &&
           strcmp(l.v[3].args, "search2 xapian-progsrv /srv/arkiv/shard-3") == 0,
       "remote :PROGRAM ARGS is a program such as ssh");
    is_str(l.names[2], "10.0.0.7:7001", "a shard's name for the log is what the stub says");
    shards_free(&l);
}

static void refuses_bad_lines(void)
{
    static const struct {
        const char *text, *why;
    } cases[] = {
        {"remote 10.0.0.7\n", "HOST:PORT"},
        {"remote 10.0.0.7:0\n", "HOST:PORT"},
        {"remote 10.0.0.7:99999\n", "HOST:PORT"},
        {"remote :\n", "needs a program"},
        {"inmemory\n", "names no database"},
        {"honey x\n", "arkiv reads auto, glass, chert and remote lines"},
        {"# nothing\n\n", "names no database"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        shard_list l;
        ark_status st = resolve_text("bad.stub", cases[i].text, &l);
        ok(st == ARK_EINVAL && strstr(error, cases[i].why) && strstr(error, "bad.stub, line"),
           "refused with the stub, the line and why: %s", error);
    }
}

static void sharded_index_layout(void)
{
    const char *dir = tmp_path("idx");
    char *err = NULL;
    is_int(shards_create(dir, 3, &err), ARK_OK, "a sharded index's directory and stub are made");
    free(err);
    ok(shards_is_sharded(dir), "it is known as sharded by its stub");
    ok(!shards_is_sharded(tmpdir), "a directory without a stub is not");
    shard_list l;
    ark_status st = shards_resolve(&dir, 1, &l, NULL);
    ok(st == ARK_OK && l.n == 3 && strstr(l.v[2].where, "idx/shard-2"),
       "its stub names shard-0 .. shard-2 inside it");
    if (st == ARK_OK)
        shards_free(&l);
    const char *plain = tmp_path("plain");
    mkdir(plain, 0700);
    st = shards_resolve(&plain, 1, &l, NULL);
    ok(st == ARK_OK && l.n == 1 && l.v[0].kind == XDB_SHARD_LOCAL &&
           strcmp(l.v[0].where, plain) == 0,
       "a database directory is one local shard");
    if (st == ARK_OK)
        shards_free(&l);
}

static void picks_stably(void)
{
    unsigned counts[4] = {0};
    char id[32];
    for (int i = 0; i < 4000; i++) {
        snprintf(id, sizeof id, "doc-%d", i);
        counts[shards_pick(id, strlen(id), 4)]++;
    }
    int even = 1;
    for (int i = 0; i < 4; i++)
        even &= counts[i] > 800 && counts[i] < 1200;
    ok(even, "ids spread evenly over 4 shards (%u %u %u %u)", counts[0], counts[1], counts[2],
       counts[3]);
    /* 64-bit FNV-1a of "doc-7" modulo 4 and 7: an index made by one build
     * must be found again by the next */
    ok(shards_pick("doc-7", 5, 4) == 1 && shards_pick("doc-7", 5, 7) == 0,
       "an id picks the same shard in every build (FNV-1a)");
    is_int(shards_pick("doc-7", 5, 1), 0, "one shard takes everything");
}

int main(void)
{
    if (!make_tmpdir("shards")) {
        puts("Bail out! no scratch directory");
        return 1;
    }
    reads_every_kind();
    refuses_bad_lines();
    sharded_index_layout();
    picks_stably();
    rm_rf(tmpdir);
    return done_testing();
}
