#!/usr/bin/env bash
# JSON Lines import (plain, xz, standard input), next to a folder of files in
# the same index, and batch queries writing a TREC run.
. "$(dirname "$0")/tap.sh"

cat > "$T/a.jsonl" <<'EOF'
{"id": "st-1", "title": "Stortinget 2001-03-01: Per Hansen (H)", "text": "Vi må bekjempe de åpne rusmiljøene i byene.\nDet haster.", "date": "2001-03-01", "source": "stortinget-referat", "speaker": "Per Hansen", "party": "H"}

{"id": 42, "title": "Lov om skjenketider", "text": "Skjenketidene gjelder alle serveringssteder.", "date": "2005", "kind": "lov", "department": "Helsedepartementet"}
{not json at all
{"title": "uten id", "text": "Denne posten mangler id."}
{"id": "dato-feil", "text": "En post med feil dato om sykkelparkering.", "date": "i fjor"}
{"id": "intern-1", "text": "Fortrolig sak om vitnebeskyttelsesord.", "access": "internal"}
[1, 2, 3]
EOF

out=$("$BIN/arkiv-index" --db "$T/db" "$T/a.jsonl" 2>&1); rc=$?
like "$out" '^4 added, 0 updated, 0 deleted, 0 skipped, 3 failed' "four records are added, three lines fail"
is "$rc" 1 "and the exit status says some failed"
like "$out" 'a\.jsonl:4: document is broken beyond repair: not valid JSON' "a broken line is named as FILE:LINE"
like "$out" 'a\.jsonl:5: .*no "id"' "a record without an id is named"
like "$out" 'a\.jsonl:6: warning: "date" is not a date' "a date that is no date is a warning"
like "$out" 'a\.jsonl:8: .*not a JSON object' "a line that is not an object is named"

s() { "$BIN/arkiv-search" --db "$T/db" "$@" 2>&1; }
like "$(s åpent rusmiljø)" '^1\. st-1  Stortinget 2001-03-01: Per Hansen \(H\)' \
  "an imported record is found by the Norwegian analysis, with its id and title"
like "$(s Hansen)" '^1\. st-1 ' "a word only in the title finds the record"
like "$(s '"haster Stortinget"')" '^No documents match' "no phrase runs from the text into the title"
like "$(s --kind lov skjenketid)" '^1\. 42  Lov om skjenketider' "a number id and the kind field work"
like "$(s sykkelparkering)" '^1\. dato-feil' "the record with a bad date is indexed without it"
like "$(s vitnebeskyttelsesord)" '^No documents match' "an internal record is not found by the public"
like "$(s --internal vitnebeskyttelsesord)" '^1\. intern-1' "but by staff"

out=$("$BIN/arkiv-index" --db "$T/db" "$T/a.jsonl" 2>&1)
like "$out" '^0 added, 0 updated, 0 deleted, 4 skipped, 3 failed' "a second import skips unchanged records"

sed -i 's/Det haster\./Det haster svært med narkotikapolitikken./' "$T/a.jsonl"
xz -k "$T/a.jsonl"
out=$(cat "$T/a.jsonl.xz" | "$BIN/arkiv-index" --db "$T/db" - 2>&1)
like "$out" '^0 added, 1 updated, 0 deleted, 3 skipped, 3 failed' "xz on standard input: the changed record is updated"
like "$out" '\(standard input\):4: ' "lines of standard input are named too"
like "$(s narkotikapolitikken)" '^1\. st-1 ' "the update is searchable"

# A folder in the same index: neither kind of run deletes the other's documents.
mkdir "$T/docs"
printf 'Referat fra bydelsutvalget\n\nBydelen drøftet benkeplasseringen.\n' > "$T/docs/bydel.txt"
out=$("$BIN/arkiv-index" --db "$T/db" "$T/docs" 2>&1)
like "$out" '^1 added, 0 updated, 0 deleted, 0 skipped, 0 failed' "a folder run deletes no imported record"
out=$("$BIN/arkiv-index" --db "$T/db" "$T/a.jsonl.xz" 2>&1)
like "$out" '^0 added, 0 updated, 0 deleted, 4 skipped' "and an import deletes no file"
like "$(s benkeplasseringen)" '^1\. bydel ' "the file is still found"
like "$(s skjenketider)" '^1\. 42 ' "and so is the record"

# One id several times in one run, across commits (--batch 2): each later
# record is checked against the one before it, written or still queued.
cat > "$T/rep.jsonl" <<'EOF'
{"id": "r-a", "text": "Første utgave om gatebelysning."}
{"id": "r-b", "text": "Om brøyting."}
{"id": "r-c", "text": "Om strøing."}
{"id": "r-a", "text": "Andre utgave om fortauskanter."}
{"id": "r-d", "text": "Om feiing."}
{"id": "r-a", "text": "Andre utgave om fortauskanter."}
{"id": "r-a", "text": "Tredje utgave om sykkelfelt."}
EOF
out=$("$BIN/arkiv-index" --batch 2 --db "$T/rep" "$T/rep.jsonl" 2>&1)
like "$out" '^4 added, 2 updated, 0 deleted, 1 skipped, 0 failed' \
  "a repeated id is updated, a repeated record skipped, in one run"
like "$("$BIN/arkiv-search" --db "$T/rep" sykkelfelt 2>&1)" '^1\. r-a ' "the last version is found"
like "$("$BIN/arkiv-search" --db "$T/rep" gatebelysning fortauskanter 2>&1)" '^No documents match' \
  "and no earlier one"

# A first import writes segments of 8 commits and merges them as it goes
# (lib/segments.h): with --batch 1, an id repeated 12 and 30 records later
# lands in other segments, and only its last version may stay.
{
  echo '{"id": "r-x", "text": "Første utgave om snøbrøyting."}'
  for i in $(seq 1 37); do
    echo "{\"id\": \"f-$i\", \"text\": \"Fyllpost nummer $i om veivedlikehold.\"}"
    [ "$i" = 11 ] && echo '{"id": "r-x", "text": "Andre utgave om strøsand."}'
    [ "$i" = 28 ] && echo '{"id": "r-x", "text": "Tredje utgave om kantstein."}'
    # a repeat within one merge's window: known from the run's notes alone
    [ "$i" = 31 ] || [ "$i" = 36 ] && echo '{"id": "r-y", "text": "Om bussholdeplasser."}'
  done
  echo '{"id": "r-x", "text": "Tredje utgave om kantstein."}'
} > "$T/seg.jsonl"
out=$("$BIN/arkiv-index" --batch 1 --db "$T/seg" "$T/seg.jsonl" 2>&1)
like "$out" '^39 added, 2 updated, 0 deleted, 2 skipped, 0 failed' \
  "a first import across segments counts a repeated id as updated, a repeated record skipped"
like "$("$BIN/arkiv-search" --db "$T/seg" kantstein 2>&1)" '^1\. r-x ' "its last version is found"
like "$("$BIN/arkiv-search" --db "$T/seg" snøbrøyting strøsand 2>&1)" '^No documents match' \
  "and no earlier one, though each was merged into the index before"
like "$("$BIN/arkiv-search" --db "$T/seg" veivedlikehold 2>&1)" '37 documents match' \
  "every other record is there once"
[ ! -e "$T/seg.bulk" ]; ok $? "no segments are left beside the index"

head -c 300 "$T/a.jsonl.xz" > "$T/cut.jsonl.xz"
out=$("$BIN/arkiv-index" --db "$T/db2" "$T/cut.jsonl.xz" 2>&1); rc=$?
like "$out" 'cut\.jsonl\.xz: .*truncated' "a truncated xz file is reported as truncated"
is "$rc" 1 "with exit status 1, not a crash"

# Stored fields come back from the daemon.
"$BIN/arkiv-searchd" --db "$T/db" --listen 127.0.0.1:0 2> "$T/sd.log" &
pid=$!
for _ in $(seq 100); do grep -q serving "$T/sd.log" && break; sleep 0.05; done
port=$(sed -n 's/.*http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$T/sd.log")
doc=$(curl -s "http://127.0.0.1:$port/api/doc/st-1")
like "$doc" '"fields":\{[^}]*"speaker":"Per Hansen"' "unknown fields are kept and returned under fields"
like "$doc" '"party":"H"' "all of them"
kill -TERM $pid; wait $pid

# Batch queries: a TREC run and the latencies.
printf 'q1\tåpne rusmiljø\nq2\tskjenketider\nq3\t...\n' > "$T/q.tsv"
err=$("$BIN/arkiv-search" --db "$T/db" --queries "$T/q.tsv" --run "$T/run.txt" --tag t1 --times "$T/times.tsv" 2>&1)
is "$(cat "$T/run.txt")" "$(printf 'q1 Q0 st-1 1 %s t1\nq2 Q0 42 1 %s t1' \
  "$(awk '$1=="q1"{print $5}' "$T/run.txt")" "$(awk '$1=="q2"{print $5}' "$T/run.txt")")" \
  "--queries writes a TREC run: qid Q0 docid rank score tag"
like "$err" '^arkiv-search: 3 queries; latency ms: p50 [0-9.]+, p95 [0-9.]+, p99 [0-9.]+, mean [0-9.]+$' \
  "and the latency percentiles"
is "$(cut -f1 "$T/times.tsv" | tr '\n' ' ')" "q1 q2 q3 " "--times has every query's time"

# The kind and the year share a value slot, split at a \x1f: a kind that holds one
# stays one kind and leaves the year alone.
printf '{"id": "k1", "text": "Ferjeavgangene i fjorden.", "kind": "møte\\u001f2031", "date": "2020-01-02"}\n' \
  > "$T/k.jsonl"
"$BIN/arkiv-index" --db "$T/kdb" "$T/k.jsonl" >/dev/null 2>&1
is "$("$BIN/arkiv-search" --db "$T/kdb" --json --facets ferjeavgangene |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["facets"])')" \
  "{'kind': {'møte 2031': 1}, 'year': {'2020': 1}}" "a kind with the facets' separator is one kind, the year its own"

done_testing
