#!/bin/sh
# The real-browser test of peerreview report (issue 13). Headless Chromium
# (Debian's chromium; $CHROMIUM names another) loads the report of the
# bundled sample, written by the build tree's tool as
#
#   peerreview report data/lga-sample -o BUILDDIR/tests/report/sample.html
#
# and browser-check.py (beside this script) checks that it loads from disk
# with no console error, uncaught exception or network request, that
# Chromium's --dump-dom shows the five charts (each an svg with its title)
# and one section per review of the sample (the review ids of peerreview
# query), and it writes whole-page screenshots for people to look at:
#
#   BUILDDIR/tests/report/sample-1280.png   1,280 CSS px wide
#   BUILDDIR/tests/report/sample-375.png    375 CSS px wide, as a phone
#
# Then the checker must fail a hand-written page in the report's markup
# (good.html, which it must pass) spoiled in one way each: a console error,
# an uncaught exception, an image the Content-Security-Policy blocks,
# requests for a stylesheet and a script from the network, nothing to see,
# a line wider than a phone, a chart missing, a review section missing.
#
# Skipped (exit 77) without chromium or a Python 3. Chromium and Python run
# without the sanitizers' environment (only peerreview is instrumented) and
# never under valgrind (make check-valgrind runs the C tests only). Every
# Chromium run is killed after $BROWSER_TIMEOUT seconds (default 60), the
# whole test after 300. Chromium's logs, profiles and --dump-dom output are
# kept in BUILDDIR/tests/report/browser/ when something fails.
set -u
# the interoperability checks' helpers: where things are, skip, ok, not_ok,
# finish (and a temporary folder this test does not need)
# shellcheck source=tests/interop/common.sh
. "$(cd "$(dirname "$0")/../interop" && pwd)/common.sh"
: "${BROWSER_TIMEOUT:=60}"
scripts=$top_srcdir/tests/report

# Chromium: $CHROMIUM, else Debian's. Its /usr/bin/chromium is a shell
# script that adds the flags of /etc/chromium.d (remote extensions, ...) and
# runs /usr/lib/chromium/chromium: the checker runs that with its own flags.
if [ -n "${CHROMIUM:-}" ]; then
    chromium=$CHROMIUM
elif command -v chromium >/dev/null 2>&1; then
    chromium=$(command -v chromium)
    [ -x /usr/lib/chromium/chromium ] && chromium=/usr/lib/chromium/chromium
else
    skip "chromium is not installed: apt-get install chromium to run the real-browser test of peerreview report"
fi

# Python 3 (standard library only): configure's, else Debian's
py=
for p in ${PYTHON:-} /usr/bin/python3 python3; do
    [ "$p" = : ] && continue
    if "$p" -c 'import sys; sys.exit(sys.version_info < (3, 6))' >/dev/null 2>&1; then
        py=$p
        break
    fi
done
[ -n "$py" ] || skip "no Python 3 to drive Chromium with: apt-get install python3"

[ -x "$PEERREVIEW" ] || {
    echo "no $PEERREVIEW: run make first" >&2
    exit 99
}
[ -f "$SAMPLE/reviews.csv" ] || {
    echo "no sample package at $SAMPLE" >&2
    exit 99
}

out=$top_builddir/tests/report
work=$out/browser
rm -rf "$work"
mkdir -p "$work" || exit 99

# browser-check ARGS...: the checker, out of the sanitizers' environment,
# its output on standard output; killed after 300 s whatever Chromium does
browser_check() {
    env -u LD_PRELOAD -u ASAN_OPTIONS -u UBSAN_OPTIONS -u LSAN_OPTIONS \
        PYTHONDONTWRITEBYTECODE=1 timeout -k 5 300 \
        "$py" "$scripts/browser-check.py" --timeout "$BROWSER_TIMEOUT" "$chromium" "$@"
}

echo "# $("$chromium" --version 2>/dev/null | head -n 1 | sed "s/ *$//"), $("$py" --version 2>&1)"

# ---- the report of the sample ----
page=$out/sample.html
rm -f "$page" "$out/sample-1280.png" "$out/sample-375.png"
if "$PEERREVIEW" report "$SAMPLE" -o "$page" >"$work/report.log" 2>&1 && [ -s "$page" ]; then
    ok "peerreview report $SAMPLE -o $page"
else
    not_ok "peerreview report $SAMPLE -o $page" "$work/report.log"
fi
if "$PEERREVIEW" query "$SAMPLE" --format json >"$work/reviews.json" 2>"$work/query.log"; then
    n=$(grep -c '"review_id"' "$work/reviews.json")
    echo "# the sample has $n reviews (peerreview query --format json)"
