#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The `packaging` test: builds the .deb with CPack in the build tree and checks what it holds,
# without installing it (packaging/install-test.sh does that, as root).
#
# Usage: packaging/check-package.sh BUILD_DIR WORK_DIR WITH_GUI(0|1)
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: $0 BUILD_DIR WORK_DIR WITH_GUI(0|1)" >&2
    exit 2
fi
build_dir=$(cd "$1" && pwd)
work_dir=$2
with_gui=$3
app_id=io.github.heapscope.Heapscope

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
pass() { echo "ok: $*"; }

for tool in cpack dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli update-mime-database readelf; do
    if ! command -v "$tool" >/dev/null; then
        echo "FAIL: '$tool' is missing (scripts/test.sh installs it)" >&2
        exit 1
    fi
done

rm -rf "$work_dir"
mkdir -p "$work_dir"

# --- Build the package -----------------------------------------------------------------------
echo "== cpack -G DEB"
if ! cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work_dir/cpack" >"$work_dir/cpack.log" 2>&1; then
    cat "$work_dir/cpack.log" >&2
    echo "FAIL: cpack -G DEB failed" >&2
    exit 1
fi
shopt -s nullglob
debs=("$work_dir"/cpack/heapscope_*.deb)
shopt -u nullglob
if [[ ${#debs[@]} -ne 1 ]]; then
    cat "$work_dir/cpack.log" >&2
    echo "FAIL: expected one heapscope_*.deb in $work_dir/cpack, found ${#debs[@]}" >&2
    exit 1
fi
deb=${debs[0]}
pass "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# --- Contents ---------------------------------------------------------------------------------
echo "== dpkg-deb -c"
# The path is the last field, or the one before "->" for a symbolic link.
dpkg-deb -c "$deb" | awk '{ for (i = 1; i <= NF; i++) if ($i == "->") { print $(i - 1); next } print $NF }' | sed -e 's|^\./|/|' -e 's|/$||' >"$work_dir/contents.txt"
expected=(
    /usr/bin/heapscope-cli
    /usr/share/heapscope/examples/leak-A.heapsnapshot.gz
    /usr/share/heapscope/examples/leak-B.heapsnapshot.gz
    /usr/share/doc/heapscope/copyright
)
if [[ $with_gui == 1 ]]; then
    expected+=(
        /usr/bin/heapscope
        "/usr/share/applications/$app_id.desktop"
        "/usr/share/mime/packages/$app_id.xml"
        "/usr/share/metainfo/$app_id.metainfo.xml"
        "/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
    )
    for size in 16 32 48 64 128 256; do
        expected+=("/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png")
    done
fi
for path in "${expected[@]}"; do
    if grep -qxF "$path" "$work_dir/contents.txt"; then
        pass "contains $path"
    else
        fail "the package lacks $path"
    fi
done
if grep -E '^/usr/(include|lib/.*\.a$)' "$work_dir/contents.txt"; then
    fail "the package ships development files"
fi

root="$work_dir/root"
dpkg-deb -x "$deb" "$root"

# --- Control fields: runtime dependencies from dpkg-shlibdeps ---------------------------------
echo "== dpkg-deb -f"
dpkg-deb -f "$deb" Package Version Architecture Depends Recommends
depends=$(dpkg-deb -f "$deb" Depends)
# The package names in Depends, one per line (versions and alternatives split off).
depends_names=$(tr ',|' '\n' <<<"$depends" | sed -e 's/(.*)//' -e 's/:any//' -e 's/^ *//' -e 's/ *$//')
require_dep() {
    if grep -qxF "$1" <<<"$depends_names"; then
        pass "Depends on $1"
    else
        fail "Depends lacks $1: $depends"
    fi
}
require_dep libc6
require_dep libstdc++6
# Every shared library the binaries load must come from a package listed in Depends.
: >"$work_dir/needed-packages.txt"
for bin in "$root"/usr/bin/*; do
    ldd "$bin" >"$work_dir/ldd.txt" || true
    while read -r soname; do
        # Where the loader finds it for this binary's architecture, then which package owns that
        # path (dpkg may know it under /usr/lib or /lib: Debian 12 is merged-/usr).
        # (the dynamic loader is listed by its path: "/lib64/ld-linux-x86-64.so.2 (0x...)")
        lib=$(awk -v s="$soname" '($1 == s && $2 == "=>") {print $3; exit}
            (substr($1, length($1) - length(s)) == "/" s) {print $1; exit}' "$work_dir/ldd.txt")
        pkg=
        if [[ -n $lib && $lib != not ]]; then
            for candidate in "$lib" "${lib#/usr}" "/usr$lib"; do
                pkg=$(dpkg -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1) && [[ -n $pkg ]] && break
            done
        fi
        if [[ -z $pkg ]]; then
            fail "$(basename "$bin") needs $soname, which no installed package provides"
        else
            echo "$pkg" >>"$work_dir/needed-packages.txt"
        fi
    done < <(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
done
while read -r pkg; do
    require_dep "$pkg"
done < <(sort -u "$work_dir/needed-packages.txt")
if [[ $with_gui == 1 ]]; then
    require_dep libqt6widgets6  # which pulls in libqt6gui6, home of the xcb and offscreen plugins
fi

# --- Desktop entry, MIME types, AppStream metainfo --------------------------------------------
if [[ $with_gui == 1 ]]; then
    echo "== desktop-file-validate"
    desktop=$root/usr/share/applications/$app_id.desktop
    mime_xml=$root/usr/share/mime/packages/$app_id.xml
    if desktop-file-validate "$desktop"; then pass "desktop-file-validate"; else fail "desktop-file-validate"; fi

    echo "== appstreamcli validate --no-net"
    metainfo=$root/usr/share/metainfo/$app_id.metainfo.xml
    if appstreamcli validate --no-net "$metainfo"; then pass "appstreamcli validate"; else fail "appstreamcli validate"; fi
    # The whole tree: the metainfo together with the desktop entry and icons it refers to.
    if appstreamcli validate-tree --no-net "$root"; then pass "appstreamcli validate-tree"; else fail "appstreamcli validate-tree"; fi
    if grep -qF "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" \
        && grep -qF "<id>$app_id</id>" "$metainfo"; then
        pass "metainfo id and launchable match the desktop id"
    else
        fail "metainfo id/launchable do not match $app_id"
    fi

    echo "== MIME types"
    # Compile the XML on its own, as update-mime-database does on the user's machine.
    mkdir -p "$work_dir/mime/packages"
    cp "$mime_xml" "$work_dir/mime/packages/"
    if XDG_DATA_HOME=$work_dir update-mime-database "$work_dir/mime" 2>"$work_dir/mime.log" \
        && [[ ! -s $work_dir/mime.log ]]; then
        pass "update-mime-database accepts the XML"
    else
        cat "$work_dir/mime.log" >&2
        fail "update-mime-database complains about $mime_xml"
    fi
    for glob in '*.heapsnapshot' '*.heaptimeline' '*.heapsnapshot.gz' '*.heaptimeline.gz' '*.heapprofile' \
        '*.heapprofile.gz'; do
        if grep -qF ":$glob" "$work_dir/mime/globs2"; then pass "glob $glob"; else fail "no MIME type for $glob"; fi
    done
    # Every type the desktop entry claims must be defined by the XML we install.
    claimed=$(sed -n 's/^MimeType=//p' "$desktop" | tr ';' '\n' | sed '/^$/d')
    [[ -n $claimed ]] || fail "the desktop entry claims no MimeType"
    while read -r type; do
        [[ -n $type ]] || continue
        if grep -qF "<mime-type type=\"$type\">" "$mime_xml"; then
            pass "MimeType $type is defined"
        else
            fail "the desktop entry claims $type, which $app_id.xml does not define"
        fi
    done <<<"$claimed"
    icon=$(sed -n 's/^Icon=//p' "$desktop")
    if [[ $icon == "$app_id" ]]; then pass "Icon=$icon"; else fail "Icon=$icon is not $app_id"; fi
fi

# --- The packaged CLI runs on its own, outside the build tree ---------------------------------
echo "== packaged heapscope-cli"
cli=$root/usr/bin/heapscope-cli
example=$root/usr/share/heapscope/examples/leak-A.heapsnapshot.gz
if out=$("$cli" info "$example" --json 2>"$work_dir/cli.err"); then
    if grep -qE '"node_count" *: *116533([^0-9]|$)' <<<"$out"; then
        pass "heapscope-cli info reads the packaged example (116533 nodes)"
    else
        echo "$out" | head -c 2000 >&2
        fail "heapscope-cli info --json does not report node_count 116533"
    fi
else
    cat "$work_dir/cli.err" >&2
    fail "the packaged heapscope-cli info failed on $example"
fi
if [[ $with_gui == 1 ]] && ldd "$root/usr/bin/heapscope" | grep -q 'not found'; then
    ldd "$root/usr/bin/heapscope" | grep 'not found' >&2
    fail "the packaged heapscope misses shared libraries"
fi

if [[ $failures -ne 0 ]]; then
    echo "$failures packaging check(s) failed" >&2
    exit 1
fi
echo "all packaging checks passed: $deb"
