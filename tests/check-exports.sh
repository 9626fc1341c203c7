#!/bin/sh
# The shared library exports exactly the symbols in tests/exported-symbols.txt
# (name@@VERSION-NODE), every one of them is declared in include/peerreview.h
# and versioned by a node of src/libpeerreview.sym, and those two files are
# what tests/gen-symbol-map.sh (make update-symbols) makes of the header.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${CC:=cc}"
LC_ALL=C
export LC_ALL
so=$top_builddir/.libs/libpeerreview.so
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; }

if [ ! -f "$so" ]; then
    echo "no $so (static-only build?); skipping"
    exit 77
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
if top_srcdir=$top_srcdir CC=$CC sh "$top_srcdir/tests/gen-symbol-map.sh" --check; then
    ok "src/libpeerreview.sym and tests/exported-symbols.txt match include/peerreview.h"
else
    bad "src/libpeerreview.sym or tests/exported-symbols.txt is stale: run make update-symbols"
fi
nm -D --defined-only "$so" | awk '$2 == "T" || $2 == "D" || $2 == "B" || $2 == "R" { print $3 }' |
    sort > "$tmp/actual"
if diff -u "$top_srcdir/tests/exported-symbols.txt" "$tmp/actual"; then
    ok "exported symbols match tests/exported-symbols.txt"
else
    bad "exported symbols differ from tests/exported-symbols.txt (update it on purpose, and libtool -version-info)"
fi
if grep -v '@@PEERREVIEW_[0-9][0-9]*\.[0-9][0-9]*$' "$tmp/actual"; then
    bad "the symbols above have no PEERREVIEW_x.y version (src/libpeerreview.sym)"
else
    ok "every exported symbol has a PEERREVIEW_x.y version"
fi
nodes=$(sed 's/#.*//' "$top_srcdir/src/libpeerreview.sym" |
    sed -n 's/^[[:space:]]*\(PEERREVIEW_[0-9][0-9.]*\)[[:space:]]*{.*/\1/p' | sort)
defined=$(nm -D --defined-only "$so" | awk '$2 == "A" { print $3 }' | sort)
if [ -n "$nodes" ] && [ "$nodes" = "$defined" ]; then
    ok "the library defines exactly the version nodes of src/libpeerreview.sym: $(echo $nodes)"
else
    bad "version nodes: src/libpeerreview.sym has '$nodes', the library '$defined'"
fi
grep -o 'peerreview_[a-z0-9_]*(' "$top_srcdir/include/peerreview.h" | tr -d '(' | sort -u > "$tmp/declared"
sed "s/@.*//" "$tmp/actual" > "$tmp/actual-names"
if diff -u "$tmp/declared" "$tmp/actual-names"; then
    ok "every exported symbol is declared in peerreview.h and vice versa"
else
    bad "header declarations and exports differ"
fi
if nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^peerreview_' | grep -v '^PEERREVIEW_[0-9]' | grep -q .; then
    bad "symbols without the peerreview_ prefix are exported"
else
    ok "only peerreview_ symbols are exported"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
