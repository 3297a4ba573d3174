#!/usr/bin/env bash
# arkiv-search on the command line: hits, snippets, JSON, the query language,
# and clear messages for queries with nothing to search for.
. "$(dirname "$0")/tap.sh"

"$BIN/arkiv-index" --db "$T/db" corpus > /dev/null 2>&1
s() { "$BIN/arkiv-search" --db "$T/db" "$@" 2>&1; }
# The ids of the first N hits (of up to 10) of QUERY on DB, in order, on one line.
hit_ids() { # hit_ids DB QUERY N
  "$BIN/arkiv-search" --db "$1" --json "$2" 2>&1 | python3 -c '
import json, sys
print(" ".join(h["id"] for h in json.load(sys.stdin)["hits"][:int(sys.argv[1])]))' "$3"
}

out=$(s 'åpne rusmiljø')
like "$out" '^1\. 000_8789f4b9d8cde277  Politirådet 21\.04\.2023 — referat  \(score [0-9.]+\)' \
  "a hit shows rank, id, title and score"
like "$out" '\[Åpne\] \[rusmiljøer\] i sentrum' "the snippet marks the words, inflected forms included"
is "$(printf '%s\n' "$out" | sed -n '4p')" "   21.04.2023 · referat · 7. Åpne rusmiljøer i sentrum (v/AIS)" \
  "a hit shows the meeting date, the kind and the agenda item its passage is in"
is "$(printf '%s\n' "$out" | sed -n '6p')" "" "the snippet is one line (line breaks collapsed)"

out=$(s '"åpne rusmiljø"')
like "$out" '\[åpne\] \[rusmiljøene\]' "a phrase finds an inflected form: \"åpne rusmiljø\" matches 'åpne rusmiljøene'"
out=$(s '"rusmiljø åpne"')
like "$out" '^No documents match' "a phrase keeps its order"

json=$(s --json Pride)
printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["query"] == "Pride" and d["total"] >= 2, d
h = d["hits"][0]
assert set(h) >= {"id", "title", "score", "snippet", "path"}, h
assert h["id"] == "000_8789f4b9d8cde277", h["id"]
assert "<mark>Pride</mark>" in h["snippet"], h["snippet"]
'
ok $? "--json prints hits with id, title, score and an HTML snippet with <mark>"

out=$(s Pride -skeiv)
like "$out" '000_8789f4b9d8cde277' "excluding a word absent from the top hit keeps it"
out=$(s Pride -Oslo)
like "$out" '^No documents match' "-word excludes documents with the word"
out=$(s 'KOSS OR Pride')
like "$out" '^4 documents match' "OR matches either word"
out=$(s --limit 1 --offset 1 KOSS)
like "$out" '^3 documents match; showing 2-2' "--limit and --offset page through hits"

out=$(s ''); rc=$?
is "$rc" 2 "an empty query exits 2"
like "$out" 'no words to search for' "an empty query says so"
out=$(s '!!! ... ---'); rc=$?
is "$rc" 2 "an all-punctuation query exits 2"
like "$out" 'no words to search for' "an all-punctuation query says so"
out=$(s -- '-pride'); rc=$?
like "$out" 'only excludes' "a query that only excludes says what is missing"
out=$(s "$(printf 'gr\xf8nn \xff')"); rc=$?
is "$rc" 0 "a query with invalid UTF-8 still searches"
json=$(s --json "$(printf 'Pride \xff')")
printf '%s' "$json" | python3 -c 'import json, sys; json.load(sys.stdin)'
ok $? "--json output stays valid JSON for an invalid UTF-8 query"
out=$(s "$(head -c 5000 /dev/zero | tr '\0' x)"); rc=$?
is "$rc" 2 "a 5000-byte query is refused"
like "$out" 'too long' "with the reason"
out=$(s "$(head -c 3000 /dev/zero | tr '\0' '(')x"); rc=$?
is "$rc" 0 "3000 open parentheses are searched without a crash"

out=$(s "$(printf 's* %.0s' $(seq 40))"); rc=$?
is "$rc" 2 "40 wildcards that each stand for hundreds of words are refused"
like "$out" 'type more of it' "as one that stands for too many (they share a budget)"
out=$(s 's* p*'); rc=$?
is "$rc" 0 "while two of them are searched"

out=$(s --explain 'åpne rusmiljø')
like "$out" 'Zrusmiljø' "--explain shows the Xapian query with stems"

