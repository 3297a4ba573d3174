/* test_glossary — abbreviation glossaries found in minutes, and the built-in list. */
#include <stdlib.h>
#include <string.h>

#include "glossary.h"
#include "tap.h"
#include "xalloc.h"

static void add_entry(void *ctx, const char *abbr, size_t abbr_len, const char *exp, size_t exp_len)
{
    ark_buf_printf(ctx, "%.*s=%.*s;", (int)abbr_len, abbr, (int)exp_len, exp);
}

static char *entries_of(const char *text)
{
    ark_buf b = ARK_BUF_INIT;
    gls_extract(text, strlen(text), add_entry, &b);
    return ark_buf_take(&b);
}

static void check(const char *text, const char *want, const char *name)
{
    char *got = entries_of(text);
    is_str(got, want, name);
    free(got);
}

int main(void)
{
    check("Forkortelser: OPD: Oslo politidistrikt \n\nBLK: Byrådslederens kontor \n\n"
          "AIS: Byrådsavdeling for arbeid, integrering og sosiale tjenester \n\n"
          "Om politirådssamarbeidet: \n\n-Politirådet i Oslo har som formål å utveksle "
          "informasjon.\n\nABC: Dette er ingen ordliste lenger\n",
          "OPD=Oslo politidistrikt;BLK=Byrådslederens kontor;"
          "AIS=Byrådsavdeling for arbeid, integrering og sosiale tjenester;"
          "ABC=Dette er ingen ordliste lenger;",
          "entries on the heading's line and below it, blank lines between");
    check("Forkortelser:\n  \n\nOPD: Oslo politidistrikt  \nPolitiets enheter omtales som: "
          "Enhet sentrum, Enhet øst og Enhet vest.\nBLK: Byrådslederens kontor\n",
          "OPD=Oslo politidistrikt;BLK=Byrådslederens kontor;",
          "a stray line inside the glossary does not end it");
    check("Forkortelser:\nOPD: Oslo politidistrikt\nen\nto\ntre\nXYZ: etter ordlista\n",
          "OPD=Oslo politidistrikt;", "three lines that are not entries end the glossary");
    check("NB: Dette er en merknad, ikke en forkortelse.\nOPD: Oslo politidistrikt\n", "",
          "without a glossary heading, nothing is taken for an entry");
    check("Forkortelser: ØKOKRIM: Økokrim-enheten\nX: for kort\nABCDEFGHIJ: for lang\n",
          "ØKOKRIM=Økokrim-enheten;", "abbreviations are 2 to 8 capitals, Æ Ø Å included");
    check("Forkortelser:\n14:30 Pause i møtet\nOPD: Oslo politidistrikt\n",
          "OPD=Oslo politidistrikt;", "a time of day is not an abbreviation");
    is_str(gls_builtin("nav"), "arbeids og velferdsforvaltningen", "NAV is built in");
    is_str(gls_builtin_abbr("arbeids og velferdsforvaltningen"), "nav",
           "and found from its expansion as a query keys it");
    is_str(gls_builtin_abbr("oslo politidistrikt"), "opd", "and so is Oslo politidistrikt");
    ok(gls_builtin("xyzzy") == NULL, "an unknown abbreviation has no expansion");
    return done_testing();
}
