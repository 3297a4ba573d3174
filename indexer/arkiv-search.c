/* arkiv-search — search an index from the command line.
 *
 *   arkiv-search --db DIR [--db DIR...] [--shard-timeout S] [--json] [--limit N] [--offset N] [--why] [--explain]
 *                [--sort relevance|newest|oldest] [--kind KIND] [--from DATE] [--to DATE]
 *                [--facets] [--internal] QUERY...
 *
 * Each hit shows its date, kind, the agenda item its best passage is in and,
 * for a PDF, the page.  --internal searches internal material too (staff);
 * without it only public documents and passages are searched.  --facets
 * counts the matches per kind and per year.
 * --why shows, for each hit, which words matched and how (exact, lemma,
 * compound part, variant spelling); --explain prints the Xapian query.
 *   arkiv-search --db DIR --queries QUERIES.tsv --run OUT [--limit N] [--tag TAG]
 *                [--full] [--times FILE]
 *
 * --queries reads "qid<TAB>query" lines and writes a TREC run (qid Q0 docid
 * rank score tag; the top 100 unless --limit) to OUT ("-": standard output),
 * for scoring with trec_eval, and the latency percentiles to stderr.
 * --full makes snippets and facets as searchd does; --times writes each
 * query's milliseconds.
 * The words of QUERY are joined with spaces; see lib/query.h for the
 * language.  Exit status: 0 searched (with or without hits), 2 an error. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arkiv.h"
#include "utf8.h"

static int usage(void)
{
    fputs("usage: arkiv-search --db DIR [--db DIR...] [--shard-timeout S] [--json] [--limit N] [--offset N] [--why] [--explain]\n"
          "                    [--sort relevance|newest|oldest] [--kind KIND] [--from DATE]\n"
          "                    [--to DATE] [--facets] [--internal] QUERY...\n"
          "       arkiv-search --db DIR --queries QUERIES.tsv --run OUT [--limit N] [--tag TAG]\n"
          "                    [--full] [--times FILE]\n"
          "  words         documents with more of the words rank higher\n"
          "  \"a phrase\"    the words in this order, in any inflection\n"
          "  -word +word   exclude, require;  a OR b  either;  ( ) group\n"
          "  fra:2023-01-01 til:2023-12-31 dato:2025 mars 2026 type:referat   filters\n"
          "Each DIR is an index, a sharded index or a Xapian stub naming shards (local,\n"
          "or \"remote HOST:PORT\" for xapian-tcpsrv); several are searched as one.  A\n"
          "remote shard that does not answer within --shard-timeout seconds (10) is left\n"
          "out, with a warning.\n",
          stderr);
    return 2;
}

static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *q = calloc(1, len);
    if (!q)
        abort();
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(q, " ");
        strcat(q, argv[i]);
    }
    return q;
}

/* "21.04.2023", "30.–31.01.2025", "2026-03" as "03.2026", "2023". */
static void print_date(const char *d, const char *end)
{
    size_t n = strlen(d);
    if (n == 10 && strlen(end) == 10)
        printf("%.2s.%.2s.%.4s–%.2s.%.2s.%.4s", d + 8, d + 5, d, end + 8, end + 5, end);
    else if (n == 10)
        printf("%.2s.%.2s.%.4s", d + 8, d + 5, d);
    else if (n == 7)
        printf("%.2s.%.4s", d + 5, d);
    else
        printf("%s", d);
}

/* The line under a hit's title: date · kind · agenda item · page. */
static void print_meta(const ark_hit *h)
{
    const char *sep = "   ";
    if (*h->date) {
        fputs(sep, stdout);
        print_date(h->date, h->date_end);
        sep = " · ";
    }
    if (*h->kind) {
        printf("%s%s", sep, h->kind);
        sep = " · ";
    }
    if (*h->section) {
        printf("%s", sep);
        if (h->section_number)
            printf("%u. ", h->section_number);
        printf("%s", h->section);
        if (*h->presenter)
            printf(" (v/%s)", h->presenter);
        sep = " · ";
    }
    if (h->page) {
        printf("%sside %u", sep, h->page);
        sep = " · ";
    }
    if (strcmp(h->access, "internal") == 0 || h->section_internal)
        printf("%sintern", sep);
    if (strcmp(sep, "   ") != 0)
        putchar('\n');
}

