/* auth.c — bearer tokens for staff.
 *
 * Tokens come from a file, one per line.  A presented token is compared
 * with every known token over a fixed length, so the time taken does not
 * tell how much of a guess was right, nor which token it was close to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "searchd.h"
#include "xalloc.h"

#define TOKEN_MAX 256 /* bytes; longer tokens are refused */
#define TOKEN_MIN 16  /* a shorter token is too easy to guess */

static char (*tokens)[TOKEN_MAX];
static size_t ntokens;

void auth_free(void)
{
    free(tokens);
    tokens = NULL;
    ntokens = 0;
}

int auth_load(const char *path, char **err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        *err = ark_sprintf("cannot read the token file %s", path);
        return -1;
    }
    char line[1024];
    unsigned lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        char *t = line;
        while (*t == ' ' || *t == '\t')
            t++;
        n = strlen(t);
        while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
            t[--n] = '\0';
        if (n == 0 || *t == '#')
            continue;
        if (n < TOKEN_MIN || n >= TOKEN_MAX || strpbrk(t, " \t")) {
            *err = ark_sprintf("%s:%u: a token is %d to %d characters without spaces", path,
                               lineno, TOKEN_MIN, TOKEN_MAX - 1);
            fclose(f);
            auth_free();
            return -1;
        }
        tokens = ark_realloc(tokens, (ntokens + 1) * sizeof *tokens);
        memset(tokens[ntokens], 0, TOKEN_MAX);
        memcpy(tokens[ntokens], t, n);
        ntokens++;
    }
    fclose(f);
    return 0;
}

int auth_check(const char *header)
{
    static const char scheme[] = "Bearer ";
    if (strncmp(header, scheme, sizeof scheme - 1) != 0)
        return 0;
    const char *given = header + sizeof scheme - 1;
    size_t n = strlen(given);
    if (n == 0 || n >= TOKEN_MAX)
        return 0;
    char padded[TOKEN_MAX] = {0};
    memcpy(padded, given, n);
    unsigned char ok = 0;
    for (size_t t = 0; t < ntokens; t++) {
        unsigned char diff = 0;
        for (size_t i = 0; i < TOKEN_MAX; i++)
            diff |= (unsigned char)(padded[i] ^ tokens[t][i]);
        ok |= diff == 0;
    }
    return ok;
}
