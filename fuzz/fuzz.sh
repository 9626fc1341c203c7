#!/bin/sh
# Build the libFuzzer targets and run each for FUZZ_TIME seconds (make fuzz).
#
# Environment (make fuzz passes them on):
#   top_srcdir     the source tree (default: this script's parent folder)
#   top_builddir   the configured build tree holding config.h (default: .)
#   FUZZ_TIME      seconds per target (default 60)
#   FUZZ_TARGETS   targets to run (default: all of them)
#   FUZZ_MAX_LEN   the longest input libFuzzer makes (default 8192 bytes:
#                  a few reviews; longer inputs run slower and seldom reach
#                  more code)
#   FUZZ_CC        the compiler (default clang)
#   FUZZ_FLAGS     more libFuzzer flags, e.g. "-use_value_profile=1"
#
# Everything it makes goes to $top_builddir/fuzz/build: the instrumented
# objects, the binaries fuzz-TARGET, Debian's libcsv source (fetched by
# get-libcsv.sh), the corpus each target grows (corpus/TARGET, next to the
# seeds in fuzz/corpus/TARGET it starts from) and what a failing run leaves
# behind (artifacts/TARGET/crash-..., leak-..., timeout-...; with its log,
# TARGET.log). It fails on any crash, leak, timeout or UBSan report.
set -u

all_targets="package flat reader roundtrip values descriptor stream csvdiff"
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "${top_srcdir:-$here/..}" && pwd)
builddir=$(cd "${top_builddir:-.}" && pwd)
time=${FUZZ_TIME:-60}
max_len=${FUZZ_MAX_LEN:-8192}
targets=${FUZZ_TARGETS:-$all_targets}
cc=${FUZZ_CC:-clang}
build=$builddir/fuzz/build

say() {
    echo "fuzz: $*"
}
die() {
    echo "fuzz: $*" >&2
    exit 1
}
need_tools() {
    echo "fuzz: $*" >&2
    echo "fuzz: make fuzz needs clang with libFuzzer and the sanitizer runtimes; on Debian 12:" >&2
    echo "fuzz:     apt-get install clang libclang-rt-14-dev libfuzzer-14-dev" >&2
    exit 1
}

case $time in
'' | *[!0-9]*) die "FUZZ_TIME must be a number of seconds, not '$time'" ;;
esac
case $max_len in
'' | *[!0-9]*) die "FUZZ_MAX_LEN must be a number of bytes, not '$max_len'" ;;
esac
for t in $targets; do
    case " $all_targets " in
    *" $t "*) ;;
    *) die "no fuzz target '$t' (the targets are: $all_targets)" ;;
    esac
done
[ -f "$builddir/config.h" ] || die "no config.h in $builddir: run ./configure first"

mkdir -p "$build/obj" || die "cannot create $build"

# ---- tools ----
command -v "$cc" >/dev/null 2>&1 || need_tools "no $cc found"
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
    >"$build/probe-$$.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$build/probe-$$.c" -o "$build/probe-$$" \
    >"$build/probe-$$.log" 2>&1; then
    cat "$build/probe-$$.log" >&2
    need_tools "$cc cannot build a libFuzzer target with ASan and UBSan (see above)"
fi
rm -f "$build/probe-$$" "$build/probe-$$.c" "$build/probe-$$.log"

# ---- libcsv from Debian's source package ----
"$srcdir/fuzz/get-libcsv.sh" "$build/libcsv" || exit 1

# ---- build ----
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="-std=c11 -g -O1 $san -fsanitize=fuzzer-no-link"
# the harness steers around the open findings in fuzz/regressions (see fuzz.h)
hflags="-DFZ_AVOID_OPEN_FINDINGS"
warn="-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla"
incs="-I$builddir -I$build/libcsv -I$srcdir/include -I$srcdir/src -I$srcdir/fuzz"

