#!/bin/sh
# Regenerate the linker version script src/libpeerreview.sym and the list
# tests/exported-symbols.txt from the functions include/peerreview.h declares:
#
#   make update-symbols            rewrite both files
#   gen-symbol-map.sh --check      change nothing; exit 1 if either is stale
#                                  (make check runs this, tests/check-exports.sh)
#   gen-symbol-map.sh --allow-removal
#                                  also drop symbols the header no longer
#                                  declares (an incompatible change once the
#                                  node they are in has been released)
#
# The header is read through the C preprocessor ($CC -E), so comments and
# macros do not count. Every declared peerreview_ function belongs to exactly
# one node of the version script. A function that is in no node yet is added
# to the LAST node of src/libpeerreview.sym, which is the release being
# prepared: before adding functions after a release, append a new empty node
# there first (see the comment at the top of src/libpeerreview.sym).
# tests/exported-symbols.txt then lists every symbol as the shared library
# shows it, name@@NODE, sorted.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${CC:=cc}"
map=$top_srcdir/src/libpeerreview.sym
list=$top_srcdir/tests/exported-symbols.txt
header=$top_srcdir/include/peerreview.h
mode=write allow_removal=no
for arg in "$@"; do
    case $arg in
    --check) mode=check ;;
    --allow-removal) allow_removal=yes ;;
    *)
        echo "usage: $0 [--check] [--allow-removal]" >&2
        exit 2
        ;;
    esac
done
LC_ALL=C
export LC_ALL
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# Functions declared by the header (after preprocessing).
# shellcheck disable=SC2086 # CC may carry options
$CC -E -P -I"$top_srcdir/include" "$header" >"$tmp/header.i"
sed 's/[[:space:]]*(/(/g' "$tmp/header.i" | grep -oE '[A-Za-z0-9_]+\(' |
    sed -n 's/^\(peerreview_[A-Za-z0-9_]*\)($/\1/p' | sort -u >"$tmp/declared"
if [ ! -s "$tmp/declared" ]; then
    echo "$0: no peerreview_ function found in $header" >&2
    exit 1
fi

# "NODE SYMBOL" for every symbol of the version script, and its nodes in order.
strip='{ sub(/#.*/, "") }'
awk "$strip"'
    /^[ \t]*[A-Za-z_][A-Za-z0-9_.]*[ \t]*\{/ { node = $1; sub(/\{.*/, "", node); print node > "/dev/stderr"; next }
    node != "" && /^[ \t]*peerreview_[A-Za-z0-9_]*[ \t]*;/ { s = $1; sub(/;.*/, "", s); print node, s }
    /^[ \t]*\}/ { node = "" }
' "$map" >"$tmp/map-syms" 2>"$tmp/nodes"
last=$(tail -n 1 "$tmp/nodes")
if [ -z "$last" ]; then
    echo "$0: no version node in $map" >&2
    exit 1
fi
awk '{ print $2 }' "$tmp/map-syms" | sort >"$tmp/in-map"
if [ -n "$(uniq -d "$tmp/in-map")" ]; then
    echo "$0: symbols listed twice in $map:" $(uniq -d "$tmp/in-map") >&2
    exit 1
fi
comm -23 "$tmp/declared" "$tmp/in-map" >"$tmp/added"
comm -13 "$tmp/declared" "$tmp/in-map" >"$tmp/removed"
awk -v last="$last" '$1 != last { print $2 }' "$tmp/map-syms" | sort >"$tmp/older"
# the last node: every declared function that no older node holds
comm -23 "$tmp/declared" "$tmp/older" >"$tmp/last-node"

if [ -s "$tmp/removed" ] && [ "$allow_removal" != yes ]; then
    echo "$0: $map lists functions that include/peerreview.h no longer declares:" >&2
    sed 's/^/    /' "$tmp/removed" >&2
    echo "Removing an exported function breaks the ABI: keep it (deprecated), or run" >&2
    echo "$0 --allow-removal if it was never released." >&2
    exit 1
fi

# The new version script: every line kept except the symbol lines of removed
# functions and the "global:" and symbol lines of the last node, whose sorted
# list is written again just before its "local:" or its closing brace (ld
# refuses a "global:" with nothing after it, and accepts an empty node).
awk -v last="$last" -v listfile="$tmp/last-node" -v removedfile="$tmp/removed" '
    BEGIN {
        while ((getline s < removedfile) > 0) removed[s] = 1
    }
    function emit(  s, n) {
        while ((getline s < listfile) > 0) {
            if (n++ == 0) print "global:"
            print "    " s ";"
        }
        done = 1
    }
    {
        line = $0
        sub(/#.*/, "", line)
    }
    line ~ /^[ \t]*[A-Za-z_][A-Za-z0-9_.]*[ \t]*\{/ {
        node = line; sub(/^[ \t]*/, "", node); sub(/[ \t]*\{.*/, "", node)
        print; next
    }
    node != "" && line ~ /^[ \t]*peerreview_[A-Za-z0-9_]*[ \t]*;/ {
        s = line; sub(/^[ \t]*/, "", s); sub(/[ \t]*;.*/, "", s)
        if (node == last || (s in removed)) next
        print; next
    }
    node == last && line ~ /^[ \t]*global[ \t]*:/ { next }
    node == last && !done && (line ~ /^[ \t]*local[ \t]*:/ || line ~ /^[ \t]*\}/) { emit() }
    line ~ /^[ \t]*\}/ { node = "" }
    { print }
' "$map" >"$tmp/map.new"

# The list the shared library must match: name@@NODE for every symbol.
awk "$strip"'
    /^[ \t]*[A-Za-z_][A-Za-z0-9_.]*[ \t]*\{/ { node = $1; sub(/\{.*/, "", node); next }
    node != "" && /^[ \t]*peerreview_[A-Za-z0-9_]*[ \t]*;/ { s = $1; sub(/;.*/, "", s); print s "@@" node }
    /^[ \t]*\}/ { node = "" }
' "$tmp/map.new" | sort >"$tmp/list.new"

if [ "$mode" = check ]; then
    stale=no
    for pair in "map.new:$map" "list.new:$list"; do
        new=$tmp/${pair%%:*} old=${pair#*:}
        if ! cmp -s "$new" "$old"; then
            diff -u "$old" "$new" || true
            stale=yes
        fi
    done
    if [ "$stale" = yes ]; then
        echo "$0: src/libpeerreview.sym or tests/exported-symbols.txt does not match include/peerreview.h; run make update-symbols" >&2
        exit 1
    fi
    exit 0
fi

cmp -s "$tmp/map.new" "$map" || cat "$tmp/map.new" >"$map"
cmp -s "$tmp/list.new" "$list" || cat "$tmp/list.new" >"$list"
n=$(wc -l <"$tmp/list.new")
echo "$(basename "$map"): $n symbols, newest node $last"
if [ -s "$tmp/added" ]; then
    echo "added to $last:"
    sed 's/^/    /' "$tmp/added"
fi
if [ -s "$tmp/removed" ]; then
    echo "removed:"
    sed 's/^/    /' "$tmp/removed"
fi
