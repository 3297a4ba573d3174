/* arkiv-search — search an index from the command line.
 *
 *   arkiv-search --db DIR [--json] [--limit N] [--offset N] [--why] [--explain] QUERY...
 *
 * --why shows, for each hit, which words matched and how (exact, lemma,
 * compound part, variant spelling); --explain prints the Xapian query.
 *   arkiv-search --db DIR --run QUERIES.tsv [--limit N] [--tag TAG]
 *
 * --run reads "qid<TAB>query" lines and prints a TREC run (qid Q0 docid rank
 * score tag), for scoring with trec_eval.
 * The words of QUERY are joined with spaces; see lib/query.h for the
 * language.  Exit status: 0 searched (with or without hits), 2 an error. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arkiv.h"
#include "utf8.h"

static int usage(void)
{
    fputs("usage: arkiv-search --db DIR [--json] [--limit N] [--offset N] [--why] [--explain] "
          "QUERY...\n"
          "       arkiv-search --db DIR --run QUERIES.tsv [--limit N] [--tag TAG]\n"
          "  words         documents with more of the words rank higher\n"
          "  \"a phrase\"    the words in this order, in any inflection\n"
          "  -word +word   exclude, require;  a OR b  either;  ( ) group\n",
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

static void print_text(const char *query, const ark_results *r, unsigned offset)
{
    if (r->nhits == 0) {
        printf("No documents match %s.\n", query);
        return;
    }
    printf("%u documents match; showing %u-%u.\n", r->total, offset + 1,
           offset + (unsigned)r->nhits);
    for (size_t i = 0; i < r->nhits; i++) {
        const ark_hit *h = &r->hits[i];
        printf("\n%zu. %s  %s  (score %.3f)\n   %s\n", offset + i + 1, h->id, h->title, h->score,
               h->snippet);
        if (h->why)
            printf("   matched: %s\n", h->why);
    }
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
        json_array_append_new(hits, hit);
    }
    /* The query came from the command line and may not be valid UTF-8. */
    char *clean = ark_utf8_clean(query, strlen(query), NULL);
    json_t *root =
        json_pack("{s:s, s:I, s:o}", "query", clean, "total", (json_int_t)r->total, "hits", hits);
    free(clean);
    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(root);
}

/* Runs every "qid<TAB>query" line of path; prints a TREC run. */
static int run_file(ark_searcher *s, const char *path, unsigned limit, const char *tag)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 2;
    }
    ark_search_options o = {0, limit, NULL, NULL, 0, 1, 0};
    char line[65536];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        ark_results *r;
        if (ark_search(s, tab + 1, &o, &r) != ARK_OK)
            continue; /* a query with no words has no hits */
        for (size_t i = 0; i < r->nhits; i++)
            printf("%s Q0 %s %zu %.4f %s\n", line, r->hits[i].id, i + 1, r->hits[i].score, tag);
        ark_results_free(r);
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    const char *run = NULL, *tag = "arkiv";
    const char *db = NULL;
    int json = 0, explain = 0;
    ark_search_options o = {0, 10, NULL, NULL, 0, 0, 0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--run") == 0 && i + 1 < argc)
            run = argv[++i];
        else if (strcmp(argv[i], "--tag") == 0 && i + 1 < argc)
            tag = argv[++i];
        else if (strcmp(argv[i], "--why") == 0)
            o.explain = 1;
        else if (strcmp(argv[i], "--explain") == 0)
            explain = 1;
        else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
            o.limit = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--offset") == 0 && i + 1 < argc)
            o.offset = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else
            return usage();
    }
    if (!db || (i >= argc && !run))
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
    ark_status st = ark_searcher_open(db, &s, &err);
    if (st != ARK_OK) {
        fprintf(stderr, "arkiv-search: %s: %s\n", ark_status_message(st), err ? err : db);
        free(err);
        return 2;
    }
    if (run) {
        int rc = run_file(s, run, o.limit, tag);
        ark_searcher_close(s);
        return rc;
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
    ark_searcher_close(s);
    return rc;
}