# An object is rebuilt when its source, a header or config.h is newer.
newest=$(ls -t "$srcdir"/src/*.h "$srcdir"/include/*.h "$srcdir"/fuzz/*.h \
    "$build/libcsv/csv.h" "$builddir/config.h" | head -n 1)
compile() { # source object flags...
    src=$1 obj=$2
    shift 2
    if [ -f "$obj" ] && [ -z "$(find "$src" "$newest" -newer "$obj")" ]; then
        return 0
    fi
    echo "  CC       ${src#"$srcdir"/}"
    # shellcheck disable=SC2086
    $cc $cflags "$@" $incs -c "$src" -o "$obj" || die "compiling $src failed"
}

say "building the targets with $cc ($san)"
# objects built with other flags (another compiler, an older fuzz.sh) are stale
stamp="$cc $cflags $hflags $warn $incs"
if [ "$(cat "$build/obj/flags" 2>/dev/null)" != "$stamp" ]; then
    rm -f "$build"/obj/*.o
    printf '%s\n' "$stamp" >"$build/obj/flags"
fi
objs=
for src in "$srcdir"/src/*.c; do
    obj=$build/obj/$(basename "$src" .c).o
    compile "$src" "$obj" $warn -DPEERREVIEW_BUILDING
    objs="$objs $obj"
done
# libcsv is not our code: its own warnings are not ours to fix
compile "$build/libcsv/libcsv.c" "$build/obj/libcsv.o" -w
compile "$srcdir/fuzz/fuzz-common.c" "$build/obj/fuzz-common.o" $warn $hflags
objs="$objs $build/obj/libcsv.o $build/obj/fuzz-common.o"
for t in $targets; do
    compile "$srcdir/fuzz/fuzz-$t.c" "$build/obj/fuzz-$t.o" $warn $hflags
    bin=$build/fuzz-$t
    # shellcheck disable=SC2086
    $cc $cflags -fsanitize=fuzzer "$build/obj/fuzz-$t.o" $objs -o "$bin" ||
        die "linking $bin failed"
done

# ---- run ----
# Each target's files go to a private folder on /dev/shm (tmpfs) when there is one.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    tmp=$(mktemp -d /dev/shm/peerreview-fuzz.XXXXXX)
else
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/peerreview-fuzz.XXXXXX")
fi
[ -n "$tmp" ] || die "cannot create a temporary folder"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
export PEERREVIEW_FUZZ_TMPDIR="$tmp"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

say "running each target for $time s"
failed=
for t in $targets; do
    corpus=$build/corpus/$t
    artifacts=$build/artifacts/$t
    log=$build/$t.log
    mkdir -p "$corpus" "$artifacts"
    # shellcheck disable=SC2086
    (cd "$artifacts" && "$build/fuzz-$t" -max_total_time="$time" -max_len="$max_len" -timeout=10 \
        -rss_limit_mb=2048 -malloc_limit_mb=1024 -dict="$srcdir/fuzz/peerreview.dict" \
        -artifact_prefix="$artifacts/" -print_final_stats=1 ${FUZZ_FLAGS:-} \
        "$corpus" "$srcdir/fuzz/corpus/$t") >"$log" 2>&1
    rc=$?
    # libFuzzer's last status line: "#RUNS DONE cov: N ft: N corp: N/SIZE ..."
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([^ ]+).*/cov \1, ft \2, corpus \3/')
    [ -n "$runs" ] || runs=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -E 's/^#([0-9]+).*/\1/')
    line="$t: ${runs:-0} executions, ${cov:-no coverage figures}"
    if [ "$rc" -eq 0 ]; then
        say "$line: ok"
    else
        found=$(ls -t "$artifacts" 2>/dev/null | head -n 1)
        say "$line: FAILED (exit $rc)"
        grep -E 'ERROR: |SUMMARY: |runtime error: |fuzz invariant broken' "$log" | head -n 5 |
            sed 's/^/fuzz:     /'
        if [ -n "$found" ]; then
            say "    input: $artifacts/$found"
            say "    replay it: fuzz/replay-$t $artifacts/$found (make check builds it)"
        fi
        say "    log: $log"
        failed="$failed $t"
    fi
    # a crashed target may leave its files behind
    rm -rf "${tmp:?}"/peerreview-fuzz-*
done

n=$(echo "$targets" | wc -w)
nf=$(echo "$failed" | wc -w)
if [ "$nf" -eq 0 ]; then
    say "summary: $n targets, $time s each, all passed (no crash, leak, timeout or UBSan report)"
else
    say "summary: $n targets, $time s each, $nf failed:$failed"
    say "save each input in fuzz/regressions/TARGET/ so that make check replays it"
    exit 1
fi
