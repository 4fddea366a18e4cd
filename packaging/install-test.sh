#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the .deb on this machine, checks the installed files and programs, then removes the
# package again. It changes the machine and needs root (or sudo), so it is not a CTest test:
# scripts/test.sh runs it when HEAPSCOPE_INSTALL_TEST=1.
#
# Usage: packaging/install-test.sh [BUILD_DIR]   (default: build; builds the .deb if needed)
set -euo pipefail

root_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$(cd "${1:-$root_dir/build}" && pwd)
app_id=io.github.heapscope.Heapscope

sudo=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install-test: needs root or sudo" >&2; exit 1; }
    sudo=(sudo)
fi

if dpkg-query -W -f='${Status}' heapscope 2>/dev/null | grep -q 'install ok installed'; then
    echo "install-test: a heapscope package is already installed; remove it first (apt-get remove heapscope)." >&2
    exit 1
fi

# A fresh package from the current build.
out=$build_dir/packaging/install-test
rm -rf "$out"
echo "== cpack -G DEB"
cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$out" >"$build_dir/packaging/install-test.log" 2>&1 \
    || { cat "$build_dir/packaging/install-test.log" >&2; exit 1; }
deb=$(find "$out" -maxdepth 1 -name 'heapscope_*.deb' -print -quit)
[[ -n $deb ]] || { echo "install-test: cpack made no .deb" >&2; exit 1; }

remove() {
    echo "== removing the package"
    "${sudo[@]}" dpkg --purge heapscope >/dev/null || true
}
trap remove EXIT

echo "== installing $(basename "$deb")"
# apt-get resolves the Depends; a plain `dpkg -i` works too when they are already installed.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$deb"

failures=0
check() {
    local what=$1
    shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; failures=$((failures + 1)); fi
}

example=/usr/share/heapscope/examples/leak-A.heapsnapshot.gz
check "heapscope-cli is on PATH at /usr/bin" test "$(command -v heapscope-cli)" = /usr/bin/heapscope-cli
json=$(/usr/bin/heapscope-cli info "$example" --json) || { echo "FAIL: heapscope-cli info $example" >&2; failures=$((failures + 1)); }
check "installed heapscope-cli info reads the installed example (116533 nodes)" \
    grep -qE '"node_count" *: *116533([^0-9]|$)' <<<"$json"
quiet() { "$@" >/dev/null 2>&1; }
check "installed heapscope-cli info reads tests/data/tiny-node20.heapsnapshot.gz" \
    quiet /usr/bin/heapscope-cli info "$root_dir/tests/data/tiny-node20.heapsnapshot.gz"
/usr/bin/heapscope-cli --no-such-option >/dev/null 2>&1 && status=0 || status=$?
check "bad usage exits with status 2 (got $status)" test "$status" -eq 2

if dpkg -L heapscope | grep -qx /usr/bin/heapscope; then
    check "heapscope finds all its shared libraries" bash -c '! ldd /usr/bin/heapscope | grep -q "not found"'
    version=$(dpkg-query -W -f='${Version}' heapscope)
    check "heapscope --version prints $version" \
        bash -c "QT_QPA_PLATFORM=offscreen /usr/bin/heapscope --version | grep -qF '$version'"
    # `heapscope BASE FILE` from a terminal: still running after a few seconds means it started,
    # loaded both and did not crash (timeout's status 124).
    QT_QPA_PLATFORM=offscreen timeout 10 /usr/bin/heapscope \
        /usr/share/heapscope/examples/leak-A.heapsnapshot.gz /usr/share/heapscope/examples/leak-B.heapsnapshot.gz \
        >/dev/null 2>&1 && status=0 || status=$?
    check "heapscope BASE FILE runs (offscreen, 10 s; status $status, 124 = still running)" test "$status" -eq 124
    check "desktop entry installed and valid" desktop-file-validate "/usr/share/applications/$app_id.desktop"
    check "metainfo installed and valid" appstreamcli validate --no-net "/usr/share/metainfo/$app_id.metainfo.xml"
    # shared-mime-info's dpkg trigger compiles our XML into the system database.
    check "the MIME database knows *.heapsnapshot" grep -q ':application/x-heapsnapshot:\*\.heapsnapshot' /usr/share/mime/globs2
    check "the desktop database offers Heapscope for application/x-heapsnapshot" \
        grep -q "^application/x-heapsnapshot=.*$app_id.desktop" /usr/share/applications/mimeinfo.cache
    check "the MIME database knows *.heapsnapshot.gz" grep -q ':application/x-compressed-heapsnapshot:\*\.heapsnapshot\.gz' /usr/share/mime/globs2
    check "hicolor icons installed" test -f "/usr/share/icons/hicolor/48x48/apps/$app_id.png" \
        -a -f "/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
fi

if [[ $failures -ne 0 ]]; then
    echo "install-test: $failures check(s) failed" >&2
    exit 1
fi
echo "install-test: the package installs and works"
