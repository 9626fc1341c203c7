#!/bin/sh
# The official Frictionless JS library reads what the library writes (issue 9):
# for the sample (as peerreview convert saves it), a realistic random package
# and a random package of awkward values (make-package), datapackage.json is
# validated against the official Tabular Data Package profile (tv4 through
# datapackage-js, and python3-jsonschema when /usr/bin/python3 has it) and
# every row of every resource is read by datapackage-js 1.1.10 with casting,
# constraints and relations, and compared value by value with what the
# library holds (see datapackage-js.js). Zero errors, zero differences. The
# descriptor's rules are held to the library's: values near each rule
# (make-package --probes) must pass datapackage-js exactly when they pass the
# library, and every constraint must be one Table Schema defines for the type.
# A spreadsheet-safe save of the sample is validated too, and its declared
# encoding must say that its files start with a BOM.
#
# Needs node and npm's datapackage 1.1.10 in $INTEROP_NODE_MODULES (default
# the build tree's tests/interop/node_modules, filled by make interop-deps);
# skipped (exit 77) with a message otherwise.
#
# Integers above 2^53-1 are capped in the random data: datapackage-js casts
# integers through JS numbers and rejects larger ones (cast error), while the
# library accepts integers up to 2^63-1 (see doc/interop.md).

. "$(dirname "$0")/common.sh"

: "${NODE:=$(command -v node || command -v nodejs || true)}"
: "${INTEROP_NODE_MODULES:=$top_builddir/tests/interop/node_modules}"
[ -n "$NODE" ] ||
    skip "node is not installed (Debian: apt-get install nodejs npm), then run: make interop-deps"
version() {
    "$NODE" -p "require('$INTEROP_NODE_MODULES/$1/package.json').version" 2>/dev/null
}
[ "$(version datapackage)" = 1.1.10 ] ||
    skip "npm's datapackage 1.1.10 is not in $INTEROP_NODE_MODULES: run make interop-deps"
need_tools

echo "# node $("$NODE" --version), datapackage $(version datapackage), tableschema $(version tableschema)," \
    "csv-parse $(version csv-parse), validator $(version validator), tv4 $(version tv4)"

make_data --max-int 9007199254740991
"$PEERREVIEW" convert --spreadsheet-safe "$SAMPLE" "$tmp/sample-safe" >/dev/null 2>&1 || exit 99

profiles=$INTEROP_NODE_MODULES/datapackage/src/profiles
[ -f "$profiles/tabular-data-package.json" ] || {
    echo "no $profiles/tabular-data-package.json" >&2
    exit 99
}

# datapackage-js, one package at a time
run_js() { # NAME DIR [--dump DIR] [--bom] [--probes FILE]
    "$NODE" "$scripts/datapackage-js.js" "$INTEROP_NODE_MODULES" "$@" >"$tmp/js.out" 2>&1
    st=$?
    summary=$(grep -v '^#' "$tmp/js.out" | tail -n 1)
    if [ $st -eq 0 ]; then
        ok "datapackage-js: $summary"
        grep '^# note' "$tmp/js.out"
    else
        not_ok "datapackage-js: ${summary:-$1: could not run (status $st)}" "$tmp/js.out"
    fi
}
"$MAKE_PACKAGE" --probes "$tmp/probes.tsv" || exit 99
run_js sample "$tmp/sample" --dump "$tmp/sample.dump" --probes "$tmp/probes.tsv"
run_js random-realistic "$tmp/real" --dump "$tmp/real.dump"
run_js random-awkward "$tmp/awkward" --dump "$tmp/awkward.dump" --ltrim-known
run_js sample-spreadsheet-safe "$tmp/sample-safe" --bom

# a second validator of the official JSON Schemas
: "${JSONSCHEMA_PYTHON:=/usr/bin/python3}"
if [ -x "$JSONSCHEMA_PYTHON" ] && "$JSONSCHEMA_PYTHON" -c 'import jsonschema' 2>/dev/null; then
    if "$JSONSCHEMA_PYTHON" "$scripts/profiles.py" "$profiles" "$tmp/sample/datapackage.json" \
        "$tmp/real/datapackage.json" "$tmp/awkward/datapackage.json" \
        "$tmp/sample-safe/datapackage.json" >"$tmp/py.out" 2>&1; then
        ok "python3-jsonschema: 4 descriptors valid against tabular-data-package"
    else
        not_ok "python3-jsonschema: descriptors invalid against tabular-data-package" "$tmp/py.out"
    fi
else
    echo "# note: python3-jsonschema not importable by $JSONSCHEMA_PYTHON: the profiles were checked by tv4 only"
fi

finish
