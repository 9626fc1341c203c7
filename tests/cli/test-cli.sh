#!/bin/sh
# shellcheck disable=SC2016 # the sh -c scripts expand their own $1, $2
# Tests of the peerreview command-line tool (run by `make check`).
#
# Environment:
#   PEERREVIEW  the tool to test (default: tools/peerreview of the build tree,
#               looked for as ../tools/peerreview and ../../tools/peerreview
#               from this script's folder, then ./tools/peerreview)
#   SAMPLE      the sample package (default: data/lga-sample of the source tree)
#
# Prints one "ok"/"not ok" line per check and "N passed, N failed" last;
# exits 1 if any check failed.

LC_ALL=C
export LC_ALL

# the command-line tests' harness: PEERREVIEW, SAMPLE, $tmp, ok, not_ok,
# check, run, status_is, out_has, err_has, out_empty, finish
# shellcheck source=tests/cli/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

TABLES="reviews review_councils team_members items considerations sources"
last_out_has() { tail -n 1 "$tmp/out" | grep -F -e "$1" >/dev/null; }

# same_tables DIR: each of the six CSV files of DIR equals the sample's.
same_tables() {
    for t in $TABLES; do
        if ! cmp "$SAMPLE/$t.csv" "$1/$t.csv"; then return 1; fi
    done
    return 0
}

# usage_error ARG...: exit 2, nothing on stdout, and on stderr the message
# and the hint of the command that was used: "peerreview convert: ..." and
# "Try 'peerreview convert --help'." (no command: "peerreview: ...", "Try
# 'peerreview --help'.").
usage_error() {
    case ${1:-} in
    validate | convert | stats | query | diff) cmd=" $1" ;;
    *) cmd= ;;
    esac
    run "$@"
    status_is 2 && out_empty && head -n 1 "$tmp/err" | grep -F -e "peerreview$cmd: " >/dev/null &&
        [ "$(tail -n 1 "$tmp/err")" = "Try 'peerreview$cmd --help'." ]
}

# ---- global options and usage errors --------------------------------------

run --version
check "--version exits 0" status_is 0
check "--version prints 'peerreview X.Y.Z (libpeerreview ...)'" \
    sh -c 'head -n 1 "$1" | grep -E "^peerreview [0-9]+\.[0-9]+\.[0-9]+ \(libpeerreview [^)]+\)$" >/dev/null' \
    sh "$tmp/out"

for h in --help -h; do
    run $h
    check "$h exits 0 and prints usage on stdout" \
        sh -c '[ "$1" -eq 0 ] && grep -F "Usage: peerreview" "$2" >/dev/null' sh "$status" "$tmp/out"
done
for c in validate convert; do
    run $c --help
    check "$c --help exits 0 and prints its usage" \
        sh -c '[ "$1" -eq 0 ] && grep -F "Usage: peerreview $3" "$2" >/dev/null' sh "$status" "$tmp/out" $c
done

check "no arguments is a usage error" usage_error
check "unknown command is a usage error" usage_error frobnicate "$SAMPLE"
check "unknown global option is a usage error" usage_error --no-such-option
check "unknown validate option is a usage error" usage_error validate --no-such-option "$SAMPLE"
check "unknown short option is a usage error" usage_error validate -Z "$SAMPLE"
check "validate without PATH is a usage error" usage_error validate
check "bad --format value is a usage error" usage_error validate --format xml "$SAMPLE"
check "--format without value is a usage error" usage_error validate "$SAMPLE" --format
check "non-numeric --max-problems is a usage error" usage_error validate --max-problems many "$SAMPLE"
check "negative --max-problems is a usage error" usage_error validate --max-problems -1 "$SAMPLE"
check "convert with one argument is a usage error" usage_error convert "$SAMPLE"
check "convert with three arguments is a usage error" usage_error convert "$SAMPLE" "$tmp/a" "$tmp/b"
check "--flat with --package is a usage error" usage_error convert --flat --package "$SAMPLE" "$tmp/x"
check "convert option on validate is a usage error" usage_error validate --flat "$SAMPLE"
check "--help=x is a usage error" usage_error validate --help=x

