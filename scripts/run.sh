#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds Heapscope (Release, in build/) and opens it. Installs missing Debian 12 packages first.
# Safe to run again: it only installs and rebuilds what changed.
#
# Usage: scripts/run.sh [FILE...]
#   no file         the start page offers the bundled example pair
#   FILE            opens a snapshot (.heapsnapshot, .heaptimeline, or their .gz)
#   BASE FILE       opens the comparison of FILE against BASE
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"

heapscope_install_deps
heapscope_configure release
heapscope_build heapscope heapscope-cli

if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} && -z ${QT_QPA_PLATFORM:-} ]]; then
    echo "run.sh: no DISPLAY or WAYLAND_DISPLAY: Heapscope needs a desktop session" \
        "(or try: xvfb-run scripts/run.sh, QT_QPA_PLATFORM=offscreen)." >&2
fi
# File arguments stay relative to the caller's folder: this script never changes it.
exec "$HEAPSCOPE_BUILD_DIR/app/gui/heapscope" "$@"
