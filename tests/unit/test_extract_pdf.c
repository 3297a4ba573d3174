/* test_extract_pdf — the PDF extractor (extract_pdf.c) on real PDFs.
 *
 * The PDFs are drawn with cairo in memory, as an office suite's "save as PDF"
 * would write them, and read back through poppler: Norwegian letters must
 * survive, pages must begin where their text does, the title must come from
 * the metadata.  Broken, encrypted and absurdly long PDFs are hand-made:
 * they must fail with a reason, never crash or leak.  Last, the make_pdf
 * tool the end-to-end tests rely on is run once, next to this binary. */
#define _XOPEN_SOURCE 700
#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "extract.h"
#include "tap.h"
#include "xalloc.h"

#include "scratch.h"

static const char page1[] = "Referat Politirådet i Oslo 21.04.2023\n"
                            "Til stede: OPD, Oslo kommune\n"
                            "Politiet vil styrke det kriminalitets-\n"
                            "forebyggende arbeidet.";
static const char page2[] = "7. Åpne rusmiljøer i sentrum v/AIS\n"
                            "Særlig ved Brugata og Skippergata.";

/* ---- making PDFs ---- */

static cairo_status_t to_buf(void *ctx, const unsigned char *data, unsigned int len)
{
    ark_buf_add(ctx, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* A PDF with one page per string (lines split at '\n', NULL: a page with a
 * drawing and no text), and title in the metadata unless NULL. */
static void cairo_pdf(ark_buf *out, const char *title, const char *const *pages, int npages)
{
    cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(to_buf, out, 595, 842);
    if (title)
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_t *cr = cairo_create(sf);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 11);
    for (int i = 0; i < npages; i++) {
        if (!pages[i]) {
            cairo_rectangle(cr, 100, 100, 300, 400);
            cairo_fill(cr);
        }
        double y = 72;
        for (const char *s = pages[i]; s && *s; y += 16) {
            size_t n = strcspn(s, "\n");
            char *line = ark_strndup(s, n);
            cairo_move_to(cr, 56, y);
            cairo_show_text(cr, line);
            free(line);
            s += n + (s[n] == '\n');
        }
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(sf);
}

/* A PDF written by hand from numbered object bodies (1..n), with a correct
 * cross-reference table and extra entries in the trailer. */
static void hand_pdf(ark_buf *out, const char *const *objs, size_t n, const char *trailer)
{
    size_t *offset = ark_calloc(n + 1, sizeof *offset);
    ark_buf_adds(out, "%PDF-1.4\n");
    for (size_t i = 0; i < n; i++) {
        offset[i] = out->len;
        ark_buf_printf(out, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = out->len;
    ark_buf_printf(out, "xref\n0 %zu\n0000000000 65535 f \n", n + 1);
    for (size_t i = 0; i < n; i++)
        ark_buf_printf(out, "%010zu 00000 n \n", offset[i]);
    ark_buf_printf(out, "trailer\n<< /Size %zu /Root 1 0 R %s >>\nstartxref\n%zu\n%%%%EOF\n", n + 1,
                   trailer, xref);
    free(offset);
}

/* ---- checks ---- */

typedef struct {
    ark_status st;
    ark_doc d;
    char *detail;
} result;

static void run(result *r, const ark_buf *pdf)
{
    doc_init(&r->d, "pdf");
    r->detail = NULL;
    r->st = extract_pdf(pdf->data, pdf->len, &r->d, &r->detail);
}

static void done(result *r)
{
    doc_free(&r->d);
    free(r->detail);
}

static int has(const ark_doc *d, const char *s)
{
    return d->text.data && strstr(d->text.data, s) != NULL;
}

static void test_two_pages(void)
{
    const char *const pages[] = {page1, page2};
    ark_buf pdf = ARK_BUF_INIT;
    cairo_pdf(&pdf, "Referat Politirådet 21. april 2023", pages, 2);
    result r;
    run(&r, &pdf);
    const ark_doc *d = &r.d;
    const char *t = d->text.data ? d->text.data : "";
    is_int(r.st, ARK_OK, "two pages: ARK_OK");
    is_int((long)d->npages, 2, "two pages: npages");
    ok(d->npages >= 1 && d->pages[0] == 0, "two pages: page 1 begins the text");
    const char *p2 = strstr(t, "7. Åpne");
    ok(d->npages == 2 && p2 && d->pages[1] == (size_t)(p2 - t),
       "two pages: page 2 begins at its first word");
    ok(p2 && p2 - t >= 2 && memcmp(p2 - 2, "\n\n", 2) == 0, "two pages: a blank line between them");
    ok(has(d, "Referat Politirådet i Oslo 21.04.2023"), "æøå intact: Politirådet");
    ok(has(d, "Åpne rusmiljøer i sentrum v/AIS"), "æøå intact: Åpne rusmiljøer");
    ok(has(d, "Særlig"), "æøå intact: Særlig");
    ok(has(d, "kriminalitets-\nforebyggende"), "hyphen at the line end kept for re-flow");
    is_int(doc_page_at(d, p2 ? (size_t)(p2 - t) + 5 : 0), 2, "doc_page_at: page 2");
    is_int(doc_page_at(d, 3), 1, "doc_page_at: page 1");
    is_str(d->title, "Referat Politirådet 21. april 2023", "title from the metadata");
    is_str(d->date, "", "no date invented from the metadata");
    is_int(d->reflow, 1, "reflow set");
    ok(g_utf8_validate(t, (gssize)d->text.len, NULL) && strlen(t) == d->text.len,
       "text is valid UTF-8 without NUL");
    is_int((long)d->invalid_bytes, 0, "no invalid bytes");
    if (!ok(r.detail == NULL, "two pages: no detail"))
        tap_diag("detail", r.detail);
    done(&r);

    /* through the dispatcher: "%PDF-" decides, whatever the name says */
    ark_doc doc;
    char *detail = NULL;
    ark_status st = extract_document("x.txt", pdf.data, pdf.len, NULL, NULL, &doc, &detail);
    is_int(st, ARK_OK, "extract_document: ARK_OK");
    is_str(st == ARK_OK ? doc.format : NULL, "pdf", "extract_document: format pdf");
    ok(st == ARK_OK && doc.npages == 2 && strstr(doc.text.data, "rusmiljøer"),
       "extract_document: pages and text");
    if (st == ARK_OK)
        doc_free(&doc);
    free(detail);
    ark_buf_free(&pdf);
}

static void test_no_text(void)
{
    const char *const pages[] = {NULL, NULL, NULL};
    ark_buf pdf = ARK_BUF_INIT;
    cairo_pdf(&pdf, NULL, pages, 3);
    result r;
    run(&r, &pdf);
    is_int(r.st, ARK_OK, "scanned (no text layer): ARK_OK");
    is_int((long)r.d.npages, 3, "scanned: pages recorded");
    is_int((long)r.d.text.len, 0, "scanned: empty text");
    ok(r.d.title == NULL, "no metadata title: no title");
    done(&r);
    ark_buf_free(&pdf);
}

static void check_title(const char *meta, const char *want)
{
    const char *const pages[] = {"Referat"};
    ark_buf pdf = ARK_BUF_INIT;
    cairo_pdf(&pdf, meta, pages, 1);
    result r;
    run(&r, &pdf);
    char name[200];
    snprintf(name, sizeof name, "title \"%s\"", meta);
    if (want)
        is_str(r.d.title, want, name);
    else if (!ok(r.d.title == NULL, "%s ignored", name))
        tap_diag("got", r.d.title);
    done(&r);
    ark_buf_free(&pdf);
}

static void test_titles(void)
{
    check_title("Microsoft Word - Referat 21.04.2023.docx", "Referat 21.04.2023");
    check_title("  Politirådet   mars  ", "Politirådet mars");
    check_title("Untitled", NULL);
    check_title("untitled", NULL);
    check_title("Microsoft Word - Document1", NULL);
    check_title("Dokument3.docx", NULL);
    check_title("   ", NULL);
}

static void check_broken(const char *name, const char *data, size_t len, const char *want)
{
    ark_buf pdf = ARK_BUF_INIT;
    ark_buf_add(&pdf, data, len);
    result r;
    run(&r, &pdf);
    char what[200];
    snprintf(what, sizeof what, "%s: ARK_EPARSE", name);
    is_int(r.st, ARK_EPARSE, what);
    if (!ok(r.detail && strstr(r.detail, want), "%s: detail says \"%s\"", name, want))
        tap_diag("detail", r.detail);
    done(&r);
    ark_buf_free(&pdf);
}

static void test_broken(void)
{
    const char *const pages[] = {page1, page2};
    ark_buf pdf = ARK_BUF_INIT;
    cairo_pdf(&pdf, "Referat", pages, 2);
    check_broken("truncated", pdf.data, pdf.len / 2, "broken PDF");
    ark_buf_free(&pdf);
    static const char garbage[] = "%PDF-1.4\n\x01\xff garbage <<< >> ]] obj endobj \x80\x81";
    check_broken("garbage", garbage, sizeof garbage - 1, "broken PDF");
    check_broken("only the header", "%PDF-1.4\n", 9, "broken PDF");
    check_broken("only %PDF-", "%PDF-", 5, "broken PDF");

    /* The standard security handler with an empty password that does not
     * match /U: poppler cannot decrypt it without the user's password. */
    static const char *const objs[] = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        "<< /Filter /Standard /V 1 /R 2 /P -44 "
        "/O <4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F4F> "
        "/U <55555555555555555555555555555555555555555555555555555555555555AA> >>",
    };
    ark_buf enc = ARK_BUF_INIT;
    hand_pdf(&enc, objs, 4,
             "/Encrypt 4 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> "
             "<0123456789ABCDEF0123456789ABCDEF>]");
    check_broken("encrypted", enc.data, enc.len, "encrypted PDF (needs a password)");
    ark_buf_free(&enc);
}

/* 10,001 empty pages: refused by their count, before any is read. */
static void test_too_many_pages(void)
{
    enum { N = 10001 };
    char **objs = ark_calloc(N + 2, sizeof *objs);
    ark_buf kids = ARK_BUF_INIT;
    for (int i = 0; i < N; i++) {
        ark_buf_printf(&kids, "%d 0 R ", i + 3);
        objs[i + 2] = ark_strdup("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>");
    }
    objs[0] = ark_strdup("<< /Type /Catalog /Pages 2 0 R >>");
    objs[1] = ark_sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.data, N);
    ark_buf pdf = ARK_BUF_INIT;
    hand_pdf(&pdf, (const char *const *)objs, N + 2, "");
    result r;
    run(&r, &pdf);
    is_int(r.st, ARK_ETOOBIG, "10,001 pages: ARK_ETOOBIG");
    if (!ok(r.detail != NULL, "10,001 pages: a detail"))
        tap_diag("detail", r.detail);
    done(&r);
    ark_buf_free(&pdf);
    ark_buf_free(&kids);
    for (int i = 0; i < N + 2; i++)
        free(objs[i]);
    free(objs);
}

/* Runs make_pdf (next to this binary) with argv, 0 on success. */
static int spawn(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_make_pdf_tool(const char *self)
{
    char tool[4096];
    const char *slash = strrchr(self, '/');
    snprintf(tool, sizeof tool, "%.*s/make_pdf", slash ? (int)(slash - self) : 1,
             slash ? self : ".");
    if (access(tool, X_OK) != 0 || !make_tmpdir("extract-pdf")) {
        ok(0, "the make_pdf tool is built next to this test: %s", tool);
        return;
    }
    const char *out = tmp_path("tool.pdf");
    char *argv[] = {tool,          (char *)out,   "--title", "Politirådet",
                    (char *)page1, (char *)page2, NULL};
    is_int(spawn(argv), 0, "make_pdf: exit status 0");
    gchar *data = NULL;
    gsize len = 0;
    result r = {.st = ARK_EIO};
    doc_init(&r.d, "pdf");
    if (g_file_get_contents(out, &data, &len, NULL))
        r.st = extract_pdf(data, len, &r.d, &r.detail);
    is_int(r.st, ARK_OK, "make_pdf: its PDF reads");
    is_int((long)r.d.npages, 2, "make_pdf: one page per argument");
    is_str(r.d.title, "Politirådet", "make_pdf: --title");
    ok(has(&r.d, "Referat Politirådet i Oslo 21.04.2023\n"), "make_pdf: lines one under another");
    ok(has(&r.d, "kriminalitets-\nforebyggende"), "make_pdf: line ends kept");
    ok(has(&r.d, "\n\n7. Åpne rusmiljøer i sentrum v/AIS"), "make_pdf: page 2");
    done(&r);
    g_free(data);
    rm_rf(tmpdir);
}

int main(int argc, char **argv)
{
    (void)argc;
    test_two_pages();
    test_no_text();
    test_titles();
    test_broken();
    test_too_many_pages();
    test_make_pdf_tool(argv[0]);
    /* cairo's font caches, so that LeakSanitizer sees only real leaks */
    cairo_debug_reset_static_data();
    return done_testing();
}
