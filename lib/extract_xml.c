/* extract_xml.c — placeholder until the xml extractor lands. */
#include "extract.h"
#include "xalloc.h"

ark_status extract_xml(const char *data, size_t len, ark_doc *d, char **detail)
{
    (void)data;
    (void)len;
    (void)d;
    *detail = ark_strdup("xml is not supported yet");
    return ARK_EBINARY;
}
