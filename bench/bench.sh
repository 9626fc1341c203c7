#!/bin/sh
# make bench: the library measured against raw libcsv and pandas on the same
# files, in one run (issue 12; method in doc/performance.md, use in
# bench/README.md). Prints the machine, a table of medians and one summary
# line of ratios, each against its target. Exits 0 when everything ran and
# every output was as expected (whatever the figures: BENCH_STRICT=1 also
# fails on a missed target), 1 when something did not run or gave a wrong
# answer, 2 on a usage error.
#
# Environment (make bench passes these through):
#   BENCH_REVIEWS=N        reviews in the package (default 40000, ~117 MB)
#   BENCH_RUNS=R           runs of each measure, interleaved (default 3)
#   BENCH_SCALE10=1        also every measure at 10 x N (default 0: skipped)
#   BENCH_RUNS10=R         runs at 10 x N (default BENCH_RUNS)
#   BENCH_STREAM_ROWS="A B" rows of the two items.csv of the streaming
#                          reader's memory measure (default "10000 1000000")
#   BENCH_CLOCK=cpu|wall   what the ratios compare (default cpu: user+system
#                          seconds of the process; wall is also printed)
#   BENCH_SEED=S           generator seed (default 12)
#   BENCH_DIR=DIR          work folder (default $top_builddir/bench/work);
#                          the N-review packages stay there for the next run,
#                          everything else made in it is removed at the end
#   BENCH_KEEP=1           keep everything (the 10 x files are ~2.4 GB)
#   BENCH_STRICT=1         exit 1 when a target is missed
#   PYTHON                 the interpreter of the bindings (configure's)
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
N=${BENCH_REVIEWS:-40000}
RUNS=${BENCH_RUNS:-3}
SCALE10=${BENCH_SCALE10:-0}
RUNS10=${BENCH_RUNS10:-$RUNS}
STREAM_ROWS=${BENCH_STREAM_ROWS:-10000 1000000}
CLOCK=${BENCH_CLOCK:-cpu}
SEED=${BENCH_SEED:-12}
WORK=${BENCH_DIR:-$top_builddir/bench/work}
KEEP=${BENCH_KEEP:-0}
STRICT=${BENCH_STRICT:-0}
PYTHON=${PYTHON:-}

