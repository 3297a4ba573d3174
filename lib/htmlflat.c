/* htmlflat.c — caps the element depth of HTML before libxml2 parses it;
 * see htmlflat.h. */
#include "htmlflat.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

#define MAX_NAME 16     /* longer tag names are not tracked (no HTML element is) */
#define NAME_SLOTS 1024 /* distinct tag names tracked (a power of 2) */

typedef struct {
    char name[MAX_NAME + 1];
    unsigned open;    /* on the stack */
    unsigned dropped; /* start tags dropped, whose end tags are dropped too */
} name_slot;

typedef struct {
    name_slot slots[NAME_SLOTS];
    unsigned stack[HTMLFLAT_MAX_DEPTH]; /* slot of each open element */
    size_t depth;
} flat_state;

static const char *const void_elements[] = {
    "area", "base", "br",   "col",   "embed",  "hr",    "img", "input", "keygen",
    "link", "meta", "param", "source", "track", "wbr", NULL,
};

/* Elements whose content is text up to their end tag, not markup. */
static const char *const raw_elements[] = {
    "script", "style", "title", "textarea", "xmp", NULL,
};

static int in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return 1;
    return 0;
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == ':' || c == '_';
}

/* The slot of a lower-cased tag name; NULL when the table is full. */
static name_slot *slot_of(flat_state *f, const char *name)
{
    unsigned h = 2166136261u;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (unsigned i = 0; i < NAME_SLOTS; i++) {
        name_slot *s = &f->slots[(h + i) & (NAME_SLOTS - 1)];
        if (!s->name[0]) {
            strcpy(s->name, name);
            return s;
        }
        if (strcmp(s->name, name) == 0)
            return s;
    }
    return NULL;
}

/* Where the tag that starts at data[i] ('<') ends (after its '>'), quotes
 * respected; len when it does not end. */
static size_t tag_end(const char *data, size_t len, size_t i)
{
    char quote = 0;
    for (i++; i < len; i++) {
        char c = data[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i + 1;
        }
    }
    return len;
}

/* Where "</name" next starts at or after i (case-insensitive); len if never. */
static size_t find_end_tag(const char *data, size_t len, size_t i, const char *name)
{
    size_t n = strlen(name);
    for (; i + 2 + n <= len; i++)
        if (data[i] == '<' && data[i + 1] == '/' && strncasecmp(data + i + 2, name, n) == 0)
            return i;
    return len;
}

/* Where the comment whose text starts at data[i] ends (after its "-->"). */
static size_t comment_end(const char *data, size_t len, size_t i)
{
    for (; i + 3 <= len; i++)
        if (data[i] == '-' && data[i + 1] == '-' && data[i + 2] == '>')
            return i + 3;
    return len;
}

/* Reads the tag name at data[i..], lower-cased into name; its length (0:
 * none, or longer than MAX_NAME). */
static size_t read_name(const char *data, size_t len, size_t i, char name[MAX_NAME + 1])
{
    size_t n = 0;
    while (i + n < len && name_char(data[i + n])) {
        if (n == MAX_NAME)
            return 0;
        char c = data[i + n];
        name[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    name[n] = '\0';
    return n;
}

/* Whether the markup ever nests deeper than HTMLFLAT_MAX_DEPTH by the same
 * count flatten keeps (a quick first pass: most pages never do). */
static int too_deep(const char *data, size_t len)
{
    size_t depth = 0;
    char name[MAX_NAME + 1];
    for (size_t i = 0; i + 1 < len; i++) {
        if (data[i] != '<')
            continue;
        if (data[i + 1] == '/') {
            if (depth)
                depth--;
        } else if (read_name(data, len, i + 1, name) && !in_list(name, void_elements) &&
                   ++depth > HTMLFLAT_MAX_DEPTH) {
            return 1; /* (a <br> or <img> never closes, so it does not count) */
        }
    }
    return 0;
}

char *htmlflat(const char *data, size_t len, size_t *out_len)
{
    if (!too_deep(data, len))
        return NULL;
    flat_state *f = ark_calloc(1, sizeof *f);
    ark_buf out = ARK_BUF_INIT;
    ark_buf_grow(&out, len);
    size_t i = 0, copied = 0; /* data[copied..i) is still to be copied */
    char name[MAX_NAME + 1];
    while (i < len) {
        if (data[i] != '<') {
            i++;
            continue;
        }
        if (i + 3 < len && strncmp(data + i, "<!--", 4) == 0) {
            i = comment_end(data, len, i + 4);
            continue;
        }
        int closing = i + 1 < len && data[i + 1] == '/';
        size_t n = read_name(data, len, i + 1 + closing, name);
        if (n == 0) {
            i++;
            continue;
        }
        size_t end = tag_end(data, len, i);
        name_slot *s = slot_of(f, name);
        int keep = 1, raw = !closing && in_list(name, raw_elements);
        if (!s || in_list(name, void_elements) || (raw && f->depth == HTMLFLAT_MAX_DEPTH)) {
            /* kept as it is (a script's text must never become markup or text) */
        } else if (closing && s->dropped) {
            s->dropped--;
            keep = 0;
        } else if (closing) {
            /* pops to its element, as the parser will; an end tag with no
             * element open is kept (the parser ignores it cheaply, at this
             * depth) */
            while (s->open && f->depth) {
                name_slot *top = &f->slots[f->stack[--f->depth]];
                top->open--;
                if (top == s)
                    break;
            }
        } else if (f->depth == HTMLFLAT_MAX_DEPTH) {
            s->dropped++;
            keep = 0;
        } else {
            s->open++;
            f->stack[f->depth++] = (unsigned)(s - f->slots);
        }
        if (!keep) {
            ark_buf_add(&out, data + copied, i - copied);
            copied = end;
        }
        i = end;
        if (raw)
            i = find_end_tag(data, len, i, name); /* its text is not markup */
    }
    ark_buf_add(&out, data + copied, len - copied);
    free(f);
    *out_len = out.len;
    return ark_buf_take(&out);
}
