/* make_pdf — writes a real PDF (with a text layer) for the tests, with cairo.
 *
 *   make_pdf OUT.pdf [--title T] PAGE1 [PAGE2 ...]
 *
 * Each PAGE argument becomes one A4 page; the newlines in it separate lines
 * drawn one under another.  The font shrinks when the lines would not fit on
 * the page, because text outside the page is not extracted.  --title sets the
 * PDF's metadata title. */
#define _POSIX_C_SOURCE 200809L /* strndup */
#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.0 /* A4 in points */
#define PAGE_H 842.0
#define MARGIN 56.0
#define FONT_SIZE 11.0
#define LEADING 1.4 /* line height as a multiple of the font size */

/* The font size at which every line of text fits between the margins. */
static double fit_size(cairo_t *cr, const char *text)
{
    double widest = 0;
    int lines = 1;
    for (const char *s = text;; lines++) {
        size_t n = strcspn(s, "\n");
        char *line = strndup(s, n);
        cairo_text_extents_t ext;
        cairo_text_extents(cr, line, &ext);
        free(line);
        if (ext.x_advance > widest)
            widest = ext.x_advance;
        if (!s[n])
            break;
        s += n + 1;
    }
    double size = FONT_SIZE;
    if (widest > PAGE_W - 2 * MARGIN)
        size *= (PAGE_W - 2 * MARGIN) / widest;
    if (lines * size * LEADING > PAGE_H - 2 * MARGIN)
        size = (PAGE_H - 2 * MARGIN) / (lines * LEADING);
    return size;
}

static void draw_page(cairo_t *cr, const char *text)
{
    cairo_set_font_size(cr, FONT_SIZE);
    double size = fit_size(cr, text);
    cairo_set_font_size(cr, size);
    double y = MARGIN + size;
    for (const char *s = text;; y += size * LEADING) {
        size_t n = strcspn(s, "\n");
        char *line = strndup(s, n);
        cairo_move_to(cr, MARGIN, y);
        cairo_show_text(cr, line);
        free(line);
        if (!s[n])
            break;
        s += n + 1;
    }
    cairo_show_page(cr);
}

int main(int argc, char **argv)
{
    int first = 2;
    const char *title = NULL;
    if (argc > 3 && strcmp(argv[2], "--title") == 0) {
        title = argv[3];
        first = 4;
    }
    if (argc <= first) {
        fprintf(stderr, "usage: make_pdf OUT.pdf [--title T] PAGE1 [PAGE2 ...]\n");
        return 2;
    }
    cairo_surface_t *surface = cairo_pdf_surface_create(argv[1], PAGE_W, PAGE_H);
    if (title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_t *cr = cairo_create(surface);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    for (int i = first; i < argc; i++)
        draw_page(cr, argv[i]);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    cairo_debug_reset_static_data(); /* its font caches: no false leaks under LSan */
    if (st != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "make_pdf: %s: %s\n", argv[1], cairo_status_to_string(st));
        return 1;
    }
    return 0;
}
