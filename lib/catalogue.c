/* catalogue.c — the archive's catalogue; see catalogue.h.
 *
 * Entries are kept sorted by path and found by binary search.  Unlike the
 * arkiv export format, which is read leniently, a catalogue is written by
 * hand for this purpose: a value that cannot be right (a 13th month, an
 * unknown field) is an error that names the entry, not a silent skip. */
#include "catalogue.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "docfile.h"
#include "strset.h"
#include "xalloc.h"
#include "xmlsafe.h"

enum {
    CAT_TITLE = 1 << 0,
    CAT_DESCRIPTION = 1 << 1,
    CAT_KIND = 1 << 2,
    CAT_DATE = 1 << 3,
    CAT_ACCESS = 1 << 4,
    CAT_PARTICIPANTS = 1 << 5,
};

struct cat_entry {
    char *path;
    unsigned given; /* CAT_* */
    char *title;    /* NULL: given empty, clears the field */
    char *description;
    char *kind;
    char date[DOC_DATE_MAX];
    char date_end[DOC_DATE_MAX];
    doc_access access;
    char **participants;
    size_t nparticipants;
    uint64_t fingerprint;
};

struct catalogue {
    struct cat_entry *entries;
    size_t n;
    size_t cap;
};

/* What a load is working on, for messages that say where. */
typedef struct {
    const char *file;
    struct cat_entry *e;
    xmlNodePtr node;
    char **detail;
} loading;

static ark_status fail(loading *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static ark_status fail(loading *l, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    long line = l->node ? xmlGetLineNo(l->node) : 0;
    char where[64] = "";
    if (line > 0)
        snprintf(where, sizeof where, "line %ld", line);
    if (l->e && l->e->path)
        *l->detail = ark_sprintf("%s: entry %s (%s): %s", l->file, l->e->path, where, what);
    else
        *l->detail = ark_sprintf("%s: %s%s%s", l->file, where, *where ? ": " : "", what);
    return ARK_EPARSE;
}

static void free_entry(struct cat_entry *e)
{
    free(e->path);
    free(e->title);
    free(e->description);
    free(e->kind);
    for (size_t i = 0; i < e->nparticipants; i++)
        free(e->participants[i]);
    free(e->participants);
}

void catalogue_free(catalogue *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free_entry(&c->entries[i]);
    free(c->entries);
    free(c);
}

/* A field's text; NULL when empty (an empty field clears). */
static char *text_or_null(xmlNodePtr n)
{
    char *s = xmlsafe_field(n);
    if (!*s) {
        free(s);
        return NULL;
    }
    return s;
}

static ark_status read_date(loading *l, xmlNodePtr n)
{
    struct cat_entry *e = l->e;
    char *v = xmlsafe_field(n);
    int valid = strlen(v) < DOC_DATE_MAX && doc_date_valid(v);
    if (valid)
        strcpy(e->date, v);
    ark_status st = valid ? ARK_OK : fail(l, "invalid date \"%s\" in <date>", v);
    free(v);
    const char *end = xmlsafe_attr(n, "end");
    if (st == ARK_OK && end) {
        if (strlen(end) >= DOC_DATE_MAX || !doc_date_valid(end))
            return fail(l, "invalid end date \"%s\" in <date end>", end);
        strcpy(e->date_end, end);
    }
    return st;
}

static ark_status read_access(loading *l, xmlNodePtr n)
{
    char *v = xmlsafe_field(n);
    char *low = xmlsafe_lower(v, strlen(v));
    l->e->access = strcmp(low, "public") == 0     ? DOC_PUBLIC
                   : strcmp(low, "internal") == 0 ? DOC_INTERNAL
                                                  : DOC_ACCESS_UNSET;
    ark_status st = l->e->access
                        ? ARK_OK
                        : fail(l, "invalid access \"%s\" in <access> (public or internal)", v);
    free(low);
    free(v);
    return st;
}

static ark_status read_participants(loading *l, xmlNodePtr n)
{
    struct cat_entry *e = l->e;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        l->node = c;
        if (!xmlsafe_is(c, "participant"))
            return fail(l, "unknown element <%s> in <participants>", (const char *)c->name);
        char *p = text_or_null(c);
        if (!p)
            continue;
        e->participants = ark_realloc(e->participants, (e->nparticipants + 1) * sizeof(char *));
        e->participants[e->nparticipants++] = p;
    }
    return ARK_OK;
}

/* One field of an entry. */
static ark_status read_field(loading *l, xmlNodePtr n)
{
    struct cat_entry *e = l->e;
    const char *name = (const char *)n->name;
    l->node = n;
    if (strcmp(name, "title") == 0 || strcmp(name, "description") == 0) {
        int title = name[0] == 't';
        char **field = title ? &e->title : &e->description;
        free(*field);
        *field = text_or_null(n);
        e->given |= title ? CAT_TITLE : CAT_DESCRIPTION;
    } else if (strcmp(name, "kind") == 0) {
        char *v = xmlsafe_field(n);
        free(e->kind);
        e->kind = *v ? xmlsafe_lower(v, strlen(v)) : NULL;
        free(v);
        e->given |= CAT_KIND;
    } else if (strcmp(name, "date") == 0) {
        e->given |= CAT_DATE;
        return read_date(l, n);
    } else if (strcmp(name, "access") == 0) {
        e->given |= CAT_ACCESS;
        return read_access(l, n);
    } else if (strcmp(name, "participants") == 0) {
        e->given |= CAT_PARTICIPANTS;
        return read_participants(l, n);
    } else {
        return fail(l, "unknown field <%s>", name);
    }
    return ARK_OK;
}