die() {
    echo "bench: $*" >&2
    exit 1
}
usage() {
    echo "bench: $*" >&2
    exit 2
}
is_count() { case $1 in '' | *[!0-9]*) return 1 ;; *) [ "$1" -gt 0 ] ;; esac; }
is_count "$N" || usage "BENCH_REVIEWS must be a number of reviews, not '$N'"
is_count "$RUNS" || usage "BENCH_RUNS must be 1 or more, not '$RUNS'"
is_count "$RUNS10" || usage "BENCH_RUNS10 must be 1 or more, not '$RUNS10'"
case $CLOCK in cpu | wall) ;; *) usage "BENCH_CLOCK must be cpu or wall, not '$CLOCK'" ;; esac
set -- $STREAM_ROWS
[ $# -eq 2 ] && is_count "$1" && is_count "$2" || usage "BENCH_STREAM_ROWS must be two row counts"
STREAM_SMALL=$1 STREAM_LARGE=$2

B=$top_builddir/bench
for p in prgen csvbase prmeasure prbench; do
    [ -x "$B/$p" ] || die "no $B/$p: run make bench (it builds the programs)"
done
PEERREVIEW=${PEERREVIEW:-$top_builddir/tools/peerreview}
[ -x "$PEERREVIEW" ] || die "no $PEERREVIEW: run make"
DESCRIPTOR=$top_srcdir/data/lga-sample/datapackage.json
[ -f "$DESCRIPTOR" ] || die "no $DESCRIPTOR"
# The libtool wrapper of peerreview relinks or sets itself up on its first
# run: do that before measuring anything.
"$PEERREVIEW" --version >/dev/null 2>&1 || die "$PEERREVIEW --version fails"

mkdir -p "$WORK" || die "cannot create $WORK"
WORK=$(cd "$WORK" && pwd)
LOG=$WORK/log
rm -rf "$LOG" "$WORK/out" "$WORK/x10"
mkdir -p "$LOG" "$WORK/out" || die "cannot create $LOG"
cleanup() {
    rm -rf "$WORK/out"
    [ "$KEEP" = 1 ] || rm -rf "$WORK/x10" "$WORK"/stream-*
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- the machine ----
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
echo "machine: $(uname -sm), $(nproc 2>/dev/null || echo '?') CPUs (${cpu:-unknown}), ${mem:-? GiB} memory;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "build: $(sed -n 's/^  \$ \(.*configure.*\)/\1/p' "$top_builddir/config.log" 2>/dev/null | head -n 1)"
cc=$(sed -n "s/^CC='\(.*\)'$/\1/p" "$top_builddir/config.log" 2>/dev/null | head -n 1)
cflags=$(sed -n "s/^CFLAGS='\(.*\)'$/\1/p" "$top_builddir/config.log" 2>/dev/null | head -n 1)
echo "compiler: ${cc:-?} ${cflags}; libcsv: $(sed -n 's/^#define CSV_MAJOR \([0-9]*\).*/\1/p' /usr/include/csv.h 2>/dev/null).$(sed -n 's/^#define CSV_MINOR \([0-9]*\).*/\1/p' /usr/include/csv.h 2>/dev/null).$(sed -n 's/^#define CSV_RELEASE \([0-9]*\).*/\1/p' /usr/include/csv.h 2>/dev/null)"
if [ "${SANITIZERS:-no}" = yes ]; then
    echo "note: a sanitizer build: the figures say nothing about speed"
fi

# ---- Python: the bindings' interpreter, and one that has pandas ----
PYBIN= PYNOTE=
pkg=$top_builddir/bindings/python/build
if [ "${SANITIZERS:-no}" = yes ]; then
    PYNOTE="skipped (sanitizer build: the interpreter is not instrumented)"
elif [ -z "$PYTHON" ] || [ "$PYTHON" = : ]; then
    PYNOTE="skipped (configure found no Python: no bindings)"
elif [ ! -e "$pkg/peerreview/_capi.so" ]; then
    PYNOTE="skipped (bindings not built in $pkg)"
else
    # the interpreter itself, not a launcher script (pyenv's shims)
    PYBIN=$("$PYTHON" -c 'import sys; print(sys.executable)' 2>/dev/null) || PYBIN=
    [ -n "$PYBIN" ] && [ -x "$PYBIN" ] || PYBIN=$PYTHON
fi
PYPATH=$pkg${PYTHONPATH:+:$PYTHONPATH}
LDPATH=$top_builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
# csv.DictReader: the bindings' interpreter, or any python3
DRBIN=$PYBIN
if [ -z "$DRBIN" ] && [ "${SANITIZERS:-no}" != yes ]; then
    DRBIN=$(command -v python3 2>/dev/null || true)
fi
# pandas: the bindings' interpreter if it has it, else Debian's python3, else
# any python3 on PATH
PDBIN= PDNOTE=
for py in $PYBIN /usr/bin/python3 $(command -v python3 2>/dev/null); do
    [ "${SANITIZERS:-no}" = yes ] && break
    if "$py" "$top_srcdir/bench/pybench.py" can-import pandas >/dev/null 2>&1; then
        PDBIN=$py
        break
    fi
done
if [ -z "$PDBIN" ]; then
    PDNOTE="pandas not importable by ${PYBIN:-the interpreter of the bindings}, /usr/bin/python3 or python3"
    [ "${SANITIZERS:-no}" = yes ] && PDNOTE="skipped (sanitizer build)"
fi
echo "python: peerreview.load with ${PYBIN:-none: $PYNOTE}; csv.DictReader with ${DRBIN:-none};" \
    "pandas with ${PDBIN:-none: $PDNOTE}"

# ---- the files ----
# gen N DIR: the clean and the error-heavy package of N reviews, reused when
# the same generator made them with the same N and seed.
gen() {
    stamp="$1 $SEED $(cksum <"$B/prgen")"
    if [ -f "$2/stamp" ] && [ "$(cat "$2/stamp")" = "$stamp" ]; then
        return 0
    fi
    echo "generating $1 reviews (seed $SEED) in $2 ..."
    rm -rf "$2"
    mkdir -p "$2" || die "cannot create $2"
    "$B/prgen" --seed="$SEED" "$1" "$2/clean" &&
        "$B/prgen" --seed="$SEED" --errors "$1" "$2/errors" &&
        cp "$DESCRIPTOR" "$2/clean/datapackage.json" &&
        cp "$DESCRIPTOR" "$2/errors/datapackage.json" || die "cannot generate $2"
    echo "$stamp" >"$2/stamp"
}
TABLES="reviews review_councils team_members items considerations sources"
csvs() { for t in $TABLES; do printf '%s/%s.csv\n' "$1" "$t"; done; }
bytes() { cat $(csvs "$1") | wc -c | tr -d ' '; }
# data rows of a package (records of libcsv less the six headers)
data_rows() {
    r=$("$B/csvbase" parse $(csvs "$1") | sed -n 's/.*bytes, \([0-9]*\) records.*/\1/p')
    [ -n "$r" ] || die "libcsv cannot parse $1"
    echo $((r - 6))
}

gen "$N" "$WORK/n$N"
ONE=$WORK/n$N
[ "$SCALE10" = 1 ] && gen $((10 * N)) "$WORK/x10"
for rows in "$STREAM_SMALL" "$STREAM_LARGE"; do
    mkdir -p "$WORK/stream-$rows" || die "cannot create $WORK/stream-$rows"
    [ -f "$WORK/stream-$rows/items.csv" ] ||
        "$B/prgen" --seed="$SEED" --items="$rows" "$WORK/stream-$rows/items.csv" ||
        die "cannot generate the items of $rows rows"
done

# ---- measuring ----
# measure KEY EXPECT COMMAND...: run once under prmeasure, appending to
# $LOG/KEY; the output goes to $LOG/KEY.out and must match the grep pattern
# EXPECT, and the command must exit 0.
measure() {
    key=$1 expect=$2
    shift 2
    if ! "$B/prmeasure" "$LOG/$key" "$@" >"$LOG/$key.out" 2>&1; then
        sed 's/^/  /' "$LOG/$key.out" | tail -n 20 >&2
        die "$key failed: $*"
    fi
    [ -z "$expect" ] || grep -q -- "$expect" "$LOG/$key.out" || {
        sed 's/^/  /' "$LOG/$key.out" | tail -n 20 >&2
        die "$key: expected '$expect' in the output of: $*"
    }
}

# one_run SUFFIX DIR REVIEWS ROWS ERRROWS MAXREC: every measure of one package once
one_run() {
    s=$1 d=$2 reviews=$3 rows=$4 erows=$5 mr=$6
    mrcli= mrpb= mrpy=
    if [ -n "$mr" ]; then mrcli=--max-records=$mr mrpb=--max-records=$mr mrpy=$mr; fi
    measure "csv$s" " $((rows + 6)) records" "$B/csvbase" parse $(csvs "$d/clean")
    measure "validate$s" "0 errors, 0 warnings (valid)" "$PEERREVIEW" validate $mrcli "$d/clean"
    measure "load$s" "prbench load: $reviews reviews, 0 warnings" "$B/prbench" $mrpb load "$d/clean"
    rm -rf "$WORK/out/convert"
    measure "convert$s" "" "$PEERREVIEW" convert $mrcli "$d/clean" "$WORK/out/convert"
    for f in $TABLES; do
        cmp -s "$d/clean/$f.csv" "$WORK/out/convert/$f.csv" ||
            die "convert of $d/clean did not write $f.csv back byte for byte"
    done
    rm -rf "$WORK/out/convert" "$WORK/out/copy"
    mkdir -p "$WORK/out/copy" || die "cannot create $WORK/out/copy"
    measure "copy$s" " $((rows + 6)) records" "$B/csvbase" copy "$WORK/out/copy" $(csvs "$d/clean")
    rm -rf "$WORK/out/copy"
    measure "items$s" "csvbase parse" "$B/csvbase" parse "$d/clean/items.csv"
    measure "read$s" "prbench read: " "$B/prbench" $mrpb read "$d/clean/items.csv"
    measure "clean$s" "0 errors, 0 warnings" "$B/prbench" $mrpb validate "$d/clean"
    measure "errors$s" " $erows errors, 0 warnings, $erows stored" \
        "$B/prbench" $mrpb validate "$d/errors"
    if [ -n "$PYBIN" ]; then
        measure "pyload$s" "pybench load: $reviews reviews" env PYTHONPATH="$PYPATH" LD_LIBRARY_PATH="$LDPATH" \
            PYTHONDONTWRITEBYTECODE=1 "$PYBIN" "$top_srcdir/bench/pybench.py" load "$d/clean" $mrpy
    fi
    if [ -n "$DRBIN" ]; then
        measure "dictreader$s" "pybench dictreader: $rows rows" "$DRBIN" \
            "$top_srcdir/bench/pybench.py" dictreader "$d/clean"
    fi
    if [ -n "$PDBIN" ]; then
        measure "pandas$s" "pybench pandas: $rows rows" "$PDBIN" \
            "$top_srcdir/bench/pybench.py" pandas "$d/clean"
    fi
}

ROWS1=$(data_rows "$ONE/clean")
EROWS1=$(data_rows "$ONE/errors")
BYTES1=$(bytes "$ONE/clean")
EBYTES1=$(bytes "$ONE/errors")
# the default max_records is 1 million; raise it only where the files need it
MR1=
[ $((ROWS1 + 6)) -gt 1000000 ] && MR1=$((10 * (ROWS1 + 6)))
if [ "$SCALE10" = 1 ]; then
    ROWS10=$(data_rows "$WORK/x10/clean")
    EROWS10=$(data_rows "$WORK/x10/errors")
    BYTES10=$(bytes "$WORK/x10/clean")
    MR10=$((10 * (ROWS10 + 6)))
fi
echo "package: $N reviews, $ROWS1 rows, $BYTES1 bytes of CSV (with an error in every row: $EROWS1 rows, $EBYTES1 bytes)"
[ "$SCALE10" = 1 ] && echo "10 x: $((10 * N)) reviews, $ROWS10 rows, $BYTES10 bytes of CSV"

r=1
while [ "$r" -le "$RUNS" ] || { [ "$SCALE10" = 1 ] && [ "$r" -le "$RUNS10" ]; }; do
    echo "run $r ..."
    if [ "$r" -le "$RUNS" ]; then
        one_run "" "$ONE" "$N" "$ROWS1" "$EROWS1" "$MR1"
        for rows in "$STREAM_SMALL" "$STREAM_LARGE"; do
            measure "stream$rows" "prbench read: $rows rows" "$B/prbench" \
                --max-records=$((rows + 1)) read "$WORK/stream-$rows/items.csv"
        done
    fi
    if [ "$SCALE10" = 1 ] && [ "$r" -le "$RUNS10" ]; then
        one_run "10" "$WORK/x10" $((10 * N)) "$ROWS10" "$EROWS10" "$MR10"
    fi
    r=$((r + 1))
done

# ---- figures ----
# med KEY FIELD: the median of a column of $LOG/KEY over the runs: wall, cpu
# (user + system) or rss (KiB); empty when KEY was not measured.
med() {
    [ -f "$LOG/$1" ] || return 0
    awk -v f="$2" '{
        if (f == "wall") v = $1; else if (f == "cpu") v = $2 + $3; else v = $4
        x[NR] = v
    } END {
        n = NR
        for (i = 2; i <= n; i++) { v = x[i]; j = i - 1; while (j > 0 && x[j] > v) { x[j + 1] = x[j]; j-- } x[j + 1] = v }
        if (n % 2) m = x[(n + 1) / 2]; else m = (x[n / 2] + x[n / 2 + 1]) / 2
        printf "%.6g\n", m
    }' "$LOG/$1"
}
t() { med "$1" "$CLOCK"; }
# ratio A B: A / B to 2 decimals, empty if either is missing or B is 0
ratio() {
    [ -n "$1" ] && [ -n "$2" ] || return 0
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b }'
}

