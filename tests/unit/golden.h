/* golden.h — reading the golden files' escapes (\n, \t, \xHH). */
#ifndef ARKIV_GOLDEN_H
#define ARKIV_GOLDEN_H

#include <stddef.h>
#include <stdlib.h>

/* Undoes the escapes of in into out (at least as large), NUL-terminated;
 * returns the length, which counts NUL bytes written as \x00. */
static size_t unescape(const char *in, char *out)
{
    size_t n = 0;
    for (size_t i = 0; in[i]; i++) {
        if (in[i] == '\\' && in[i + 1] == 'n') {
            out[n++] = '\n';
            i++;
        } else if (in[i] == '\\' && in[i + 1] == 't') {
            out[n++] = '\t';
            i++;
        } else if (in[i] == '\\' && in[i + 1] == 'x' && in[i + 2] && in[i + 3]) {
            char hex[3] = {in[i + 2], in[i + 3], 0};
            out[n++] = (char)strtol(hex, NULL, 16);
            i += 3;
        } else {
            out[n++] = in[i];
        }
    }
    out[n] = '\0';
    return n;
}

#endif
