#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds everything with the tests (Release, in build/) and runs every test but the `slow` ones:
# core, ui (offscreen) and packaging. Installs missing Debian 12 packages first. Exits non-zero
# when anything fails. Safe to run again.
#
# Environment:
#   HEAPSCOPE_JOBS=N          parallel compile jobs (default: the number of cores)
#   HEAPSCOPE_TEST_JOBS=N     parallel tests (default 1: some tests measure time)
#   HEAPSCOPE_INSTALL_TEST=1  also install the .deb, try it and remove it (packaging/install-test.sh;
#                             needs root or sudo, and changes the machine while it runs)
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"

heapscope_install_deps
heapscope_configure ci
heapscope_build all

export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$HEAPSCOPE_BUILD_DIR" --output-on-failure -LE slow --no-tests=error \
    --parallel "${HEAPSCOPE_TEST_JOBS:-1}"

if [[ ${HEAPSCOPE_INSTALL_TEST:-0} == 1 ]]; then
    "$HEAPSCOPE_ROOT/packaging/install-test.sh" "$HEAPSCOPE_BUILD_DIR"
fi
echo "test.sh: all tests passed"