# Long documents: a snippet is looked for in the first 8 KB, then 32 KB,
# and in the rest only when the query's words are not there.
mkdir -p "$T/long"
python3 - "$T/long" <<'PY'
import sys
filler = "Bystyret behandlet saken om budsjettet for neste år. " * 1500  # 78 KB
with open(sys.argv[1] + "/late.txt", "w") as f:
    f.write("Referat fra møtet.\n\n" + filler + "Til slutt ble kvartalsrapporten om sykkelveier lagt fram.\n")
with open(sys.argv[1] + "/early.txt", "w") as f:
    f.write("Sykkelveier i sentrum ble drøftet først.\n\n" + filler + "Sykkelveiene ble nevnt igjen.\n")
# 20 KB in, past the first 8 KB, among "Bystyret"s that share its first bytes
with open(sys.argv[1] + "/middle.txt", "w") as f:
    f.write("Referat.\n\n" + filler[:20000] + "Da kom bysykkelordningen opp. " + filler[20000:])
PY
"$BIN/arkiv-index" --db "$T/longdb" "$T/long" > /dev/null 2>&1
out=$("$BIN/arkiv-search" --db "$T/longdb" kvartalsrapporten 2>&1)
like "$out" 'ble \[kvartalsrapporten\] om sykkelveier' \
  "a word only at the end of a long document is still shown in its snippet"
out=$("$BIN/arkiv-search" --db "$T/longdb" bysykkelordningen 2>&1)
like "$out" 'kom \[bysykkelordningen\] opp' "and so is a word 20 KB in"
out=$("$BIN/arkiv-search" --db "$T/longdb" --json sykkelveier 2>&1)
printf '%s' "$out" | python3 -c '
import json, sys
hits = {h["path"].rsplit("/", 1)[-1]: h["snippet"] for h in json.load(sys.stdin)["hits"]}
assert "<mark>Sykkelveier</mark> i sentrum" in hits["early.txt"], hits
assert "<mark>sykkelveier</mark> lagt fram" in hits["late.txt"], hits
'
ok $? "a long document's snippet shows its first passage with the words, or its last"
out=$("$BIN/arkiv-search" --db "$T/longdb" 'sykkelveier nevnt' 2>&1)
like "$out" '\[Sykkelveiene\] ble \[nevnt\] igjen' \
  "two query words together at the end outrank one alone in the first 32 KB"

# The passage where a phrase's words stand side by side, not the one where
# they are apart, even though that one holds more of them.
mkdir -p "$T/pair"
{ printf 'Rusmiljøet i byen er omtalt. Politiet sier at dette er åpne spørsmål, og at rusmiljøet varierer. '
  printf 'Bystyret behandlet saken om budsjettet for neste år. %.0s' 1 2 3 4 5
  printf 'Mot slutten ble de åpne rusmiljøene ved Strømmen omtalt.\n'; } > "$T/pair/pair.txt"
"$BIN/arkiv-index" --db "$T/pairdb" "$T/pair" > /dev/null 2>&1
out=$("$BIN/arkiv-search" --db "$T/pairdb" '"åpne rusmiljø"' 2>&1)
like "$out" 'de \[åpne\] \[rusmiljøene\] ved Strømmen' "a phrase's snippet shows the phrase"

# Where the words stand: of two speeches holding both words, the one where
# they stand within a few words of each other (in either order, so not as
# the phrase) outranks the one that says "budsjettet" twice, far from
# "sykehuset", which BM25 alone puts first.
python3 -c '
import json
filler = " ".join("ordet%d" % i for i in range(30))
docs = {"apart": "Budsjettet ble lagt fram. %s Budsjettet er stramt. %s Sykehuset venter." % (filler, filler),
        "together": "Sykehuset og budsjettet ble lagt fram. %s Det er stramt. %s Vi venter nå." % (filler, filler)}
for i in range(20):
    docs["other%d" % i] = "Kommunen drøftet vei nummer %d. %s" % (i, filler)
for k, v in docs.items():
    print(json.dumps({"id": k, "title": "Sak " + k, "text": v}))
