#!/bin/sh
# make check's run of make bench at a tiny size (bench/README.md): every
# measure runs, each gives the answer it must (bench.sh checks the outputs:
# a valid package, one error per row of the error-heavy one, convert writing
# the files back byte for byte, the same row counts from libcsv, the library,
# csv.DictReader and pandas), and the summary line names every ratio of issue
# 12. Nothing here looks at a time: the figures of a tiny run mean nothing.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
B=$top_builddir/bench
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
    echo "FAIL: $*"
    fail=1
}

# The generator is deterministic: the same seed, the same bytes; another
# seed, other bytes.
"$B/prgen" --seed=7 50 "$tmp/a" && "$B/prgen" --seed=7 50 "$tmp/b" &&
    "$B/prgen" --seed=8 50 "$tmp/c" || exit 99
for t in reviews review_councils team_members items considerations sources; do
    cmp -s "$tmp/a/$t.csv" "$tmp/b/$t.csv" || bad "prgen --seed=7 gave two different $t.csv"
done
cmp -s "$tmp/a/items.csv" "$tmp/c/items.csv" && bad "prgen --seed=7 and --seed=8 gave the same items.csv"

BENCH_REVIEWS=200 BENCH_RUNS=1 BENCH_SCALE10=1 BENCH_STREAM_ROWS="1000 20000" BENCH_CLOCK=cpu \
    BENCH_DIR=$tmp/work BENCH_KEEP=0 BENCH_STRICT=0 BENCH_SEED=12 \
    sh "$top_srcdir/bench/bench.sh" >"$tmp/out" 2>&1
status=$?
cat "$tmp/out"
[ "$status" -eq 0 ] || bad "bench.sh exited $status"
n=$(grep -c '^bench summary' "$tmp/out")
[ "$n" -eq 1 ] || bad "$n summary lines, not 1"
line=$(grep '^bench summary' "$tmp/out")
for part in "validate/libcsv [0-9.]*x (>=0.75x [PASFIL]*);" "convert/libcsv [0-9.]*x (>=0.5x [PASFIL]*);" \
    "python load speed/pandas [0-9.]*x* *[n/a]* (>=2x [PASFILn/a]*);" "load peak RSS/input [0-9.]*x (<=1.3x [PASFIL]*);" \
    "streaming RSS 1000->20000 rows [0-9.]*->[0-9.]* MiB (flat, <16 MiB [PASFIL]*);" \
    "10x data [0-9.]*x the time ([a-z]*) (<=11x [PASFIL]*);" "errors/clean [0-9.]*x (<=2x [PASFIL]*)"; do
    echo "$line" | grep -q -- "$part" || bad "the summary line lacks '$part'"
done
# the 10 x files are removed, the packages of 200 reviews kept for a next run
[ -e "$tmp/work/x10" ] && bad "bench.sh left the 10 x files behind"
[ -f "$tmp/work/n200/clean/items.csv" ] || bad "bench.sh did not keep the package of 200 reviews"
[ "$fail" -eq 0 ] && echo "bench smoke run: PASS"
exit "$fail"