# Every kind of usage error of every command names the command, says what is
# wrong and points at that command's help (usage_error checks the hint).
# usage_says MESSAGE ARG...: a usage error whose first line is exactly MESSAGE.
usage_says() {
    want=$1
    shift
    usage_error "$@" && [ "$(head -n 1 "$tmp/err")" = "$want" ]
}
check "validate without PATH: 'missing PATH'" \
    usage_says "peerreview validate: missing PATH" validate
check "convert without operands: 'missing IN and OUT'" \
    usage_says "peerreview convert: missing IN and OUT" convert
check "convert with IN only: 'missing OUT'" \
    usage_says "peerreview convert: missing OUT" convert "$SAMPLE"
check "query without PATH: 'missing PATH'" usage_says "peerreview query: missing PATH" query
check "diff without operands: 'missing OLD and NEW'" \
    usage_says "peerreview diff: missing OLD and NEW" diff
check "diff with OLD only: 'missing NEW'" usage_says "peerreview diff: missing NEW" diff "$SAMPLE"
check "convert with three operands names the extra one" \
    usage_says "peerreview convert: extra operand '$tmp/b' (expected IN and OUT)" \
    convert "$SAMPLE" "$tmp/a" "$tmp/b"
check "stats with two operands names the extra one" \
    usage_says "peerreview stats: extra operand 'two' (expected at most one PATH)" stats "$SAMPLE" two
check "query with two operands names the extra one" \
    usage_says "peerreview query: extra operand 'two' (expected one PATH)" query "$SAMPLE" two
check "diff with three operands names the extra one" \
    usage_says "peerreview diff: extra operand 'three' (expected OLD and NEW)" diff "$SAMPLE" "$SAMPLE" three
for c in validate convert stats query diff; do
    check "$c --no-such-option: names the option, hint of $c" usage_error $c --no-such-option
    check "$c --no-such-option: the message names the option" err_has "'--no-such-option'"
    check "$c -Z: unknown short option, hint of $c" \
        usage_says "peerreview $c: unknown option '-Z'" $c -Z
    check "$c --help=x: option that takes no argument, hint of $c" \
        usage_says "peerreview $c: option '--help' does not take an argument" $c --help=x
done
for c in validate stats query diff; do
    check "$c --format nonsense: bad option value, hint of $c" usage_error $c --format nonsense "$SAMPLE"
    check "$c --format nonsense: the message quotes the value" err_has "invalid --format 'nonsense'"
    check "$c --format without its value, hint of $c" \
        usage_says "peerreview $c: option '--format' requires an argument" $c "$SAMPLE" --format
done
check "convert --flat --package: conflicting options, hint of convert" \
    usage_says "peerreview convert: --flat and --package cannot be used together" \
    convert --flat --package "$SAMPLE" "$tmp/x"
check "query --since after --until, hint of query" \
    usage_says "peerreview query: --since 2016 is after --until 2015" query --since 2016 --until 2015 "$SAMPLE"
check "no command: the general hint" usage_says "peerreview: missing command (validate, convert, stats, query, diff or report)"
check "unknown command: the general hint" usage_says "peerreview: unknown command 'frobnicate'" frobnicate

# ---- validate: the sample ------------------------------------------------

run validate "$SAMPLE"
check "validate sample exits 0" status_is 0
check "validate sample: summary says 0 errors and valid" \
    sh -c 'tail -n 1 "$1" | grep -E "^checked 1 path: 0 errors, [0-9]+ warnings? \(valid\)" >/dev/null' \
    sh "$tmp/out"
check "validate sample: no error lines" sh -c '! grep -F ": error: " "$1" >/dev/null' sh "$tmp/out"
check "validate sample: problem lines are FILE:LINE:COLUMN: warning: ... [CODE]" \
    sh -c 'sed "\$d" "$1" | grep -v -E "^([^:]+(:[0-9]+(:[0-9]+)?)?: )?warning: .* \[[a-z0-9-]+\]$" >/dev/null && exit 1; exit 0' \
    sh "$tmp/out"

run validate -- "$SAMPLE"
check "'--' ends the options" status_is 0

