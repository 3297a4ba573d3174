/* test_query — the query parser, from tests/data/query.golden.
 *
 * Each line is "query<TAB>expected tree" (qp_describe's form); \t and \xHH
 * escapes are undone in the query.  `test_query --print 'query'` prints the
 * tree, for writing new cases. */
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "golden.h"
#include "tap.h"
#include "xalloc.h"

static char *tree_of(const char *q, size_t len)
{
    qp_node *n;
    const char *why = NULL;
    if (qp_parse(q, len, &n, &why) != ARK_OK)
        return ark_sprintf("ERROR %s", why);
    char *d = qp_describe(n);
    qp_free(n);
    return d;
}

static void run_golden(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!ok(f != NULL, "golden file %s opens", path))
        return;
    char line[4096], query[4096];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab)
            continue;
        *tab = '\0';
        size_t len = unescape(line, query);
        char *got = tree_of(query, len);
        char name[256];
        snprintf(name, sizeof name, "parse: %.200s", line);
        is_str(got, tab + 1, name);
        free(got);
    }
    fclose(f);
}

static void test_limits(void)
{
    size_t n = QP_MAX_BYTES + 1;
    char *big = ark_malloc(n + 1);
    memset(big, 'x', n);
    big[n] = '\0';
    char *got = tree_of(big, n);
    ok(strncmp(got, "ERROR", 5) == 0, "a query over %d bytes is refused with a reason",
       QP_MAX_BYTES);
    free(got);
    memset(big, '(', n - 1);
    got = tree_of(big, n - 1);
    ok(strncmp(got, "(GROUP", 6) == 0, "4096 open parentheses parse without a crash");
    free(got);
    free(big);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--print") == 0) {
        char *buf = ark_malloc(strlen(argv[2]) + 1);
        size_t len = unescape(argv[2], buf);
        char *got = tree_of(buf, len);
        puts(got);
        free(got);
        free(buf);
        return 0;
    }
    const char *dir = getenv("ARKIV_TESTDATA") ? getenv("ARKIV_TESTDATA") : "tests/data";
    char path[1024];
    snprintf(path, sizeof path, "%s/query.golden", dir);
    run_golden(path);
    test_limits();
    return done_testing();
}
