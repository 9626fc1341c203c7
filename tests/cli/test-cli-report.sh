#!/bin/sh
# Tests of peerreview report (issue 13), run by `make check`: the page of the
# sample keeps the markup contract and loads nothing, its figures are those
# of `stats --format json`, every review has a row and a section, the bytes
# do not change from run to run or between -o and standard output, a failed
# -o leaves no file, a dataset with errors gets a page with its problems
# first (exit status 1), and text from the data is escaped.
#
# Environment: PEERREVIEW (the tool), SAMPLE (the sample package), PYTHON
# (the interpreter configure chose; else /usr/bin/python3 or python3) for
# tests/cli/report-check.py, which reads the pages. Prints one "ok"/"not ok"
# line per check and "N passed, N failed" last; exits 1 if any check failed.

LC_ALL=C
export LC_ALL

# the command-line tests' harness: PEERREVIEW, SAMPLE, $tmp, ok, not_ok,
# check, run, status_is, out_has, err_has, out_empty, finish
# shellcheck source=tests/cli/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

py=${PYTHON:-}
{ [ -n "$py" ] && [ "$py" != ":" ]; } || py=/usr/bin/python3
command -v "$py" >/dev/null 2>&1 || py=python3
command -v "$py" >/dev/null 2>&1 || { echo "test-cli-report: no python3; skipping"; exit 77; }
checker="$here/report-check.py"

same_file() {
    if cmp -s "$1" "$2"; then return 0; fi
    cmp "$1" "$2" | sed 's/^/#   /'
    return 1
}
# no_temp_files DIR: report left nothing of its own in DIR (.NAME.tmp-XXXXXX).
no_temp_files() { ! ls -a "$1" | grep -F '.tmp-' >/dev/null; }
pycheck() { "$py" "$checker" "$@"; }

# ---- the sample ----------------------------------------------------------------

run report "$SAMPLE"
check "report of the sample: exit 0, nothing on stderr" sh -c '[ "$1" -eq 0 ] && [ ! -s "$2" ]' \
    sh "$status" "$tmp/err"
cp "$tmp/out" "$tmp/sample.html"
check "the markup contract; no request out of the page" \
    pycheck structure "$tmp/sample.html" "$SAMPLE/sources.csv" "$SAMPLE/reviews.csv"
"$PEERREVIEW" stats --format json "$SAMPLE" >"$tmp/stats.json" || exit 99
check "its figures are those of stats --format json (per year and type, regions, authority types, item kinds, repeated councils, totals)" \
    pycheck figures "$tmp/sample.html" "$tmp/stats.json"
check "every review has a row in the table and a section" \
    pycheck reviews "$tmp/sample.html" "$SAMPLE/reviews.csv"
check "the problems section says there are none" \
    grep -q -F '<section id="problems">' "$tmp/sample.html"
check "... none" grep -q -F 'reports no problem.' "$tmp/sample.html"

run report "$SAMPLE"
check "the same input gives the same bytes" same_file "$tmp/out" "$tmp/sample.html"
run report
if [ "$status" -eq 0 ]; then # the installed sample, else the build tree's (not out of tree)
    check "without PATH: the sample (the same figures)" \
        pycheck figures "$tmp/out" "$tmp/stats.json"
else
    check "without PATH and no sample: exit 2 naming the sample folder, no page" \
        sh -c '[ "$1" -eq 2 ] && grep -F "lga-sample" "$2" >/dev/null && [ ! -s "$3" ]' \
        sh "$status" "$tmp/err" "$tmp/out"
fi

mkdir "$tmp/o" || exit 99
run report -o "$tmp/o/page.html" "$SAMPLE"
check "-o FILE: exit 0, nothing on standard output" sh -c '[ "$1" -eq 0 ] && [ ! -s "$2" ]' \
    sh "$status" "$tmp/out"