run validate "$SAMPLE" "$SAMPLE"
check "validate two paths: summary counts both" \
    sh -c '[ "$1" -eq 0 ] && tail -n 1 "$2" | grep -E "^checked 2 paths: 0 errors, " >/dev/null' \
    sh "$status" "$tmp/out"

run validate "$SAMPLE" --format json
check "validate --format json (option after PATH) exits 0" status_is 0
check "validate --format json: summary object last" \
    last_out_has '{"summary":true,"files":1,"errors":0,"warnings":'

# ---- validate: a broken package -------------------------------------------

bad=$tmp/bad
mkdir "$bad" && cp "$SAMPLE"/* "$bad"/ || exit 99
# Break report_date of review e10000031-cpc-2014-09 (a date with no other
# date after it, so only the date itself is wrong).
line=$(grep -n '^e10000031-cpc-2014-09,' "$SAMPLE/reviews.csv" | cut -d: -f1)
col=$(head -n 1 "$SAMPLE/reviews.csv" | tr -d '\r' | tr ',' '\n' | grep -n -x report_date | cut -d: -f1)
if [ -z "$line" ] || [ -z "$col" ] ||
    sed -n "${line}p" "$SAMPLE/reviews.csv" | cut -d, -f1-"$col" | grep '"' >/dev/null; then
    echo "test-cli: the sample changed; update the bad-date test" >&2
    exit 99
fi
sed "${line}s/^\\(\\([^,]*,\\)\\{$((col - 1))\\}\\)[^,]*/\\12015-02-30/" \
    "$SAMPLE/reviews.csv" >"$bad/reviews.csv" || exit 99
sed -n "${line}p" "$bad/reviews.csv" | grep -F ',2015-02-30,' >/dev/null || exit 99
letter=$(echo ABCDEFGHIJKLMNOPQRSTUVWXYZ | cut -c "$col") # report_date is before AA

run validate "$bad"
check "validate bad package exits 1" status_is 1
check "bad date reported as $bad/reviews.csv:$line:$col: error: report_date: ... [bad-date]" \
    sh -c 'grep -F "$2" "$1" | grep -F "[bad-date]" >/dev/null' \
    sh "$tmp/out" "$bad/reviews.csv:$line:$col: error: report_date: "
check "bad date message quotes the value and names cell $letter$line" \
    sh -c 'grep -F "[bad-date]" "$1" | grep -F "cell $2" | grep -F "2015-02-30" >/dev/null' \
    sh "$tmp/out" "$letter$line"
check "validate bad package: summary says invalid" \
    sh -c 'tail -n 1 "$1" | grep -E "^checked 1 path: [1-9][0-9]* errors?, [0-9]+ warnings? \(invalid\)" >/dev/null' \
    sh "$tmp/out"

run validate --format json "$bad"
check "validate --format json bad package exits 1" status_is 1
check "json: bad-date object with line, column, record and field" \
    out_has "\"code\":\"bad-date\",\"line\":$line,\"column\":$col,\"record\":$line,\"field\":\"report_date\","
check "json: summary object counts the errors" \
    sh -c 'tail -n 1 "$1" | grep -E "^\{\"summary\":true,\"files\":1,\"errors\":[1-9][0-9]*,\"warnings\":[0-9]+\}$" >/dev/null' \
    sh "$tmp/out"
if command -v python3 >/dev/null 2>&1; then
    check "json: every line is valid JSON with the documented keys" python3 -c '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
keys = {"path", "severity", "code", "line", "column", "record", "field", "offset", "message"}
assert objs and objs[-1].get("summary") is True, "no summary last"
assert set(objs[-1]) == {"summary", "files", "errors", "warnings"}
for o in objs[:-1]:
    assert set(o) == keys, o
    assert o["severity"] in ("error", "warning"), o
bad = [o for o in objs[:-1] if o["code"] == "bad-date"]
assert bad and bad[0]["path"].endswith("reviews.csv") and "2015-02-30" in bad[0]["message"], bad
assert isinstance(bad[0]["offset"], int) and bad[0]["offset"] > 0, bad
' "$tmp/out"
else
    echo "ok - json lines parse # SKIP no python3"
fi

