/* arkiv-analyze — show what the analyzer makes of text.
 *
 *   arkiv-analyze [--basic] [--query] TEXT...   one line per token:
 *       pos start-end word  Z: lemmas  F: variants  C: compound parts  [stopword]
 *   arkiv-analyze [--basic] --lines             for each line of stdin, its first
 *       word's lemma terms, tab-separated (for bench/conflation.py)
 *
 *   arkiv-analyze --extract FILE...             what indexing reads from each
 *       file: format, title, date, kind, access, sections, pages and text
 *
 * --basic shows the plain-Xapian baseline (Snowball stems only); --query
 * analyzes as a query (Nynorsk lemmas for words Bokmål does not know). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "docfile.h"
#include "extract.h"
#include "minutes.h"

static void print_list(const char *label, const char *const *list, size_t n)
{
    printf("  %s ", label);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? "," : "", list[i]);
    if (n == 0)
        putchar('-');
}

static int print_token(const ana_token *t, void *ctx)
{
    (void)ctx;
    printf("%u %zu-%zu %s", t->pos, t->start, t->end, t->word);
    print_list("Z:", t->lemmas, t->nlemmas);
    print_list("F:", t->variants, t->nvariants);
    print_list("C:", t->parts, t->nparts);
    printf("%s%s\n", t->joined ? "  joined" : "", t->stopword ? "  stopword" : "");
    return 0;
}

static int first_lemmas(const ana_token *t, void *ctx)
{
    *(int *)ctx = 1;
    for (size_t i = 0; i < t->nlemmas; i++)
        printf("%s%s", i ? "\t" : "", t->lemmas[i]);
    if (t->nlemmas == 0)
        fputs(t->word, stdout);
    return 1;
}

static void run_lines(ana *a)
{
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        int any = 0;
        ana_run(a, ANA_QUERY, line, strcspn(line, "\n"), 1, first_lemmas, &any, NULL);
        putchar('\n');
    }
}

static int is_word(void *ctx, const char *w, size_t n)
{
    return ana_is_word(ctx, w, n);
}

static int run_extract(ana *a, const char *path)
{
    docfile f;
    char *detail = NULL;
    ark_doc d;
    ark_status st = docfile_read(path, &f, &detail);
    if (st == ARK_OK) {
        st = extract_document(path, f.data, f.len, is_word, a, &d, &detail);
        docfile_free(&f);
    }
    if (st != ARK_OK) {
        fprintf(stderr, "arkiv-analyze: %s: %s: %s\n", path, ark_status_message(st),
                detail ? detail : "");
        free(detail);
        return 1;
    }
    minutes_title(&d);
    ark_buf out = ARK_BUF_INIT;
    doc_dump(&d, &out);
    fwrite(out.data, 1, out.len, stdout);
    ark_buf_free(&out);
    doc_free(&d);
    return 0;
}

int main(int argc, char **argv)
{
    ana_options o = {0, NULL, 1}; /* Nynorsk's dictionary only for Nynorsk text */
    ana_mode mode = ANA_DOCUMENT;
    int lines = 0, extract = 0;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--basic") == 0)
            o.basic = 1;
        else if (strcmp(argv[i], "--query") == 0)
            mode = ANA_QUERY;
        else if (strcmp(argv[i], "--lines") == 0)
            lines = 1;
        else if (strcmp(argv[i], "--extract") == 0)
            extract = 1;
        else {
            fputs("usage: arkiv-analyze [--basic] [--query] TEXT... | [--basic] --lines"
                  " | --extract FILE...\n",
                  stderr);
            return 2;
        }
    }
    ana *a;
    char *err = NULL;
    if (ana_new(&o, &a, &err) != ARK_OK) {
        fprintf(stderr, "arkiv-analyze: %s\n", err ? err : "no analyzer");
        free(err);
        return 2;
    }
    int failed = 0;
    if (lines)
        run_lines(a);
    for (; i < argc; i++) {
        if (extract)
            failed |= run_extract(a, argv[i]);
        else
            ana_run(a, mode, argv[i], strlen(argv[i]), 1, print_token, NULL, NULL);
    }
    ana_free(a);
    return failed;
}
