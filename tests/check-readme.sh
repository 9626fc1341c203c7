#!/bin/sh
# The README's C example compiles against the in-tree library and prints the
# sample's 30 review ids (the Python example is run by the Python tests).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${CC:=cc}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
awk '/^```c$/ { on = 1; next } /^```$/ { if (on) exit } on' "$top_srcdir/README.md" >"$tmp/example.c"
pass=0 fail=0
if [ -s "$tmp/example.c" ]; then
    pass=$((pass + 1)); echo "ok - README has a C example"
else
    fail=$((fail + 1)); echo "not ok - README has no C example"
fi
# shellcheck disable=SC2086 # SAN_FLAGS and CC are word lists
if $CC ${SAN_FLAGS:-} -std=c11 -Wall -Wextra -Werror -I"$top_srcdir/include" "$tmp/example.c" \
    -o "$tmp/example" -L"$top_builddir/.libs" -lpeerreview -Wl,-rpath,"$top_builddir/.libs"; then
    pass=$((pass + 1)); echo "ok - it compiles warning-free"
    (cd "$top_srcdir" && "$tmp/example") >"$tmp/out" 2>&1
    st=$?
    if [ $st -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 30 ] &&
        [ "$(head -n 1 "$tmp/out")" = e10000034-csg-2015-04 ]; then
        pass=$((pass + 1)); echo "ok - it lists the 30 sample reviews"
    else
        fail=$((fail + 1)); echo "not ok - it exited $st printing:"; cat "$tmp/out"
    fi
else
    fail=$((fail + 1)); echo "not ok - it does not compile"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
