/* web.c — the web page: three files read once at start-up.
 *
 * Only these names are served, from memory (not copied per request), so no
 * request path ever reaches the file system.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "searchd.h"
#include "xalloc.h"

typedef struct {
    const char *path; /* as requested */
    const char *file; /* in the web directory */
    const char *type;
    char *data;
    size_t len;
} web_file;

static web_file files[] = {
    {"/", "index.html", "text/html; charset=utf-8", NULL, 0},
    {"/app.js", "app.js", "text/javascript; charset=utf-8", NULL, 0},
    {"/style.css", "style.css", "text/css; charset=utf-8", NULL, 0},
};
#define NFILES (sizeof files / sizeof *files)

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ark_buf b = ARK_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ark_buf_add(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        ark_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return ark_buf_take(&b);
}

int web_load(const char *dir, char **err)
{
    for (size_t i = 0; i < NFILES; i++) {
        char *path = ark_sprintf("%s/%s", dir, files[i].file);
        files[i].data = slurp(path, &files[i].len);
        if (!files[i].data) {
            *err = ark_sprintf("cannot read the web page's file %s", path);
            free(path);
            web_free();
            return -1;
        }
        free(path);
    }
    return 0;
}

void web_free(void)
{
    for (size_t i = 0; i < NFILES; i++) {
        free(files[i].data);
        files[i].data = NULL;
    }
}

static web_file *find(const char *path)
{
    for (size_t i = 0; i < NFILES; i++)
        if (strcmp(files[i].path, path) == 0 && files[i].data)
            return &files[i];
    return NULL;
}

int web_has(const char *path)
{
    return find(path) != NULL;
}

enum MHD_Result web_answer(sd_request *r)
{
    web_file *f = find(r->path);
    return http_send_static(r, MHD_HTTP_OK, f->type, f->data, f->len);
}
