#!/bin/sh
# shellcheck disable=SC2016 # the sh -c scripts expand their own $1, $2
# Tests of '-' for standard input and output in the peerreview tool (issue 10):
# validate, convert, stats, query and diff reading a flat file from a pipe or
# a redirection, convert writing the flat form to standard output, problems
# naming <stdin> with their lines, read and write errors, usage errors.
#
# Environment as tests/cli/test-cli.sh (PEERREVIEW, SAMPLE). Prints one
# "ok"/"not ok" line per check and "N passed, N failed" last; exits 1 if any
# check failed.

LC_ALL=C
export LC_ALL

# the command-line tests' harness: PEERREVIEW, SAMPLE, $tmp, ok, not_ok,
# check, run, status_is, out_has, err_has, out_empty, finish
# shellcheck source=tests/cli/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

TABLES="reviews review_councils team_members items considerations sources"

# run ARG...: run the tool with standard input from $tmp/in; stdout in
# $tmp/out, stderr in $tmp/err, exit in $status.
run() {
    "$PEERREVIEW" "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
    status=$?
}

# piped FILE ARG...: as run, with FILE piped into the tool by cat.
piped() {
    file=$1
    shift
    # shellcheck disable=SC2002 # a pipe on purpose: standard input is not a file
    cat "$file" | "$PEERREVIEW" "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
}

same_file() { cmp "$1" "$2" >/dev/null; }

# same_tables DIR: each of the six CSV files of DIR equals the sample's.
same_tables() {
    for t in $TABLES; do
        if ! cmp "$SAMPLE/$t.csv" "$1/$t.csv"; then return 1; fi
    done
    return 0
}

# usage_error CMD ARG...: exit 2, nothing on stdout, the command's message and hint.
usage_error() {
    cmd=$1
    run "$@"
    status_is 2 && out_empty && head -n 1 "$tmp/err" | grep -F -e "peerreview $cmd: " >/dev/null &&
        [ "$(tail -n 1 "$tmp/err")" = "Try 'peerreview $cmd --help'." ]
}

# The sample in the flat form, as a file.
: >"$tmp/in"
"$PEERREVIEW" convert --flat "$SAMPLE" "$tmp/flat.csv" 2>"$tmp/err" || {
    echo "test-cli-stdio: cannot make the flat sample: $(cat "$tmp/err")" >&2
    exit 99
}

# ---- validate ---------------------------------------------------------------

piped "$tmp/flat.csv" validate -
check "cat flat | validate -: valid, exit 0" status_is 0
check "cat flat | validate -: one path checked, no problem" \
    sh -c '[ "$(cat "$1")" = "checked 1 path: 0 errors, 0 warnings (valid)" ]' sh "$tmp/out"

cp "$tmp/flat.csv" "$tmp/in"
run validate -
check "validate - < flat: valid" status_is 0

# a broken flat file: a bad date on line 3 and a bad review type on line 4
awk 'NR == 1 { print; next } NR == 2 { print "bad-1,corporate,,initial,,,2015-13,,,,,,,,,,,," }
    NR == 3 { print "bad-2,nonsense,,initial,,,2015,,,,,,,,,,,,"; exit }' "$SAMPLE/reviews.csv" \
    >"$tmp/bad.csv"
piped "$tmp/bad.csv" validate -
check "a broken file on a pipe: exit 1" status_is 1
check "its problems name <stdin> with line and column (bad date at 2:7)" \
    out_has "<stdin>:2:7: error: onsite_start:"
check "... and (bad enum at 3:2)" out_has "<stdin>:3:2: error: review_type:"
check "... and bad-date and bad-enum codes" sh -c 'grep -F "[bad-date]" "$1" >/dev/null &&
    grep -F "[bad-enum]" "$1" >/dev/null' sh "$tmp/out"
check "the summary says invalid" out_has "(invalid)"

piped "$tmp/bad.csv" validate --format json -
check "validate --format json -: exit 1" status_is 1
check "JSON problems have path <stdin>, line 2, column 7" \
    out_has '{"path":"<stdin>","severity":"error","code":"bad-date","line":2,"column":7,'

# the same problems as from a file, but for the name
cp "$tmp/bad.csv" "$tmp/file.csv"
"$PEERREVIEW" validate "$tmp/file.csv" >"$tmp/from-file" 2>/dev/null
piped "$tmp/bad.csv" validate -
sed "s|^$tmp/file.csv:|<stdin>:|" "$tmp/from-file" >"$tmp/from-file-renamed"
check "the problems are those of the same bytes in a file" same_file "$tmp/out" "$tmp/from-file-renamed"

