# shellcheck shell=sh
# Shared by the command-line tests tests/cli/test-*.sh (sourced, not run):
# where the tool and the sample are, a temporary folder, TAP-style ok/not ok
# lines, running the tool and the closing line. Each script sets LC_ALL and
# keeps its own helpers; it may redefine any function here (test-cli-stdio.sh
# its run, test-spreadsheets.sh its not_ok) after sourcing this file.
#
# Environment (make check sets them; run by hand, they are found from here):
#   PEERREVIEW  the tool to test (default: tools/peerreview of the build tree,
#               looked for as ../tools/peerreview and ../../tools/peerreview
#               from the script's folder, then ./tools/peerreview)
#   SAMPLE      the sample package (default: data/lga-sample of the source tree)

# the script's name without .sh: test-cli, test-cli-more, ...
name=$(basename "$0" .sh)
here=$(cd "$(dirname "$0")" && pwd) || exit 99

if [ -z "${PEERREVIEW:-}" ]; then
    for p in "$here/../tools/peerreview" "$here/../../tools/peerreview" ./tools/peerreview; do
        if [ -x "$p" ]; then PEERREVIEW=$p; break; fi
    done
fi
: "${PEERREVIEW:=$here/../../tools/peerreview}"
: "${SAMPLE:=$here/../../data/lga-sample}"

if [ ! -f "$SAMPLE/reviews.csv" ]; then
    echo "$name: no sample package at $SAMPLE" >&2
    exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0

ok() {
    passed=$((passed + 1))
    echo "ok - $1"
}

# not_ok DESCRIPTION [DETAIL]: the detail is shown as a comment.
not_ok() {
    failed=$((failed + 1))
    echo "not ok - $1"
    if [ -n "${2:-}" ]; then echo "#   $2"; fi
}

# check DESCRIPTION CONDITION...: the condition is a command run as given.
check() {
    desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc" "status $status; stderr: $(head -c 400 "$tmp/err")"; fi
}

# run ARG...: run the tool; stdout in $tmp/out, stderr in $tmp/err, exit in $status.
run() {
    "$PEERREVIEW" "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
}

status_is() { [ "$status" -eq "$1" ]; }
out_has() { grep -F -e "$1" "$tmp/out" >/dev/null; }
err_has() { grep -F -e "$1" "$tmp/err" >/dev/null; }
out_empty() { [ ! -s "$tmp/out" ]; }

# finish: the closing line; fails if any check failed (the script's last command).
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
