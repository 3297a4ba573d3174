/* fuzz_xml.c — fuzz target for the XML extractor (extract_xml).
 *
 * Each input is a file's bytes, read as XML through libxml2 with the
 * network, DTDs and entities shut off: the arkiv export format into fields
 * and sections, any other XML as its text.  fuzz_extract.c checks the
 * document that comes out, or the error.
 */
#include <stdint.h>

#include "extract.h"
#include "fuzz.h"

static const fuzz_extractor X = {"xml", extract_xml, {"xml", "arkiv-xml", NULL}};

int fuzz_xml_one(const uint8_t *data, size_t size)
{
    fuzz_extract(&X, data, size);
    return 0;
}

FUZZ_LIBFUZZER_ENTRY(fuzz_xml_one)
