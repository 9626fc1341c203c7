#!/bin/sh
# The C sources follow the committed .clang-format (skipped without clang-format).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
command -v clang-format >/dev/null 2>&1 || { echo "no clang-format; skipping"; exit 77; }
cd "$top_srcdir" || exit 99
pass=0 fail=0
for f in include/*.h src/*.c src/*.h tools/*.c tools/*.h doc/*.c bench/*.c tests/*.c tests/*.h tests/interop/*.c examples/c/*.c fuzz/*.c fuzz/*.h; do
    if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "not formatted: $f (run clang-format -i $f)"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
