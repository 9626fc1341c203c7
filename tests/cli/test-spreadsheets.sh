#!/bin/sh
# shellcheck disable=SC2016 # the sh -c scripts expand their own $1, $2
# What spreadsheets really write (issue 7): files saved by LibreOffice itself
# (soffice --headless --convert-to), read by the peerreview tool.
#
#   - CSV with ';' between values, as LibreOffice and Excel save it in many
#     European locales: one wrong-delimiter error; --delimiter ';' reads it;
#   - CSV in Windows-1252, what plain "CSV" means in Excel in Western Europe:
#     invalid-utf8 naming the Windows-1252 character; --encoding reads it;
#   - a trailing column with no name and no values, and rows of nothing but
#     separators, as a sheet with formatted or formula cells beyond the data
#     gives them: skipped with one empty-column and one empty-row warning.
#
# Needs LibreOffice Calc (Debian: libreoffice-calc-nogui); skipped (exit 77)
# with a message when soffice is not installed.
#
# Environment: PEERREVIEW (the tool), SAMPLE (the sample package), SOFFICE.

LC_ALL=C
export LC_ALL

: "${SOFFICE:=$(command -v soffice || command -v libreoffice || true)}"

if [ -z "$SOFFICE" ]; then
    echo "1..0 # SKIP LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
    exit 77
fi

# the command-line tests' harness: PEERREVIEW, SAMPLE, $tmp, ok, not_ok,
# check, run, status_is, out_has, err_has, out_empty, finish
# shellcheck source=tests/cli/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

# not_ok DESCRIPTION: the first lines of the tool's output are shown as comments.
not_ok() {
    failed=$((failed + 1))
    echo "not ok - $1"
    sed 's/^/#   /' "$tmp/out" "$tmp/err" | head -n 8
}
# codes_only CODE: every problem printed has this code (and there is one).
codes_only() { [ "$(sed -n 's/.*\[\([a-z0-9-]*\)\]$/\1/p' "$tmp/out" | sort -u)" = "$1" ]; }
# codes_are CODE...: the problems printed, by code, are exactly these (in order).
codes_are() {
    sed -n 's/.*\[\([a-z0-9-]*\)\]$/\1/p' "$tmp/out" >"$tmp/codes"
    printf '%s\n' "$@" | cmp -s - "$tmp/codes"
}

# soffice IN FILTER OUTDIR [INFILTER]: convert with a private profile, so that
# no user setting and no other LibreOffice process is involved.
soffice_convert() {
    in=$1 filter=$2 outdir=$3
    shift 3
    mkdir -p "$outdir" || return 1
    "$SOFFICE" --headless --norestore -env:UserInstallation="file://$tmp/profile" "$@" \
        --convert-to "$filter" --outdir "$outdir" "$in" >"$tmp/soffice.log" 2>&1
    [ -s "$outdir/$(basename "${in%.*}").csv" ] || {
        echo "# soffice did not convert $in:"
        sed 's/^/#   /' "$tmp/soffice.log"
        return 1
    }
}

# The CSV export filter: separator, quote, character set (76 UTF-8,
# 1 Windows-1252), then what LibreOffice's Save As dialog does by default
# (text cells quoted only when needed).
csv_filter() { echo "csv:Text - txt - csv (StarCalc):$1,34,$2,1,,0,false,true,false,false,false"; }

# The sample's flat form, opened in LibreOffice with every column as text (so
# that 2015-04 stays 2015-04), as a data officer would import it.
"$PEERREVIEW" convert --flat "$SAMPLE" "$tmp/flat.csv" || exit 99
ncols=$(head -n 1 "$tmp/flat.csv" | tr ',' '\n' | wc -l)
formats=$(seq -s / 1 "$ncols" | sed 's|/|/2/|g')/2
infilter="CSV:44,34,76,1,$formats"

# ---- ';' between values -------------------------------------------------------

if soffice_convert "$tmp/flat.csv" "$(csv_filter 59 76)" "$tmp/semicolon" --infilter="$infilter"; then
    semi=$tmp/semicolon/flat.csv
    check "LibreOffice wrote ';' between values" sh -c 'head -n 1 "$1" | grep -F "review_id;review_type;" >/dev/null' sh "$semi"
    run validate "$semi"
    check "a ';' file: exit 1" status_is 1
    check "a ';' file: one wrong-delimiter error, no unknown-column or stray-quote" codes_are wrong-delimiter
    check "... saying so and naming the option" out_has "separates values with ';', not with commas"
    check "... and how to re-save it" out_has "--delimiter ';'"
    run validate --delimiter ';' "$semi"
    check "validate --delimiter ';': valid, no problem" sh -c '[ "$1" -eq 0 ] && [ "$(cat "$2")" = "checked 1 path: 0 errors, 0 warnings (valid)" ]' sh "$status" "$tmp/out"
    run convert --delimiter ';' "$semi" "$tmp/from-semicolon.csv"
    check "convert --delimiter ';' gives back the comma file byte for byte" cmp "$tmp/flat.csv" "$tmp/from-semicolon.csv"
