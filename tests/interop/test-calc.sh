#!/bin/sh
# LibreOffice Calc opens what the library writes and saves it back (issue 9),
# with the import settings doc/interop.md gives: UTF-8, comma, '"' as string
# delimiter, "Format quoted field as text", every column of type Text. Headless,
# that is the import filter
#
#   CSV:44,34,76,1,1/2/2/2/.../29/2,1033,true,false
#
# (separator 44 ',', string delimiter 34 '"', character set 76 UTF-8, from line
# 1, columns 1..29 Text, English (USA), quoted fields as text, no special
# numbers); the sheet is saved as CSV (UTF-8, comma, '"', text quoted only when
# needed). The flat forms of the sample and of a realistic random dataset, and
# every table of a realistic random package, must load back as the same
# dataset. What Calc's default import (column type Standard) does to them, what
# it does to the awkward values, and to line breaks written CR LF, is printed
# as notes.
#
# Needs LibreOffice Calc (Debian: libreoffice-calc-nogui); skipped (exit 77)
# with a message otherwise.

. "$(dirname "$0")/common.sh"

: "${SOFFICE:=$(command -v soffice || command -v libreoffice || true)}"
[ -n "$SOFFICE" ] || skip "LibreOffice (soffice) is not installed (Debian: apt-get install libreoffice-calc-nogui)"
need_tools
# realistic text with LF line breaks only: Calc keeps a line break in a cell
# as LF, so CR LF comes back as LF (shown below as a note)
make_data --lf
"$MAKE_PACKAGE" --flat "$SEED" "$tmp/crlf.csv" >/dev/null 2>&1 || exit 99

text_columns=$(seq -s / 1 29 | sed 's|/|/2/|g')/2
import_text="CSV:44,34,76,1,$text_columns,1033,true,false"
import_default="CSV:44,34,76,1"
export_csv="csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false"

# calc INFILTER IN OUT: open IN in Calc with INFILTER and save it as CSV to OUT.
# One file per call and a new private profile for each: with a profile still
# in use by an instance that is closing, soffice hands the request to it and
# the import filter options get lost (seen: UTF-8 read as Latin-1).
calls=0
calc() {
    calls=$((calls + 1))
    mkdir -p "$tmp/calc-out" && rm -f "$tmp/calc-out/"* || return 1
    "$SOFFICE" --headless --norestore -env:UserInstallation="file://$tmp/profile-$calls" \
        --infilter="$1" --convert-to "$export_csv" --outdir "$tmp/calc-out" "$2" \
        >"$tmp/soffice.log" 2>&1
    mv "$tmp/calc-out/$(basename "$2")" "$3" 2>/dev/null || {
        echo "# soffice did not convert $2:"
        sed 's/^/#   /' "$tmp/soffice.log"
        return 1
    }
}

# check MODE WHAT ORIGINAL CONVERTED STRICT
check() {
    desc="Calc ($1 import): $2 saved back as CSV loads as the same dataset"
    if same_package "$3" "$4"; then
        if [ "$5" = 1 ]; then ok "$desc"; else echo "# note: Calc's $1 import keeps $2"; fi
    elif [ "$5" = 1 ]; then
        not_ok "$desc" "$tmp/diff.out"
    else
        echo "# note: Calc's $1 import changes $2:"
        sed 's/^/# note:   /' "$tmp/diff.out" | head -n 4
    fi
}

tables="reviews review_councils team_members items considerations sources"
for mode in text default; do
    if [ $mode = text ]; then filter=$import_text strict=1; else filter=$import_default strict=0; fi
    for n in sample real awkward; do
        [ $n = awkward ] && strict=0
        calc "$filter" "$tmp/$n.csv" "$tmp/calc-$mode-$n.csv" &&
            check $mode "the flat $n" "$tmp/$n.csv" "$tmp/calc-$mode-$n.csv" $strict
    done
done
# every table of the realistic package, with the text import
mkdir -p "$tmp/calc-text-real"
cp "$tmp/real/datapackage.json" "$tmp/calc-text-real/"
for t in $tables; do
    calc "$import_text" "$tmp/real/$t.csv" "$tmp/calc-text-real/$t.csv" || break
done
check text "every table of the realistic package" "$tmp/real" "$tmp/calc-text-real" 1
# CR LF inside a cell
calc "$import_text" "$tmp/crlf.csv" "$tmp/calc-crlf.csv" &&
    check text "a flat file whose text holds CR LF line breaks" "$tmp/crlf.csv" "$tmp/calc-crlf.csv" 0

finish
