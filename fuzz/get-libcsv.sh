#!/bin/sh
# Fetch Debian's libcsv source package into DIR (default fuzz/build/libcsv) so
# that the fuzz binaries compile libcsv.c with the same instrumentation as the
# library. The source is fetched at build time and never committed.
#
#   fuzz/get-libcsv.sh [DIR]
#
# Unless apt already knows the source package, it adds a deb-src entry for
# bookworm main (file /etc/apt/sources.list.d/peerreview-fuzz-src.sources, the
# mirror copied from the system's own Debian entry) and updates that one list,
# which needs root. Then it runs 'apt-get source libcsv' (the version of the
# installed libcsv-dev when there is one), which needs dpkg-dev. When DIR
# already holds libcsv.c and csv.h it does nothing.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/build/libcsv}
list=/etc/apt/sources.list.d/peerreview-fuzz-src.sources

die() {
    echo "get-libcsv.sh: $*" >&2
    echo "get-libcsv.sh: the fuzz build compiles libcsv from Debian's source package so that" >&2
    echo "get-libcsv.sh: it is instrumented too; fix the above, or put libcsv.c and csv.h" >&2
    echo "get-libcsv.sh: (libcsv 3.0.3) into $dir by hand" >&2
    exit 1
}

if [ -f "$dir/libcsv.c" ] && [ -f "$dir/csv.h" ]; then
    exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "cannot fetch the libcsv source: no apt-get (this needs Debian 12)"
command -v dpkg-source >/dev/null 2>&1 || die "cannot unpack the libcsv source: dpkg-source is missing (apt-get install dpkg-dev)"

add_deb_src() {
    [ "$(id -u)" -eq 0 ] || die "cannot fetch the libcsv source: apt has no deb-src entry for it, and adding one (and apt-get update) needs root"

    # The mirror and key of the system's own bookworm entry (deb822 .sources or
    # one-line sources.list), so that the source comes from where the binaries do.
    mirror=
    keyring=
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && [ "$f" != "$list" ] || continue
        # shellcheck disable=SC2046
        set -- $(awk 'BEGIN { RS = "" }
            /(^|\n)Types:[^\n]*deb/ && /(^|\n)Suites:[^\n]*bookworm([ \n]|$)/ &&
            /(^|\n)Components:[^\n]*main/ && !/(^|\n)Enabled: *no/ {
                uri = ""; key = ""
                n = split($0, line, "\n")
                for (i = 1; i <= n; i++) {
                    if (line[i] ~ /^URIs:/) { split(line[i], w, " "); uri = w[2] }
                    if (line[i] ~ /^Signed-By:/) { split(line[i], w, " "); key = w[2] }
                }
                if (uri != "" && uri !~ /security/) { print uri, key; exit }
            }' "$f")
        if [ $# -ge 1 ]; then
            mirror=$1
            keyring=${2:-}
            break
        fi
    done
    if [ -z "$mirror" ]; then
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            mirror=$(awk '$1 == "deb" {
                    for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) break
                    if ($(i + 1) == "bookworm" && $i !~ /security/) { print $i; exit }
                }' "$f")
            [ -z "$mirror" ] || break
        done
    fi
    mirror=${mirror:-http://deb.debian.org/debian}
    if [ -z "$keyring" ] && [ -f /usr/share/keyrings/debian-archive-keyring.gpg ]; then
        keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    fi

    echo "get-libcsv.sh: deb-src $mirror bookworm main -> $list"
    {
        echo "# Added by libpeerreview's fuzz/get-libcsv.sh: source packages for the fuzz build."
        echo "Types: deb-src"
        echo "URIs: $mirror"
        echo "Suites: bookworm"
        echo "Components: main"
        [ -z "$keyring" ] || echo "Signed-By: $keyring"
    } >"$list.new" || die "cannot write $list"
    mv "$list.new" "$list"

    # Update only this list: quicker, and the system's other lists stay as they are.
    apt-get update -o Dir::Etc::sourcelist="$list" -o Dir::Etc::sourceparts=- \
        -o APT::Get::List-Cleanup=0 ||
        die "apt-get update of the deb-src list failed (is $mirror reachable?)"
}

if apt-get source --print-uris libcsv >/dev/null 2>&1; then
    echo "get-libcsv.sh: apt knows the libcsv source package already"
else
    add_deb_src
fi

work=$dir.tmp
rm -rf "$work"
mkdir -p "$work"
version=$(dpkg-query -W -f '${Version}' libcsv-dev 2>/dev/null || true)
(
    cd "$work"
    if [ -n "$version" ] && apt-get -o APT::Sandbox::User=root source "libcsv=$version"; then
        :
    else
        [ -z "$version" ] || echo "get-libcsv.sh: libcsv $version not found; taking the newest source" >&2
        apt-get -o APT::Sandbox::User=root source libcsv
    fi
) || { rm -rf "$work"; die "apt-get source libcsv failed"; }

src=$(find "$work" -mindepth 2 -maxdepth 2 -name libcsv.c | head -n 1)
[ -n "$src" ] && [ -f "$(dirname "$src")/csv.h" ] || {
    rm -rf "$work"
    die "the libcsv source package has no libcsv.c and csv.h"
}
rm -rf "$dir"
mkdir -p "$dir"
cp "$src" "$(dirname "$src")/csv.h" "$dir/"
(cd "$work" && ls ./*.dsc) | sed 's|^\./||' >"$dir/SOURCE"
rm -rf "$work"
echo "get-libcsv.sh: libcsv.c and csv.h of $(cat "$dir/SOURCE") in $dir"
