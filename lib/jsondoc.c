/* jsondoc.c — one JSON Lines record as a document; see jsondoc.h. */
#include "jsondoc.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "xalloc.h"

/* The fields arkiv reads; every other field is kept as it is. */
static const char *const known[] = {"id",          "title",        "text", "date", "date_end",
                                    "kind",        "access",       "description",
                                    "participants", NULL};

static int is_known(const char *key)
{
    for (size_t i = 0; known[i]; i++)
        if (strcmp(known[i], key) == 0)
            return 1;
    return 0;
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void set_str(char **field, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_string(v) && json_string_length(v))
        doc_set(field, json_string_value(v), json_string_length(v));
}

/* The id: a non-empty string, or a whole number; NULL if neither. */
static char *id_of(json_t *o)
{
    json_t *v = json_object_get(o, "id");
    if (json_is_string(v) && json_string_length(v) && !memchr(json_string_value(v), '\0',
                                                               json_string_length(v)))
        return ark_strdup(json_string_value(v));
    if (json_is_integer(v))
        return ark_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return NULL;
}

/* A date field: kept when valid, else a warning. */
static void set_date(char date[DOC_DATE_MAX], json_t *o, const char *key, ark_buf *warn)
{
    const char *v = str(o, key);
    if (!v || !*v)
        return;
    if (strlen(v) < DOC_DATE_MAX && doc_date_valid(v)) {
        strcpy(date, v);
        return;
    }
    ark_buf_printf(warn, "%s\"%s\" is not a date (YYYY, YYYY-MM or YYYY-MM-DD); left out",
                   warn->len ? "; " : "", key);
}

static void set_text(ark_doc *d, json_t *o)
{
    json_t *t = json_object_get(o, "text");
    if (!json_is_string(t))
        return;
    size_t n = json_string_length(t);
    ark_buf_add(&d->text, json_string_value(t), n);
    /* a \u0000 in the JSON is a NUL in the text: make it a space */
    for (size_t i = 0; i < n; i++)
        if (d->text.data[i] == '\0')
            d->text.data[i] = ' ';
}

static void keep_unknown(ark_doc *d, json_t *o)
{
    json_t *extra = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (!is_known(key))
            json_object_set(extra, key, v);
    }
    if (json_object_size(extra))
        d->extra = json_dumps(extra, JSON_COMPACT);
    json_decref(extra);
}

ark_status jsondoc_read(const char *line, size_t len, ark_doc *d, char **id, char **detail)
{
    *id = NULL;
    *detail = NULL;
    json_error_t jerr;
    json_t *o = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
    if (!o) {
        *detail = ark_sprintf("not valid JSON: %s (column %d)", jerr.text, jerr.column);
        return ARK_EPARSE;
    }
    if (!json_is_object(o) || !(*id = id_of(o))) {
        *detail = ark_strdup(json_is_object(o) ? "the record has no \"id\" (a string or number)"
                                               : "the line is not a JSON object");
        json_decref(o);
        return ARK_EPARSE;
    }
    doc_init(d, "json");
    set_text(d, o);
    set_str(&d->title, o, "title");
    set_str(&d->kind, o, "kind");
    set_str(&d->description, o, "description");
    ark_buf warn = ARK_BUF_INIT;
    set_date(d->date, o, "date", &warn);
    set_date(d->date_end, o, "date_end", &warn);
    const char *access = str(o, "access");
    d->access = DOC_PUBLIC;
    if (access && strcmp(access, "internal") == 0)
        d->access = DOC_INTERNAL;
    else if (access && strcmp(access, "public") != 0)
        ark_buf_printf(&warn, "%saccess \"%.32s\" is neither public nor internal; public",
                       warn.len ? "; " : "", access);
    json_t *people = json_object_get(o, "participants"), *p;
    size_t i;
    json_array_foreach(people, i, p)
    {
        if (json_is_string(p))
            doc_add_participant(d, json_string_value(p), json_string_length(p));
    }
    keep_unknown(d, o);
    json_decref(o);
    doc_finish(d);
    if (warn.len)
        *detail = ark_buf_take(&warn);
    else
        ark_buf_free(&warn);
    return ARK_OK;
}
