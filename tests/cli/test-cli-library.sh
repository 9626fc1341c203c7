#!/bin/sh
# shellcheck disable=SC2016 # the sh -c scripts expand their own $1, $2
# The command line says what the library does (issue 11): its CSV is the
# library's CSV, query --format csv is the library's flat form of the
# selection, convert --verbose names the form the library wrote, and every
# JSON output is valid JSON with the same escapes.
#
# Environment: PEERREVIEW (the tool), SAMPLE (the sample package), PYTHON
# (optional: JSON syntax checks are skipped without it).
#
# Prints one "ok"/"not ok" line per check and "N passed, N failed" last;
# exits 1 if any check failed.

LC_ALL=C
export LC_ALL

# the command-line tests' harness: PEERREVIEW, SAMPLE, $tmp, ok, not_ok,
# check, run, status_is, out_has, err_has, out_empty, finish
# shellcheck source=tests/cli/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

err_is() { [ "$(cat "$tmp/err")" = "$1" ]; }

# ---- convert --verbose names the form the library wrote ----------------------

mkdir "$tmp/conv" && cd "$tmp/conv" || exit 99
run convert -v "$SAMPLE" OUT.CSV
check "convert -v to OUT.CSV: the library writes a flat file, and the message says so" \
    sh -c '[ "$1" -eq 0 ] && [ -f OUT.CSV ] &&
           [ "$(cat "$2")" = "peerreview: converted '"'\$3'"' to flat file '"'OUT.CSV'"' (30 reviews)" ]' \
    sh "$status" "$tmp/err" "$SAMPLE"
: >existing
run convert -v "$SAMPLE" existing
check "convert -v to an existing file: a flat file, and the message says so" \
    sh -c '[ "$1" -eq 0 ] && [ -f existing ] && grep -F "to flat file '"'existing'"'" "$2" >/dev/null' \
    sh "$status" "$tmp/err"
run convert -v "$SAMPLE" folder
check "convert -v to a new name: a package folder, and the message says so" \
    sh -c '[ "$1" -eq 0 ] && [ -d folder ] && grep -F "to package '"'folder'"'" "$2" >/dev/null' \
    sh "$status" "$tmp/err"
run convert -v --package "$SAMPLE" pkg.csv
check "convert -v --package to x.csv: a package folder, and the message says so" \
    sh -c '[ "$1" -eq 0 ] && [ -d pkg.csv ] && grep -F "to package '"'pkg.csv'"'" "$2" >/dev/null' \
    sh "$status" "$tmp/err"
cd "$tmp" || exit 99

# ---- query --format csv is the library's flat form of the selection ---------

"$PEERREVIEW" convert "$SAMPLE" - >"$tmp/all.csv" 2>"$tmp/err" || exit 99
run query --format csv "$SAMPLE"
check "query --format csv without filters: the flat form of the whole dataset, byte for byte" \
    sh -c '[ "$1" -eq 0 ] && cmp -s "$2" "$3"' sh "$status" "$tmp/out" "$tmp/all.csv"
run query --format csv --type corporate --stage initial "$SAMPLE"
cp "$tmp/out" "$tmp/selection.csv"
check "query --format csv with filters: each line as the flat form of the whole dataset has it, header first" \
    sh -c '[ "$1" -eq 0 ] && [ "$(head -n 1 "$2")" = "$(head -n 1 "$3")" ] &&
           ! grep -v -x -F -f "$3" "$2" >/dev/null' sh "$status" "$tmp/out" "$tmp/all.csv"
"$PEERREVIEW" query --type corporate --stage initial "$SAMPLE" >"$tmp/want" 2>"$tmp/err"
"$PEERREVIEW" query - <"$tmp/selection.csv" >"$tmp/got" 2>"$tmp/err"
status=$?
check "... and reads back as the same selection" \
    sh -c '[ "$1" -eq 0 ] && [ "$(wc -l <"$2")" -gt 2 ] && cmp -s "$2" "$3"' sh "$status" "$tmp/want" "$tmp/got"

# ---- stats --format csv quotes as the library does ---------------------------

quoted="$tmp/quoted"
cp -R "$SAMPLE" "$quoted" && chmod -R u+w "$quoted" || exit 99
# Harlow Council (E07000073) is reviewed twice: its name gains a comma and quotes
sed 's/,Harlow Council,/,"Harlow, ""the new town"" Council",/' "$SAMPLE/review_councils.csv" \
    >"$quoted/review_councils.csv" || exit 99
[ "$(grep -c 'Harlow, ""the new town""' "$quoted/review_councils.csv")" -eq 2 ] || exit 99
run stats --format csv "$quoted"
check "stats --format csv: a label with a comma and quotes is quoted, quotes doubled" \
    sh -c '[ "$1" -eq 0 ] && grep -x -F "$(printf "%s\r" "$3")" "$2" >/dev/null' \
    sh "$status" "$tmp/out" 'councils_reviewed_more_than_once,E07000073,"Harlow, ""the new town"" Council",2'
check "stats --format csv: lines end in CRLF, as the library's files" \
    sh -c '[ "$(grep -c "$(printf "\r")\$" "$1")" -eq "$(wc -l <"$1")" ]' sh "$tmp/out"
run stats --format json "$quoted"
check "stats --format json: the same name with JSON escapes" \
    sh -c '[ "$1" -eq 0 ] && grep -F "\"council_name\": \"Harlow, \\\"the new town\\\" Council\"" "$2" >/dev/null' \
    sh "$status" "$tmp/out"

# ---- every JSON output parses, with control characters in the data ----------

ctl="$tmp/ctl"
cp -R "$SAMPLE" "$ctl" && chmod -R u+w "$ctl" || exit 99
# a review's notes gain a tab, a backslash, quotes and a control character
awk 'BEGIN { FS = OFS = "," } NR == 3 { $NF = "\"tab\there \\ \"\"q\"\" ctl\001x\"" } { print }' \
    "$SAMPLE/reviews.csv" >"$ctl/reviews.csv" || exit 99
py=${PYTHON:-}
[ -n "$py" ] && [ "$py" != ":" ] || py=python3
if command -v "$py" >/dev/null 2>&1; then
    json_ok() { "$py" -c 'import json, sys
for line in sys.stdin.read().splitlines() if sys.argv[1] == "lines" else [sys.stdin.read()]:
    json.loads(line)' "$1" <"$tmp/out"; }
    run validate --format json "$ctl" "$tmp/no-such-dataset"
    check "validate --format json: every line is a JSON object" json_ok lines
    run stats --format json "$ctl"
    check "stats --format json parses" json_ok whole
    run query --format json "$ctl"
    check "query --format json parses" json_ok whole
    run diff --format json "$SAMPLE" "$ctl"
    check "diff --format json parses" json_ok whole
    check "... and escapes the notes as the text output does" \
        sh -c '"$1" diff "$2" "$3" | grep -F "\"tab\\there \\\\ \\\"q\\\" ctl\\u0001x\"" >/dev/null &&
               grep -F "\"tab\\there \\\\ \\\"q\\\" ctl\\u0001x\"" "$4" >/dev/null' \
        sh "$PEERREVIEW" "$SAMPLE" "$ctl" "$tmp/out"
else
    echo "ok - JSON outputs parse # SKIP no python3"
fi

finish
