/* dict.c — hunspell behind UTF-8; see dict.h. */
#define _POSIX_C_SOURCE 200809L
#include "dict.h"

#include <stdio.h>

#include <hunspell/hunspell.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#include "xalloc.h"

struct dict {
    Hunhandle *h;
    int latin1; /* the dictionary's encoding is ISO-8859-1 */
};

ark_status dict_open(const char *dir, const char *name, dict **out)
{
    *out = NULL;
    char *aff = ark_sprintf("%s/%s.aff", dir, name);
    char *dic = ark_sprintf("%s/%s.dic", dir, name);
    ark_status st = ARK_ENOTFOUND;
    if (access(aff, R_OK) == 0 && access(dic, R_OK) == 0) {
        Hunhandle *h = Hunspell_create(aff, dic);
        if (h) {
            dict *d = ark_calloc(1, sizeof *d);
            d->h = h;
            const char *enc = Hunspell_get_dic_encoding(h);
            d->latin1 = enc && strstr(enc, "8859-1") != NULL;
            *out = d;
            st = ARK_OK;
        }
    }
    free(aff);
    free(dic);
    return st;
}

void dict_close(dict *d)
{
    if (!d)
        return;
    Hunspell_destroy(d->h);
    free(d);
}

/* Converts UTF-8 to the dictionary's encoding; 0 when it cannot. */
static int encode(const dict *d, const char *word, size_t len, char *out)
{
    if (len == 0 || len >= DICT_MAX_WORD)
        return 0;
    if (!d->latin1) {
        memcpy(out, word, len);
        out[len] = '\0';
        return 1;
    }
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t step =
            utf8proc_iterate((const utf8proc_uint8_t *)word + i, (utf8proc_ssize_t)(len - i), &cp);
        if (step <= 0 || cp > 0xFF)
            return 0;
        out[n++] = (char)cp;
        i += (size_t)step;
    }
    out[n] = '\0';
    return 1;
}

static void decode(const dict *d, const char *in, char *out)
{
    if (!d->latin1) {
        snprintf(out, DICT_MAX_WORD, "%s", in);
        return;
    }
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && n + 3 < DICT_MAX_WORD; p++)
        n += (size_t)utf8proc_encode_char(*p, (utf8proc_uint8_t *)out + n);
    out[n] = '\0';
}

int dict_spell(dict *d, const char *word, size_t len)
{
    char buf[DICT_MAX_WORD];
    return encode(d, word, len, buf) && Hunspell_spell(d->h, buf);
}

size_t dict_stems(dict *d, const char *word, size_t len, char stems[][DICT_MAX_WORD])
{
    char buf[DICT_MAX_WORD];
    if (!encode(d, word, len, buf))
        return 0;
    char **list = NULL;
    int n = Hunspell_stem(d->h, &list, buf);
    size_t count = 0;
    for (int i = 0; i < n && count < DICT_MAX_STEMS; i++)
        decode(d, list[i], stems[count++]);
    if (list)
        Hunspell_free_list(d->h, &list, n);
    return count;
}
