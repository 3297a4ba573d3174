#!/usr/bin/env bash
# The Norwegian analysis as a journalist meets it: inflections, æ/ø/å typed
# without a Norwegian keyboard, compounds, abbreviations, Nynorsk, stopwords,
# and the plain baseline kept apart.
. "$(dirname "$0")/tap.sh"

d="$T/docs"; mkdir "$d"
echo "Fargen på skiltet er rød."                                    > "$d/rod-farge.txt"
echo "Det var mye rod på kontoret etter flyttingen."               > "$d/rod-rot.txt"
echo "Kommunen styrker rusmiljøtiltakene i sentrum."               > "$d/tiltak.txt"
echo "Forebygging av kriminalitet blant unge er et felles ansvar." > "$d/forebygging.txt"
echo "Kriminalitetsforebygging er et ansvar for alle enheter."     > "$d/kriminalitetsforebygging.txt"
echo "Politiet møtte de åpne rusmiljøene ved Strømmen stasjon."    > "$d/apne.txt"
echo "Møtet ble holdt på Bjørnsrud gård."                          > "$d/gard.txt"
printf 'Referat\n\nABC har lagt fram tallene.\n\nForkortelser: ABC: Alfa beta sentralen\n' > "$d/glossar.txt"
echo "Alfa beta sentralen la fram nye tall i går."                 > "$d/utskrevet.txt"
echo "ABC kommer med nye tall hver uke."                           > "$d/forkortet.txt"
echo "Eg veit ikkje kva som skjer med ungdomane frå byen."         > "$d/nynorsk.txt"
echo "Avtalen gjelder barne- og ungdomskriminalitet i Oslo."       > "$d/koordinert.txt"
echo "Saken ble sendt til Arbeids- og velferdsforvaltningen i fjor." > "$d/nav.txt"
echo "Budsjettet for i år er vedtatt."                             > "$d/iar.txt"
echo "Bydelen er interessert i å delta."                           > "$d/ia.txt"
echo "Harald trådte til som konge i 1991."                          > "$d/tradte.txt"

"$BIN/arkiv-index" --db "$T/db" "$d" > /dev/null 2>&1
ok $? "the documents index"
ids() { "$BIN/arkiv-search" --db "$T/db" --limit 20 "$@" 2>&1 | sed -n 's/^[0-9]*\. \([^ ]*\) .*/\1/p' | tr '\n' ' '; }

like "$(ids 'åpent rusmiljø')" '^apne ' "an inflection finds another: 'åpent rusmiljø' finds 'de åpne rusmiljøene'"
like "$(ids 'apne rusmiljo')" '^apne ' "å and ø typed as a and o still find the word"
like "$(ids 'aapne rusmiljoe')" '^apne ' "å and ø typed as aa and oe still find the word"
like "$(ids Strommen)" '^apne ' "a place name typed without ø finds it"
like "$(ids 'apent rusmiljo')" '^apne ' \
  "a word typed without å is lemmatized as if written with it: 'apent' finds 'åpne'"
like "$(ids rød)" '^rod-farge rod-rot $' "the exact spelling 'rød' ranks above the variant 'rod'"
like "$(ids rod)" '^rod-rot rod-farge $' "and 'rod' ranks the document saying 'rod' first"
like "$(ids rusmiljø)" 'tiltak' "a compound's part finds the compound: 'rusmiljø' finds 'rusmiljøtiltakene'"
like "$(ids kriminalitetsforebygging)" '^kriminalitetsforebygging forebygging ' \
  "a compound query finds its parts apart, the whole word first"
unlike "$(ids kriminalitetsforebygging)" 'utskrevet|glossar' "a compound query needs all its parts, not any one"
like "$(ids tiltrådte)" '^tradte $' \
  "a compound's last part may be any of its readings: 'tiltrådte' finds 'trådte til'"
abc=$(ids ABC)
like "$abc" 'utskrevet' "an abbreviation learnt from a document's glossary finds its expansion"
like "$abc" '^(glossar forkortet|forkortet glossar) utskrevet' "the documents with the abbreviation itself rank first"
alfa=$(ids Alfa beta sentralen)
like "$alfa" 'forkortet' "an expansion finds the abbreviation"
like "$alfa" 'utskrevet .*forkortet' "the document with the expansion itself ranks above it"
like "$(ids '"barnekriminalitet i Oslo"')" '^koordinert $' \
  "'barne- og ungdomskriminalitet' is also found as barnekriminalitet, even in a phrase"
like "$(ids '"gjelder barne- og ungdomskriminalitet"')" '^koordinert $' \
  "a quoted phrase with 'barne- og' matches the text as written"
like "$(ids NAV)" '^nav $' "a built-in abbreviation finds its hyphenated expansion: NAV"
like "$(ids 'arbeids og velferdsforvaltningen')" '^nav ' "and the expansion typed as words finds it"
like "$(ids ungdom)" 'nynorsk' "a Nynorsk inflection ('ungdomane') is found by its lemma"
like "$(ids '"i år"')" '^iar $' "the phrase 'i år' does not match 'i å': 'år' is no form of the stopword 'å'"
unlike "$(ids år)" '(^| )ia ' "nor does the word 'år' find a document that only has 'å'"
out=$("$BIN/arkiv-search" --db "$T/db" 'i og på' 2>&1); rc=$?
is "$rc" 0 "a query of only stopwords still searches"

"$BIN/arkiv-index" --db "$T/basic" --analysis basic "$d" > /dev/null 2>&1
ok $? "an index can be built with the plain baseline analysis"
like "$(ids_basic() { "$BIN/arkiv-search" --db "$T/basic" "$@" 2>&1; }; ids_basic 'apne')" '^No documents match' \
  "the baseline has no variants: 'apne' finds nothing there"
out=$("$BIN/arkiv-index" --db "$T/basic" --analysis full "$d" 2>&1); rc=$?
is "$rc" 2 "an index is never mixed: asking for another analysis is refused"
like "$out" 'rebuild it' "with the command that rebuilds it"

out=$("$BIN/arkiv-search" --db "$T/db" --why 'åpent rusmiljo' 2>&1)
like "$out" 'matched: .*åpne \(lemma åpen\).*rusmiljøene \(lemma rusmiljø\)' \
  "--why says which word matched and how: by lemma, with ø restored in 'rusmiljo'"
out=$("$BIN/arkiv-search" --db "$T/db" --why 'Bjornsrud' 2>&1)
like "$out" 'matched: bjørnsrud \(variant bjornsrud\)' "--why names a match by variant spelling"
out=$("$BIN/arkiv-search" --db "$T/db" --why rusmiljø 2>&1)
like "$out" 'rusmiljøtiltakene \(part rusmiljø\)' "--why names the compound part that matched"

out=$("$BIN/arkiv-analyze" 'rusmiljøene')
like "$out" 'Z: rusmiljø .*F: .*rusmiljo.*C: rus,miljø' "arkiv-analyze shows lemma, variants and compound parts"

done_testing
