#!/bin/sh
# Run the Python binding tests with the interpreter configure chose, against
# the in-tree build: the package is assembled in a temporary folder from the
# source __init__.py, the generated capi.py and the built _capi.so.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${PYTHON:=python3}"
if [ "${SANITIZERS:-no}" = yes ]; then
    echo "sanitizer build: the Python interpreter is not instrumented; skipping"
    exit 77
fi
so=$top_builddir/bindings/python/.libs/_capi.so
if [ ! -f "$so" ]; then
    echo "no $so: Python bindings not built"
    exit 99
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/peerreview"
ln -s "$top_srcdir/bindings/python/peerreview/__init__.py" "$tmp/peerreview/__init__.py"
capi=$top_builddir/bindings/python/capi.py
[ -f "$capi" ] || capi=$top_srcdir/bindings/python/capi.py # a release tarball ships it
ln -s "$capi" "$tmp/peerreview/capi.py"
ln -s "$so" "$tmp/peerreview/_capi.so"
PYTHONPATH=$tmp${PYTHONPATH:+:$PYTHONPATH}
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
case $summary in
OK*) echo "${ran:-0} passed, 0 failed" ;;
*) echo "python tests failed: $summary" ;;
esac
exit $status