# several PATHs, one of them '-'
piped "$tmp/flat.csv" validate "$SAMPLE" - "$tmp/flat.csv"
check "validate PATH - PATH: three paths, valid" sh -c '[ "$1" -eq 0 ] &&
    grep -F "checked 3 paths: 0 errors" "$2" >/dev/null' sh "$status" "$tmp/out"

: >"$tmp/in"
run validate -
check "empty standard input: exit 1" status_is 1
check "... an empty-file error naming <stdin>" out_has "<stdin>: error: the file is empty"

# input arriving in pieces, slowly
(head -c 1000 "$tmp/flat.csv"; sleep 1; tail -c +1001 "$tmp/flat.csv") |
    "$PEERREVIEW" validate - >"$tmp/out" 2>"$tmp/err"
status=$?
check "input that arrives in pieces: valid" status_is 0

# a flat file of more than 64 KiB, on a pipe
awk -F, 'NR == 1 { print; n = NF; next } END {
    for (i = 0; i < 3000; i++) {
        printf "r-%05d,corporate,,initial,,,2019", i
        for (k = 8; k <= n; k++) printf ","
        printf "\r\n"
    } }' "$tmp/flat.csv" >"$tmp/big.csv"
piped "$tmp/big.csv" validate -
check "a 3000-review flat file on a pipe: valid" sh -c '[ "$1" -eq 0 ] &&
    [ "$(wc -c <"$2")" -gt 65536 ]' sh "$status" "$tmp/big.csv"
piped "$tmp/big.csv" stats --format json -
check "... and stats counts its 3000 reviews" out_has '"reviews": 3000,'

# the options for reading apply to standard input too
tr ',' ';' <"$tmp/bad.csv" | head -n 1 >"$tmp/semi.csv"
printf 'x-1;corporate;;initial;;;2019;;;;;;;;;;;;caf\351\r\n' >>"$tmp/semi.csv"
piped "$tmp/semi.csv" validate -
check "a ';' windows-1252 file without options: wrong-delimiter" out_has "[wrong-delimiter]"
piped "$tmp/semi.csv" validate --delimiter ';' --encoding windows-1252 -
check "... with --delimiter ';' --encoding windows-1252: valid" status_is 0

# read errors
"$PEERREVIEW" validate - <"$SAMPLE" >"$tmp/out" 2>"$tmp/err"
status=$?
check "standard input that is a folder: exit 2 (I/O error)" status_is 2
check "... an io-error naming <stdin>" sh -c 'grep -F "<stdin>:" "$1" | grep -F "[io-error]" >/dev/null &&
    grep -F "(I/O error)" "$1" >/dev/null' sh "$tmp/out"
"$PEERREVIEW" validate - <&- >"$tmp/out" 2>"$tmp/err"
status=$?
check "closed standard input: exit 2 (I/O error)" sh -c '[ "$1" -eq 2 ] &&
    grep -F "[io-error]" "$2" >/dev/null' sh "$status" "$tmp/out"

check "validate - - is a usage error" usage_error validate - -
check "validate - PATH - is a usage error" usage_error validate - "$SAMPLE" -

# ---- convert ------------------------------------------------------------------

: >"$tmp/in"
run convert "$SAMPLE" -
check "convert PATH -: exit 0" status_is 0
check "... the flat form on stdout, as a flat file would hold it" same_file "$tmp/out" "$tmp/flat.csv"
run convert --flat "$SAMPLE" -
check "convert --flat PATH -: the same" sh -c '[ "$1" -eq 0 ] && cmp "$2" "$3" >/dev/null' \
    sh "$status" "$tmp/out" "$tmp/flat.csv"
run convert --spreadsheet-safe "$SAMPLE" -
"$PEERREVIEW" convert --spreadsheet-safe --flat "$SAMPLE" "$tmp/safe.csv" 2>/dev/null
check "convert --spreadsheet-safe PATH -: as the file" same_file "$tmp/out" "$tmp/safe.csv"
run convert -v "$SAMPLE" -
check "convert -v PATH -: says it wrote standard output" \
    err_has "converted '$SAMPLE' to flat file standard output (30 reviews)"

piped "$tmp/flat.csv" convert - "$tmp/pkg"
check "cat flat | convert - DIR: exit 0" status_is 0
check "... the package equals the sample" same_tables "$tmp/pkg"

