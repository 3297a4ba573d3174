#!/usr/bin/env bash
# A folder that mixes formats, as an archive really is: text, HTML, arkiv XML
# with internal passages and internal documents, a two-page PDF, a Latin-1
# file, hostile XML, a binary file and the catalogue.  What indexing says
# about each, and what a reader (public, or staff with --internal) finds.
. "$(dirname "$0")/tap.sh"

d="$T/docs"; mkdir "$d"
cp corpus/000_8789f4b9d8cde277.txt "$d/"

cat > "$d/sykkel.html" <<'EOF'
<!DOCTYPE html>
<html lang="no"><head>
<meta charset="utf-8">
<title>Bydelsutvalget om sykler</title>
<meta name="date" content="2024-05-02">
<script>var lapp = "skriptordet";</script>
</head><body>
<nav><a href="/">Forside</a> <a href="/meny">Menyordet</a></nav>
<h1>Bydelsutvalget om sykler</h1>
<h2>3. Sykkelparkering ved Tøyen</h2>
<p>Bydelen vil bygge flere sykkelstativer ved Tøyen torg før sommeren.</p>
</body></html>
EOF

# An agenda item marked internal in a public seminar, and a whole internal
# document (shared with the daemon's tests).
cp tests/data/access/seminar.xml tests/data/access/fortrolig.xml "$d/"

"$BUILD/tests/make_pdf" "$d/politiraad.pdf" --title "Referat Politirådet 12.06.2024" \
  "$(printf 'Referat Politirådet i Oslo 12.06.2024\n1. Dagsorden godkjent')" \
  "$(printf '2. Trafikksikkerhet ved skolene v/BYM\nSkoleveiene skal bli tryggere med fartsdumper.')"

# Latin-1 bytes: "brødskiver med blåbærsyltetøy på turen"
printf 'Notat om matpakker\n\nBarna fikk br\xf8dskiver med bl\xe5b\xe6rsyltet\xf8y p\xe5 turen.\n' > "$d/latin1.txt"

