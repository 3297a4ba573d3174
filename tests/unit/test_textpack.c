/* test_textpack — stored texts, packed and unpacked (textpack.h). */
#include <stdint.h>
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

    /* the beginning of a long text, for snippets, read in stages */
    for (int i = 0; i < 2000; i++)
        ark_buf_adds(&b, "Åpne rusmiljøer i sentrum drøftes. ");
    packed = textpack(b.data, b.len, &plen);
    const char *view;
    size_t len;
    int whole;
    textreader *r = textreader_new(packed, plen);
    ok(r && textreader_read(r, 1000, &view, &len, &whole) == ARK_OK && !whole && len <= 1000 &&
           len > 900 && memcmp(view, b.data, len) == 0 && view[len] == '\0',
       "a prefix of a compressed text is its beginning");
    ok(len > 0 && view[len - 1] == ' ', "and ends after a space, with whole words");
    ok(textreader_read(r, 999, &view, &len, &whole) == ARK_OK && len > 0 &&
           ((unsigned char)view[len - 1] < 0x80),
       "a cut at another length still ends after a whole word");
    ok(textreader_read(r, 30000, &view, &len, &whole) == ARK_OK && !whole && len > 29000 &&
           memcmp(view, b.data, len) == 0,
       "reading on decompresses more, and the text stays whole where the last cut was");
    ok(textreader_read(r, SIZE_MAX, &view, &len, &whole) == ARK_OK && whole && len == b.len &&
           memcmp(view, b.data, len) == 0 && view[len] == '\0',
       "reading all of it gives the text, said to be whole");
    textreader_free(r);
    r = textreader_new(packed, plen / 2);
    is_int(textreader_read(r, 60000, &view, &len, &whole), ARK_ECORRUPT,
           "a truncated stream is ARK_ECORRUPT, not a short prefix");
    ok(view == NULL, "and leaves no text behind");
    textreader_free(r);
    free(packed);
    /* a text without spaces: cut at a character boundary */
    ark_buf_free(&b);
    for (int i = 0; i < 1000; i++)
        ark_buf_adds(&b, "ø");
    packed = textpack(b.data, b.len, &plen);
    r = textreader_new(packed, plen);
    ok(textreader_read(r, 101, &view, &len, &whole) == ARK_OK && len == 100 && !whole,
       "without spaces the prefix ends at a whole character");
    textreader_free(r);
    free(packed);
    ark_buf_free(&b);
    /* stored as it is, and empty */
    packed = textpack("kort tekst her", 14, &plen);
    r = textreader_new(packed, plen);
    ok(textreader_read(r, 6, &view, &len, &whole) == ARK_OK && len == 5 &&
           memcmp(view, "kort ", 5) == 0 && view[5] == '\0' && !whole,
       "a text stored as it is is read in stages too");
    ok(textreader_read(r, 100, &view, &len, &whole) == ARK_OK && whole && len == 14 &&
           strcmp(view, "kort tekst her") == 0,
       "and then whole");
    textreader_free(r);
    free(packed);
    packed = textpack("", 0, &plen);
    r = textreader_new(packed, plen);
    ok(textreader_read(r, 100, &view, &len, &whole) == ARK_OK && whole && len == 0 && *view == '\0',
       "an empty text is read as empty");
    textreader_free(r);
    free(packed);
    ok(textreader_new("X123", 4) == NULL, "a reader refuses what is not a packed text");

    char *text;
    is_int(textunpack("X123", 4, &text, &len), ARK_ECORRUPT, "an unknown form is ARK_ECORRUPT");
    is_int(textunpack("Z\xff\xff\xff\x7f", 5, &text, &len), ARK_ECORRUPT,
           "a length past the limit is refused before allocating it");
    is_int(textunpack("Z\x10\0\0\0garbage", 12, &text, &len), ARK_ECORRUPT,
           "a broken zlib stream is ARK_ECORRUPT");
    ok(text == NULL && len == 0, "and leaves no text behind");
    return done_testing();
}