else
    not_ok "LibreOffice converts the flat file to ';' CSV"
fi

# ---- Windows-1252 ---------------------------------------------------------------

# the sample is ASCII: give it text that Windows-1252 holds beyond ASCII
sed 's/Worcestershire County Council/Worcestershire Caf\xc3\xa9 \xe2\x80\x98County\xe2\x80\x99 Council \xe2\x80\x93 \xc2\xa35/' \
    "$tmp/flat.csv" >"$tmp/accents.csv"
if soffice_convert "$tmp/accents.csv" "$(csv_filter 44 1)" "$tmp/cp1252" --infilter="$infilter"; then
    cp1252=$tmp/cp1252/accents.csv
    check "LibreOffice wrote 0xE9 for é" sh -c 'grep -F "$(printf "Caf\351 ")" "$1" >/dev/null' sh "$cp1252"
    run validate "$cp1252"
    check "a Windows-1252 file: exit 1" status_is 1
    check "... and only invalid-utf8 problems" codes_only invalid-utf8
    check "... naming the byte and its Windows-1252 character" out_has "byte 0xE9 $(printf '\342\200\224') '$(printf '\303\251')' in Windows-1252"
    check "... saying how to re-save it" out_has "re-save as 'CSV UTF-8' in Excel, or choose 'Unicode (UTF-8)' in LibreOffice"
    run validate --encoding windows-1252 "$cp1252"
    check "validate --encoding windows-1252: valid, no problem" sh -c '[ "$1" -eq 0 ] && [ "$(cat "$2")" = "checked 1 path: 0 errors, 0 warnings (valid)" ]' sh "$status" "$tmp/out"
    run convert --encoding windows-1252 "$cp1252" "$tmp/from-cp1252.csv"
    check "convert --encoding windows-1252 gives the UTF-8 file byte for byte" cmp "$tmp/accents.csv" "$tmp/from-cp1252.csv"
else
    not_ok "LibreOffice converts the flat file to Windows-1252 CSV"
fi

# ---- leftovers: an unnamed empty column, rows of separators ----------------------

# A sheet of the header and one review (their cells hold no comma or quote),
# then a column and two rows of cells whose formula gives "": what a sheet
# with cells beyond the data, formatted or filled with ="", exports.
grep -m 1 '^e10000034-cpc-2012,' "$tmp/flat.csv" >"$tmp/row" || exit 99
head -n 1 "$tmp/flat.csv" | cat - "$tmp/row" | tr -d '\r' >"$tmp/two-lines"
awk -F, -v empty='<table:table-cell table:formula="of:=LEFT(&quot;x&quot;;0)" office:value-type="string"/>' '
BEGIN {
    print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    print "<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"" \
        " xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\"" \
        " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"" \
        " xmlns:of=\"urn:oasis:names:tc:opendocument:xmlns:of:1.2\" office:version=\"1.2\"" \
        " office:mimetype=\"application/vnd.oasis.opendocument.spreadsheet\">"
    print "<office:body><office:spreadsheet><table:table table:name=\"Register\">"
}
{
    printf "<table:table-row>"
    for (i = 1; i <= NF; i++) {
        v = $i
        gsub(/&/, "\\&amp;", v); gsub(/</, "\\&lt;", v); gsub(/>/, "\\&gt;", v)
        if (v == "") printf "<table:table-cell/>"
        else printf "<table:table-cell office:value-type=\"string\"><text:p>%s</text:p></table:table-cell>", v
    }
    print empty "</table:table-row>"
    n = NF
}
END {
    for (r = 0; r < 2; r++) {
        printf "<table:table-row>"
        for (i = 0; i <= n; i++) printf "%s", empty
        print "</table:table-row>"
    }
    print "</table:table></office:spreadsheet></office:body></office:document>"
}' "$tmp/two-lines" >"$tmp/leftovers.fods" || exit 99
if soffice_convert "$tmp/leftovers.fods" "$(csv_filter 44 76)" "$tmp/leftovers"; then
    left=$tmp/leftovers/leftovers.csv
    check "LibreOffice wrote a trailing empty column and rows of commas" \
        sh -c 'head -n 1 "$1" | grep -E ",sources,$" >/dev/null && tail -n 1 "$1" | grep -E "^,+$" >/dev/null' sh "$left"
    run validate "$left"
    check "leftovers: valid (exit 0)" status_is 0
    check "... with one empty-column and one empty-row warning" codes_are empty-column empty-row
    check "... naming the column" out_has "column AD has no name and no values"
    check "... and the rows" out_has "2 rows hold nothing but separators (rows 3$(printf '\342\200\223')4)"
    tr -d '\r' <"$tmp/two-lines" | sed 's/$/\r/' >"$tmp/two-lines.csv"
    run convert "$left" "$tmp/from-leftovers.csv"
    "$PEERREVIEW" convert "$tmp/two-lines.csv" "$tmp/expected.csv" 2>/dev/null
    check "... and the data is the review, nothing else" cmp "$tmp/expected.csv" "$tmp/from-leftovers.csv"
else
    not_ok "LibreOffice converts a sheet with leftovers to CSV"
fi

finish