static void print_facets(const char *label, const ark_facet *f, size_t n, int exact)
{
    printf("%s:", label);
    for (size_t i = 0; i < n; i++)
        printf("%s %s (%s%u)", i ? "," : "", f[i].value, exact ? "" : "~", f[i].count);
    putchar('\n');
}

static void print_text(const char *query, const ark_results *r, unsigned offset)
{
    if (r->kinds || r->years) {
        print_facets("Kind", r->kinds, r->nkinds, r->facets_exact);
        print_facets("Year", r->years, r->nyears, r->facets_exact);
    }
    if (r->nhits == 0) {
        printf("No documents match %s.\n", query);
        return;
    }
    printf("%s%u %s; showing %u-%u.\n", r->total_exact ? "" : "About ", r->total,
           r->total == 1 ? "document matches" : "documents match", offset + 1,
           offset + (unsigned)r->nhits);
    for (size_t i = 0; i < r->nhits; i++) {
        const ark_hit *h = &r->hits[i];
        printf("\n%zu. %s  %s  (score %.3f)\n", offset + i + 1, h->id, h->title, h->score);
        print_meta(h);
        printf("   %s\n", h->snippet);
        if (h->why)
            printf("   matched: %s\n", h->why);
        if (h->together_words)
            printf("   together: %s, within a few words (score +%g)\n", h->together_words,
                   h->together_bonus);
    }
}

/* Says which shards the results leave out, if any. */
static void warn_missing(const ark_searcher *s, const ark_results *r)
{
    for (size_t i = 0; i < r->nmissing; i++)
        fprintf(stderr, "arkiv-search: warning: shard %zu of %zu (%s) could not be reached; "
                        "the results leave it out\n",
                r->missing[i], r->nshards, ark_searcher_shard_name(s, r->missing[i]));
}

