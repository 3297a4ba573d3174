/* extract_pdf.c — placeholder until the pdf extractor lands. */
#include "extract.h"
#include "xalloc.h"

ark_status extract_pdf(const char *data, size_t len, ark_doc *d, char **detail)
{
    (void)data;
    (void)len;
    (void)d;
    *detail = ark_strdup("pdf is not supported yet");
    return ARK_EBINARY;
}