' > "$T/near.jsonl"
"$BIN/arkiv-index" --db "$T/neardb" "$T/near.jsonl" > /dev/null 2>&1
out=$("$BIN/arkiv-search" --db "$T/neardb" --json 'budsjett sykehus' 2>&1)
printf '%s' "$out" | python3 -c '
import json, sys
hits = json.load(sys.stdin)["hits"]
ids = [h["id"] for h in hits]
assert ids[:2] == ["together", "apart"], ids
scores = [h["score"] for h in hits]
assert scores == sorted(scores, reverse=True), scores
'
ok $? "two query words standing together outrank the same words far apart, scores in order"
out=$("$BIN/arkiv-search" --db "$T/neardb" --limit 1 --offset 1 'budsjett sykehus' 2>&1)
like "$out" '^2\. apart ' "and the second page follows the same order"
# every record holds "ordet1 ordet2": offset + limit once wrapped around to 4,
# and the page held hits 6-10
out=$("$BIN/arkiv-search" --db "$T/neardb" --limit 4294967295 --offset 5 'ordet1 ordet2' 2>&1)
like "$out" '^22 documents match; showing 6-22\.' \
  "a page as large as can be asked for, after the first five, holds the other 17 hits"
out=$("$BIN/arkiv-search" --db "$T/neardb" --why 'budsjett sykehus' 2>&1)
like "$out" '^   together: budsjett, sykehus, within a few words \(score \+4\)$' \
  "--why tells what standing together added to the score"
out=$("$BIN/arkiv-search" --db "$T/neardb" '(budsjett sykehus)' 2>&1)
like "$out" '^1\. together ' "words in parentheses count as standing together as well"

# A quoted phrase beside other words (a question quoting a newspaper) also
# matches by its words apart, below the document with the phrase; alone, a
# phrase is what must match.
is "$(hit_ids "$T/neardb" 'kommunen "sykehuset venter"' 2)" "apart together" \
  "a phrase beside other words: the phrase first, then its words apart"
out=$("$BIN/arkiv-search" --db "$T/neardb" '"sykehuset venter"' 2>&1)
like "$out" '^1 document matches' "a phrase alone matches only where the words stand in order"
out=$("$BIN/arkiv-search" --db "$T/neardb" 'kommunen +"sykehuset venter"' 2>&1)
like "$out" '^1 document matches' "a required phrase beside other words must match as a phrase"
# A hyphenated word beside other words (a question naming "EØS-avtalen")
# also matches by its words apart (here far from each other), below the
# document writing it so.
python3 -c '
import json
docs = [("hyphen", "EØS-avtalen ble reforhandlet i fjor høst, etter lange møter."),
        ("apart", "Reforhandlet ble den i fjor høst, etter lange møter og mange runder i "
                  "utvalget, avtalen som gjelder handel, fisk, olje, gass og mye annet mellom "
                  "Norge og landene i EØS."),
        ("neither", "Reforhandlet budsjett.")]
for i, t in docs:
    print(json.dumps({"id": i, "title": "Sak", "text": t}))
' > "$T/hyphen.jsonl"
"$BIN/arkiv-index" --db "$T/hyphendb" "$T/hyphen.jsonl" > /dev/null 2>&1
is "$(hit_ids "$T/hyphendb" 'reforhandlet EØS-avtalen' 100)" "hyphen apart neither" \
  "a hyphenated word beside others: written so first, then its words apart"
is "$(hit_ids "$T/hyphendb" "$(printf 'reforhandlet EØS\342\200\221avtalen')" 100)" "hyphen apart neither" \
  "and so with a non-breaking hyphen (U+2011), as pasted from the Storting's documents"
out=$("$BIN/arkiv-search" --db "$T/hyphendb" 'EØS-avtalen' 2>&1)
like "$out" '^1 document matches' "alone, a hyphenated word is a phrase"

# A quote left open (a question pasted with its opening «) is a phrase to
# the end that matches by its words apart as well.
is "$(hit_ids "$T/neardb" '«sykehuset venter' 2)" "apart together" \
  "an unclosed phrase: the phrase first, then its words apart"

# Proximity (the bare words as a phrase that adds weight) is checked only
# when one of the words is rare: in every document holding common words it
# cost 90 % of a search.
python3 -c '
import json
for i in range(1100):
    text = "Utvalget drøftet budsjettet for skolen, sak %d." % i
    if i == 7:
        text += " Sjakkbrettet i skolen ble nevnt."
    print(json.dumps({"id": "d%d" % i, "title": "Sak %d" % i, "text": text}))
