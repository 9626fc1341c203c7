#!/bin/sh
# The stages of src/ only look down (doc/architecture.md): no file of src/
# depends on a file that depends back on it. Three graphs of src/ files must
# each be free of loops:
#   calls     A -> B when the object make built from src/A.c uses a symbol
#             that src/B.c defines (nm of src/.libs/libprcore_la-*.o);
#   includes  A -> B when src/A.c or src/A.h has #include "B.h" (a header
#             counts as its .c file's stage);
#   both      the two together: a file does not include the header of a file
#             that calls it.
# On a loop it prints the files in it and the symbols or #include lines that
# make it. Run by make check, after make has built the objects:
#   top_srcdir=. top_builddir=. sh tests/check-layers.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${NM:=nm}"
LC_ALL=C
export LC_ALL
src=$top_srcdir/src
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# acyclic NAME EDGES: 0 when the "A B ..." lines of EDGES have no loop; else
# print the loop's files and the edges between them, and return 1.
acyclic() {
    cut -d' ' -f1,2 "$2" | tsort >"$tmp/$1.order" 2>"$tmp/$1.loops"
    st=$?
    if [ "$st" -eq 0 ] && ! grep -q . "$tmp/$1.loops"; then
        return 0
    fi
    # GNU tsort: "tsort: -: input contains a loop:" then "tsort: FILE" per
    # file of the loop (BSD: "tsort: cycle in data" then the files)
    sed -n 's/^tsort: //p' "$tmp/$1.loops" | grep -v 'loop\|cycle' | sort -u >"$tmp/$1.cycle"
    echo "# $1: loop among: $(tr '\n' ' ' <"$tmp/$1.cycle")"
    awk 'NR == FNR { in_loop[$1] = 1; next }
         ($1 in in_loop) && ($2 in in_loop) && $1 != $2 { print "#   " $0 }' \
        "$tmp/$1.cycle" "$2"
    sed 's/^/# /' "$tmp/$1.loops"
    return 1
}

# The check itself must be able to fail: tsort has to see a planted loop.
printf 'a b x\nb c y\nc a z\n' >"$tmp/planted"
if acyclic planted "$tmp/planted" >/dev/null; then
    bad "tsort does not report a loop (a -> b -> c -> a); this check cannot work here"
else
    ok "tsort reports a planted loop"
fi

# The stages: one per src/*.c.
for f in "$src"/*.c; do
    [ -f "$f" ] && basename "$f" .c
done | sort >"$tmp/stages"
nstages=$(wc -l <"$tmp/stages")
if [ "$nstages" -lt 20 ]; then
    bad "found $nstages .c files in $src (expected the library's 20 and more)"
    exit 1
fi

# ---- calls: the objects' symbols ----
: >"$tmp/syms"
nobj=0
while read -r s; do
    o=$top_builddir/src/.libs/libprcore_la-$s.o
    [ -f "$o" ] || o=$top_builddir/src/libprcore_la-$s.o
    if [ ! -f "$o" ]; then
        bad "no object for src/$s.c (libprcore_la-$s.o): run make (is it in libprcore_la_SOURCES?)"
        continue
    fi
    if [ -n "$(find "$src/$s.c" -newer "$o")" ]; then
        bad "$o is older than src/$s.c: run make first"
        continue
    fi
    # nm -P: "name type [value size]"; U = used here, defined elsewhere
    "$NM" -P "$o" >"$tmp/nm" || { bad "$NM -P $o failed"; continue; }
    awk -v s="$s" '$2 == "U" { print "U", $1, s; next }
                   $2 ~ /^[A-TV-Z]$/ { print "D", $1, s; n++ }
                   END { exit n ? 0 : 1 }' "$tmp/nm" >>"$tmp/syms" ||
        bad "$NM found no symbol that src/$s.c defines ($o)"
    nobj=$((nobj + 1))
done <"$tmp/stages"
awk '$1 == "D" { def[$2] = $3; next }
     { use[NR] = $2 " " $3 }
     END { for (i in use) { split(use[i], u, " ")
                            if ((u[1] in def) && def[u[1]] != u[2]) print u[2], def[u[1]], u[1] } }' \
    "$tmp/syms" | sort >"$tmp/calls"
ncalls=$(cut -d' ' -f1,2 "$tmp/calls" | sort -u | wc -l)

# Not vacuous: every object read, every file of src/ in some edge.
cut -d' ' -f1,2 "$tmp/calls" | tr ' ' '\n' | sort -u >"$tmp/calls.nodes"
missing=$(comm -23 "$tmp/stages" "$tmp/calls.nodes" | tr '\n' ' ')
if [ "$nobj" -eq "$nstages" ] && [ -z "$missing" ]; then
    ok "calls: read $nobj objects, $ncalls file-to-file edges, every file in one"
else
    bad "calls: read $nobj of $nstages objects; files in no edge: ${missing:-none}"
fi
if acyclic calls "$tmp/calls"; then
    ok "calls: no loop"
else
    bad "calls: a loop (the files above call each other; move the shared part down)"
fi

# ---- includes: the #include lines ----
: >"$tmp/includes"
for f in "$src"/*.c "$src"/*.h; do
    base=${f##*/}
    s=${base%.*}
    if [ ! -f "$src/$s.c" ]; then
        bad "src/$base has no src/$s.c: name a header after the file that defines what it declares"
        continue
    fi
    # #include "X.h" of a header in src/ (not config.h, peerreview.h, <...>)
    sed -n 's/^[ 	]*#[ 	]*include[ 	]*"\([^"]*\)\.h".*/\1/p' "$f" |
        while read -r h; do
            [ -f "$src/$h.h" ] && echo "$s $h src/$base:#include \"$h.h\""
        done >>"$tmp/includes"
done
sort -u -o "$tmp/includes" "$tmp/includes"
ninc=$(awk '$1 != $2' "$tmp/includes" | cut -d' ' -f1,2 | sort -u | wc -l)
cut -d' ' -f1,2 "$tmp/includes" | tr ' ' '\n' | sort -u >"$tmp/includes.nodes"
missing=$(comm -23 "$tmp/stages" "$tmp/includes.nodes" | tr '\n' ' ')
if [ "$ninc" -gt 0 ] && [ -z "$missing" ]; then
    ok "includes: $ninc file-to-file edges, every file in one"
else
    bad "includes: $ninc edges; files that include no header of src/: ${missing:-none}"
fi
if acyclic includes "$tmp/includes"; then
    ok "includes: no loop"
else
    bad "includes: a loop (the files above include each other's headers)"
fi

# ---- both together ----
cat "$tmp/calls" "$tmp/includes" >"$tmp/both"
if acyclic both "$tmp/both"; then
    ok "calls and includes together: no loop"
else
    bad "calls and includes together: a loop (a file includes the header of a file that calls it)"
fi

# The order, top stage first, and the edges (for doc/architecture.md).
if [ "$fail" -eq 0 ]; then
    echo "# order, top first: $(tr '\n' ' ' <"$tmp/both.order")"
    awk '$1 != $2 { e[$1 " -> " $2] = 1 } END { for (k in e) print "# " k }' "$tmp/both" | sort
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
