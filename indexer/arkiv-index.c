/* arkiv-index — make an index mirror the files under some directories, and
 * import JSON Lines.
 *
 *   arkiv-index --db DIR [--analysis full|basic] [--batch N] [--compact] [--quiet] PATH...
 *
 * Prints each file that failed (on stderr, with the reason) and a one-line
 * summary.  Exit status: 0 all indexed, 1 some files failed, 2 the index
 * itself failed or the command line was wrong. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arkiv.h"

typedef struct {
    int quiet;
    int tty; /* stderr is a terminal: show a progress line */
    double last_progress;
    int progress_shown;
} cli;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void clear_progress(cli *c)
{
    if (c->progress_shown) {
        fputs("\r\033[K", stderr);
        c->progress_shown = 0;
    }
}

static void on_report(void *ctx, const char *path, ark_status st, const char *detail)
{
    cli *c = ctx;
    clear_progress(c);
    if (st == ARK_OK) {
        if (!c->quiet)
            fprintf(stderr, "arkiv-index: %s: warning: %s\n", path, detail);
        return;
    }
    fprintf(stderr, "arkiv-index: %s: %s: %s\n", path, ark_status_message(st),
            detail ? detail : "");
}

static void on_progress(void *ctx, const ark_index_counts *n, unsigned files)
{
    cli *c = ctx;
    if (!c->tty || c->quiet)
        return;
    double t = now();
    if (t - c->last_progress < 0.25)
        return;
    c->last_progress = t;
    fprintf(stderr, "\r\033[K%u files: %u added, %u updated, %u skipped, %u failed", files,
            n->added, n->updated, n->skipped, n->failed);
    c->progress_shown = 1;
}

static int usage(void)
{
    fputs("usage: arkiv-index --db DIR [--shards N] [--analysis full|basic] [--batch N] [--compact]\n"
          "                   [--quiet] PATH...\n"
          "Indexes the files under each PATH (directories recursively) into the index DIR.\n"
          "Unchanged files are skipped, changed ones replaced, and documents whose file\n"
          "is gone from the PATHs are deleted.  --analysis basic makes a new index with\n"
          "Snowball stems only (the plain-Xapian baseline) instead of the full Norwegian\n"
          "analysis.  A PATH ending in .jsonl or .jsonl.xz, or - (standard input, plain\n"
          "or xz), is JSON Lines: one document per line, {\"id\", \"title\", \"text\",\n"
          "\"date\", ...}; its records are added or updated, never deleted.  --compact\n"
          "rewrites the index compactly after the run (about half the size after a bulk\n"
          "import).  --shards N (2-256) makes a new index a directory of N databases,\n"
          "each document in the one a hash of its id picks, listed in DIR/XAPIANDB: a\n"
          "Xapian stub that arkiv-search, arkiv-searchd and xapian-tcpsrv open as one.\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *analysis = NULL;
    int compact = 0;
    unsigned shards = 0;
    cli c = {0, isatty(STDERR_FILENO), 0, 0};
    ark_index_options opts = {on_report, on_progress, &c, 0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) { /* "-" is standard input */
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db = argv[++i];
        else if (strcmp(argv[i], "--analysis") == 0 && i + 1 < argc)
            analysis = argv[++i];
        else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
            opts.batch_docs = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--shards") == 0 && i + 1 < argc) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end || v < 1 || v > 256)
                return usage();
            shards = (unsigned)v;
        } else if (strcmp(argv[i], "--compact") == 0)
            compact = 1;
        else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
            c.quiet = 1;
        else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else
            return usage();
    }
    if (!db || i >= argc)
        return usage();

    char *err = NULL;
    ark_indexer *ix;
    ark_status st = ark_indexer_open_sharded(db, analysis, shards, &ix, &err);
    if (st == ARK_ELOCKED) {
        fprintf(stderr, "arkiv-index: %s: another process is writing this index; "
                        "run again when it has finished\n", db);
        free(err);
        return 2;
    }
    if (st != ARK_OK) {
        fprintf(stderr, "arkiv-index: %s: %s\n", ark_status_message(st), err ? err : db);
        free(err);
        return 2;
    }
    double start = now();
    ark_index_counts n;
    st = ark_indexer_run(ix, (const char *const *)argv + i, (size_t)(argc - i), &opts, &n);
    clear_progress(&c);
    if (st != ARK_OK) {
        /* the run stopped inside a batch: the index is as of its last commit */
        fprintf(stderr, "arkiv-index: %s: %s\n", ark_status_message(st), ark_indexer_error(ix));
        fprintf(stderr, "arkiv-index: stopped; the index keeps what was committed before the "
                        "error (batches of --batch documents); run again to go on\n");
        ark_indexer_close(ix);
        return 2;
    }
    if (compact && (st = ark_indexer_compact(ix)) != ARK_OK) {
        fprintf(stderr, "arkiv-index: compacting: %s: %s\n", ark_status_message(st),
                ark_indexer_error(ix));
        ark_indexer_close(ix);
        return 2;
    }
    ark_indexer_close(ix);
    printf("%u added, %u updated, %u deleted, %u skipped, %u failed in %.2f s\n", n.added,
           n.updated, n.deleted, n.skipped, n.failed, now() - start);
    return n.failed ? 1 : 0;
}
