#!/bin/sh
# One version everywhere: configure.ac's AC_INIT (PACKAGE_VERSION in
# config.h), the PEERREVIEW_VERSION_* macros of include/peerreview.h, the .TH
# lines of the man pages and the top entry of NEWS. (tests/test-schema.c checks
# that the library's peerreview_version() is the header's.)
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; }

v=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h")
if [ -z "$v" ]; then
    echo "no PACKAGE_VERSION in $top_builddir/config.h"
    exit 99
fi
echo "# package version $v"
h=$top_srcdir/include/peerreview.h
macro() { sed -n "s/^#define PEERREVIEW_VERSION_$1[[:space:]]*\\([0-9][0-9]*\\)[[:space:]]*\$/\\1/p" "$h"; }
hv="$(macro MAJOR).$(macro MINOR).$(macro PATCH)"
hs=$(sed -n 's/^#define PEERREVIEW_VERSION[[:space:]]*"\(.*\)"[[:space:]]*$/\1/p' "$h")
if [ "$hv" = "$v" ]; then ok "PEERREVIEW_VERSION_MAJOR/MINOR/PATCH are $hv"; else bad "PEERREVIEW_VERSION_MAJOR/MINOR/PATCH are $hv, configure.ac says $v"; fi
if [ "$hs" = "$v" ]; then ok "PEERREVIEW_VERSION is \"$hs\""; else bad "PEERREVIEW_VERSION is \"$hs\", configure.ac says $v"; fi
for man in "$top_srcdir"/doc/*.[1-8]; do
    th=$(sed -n 's/^\.TH .*"libpeerreview \([^"]*\)".*/\1/p' "$man")
    if [ "$th" = "$v" ]; then ok "$(basename "$man") .TH says $th"; else bad "$(basename "$man") .TH says '$th', configure.ac $v"; fi
done
nv=$(sed -n 's/^Version \([^ ]*\).*/\1/p' "$top_srcdir/NEWS" | head -n 1)
if [ "$nv" = "$v" ]; then ok "NEWS begins with version $nv"; else bad "NEWS begins with version '$nv', configure.ac says $v"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