row() { # KEY LABEL BYTES BASEKEY
    key=$1 label=$2 nbytes=$3 base=$4
    [ -f "$LOG/$key" ] || return 0
    c=$(med "$key" cpu) w=$(med "$key" wall) k=$(med "$key" rss)
    tt=$(t "$key") tb=$(t "$base")
    awk -v label="$label" -v b="$nbytes" -v c="$c" -v w="$w" -v k="$k" -v tt="$tt" -v tb="$tb" 'BEGIN {
        mbs = tt > 0 ? b / 1e6 / tt : 0
        vs = (tb != "" && tt > 0) ? sprintf("%.2fx", tb / tt) : "-"
        printf "%-46s %8.1f %8.2f %8.2f %8.1f %9.1f %7.2f %8s\n", label, b / 1e6, c, w, mbs, k / 1024, k * 1024 / b, vs
    }'
}
table() { # SUFFIX BYTES ERRBYTES LABEL
    s=$1 by=$2 eby=$3
    echo
    echo "$4"
    printf "%-46s %8s %8s %8s %8s %9s %7s %8s\n" "measure" "input MB" "CPU s" "wall s" "MB/s" "peak MiB" "RSS/in" "÷libcsv"
    row "csv$s" "libcsv parse, no-op callbacks (baseline)" "$by" "csv$s"
    row "validate$s" "peerreview validate" "$by" "csv$s"
    row "load$s" "peerreview_load (full load, then free)" "$by" "csv$s"
    row "convert$s" "peerreview convert (load + canonical save)" "$by" "csv$s"
    row "copy$s" "libcsv parse + csv_fwrite of the same rows" "$by" "csv$s"
    row "items$s" "libcsv parse of items.csv" "$(wc -c <"$5/clean/items.csv")" "items$s"
    row "read$s" "streaming reader over items.csv" "$(wc -c <"$5/clean/items.csv")" "items$s"
    row "clean$s" "validate, all problems collected: clean" "$by" "csv$s"
    row "errors$s" "  the same, an error in every row" "$eby" "csv$s"
    row "pyload$s" "Python peerreview.load + touch every review" "$by" "csv$s"
    row "dictreader$s" "Python csv.DictReader, six tables" "$by" "csv$s"
    row "pandas$s" "pandas.read_csv(dtype=str), six tables" "$by" "csv$s"
}