check "-o FILE writes the bytes of standard output" same_file "$tmp/o/page.html" "$tmp/sample.html"
check "... and leaves no temporary file" no_temp_files "$tmp/o"
run report "$SAMPLE" --output="$tmp/o/page.html"
check "--output replaces the file with the same bytes" same_file "$tmp/o/page.html" "$tmp/sample.html"
run report -o - "$SAMPLE"
check "-o -: standard output" same_file "$tmp/out" "$tmp/sample.html"

"$PEERREVIEW" convert --flat "$SAMPLE" "$tmp/flat.csv" 2>"$tmp/err" || exit 99
run report "$tmp/flat.csv"
check "the flat form: exit 0, the same reviews" sh -c '[ "$1" -eq 0 ]' sh "$status"
check "... and the same figures" pycheck figures "$tmp/out" "$tmp/stats.json"
check "... a section per review" pycheck reviews "$tmp/out" "$SAMPLE/reviews.csv"
check "... named after its file" out_has '<h1>flat.csv</h1>'
run report - <"$tmp/flat.csv"
check "standard input ('-'): the same figures" pycheck figures "$tmp/out" "$tmp/stats.json"

# ---- writing fails: a clear message, no file -------------------------------------

run report -o "$tmp/missing/page.html" "$SAMPLE"
check "-o in a missing folder: exit 2" status_is 2
check "... says what, where and what to check" \
    err_has "cannot write '$tmp/missing/page.html': cannot create a temporary file in '$tmp/missing'"
check "... how to fix it" err_has "check that the folder exists and that you may write in it"
check "... nothing on standard output, no file" sh -c '[ ! -s "$1" ] && [ ! -e "$2" ]' \
    sh "$tmp/out" "$tmp/missing"
mkdir "$tmp/o/dir.html" || exit 99
run report -o "$tmp/o/dir.html" "$SAMPLE"
check "-o naming a folder: exit 2, refused" status_is 2
check "... it exists and is not a regular file" \
    err_has "cannot write '$tmp/o/dir.html': it exists and is not a regular file"
check "... the folder is left alone, no temporary file" \
    sh -c 'rmdir "$1" && ! ls -a "$2" | grep -F .tmp- >/dev/null' sh "$tmp/o/dir.html" "$tmp/o"
: >"$tmp/o/file"
run report -o "$tmp/o/file/page.html" "$SAMPLE"
check "-o under a file (not a folder): exit 2, says so" \
    sh -c '[ "$1" -eq 2 ] && grep -F "cannot create a temporary file in" "$2" >/dev/null' \
    sh "$status" "$tmp/err"
if [ -w /dev/full ]; then
    "$PEERREVIEW" report "$SAMPLE" >/dev/full 2>"$tmp/err"
    status=$?
    check "standard output that cannot be written (/dev/full): exit 2" status_is 2
    check "... and says so" err_has "error writing to standard output"
fi
run report "$tmp/no-such-dataset"
check "a PATH that does not exist: exit 2, no page" \
    sh -c '[ "$1" -eq 2 ] && [ ! -s "$2" ]' sh "$status" "$tmp/out"
run report -o '' "$SAMPLE"
check "-o '': a usage error" sh -c '[ "$1" -eq 2 ] && grep -F "Try '\''peerreview report --help'\''" "$2" >/dev/null' \
    sh "$status" "$tmp/err"
run report "$SAMPLE" "$SAMPLE"
check "two PATHs: a usage error" sh -c '[ "$1" -eq 2 ] && grep -F "extra operand" "$2" >/dev/null' \
    sh "$status" "$tmp/err"
run report --help
check "--help describes -o" sh -c '[ "$1" -eq 0 ] && grep -F -- "-o, --output=FILE" "$2" >/dev/null' \
    sh "$status" "$tmp/out"

# ---- a dataset with errors: a page all the same, problems first -------------------

