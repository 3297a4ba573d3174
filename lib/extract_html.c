/* extract_html.c — placeholder until the html extractor lands. */
#include "extract.h"
#include "xalloc.h"

ark_status extract_html(const char *data, size_t len, ark_doc *d, char **detail)
{
    (void)data;
    (void)len;
    (void)d;
    *detail = ark_strdup("html is not supported yet");
    return ARK_EBINARY;
}