echo
echo "make bench: medians of $RUNS runs$([ "$SCALE10" = 1 ] && echo " ($RUNS10 at 10 x)"), interleaved; ratios compare $CLOCK time" \
    "($([ "$CLOCK" = cpu ] && echo 'user + system CPU seconds' || echo 'wall-clock seconds'));" \
    "÷libcsv = throughput ÷ that of the libcsv line above it"
table "" "$BYTES1" "$EBYTES1" "$N reviews:" "$ONE"
[ "$SCALE10" = 1 ] && table "10" "$BYTES10" "$(bytes "$WORK/x10/errors")" "$((10 * N)) reviews (10 x):" "$WORK/x10"
echo
echo "streaming reader over an items.csv alone:"
for rows in "$STREAM_SMALL" "$STREAM_LARGE"; do
    row "stream$rows" "  $rows rows" "$(wc -c <"$WORK/stream-$rows/items.csv")" ""
done
if [ "$SCALE10" = 1 ]; then
    echo
    echo "10 x the data ÷ 1 x, in $CLOCK time:"
    for k in csv validate load convert copy read clean errors pyload dictreader pandas; do
        [ -f "$LOG/$k" ] && [ -f "$LOG/${k}10" ] || continue
        printf "  %-12s %sx\n" "$k" "$(ratio "$(t "${k}10")" "$(t "$k")")"
    done
