/* test_textpack — stored texts, packed and unpacked (textpack.h). */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "textpack.h"
#include "xalloc.h"

/* Packs and unpacks text[0..len); whether it comes back whole, and in
 * which form it was stored. */
static int round_trip(const char *text, size_t len, char *form)
{
    size_t plen, back_len;
    char *packed = textpack(text, len, &plen), *back;
    *form = packed[0];
    ark_status st = textunpack(packed, plen, &back, &back_len);
    int same = st == ARK_OK && back_len == len && memcmp(back, text, len) == 0 && back[len] == '\0';
    free(packed);
    free(back);
    return same;
}

int main(void)
{
    char form;
    ok(round_trip("", 0, &form) && form == 'T', "an empty text is stored as it is");
    ok(round_trip("Møte i Politirådet.", strlen("Møte i Politirådet."), &form) && form == 'T',
       "a short text is stored as it is");

    /* the text that Xapian 1.4.22 could not read back once it had compressed it */
    ark_buf b = ARK_BUF_INIT;
    ark_buf_adds(&b, "a");
    for (int i = 0; i < 524288; i++)
        ark_buf_adds(&b, "\xcc\x81");
    size_t plen;
    char *packed = textpack(b.data, b.len, &plen);
    ok(packed[0] == 'Z' && plen < b.len / 100, "1 MB of combining accents is compressed (%zu bytes)",
       plen);
    free(packed);
    ok(round_trip(b.data, b.len, &form), "and comes back whole");
    ark_buf_free(&b);

    for (int i = 0; i < 200; i++)
        ark_buf_adds(&b, "Politirådet drøftet de åpne rusmiljøene i sentrum. ");
    ok(round_trip(b.data, b.len, &form) && form == 'Z', "prose is compressed and comes back");
    ark_buf_free(&b);

    char *text;
    size_t len;
    is_int(textunpack("X123", 4, &text, &len), ARK_ECORRUPT, "an unknown form is ARK_ECORRUPT");
    is_int(textunpack("Z\xff\xff\xff\x7f", 5, &text, &len), ARK_ECORRUPT,
           "a length past the limit is refused before allocating it");
    is_int(textunpack("Z\x10\0\0\0garbage", 12, &text, &len), ARK_ECORRUPT,
           "a broken zlib stream is ARK_ECORRUPT");
    ok(text == NULL && len == 0, "and leaves no text behind");
    return done_testing();
}
