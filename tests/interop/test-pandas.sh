#!/bin/sh
# pandas reads what the library writes and writes it back (issue 9): every
# table of the sample, of a realistic random package and of a package of
# awkward values (make-package), and the flat form of each, read with
#
#   pd.read_csv(path)                                   pandas' defaults
#   pd.read_csv(path, dtype=str, keep_default_na=False) every field as text
#
# give the rows the library holds (see pandas-check.py), and what the all-text
# call read, written back with df.to_csv(path, index=False,
# lineterminator="\r\n") (pandas >= 1.5; line_terminator before), loads in the
# library as the same dataset. At the defaults the awkward values ("NA",
# "null", "010" as text, integers beyond 2^53) cannot survive, and an integer
# column with a gap is read as float64 and written back as "3.0": those
# differences are printed as notes.
#
# Needs a Python with pandas (Debian: python3-pandas; the first of $PANDAS_PYTHON,
# $PYTHON, python3 and /usr/bin/python3 that imports it); skipped (exit 77)
# with a message otherwise.

. "$(dirname "$0")/common.sh"

py=
for p in ${PANDAS_PYTHON:-} ${PYTHON:-} python3 /usr/bin/python3; do
    if "$p" -c 'import pandas' >/dev/null 2>&1; then
        py=$p
        break
    fi
done
[ -n "$py" ] || skip "no Python with pandas (Debian: apt-get install python3-pandas)"
need_tools
echo "# $("$py" -c 'import sys, pandas; print("Python", sys.version.split()[0], "pandas", pandas.__version__)')"

make_data

tables="reviews review_councils team_members items considerations sources"
: >"$tmp/jobs"
for mode in defaults lossless; do
    for n in sample real awkward; do
        strict=1
        [ "$mode" = defaults ] && [ "$n" = awkward ] && strict=0
        mkdir -p "$tmp/p-$mode-$n"
        for t in $tables; do
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$tmp/$n/$t.csv" "$tmp/$n.dump/$t.tsv" \
                "$tmp/p-$mode-$n/$t.csv" "$strict" "$n/$t.csv" >>"$tmp/jobs"
        done
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$tmp/$n.csv" "$tmp/$n.cells" \
            "$tmp/p-$mode-$n.csv" "$strict" "$n.csv (flat)" >>"$tmp/jobs"
    done
done

PYTHONDONTWRITEBYTECODE=1 "$py" "$scripts/pandas-check.py" "$tmp/jobs" >"$tmp/p.out" 2>"$tmp/p.err"
st=$?
cat "$tmp/p.out"
passed=$((passed + $(grep -c '^ok - ' "$tmp/p.out")))
failed=$((failed + $(grep -c '^not ok - ' "$tmp/p.out")))
if [ $st -gt 1 ] || [ ! -s "$tmp/p.out" ]; then
    not_ok "pandas-check.py ran (status $st)" "$tmp/p.err"
fi

# written back by to_csv: the same dataset for the library (the all-text
# call must round-trip; at the defaults it is reported)
for mode in lossless defaults; do
    for n in sample real awkward; do
        cp "$tmp/$n/datapackage.json" "$tmp/p-$mode-$n/"
        for form in package flat; do
            if [ $form = package ]; then a=$tmp/$n b=$tmp/p-$mode-$n; else a=$tmp/$n.csv b=$tmp/p-$mode-$n.csv; fi
            desc="pandas $mode: $n $form, written back by df.to_csv(path, index=False, lineterminator=\"\\r\\n\"), loads as the same dataset"
            if same_package "$a" "$b"; then
                ok "$desc"
            elif [ "$mode" = defaults ]; then
                echo "# note: at pandas' defaults the $n $form does not come back:"
                sed 's/^/# note:   /' "$tmp/diff.out" | head -n 4
            else
                not_ok "$desc" "$tmp/diff.out"
            fi
        done
    done
done

# to_csv's default line terminator on a value holding a lone CR (a note for doc/interop.md)
PYTHONDONTWRITEBYTECODE=1 "$py" -c '
import sys, pandas as pd
pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False).to_csv(sys.argv[2], index=False)
' "$tmp/awkward.csv" "$tmp/p-plain-awkward.csv" 2>/dev/null
if same_package "$tmp/awkward.csv" "$tmp/p-plain-awkward.csv"; then
    echo "# note: df.to_csv(path, index=False) with its default line terminator gives the awkward flat back too"
else
    printf '# note: %s\n' 'df.to_csv(path, index=False) with its default "\n" does not give the awkward flat back (a lone CR is left unquoted):'
    sed 's/^/# note:   /' "$tmp/diff.out" | head -n 2
fi

finish
