#!/bin/sh
# shellcheck disable=SC2016 # the sh -c scripts expand their own $1, $2
# Tests of the peerreview commands stats, query and diff (run by `make check`).
#
# Environment:
#   PEERREVIEW  the tool to test (default: tools/peerreview of the build tree,
#               looked for as ../tools/peerreview and ../../tools/peerreview
#               from this script's folder, then ./tools/peerreview)
#   SAMPLE      the sample package (default: data/lga-sample of the source tree)
#
# The expected figures are computed here from the sample's CSV files with awk,
# independently of the library. Prints one "ok"/"not ok" line per check and
# "N passed, N failed" last; exits 1 if any check failed.

LC_ALL=C
export LC_ALL

# the command-line tests' harness: PEERREVIEW, SAMPLE, $tmp, ok, not_ok,
# check, run, status_is, out_has, err_has, out_empty, finish
# shellcheck source=tests/cli/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
# has_line FILE LINE: FILE has this exact line.
has_line() { grep -x -F -e "$2" "$1" >/dev/null; }
# same_file A B: the files are equal (a diff is shown otherwise).
same_file() {
    if cmp -s "$1" "$2"; then return 0; fi
    diff "$1" "$2" | head -n 20 | sed 's/^/#   /'
    return 1
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

# csv_select FILE COLUMN,COLUMN...: the named columns of a CSV file, one
# record per line, separated by TAB (header left out). Quoted fields with
# commas, quotes and line breaks are handled; TAB and line breaks inside a
# field become spaces.
csv_select() {
    awk -v want="$2" '
    function parse(s,   i, c, n, f, q) {
        n = 0; f = ""; q = 0
        for (i = 1; i <= length(s); i++) {
            c = substr(s, i, 1)
            if (q) {
                if (c == "\"") {
                    if (substr(s, i + 1, 1) == "\"") { f = f "\""; i++ } else q = 0
                } else f = f c
            } else if (c == "\"") q = 1
            else if (c == ",") { fld[++n] = f; f = "" }
            else f = f c
        }
        fld[++n] = f
        return n
    }
    {
        sub(/\r$/, "")
        rec = pending ? rec "\n" $0 : $0
        t = rec
        if (gsub(/"/, "", t) % 2) { pending = 1; next }
        pending = 0
        n = parse(rec)
        if (!seen++) {
            for (i = 1; i <= n; i++) col[fld[i]] = i
            nw = split(want, w, ",")
            for (i = 1; i <= nw; i++) if (!(w[i] in col)) { print "no column " w[i] > "/dev/stderr"; exit 2 }
            next
        }
        line = ""
        for (i = 1; i <= nw; i++) {
            v = fld[col[w[i]]]
            gsub(/[\t\r\n]/, " ", v)
            line = line (i > 1 ? "\t" : "") v
        }
        print line
    }' "$1"
}

# first_column FILE: the first column of a table output, header left out.
first_column() { awk 'NR > 1 { print $1 }' "$1"; }

# ids_are FILE ID...: the table output in FILE lists exactly these review_ids.
ids_are() {
    f=$1
    shift
    first_column "$f" >"$tmp/ids.got"
    : >"$tmp/ids.want"
    for id in "$@"; do echo "$id" >>"$tmp/ids.want"; done
    same_file "$tmp/ids.want" "$tmp/ids.got"
}

# in_review_order FILE: the review_ids of FILE (one a line) in the order of
# reviews.csv, each once.
in_review_order() {
    csv_select "$SAMPLE/reviews.csv" review_id | awk 'NR == FNR { want[$0] = 1; next } ($0 in want)' "$1" -
}

csv_select "$SAMPLE/reviews.csv" review_id >"$tmp/all-ids" || exit 99
total=$(wc -l <"$tmp/all-ids" | tr -d ' ')
[ "$total" -gt 0 ] || exit 99

# ---- help and usage errors -------------------------------------------------

run --help
check "--help lists stats, query and diff" \
    sh -c '[ "$1" -eq 0 ] && grep -E "^  stats " "$2" >/dev/null && grep -E "^  query " "$2" >/dev/null && grep -E "^  diff " "$2" >/dev/null' \
    sh "$status" "$tmp/out"
for c in stats query diff; do
    run $c --help
    check "$c --help exits 0 and prints its usage" \
        sh -c '[ "$1" -eq 0 ] && grep -F "Usage: peerreview $3" "$2" >/dev/null' sh "$status" "$tmp/out" $c
    run $c -h
    check "$c -h exits 0" status_is 0
done

check "stats with two paths is a usage error" usage_error stats "$SAMPLE" "$SAMPLE"
check "stats --format text is a usage error" usage_error stats --format text "$SAMPLE"
check "stats --council is a usage error (query option)" usage_error stats --council X "$SAMPLE"
check "query without PATH is a usage error" usage_error query
check "query with two paths is a usage error" usage_error query "$SAMPLE" "$SAMPLE"
check "query --format text is a usage error" usage_error query --format text "$SAMPLE"
check "query --since 2015-02-30 (no such day) is a usage error" usage_error query --since 2015-02-30 "$SAMPLE"
check "query --since 2023-02-29 (not a leap year) is a usage error" usage_error query --since 2023-02-29 "$SAMPLE"
check "query --until 2015-13 is a usage error" usage_error query --until 2015-13 "$SAMPLE"
check "query --until 15 is a usage error" usage_error query --until 15 "$SAMPLE"
check "query --since 2015-4 is a usage error" usage_error query --since 2015-4 "$SAMPLE"
check "query --since after --until is a usage error" usage_error query --since 2016 --until 2015-12-31 "$SAMPLE"
check "query --type nonsense is a usage error" usage_error query --type nonsense "$SAMPLE"
check "query --type Corporate (case matters) is a usage error" usage_error query --type Corporate "$SAMPLE"
check "query --stage final is a usage error" usage_error query --stage final "$SAMPLE"
check "query --council '' is a usage error" usage_error query --council "" "$SAMPLE"
check "query --text of spaces is a usage error" usage_error query --text "   " "$SAMPLE"
check "query --since without value is a usage error" usage_error query "$SAMPLE" --since
check "query --flat (convert option) is a usage error" usage_error query --flat "$SAMPLE"
check "diff with one path is a usage error" usage_error diff "$SAMPLE"
check "diff with three paths is a usage error" usage_error diff "$SAMPLE" "$SAMPLE" "$SAMPLE"
check "diff --format csv is a usage error" usage_error diff --format csv "$SAMPLE" "$SAMPLE"
check "diff --type is a usage error" usage_error diff --type corporate "$SAMPLE" "$SAMPLE"
run query --type nonsense "$SAMPLE"
check "bad --type message lists the allowed types" err_has "corporate"

# ---- stats: figures counted with awk ---------------------------------------

run stats "$SAMPLE" --format csv
check "stats --format csv exits 0" status_is 0
tr -d '\r' <"$tmp/out" >"$tmp/stats.csv"
check "stats csv header is category,value,label,count" \
    sh -c '[ "$(head -n 1 "$1")" = "category,value,label,count" ]' sh "$tmp/stats.csv"

# stat_rows CATEGORY: the value,count pairs of a category (label dropped).
stat_rows() { awk -F, -v c="$1" '$1 == c { print $2 "," $4 }' "$tmp/stats.csv"; }
# nonzero: drop the ",0" rows (awk counts only what is there).
nonzero() { grep -v ',0$' || true; }

check "stats: reviews = $total" has_line "$tmp/stats.csv" "reviews,,,$total"

for col in review_type stage; do
    csv_select "$SAMPLE/reviews.csv" $col | sort | uniq -c | awk '{ print $2 "," $1 }' >"$tmp/want"
    stat_rows $col | nonzero | sort >"$tmp/got"
    check "stats: reviews per $col match the sample" same_file "$tmp/want" "$tmp/got"
done
check "stats: every review_type is listed, with 0 when absent" \
    sh -c '[ "$(awk -F, "\$1 == \"review_type\"" "$1" | wc -l)" -eq 9 ] && grep -x "review_type,governance,,0" "$1" >/dev/null' \
    sh "$tmp/stats.csv"

# Year of the first known date among onsite_start, onsite_end, report_date,
# published_date; "unknown" when none.
csv_select "$SAMPLE/reviews.csv" onsite_start,onsite_end,report_date,published_date |
    awk -F '\t' '{ y = "unknown"; for (i = 1; i <= 4; i++) if ($i != "") { y = substr($i, 1, 4); break } print y }' |
    sort | uniq -c | awk '{ print $2 "," $1 }' >"$tmp/want"
stat_rows year | nonzero | sort >"$tmp/got"
check "stats: reviews per year (first known date) match the sample" same_file "$tmp/want" "$tmp/got"
undated=$(awk -F, '$1 == "unknown" { print $2 }' "$tmp/want")
check "stats: the undated review is counted as year unknown (${undated:-0})" \
    has_line "$tmp/stats.csv" "year,unknown,,${undated:-0}"

for pair in authority_type:authority_type region:region_name; do
    cat=${pair%%:*}
    col=${pair#*:}
    csv_select "$SAMPLE/review_councils.csv" "$col" | sort | uniq -c |
        awk '{ n = $1; sub(/^ *[0-9]+ /, ""); print $0 "," n }' >"$tmp/want"
    stat_rows "$cat" | nonzero | sort >"$tmp/got"
    check "stats: council reviews per $cat match the sample (a joint review counts once per council)" \
        same_file "$tmp/want" "$tmp/got"
done

csv_select "$SAMPLE/items.csv" kind | sort | uniq -c | awk '{ print $2 "," $1 }' >"$tmp/want"
stat_rows item_kind | nonzero | sort >"$tmp/got"
check "stats: items per kind match the sample" same_file "$tmp/want" "$tmp/got"
items=$(csv_select "$SAMPLE/items.csv" kind | wc -l | tr -d ' ')
check "stats: items = $items" has_line "$tmp/stats.csv" "items,,,$items"

# Councils reviewed more than once: distinct reviews per gss_code (else name).
csv_select "$SAMPLE/review_councils.csv" review_id,gss_code,council_name |
    awk -F '\t' '{ k = $2 != "" ? $2 : $3; if (!seen[k SUBSEP $1]++) n[k]++ }
        END { for (k in n) if (n[k] > 1) print k "," n[k] }' | sort >"$tmp/want"
stat_rows councils_reviewed_more_than_once | sort >"$tmp/got"
check "stats: councils reviewed more than once match the sample" same_file "$tmp/want" "$tmp/got"
check "stats: some council of the sample is reviewed more than once" test -s "$tmp/want"
councils=$(csv_select "$SAMPLE/review_councils.csv" gss_code,council_name |
    awk -F '\t' '{ print $1 != "" ? $1 : $2 }' | sort -u | wc -l | tr -d ' ')
check "stats: councils = $councils distinct" has_line "$tmp/stats.csv" "councils,,,$councils"
# A joint review counts once per council in the authority_type and region
# counts: they add up to the review-council pairs (a council listed twice in
# one review counted once), given as council_reviews, not to the councils.
council_reviews=$(csv_select "$SAMPLE/review_councils.csv" review_id,gss_code,council_name |
    awk -F '\t' '{ k = $2 != "" ? $2 : $3; if (!seen[$1 SUBSEP k]++) n++ } END { print n + 0 }')
check "stats: council_reviews = $council_reviews (review-council pairs)" \
    has_line "$tmp/stats.csv" "council_reviews,,,$council_reviews"
check "stats: the sample has a joint review, so council reviews ($council_reviews) > councils ($councils)" \
    test "$council_reviews" -gt "$councils"
for cat in authority_type region; do
    check "stats csv: $cat adds up to council_reviews" \
        sh -c '[ "$(awk -F, -v c="$2" "\$1 == c { n += \$4 } END { print n + 0 }" "$1")" -eq "$3" ]' \
        sh "$tmp/stats.csv" $cat "$council_reviews"
done

run stats "$SAMPLE" --format json
check "stats --format json exits 0" status_is 0
cp "$tmp/out" "$tmp/stats.json"
if command -v python3 >/dev/null 2>&1; then
    check "stats json agrees with the csv and lists review_ids" python3 -c '
import csv, json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8", newline="")))
assert j["reviews"] == int(sys.argv[3]), j["reviews"]
for cat in ("review_type", "stage", "year", "authority_type", "region", "item_kind"):
    want = {r["value"]: int(r["count"]) for r in rows if r["category"] == cat}
    assert j[cat] == want, (cat, j[cat], want)
rep = j["councils_reviewed_more_than_once"]
want = {r["value"]: int(r["count"]) for r in rows if r["category"] == "councils_reviewed_more_than_once"}
assert {(c["gss_code"] or c["council_name"]): c["reviews"] for c in rep} == want
for c in rep:
    assert len(c["review_ids"]) == c["reviews"] and len(set(c["review_ids"])) == c["reviews"], c
assert sum(j["review_type"].values()) == j["reviews"]
assert sum(j["stage"].values()) == j["reviews"]
assert sum(j["year"].values()) == j["reviews"]
assert sum(j["authority_type"].values()) == j["council_reviews"], (j["authority_type"], j["council_reviews"])
assert sum(j["region"].values()) == j["council_reviews"], (j["region"], j["council_reviews"])
assert sum(j["item_kind"].values()) == j["items"]
assert j["councils"] < j["council_reviews"], "the sample has a joint review"
' "$tmp/stats.json" "$tmp/stats.csv" "$total"
else
    echo "ok - stats json # SKIP no python3"
fi

run stats "$SAMPLE"
check "stats (table) exits 0" status_is 0
corporate=$(awk -F, '$1 == "review_type" && $2 == "corporate" { print $4 }' "$tmp/stats.csv")
check "stats table: first line names the path and counts $total reviews" \
    sh -c 'head -n 1 "$1" | grep -F "$2: $3 reviews of " >/dev/null' sh "$tmp/out" "$SAMPLE" "$total"
check "stats table: headings and an aligned 'corporate  $corporate' line" \
    sh -c 'grep -E "^Review type +reviews$" "$1" >/dev/null && grep -E "^Year \(first known date\) +reviews$" "$1" >/dev/null && grep -E "^  corporate +$2$" "$1" >/dev/null' \
    sh "$tmp/out" "$corporate"
# Every heading names what its rows count, and they add up to that total of
# the first line: "P: N reviews of C councils (K council reviews), I items".
# The councils reviewed more than once are a list, not a partition.
check "stats table: each heading's rows add up to the first line's total of its unit" awk '
function flush() {
    if (head != "" && head !~ /^Councils reviewed more than once /) {
        blocks++
        if (!(unit in total) || sum != total[unit]) {
            print "heading \"" head "\": rows add up to " sum ", total of its unit: " total[unit] >"/dev/stderr"
            bad = 1
        }
    }
    head = ""
}
NR == 1 {
    if (!match($0, /: [0-9]+ reviews? of [0-9]+ councils? \([0-9]+ council reviews?\), [0-9]+ items?$/)) {
        print "first line: " $0 >"/dev/stderr"
        exit 1
    }
    t = substr($0, RSTART + 2)
    gsub(/[^0-9]+/, " ", t)
    split(t, n, " ")
    total["reviews"] = n[1]; total["councils"] = n[2]; total["council reviews"] = n[3]; total["items"] = n[4]
    next
}
/^[^ ]/ { flush(); head = $0; unit = $0; sub(/^.*[^ ]  +/, "", unit); sum = 0; next }
/^  / { sum += $NF }
END { flush(); if (blocks != 6) print blocks " headings" >"/dev/stderr"; exit bad || blocks != 6 }
' "$tmp/out"
check "stats table: authority type and region headings say a joint review counts once per council" \
    sh -c 'grep -E "^Authority type \(a joint review counts once per council\) +council reviews$" "$1" >/dev/null &&
           grep -E "^Region \(a joint review counts once per council\) +council reviews$" "$1" >/dev/null' sh "$tmp/out"
check "stats table: count columns end at the same place" \
    sh -c 'awk "/^  [^ ].* [0-9]+\$/ { print length(\$0) }" "$1" | sort -u | wc -l | grep -x " *1" >/dev/null' \
    sh "$tmp/out"

run stats
if [ "$status" -eq 0 ]; then
    check "stats without PATH uses a sample with $total reviews" \
        sh -c 'head -n 1 "$1" | grep -F "lga-sample: $2 reviews of " >/dev/null' sh "$tmp/out" "$total"
else
    check "stats without PATH and no sample: exit 2 naming the sample folder" \
        sh -c '[ "$1" -eq 2 ] && grep -F "lga-sample" "$2" >/dev/null' sh "$status" "$tmp/err"
fi

run stats "$tmp/no-such-dataset"
check "stats on a missing path exits 2 with an io-error line" \
    sh -c '[ "$1" -eq 2 ] && grep -F "[io-error]" "$2" >/dev/null' sh "$status" "$tmp/err"

# A package with a bad date: problems in the validate format, exit 1.
bad=$tmp/bad
mkdir "$bad" && cp "$SAMPLE"/* "$bad"/ || exit 99
line=$(grep -n '^e10000034-csg-2015-04,' "$SAMPLE/reviews.csv" | cut -d: -f1)
col=$(head -n 1 "$SAMPLE/reviews.csv" | tr -d '\r' | tr ',' '\n' | grep -n -x published_date | cut -d: -f1)
sed "${line}s/,2015-06-18,/,2015-02-30,/" "$SAMPLE/reviews.csv" >"$bad/reviews.csv" || exit 99
grep -F ',2015-02-30,' "$bad/reviews.csv" >/dev/null || exit 99
for c in stats query; do
    run $c "$bad"
    check "$c on a bad package: exit 1, $bad/reviews.csv:$line:$col: error: published_date: ... [bad-date]" \
        sh -c '[ "$1" -eq 1 ] && grep -F "$3" "$2" | grep -F "[bad-date]" >/dev/null && [ ! -s "$4" ]' \
        sh "$status" "$tmp/err" "$bad/reviews.csv:$line:$col: error: published_date: " "$tmp/out"
done

# ---- query: filters ---------------------------------------------------------

run query "$SAMPLE"
check "query without filters lists every review in order" \
    sh -c '[ "$1" -eq 0 ] && head -n 1 "$2" | grep -E "^review_id +type +stage +first date +councils$" >/dev/null' \
    sh "$status" "$tmp/out"
first_column "$tmp/out" >"$tmp/got"
check "query without filters: the review_ids of reviews.csv" same_file "$tmp/all-ids" "$tmp/got"

for t in corporate planning finance governance; do
    csv_select "$SAMPLE/reviews.csv" review_id,review_type | awk -F '\t' -v t=$t '$2 == t { print $1 }' >"$tmp/want"
    run query --type $t "$SAMPLE"
    first_column "$tmp/out" >"$tmp/got"
    check "query --type $t: the $(wc -l <"$tmp/want" | tr -d ' ') reviews of that type" \
        sh -c '[ "$1" -eq 0 ] && cmp -s "$2" "$3"' sh "$status" "$tmp/want" "$tmp/got"
done

csv_select "$SAMPLE/reviews.csv" review_id,stage | awk -F '\t' '$2 == "progress" { print $1 }' >"$tmp/want"
run query --stage progress "$SAMPLE"
first_column "$tmp/out" >"$tmp/got"
check "query --stage progress: the progress reviews" same_file "$tmp/want" "$tmp/got"

# csv: the flat form of just the matching reviews, though their parents are left out
run query --stage progress --format csv "$SAMPLE"
cp "$tmp/out" "$tmp/progress.csv"
check "query --stage progress --format csv: flat rows of exactly the progress reviews" \
    sh -c '[ "$1" -eq 0 ] && [ "$(grep -c "^e[0-9].*,progress,e[0-9]" "$2")" -eq 5 ] &&
           [ "$(grep -c "^e[0-9]" "$2")" -eq 5 ]' sh "$status" "$tmp/progress.csv"

# --council by code: exact gss_code; by name: case-insensitive part of the name.
csv_select "$SAMPLE/review_councils.csv" review_id,gss_code | awk -F '\t' '$2 == "E07000238" { print $1 }' >"$tmp/c"
in_review_order "$tmp/c" >"$tmp/want"
run query --council E07000238 "$SAMPLE"
first_column "$tmp/out" >"$tmp/got"
check "query --council E07000238 (code): the joint review and the council's own" \
    sh -c 'cmp -s "$1" "$2" && [ "$(wc -l <"$1")" -eq 2 ]' sh "$tmp/want" "$tmp/got"
check "query table: a joint review lists both councils" \
    sh -c 'grep -F "Malvern Hills District Council; Wychavon District Council" "$1" >/dev/null' sh "$tmp/out"

csv_select "$SAMPLE/review_councils.csv" review_id,council_name |
    awk -F '\t' 'index(tolower($2), "worcester") { print $1 }' >"$tmp/c"
in_review_order "$tmp/c" >"$tmp/want"
run query --council wORCESTER "$SAMPLE"
first_column "$tmp/out" >"$tmp/got"
check "query --council wORCESTER (name part, any case): $(wc -l <"$tmp/want" | tr -d ' ') reviews" \
    sh -c 'cmp -s "$1" "$2" && [ "$(wc -l <"$1")" -ge 3 ]' sh "$tmp/want" "$tmp/got"

# Codes compare case-insensitively: e10000034 is E10000034.
csv_select "$SAMPLE/review_councils.csv" review_id,gss_code | awk -F '\t' '$2 == "E10000034" { print $1 }' >"$tmp/c"
in_review_order "$tmp/c" >"$tmp/want"
for code in e10000034 E10000034; do
    run query --council $code "$SAMPLE"
    first_column "$tmp/out" >"$tmp/got"
    check "query --council $code finds the $(wc -l <"$tmp/want" | tr -d ' ') reviews of E10000034" \
        sh -c '[ "$1" -eq 0 ] && cmp -s "$2" "$3" && [ "$(wc -l <"$2")" -ge 2 ]' sh "$status" "$tmp/want" "$tmp/got"
done
run query --council e07000238 --format json "$SAMPLE"
check "query --council e07000238 (lower case) finds the joint review and the council's own" \
    sh -c '[ "$1" -eq 0 ] && grep -c "\"gss_code\":\"E07000238\"" "$2" | grep -x 2 >/dev/null' sh "$status" "$tmp/out"
run query --council E0700023 "$SAMPLE"
check "query --council E0700023 (part of a code): nothing" \
    sh -c '[ "$1" -eq 0 ] && [ "$(wc -l <"$2")" -eq 1 ]' sh "$status" "$tmp/out"

# Dates compared as intervals. The sample's dates used below:
#   e10000034-cpc-2012       onsite_start 2012
#   e10000031-cpc-2014-09    2014-09-09, 2014-09-12, report 2014-10
#   e10000034-csg-2015-04    onsite_start 2015-04, published_date 2015-06-18
#   e07000239-cpcfu-2019     onsite_start 2019
#   e07000087-cpcpr-2025-12  2025-12-09 (twice)
#   e07000237-cpcpr-2026-03  2026-03-11 (three times)
#   e09000020-cpc-undated    no date at all
grep -F e09000020-cpc-undated "$tmp/all-ids" >/dev/null || exit 99
run query --since 2015-06-18 --until 2015-06-18 "$SAMPLE"
check "--since 2015-06-18 --until 2015-06-18: the review published that day" ids_are "$tmp/out" e10000034-csg-2015-04
run query --since 2015-06-19 --until 2015-12 "$SAMPLE"
check "--since 2015-06-19 --until 2015-12: nothing (exit 0, header only)" \
    sh -c '[ "$1" -eq 0 ] && [ "$(wc -l <"$2")" -eq 1 ]' sh "$status" "$tmp/out"
run query --until 2014-09-09 "$SAMPLE"
check "--until 2014-09-09: the 2012 review and the one starting that day" \
    ids_are "$tmp/out" e10000034-cpc-2012 e10000031-cpc-2014-09
run query --until 2014-09-08 "$SAMPLE"
check "--until 2014-09-08: only the 2012 review" ids_are "$tmp/out" e10000034-cpc-2012
run query --until 2012-01-01 "$SAMPLE"
check "--until 2012-01-01: the review dated 2012 (its year starts that day)" ids_are "$tmp/out" e10000034-cpc-2012
run query --until 2015-04-01 "$SAMPLE"
check "--until 2015-04-01: 2015-04 starts on that day" \
    ids_are "$tmp/out" e10000034-csg-2015-04 e10000034-cpc-2012 e10000031-cpc-2014-09
run query --until 2016-02-29 "$SAMPLE"
check "--until 2016-02-29 (leap day) is accepted" \
    ids_are "$tmp/out" e10000034-csg-2015-04 e10000034-cpc-2012 e10000031-cpc-2014-09
run query --since 2025-12-09 "$SAMPLE"
check "--since 2025-12-09: the reviews on or after that day" \
    ids_are "$tmp/out" e07000237-cpcpr-2026-03 e07000087-cpcpr-2025-12
run query --since 2025-12-10 "$SAMPLE"
check "--since 2025-12-10: one day later, one review fewer" ids_are "$tmp/out" e07000237-cpcpr-2026-03
run query --since 2019-12-31 --until 2019-12-31 "$SAMPLE"
check "--since/--until 2019-12-31: only the review dated 2019 (year precision)" \
    ids_are "$tmp/out" e07000239-cpcfu-2019
run query --since 2019-06 --until 2019-06 "$SAMPLE"
check "--since/--until 2019-06: only the review dated 2019" ids_are "$tmp/out" e07000239-cpcfu-2019
run query --since 1900 "$SAMPLE"
grep -v -x e09000020-cpc-undated "$tmp/all-ids" >"$tmp/want"
first_column "$tmp/out" >"$tmp/got"
check "--since 1900: every review but the undated one" same_file "$tmp/want" "$tmp/got"

# --text: every word, case-insensitive, in the notes or an item text.
# text_want WORD...: the reviews whose notes and item texts hold every word.
text_want() {
    {
        csv_select "$SAMPLE/items.csv" review_id,text
        csv_select "$SAMPLE/reviews.csv" review_id,notes
    } | awk -F '\t' -v words="$*" '
        { t[$1] = t[$1] " " tolower($2) }
        END { n = split(tolower(words), w, " ")
              for (id in t) { ok = 1; for (i = 1; i <= n; i++) if (!index(t[id], w[i])) ok = 0; if (ok) print id } }' \
        >"$tmp/t"
    in_review_order "$tmp/t"
}
for words in "SAFEGUARDING million" "budget" "Peer challenge" "asset" "zzqxv"; do
    text_want "$words" >"$tmp/want"
    run query --text "$words" "$SAMPLE"
    first_column "$tmp/out" >"$tmp/got"
    check "query --text '$words': $(wc -l <"$tmp/want" | tr -d ' ') reviews" \
        sh -c '[ "$1" -eq 0 ] && cmp -s "$2" "$3"' sh "$status" "$tmp/want" "$tmp/got"
done
text_want "SAFEGUARDING million" >"$tmp/want"
check "query --text 'SAFEGUARDING million': awk finds the 2015 safeguarding review too" \
    has_line "$tmp/want" e10000034-csg-2015-04

# Combinations.
run query --council worcester --type corporate --since 2019 "$SAMPLE"
check "--council worcester --type corporate --since 2019" \
    ids_are "$tmp/out" e07000237-cpc-2019-10 e07000237-cpc-2025-04 e07000237-cpcpr-2026-03
run query --stage progress --council Fareham "$SAMPLE"
check "--stage progress --council Fareham" ids_are "$tmp/out" e07000087-cpcpr-2025-12
run query --type corporate --council Worcestershire --until 2014 "$SAMPLE"
check "--type corporate --council Worcestershire --until 2014" ids_are "$tmp/out" e10000034-cpc-2012
run query --type childrens_safeguarding --text million --since 2015 --until 2015 "$SAMPLE"
check "--type --text --since --until together" ids_are "$tmp/out" e10000034-csg-2015-04
run query --type planning --stage progress "$SAMPLE"
check "--type planning --stage progress: nothing" \
    sh -c '[ "$1" -eq 0 ] && [ "$(wc -l <"$2")" -eq 1 ]' sh "$status" "$tmp/out"

# ---- query: formats -----------------------------------------------------------

run convert "$SAMPLE" "$tmp/flat.csv"
[ "$status" -eq 0 ] || exit 99
run query --format csv "$SAMPLE"
check "query --format csv without filters: the flat form, byte for byte" \
    sh -c '[ "$1" -eq 0 ] && cmp -s "$2" "$3"' sh "$status" "$tmp/out" "$tmp/flat.csv"

run query --format csv --council nobody-at-all "$SAMPLE"
check "query --format csv, no match: exit 0, the header line only" \
    sh -c '[ "$1" -eq 0 ] && [ "$(wc -l <"$2")" -eq 1 ] && [ "$(head -n 1 "$2")" = "$(head -n 1 "$3")" ]' \
    sh "$status" "$tmp/out" "$tmp/flat.csv"
run query --format json --council nobody-at-all "$SAMPLE"
check "query --format json, no match: []" sh -c '[ "$1" -eq 0 ] && [ "$(cat "$2")" = "[]" ]' sh "$status" "$tmp/out"
run query --council nobody-at-all "$SAMPLE"
check "query table, no match: the header line only" \
    sh -c '[ "$1" -eq 0 ] && [ "$(wc -l <"$2")" -eq 1 ] && grep -E "^review_id " "$2" >/dev/null' sh "$status" "$tmp/out"

run query --type planning --format csv "$SAMPLE"
cp "$tmp/out" "$tmp/planning.csv"
run validate "$tmp/planning.csv"
check "query --type planning --format csv loads back as a valid flat file" status_is 0
run query --format json "$tmp/planning.csv"
check "... holding the planning reviews only" \
    sh -c '[ "$(grep -c "\"review_type\":\"planning\"" "$1")" -eq 2 ] && ! grep -F "\"review_type\":\"corporate\"" "$1" >/dev/null' \
    sh "$tmp/out"

run query --stage progress --format csv "$SAMPLE"
cp "$tmp/out" "$tmp/progress.csv"
csv_select "$SAMPLE/reviews.csv" review_id,stage | awk -F '\t' '$2 == "progress" { print $1 }' >"$tmp/want"
csv_select "$tmp/progress.csv" review_id >"$tmp/got"
check "query --stage progress --format csv: only the progress reviews (their parents left out)" \
    sh -c '[ "$1" -eq 0 ] && cmp -s "$2" "$3"' sh "$status" "$tmp/want" "$tmp/got"
check "... with the flat header and CRLF line ends" \
    sh -c '[ "$(head -n 1 "$1")" = "$(head -n 1 "$2")" ] && head -n 1 "$1" | od -c | grep -F "\\r  \\n" >/dev/null' \
    sh "$tmp/progress.csv" "$tmp/flat.csv"
check "... and each record equal to its record in the full flat file" \
    sh -c 'tail -n +2 "$1" | while IFS= read -r l; do grep -x -F -e "$l" "$2" >/dev/null || exit 1; done' \
    sh "$tmp/progress.csv" "$tmp/flat.csv"
check "query --format csv leaves no temporary folder in TMPDIR" \
    sh -c 'd=$(mktemp -d "$1/tmpdir.XXXXXX") && TMPDIR=$d "$2" query --format csv --stage progress "$3" >/dev/null && [ -z "$(ls -A "$d")" ]' \
    sh "$tmp" "$PEERREVIEW" "$SAMPLE"

if command -v python3 >/dev/null 2>&1; then
    run query --format json "$SAMPLE"
    check "query --format json: exit 0" status_is 0
    check "query json: every review with all fields, typed values and its child lists" python3 -c '
import csv, json, sys
sample = sys.argv[2]
got = json.load(open(sys.argv[1], encoding="utf-8"))
def table(name):
    return list(csv.DictReader(open(sample + "/" + name + ".csv", encoding="utf-8", newline="")))
reviews = table("reviews")
ints = {"recommendation_count", "team_size", "people_engaged", "meetings_held", "seq"}
assert isinstance(got, list) and len(got) == len(reviews), len(got)
lists = {"councils": "review_councils", "team": "team_members", "items": "items",
         "considerations": "considerations", "sources": "sources"}
children = {k: table(v) for k, v in lists.items()}
for g, r in zip(got, reviews):
    want = {k: (None if v == "" else int(v) if k in ints else v) for k, v in r.items()}
    assert {k: g[k] for k in r} == want, (g["review_id"], r["review_id"])
    assert set(g) == set(r) | set(lists), set(g) ^ (set(r) | set(lists))
    for key, rows in children.items():
        mine = [{k: (None if v == "" else int(v) if k in ints else v) for k, v in c.items() if k != "review_id"}
                for c in rows if c["review_id"] == r["review_id"]]
        if key == "items":
            mine.sort(key=lambda c: ["focus", "strength", "area_for_consideration", "recommendation", "council_priority", "other"].index(c["kind"]) * 10**6 + c["seq"])
        else:
            mine.sort(key=lambda c: c["seq"])
        assert g[key] == mine, (r["review_id"], key, g[key], mine)
' "$tmp/out" "$SAMPLE"
    run query --format json --council E07000238 "$SAMPLE"
    check "query --council E07000238 --format json: 2 reviews, the joint one with 2 councils" python3 -c '
import json, sys
got = json.load(open(sys.argv[1], encoding="utf-8"))
assert [r["review_id"] for r in got] == ["e07000235-cpc-2018-03", "e07000238-cpc-2024-10"], got
assert [c["gss_code"] for c in got[0]["councils"]] == ["E07000235", "E07000238"]
assert isinstance(got[0]["councils"][0]["seq"], int)
' "$tmp/out"
else
    echo "ok - query json # SKIP no python3"
fi

# ---- diff ---------------------------------------------------------------------

run diff "$SAMPLE" "$SAMPLE"
check "diff of a dataset with itself: exit 0, no output" sh -c '[ "$1" -eq 0 ] && [ ! -s "$2" ]' sh "$status" "$tmp/out"
run diff "$SAMPLE" "$tmp/flat.csv"
check "diff of a package and its flat form: exit 0 (equal)" sh -c '[ "$1" -eq 0 ] && [ ! -s "$2" ]' sh "$status" "$tmp/out"
run diff --format json "$SAMPLE" "$SAMPLE"
check "diff --format json of equal datasets: exit 0, nothing added, removed or changed" \
    sh -c '[ "$1" -eq 0 ] && grep -F "\"added\":[],\"removed\":[],\"changed\":[],\"unchanged\":$3}" "$2" >/dev/null' \
    sh "$status" "$tmp/out" "$total"

# NEW: one field changed and one emptied, one review removed, one added, an
# item text changed, an item added, a source removed.
new=$tmp/new
mkdir "$new" && cp "$SAMPLE"/* "$new"/ || exit 99
grep '^e07000238-cpc-2024-10,corporate,Corporate Peer Challenge,initial,,LGA,' "$SAMPLE/reviews.csv" >/dev/null || exit 99
old_item='Whether current strategies and plans are having the right impact'
grep "^e10000034-csg-2015-04,focus,2,$old_item.\{0,1\}\$" "$SAMPLE/items.csv" >/dev/null || exit 99
[ "$(grep -c '^e10000034-csg-2015-04,' "$SAMPLE/sources.csv")" -eq 2 ] || exit 99
source2=$(grep '^e10000034-csg-2015-04,2,' "$SAMPLE/sources.csv" | tr -d '\r')
case $source2 in *'"'*) exit 99 ;; esac
src_url=$(echo "$source2" | cut -d, -f3)
src_desc=$(echo "$source2" | cut -d, -f4-)
next_strength=$(csv_select "$SAMPLE/items.csv" review_id,kind,seq |
    awk -F '\t' '$1 == "e10000034-csg-2015-04" && $2 == "strength" && $3 + 0 > m { m = $3 + 0 } END { print m + 1 }')

sed 's/^\(e07000238-cpc-2024-10,corporate,Corporate Peer Challenge\),initial,,LGA,/\1 (CPC),initial,,,/' \
    "$SAMPLE/reviews.csv" | grep -v '^e07000079-plan-2025,' >"$new/reviews.csv" || exit 99
printf 'e99999999-new-2024,other,New review,initial,,LGA,2024,,,,,,,,,,,,\r\n' >>"$new/reviews.csv"
for t in review_councils team_members considerations; do
    grep -v '^e07000079-plan-2025,' "$SAMPLE/$t.csv" >"$new/$t.csv"
done
sed "s/^\\(e10000034-csg-2015-04,focus,2,\\)Whether current/\\1Whether the current/" "$SAMPLE/items.csv" |
    grep -v '^e07000079-plan-2025,' >"$new/items.csv" || exit 99
printf 'e10000034-csg-2015-04,strength,%s,Added strength\r\n' "$next_strength" >>"$new/items.csv"
grep -v -e '^e07000079-plan-2025,' -e '^e10000034-csg-2015-04,2,' "$SAMPLE/sources.csv" >"$new/sources.csv"
run validate "$new"
[ "$status" -eq 0 ] || { cat "$tmp/out" >&2; exit 99; }

unchanged=$((total - 3))
cat >"$tmp/want" <<EOF
added: e99999999-new-2024
removed: e07000079-plan-2025
changed: e10000034-csg-2015-04
  items[kind=focus,seq=2].text: "$old_item" -> "Whether the current strategies and plans are having the right impact"
  items[kind=strength,seq=$next_strength]: added {"text":"Added strength"}
  sources[seq=2]: removed {"url":"$src_url","description":"$src_desc"}
changed: e07000238-cpc-2024-10
  review_type_label: "Corporate Peer Challenge" -> "Corporate Peer Challenge (CPC)"
  provider: "LGA" -> (empty)
reviews: 1 added, 1 removed, 2 changed, $unchanged unchanged
EOF
run diff "$SAMPLE" "$new"
check "diff of two versions exits 1" status_is 1
check "diff of two versions prints exactly the expected lines" same_file "$tmp/want" "$tmp/out"
check "diff of two versions: nothing on stderr" sh -c '[ ! -s "$1" ]' sh "$tmp/err"

run diff "$new" "$SAMPLE"
check "diff the other way round: added and removed swap, values swap" \
    sh -c '[ "$1" -eq 1 ] && grep -x "added: e07000079-plan-2025" "$2" >/dev/null && grep -x "removed: e99999999-new-2024" "$2" >/dev/null && grep -x "  provider: (empty) -> \"LGA\"" "$2" >/dev/null && grep -F "  sources[seq=2]: added " "$2" >/dev/null' \
    sh "$status" "$tmp/out"

run convert "$new" "$tmp/new-flat.csv"
run diff "$tmp/flat.csv" "$tmp/new-flat.csv"
check "diff of the two flat forms gives the same lines" \
    sh -c '[ "$1" -eq 1 ] && cmp -s "$2" "$3"' sh "$status" "$tmp/want" "$tmp/out"

if command -v python3 >/dev/null 2>&1; then
    run diff --format json "$SAMPLE" "$new"
    check "diff --format json exits 1" status_is 1
    check "diff json: added, removed, changed fields and rows, unchanged" python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["added"] == ["e99999999-new-2024"] and d["removed"] == ["e07000079-plan-2025"], d
assert d["unchanged"] == int(sys.argv[2])
ch = {c["review_id"]: c for c in d["changed"]}
assert list(ch) == ["e10000034-csg-2015-04", "e07000238-cpc-2024-10"], list(ch)
a = ch["e07000238-cpc-2024-10"]
assert a["rows"] == []
assert a["fields"] == [
    {"field": "review_type_label", "old": "Corporate Peer Challenge", "new": "Corporate Peer Challenge (CPC)"},
    {"field": "provider", "old": "LGA", "new": None}], a["fields"]
b = ch["e10000034-csg-2015-04"]
assert b["fields"] == []
r = b["rows"]
assert [(x["table"], x["change"]) for x in r] == [("items", "changed"), ("items", "added"), ("sources", "removed")], r
assert r[0]["key"] == {"kind": "focus", "seq": 2} and r[0]["fields"][0]["field"] == "text", r[0]
assert r[1]["key"] == {"kind": "strength", "seq": int(sys.argv[3])} and r[1]["new"]["text"] == "Added strength", r[1]
assert r[2]["key"] == {"seq": 2} and r[2]["old"]["seq"] == 2 and r[2]["old"]["url"].startswith("http"), r[2]
' "$tmp/out" "$unchanged" "$next_strength"
else
    echo "ok - diff json # SKIP no python3"
fi

run diff "$SAMPLE" "$tmp/no-such-dataset"
check "diff with a missing NEW exits 2 with an io-error line" \
    sh -c '[ "$1" -eq 2 ] && grep -F "[io-error]" "$2" >/dev/null && [ ! -s "$3" ]' sh "$status" "$tmp/err" "$tmp/out"
run diff "$bad" "$SAMPLE"
check "diff with a bad OLD exits 2 (not 1, which means 'different'), problems in validate format" \
    sh -c '[ "$1" -eq 2 ] && grep -F "$3" "$2" | grep -F "[bad-date]" >/dev/null' \
    sh "$status" "$tmp/err" "$bad/reviews.csv:$line:$col: error: published_date: "

# ---- found in review: letters beyond ASCII, control characters, joint listings ----

uni="$tmp/uni"
cp -R "$SAMPLE" "$uni"
chmod -R u+w "$uni"
# notes of the first review gain non-ASCII words; a council name gains an ESC byte
awk 'BEGIN { FS = OFS = "," } NR == 3 { $NF = "Über café ÉCOLE" } { print }' "$SAMPLE/reviews.csv" \
    >"$uni/reviews.csv"
esc=$(printf '\033')
sed "s/Warwickshire County Council/Warwick${esc}[31mshire County Council/" \
    "$SAMPLE/review_councils.csv" >"$uni/review_councils.csv"
run query --text 'über CAFÉ école' "$uni"
check "query --text folds case beyond ASCII (über matches Über)" \
    sh -c '[ "$1" -eq 0 ] && [ "$(grep -c "^e" "$2")" -eq 1 ]' sh "$status" "$tmp/out"
run query --council 'WARWICK' "$uni"
check "the table shows a control character in the data as a space" \
    sh -c '[ "$1" -eq 0 ] && grep -F "Warwick [31mshire" "$2" >/dev/null &&
           ! grep -q "$(printf "\033")" "$2"' sh "$status" "$tmp/out"

dupc="$tmp/dupc"
cp -R "$SAMPLE" "$dupc"
chmod -R u+w "$dupc"
# the Worcestershire 2015 review lists its council twice (seq 1 and 2)
awk 'BEGIN { FS = OFS = "," } { print } $1 == "e10000034-csg-2015-04" { $2 = 2; print }' \
    "$SAMPLE/review_councils.csv" >"$dupc/review_councils.csv"
run stats --format csv "$SAMPLE"
cp "$tmp/out" "$tmp/stats-sample.csv"
run stats --format csv "$dupc"
check "stats counts a council listed twice in one review once, for authority type too" \
    sh -c '[ "$1" -eq 0 ] && grep "^authority_type,county," "$2" >"$2.a" &&
           grep "^authority_type,county," "$3" >"$3.a" && cmp -s "$2.a" "$3.a"' \
    sh "$status" "$tmp/out" "$tmp/stats-sample.csv"

# ---- examples/c/list-reviews: the sample without a PATH ---------------------------

# Like stats without PATH it lists the installed sample (the folder stats
# --help names), else, before make install, the one of the build tree; with
# neither it says so (exit 2) naming the folder it looked in.
run stats --help
installed=$(sed -n '/installed with the package:$/{n;s/^ *//;p;}' "$tmp/out")
builddir=${top_builddir:-$here/../..}
example=$builddir/examples/c/list-reviews
# lists_sample FILE: FILE lists the sample's review_ids in order, one a line.
lists_sample() { awk '{ print $1 }' "$1" >"$tmp/ids.got" && same_file "$tmp/all-ids" "$tmp/ids.got"; }
if [ -x "$example" ] && [ -n "$installed" ]; then
    (cd "$tmp" && "$example") >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ -f "$installed/reviews.csv" ] || [ -f "$builddir/data/lga-sample/reviews.csv" ]; then
        check "list-reviews without PATH, run from another folder, lists the $total sample reviews" \
            sh -c '[ "$1" -eq 0 ] && [ ! -s "$2" ]' sh "$status" "$tmp/err"
        check "... in the order of reviews.csv" lists_sample "$tmp/out"
    else
        check "list-reviews without PATH and no sample: exit 2 naming $installed" \
            sh -c '[ "$1" -eq 2 ] && grep -F "$3" "$2" >/dev/null' sh "$status" "$tmp/err" "$installed"
    fi
    # The program alone, away from the build tree: only the installed sample.
    if [ -x "$builddir/examples/c/.libs/list-reviews" ]; then
        mkdir -p "$tmp/elsewhere/bin" && cp "$builddir/examples/c/.libs/list-reviews" "$tmp/elsewhere/bin/"
        (cd "$tmp" && LD_LIBRARY_PATH="$builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
            "$tmp/elsewhere/bin/list-reviews") >"$tmp/out" 2>"$tmp/err"
        status=$?
        if [ -f "$installed/reviews.csv" ]; then
            check "list-reviews away from the build tree lists the installed sample" \
                sh -c '[ "$1" -eq 0 ]' sh "$status"
            check "... the $total reviews" lists_sample "$tmp/out"
        else
            check "list-reviews away from the build tree, sample not installed: exit 2, a message naming $installed and 'make install'" \
                sh -c '[ "$1" -eq 2 ] && [ ! -s "$2" ] && grep -F "$4" "$3" >/dev/null && grep -F "make install" "$3" >/dev/null' \
                sh "$status" "$tmp/out" "$tmp/err" "$installed"
        fi
    else
        echo "ok - list-reviews away from the build tree # SKIP no .libs/list-reviews"
    fi
    "$example" "$SAMPLE" >"$tmp/out" 2>"$tmp/err"
    status=$?
    check "list-reviews PATH lists that dataset" sh -c '[ "$1" -eq 0 ]' sh "$status"
    check "... the $total sample reviews" lists_sample "$tmp/out"
else
    echo "ok - examples/c/list-reviews # SKIP not built or no sample folder in stats --help"
fi

# ---- standard output errors -----------------------------------------------------

if [ -w /dev/full ]; then
    for c in "stats $SAMPLE" "query $SAMPLE" "diff $SAMPLE $new"; do
        # shellcheck disable=SC2086 # split the command on purpose
        "$PEERREVIEW" $c >/dev/full 2>"$tmp/err"
        status=$?
        check "${c%% *} writing to /dev/full exits 2 with a message" \
            sh -c '[ "$1" -eq 2 ] && grep -F "standard output" "$2" >/dev/null' sh "$status" "$tmp/err"
    done
else
    echo "ok - write errors on stdout # SKIP no /dev/full"
fi

finish
