/* fold.c — the Norwegian folding table; see fold.h. */
#include "fold.h"

#include <string.h>
#include <utf8proc.h>

/* The ASCII spelling of a code point, or NULL to keep it as it is. */
static const char *fold_cp(utf8proc_int32_t cp)
{
    switch (cp) {
    case 0xE5: /* å */
    case 0xE1: /* á */
    case 0xE0: /* à */
    case 0xE2: /* â */
    case 0xE3: /* ã */
        return "a";
    case 0xE6: /* æ */
    case 0xE4: /* ä */
        return "ae";
    case 0xF8: /* ø */
    case 0xF6: /* ö */
    case 0xF3: /* ó */
    case 0xF2: /* ò */
    case 0xF4: /* ô */
    case 0xF5: /* õ */
        return "o";
    case 0xE9: /* é */
    case 0xE8: /* è */
    case 0xEA: /* ê */
    case 0xEB: /* ë */
        return "e";
    case 0xED: /* í */
    case 0xEC: /* ì */
    case 0xEE: /* î */
    case 0xEF: /* ï */
        return "i";
    case 0xFA: /* ú */
    case 0xF9: /* ù */
    case 0xFB: /* û */
    case 0xFC: /* ü */
        return "u";
    case 0xE7: /* ç */
        return "c";
    case 0xF1: /* ñ */
        return "n";
    default:
        return NULL;
    }
}

/* Appends s, collapsing "aa" to "a" and "oe" to "o" as it goes. */
static int append(char *out, size_t *n, size_t cap, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (*n > 0 && ((c == 'a' && out[*n - 1] == 'a') || (c == 'e' && out[*n - 1] == 'o')))
            continue;
        if (*n + 1 >= cap)
            return 0;
        out[(*n)++] = c;
    }
    return 1;
}

size_t fold_word(const char *word, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)word[i] < 0x80) { /* folds to itself */
            if (!append(out, &n, cap, word + i, 1))
                return 0;
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t step =
            utf8proc_iterate((const utf8proc_uint8_t *)word + i, (utf8proc_ssize_t)(len - i), &cp);
        if (step <= 0)
            return 0;
        const char *ascii = fold_cp(cp);
        int fits = ascii ? append(out, &n, cap, ascii, strlen(ascii))
                         : append(out, &n, cap, word + i, (size_t)step);
        if (!fits)
            return 0;
        i += (size_t)step;
    }
    if (cap == 0)
        return 0;
    out[n] = '\0';
    return n;
}