# edit_cell FOLDER TABLE ROW COLUMN VALUE: set one cell (ROW 1 = the first data row)
edit_cell() {
    "$py" -c 'import csv, sys
folder, table, row, column, value = sys.argv[1:]
with open(folder + "/" + table, encoding="utf-8", newline="") as f:
    rows = list(csv.reader(f))
rows[int(row)][rows[0].index(column)] = value
with open(folder + "/" + table, "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)' "$@"
}
bad_id=$(sed -n 3p "$SAMPLE/reviews.csv" | cut -d, -f1)
cp -R "$SAMPLE" "$tmp/bad" && chmod -R u+w "$tmp/bad" || exit 99
edit_cell "$tmp/bad" reviews.csv 2 review_type bogus || exit 99
"$PEERREVIEW" validate "$tmp/bad" >"$tmp/validate.txt" 2>&1
run report "$tmp/bad"
check "a dataset with errors: exit 1, like validate" status_is 1
check "... a page all the same" out_has '</html>'
check "... the problems first" pycheck problems-first "$tmp/out"
check "... the problem validate reports" \
    sh -c 'line=$(grep -F "[bad-enum]" "$1" | head -n 1) && [ -n "$line" ] &&
           "$2" -c "import html, sys; sys.exit(html.escape(sys.argv[1], quote=True).replace(\"&#x27;\", \"&#39;\") not in open(sys.argv[2], encoding=\"utf-8\").read())" "$line" "$3"' \
    sh "$tmp/validate.txt" "$py" "$tmp/out"
check "... on stderr too" err_has "[bad-enum]"
check "... the other reviews, each with a row and a section" \
    pycheck reviews "$tmp/out" "$SAMPLE/reviews.csv" "$bad_id"
check "... and still the markup contract" \
    pycheck structure "$tmp/out" "$SAMPLE/sources.csv" "$SAMPLE/reviews.csv"
run report -o "$tmp/o/bad.html" "$tmp/bad"
check "... -o writes it, exit 1" sh -c '[ "$1" -eq 1 ] && grep -F "</html>" "$2" >/dev/null' \
    sh "$status" "$tmp/o/bad.html"
"$PEERREVIEW" convert --flat "$SAMPLE" "$tmp/bad.csv" 2>/dev/null || exit 99
edit_cell "$tmp" bad.csv 1 review_type bogus || exit 99
run report "$tmp/bad.csv"
check "a flat file with errors: exit 1, the problems, no review" \
    sh -c '[ "$1" -eq 1 ] && grep -F "a flat file cannot be read in part" "$2" >/dev/null &&
           ! grep -F "class=\"review\"" "$2" >/dev/null' sh "$status" "$tmp/out"

# ---- text from the data is escaped --------------------------------------------

cp -R "$SAMPLE" "$tmp/hostile" && chmod -R u+w "$tmp/hostile" || exit 99
edit_cell "$tmp/hostile" reviews.csv 1 notes \
    "$(printf '<script>alert("x")</script> & \047q\047 <b>bold</b>\nsecond line')" || exit 99
edit_cell "$tmp/hostile" items.csv 1 text '"><img src=x onerror=alert(1)>' || exit 99
edit_cell "$tmp/hostile" reviews.csv 1 review_type adult_social_care || exit 99
edit_cell "$tmp/hostile" reviews.csv 1 review_type_label '' || exit 99
run report "$tmp/hostile"
check "hostile text: exit 0" status_is 0
check "a review without a type label: its type in words, with the right article" \
    out_has 'Worcestershire County Council had an Adult social care peer review, by LGA'
check "... and in its heading" out_has 'Worcestershire County Council: Adult social care peer review</h3>'
check "... escaped in the review's notes, the line break kept" \
    "$py" -c 'import sys
page = open(sys.argv[1], encoding="utf-8").read()
want = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; &lt;b&gt;bold&lt;/b&gt;\nsecond line"
sys.exit(want not in page)' "$tmp/out"
check "... escaped in an item" out_has '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'
check "... nothing of it as markup" \
    sh -c '! grep -F -e "<script>alert" -e "<b>bold" -e "<img" "$1" >/dev/null' sh "$tmp/out"
check "... one script only: the page's own" sh -c '[ "$(grep -c "<script>" "$1")" -eq 1 ]' \
    sh "$tmp/out"
check "... and the page keeps the contract" \
    pycheck structure "$tmp/out" "$SAMPLE/sources.csv" "$SAMPLE/reviews.csv"

finish