cat > "$d/xxe.xml" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE notat [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
<notat><p>Eksternt innhold: &x; slutt på notatet om xxeprove.</p></notat>
EOF

cat > "$d/lol.xml" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz><p>Latterbomben &lol9; ferdig.</p></lolz>
EOF

printf 'PNG\0\0\1binary' > "$d/bilde.png"

catalogue() { # catalogue TITLE-OF-000
  cat > "$d/catalogue.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- katalogkommentarord: denne fila beskriver dokumentene -->
<catalogue>
  <document path="000_8789f4b9d8cde277.txt">
    <title>$1</title>
  </document>
  <document path="./latin1.txt">
    <date>2022-11</date>
  </document>
</catalogue>
EOF
}
catalogue "Katalogtittel for april-møtet"

# --- indexing -------------------------------------------------------------

out=$("$BIN/arkiv-index" --db "$T/db" "$d" 2>&1); rc=$?
is "$rc" 1 "a folder with a binary file indexes with exit status 1"
like "$out" 'bilde\.png: not a document arkiv can read: binary file \(NUL byte at offset 3\)' \
  "the binary file is named with the reason"
like "$out" 'lol\.xml: .*entity' "the billion-laughs file is refused, with the reason"
unlike "$out" 'xxe\.xml' "the XXE file is indexed without complaint (its entity is simply not expanded)"
unlike "$out" 'catalogue\.xml' "the catalogue is read without complaint"
like "$out" '^7 added, 0 updated, 0 deleted, 0 skipped, 2 failed in [0-9.]+ s$' \
  "the seven readable documents are added; the catalogue is not counted as a document"

out=$("$BIN/arkiv-index" --db "$T/db" "$d" 2>&1); rc=$?
like "$out" '^0 added, 0 updated, 0 deleted, 7 skipped, 2 failed' "a second run skips every document"
is "$rc" 1 "and still exits 1 for the files it cannot read"

# --- searching --------------------------------------------------------------

s() { "$BIN/arkiv-search" --db "$T/db" "$@" 2>&1; }
ids() { s --limit 20 "$@" | sed -n 's/^[0-9]*\. \([^ ]*\) .*/\1/p' | tr '\n' ' '; }
# run_ids QID: the ids, in rank order, that one query of the --run below found
run_ids() { awk -v q="$1" '$1 == q { printf "%s ", $3 }' "$T/run.out"; }
meta() { printf '%s\n' "$1" | sed -n '4p'; } # the line under the first hit's title

out=$(s fartsdumper)
like "$out" '^1 document matches' "a word on page 2 of the PDF finds the PDF"
like "$out" '^1\. politiraad  Referat Politirådet 12\.06\.2024  ' "the PDF's hit shows its metadata title"
is "$(meta "$out")" "   12.06.2024 · referat · 2. Trafikksikkerhet ved skolene (v/BYM) · side 2" \
  "the PDF hit shows the date, kind, agenda item and page 2"
is "$(meta "$(s Dagsorden politirådet)")" "   12.06.2024 · referat · side 1" "a match on page 1 says side 1"

out=$(s Sykkelparkering)
like "$out" '^1\. sykkel  Bydelsutvalget om sykler  ' "the HTML heading word finds the page, titled by its <title>"
is "$(meta "$out")" "   02.05.2024 · annet · 3. Sykkelparkering ved Tøyen" \
  "the HTML hit shows the date from <meta name=date> and its heading as agenda item"

# internal material: invisible to the public reader, found by staff
like "$(s hemmeligord OR fortroligsak)" '^No documents match' \
  "words of an internal section or an internal document are not found by a public reader"
out=$(s 'nettverksmøter OR hemmeligord')
like "$out" '^1 document matches' "the seminar is found by its public section"
unlike "$out" 'hemmeligord\]|Drøfting|Enkeltsaker' "its internal section is not shown to the public"
out=$(s klassetrinnene)
like "$out" '^1 document matches' "a word in both a public and an internal section finds the document once"
unlike "$out" 'hemmeligord|Drøfting|Enkeltsaker' "and the public snippet comes from the public section"
out=$(s --internal hemmeligord)
like "$out" '^1 document matches' "--internal finds the word of the internal section"
like "$out" '^1\. seminar ' "in the seminar"
like "$out" '2\. Enkeltsaker · intern' "with the internal section as agenda item, marked internal"
out=$(s --internal fortroligsak)
like "$out" '^1\. fortrolig  Fortrolig notat ' "--internal finds the internal document"
like "$out" ' · intern' "and marks it internal"

pub=$(s --json --facets 'notatet OR fortroligsak OR hemmeligord OR nettverksmøter')
int=$(s --json --facets --internal 'notatet OR fortroligsak OR hemmeligord OR nettverksmøter')
PUB="$pub" INT="$int" python3 -c '
import json, os
p = json.loads(os.environ["PUB"]); i = json.loads(os.environ["INT"])
pids = sorted(h["id"] for h in p["hits"]); iids = sorted(h["id"] for h in i["hits"])
assert pids == ["latin1", "seminar", "xxe"], pids
assert p["total"] == 3, p["total"]
assert p["facets"]["kind"] == {"annet": 2, "seminar": 1}, p["facets"]
assert p["facets"]["year"] == {"2022": 1, "2024": 1}, p["facets"]
assert not any("hemmeligord" in h["snippet"] or "fortroligsak" in h["snippet"] for h in p["hits"])
assert iids == ["fortrolig", "latin1", "seminar", "xxe"], iids
assert i["total"] == 4, i["total"]
assert i["facets"]["kind"] == {"annet": 3, "seminar": 1}, i["facets"]
assert i["facets"]["year"] == {"2022": 1, "2024": 2}, i["facets"]
'
ok $? "the total and the --facets counts of a public search do not count internal material; --internal's do, each document once"

# hostile XML
out=$(s xxeprove)
like "$out" '^1\. xxe ' "the XXE file's own text is searchable"
unlike "$out" 'root:|/bin/(ba)?sh|daemon' "its snippet has nothing of /etc/passwd"
like "$(s --internal root OR daemon OR nologin)" '^No documents match' \
  "the external entity was not read: 'root', 'daemon', 'nologin' find nothing, even for staff"

# Latin-1
out=$(s blåbærsyltetøy)
like "$out" '^1\. latin1 ' "a word written in Latin-1 is found when searched in UTF-8"
like "$out" 'med \[blåbærsyltetøy\] på turen' "and is shown in UTF-8"

# the catalogue
out=$(s 'åpne rusmiljø')
like "$out" '^1\. 000_8789f4b9d8cde277  Katalogtittel for april-møtet  ' "the catalogue's title is shown for its document"
is "$(meta "$(s blåbærsyltetøy)")" "   11.2022 · annet" "the catalogue's date (a month) is shown for the Latin-1 file"

# filters, and other queries whose lists of ids are checked, run in one process
# (arkiv-search --run: one search each, as many times faster as there are queries)
cat > "$T/queries.tsv" <<'EOF'
nav	Menyordet OR skriptordet
lol	Latterbomben
cat	katalogkommentarord OR Katalogtittel OR catalogue
year	dato:2024
sem	type:seminar
ref	type:ref
june	fra:2024-06-01 til:2024-06-30
month	juni 2024
nov	matpakker november 2022
dec	matpakker desember 2022
novd	matpakker november 2022 skoleveiene
EOF
s --queries "$T/queries.tsv" --run "$T/run.out" --limit 20 > /dev/null
is "$(run_ids nav)" "" "words only in the <nav> or a <script> of the HTML page are not found"
is "$(run_ids lol)" "" "the billion-laughs file was not indexed"
unlike "$(run_ids cat)" 'catalogue' "the catalogue file is not a document: its words find no document 'catalogue'"
is "$(run_ids year)" "seminar politiraad sykkel " "dato:2024 lists the public documents of 2024"
is "$(run_ids sem)" "seminar " "type:seminar lists the seminar"
is "$(run_ids ref)" "politiraad 000_8789f4b9d8cde277 " "type:ref lists the minutes"
is "$(run_ids june)" "politiraad " "fra: til: keep the documents of June 2024"
is "$(run_ids month)" "politiraad " "'juni 2024' keeps the documents of June 2024"
is "$(run_ids nov)" "latin1 " "'november 2022' with words: the words find the document the catalogue dated so"
is "$(run_ids dec)" "latin1 " "with words, a month is a hint and filters nothing out"
is "$(run_ids novd)" "latin1 politiraad " "the document of that month ranks above one that matches as many words"
like "$(s 'mars 2026')" '^No documents match' "a month with no documents lists none"
is "$(ids --kind referat fra:2020)" "politiraad 000_8789f4b9d8cde277 " "--kind filters like type:"
is "$(ids --from 2024-05-01 --to 2024-05-31 fra:2000)" "sykkel " "--from/--to filter like fra:/til:"

is "$(ids --internal --sort oldest fra:1900)" \
  "latin1 000_8789f4b9d8cde277 sykkel politiraad fortrolig seminar " \
  "--sort oldest lists every dated document once, oldest first (the catalogue is none of them)"

json=$(s --json 'fartsdumper OR nettverksmøter OR sykkelstativer')
printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
h = {x["id"]: x for x in d["hits"]}
assert set(h) == {"politiraad", "seminar", "sykkel"}, list(h)
p = h["politiraad"]
assert p["date"] == "2024-06-12" and p["kind"] == "referat", p
assert p["page"] == 2, p
assert p["section"] == {"number": 2, "heading": "Trafikksikkerhet ved skolene", "presenter": "BYM", "access": "public"}, p["section"]
s = h["seminar"]
assert s["date"] == "2024-09-12" and s["kind"] == "seminar", s
assert s["section"] == {"number": 1, "heading": "Forebygging i skolen", "presenter": "SaLTo", "access": "public"}, s["section"]
assert "page" not in s, s
y = h["sykkel"]
assert y["date"] == "2024-05-02" and y["section"]["number"] == 3, y
assert y["section"]["heading"] == "Sykkelparkering ved Tøyen" and y["section"]["presenter"] is None, y
'
ok $? "--json hits carry date, kind, section {number, heading, presenter} and, for the PDF, the page"

# a query whose relevance order is not the order of the dates
json=$(s --json --facets --sort newest 'fartsdumper OR Sykkelparkering OR nettverksmøter OR matpakker OR rusmiljø')
printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
f = d["facets"]
ids = [h["id"] for h in d["hits"]]
assert ids == ["seminar", "politiraad", "sykkel", "000_8789f4b9d8cde277", "latin1"], ids
assert d["total"] == 5, d["total"]
assert f["kind"] == {"referat": 2, "annet": 2, "seminar": 1}, f
assert f["year"] == {"2022": 1, "2023": 1, "2024": 3}, f
kinds = {}
for h in d["hits"]:
    kinds[h["kind"]] = kinds.get(h["kind"], 0) + 1
assert kinds == f["kind"], (kinds, f)
'
ok $? "--sort newest lists the newest first; --facets --json counts the matches per kind and per year"

# --- changing the catalogue ------------------------------------------------

catalogue "Politirådet i april, med ny tittel"
out=$("$BIN/arkiv-index" --db "$T/db" "$d" 2>&1)
like "$out" '^0 added, 1 updated, 0 deleted, 6 skipped, 2 failed' \
  "a new title in the catalogue updates exactly that document"
out=$(s 'åpne rusmiljø')
like "$out" '^1\. 000_8789f4b9d8cde277  Politirådet i april, med ny tittel  ' "the search shows the new title"
unlike "$out" 'Katalogtittel' "and not the old one"

done_testing
