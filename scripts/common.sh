# SPDX-License-Identifier: MIT
# Shared by run.sh and test.sh (sourced): installing the Debian 12 packages and configuring build/.
# shellcheck shell=bash

HEAPSCOPE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# build/ unless told otherwise (HEAPSCOPE_BUILD_DIR=/abs/path).
HEAPSCOPE_BUILD_DIR=${HEAPSCOPE_BUILD_DIR:-$HEAPSCOPE_ROOT/build}
# Parallel compile jobs; CI's machine has 2 cores.
HEAPSCOPE_JOBS=${HEAPSCOPE_JOBS:-$(nproc)}

HEAPSCOPE_DEB_PACKAGES=(
    # compiler, build system
    build-essential cmake ninja-build pkg-config
    # Qt 6: Core/Gui/Widgets/Concurrent/Test (qt6-base-dev), moc/rcc/uic, Charts, WebSockets
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-websockets-dev
    # Qt6Gui's CMake package looks for the OpenGL headers; Qt6Charts' needs Qt6OpenGL, whose
    # headers and library are not in qt6-base-dev (without it Charts is silently not found)
    libgl-dev libqt6opengl6-dev
    # run time of the GUI and the UI tests: libqt6gui6 ships the xcb and offscreen platform
    # plugins (qt6-qpa-plugins only adds vnc and tuio); a font for text rendering offscreen
    libqt6gui6 fonts-dejavu-core
    # core: JSON parser, gzip
    libsimdjson-dev zlib1g-dev
    # tests, and the format check (clang-format 14, as .clang-format expects)
    libgtest-dev googletest xvfb xauth clang-format
    # the HTML report's test opens it in a real browser
    chromium
    # icons, desktop integration and the .deb (packaging test)
    imagemagick desktop-file-utils appstream shared-mime-info dpkg-dev file
)

# Installs what is missing with apt-get (through sudo when not root); `apt-get update` runs only
# when something is missing, so a second run costs a second.
heapscope_install_deps() {
    local missing=() pkg
    for pkg in "${HEAPSCOPE_DEB_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "deps: all ${#HEAPSCOPE_DEB_PACKAGES[@]} packages present"
        return 0
    fi
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        if ! command -v sudo >/dev/null; then
            echo "deps: missing packages: ${missing[*]}; run as root or install sudo" >&2
            return 1
        fi
        sudo=(sudo)
    fi
    echo "deps: installing ${missing[*]}"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# Configures build/ with a preset from CMakePresets.json (binaryDir overridden to build/).
heapscope_configure() {
    local preset=$1 cache=$HEAPSCOPE_BUILD_DIR/CMakeCache.txt
    # A build/ made by another generator or from another checkout cannot be reused: start it over.
    if [[ -f $cache ]] && { ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$cache" \
        || ! grep -qxF "CMAKE_HOME_DIRECTORY:INTERNAL=$HEAPSCOPE_ROOT" "$cache"; }; then
        echo "build/ was configured differently (generator or source folder); configuring it afresh"
        rm -rf "$cache" "$HEAPSCOPE_BUILD_DIR/CMakeFiles"
    fi
    (cd "$HEAPSCOPE_ROOT" && cmake --preset "$preset" -B "$HEAPSCOPE_BUILD_DIR")
}

# The project's own C++ files (not build/ or third-party code) that clang-format would change, one
# per line, relative to the repository.
heapscope_unformatted_files() {
    if ! command -v clang-format >/dev/null; then
        echo "format: clang-format is not installed" >&2
        return 1
    fi
    # shellcheck disable=SC2016 # the inner shell expands $f
    (cd "$HEAPSCOPE_ROOT" && find core app ui capture tests bench fuzz -type f \( -name '*.cpp' -o -name '*.h' \) -print0 \
        | xargs -0 -n 16 -P "$HEAPSCOPE_JOBS" sh -c \
            'for f; do clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done' sh \
        | LC_ALL=C sort)
}

# Builds the given targets (`all` for everything) in build/.
heapscope_build() {
    cmake --build "$HEAPSCOPE_BUILD_DIR" --parallel "$HEAPSCOPE_JOBS" --target "$@"
}
