#!/usr/bin/env bash
# arkiv-index on the command line: incremental runs, bad files, exit codes.
. "$(dirname "$0")/tap.sh"

cp -r corpus "$T/docs"
out=$("$BIN/arkiv-index" --db "$T/db" "$T/docs" 2>&1); rc=$?
is "$rc" 0 "first run over corpus/ exits 0"
like "$out" '^5 added, 0 updated, 0 deleted, 0 skipped, 0 failed in [0-9.]+ s$' "first run adds the five documents"

out=$("$BIN/arkiv-index" --db "$T/db" "$T/docs" 2>&1)
like "$out" '^0 added, 0 updated, 0 deleted, 5 skipped, 0 failed' "a second run changes nothing"

echo "Et nytt notat om sykkelparkering ved Tøyen." > "$T/docs/notat.txt"
printf 'tillegg om sykkelparkering\n' >> "$T/docs/000_8789f4b9d8cde277.txt"
touch -d '2001-01-01' "$T/docs/000_8789f4b9d8cde277.txt"
rm "$T/docs/004_adf1f163aaf3f263.txt"
out=$("$BIN/arkiv-index" --db "$T/db" "$T/docs" 2>&1)
like "$out" '^1 added, 1 updated, 1 deleted, 3 skipped, 0 failed' "added, changed and removed files are each seen"
hits=$("$BIN/arkiv-search" --db "$T/db" --limit 20 sykkelparkering)
like "$hits" '^2 documents match' "the new and the changed document are found, once each"
hits=$("$BIN/arkiv-search" --db "$T/db" '"Violence as a service"')
like "$hits" '^No documents match' "the removed document is gone"

printf 'PNG\0\0\1binary' > "$T/docs/bilde.png"
mkdir "$T/docs/.git"; echo "skjult" > "$T/docs/.git/config"
out=$("$BIN/arkiv-index" --db "$T/db" "$T/docs" 2>&1); rc=$?
is "$rc" 1 "a binary file makes the run exit 1"
like "$out" 'bilde\.png: not a document arkiv can read: binary file \(NUL byte at offset 3\)' "the binary file is named with the reason"
like "$out" '0 added, 0 updated, 0 deleted, 5 skipped, 1 failed' "the other files are still handled; hidden directories are not indexed"
rm "$T/docs/bilde.png"

# a link out of the folder is passed over, and does not stop deletions
ln -s /etc/passwd "$T/docs/passord.txt"
mv "$T/docs/notat.txt" "$T/notat.txt"
out=$("$BIN/arkiv-index" --db "$T/db" "$T/docs" 2>&1); rc=$?
like "$out" 'passord\.txt: .*symbolic link to a file outside the folder: not followed' \
  "a symlink to /etc/passwd is named and not followed"
like "$out" '^0 added, 0 updated, 1 deleted, 4 skipped, 1 failed' "a file gone from the folder is still deleted"
rm "$T/docs/passord.txt"
mv "$T/notat.txt" "$T/docs/notat.txt"
"$BIN/arkiv-index" --db "$T/db" "$T/docs" > /dev/null 2>&1

out=$("$BIN/arkiv-index" --db "$T/db" "$T/docs" "$T/no-such-dir" 2>&1); rc=$?
is "$rc" 1 "a missing directory makes the run exit 1"
like "$out" 'no-such-dir: .*No such file or directory' "the missing directory is named"
like "$out" ' 0 deleted,' "a missing directory deletes nothing from the index"

out=$("$BIN/arkiv-index" --db "$T/db" 2>&1); rc=$?
is "$rc" 2 "no paths: usage, exit 2"
like "$out" '^usage: arkiv-index' "the usage is shown"

"$BIN/arkiv-index" --db "$T/db" "$T/docs" > /dev/null 2>&1 &
"$BIN/arkiv-index" --db "$T/db" "$T/docs" > "$T/second.out" 2>&1; rc2=$?
wait
[ $rc2 -eq 0 ] || grep -q 'another process is writing this index' "$T/second.out"
ok $? "two indexers at once: the second waits its turn or says another process is writing the index"

mkdir "$T/plain"; echo x > "$T/plain/file"
out=$("$BIN/arkiv-index" --db "$T/plain" corpus 2>&1); rc=$?
is "$rc" 2 "a directory that is not an index is refused"
like "$out" 'index' "with a message about the index"

# "DIR/." names DIR: the lock, the segments and the merge's copy go beside it,
# not inside the directory a merge exchanges
mkdir "$T/dotdb"
out=$("$BIN/arkiv-index" --batch 2 --db "$T/dotdb/." "$T/docs" 2>&1); rc=$?
is "$rc" 0 "an index named DIR/. is written"
is "$(ls -A "$T/dotdb" | grep -c '^\.\.')" 0 "and nothing named ..lock, ..bulk or ..compacting is left inside it"
like "$("$BIN/arkiv-search" --db "$T/dotdb" politiet 2>&1)" 'documents? match' "and it answers searches"
out=$(cd "$T/dotdb" && "$BIN/arkiv-index" --db . --compact "$T/docs" 2>&1); rc=$?
is "$rc" 0 "an index named . from inside it is compacted (its copy exchanged beside it)"
is "$(ls -A "$T/dotdb" | grep -c '^\.\.')" 0 "and nothing is left inside it"
like "$("$BIN/arkiv-search" --db "$T/dotdb" politiet 2>&1)" 'documents? match' "and it still answers"

done_testing
