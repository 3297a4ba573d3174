/* stopwords.c — the stopword list, looked up by binary search. */
#include "stopwords.h"

#include <stdlib.h>
#include <string.h>

/* Sorted bytewise (strcmp order), none longer than STOP_MAX_BYTES; the
 * analyzer's unit test checks both. */
static const char *const WORDS[] = {
    "alle",    "at",    "av",     "bare",    "begge",   "ble",       "blei",   "bli",    "blir",
    "blitt",   "både",  "båe",    "da",      "de",      "deg",       "dei",    "deim",   "deira",
    "deires",  "dem",   "den",    "denne",   "der",     "dere",      "deres",  "det",    "dette",
    "di",      "din",   "disse",  "ditt",    "du",      "dykk",      "dykkar", "då",     "eg",
    "ein",     "eit",   "eitt",   "eller",   "elles",   "en",        "enn",    "er",     "et",
    "ett",     "etter", "for",    "fordi",   "fra",     "før",       "ha",     "hadde",  "han",
    "hans",    "har",   "hennar", "henne",   "hennes",  "her",       "hjå",    "ho",     "hoe",
    "honom",   "hoss",  "hossen", "hun",     "hva",     "hvem",      "hver",   "hvilke", "hvilken",
    "hvilket", "hvis",  "hvor",   "hvordan", "hvorfor", "i",         "ikke",   "ikkje",  "ingen",
    "ingi",    "inkje", "inn",    "inni",    "ja",      "jeg",       "kan",    "kom",    "korleis",
    "korso",   "kun",   "kunne",  "kva",     "kvar",    "kvarhelst", "kven",   "kvi",    "kvifor",
    "man",     "mange", "me",     "med",     "medan",   "meg",       "meget",  "mellom", "men",
    "mi",      "min",   "mine",   "mitt",    "mot",     "mykje",     "ned",    "no",     "noe",
    "noen",    "noka",  "noko",   "nokon",   "nokor",   "nokre",     "nå",     "når",    "og",
    "også",    "om",    "opp",    "oss",     "over",    "på",        "samme",  "seg",    "selv",
    "si",      "sia",   "sidan",  "siden",   "sin",     "sine",      "sitt",   "sjøl",   "skal",
    "skulle",  "slik",  "so",     "som",     "somme",   "somt",      "så",     "sånn",   "til",
    "um",      "upp",   "ut",     "uten",    "var",     "vart",      "varte",  "ved",    "vere",
    "verte",   "vi",    "vil",    "ville",   "vore",    "vors",      "vort",   "vår",    "være",
    "vært",    "å",
};

static int cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

const char *const *stop_words(size_t *n)
{
    *n = sizeof WORDS / sizeof *WORDS;
    return WORDS;
}

int stop_is(const char *word, size_t len)
{
    char buf[STOP_MAX_BYTES + 1];
    if (len > STOP_MAX_BYTES) /* most words of a text: no search */
        return 0;
    memcpy(buf, word, len);
    buf[len] = '\0';
    return bsearch(buf, WORDS, sizeof WORDS / sizeof *WORDS, sizeof *WORDS, cmp) != NULL;
}
