# tap.sh — TAP helpers for the end-to-end shell tests.  Source it.
# BUILD is the build directory (make sets it); each test works in a fresh
# temporary directory, removed on exit.
BUILD=${BUILD:-build}
BIN=$BUILD/bin
T=$(mktemp -d "${TMPDIR:-/tmp}/arkiv-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
failed=0

ok() { # ok CONDITION-EXIT-STATUS NAME
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

# like TEXT PATTERN NAME: TEXT matches the extended regular expression.
like() {
  printf '%s' "$1" | grep -Eq -- "$2"
  local s=$?
  ok $s "$3"
  [ $s -eq 0 ] || { echo "#   wanted /$2/ in:"; printf '%s\n' "$1" | head -20 | sed 's/^/#   /'; }
}

unlike() {
  printf '%s' "$1" | grep -Eq -- "$2"
  local s=$?
  [ $s -ne 0 ]; ok $? "$3"
  [ $s -ne 0 ] || { echo "#   did not want /$2/ in:"; printf '%s\n' "$1" | head -20 | sed 's/^/#   /'; }
}

is() { # is GOT WANT NAME
  [ "$1" = "$2" ]; local s=$?
  ok $s "$3"
  [ $s -eq 0 ] || { echo "#      got: $1"; echo "# expected: $2"; }
}

done_testing() { echo "1..$n"; [ $failed -eq 0 ]; }
