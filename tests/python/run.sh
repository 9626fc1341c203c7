#!/bin/sh
# Run the Python binding tests with the interpreter configure chose, against
# the in-tree build (bindings/python/build, assembled by make).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${PYTHON:=python3}"
if [ "${SANITIZERS:-no}" = yes ]; then
    echo "sanitizer build: the Python interpreter is not instrumented; skipping"
    exit 77
fi
pkg=$top_builddir/bindings/python/build
if [ ! -e "$pkg/peerreview/_capi.so" ]; then
    echo "no $pkg/peerreview: Python bindings not built (run make)"
    exit 99
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
PYTHONPATH=$pkg${PYTHONPATH:+:$PYTHONPATH}
LD_LIBRARY_PATH=$top_builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH LD_LIBRARY_PATH PYTHONDONTWRITEBYTECODE top_srcdir
cd "$tmp" || exit 99
"$PYTHON" -m unittest discover -s "$top_srcdir/bindings/python/tests" \
    -t "$top_srcdir/bindings/python/tests" -v >"$tmp/log" 2>&1
status=$?
cat "$tmp/log"
# a plain closing line for CI readers
summary=$(tail -n 5 "$tmp/log" | grep -E '^(OK|FAILED)' || true)
ran=$(grep -E '^Ran [0-9]+ test' "$tmp/log" | awk '{print $2}')
count() { echo "$summary" | sed -n "s/.*$1=\([0-9]*\).*/\1/p"; }
skipped=$(count skipped)
xfail=$(count 'expected failures')
case $summary in
OK*)
    line="$((${ran:-0} - ${skipped:-0} - ${xfail:-0})) passed, 0 failed"
    echo "$line${skipped:+, $skipped skipped}${xfail:+, $xfail expected failures}"
    # name them: skips say what is missing, expected failures what they wait for
    grep -E '\.\.\. (skipped|expected failure)' "$tmp/log" | sed 's/^/  /'
    ;;
*) echo "python tests failed: $summary" ;;
esac
exit $status
