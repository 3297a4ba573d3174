/* fuzz_common.c — what several fuzz targets share: one analyzer, and a
 * small index in a temporary directory.
 *
 * Both are made on first use and kept for the whole process, as the indexer
 * and the daemon keep theirs: making them per input would mostly fuzz their
 * constructors.  The temporary directory is removed at exit, so that runs
 * leave nothing behind.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyzer.h"
#include "arkiv.h"
#include "fuzz.h"
#include "xalloc.h"

/* Two minutes with what the analyzer treats specially (joiners, dates,
 * decimals, typographic quotes, a soft hyphen, a combining accent), so that
 * fuzzed queries can match and the snippet code runs on real hits; and an
 * arkiv XML document with an internal section, so that the public and the
 * staff views of a document differ. */
static const char DOC_POLITI[] =
    "Referat Politirådet i Oslo 21.04.2023\n"
    "\n"
    "Ny politimester i Oslo er Ida Melbo Øystese, hun starter fra 1.mai.\n"
    "Åpningstiden er utvidet til 08–23 alle hverdager og 08-16 lørdag og søndag.\n"
    "Det er større etterspørsel, særlig etter ID-kort og HC-kort. Prisveksten\n"
    "er 3,5 prosent, og budsjettsituasjonen er krevende.\n";

static const char DOC_RUS[] =
    "Åpne rusmiljø i Oslo\n"
    "\n"
    "Politiet følger de åpne rusmiljøene tett, og Pride-paraden ble omtalt.\n"
    "«Violence as a service» er et nytt fenomen blant unge; skeive miljøer\n"
    "ber om én-til-én-oppfølging. Kafe\xcc\x81"
    "en på hjørnet serverer\n"
    "sof\xc2\xad"
    "tware-folk kaffe fra 07.30 til 16.00.\n";

static const char DOC_SEMINAR[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<arkiv-document>\n"
    "  <title>Seminar om ungdomskriminalitet</title>\n"
    "  <date>2024-09-12</date>\n"
    "  <kind>seminar</kind>\n"
    "  <section number=\"1\" presenter=\"SaLTo\">\n"
    "    <heading>Forebygging i skolen</heading>\n"
    "    <p>Skolene og politiet i Oslo samarbeider om åpne nettverksmøter.</p>\n"
    "  </section>\n"
    "  <section number=\"2\" access=\"internal\">\n"
    "    <heading>Enkeltsaker</heading>\n"
    "    <p>Drøfting av rusmiljøene i Oslo i lukket møte.</p>\n"
    "  </section>\n"
    "</arkiv-document>\n";

static ana *analyzer;
static char *tmp_root; /* NULL until made */
static char *index_db; /* NULL until built */

static void free_analyzer(void)
{
    ana_free(analyzer);
    analyzer = NULL;
}

ana *fuzz_shared_analyzer(void)
{
    if (!analyzer) {
        if (ana_new(NULL, &analyzer, NULL) != ARK_OK)
            fuzz_fail("common", "ana_new failed: is hunspell-no or the stemmer missing?");
        atexit(free_analyzer);
    }
    return analyzer;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path) == 0 ? 0 : -1;
}

/* At exit, after whoever still had the index open (atexit runs in reverse
 * order, and they registered after the directory was made). */
static void remove_tmp_root(void)
{
    /* FTW_DEPTH: files before their directory; FTW_PHYS: never follow a
     * link out of the temporary directory. */
    if (nftw(tmp_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "fuzz: could not remove %s\n", tmp_root);
    free(tmp_root);
    tmp_root = NULL;
    free(index_db);
    index_db = NULL;
}

const char *fuzz_tmp_dir(void)
{
    if (!tmp_root) {
        const char *tmp = getenv("TMPDIR");
        tmp_root = ark_sprintf("%s/arkiv-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(tmp_root))
            fuzz_fail("common", "mkdtemp %s failed", tmp_root);
        atexit(remove_tmp_root);
    }
    return tmp_root;
}

void fuzz_write_file(const char *dir, const char *name, const char *text)
{
    char *path = ark_sprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) == EOF || fclose(f) != 0)
        fuzz_fail("common", "could not write %s", path);
    free(path);
}

static void build_index(const char *docs, const char *db)
{
    ark_indexer *ix;
    char *err = NULL;
    if (ark_indexer_open(db, NULL, &ix, &err) != ARK_OK)
        fuzz_fail("common", "ark_indexer_open: %s", err ? err : "?");
    ark_index_counts counts;
    const char *roots[] = {docs};
    if (ark_indexer_run(ix, roots, 1, NULL, &counts) != ARK_OK)
        fuzz_fail("common", "ark_indexer_run: %s", ark_indexer_error(ix));
    if (counts.added != 3 || counts.failed != 0)
        fuzz_fail("common", "indexing added %u and failed %u documents, expected 3 and 0",
                  counts.added, counts.failed);
    ark_indexer_close(ix);
}

const char *fuzz_index(void)
{
    if (index_db)
        return index_db;
    const char *root = fuzz_tmp_dir();
    char *docs = ark_sprintf("%s/docs", root);
    if (mkdir(docs, 0700) != 0)
        fuzz_fail("common", "mkdir %s failed", docs);
    fuzz_write_file(docs, "politiraad.txt", DOC_POLITI);
    fuzz_write_file(docs, "rusmiljo.txt", DOC_RUS);
    fuzz_write_file(docs, "seminar.xml", DOC_SEMINAR);
    char *db = ark_sprintf("%s/db", root);
    build_index(docs, db);
    free(docs);
    index_db = db;
    return index_db;
}
