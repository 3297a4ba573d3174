/* test_extract_text — plain text: encodings, re-flow of extracted text, and
 * what the minutes say about themselves (date, kind, title, agenda items,
 * participants, access).  The sample archive's expected fields are in
 * tests/data/corpus-fields.golden; `test_extract_text --print FILE...`
 * prints them, for reviewing a change by eye before accepting it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "docfile.h"
#include "extract.h"
#include "minutes.h"
#include "reflow.h"
#include "tap.h"
#include "xalloc.h"

static ana *A;

static int is_word(void *ctx, const char *w, size_t n)
{
    return ana_is_word(ctx, w, n);
}

/* The document's fields (its dump up to the text) after extraction. */
static char *fields_of(const char *name, const char *data, size_t len, ark_status *st)
{
    ark_doc d;
    char *detail = NULL;
    *st = extract_document(name, data, len, is_word, A, &d, &detail);
    if (*st != ARK_OK)
        return detail;
    minutes_title(&d);
    ark_buf b = ARK_BUF_INIT;
    doc_dump(&d, &b);
    char *text = strstr(b.data, "text:\n");
    if (text)
        *text = '\0';
    doc_free(&d);
    return ark_buf_take(&b);
}

static char *text_of(const char *data)
{
    ark_doc d;
    char *detail = NULL;
    if (extract_document("t.txt", data, strlen(data), is_word, A, &d, &detail) != ARK_OK)
        return detail;
    char *t = ark_strdup(d.text.data ? d.text.data : "");
    doc_free(&d);
    return t;
}

static void reflows(const char *in, const char *want, const char *name)
{
    char *got = text_of(in);
    is_str(got, want, name);
    free(got);
}

/* A field line ("date: 2023-04-21") of the extracted fields of text. */
static void field(const char *text, const char *line, const char *name)
{
    ark_status st;
    char *f = fields_of("t.txt", text, strlen(text), &st);
    char *at = strstr(f, line);
    ok(st == ARK_OK && at && (at == f || at[-1] == '\n') && at[strlen(line)] == '\n', "%s", name);
    if (!at)
        tap_diag("fields", f);
    free(f);
}

/* The text of data[0..len) as a .txt file, and its fields (charset, NULs). */
static char *text_and_fields(const char *data, size_t len, char **fields)
{
    ark_status st;
    *fields = fields_of("u.txt", data, len, &st);
    ark_doc d;
    char *detail = NULL;
    if (extract_document("u.txt", data, len, is_word, A, &d, &detail) != ARK_OK)
        return detail;
    char *t = ark_strdup(d.text.data ? d.text.data : "");
    doc_free(&d);
    return t;
}