fi
[ -n "$PDNOTE" ] && echo "note: $PDNOTE"
[ -n "$PYNOTE" ] && echo "note: Python load $PYNOTE"

# ---- the summary line: the issue's ratios, each against its target ----
# verdict VALUE OP TARGET: PASS, FAIL, or n/a when there is no value
verdict() {
    if [ -z "$1" ]; then
        echo "n/a"
    elif awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { exit !((op == ">=" && v >= t) || (op == "<=" && v <= t)) }'; then
        echo PASS
    else
        echo FAIL
    fi
}
v_validate=$(ratio "$(t csv)" "$(t validate)")
v_convert=$(ratio "$(t csv)" "$(t convert)")
v_python=$(ratio "$(t pandas)" "$(t pyload)")
v_rss=$(ratio "$(($(med load rss | cut -d. -f1) * 1024))" "$BYTES1")
rss_small=$(med "stream$STREAM_SMALL" rss) rss_large=$(med "stream$STREAM_LARGE" rss)
v_stream=$(awk -v a="$rss_small" -v b="$rss_large" 'BEGIN { printf "%.1f->%.1f MiB", a / 1024, b / 1024 }')
# flat: at most 1 MiB more for the large file, and under 16 MiB
stream_ok=$(awk -v a="$rss_small" -v b="$rss_large" 'BEGIN { print (b - a <= 1024 && b < 16384) ? 1 : 0 }')
s_stream=$([ "$stream_ok" = 1 ] && echo PASS || echo FAIL)
v_errors=$(ratio "$(t errors)" "$(t clean)")
v_scale= scale_what=
if [ "$SCALE10" = 1 ]; then
    # the slowest growth of the library's own measures
    for k in validate load convert; do
        x=$(ratio "$(t "${k}10")" "$(t "$k")")
        if [ -z "$v_scale" ] || awk -v a="$x" -v b="$v_scale" 'BEGIN { exit !(a > b) }'; then
            v_scale=$x scale_what=$k
        fi
    done