else
    not_ok "peerreview query $SAMPLE --format json" "$work/query.log"
fi
if [ -s "$page" ] && [ -s "$work/reviews.json" ]; then
    browser_check "$work/sample" "$page" --reviews "$work/reviews.json" \
        --screenshots "$out/sample" >"$work/sample.out" 2>&1
    st=$?
    cat "$work/sample.out"
    passed=$((passed + $(grep -c '^ok - ' "$work/sample.out")))
    failed=$((failed + $(grep -c '^not ok - ' "$work/sample.out")))
    [ $st -eq 0 ] || [ $st -eq 1 ] || not_ok "browser-check.py ran to its end (status $st)"
    for w in 1280 375; do
        [ -s "$out/sample-$w.png" ] && echo "# screenshot: $out/sample-$w.png"
    done
fi

# ---- the checker fails what it must ----
# spoil NAME SED-SCRIPT: good.html spoiled by the sed script, as NAME.html
spoil() {
    sed "$2" "$scripts/good.html" >"$work/$1.html" || exit 99
    if cmp -s "$scripts/good.html" "$work/$1.html"; then
        echo "the sed script for $1 did not change good.html" >&2
        exit 99
    fi
}
# caught NAME WHAT CHECK ARGS...: the checker fails the page NAME.html on the
# check whose line starts with CHECK (and so exits 1)
caught() {
    c_name=$1 c_what=$2 c_check=$3
    shift 3
    browser_check "$work/$c_name" "$work/$c_name.html" --reviews "$scripts/good.json" "$@" \
        >"$work/$c_name.out" 2>&1
    c_st=$?
    if [ $c_st -eq 1 ] && grep -q "^not ok - $c_check" "$work/$c_name.out"; then
        ok "the checker catches $c_what"
        # the check that failed, and why
        awk -v c="not ok - $c_check" 'index($0, c) == 1 { on = 1; print "#   " $0; next }
            on && /^#   / { if (n++ < 3) print "#     " substr($0, 5); next } { on = 0 }' \
            "$work/$c_name.out"
    else
        not_ok "the checker catches $c_what (status $c_st, no \"not ok - $c_check\")" \
            "$work/$c_name.out"
    fi
}

cp "$scripts/good.html" "$work/good.html" || exit 99
browser_check "$work/good" "$work/good.html" --reviews "$scripts/good.json" \
    --screenshots "$work/good" >"$work/good.out" 2>&1
st=$?
if [ $st -eq 0 ] && ! grep -q '^not ok' "$work/good.out"; then
    ok "the checker passes good.html, a page by hand in the report's markup ($(grep -c '^ok - ' "$work/good.out") checks)"
else
    not_ok "the checker passes good.html (status $st)" "$work/good.out"
fi

spoil console-error 's|</body>|<script>console.error("a deliberate console error")</script></body>|'
caught console-error "a console.error call" "no console errors" --only cdp
spoil exception 's|</body>|<script>document.no_such_function();</script></body>|'
caught exception "an uncaught exception" "no console errors" --only cdp
spoil csp-image 's|</body>|<img src="https://example.com/logo.png" alt="a logo"></body>|'
caught csp-image "an image the Content-Security-Policy blocks (a console error)" \
    "no console errors" --only cdp
# before the Content-Security-Policy, which does not stop them
spoil external 's|<head>|<head><link rel="stylesheet" href="https://example.com/style.css"><script src="http://example.org/script.js"></script>|'
caught external "a stylesheet and a script from the network" "no network requests" --only cdp
spoil blank 's|</head>|<style>body { visibility: hidden; }</style></head>|'
caught blank "a blank page (in its screenshot)" "screenshot 1280 px wide" --only cdp \
    --screenshots "$work/blank"
spoil too-wide 's|</body>|<p style="white-space: nowrap;">A line that does not wrap, too long for a phone held upright.</p></body>|'
caught too-wide "a line wider than a phone" "at 375 px nothing is wider" --only cdp \
    --screenshots "$work/too-wide"
spoil missing-chart '/<figure class="chart" id="chart-item-kinds">/,/<\/figure>/d'
caught missing-chart "a chart missing" "chart item-kinds" --only dom
spoil missing-review '/<section class="review" id="review-e07000237-cpcpr-2023-10">/,/<\/section>/d'
caught missing-review "a review section missing" "the table of reviews" --only dom

if finish; then
    rm -rf "$work"/*/profile-* "$work"/*/home
    exit 0
fi
echo "# Chromium's logs and --dump-dom output: $work"
exit 1
