/* fuzz_html.c — fuzz target for the HTML extractor (extract_html).
 *
 * Each input is a file's bytes, read as a web page through libxml2's HTML
 * parser (or as XHTML when it declares itself XML and is well-formed), its
 * visible text, title, headings and dates kept.  fuzz_extract.c checks the
 * document that comes out, or the error.
 */
#include <stdint.h>

#include "extract.h"
#include "fuzz.h"

static const fuzz_extractor X = {"html", extract_html, {"html", NULL}};

int fuzz_html_one(const uint8_t *data, size_t size)
{
    fuzz_extract(&X, data, size);
    return 0;
}

FUZZ_LIBFUZZER_ENTRY(fuzz_html_one)
