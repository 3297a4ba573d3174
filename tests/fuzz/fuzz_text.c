/* fuzz_text.c — fuzz target for the plain-text extractor (extract_text).
 *
 * Each input is a file's bytes, read as text: UTF-8, or Latin-1 and
 * Windows-1252 detected and converted, then re-flowed.  fuzz_extract.c
 * checks the document that comes out, or the error.
 */
#include <stdint.h>

#include "extract.h"
#include "fuzz.h"

static const fuzz_extractor X = {"text", extract_text, {"text", NULL}};

int fuzz_text_one(const uint8_t *data, size_t size)
{
    fuzz_extract(&X, data, size);
    return 0;
}

FUZZ_LIBFUZZER_ENTRY(fuzz_text_one)
