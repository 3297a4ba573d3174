/* ranking — the seed ranking cases (seed-queries.tsv) against corpus/.
 *
 * Indexes corpus/ into a temporary index, runs each query, and checks that
 * the named document ranks first and the others are among the hits.  Cases
 * listed in todo.tsv are reported as TAP TODO, with the reason.  Run from the
 * repository root (prove does). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/tap.h"
#include "arkiv.h"
#include "xalloc.h"

#define CASES "tests/ranking/seed-queries.tsv"
#define TODO "tests/ranking/todo.tsv"
#define MAX_HITS 20

/* The reason a query is TODO, from todo.tsv, or NULL; the caller frees it. */
static char *todo_reason(const char *query)
{
    FILE *f = fopen(TODO, "r");
    char line[1024];
    char *why = NULL;
    while (f && !why && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] != '#' && tab && (size_t)(tab - line) == strlen(query) &&
            strncmp(line, query, strlen(query)) == 0)
            why = ark_strdup(tab + 1);
    }
    if (f)
        fclose(f);
    return why;
}

static int in_hits(const ark_results *r, const char *id, size_t len)
{
    for (size_t i = 0; i < r->nhits; i++)
        if (strlen(r->hits[i].id) == len && strncmp(r->hits[i].id, id, len) == 0)
            return 1;
    return 0;
}

/* Whether the first hit is one of the '|'-separated ids in top. */
static int top_ok(const ark_results *r, const char *top)
{
    if (r->nhits == 0)
        return 0;
    const char *first = r->hits[0].id;
    for (const char *p = top; *p;) {
        size_t n = strcspn(p, "|");
        if (strlen(first) == n && strncmp(first, p, n) == 0)
            return 1;
        p += n + (p[n] == '|');
    }
    return 0;
}

/* The ids of also (comma-separated) missing from the hits, or "". */
static char *missing(const ark_results *r, const char *also)
{
    ark_buf b = ARK_BUF_INIT;
    for (const char *p = also; *p;) {
        size_t n = strcspn(p, ",");
        if (n && !in_hits(r, p, n)) {
            ark_buf_add(&b, p, n);
            ark_buf_addc(&b, ' ');
        }
        p += n + (p[n] == ',');
    }
    return ark_buf_take(&b);
}

static void check_case(ark_searcher *s, const char *query, const char *top, const char *also)
{
    ark_search_options o = {0};
    o.limit = MAX_HITS;
    o.mark_open = "[";
    o.mark_close = "]";
    ark_results *r = NULL;
    ark_status st = ark_search(s, query, &o, &r);
    char *gone = r ? missing(r, also) : ark_strdup(also);
    int pass = st == ARK_OK && top_ok(r, top) && *gone == '\0';
    char *why = todo_reason(query);
    printf("%s %d - %s: %s first%s%s", pass ? "ok" : "not ok", ++tap_count, query, top,
           *also ? ", also " : "", also);
    if (why)
        printf(" # TODO %s", why);
    printf("\n");
    if (!pass && !why)
        tap_failed++;
    if (!pass) {
        printf("#   hits:");
        for (size_t i = 0; r && i < r->nhits; i++)
            printf(" %s", r->hits[i].id);
        printf("%s%s\n", *gone ? "; missing: " : "", gone);
    }
    free(why);
    free(gone);
    ark_results_free(r);
}

/* Checks every case; returns how many there were. */
static int run_cases(ark_searcher *s)
{
    FILE *f = fopen(CASES, "r");
    if (!f)
        return 0;
    char line[2048];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *top = strchr(line, '\t');
        if (!top)
            continue;
        *top++ = '\0';
        char *also = strchr(top, '\t');
        if (also)
            *also++ = '\0';
        check_case(s, line, top, also ? also : "");
        cases++;
    }
    fclose(f);
    return cases;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *dir = ark_sprintf("%s/arkiv-ranking-XXXXXX", tmp);
    if (!mkdtemp(dir)) {
        printf("Bail out! cannot make a temporary directory\n");
        return 1;
    }
    char *db = ark_sprintf("%s/index", dir);
    ark_indexer *ix;
    ark_index_counts n;
    const char *roots[] = {"corpus"};
    ok(ark_indexer_open(db, NULL, &ix, NULL) == ARK_OK &&
           ark_indexer_run(ix, roots, 1, NULL, &n) == ARK_OK && n.added > 0 && n.failed == 0,
       "corpus/ indexes without failures");
    ark_indexer_close(ix);
    ark_searcher *s;
    if (ark_searcher_open(db, &s, NULL) == ARK_OK) {
        int cases = run_cases(s);
        ok(cases >= 12, "%s holds the seed cases (%d read)", CASES, cases);
        ark_searcher_close(s);
    }
    char *rm = ark_sprintf("rm -rf '%s'", dir);
    if (system(rm) != 0)
        printf("# could not remove %s\n", dir);
    free(rm);
    free(db);
    free(dir);
    return done_testing();
}