static void print_json(const char *query, const ark_results *r)
{
    json_t *hits = json_array();
    for (size_t i = 0; i < r->nhits; i++) {
        const ark_hit *h = &r->hits[i];
        json_t *hit = json_pack("{s:s, s:s, s:s, s:f, s:s}", "id", h->id, "title", h->title, "path",
                                h->path, "score", h->score, "snippet", h->snippet);
        if (h->why)
            json_object_set_new(hit, "matched", json_string(h->why));
        if (h->together_words)
            json_object_set_new(hit, "together", json_string(h->together_words));
        json_object_set_new(hit, "date", *h->date ? json_string(h->date) : json_null());
        if (*h->date_end)
            json_object_set_new(hit, "date_end", json_string(h->date_end));
        json_object_set_new(hit, "kind", *h->kind ? json_string(h->kind) : json_null());
        json_object_set_new(hit, "access", json_string(h->access));
        json_object_set_new(hit, "format", json_string(h->format));
        if (*h->section)
            json_object_set_new(hit, "section",
                                json_pack("{s:i, s:s, s:o, s:s}", "number", (int)h->section_number,
                                          "heading", h->section, "presenter",
                                          *h->presenter ? json_string(h->presenter) : json_null(),
                                          "access", h->section_internal ? "internal" : "public"));
        if (h->page)
            json_object_set_new(hit, "page", json_integer(h->page));
        json_array_append_new(hits, hit);
    }
    /* The query came from the command line and may not be valid UTF-8. */
    char *clean = ark_utf8_clean(query, strlen(query), NULL);
    json_t *root = json_pack("{s:s, s:I, s:b, s:o}", "query", clean, "total", (json_int_t)r->total,
                             "total_exact", r->total_exact, "hits", hits);
    free(clean);
    if (r->nmissing) {
        json_t *missing = json_array();
        for (size_t i = 0; i < r->nmissing; i++)
            json_array_append_new(missing, json_integer((json_int_t)r->missing[i]));
        json_object_set_new(root, "partial", json_true());
        json_object_set_new(root, "missing_shards", missing);
    }
    if (r->kinds || r->years) {
        json_t *facets = json_object(), *kinds = json_object(), *years = json_object();
        for (size_t i = 0; i < r->nkinds; i++)
            json_object_set_new(kinds, r->kinds[i].value, json_integer(r->kinds[i].count));
        for (size_t i = 0; i < r->nyears; i++)
            json_object_set_new(years, r->years[i].value, json_integer(r->years[i].count));
        json_object_set_new(facets, "kind", kinds);
        json_object_set_new(facets, "year", years);
        json_object_set_new(root, "facets", facets);
        json_object_set_new(root, "facets_exact", json_boolean(r->facets_exact));
    }
    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(root);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The p-th percentile (0..100) of sorted v[0..n), nearest rank. */
static double percentile(const double *v, size_t n, double p)
{
    size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
    return n ? v[k == 0 ? 0 : k - 1 < n ? k - 1 : n - 1] : 0;
}

/* Runs every "qid<TAB>query" line of queries and writes a TREC run (qid Q0
 * docid rank score tag) to out; says on stderr how long the queries took,
 * and with `times` writes each query's milliseconds there. */
static int run_file(ark_searcher *s, const char *queries, FILE *out, FILE *times,
                    const ark_search_options *o, const char *tag)
{
    FILE *f = fopen(queries, "r");
    if (!f) {
        perror(queries);
        return 2;
    }
    double *ms = NULL;
    size_t n = 0, cap = 0;
    char line[65536];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        ark_results *r;
        double t0 = now_ms();
        ark_status st = ark_search(s, tab + 1, o, &r);
        double took = now_ms() - t0;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            ms = realloc(ms, cap * sizeof *ms);
            if (!ms)
                abort();
        }
        ms[n++] = took;
        if (times)
            fprintf(times, "%s\t%.3f\n", line, took);
        if (st != ARK_OK)
            continue; /* a query with no words has no hits */
        for (size_t i = 0; i < r->nhits; i++)
            fprintf(out, "%s Q0 %s %zu %.4f %s\n", line, r->hits[i].id, i + 1, r->hits[i].score,
                    tag);
        ark_results_free(r);
    }
    fclose(f);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += ms[i];
    qsort(ms, n, sizeof *ms, by_value);
    fprintf(stderr,
            "arkiv-search: %zu queries; latency ms: p50 %.2f, p95 %.2f, p99 %.2f, mean %.2f\n", n,
            percentile(ms, n, 50), percentile(ms, n, 95), percentile(ms, n, 99), n ? sum / n : 0);
    free(ms);
    return 0;
}

/* The searcher a finished run leaves open: the process ends, and the system
 * takes its memory back at once, where freeing the dictionary's entries one
 * by one took a third of a one-query run (0.11 of 0.35 s).  Kept here, it
 * stays reachable, so a leak checker does not report it. */
static ark_searcher *volatile left_open; /* volatile: a store never read is kept */

static int finish(ark_searcher *s, int rc)
{
    left_open = s;
    return rc;
}

