#!/bin/sh
# doc/format.md is what doc/gen-format makes of doc/format.md.in, the
# library's schema and one example problem per code (the first case of the
# case corpus tests/cases that gives it: tests/test-cases --examples). This check makes it anew
# and fails when the committed file differs, showing how; with --update it
# writes the file instead ('make doc/format.md' and 'make update-format-doc'
# run it so).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${TEST_CASES:=$top_builddir/tests/test-cases}"
update=no
[ "${1:-}" = --update ] && update=yes
doc="$top_srcdir/doc/format.md"
gen="$top_builddir/doc/gen-format"
[ -x "$gen" ] || { echo "$gen is not built (make doc/gen-format)"; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

[ -x "$TEST_CASES" ] || { echo "$TEST_CASES is not built (make tests/test-cases)"; exit 2; }
if ! "$TEST_CASES" --examples --sample "$top_srcdir/data/lga-sample" "$top_srcdir/tests/cases" \
    >"$tmp/examples.tsv"; then
    echo "not ok - tests/test-cases --examples failed (see above)"
    exit 1
fi
if ! TMPDIR="$tmp" "$gen" "$top_srcdir/doc/format.md.in" "$tmp/examples.tsv" >"$tmp/format.md"; then
    echo "not ok - doc/gen-format failed (see above)"
    exit 1
fi
if [ $update = yes ]; then
    if cmp -s "$tmp/format.md" "$doc"; then
        touch "$doc" 2>/dev/null # newer than its sources: make need not ask again
        echo "doc/format.md is up to date"
        exit 0
    fi
    cp "$tmp/format.md" "$doc.tmp" && mv -f "$doc.tmp" "$doc" || exit 2
    echo "doc/format.md rewritten"
    exit 0
fi
if cmp -s "$tmp/format.md" "$doc"; then
    echo "ok - doc/format.md matches the library (schema, rules and example problems)"
    exit 0
fi
echo "not ok - doc/format.md is not what the library makes of doc/format.md.in:"
diff -u "$doc" "$tmp/format.md" | head -n 60
echo "Run 'make doc/format.md' (after editing doc/format.md.in, not doc/format.md) and commit it."
exit 1
