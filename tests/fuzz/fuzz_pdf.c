/* fuzz_pdf.c — fuzz target for the PDF extractor (extract_pdf).
 *
 * Each input is a file's bytes, read as PDF through poppler-glib: the text
 * of each page with its page mark, and the title from the metadata.
 * fuzz_extract.c checks the document that comes out, or the error.
 *
 * Poppler is slow on arbitrary bytes and its time grows with the file, so
 * inputs past PDF_MAX_INPUT are skipped: the fuzzer spends its time on
 * small files that still reach every part of the format.
 */
#include <stdint.h>

#include "extract.h"
#include "fuzz.h"

#define PDF_MAX_INPUT (64 * 1024)

static const fuzz_extractor X = {"pdf", extract_pdf, {"pdf", NULL}};

int fuzz_pdf_one(const uint8_t *data, size_t size)
{
    if (size > PDF_MAX_INPUT)
        return 0;
    fuzz_extract(&X, data, size);
    return 0;
}

FUZZ_LIBFUZZER_ENTRY(fuzz_pdf_one)