fi
s_validate=$(verdict "$v_validate" ">=" 0.75)
s_convert=$(verdict "$v_convert" ">=" 0.5)
s_python=$(verdict "$v_python" ">=" 2)
s_rss=$(verdict "$v_rss" "<=" 1.3)
s_errors=$(verdict "$v_errors" "<=" 2)
s_scale=$(verdict "$v_scale" "<=" 11)
echo
echo "bench summary ($N reviews, $RUNS runs$([ "$SCALE10" = 1 ] && echo ", $RUNS10 at 10 x"), $CLOCK time):" \
    "validate/libcsv ${v_validate:-?}x (>=0.75x $s_validate);" \
    "convert/libcsv ${v_convert:-?}x (>=0.5x $s_convert);" \
    "python load speed/pandas ${v_python:-n/a}${v_python:+x} (>=2x $s_python);" \
    "load peak RSS/input ${v_rss:-?}x (<=1.3x $s_rss);" \
    "streaming RSS $STREAM_SMALL->$STREAM_LARGE rows $v_stream (flat, <16 MiB $s_stream);" \
    "10x data ${v_scale:-not measured (BENCH_SCALE10=1)}${v_scale:+x the time ($scale_what)} (<=11x $s_scale);" \
    "errors/clean ${v_errors:-?}x (<=2x $s_errors)"
failed=0
for v in "$s_validate" "$s_convert" "$s_python" "$s_rss" "$s_stream" "$s_scale" "$s_errors"; do
    [ "$v" = FAIL ] && failed=$((failed + 1))
done
if [ "$STRICT" = 1 ] && [ "$failed" -gt 0 ]; then
    echo "bench: $failed targets missed (BENCH_STRICT=1)"
    exit 1
fi
exit 0