run validate "$SAMPLE" --format=json "$tmp/no-such-dataset"
check "validate a missing path exits 2 (I/O wins)" status_is 2
check "validate a missing path reports io-error" out_has '"code":"io-error"'
check "validate a missing path still checks the others" \
    last_out_has '{"summary":true,"files":2,'

run validate "$tmp/no-such-dataset"
check "validate missing path (text) exits 2 and says I/O error" \
    sh -c '[ "$1" -eq 2 ] && grep -F "[io-error]" "$2" >/dev/null && tail -n 1 "$2" | grep -F "(I/O error)" >/dev/null' \
    sh "$status" "$tmp/out"

run validate "$bad" "$tmp/no-such-dataset"
check "data errors plus an I/O error exit 2" status_is 2

# ---- warnings only: valid, and the cap on stored problems ------------------

# Three item texts starting with '=' (lines 2-4 of items.csv, column 4):
# three formula-prefix warnings, no error.
warn=$tmp/warn
mkdir "$warn" && cp "$SAMPLE"/* "$warn"/ || exit 99
sed '2,4s/^\([^,]*,[^,]*,[^,]*,\)\("\{0,1\}\)/\1\2=/' "$SAMPLE/items.csv" >"$warn/items.csv" || exit 99
[ "$(grep -c '^[^,]*,[^,]*,[^,]*,"\{0,1\}=' "$warn/items.csv")" -eq 3 ] || exit 99

run validate "$warn"
check "warnings only: exit 0" status_is 0
check "warnings only: three formula-prefix lines at items.csv:2..4:4" \
    sh -c 'for l in 2 3 4; do grep -F "$2/items.csv:$l:4: warning: text: " "$1" | grep -F "[formula-prefix]" >/dev/null || exit 1; done' \
    sh "$tmp/out" "$warn"
check "warnings only: summary says valid with 3 warnings" \
    last_out_has "checked 1 path: 0 errors, 3 warnings (valid)"

run validate --max-problems 1 "$warn"
check "--max-problems 1: one problem line and '2 problems not shown'" \
    sh -c '[ "$1" -eq 0 ] && [ "$(wc -l <"$2")" -eq 2 ] && tail -n 1 "$2" | grep -F "; 2 problems not shown (raise --max-problems" >/dev/null' \
    sh "$status" "$tmp/out"
run validate --max-problems=1 --format json "$warn"
check "--max-problems 1 --format json: note on stderr, JSON on stdout" \
    sh -c '[ "$1" -eq 0 ] && [ "$(wc -l <"$2")" -eq 2 ] && grep -F "2 problems not shown" "$3" >/dev/null' \
    sh "$status" "$tmp/out" "$tmp/err"

# ---- convert ---------------------------------------------------------------

run convert "$SAMPLE" "$tmp/pkg"
check "convert sample to a package exits 0 silently on stdout" \
    sh -c '[ "$1" -eq 0 ] && [ ! -s "$2" ]' sh "$status" "$tmp/out"
check "convert sample to a package: six CSV files equal the sample's" same_tables "$tmp/pkg"
check "convert sample to a package writes datapackage.json" test -s "$tmp/pkg/datapackage.json"

run convert "$SAMPLE" "$tmp/flat.csv"
check "convert sample to flat .csv exits 0" sh -c '[ "$1" -eq 0 ] && [ -f "$2" ]' sh "$status" "$tmp/flat.csv"
run convert "$tmp/flat.csv" "$tmp/pkg2"
check "convert flat .csv back to a package exits 0" status_is 0
check "package -> flat -> package is lossless (six CSV files)" same_tables "$tmp/pkg2"

run convert --flat "$SAMPLE" "$tmp/flat-forced.txt"
check "--flat writes one file whatever the name" \
    sh -c '[ "$1" -eq 0 ] && [ -f "$2" ] && cmp "$2" "$3"' sh "$status" "$tmp/flat-forced.txt" "$tmp/flat.csv"
run convert "$SAMPLE" --package "$tmp/pkg3.csv"
check "--package writes a folder whatever the name" \
    sh -c '[ "$1" -eq 0 ] && [ -d "$2" ] && [ -f "$2/reviews.csv" ]' sh "$status" "$tmp/pkg3.csv"

run convert --spreadsheet-safe "$SAMPLE" "$tmp/safe.csv"
check "--spreadsheet-safe output starts with a UTF-8 BOM" \
    sh -c '[ "$1" -eq 0 ] && [ "$(od -An -tx1 -N3 "$2" | tr -d " \n")" = efbbbf ]' sh "$status" "$tmp/safe.csv"
check "default output has no BOM" \
    sh -c '[ "$(od -An -tx1 -N3 "$1" | tr -d " \n")" != efbbbf ]' sh "$tmp/flat.csv"

run convert -v "$SAMPLE" "$tmp/pkg4"
check "convert -v confirms on stderr only" \
    sh -c '[ "$1" -eq 0 ] && [ ! -s "$2" ] && grep -F "converted" "$3" >/dev/null' \
    sh "$status" "$tmp/out" "$tmp/err"

run convert "$bad" "$tmp/bad-out"
check "convert a bad package exits 1, problems on stderr, no output" \
    sh -c '[ "$1" -eq 1 ] && grep -F "$3" "$2" | grep -F "[bad-date]" >/dev/null && [ ! -e "$4" ]' \
    sh "$status" "$tmp/err" "$bad/reviews.csv:$line:$col: error: report_date: " "$tmp/bad-out"

run convert "$warn" "$tmp/warn-out"
check "convert with warnings: exit 0, warnings on stderr, nothing on stdout" \
    sh -c '[ "$1" -eq 0 ] && [ ! -s "$2" ] && grep -F "[formula-prefix]" "$3" >/dev/null && [ -f "$4/items.csv" ]' \
    sh "$status" "$tmp/out" "$tmp/err" "$tmp/warn-out"
run convert --spreadsheet-safe "$warn" "$tmp/warn-safe"
check "--spreadsheet-safe package: BOM and apostrophe before '='" \
    sh -c '[ "$1" -eq 0 ] && [ "$(od -An -tx1 -N3 "$2" | tr -d " \n")" = efbbbf ] && grep -F ",'"'"'=" "$2" >/dev/null' \
    sh "$status" "$tmp/warn-safe/items.csv"

# An item text with a line break cannot go into the flat form.
nl=$tmp/nl
mkdir "$nl" && cp "$SAMPLE"/* "$nl"/ || exit 99
awk 'NR == 4 { sub(/,The quality of front-line practice/, ",\"The quality of\r\nfront-line practice\"") } { print }' \
    "$SAMPLE/items.csv" >"$nl/items.csv" || exit 99
grep -F '"The quality of' "$nl/items.csv" >/dev/null || exit 99
run validate "$nl"
check "a line break in an item text is valid in a package" status_is 0
run convert "$nl" "$tmp/nl.csv"
check "convert to flat refuses a value it cannot hold: exit 1, no file" \
    sh -c '[ "$1" -eq 1 ] && [ ! -e "$2" ] && grep -F "e10000034-csg-2015-04" "$3" | grep -F "text" >/dev/null' \
    sh "$status" "$tmp/nl.csv" "$tmp/err"
run convert "$nl" "$tmp/nl-pkg"
check "the same data converts to a package" status_is 0

run convert "$tmp/no-such-dataset" "$tmp/none-out"
check "convert a missing input exits 2" status_is 2

# ---- reading options: --delimiter and --encoding ------------------------------

# The library checks the values (peerreview_options_set_delimiter and
# _set_encoding); a value it refuses is a usage error naming the option.

# on CMD OPTION...: run CMD with these options and operands that fit it.
on_n=0
on() {
    on_c=$1
    shift
    case $on_c in
    convert)
        on_n=$((on_n + 1))
        run "$on_c" "$@" "$SAMPLE" "$tmp/on-$on_n"
        ;;
    diff) run "$on_c" "$@" "$SAMPLE" "$SAMPLE" ;;
    *) run "$on_c" "$@" "$SAMPLE" ;;
    esac
}
# accepted: the last command took the options: no usage error (whose hint
# is "Try 'peerreview ..."). The data may not load with them: exit 1, or 2
# for diff, whose 1 means "different".
accepted() { [ "$status" -le 2 ] && ! err_has "Try 'peerreview"; }
# refused CMD OPTION: a usage error of CMD naming the option and its help.
refused() {
    status_is 2 && out_empty && head -n 1 "$tmp/err" | grep -F -e "peerreview $1: invalid $2 '" >/dev/null &&
        [ "$(tail -n 1 "$tmp/err")" = "Try 'peerreview $1 --help'." ]
}

tab=$(printf '\t')
for d in ';' semicolon SEMICOLON ',' comma "$tab" tab TAB '|'; do
    on validate --delimiter "$d"
    check "validate --delimiter '$d' is accepted" accepted
done
for d in x 7 '"' ' ' '' ab semi ';;' 'é'; do
    on validate --delimiter "$d"
    check "validate --delimiter '$d' is a usage error naming --delimiter" refused validate --delimiter
done
on validate --delimiter=x
check "the message quotes the refused value" \
    sh -c 'head -n 1 "$1" | grep -F "invalid --delimiter '"'x'"' (expected " >/dev/null' sh "$tmp/err"
for e in windows-1252 WINDOWS-1252 iso-8859-1 utf-8 UTF-8; do
    on validate --encoding "$e"
    check "validate --encoding $e is accepted" accepted
done
for e in klingon utf-16 UTF-16LE ''; do
    on validate --encoding "$e"
    check "validate --encoding '$e' is a usage error naming --encoding" refused validate --encoding
done
on validate --encoding=klingon
check "the message quotes the refused encoding" err_has "invalid --encoding 'klingon' (expected "
for c in convert stats query diff; do
    on $c --delimiter semicolon --encoding windows-1252
    check "$c takes --delimiter semicolon --encoding windows-1252" accepted
    on $c --delimiter "$tab"
    check "$c takes --delimiter TAB (the character)" accepted
    on $c --delimiter x
    check "$c --delimiter x is a usage error naming --delimiter" refused $c --delimiter
    on $c --encoding utf-16
    check "$c --encoding utf-16 is a usage error naming --encoding" refused $c --encoding
done
for c in validate convert stats query diff; do
    run $c --help
    check "$c --help describes --delimiter and --encoding" \
        sh -c 'grep -F -e "--delimiter=CHAR" "$1" >/dev/null && grep -F -e "--encoding=NAME" "$1" >/dev/null' sh "$tmp/out"
done

# The defaults spelled out change nothing.
run validate "$SAMPLE"
cp "$tmp/out" "$tmp/plain"
run validate --delimiter comma --encoding UTF-8 "$SAMPLE"
check "validate --delimiter comma --encoding UTF-8: same result as without" \
    sh -c '[ "$1" -eq 0 ] && cmp -s "$2" "$3"' sh "$status" "$tmp/plain" "$tmp/out"
run convert --delimiter , --encoding utf-8 "$SAMPLE" "$tmp/defaults-pkg"
check "convert --delimiter , --encoding utf-8: the sample, unchanged" same_tables "$tmp/defaults-pkg"

# The flat form of the sample with ';' between values (a field holding ';'
# is quoted), the way a spreadsheet in many European locales saves it.
awk '
function put(last) {
    if (substr(field, 1, 1) != "\"" && index(field, ";")) field = "\"" field "\""
    printf "%s%s", field, last
    field = ""
}
{
    line = $0 "\n"
    for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (c == "\"") inq = !inq
        if (!inq && c == ",") put(";")
        else if (!inq && c == "\r" && substr(line, i + 1, 1) == "\n") { put("\r\n"); i++ }
        else if (!inq && c == "\n") put("\n")
        else field = field c
    }
}' "$tmp/flat.csv" >"$tmp/semicolon.csv" || exit 99
[ "$(head -n 1 "$tmp/semicolon.csv" | tr -cd ';' | wc -c)" -gt 10 ] &&
    ! head -n 1 "$tmp/semicolon.csv" | grep -F ',' >/dev/null || exit 99

run validate --delimiter ';' "$tmp/semicolon.csv"
cp "$tmp/out" "$tmp/semicolon.validate"
run convert --delimiter ';' "$tmp/semicolon.csv" "$tmp/semicolon-back.csv"
check "a ';'-separated flat file validates with --delimiter ';' and converts back to the comma form byte for byte" \
    sh -c 'grep -x "checked 1 path: 0 errors, [0-9]* warnings* (valid)" "$1" >/dev/null && [ "$2" -eq 0 ] && cmp -s "$3" "$4"' \
    sh "$tmp/semicolon.validate" "$status" "$tmp/semicolon-back.csv" "$tmp/flat.csv"

# ---- the manual pages document every problem code and status ------------------

srcdir=${top_srcdir:-$here/../..}
diag_c=$srcdir/src/diag.c
header=$srcdir/include/peerreview.h
if [ -f "$diag_c" ] && [ -f "$header" ] && [ -f "$srcdir/doc/peerreview.1" ]; then
    # the codes' texts as peerreview_code_name gives them, and the statuses
    sed -n '/code_names\[PEERREVIEW_CODE_COUNT\]/,/};/p' "$diag_c" | grep -o '"[a-z0-9-]*"' |
        tr -d '"' >"$tmp/codes"
    sed -n '/^typedef enum peerreview_status/,/} peerreview_status;/p' "$header" |
        grep -o 'PEERREVIEW_[A-Z]*' >"$tmp/statuses"
    count=$(sed -n 's/^#define PEERREVIEW_CODE_COUNT \([0-9]*\).*/\1/p' "$header")
    [ -n "$count" ] && [ "$(wc -l <"$tmp/codes")" -eq "$count" ] && [ "$(wc -l <"$tmp/statuses")" -ge 9 ] ||
        { echo "test-cli: cannot read the codes or statuses from the sources" >&2; exit 99; }
    # undocumented PAGE LIST: the names of LIST (roff writes '-' as '\-') the page does not hold
    undocumented() {
        while read -r name; do
            grep -F -e "$(echo "$name" | sed 's/-/\\-/g')" "$srcdir/doc/$1" >/dev/null || echo "$name"
        done <"$2" >"$tmp/undocumented"
        [ ! -s "$tmp/undocumented" ] || { echo "#   not in $1: $(tr '\n' ' ' <"$tmp/undocumented")"; return 1; }
    }
    check "peerreview(1) documents all $count problem codes" undocumented peerreview.1 "$tmp/codes"
    check "libpeerreview(3) documents all $count problem codes" undocumented libpeerreview.3 "$tmp/codes"
    check "libpeerreview(3) documents every status" undocumented libpeerreview.3 "$tmp/statuses"
    check "libpeerreview(3) documents the delimiter and encoding options" \
        sh -c 'grep -F "peerreview_options_set_delimiter" "$1" >/dev/null && grep -F "peerreview_options_set_encoding" "$1" >/dev/null' \
        sh "$srcdir/doc/libpeerreview.3"