static void test_utf16_and_nuls(void)
{
    /* "Rød båt" in UTF-16: little-endian without a byte-order mark, as
     * Windows tools write it, big-endian without one, and with a BOM */
    static const char le[] = "R\0\xf8\0d\0 \0b\0\xe5\0t\0\n\0";
    static const char be[] = "\0R\0\xf8\0d\0 \0b\0\xe5\0t\0\n";
    static const char bom[] = "\xff\xfeR\0\xf8\0d\0 \0b\0\xe5\0t\0\n\0";
    static const char surrogates[] = "\xff\xfe=\xd8\x00\xde \0\x00\xd8x\0"; /* 😀, a lone high */
    struct {
        const char *data;
        size_t len;
        const char *text, *charset, *name;
    } cases[] = {
        {le, sizeof le - 1, "Rød båt", "charset: utf-16le\n", "UTF-16LE without a BOM is read"},
        {be, sizeof be - 1, "Rød båt", "charset: utf-16be\n", "UTF-16BE without a BOM is read"},
        {bom, sizeof bom - 1, "Rød båt", "charset: utf-16le\n", "UTF-16 with a BOM is read"},
        {surrogates, sizeof surrogates - 1, "\xf0\x9f\x98\x80 \xef\xbf\xbdx",
         "invalid bytes: 2\n", "a surrogate pair is decoded, a lone surrogate is U+FFFD"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *fields;
        char *t = text_and_fields(cases[i].data, cases[i].len, &fields);
        ok(strcmp(t, cases[i].text) == 0 && strstr(fields, cases[i].charset), "%s", cases[i].name);
        if (strcmp(t, cases[i].text) != 0)
            tap_diag("text", t);
        free(t);
        free(fields);
    }

    /* a long text with three stray NULs (a crashed editor's save) */
    ark_buf b = ARK_BUF_INIT;
    for (int i = 0; i < 100; i++)
        ark_buf_adds(&b, "Referat om skjenketider. ");
    ark_buf_add(&b, "\0\0\0", 3);
    ark_buf_adds(&b, "Slutt.");
    char *fields;
    char *t = text_and_fields(b.data, b.len, &fields);
    ok(strstr(t, "skjenketider. Slutt.") && strstr(fields, "NUL bytes dropped: 3\n"),
       "a few stray NUL bytes in a long text are dropped and counted");
    free(t);
    free(fields);
    ark_buf_free(&b);
}

static void test_encodings(void)
{
    ark_status st;
    char *f = fields_of("l.txt", "Bl\xe5\x62\xe6rsyltet\xf8y p\xe5 br\xf8\x64.\n", 24, &st);
    ok(st == ARK_OK && strstr(f, "charset: iso-8859-1\n"), "Latin-1 is detected");
    free(f);
    char *t = text_of("Bl\xe5\x62\xe6rsyltet\xf8y p\xe5 br\xf8\x64.\n");
    is_str(t, "Blåbærsyltetøy på brød.", "Latin-1 is converted, not indexed as mojibake");
    free(t);
    t = text_of("\x93Sitat\x94 \x96 med Windows-1252-tegn \x80 5\n");
    is_str(t, "“Sitat” – med Windows-1252-tegn € 5", "Windows-1252's quotes, dash and euro");
    free(t);
    t = text_of("Grønn og gul \xff.\n");
    is_str(t, "Grønn og gul \xef\xbf\xbd.", "UTF-8 with a stray byte stays UTF-8 (U+FFFD)");
    free(t);
    f = fields_of("b.bin", "PNG\0\0binary", 11, &st);
    is_int(st, ARK_EBINARY, "a NUL byte: not a text file");
    free(f);
    f = fields_of("c.bin", "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f abc", 14, &st);
    is_int(st, ARK_EBINARY, "mostly control characters: not a text file");
    free(f);
    test_utf16_and_nuls();
}

static void test_reflow(void)
{
    reflows("Det er en krevende budsjettsituasjon, og OPD er i dialog med POD \n\n"
            "for å se på løsninger.\n",
            "Det er en krevende budsjettsituasjon, og OPD er i dialog med POD for å se på "
            "løsninger.",
            "a line continued in lower case joins, blank lines between or not");
    reflows("Her er en lang linje som fyller hele bredden av siden og fortsetter på\n"
            "Grønland med store bokstaver midt i setningen, slik det ofte blir.\n"
            "Kort tittel\n"
            "Neste avsnitt begynner her.\n",
            "Her er en lang linje som fyller hele bredden av siden og fortsetter på Grønland "
            "med store bokstaver midt i setningen, slik det ofte blir.\n\nKort tittel\n\n"
            "Neste avsnitt begynner her.",
            "a full line without a full stop continues; a short line is a paragraph of its own");
    reflows("arbeidet med det rus- og kriminalitets-\nforebyggende arbeidet i byen\n",
            "arbeidet med det rus- og kriminalitetsforebyggende arbeidet i byen",
            "a hyphen at a line end is dropped when the joined word is a word");
    reflows("tyverier av HC-\nkort, og samarbeid med Barne-\nog familieetaten\n",
            "tyverier av HC-kort, og samarbeid med Barne- og familieetaten",
            "a real hyphen is kept: HC-kort, and before a conjunction");
    reflows("6. Status for Oslomodell for én-til- én-oppfølging\n",
            "6. Status for Oslomodell for én-til-én-oppfølging",
            "a hyphen and a space inside a line: én-til- én");
    reflows("Første linje i avsnittet.\n\n2\n\nSide 3 av 7\n\nAndre avsnitt.\n",
            "Første linje i avsnittet.\n\nAndre avsnitt.", "page numbers are dropped");
    reflows("2. Orientering fra politimester\nOslo politidistrikt har offentliggjort tall.\n"
            "• Åpne rusmiljø\n• Kriminelle nettverk\n-Ny politimester i Oslo\nOPD: Oslo politidistrikt\n"
            "BLK: Byrådslederens kontor\n",
            "2. Orientering fra politimester\n\nOslo politidistrikt har offentliggjort tall.\n\n"
            "• Åpne rusmiljø\n\n• Kriminelle nettverk\n\n-Ny politimester i Oslo\n\n"
            "OPD: Oslo politidistrikt\n\nBLK: Byrådslederens kontor",
            "agenda items, bullets, dashes and glossary entries begin paragraphs");
}

static void test_minutes(void)
{
    field("Referat Politirådet i Oslo 21.04.2023\n\n1. Dagsorden godkjent\n", "date: 2023-04-21",
          "date in the header: dd.mm.yyyy");
    field("EKSTRAORDINÆRT MØTE I POLITIRÅDET - 13.10.25\n\n1. Sak\n", "date: 2025-10-13",
          "date in the header: dd.mm.yy");
    field("Referat fra seminaret 30.-31.01.25\n", "date: 2025-01-30 to 2025-01-31",
          "a range of days: date and end");
    field("Referat fra styret 3. mars 2024\n", "date: 2024-03-03", "a date with a month name");
    field("Referat\n\n1. Dagsorden\n\nMøtet 12.05.2021 ble flyttet.\n\n"
          "Møtetid: 13.10.2025 klokken 12.30\n",
          "date: 2025-10-13", "Møtetid names the meeting; a date in the body does not");
    field("Notat\n\n1. Innledning\n\nSaken ble behandlet 12.05.2021.\n", "date: -",
          "a date only in the body is not the meeting's: none is invented");
    field("Referat\n\n1. Dagsorden\n", "kind: referat", "kind: referat");
    field("Ekstraordinært møte i rådet\n", "kind: ekstraordinært møte", "kind: ekstraordinært møte");
    field("1. Formål\n\nAvtalen er gyldig i to år.\n", "kind: avtale", "kind: avtale");
    field("En handleliste: egg og melk.\n", "kind: annet", "kind: annet");
    field("Referat Politirådet i Oslo 21.04.2023\n\n1. Dagsorden\n",
          "title: Politirådet 21.04.2023 — referat", "a human title from body, date and kind");
    field("Referat\n\n1. Dagsorden godkjent\n\n2. Orientering\n\nTekst.\n\n"
          "5. Dette er ikke punkt fem\n\n3. Åpne rusmiljøer i sentrum v/AIS 14.40\n\nTekst.\n",
          "section 3: Åpne rusmiljøer i sentrum (v/AIS) [84,126,134)",
          "agenda items run 1, 2, 3; presenter and time taken off the heading");
    field("Unntatt offentlighet jf. offl. § 14\n\nReferat\n\n1. Dagsorden\n", "access: internal",
          "a marking in the header makes the document internal");
    field("Referat\n\n1. Dagsorden\n\nMedlemmene kan dele informasjon unntatt offentlighet.\n",
          "access: public", "a sentence that mentions the words marks nothing");
    field("Referat\n\n1. Dagsorden\n\n2. Situasjonsbrief\n\nUnntatt offentlighet\n\nDetaljer.\n\n"
          "3. Eventuelt\n",
          "section 2: Situasjonsbrief [internal] [23,41,76)", "a marked agenda item is internal");
    field("Deltakere:\n\nOslo kommune:\n\nEirik Lae Solberg (Byrådsleder), Julianne Ferskaug "
          "(byråd for sosiale tjenester)\n\nMøtested: Rådhuset\n",
          "participant: Julianne Ferskaug (byråd for sosiale tjenester)", "participants");
}

/* The sample archive's fields against tests/data/corpus-fields.golden. */
static void test_corpus(const char *golden)
{
    FILE *g = fopen(golden, "r");
    if (!ok(g != NULL, "golden file %s opens", golden))
        return;
    ark_buf want = ARK_BUF_INIT;
    char line[4096];
    char path[1024] = "";
    int cases = 0;
    for (;;) {
        char *l = fgets(line, sizeof line, g);
        if (!l || strncmp(l, "> ", 2) == 0) {
            if (*path) {
                docfile f;
                char *detail = NULL;
                ark_status st = docfile_read(path, &f, &detail);
                char *got = st == ARK_OK ? fields_of(path, f.data, f.len, &st) : detail;
                is_str(got, want.data ? want.data : "", path);
                free(got);
                if (st == ARK_OK)
                    docfile_free(&f);
                cases++;
            }
            if (!l)
                break;
            snprintf(path, sizeof path, "%.*s", (int)strcspn(l + 2, "\n"), l + 2);
            ark_buf_reset(&want);
            continue;
        }
        ark_buf_adds(&want, l);
    }
    fclose(g);
    ark_buf_free(&want);
    ok(cases >= 5, "every sample document was checked (%d)", cases);
}

int main(int argc, char **argv)
{
    char *err = NULL;
    if (ana_new(NULL, &A, &err) != ARK_OK) {
        printf("1..0 # skip no analyzer: %s\n", err ? err : "");
        free(err);
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "--print") == 0) {
        for (int i = 2; i < argc; i++) {
            docfile f;
            char *detail = NULL;
            ark_status st = docfile_read(argv[i], &f, &detail);
            char *got = st == ARK_OK ? fields_of(argv[i], f.data, f.len, &st) : detail;
            printf("> %s\n%s", argv[i], got ? got : "");
            free(got);
            if (st == ARK_OK)
                docfile_free(&f);
        }
        ana_free(A);
        return 0;
    }
    test_encodings();
    test_reflow();
    test_minutes();
    test_corpus("tests/data/corpus-fields.golden");
    ana_free(A);
    printf("1..%d\n", tap_count);
    return tap_failed != 0;
}