static const char *without_dot_slash(const char *p)
{
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    return p;
}

static ark_status read_entry(loading *l, xmlNodePtr n)
{
    const char *path = xmlsafe_attr(n, "path");
    l->node = n;
    if (!path || !*without_dot_slash(path))
        return fail(l, "<document> without a path");
    l->e->path = ark_strdup(without_dot_slash(path));
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        ark_status st = read_field(l, c);
        if (st != ARK_OK)
            return st;
    }
    return ARK_OK;
}

static void hash_str(uint64_t *h, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    *h = ark_fnv1a(&n, sizeof n, *h);
    *h = ark_fnv1a(s ? s : "", n, *h);
    *h = ark_fnv1a(s ? "s" : "0", 1, *h); /* NULL and "" differ */
}

static uint64_t fingerprint(const struct cat_entry *e)
{
    uint64_t h = ARK_FNV_SEED;
    unsigned access = (unsigned)e->access;
    hash_str(&h, e->path);
    h = ark_fnv1a(&e->given, sizeof e->given, h);
    hash_str(&h, e->title);
    hash_str(&h, e->description);
    hash_str(&h, e->kind);
    hash_str(&h, e->date);
    hash_str(&h, e->date_end);
    h = ark_fnv1a(&access, sizeof access, h);
    h = ark_fnv1a(&e->nparticipants, sizeof e->nparticipants, h);
    for (size_t i = 0; i < e->nparticipants; i++)
        hash_str(&h, e->participants[i]);
    return h ? h : 1;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct cat_entry *)a)->path, ((const struct cat_entry *)b)->path);
}

/* Reads the entries of root into c, sorted. */
static ark_status read_entries(loading *l, catalogue *c, xmlNodePtr root)
{
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        l->e = NULL;
        l->node = n;
        if (!xmlsafe_is(n, "document"))
            return fail(l, "unknown element <%s> (expected <document>)", (const char *)n->name);
        if (c->n == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 64;
            c->entries = ark_realloc(c->entries, c->cap * sizeof *c->entries);
        }
        l->e = memset(&c->entries[c->n++], 0, sizeof *c->entries);
        ark_status st = read_entry(l, n);
        if (st != ARK_OK)
            return st;
        l->e->fingerprint = fingerprint(l->e);
    }
    qsort(c->entries, c->n, sizeof *c->entries, by_path);
    for (size_t i = 1; i < c->n; i++) {
        if (strcmp(c->entries[i - 1].path, c->entries[i].path) == 0) {
            l->e = NULL;
            l->node = NULL;
            return fail(l, "%s is listed twice", c->entries[i].path);
        }
    }
    return ARK_OK;
}

/* Reads and parses the file; *doc the tree. */
static ark_status parse_file(const char *path, xmlDocPtr *doc, char **detail)
{
    docfile f;
    char *why = NULL;
    ark_status s = docfile_read(path, &f, &why);
    if (s == ARK_OK) {
        s = xmlsafe_read_xml(f.data, f.len, doc, NULL, &why);
        docfile_free(&f);
    }
    if (s != ARK_OK) {
        *detail = ark_sprintf("%s: %s", path, why ? why : ark_status_message(s));
        free(why);
    }
    return s;
}

ark_status catalogue_load(const char *path, catalogue **out, char **detail)
{
    *out = NULL;
    *detail = NULL;
    xmlDocPtr doc;
    ark_status st = parse_file(path, &doc, detail);
    if (st != ARK_OK)
        return st;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    loading l = {path, NULL, root, detail};
    catalogue *c = ark_calloc(1, sizeof *c);
    if (!xmlsafe_is(root, "catalogue"))
        st = fail(&l, "not a catalogue (the root element is <%s>)", (const char *)root->name);
    else
        st = read_entries(&l, c, root);
    xmlFreeDoc(doc);
    if (st != ARK_OK) {
        catalogue_free(c);
        return st;
    }
    *out = c;
    return ARK_OK;
}

size_t catalogue_count(const catalogue *c)
{
    return c ? c->n : 0;
}

const struct cat_entry *catalogue_find(const catalogue *c, const char *relpath)
{
    if (!c || !relpath || !c->n)
        return NULL;
    struct cat_entry key;
    key.path = (char *)without_dot_slash(relpath);
    return bsearch(&key, c->entries, c->n, sizeof *c->entries, by_path);
}

uint64_t catalogue_fingerprint(const struct cat_entry *e)
{
    return e ? e->fingerprint : 0;
}

static void set_field(char **field, const char *v)
{
    doc_set(field, v, v ? strlen(v) : 0);
}

void catalogue_apply(const struct cat_entry *e, ark_doc *d)
{
    if (!e)
        return;
    if (e->given & CAT_TITLE)
        set_field(&d->title, e->title);
    if (e->given & CAT_DESCRIPTION)
        set_field(&d->description, e->description);
    if (e->given & CAT_KIND)
        set_field(&d->kind, e->kind);
    if (e->given & CAT_DATE) {
        memcpy(d->date, e->date, sizeof d->date);
        memcpy(d->date_end, e->date_end, sizeof d->date_end);
    }
    if (e->given & CAT_ACCESS)
        d->access = e->access;
    if (e->given & CAT_PARTICIPANTS) {
        for (size_t i = 0; i < d->nparticipants; i++)
            free(d->participants[i]);
        free(d->participants);
        d->participants = NULL;
        d->nparticipants = 0;
        for (size_t i = 0; i < e->nparticipants; i++)
            doc_add_participant(d, e->participants[i], strlen(e->participants[i]));
    }
}