else
    echo "ok - manual pages # SKIP no source tree"
fi

# ---- a file name cannot forge output lines ---------------------------------------

forged="$tmp/x
peerreview: convert: all went well"
mkdir -p "$forged" || exit 99
run convert "$SAMPLE" "$forged/missing/out"
check "convert to a path with a line break: exit 2" status_is 2
check "... the problem and the summary print on two lines, the name escaped" \
    sh -c '[ "$(wc -l <"$1")" -eq 2 ] && ! grep -x "peerreview: convert: all went well.*" "$1" >/dev/null && grep -F "x\\npeerreview" "$1" >/dev/null' \
    sh "$tmp/err"
run validate "$forged"
check "validate a folder with a line break: its one problem and the summary, two lines" \
    sh -c '[ "$(wc -l <"$1")" -eq 2 ] && ! grep "^peerreview: convert" "$1" >/dev/null' sh "$tmp/out"

# ---- standard output errors -------------------------------------------------

if [ -w /dev/full ]; then
    "$PEERREVIEW" validate "$SAMPLE" >/dev/full 2>"$tmp/err"
    status=$?
    check "validate writing to /dev/full exits 2 with a message" \
        sh -c '[ "$1" -eq 2 ] && grep -F "standard output" "$2" >/dev/null' sh "$status" "$tmp/err"
    "$PEERREVIEW" --version >/dev/full 2>"$tmp/err"
    status=$?
    check "--version writing to /dev/full exits 2" status_is 2
else
    echo "ok - write errors on stdout # SKIP no /dev/full"
fi

finish
