#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks the formatting of the C++ files, builds everything with the tests (Release, warnings as
# errors, in build/) and runs every test but the `slow` ones: unit, golden, cli, ui (offscreen),
# capture and packaging. Installs missing Debian 12 packages first. Exits non-zero when anything
# fails; unformatted files are listed first and fail the run at the end, after the tests. Safe to
# run again.
#
# Environment:
#   HEAPSCOPE_JOBS=N          parallel compile jobs (default: the number of cores)
#   HEAPSCOPE_TEST_JOBS=N     parallel tests (default 1)
#   HEAPSCOPE_INSTALL_TEST=1  also install the .deb, try it and remove it (packaging/install-test.sh;
#                             needs root or sudo, and changes the machine while it runs)
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"

heapscope_install_deps

# The project's own C++ files as .clang-format wants them (clang-format 14). Reported now, failed
# at the end: one badly formatted file must not hide the test results.
command -v clang-format >/dev/null || { echo "test.sh: clang-format is missing" >&2; exit 1; }
mapfile -t unformatted < <(heapscope_unformatted_files)
if [[ ${#unformatted[@]} -gt 0 ]]; then
    echo "format: ${#unformatted[@]} file(s) differ from clang-format (fix with clang-format -i FILE...):"
    printf '  %s\n' "${unformatted[@]}"
else
    echo "format: all C++ files formatted"
fi

heapscope_configure ci
heapscope_build all

export QT_QPA_PLATFORM=offscreen
# the indexes the tests' opens keep go to the build tree, not the user's cache
export XDG_CACHE_HOME="$HEAPSCOPE_BUILD_DIR/test-cache"
ctest --test-dir "$HEAPSCOPE_BUILD_DIR" --output-on-failure -LE slow --no-tests=error \
    --parallel "${HEAPSCOPE_TEST_JOBS:-1}"

if [[ ${HEAPSCOPE_INSTALL_TEST:-0} == 1 ]]; then
    "$HEAPSCOPE_ROOT/packaging/install-test.sh" "$HEAPSCOPE_BUILD_DIR"
fi
if [[ ${#unformatted[@]} -gt 0 ]]; then
    echo "test.sh: all tests passed, but ${#unformatted[@]} file(s) are not formatted:" >&2
    printf '  %s\n' "${unformatted[@]}" >&2
    exit 1
fi
echo "test.sh: all tests passed"