piped "$tmp/flat.csv" convert - -
check "cat flat | convert - -: the same bytes back" sh -c '[ "$1" -eq 0 ] && cmp "$2" "$3" >/dev/null' \
    sh "$status" "$tmp/out" "$tmp/flat.csv"
piped "$tmp/flat.csv" convert -v - "$tmp/again.csv"
check "convert -v - FILE: says it read standard input" \
    err_has "converted standard input to flat file '$tmp/again.csv' (30 reviews)"

piped "$tmp/bad.csv" convert - "$tmp/never.csv"
check "convert of a broken stdin: exit 1, problems name <stdin> on stderr" sh -c '[ "$1" -eq 1 ] &&
    grep -F "<stdin>:2:7: error:" "$2" >/dev/null && grep -F "cannot load standard input" "$2" >/dev/null &&
    [ ! -e "$3" ]' sh "$status" "$tmp/err" "$tmp/never.csv"

check "convert --package PATH - is a usage error" usage_error convert --package "$SAMPLE" -
check "... saying a package cannot be standard output" err_has "package folder cannot be written to standard output"

# a value the flat form cannot hold: nothing is written
mkdir "$tmp/unflat"
cp "$SAMPLE"/*.csv "$SAMPLE/datapackage.json" "$tmp/unflat/"
# (line 3 of items.csv: an unquoted text as its last field)
awk 'NR == 3 { sub(/,[^,]*$/, ",\"two\r\nlines\"\r") } { print }' "$SAMPLE/items.csv" \
    >"$tmp/unflat/items.csv"
run validate "$tmp/unflat"
if status_is 0; then
    run convert "$tmp/unflat" -
    check "convert of a dataset the flat form cannot hold to -: exit 1" status_is 1
    check "... nothing on stdout" out_empty
    check "... unrepresentable on stderr" err_has "[unrepresentable]"
else
    not_ok "the dataset with a line break in an item is valid as a package" "$(head -c 300 "$tmp/out")"
fi

# write errors on standard output
if [ -w /dev/full ]; then
    "$PEERREVIEW" convert --flat "$SAMPLE" - >/dev/full 2>"$tmp/err"
    status=$?
    check "convert --flat PATH - > /dev/full: exit 2" status_is 2
    check "... an io-error saying the write failed" sh -c 'grep -F "[io-error]" "$1" | grep -F "write failed" >/dev/null &&
        grep -F "cannot write to standard output" "$1" >/dev/null' sh "$tmp/err"
    "$PEERREVIEW" convert - - <"$tmp/big.csv" >/dev/full 2>"$tmp/err"
    status=$?
    check "convert - - > /dev/full: exit 2" status_is 2
else
    echo "ok - write errors on stdout # SKIP no /dev/full"
fi

# ---- stats, query, diff -----------------------------------------------------

piped "$tmp/flat.csv" stats -
check "cat flat | stats -: exit 0, names <stdin>" sh -c '[ "$1" -eq 0 ] &&
    head -n 1 "$2" | grep -F "<stdin>: 30 reviews" >/dev/null' sh "$status" "$tmp/out"
"$PEERREVIEW" stats "$SAMPLE" >"$tmp/stats-file" 2>/dev/null
sed 1d "$tmp/stats-file" >"$tmp/a"
sed 1d "$tmp/out" >"$tmp/b"
check "... the same counts as the package" same_file "$tmp/a" "$tmp/b"

piped "$tmp/flat.csv" query --type corporate -
"$PEERREVIEW" query --type corporate "$SAMPLE" >"$tmp/query-file" 2>/dev/null
check "cat flat | query --type corporate -: as from the package" sh -c '[ "$1" -eq 0 ] &&
    cmp "$2" "$3" >/dev/null' sh "$status" "$tmp/out" "$tmp/query-file"

piped "$tmp/flat.csv" diff "$SAMPLE" -
check "cat flat | diff PATH -: equal, exit 0" sh -c '[ "$1" -eq 0 ] && [ ! -s "$2" ]' sh "$status" "$tmp/out"
piped "$tmp/big.csv" diff - "$SAMPLE"
check "diff - PATH with other reviews: exit 1" sh -c '[ "$1" -eq 1 ] &&
    grep -F "reviews: 30 added, 3000 removed" "$2" >/dev/null' sh "$status" "$tmp/out"
check "diff - - is a usage error" usage_error diff - -

# ---- help ---------------------------------------------------------------------

for c in validate convert stats query diff; do
    run $c --help
    check "$c --help mentions '-'" out_has "'-'"
done

finish