int main(int argc, char **argv)
{
    const char *run = NULL, *queries = NULL, *times = NULL, *tag = "arkiv";
    int full = 0;
    const char *dbs[64];
    size_t ndbs = 0;
    ark_open_options oo = {0};
    int json = 0, explain = 0, limit_given = 0;
    ark_search_options o = {0};
    o.limit = 10;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc && ndbs < 64)
            dbs[ndbs++] = argv[++i];
        else if (strcmp(argv[i], "--shard-timeout") == 0 && i + 1 < argc)
            oo.shard_timeout = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--run") == 0 && i + 1 < argc)
            run = argv[++i];
        else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
            queries = argv[++i];
        else if (strcmp(argv[i], "--times") == 0 && i + 1 < argc)
            times = argv[++i];
        else if (strcmp(argv[i], "--full") == 0)
            full = 1;
        else if (strcmp(argv[i], "--tag") == 0 && i + 1 < argc)
            tag = argv[++i];
        else if (strcmp(argv[i], "--why") == 0)
            o.explain = 1;
        else if (strcmp(argv[i], "--explain") == 0)
            explain = 1;
        else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            o.limit = (unsigned)strtoul(argv[++i], NULL, 10);
            limit_given = 1;
        }
        else if (strcmp(argv[i], "--offset") == 0 && i + 1 < argc)
            o.offset = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--internal") == 0)
            o.internal = 1;
        else if (strcmp(argv[i], "--facets") == 0)
            o.facets = 1;
        else if (strcmp(argv[i], "--kind") == 0 && i + 1 < argc)
            o.kind = argv[++i];
        else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
            o.from = argv[++i];
        else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
            o.to = argv[++i];
        else if (strcmp(argv[i], "--sort") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "newest") == 0 || strcmp(v, "date") == 0)
                o.sort = ARK_SORT_NEWEST;
            else if (strcmp(v, "oldest") == 0)
                o.sort = ARK_SORT_OLDEST;
            else if (strcmp(v, "relevance") == 0)
                o.sort = ARK_SORT_RELEVANCE;
            else
                return usage();
        }
        else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else
            return usage();
    }
    if (!ndbs || (i >= argc && !queries) || (queries && !run))
        return usage();
    if (json) {
        o.html = 1; /* the snippet is HTML: text escaped, matches in <mark> */
    } else if (isatty(STDOUT_FILENO)) {
        o.mark_open = "\033[1m";
        o.mark_close = "\033[0m";
    } else {
        o.mark_open = "[";
        o.mark_close = "]";
    }

    char *err = NULL;
    ark_searcher *s;
    oo.one_query = !queries;
    ark_status st = ark_searcher_open_many(dbs, ndbs, &oo, &s, &err);
    if (st != ARK_OK) {
        fprintf(stderr, "arkiv-search: %s: %s\n", ark_status_message(st), err ? err : dbs[0]);
        free(err);
        return 2;
    }
    if (queries) {
        FILE *out = strcmp(run, "-") == 0 ? stdout : fopen(run, "w");
        FILE *tf = times ? fopen(times, "w") : NULL;
        int rc = 2;
        if (!out || (times && !tf)) {
            perror(out ? times : run);
        } else {
            ark_search_options ro = o;
            ro.limit = o.limit == 10 && !limit_given ? 100 : o.limit;
            ro.no_snippets = !full;
            ro.facets = full;
            ro.html = 1;
            ro.mark_open = ro.mark_close = NULL;
            rc = run_file(s, queries, out, tf, &ro, tag);
        }
        if (out && out != stdout && fclose(out) != 0)
            rc = 2;
        if (tf)
            fclose(tf);
        return finish(s, rc);
    }
    char *query = join_args(argc - i, argv + i);
    int rc = 0;
    if (explain) {
        char *desc;
        st = ark_search_describe(s, query, &desc);
        if (st == ARK_OK) {
            printf("%s\n", desc);
            free(desc);
        }
    } else {
        ark_results *r;
        st = ark_search(s, query, &o, &r);
        if (st == ARK_OK) {
            warn_missing(s, r);
            if (json)
                print_json(query, r);
            else
                print_text(query, r, o.offset);
            ark_results_free(r);
        }
    }
    if (st != ARK_OK) {
        fprintf(stderr, "arkiv-search: %s\n", ark_searcher_error(s));
        rc = 2;
    }
    free(query);
    return finish(s, rc);
}
