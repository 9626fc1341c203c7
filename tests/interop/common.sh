# Shared by the interoperability checks and tests/report/test-browser.sh
# (sourced, not run): where things are,
# a temporary folder, TAP-style ok/not ok lines and the closing line.
#
# Environment (make check sets them; run by hand, they are found from here):
# top_srcdir, top_builddir, PEERREVIEW (the tool), SAMPLE (the sample package),
# MAKE_PACKAGE (tests/interop/make-package), SEED (random data; default 9).

LC_ALL=C.UTF-8
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd) || exit 99
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${PEERREVIEW:=$top_builddir/tools/peerreview}"
: "${SAMPLE:=$top_srcdir/data/lga-sample}"
: "${MAKE_PACKAGE:=$top_builddir/tests/interop/make-package}"
: "${SEED:=9}"
scripts=$top_srcdir/tests/interop

# skip MESSAGE: this check cannot run here (exit 77, which automake counts as SKIP)
skip() {
    echo "1..0 # SKIP $1"
    exit 77
}

need_tools() {
    [ -x "$PEERREVIEW" ] || {
        echo "no $PEERREVIEW: run make first" >&2
        exit 99
    }
    [ -x "$MAKE_PACKAGE" ] || skip "$MAKE_PACKAGE is not built (it needs cmocka: libcmocka-dev)"
    [ -f "$SAMPLE/reviews.csv" ] || {
        echo "no sample package at $SAMPLE" >&2
        exit 99
    }
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/interop.XXXXXX") || exit 99
if [ -n "${KEEP_TMP:-}" ]; then
    echo "# keeping $tmp"
else
    trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0
ok() {
    passed=$((passed + 1))
    printf 'ok - %s\n' "$1"
}
# not_ok DESCRIPTION [FILE...]: the files' first lines are shown as comments
not_ok() {
    failed=$((failed + 1))
    printf 'not ok - %s\n' "$1"
    shift
    for not_ok_f in "$@"; do
        [ -s "$not_ok_f" ] && sed 's/^/#   /' "$not_ok_f" | head -n "${SHOW_LINES:-40}"
    done
    return 0
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# The data every check reads, made once per check in $tmp:
#   sample/  the sample package as the library saves it (peerreview convert)
#   sample.csv  its flat form
#   real/ real.csv  a realistic random package and flat file (make-package SEED)
#   awkward/ awkward.csv  random_dataset()'s awkward values, gathered
# and for each, NAME.dump/TABLE.tsv (what the library holds) or, for flat
# files, NAME.cells (the file's cells, as libcsv reads them).
make_data() {
    "$PEERREVIEW" convert "$SAMPLE" "$tmp/sample" >"$tmp/make.log" 2>&1 &&
        "$PEERREVIEW" convert --flat "$SAMPLE" "$tmp/sample.csv" >>"$tmp/make.log" 2>&1 &&
        "$MAKE_PACKAGE" "$@" "$SEED" "$tmp/real" >>"$tmp/make.log" 2>&1 &&
        "$MAKE_PACKAGE" "$@" --flat "$SEED" "$tmp/real.csv" >>"$tmp/make.log" 2>&1 &&
        "$MAKE_PACKAGE" "$@" --awkward "$SEED" "$tmp/awkward" >>"$tmp/make.log" 2>&1 &&
        "$MAKE_PACKAGE" "$@" --awkward --flat "$SEED" "$tmp/awkward.csv" >>"$tmp/make.log" 2>&1 || {
        echo "could not make the test data:" >&2
        cat "$tmp/make.log" >&2
        exit 99
    }
    for n in sample real awkward; do
        "$MAKE_PACKAGE" --dump "$tmp/$n" "$tmp/$n.dump" &&
            "$MAKE_PACKAGE" --cells "$tmp/$n.csv" "$tmp/$n.cells" || exit 99
    done
}

# same_package A B: the library loads A and B as the same dataset: both
# converted to the canonical package give the same bytes (the output of
# peerreview diff is kept in $tmp/diff.out when they differ)
same_package() {
    rm -rf "$tmp/canon-a" "$tmp/canon-b"
    "$PEERREVIEW" convert "$1" "$tmp/canon-a" >"$tmp/convert.out" 2>&1 || {
        cp "$tmp/convert.out" "$tmp/diff.out"
        return 1
    }
    "$PEERREVIEW" convert "$2" "$tmp/canon-b" >"$tmp/convert.out" 2>&1 || {
        { echo "the library does not load $2:"; cat "$tmp/convert.out"; } >"$tmp/diff.out"
        return 1
    }
    for same_t in reviews review_councils team_members items considerations sources; do
        cmp -s "$tmp/canon-a/$same_t.csv" "$tmp/canon-b/$same_t.csv" || {
            "$PEERREVIEW" diff "$tmp/canon-a" "$tmp/canon-b" >"$tmp/diff.out" 2>&1
            return 1
        }
    done
    return 0
}
