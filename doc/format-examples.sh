#!/bin/sh
# One example problem for each problem code, made by running the command-line
# tool on small inputs, printed as
#   CODE<TAB>CASE<TAB>PROBLEM
# (PROBLEM as 'peerreview validate' prints it), for doc/gen-format, which puts
# them into doc/format.md. Each case is a few files written into a scratch
# folder; the line taken is the first one the command prints with [CODE].
# A case that no longer produces its code fails the script, naming it.
#
# Usage: doc/format-examples.sh [PEERREVIEW]   (default: tools/peerreview)
set -u
pr=${1:-${PEERREVIEW:-tools/peerreview}}
case $pr in /*) ;; *) pr="$(pwd)/$pr" ;; esac
[ -x "$pr" ] || { echo "$0: $pr is not an executable peerreview" >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
tab=$(printf '\t')
failed=0

# The flat form's header: the columns of reviews.csv, then the list columns.
H=review_id,review_type,review_type_label,stage,parent_review_id,provider,onsite_start,onsite_end
H=$H,onsite_mode,report_date,published_date,action_plan_due,progress_review_planned
H=$H,recommendation_count,team_size,people_engaged,meetings_held,report_url,notes,councils,team
H=$H,focus,strength,area_for_consideration,recommendation,council_priority,other,considerations
H=$H,sources

# row COLUMN=CSV-TEXT...: one flat row in header order; a valid review r1 of
# 2015 unless the arguments say otherwise (CSV-TEXT is written as given, but
# for \n, which becomes a line break).
row() {
    printf '%s\n' "$@" | awk -v h="$H" '
        BEGIN { v["review_id"] = "r1"; v["review_type"] = "corporate"; v["stage"] = "initial"
                v["onsite_start"] = "2015" }
        { i = index($0, "="); x = substr($0, i + 1); gsub(/\\n/, "\n", x)
          v[substr($0, 1, i - 1)] = x }
        END { n = split(h, c, ","); s = ""
              for (k = 1; k <= n; k++) s = s (k > 1 ? "," : "") v[c[k]]
              printf "%s\r\n", s }'
}

# flat ROW...: flat.csv with the header and the rows given (each a row() line).
flat() {
    printf '%s\r\n' "$H" >flat.csv
    for r in "$@"; do printf '%s' "$r" >>flat.csv; done
}

# pkg ROW...: the package pkg/ saved from those rows.
pkg() {
    flat "$@"
    "$pr" convert flat.csv pkg >/dev/null 2>&1 || { echo "pkg: convert failed" >&2; return 1; }
    rm -f flat.csv
}

# example CODE CASE COMMAND...: run COMMAND in the case's folder (after the
# case's set-up, read from standard input as shell commands) and print the
# first problem with CODE.
example() {
    code=$1 name=$2
    shift 2
    mkdir "$tmp/$name" || exit 2
    setup=$(cat)
    out=$(cd "$tmp/$name" && eval "$setup" && "$@" 2>&1)
    line=$(printf '%s\n' "$out" | grep -F -m 1 -e "[$code]")
    if [ -z "$line" ]; then
        echo "$0: case $name does not report $code; it printed:" >&2
        printf '%s\n' "$out" >&2
        failed=1
        return
    fi
    printf '%s\t%s\t%s\n' "$code" "$name" "$line"
}
validate() { "$pr" validate "$@"; }

example io-error no-such-folder validate my-package <<'EOF'
:
EOF
example empty-file empty-flat-file validate flat.csv <<'EOF'
: >flat.csv
EOF
example invalid-utf8 latin1-byte validate flat.csv <<'EOF'
flat "$(row "notes=Caf$(printf '\351') visit")"
EOF
example utf16-file utf16-file validate flat.csv <<'EOF'
printf '\377\376r\000e\000v\000' >flat.csv
EOF
example nul-byte nul-in-cell validate flat.csv <<'EOF'
flat "$(row 'notes=a~b')"
tr '~' '\000' <flat.csv >f && mv f flat.csv
EOF
example unterminated-quote quote-never-closed validate flat.csv <<'EOF'
flat "$(row 'notes="The team said')"
EOF
example stray-quote quote-inside-field validate flat.csv <<'EOF'
flat "$(row 'review_type_label=The "Peer" Challenge')"
EOF
example too-many-fields extra-field validate flat.csv <<'EOF'
flat "$(row 'sources=,extra')"
EOF
example missing-fields short-record validate flat.csv <<'EOF'
printf '%s\r\nr1,corporate,Peer challenge\r\n' "$H" >flat.csv
EOF
example field-too-long field-over-1mib validate flat.csv <<'EOF'
flat "$(row "notes=$(head -c 1048577 /dev/zero | tr '\000' x)")"
EOF
example duplicate-column column-twice validate flat.csv <<'EOF'
printf '%s,stage\r\n' "$H" >flat.csv
EOF
example missing-column no-stage-column validate flat.csv <<'EOF'
printf '%s\r\n' "$H" | sed 's/,stage,/,/' >flat.csv
EOF
example unknown-column misspelt-column validate flat.csv <<'EOF'
printf '%s\r\n' "$H" | sed 's/review_type_label/Review Type Label/' >flat.csv
EOF
example missing-value empty-stage validate flat.csv <<'EOF'
flat "$(row stage=)"
EOF
example bad-date february-30 validate flat.csv <<'EOF'
flat "$(row onsite_start=2015-02-30)"
EOF
example bad-integer words-in-count validate flat.csv <<'EOF'
flat "$(row 'team_size=about 8')"
EOF
example bad-enum capital-letter validate flat.csv <<'EOF'
flat "$(row review_type=Corporate)"
EOF
example bad-pattern review-id-with-space validate flat.csv <<'EOF'
flat "$(row 'review_id=Worcs 2015')"
EOF
example bad-url url-without-scheme validate flat.csv <<'EOF'
flat "$(row report_url=www.local.gov.uk/peer-challenge)"
EOF
example whitespace date-with-space validate flat.csv <<'EOF'
flat "$(row 'onsite_start=2015-04 ')"
EOF
example duplicate-key review-id-twice validate flat.csv <<'EOF'
flat "$(row)" "$(row onsite_start=2016)"
EOF
example foreign-key child-of-missing-review validate pkg <<'EOF'
pkg "$(row)"
printf 'r2,1,https://www.local.gov.uk/r2,\r\n' >>pkg/sources.csv
EOF
example inconsistent authority-type-and-gss-code validate flat.csv <<'EOF'
flat "$(row 'councils=E07000235 | Malvern Hills District Council | county')"
EOF
example seq-gap seq-skips-2 validate pkg <<'EOF'
pkg "$(row)"
printf 'r1,focus,1,Leadership\r\nr1,focus,3,Finance\r\n' >>pkg/items.csv
EOF
example count-mismatch team-size-too-small validate flat.csv <<'EOF'
flat "$(row team_size=1 'team="Jo Walker | lead_peer\nSam Patel | officer_peer"')"
EOF
example no-date review-without-dates validate flat.csv <<'EOF'
flat "$(row onsite_start=)"
EOF
example formula-prefix notes-start-with-equals validate flat.csv <<'EOF'
flat "$(row 'notes==SUM(A1:A3)')"
EOF
example too-many-records over-record-limit validate --max-records=1 flat.csv <<'EOF'
flat "$(row)" "$(row review_id=r2)"
EOF
example unrepresentable line-break-in-item "$pr" convert pkg flat.csv <<'EOF'
pkg "$(row)"
printf 'r1,focus,1,"Two\r\nlines"\r\n' >>pkg/items.csv
EOF
example bad-descriptor descriptor-not-json validate pkg <<'EOF'
pkg "$(row)"
printf '{"name": "peer-reviews",}\n' >pkg/datapackage.json
EOF
example missing-table listed-table-missing validate pkg <<'EOF'
pkg "$(row)"
rm pkg/considerations.csv
EOF
example unknown-file misnamed-table-file validate pkg <<'EOF'
pkg "$(row)"
mv pkg/items.csv pkg/Items.csv
EOF
example empty-column trailing-comma-in-header validate flat.csv <<'EOF'
printf '%s,\r\n' "$H" >flat.csv
printf '%s' "$(row)" | sed 's/\r$/,\r/' >>flat.csv
EOF
example empty-row row-of-commas validate flat.csv <<'EOF'
flat "$(row)" ",,,,,,,,,,,,,,,,,,,,,,,,,,,,$(printf '\r\n')"
EOF
example wrong-delimiter semicolons validate flat.csv <<'EOF'
printf '%s\r\n' "$H" | tr , ';' >flat.csv
EOF
example newer-format package-of-format-2 validate pkg <<'EOF'
pkg "$(row)"
sed 's/"peerreview:format": 1/"peerreview:format": 2/' pkg/datapackage.json >d && mv d pkg/datapackage.json
EOF
exit $failed
