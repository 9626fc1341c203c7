#!/bin/sh
# R's readr reads what the library writes and writes it back (issue 9): every
# table of the sample, of a realistic random package and of a package of
# awkward values (make-package), and the flat form of each, read with
#
#   read_csv(file)                                   readr's defaults
#   read_csv(file, col_types = cols(.default = col_character()),
#            na = character(), trim_ws = FALSE)      every field as text
#
# give the rows the library holds (see readr.R for how a guessed number or
# date is compared), and write_csv(x, file, na = "") of what was read loads
# in the library as the same dataset (the canonical package it converts to
# is byte for byte the original's). At readr's defaults the awkward values
# (spaces at either end, "NA" as text, codes with leading zeros, integers
# beyond 2^53) cannot survive: there the differences are printed as notes;
# the all-text call must give every value exactly, for every dataset.
#
# Needs Rscript and readr (Debian: r-base-core r-cran-readr); skipped
# (exit 77) with a message otherwise.

. "$(dirname "$0")/common.sh"

: "${RSCRIPT:=$(command -v Rscript || true)}"
[ -n "$RSCRIPT" ] || skip "Rscript is not installed (Debian: apt-get install r-base-core r-cran-readr)"
"$RSCRIPT" -e 'suppressPackageStartupMessages(library(readr))' >/dev/null 2>&1 ||
    skip "R's readr is not installed (Debian: apt-get install r-cran-readr)"
need_tools
echo "# $("$RSCRIPT" --version 2>&1 | head -n 1), readr $("$RSCRIPT" -e 'cat(format(packageVersion("readr")))' 2>/dev/null)"

make_data

tables="reviews review_councils team_members items considerations sources"
: >"$tmp/jobs"
for mode in defaults lossless; do
    for n in sample real awkward; do
        strict=1
        [ "$mode" = defaults ] && [ "$n" = awkward ] && strict=0
        mkdir -p "$tmp/r-$mode-$n"
        for t in $tables; do
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$tmp/$n/$t.csv" "$tmp/$n.dump/$t.tsv" \
                "$tmp/r-$mode-$n/$t.csv" "$strict" "$n/$t.csv" >>"$tmp/jobs"
        done
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$tmp/$n.csv" "$tmp/$n.cells" \
            "$tmp/r-$mode-$n.csv" "$strict" "$n.csv (flat)" >>"$tmp/jobs"
    done
done

"$RSCRIPT" "$scripts/readr.R" "$tmp/jobs" >"$tmp/r.out" 2>"$tmp/r.err"
st=$?
cat "$tmp/r.out"
passed=$((passed + $(grep -c '^ok - ' "$tmp/r.out")))
failed=$((failed + $(grep -c '^not ok - ' "$tmp/r.out")))
if [ $st -gt 1 ] || [ ! -s "$tmp/r.out" ]; then
    not_ok "readr.R ran (status $st)" "$tmp/r.err"
fi

# written back by write_csv: the same dataset for the library
for mode in defaults lossless; do
    for n in sample real awkward; do
        cp "$tmp/$n/datapackage.json" "$tmp/r-$mode-$n/"
        for form in package flat; do
            if [ $form = package ]; then a=$tmp/$n b=$tmp/r-$mode-$n; else a=$tmp/$n.csv b=$tmp/r-$mode-$n.csv; fi
            desc="readr $mode: $n $form, written back by write_csv(x, f, na = \"\"), loads as the same dataset"
            if same_package "$a" "$b"; then
                ok "$desc"
            elif [ "$mode" = defaults ] && [ "$n" = awkward ]; then
                echo "# note: at readr's defaults the awkward $form does not come back:"
                sed 's/^/# note:   /' "$tmp/diff.out" | head -n 6
            else
                not_ok "$desc" "$tmp/diff.out"
            fi
        done
    done
done

# what readr's trim_ws does inside quotes, for doc/interop.md
printf 'a\r\n"  x  "\r\n' >"$tmp/quoted.csv"
got=$("$RSCRIPT" -e 'suppressPackageStartupMessages(library(readr)); cat(read_csv(commandArgs(TRUE)[1], show_col_types = FALSE)$a)' "$tmp/quoted.csv" 2>/dev/null)
if [ "$got" = x ]; then
    echo "# note: read_csv's default trim_ws = TRUE trims spaces inside quoted fields too (\"  x  \" is read as \"x\")"
else
    echo "# note: read_csv's default trim_ws = TRUE keeps spaces inside quoted fields (read \"$got\")"
fi

finish