' > "$T/common.jsonl"
"$BIN/arkiv-index" --db "$T/commondb" "$T/common.jsonl" > /dev/null 2>&1
out=$("$BIN/arkiv-search" --db "$T/commondb" --explain 'budsjettet skolen' 2>&1)
unlike "$out" 'PHRASE' "words in over 1000 documents each are not checked for proximity"
out=$("$BIN/arkiv-search" --db "$T/commondb" --explain 'sjakkbrettet skolen' 2>&1)
like "$out" 'PHRASE' "with a rare word among them, they are"

# A common word beside other words is looked up by its spelling and lemmas
# only: its parts and its use as a part are the longest lists of a question.
unlike "$out" 'Cskole' "a word in most documents, beside a rare one, is not looked up as a part"
like "$out" 'Csjakkbrett' "the rare word is"
out=$("$BIN/arkiv-search" --db "$T/commondb" --explain 'skolen' 2>&1)
like "$out" 'Cskole' "a common word alone keeps every alternative"
out=$("$BIN/arkiv-search" --db "$T/commondb" --explain 'sjakkbrettet +skolen' 2>&1)
like "$out" 'Cskole' "and so does a required one"

# ... and adds weight where a rarer word matches, but finds nothing by
# itself: the documents that hold only "skolen" are not about the query.
out=$("$BIN/arkiv-search" --db "$T/commondb" 'sjakkbrettet skolen' 2>&1)
like "$out" '^1 document matches' "a common word beside a rarer one does not make a match by itself"
out=$("$BIN/arkiv-search" --db "$T/commondb" 'sjakkbrettt skolen' 2>&1)
like "$out" '^1100 documents match' "beside a word in no document, the common word is what is found"
out=$("$BIN/arkiv-search" --db "$T/commondb" 'budsjettet skolen' 2>&1)
like "$out" '^1100 documents match' "common words alone find their documents"

# A long question: the document holding its rarest words (what it is about,
# here far apart in a long text) outranks one holding many of its more
# common words, each twice.
python3 - "$T/rare" <<'PY'
import os, sys
d = sys.argv[1]
os.makedirs(d)
fill = "bystyret behandlet saken om veien videre i neste runde".split()
def filler(n, k=0):
    return " ".join(fill[(k + i) % len(fill)] for i in range(n))
rare = ["Mongstad", "aminer", "kreftfaren", "fangstanlegget"]
common = ["regjeringen", "budsjettet", "kostnader", "utslipp", "prosjektet", "statsråden"]
def write(name, text):
    with open(os.path.join(d, name + ".txt"), "w") as f:
        f.write(text + "\n")
write("svar", "Svar\n\n" + " ".join(filler(12) + " " + w + " " + filler(12, 3) + "." for w in rare)
      + " " + filler(60) + ".")
write("generell", "Generelt\n\n" + " ".join(w + " " + filler(9, 2) + "." for w in common * 2))
for i in range(24):  # each common word in 4 more documents
    write("m%02d" % i, "Notat\n\n%s %s." % (common[i % 6], filler(8, i)))
for i in range(14):
    write("f%02d" % i, "Notat\n\n%s." % filler(10, i))
PY
"$BIN/arkiv-index" --db "$T/raredb" "$T/rare" > /dev/null 2>&1
out=$("$BIN/arkiv-search" --db "$T/raredb" 'Hvorfor vil regjeringen og statsråden utsette prosjektet på Mongstad når aminer og kreftfaren ved fangstanlegget gir utslipp og kostnader i budsjettet?' 2>&1)
like "$(printf '%s\n' "$out" | grep -m1 '^[0-9]*\. ')" '^1\. svar ' \
  "a long question ranks first the document with its rarest words"

# Groups nested 30 deep, each with two words and so a proximity phrase: the
# query grows with the depth, not doubling at each level (a phrase joined
# as OR(words, FILTER(phrase, words)) at every level once made 14 levels
# take 20 s and 2.6 GB).
nested=$(python3 -c "print(''.join('(politiet rusmiljø ' for _ in range(30)) + 'kafe' + ')' * 30)")
out=$(timeout 120 "$BIN/arkiv-search" --db "$T/db" --explain "$nested" 2>&1); rc=$?
ok $([ "$rc" -eq 0 ] && [ "$(printf '%s' "$out" | head -1 | wc -c)" -lt 200000 ]; echo $?) \
  "a query of groups nested 30 deep is answered, its Xapian query linear in size"

out=$("$BIN/arkiv-search" --db "$T/nothing" Pride 2>&1); rc=$?
is "$rc" 2 "searching a missing index exits 2"
like "$out" 'not found|could not be opened' "and says the index is missing"

done_testing
