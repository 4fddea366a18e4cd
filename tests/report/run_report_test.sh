#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `heapscope-cli report` in a real browser: the report of the three leak2 snapshots (a series) and
# of a snapshot whose class names are HTML and script, opened in headless Chromium. Its inline
# script must run without an error (it sorts every table and back, and marks <html> with
# data-report-ok), its numbers must be those of `summary --json`, `stats --json`, `diff --json` and
# `leaks --json` (check_report.cmake reads them from the dumped DOM), the hostile names must stay
# text, and it must print to PDF. Screenshots stay in OUT (report.png, report-phone.png).
# Usage: run_report_test.sh CLI DATA_DIR OUT_DIR
# Exit status 77 (skipped) when Chromium is not installed.
set -euo pipefail
CLI=$1
DATA=$2
OUT=$3
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
    echo "SKIP: chromium is not installed (apt-get install chromium)"
    exit 77
fi

HERE=$(cd "$(dirname "$0")" && pwd)

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

rm -rf "$OUT"
mkdir -p "$OUT"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

run_browser() {
    timeout 180 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" "$@" \
        2>>"$OUT/chromium.log"
}

files=("$DATA/leak2-A-node20.heapsnapshot.gz" "$DATA/leak2-B-node20.heapsnapshot.gz"
       "$DATA/leak2-C-node20.heapsnapshot.gz")

# Bad usage: exit status 2.
set +e
"$CLI" report "${files[0]}" >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "report without -o: exit status is not 2"
"$CLI" report -o "$OUT/x.html" >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "report without FILE: exit status is not 2"
"$CLI" report "${files[0]}" -o "$OUT/no-such-folder/x.html" >/dev/null 2>&1
[[ $? -eq 1 ]] || fail "report into a missing folder: exit status is not 1"
set -e

# The report, written over an older file (atomically: no temporary file is left).
echo "old" >"$OUT/report.html"
"$CLI" report "${files[2]}" "${files[0]}" "${files[1]}" -o "$OUT/report.html" --top 15
[[ $(head -c 15 "$OUT/report.html") == "<!DOCTYPE html>" ]] || fail "report.html was not replaced"
if compgen -G "$OUT/.report.html.*" >/dev/null; then fail "a temporary file was left in $OUT"; fi

# Self-contained: nothing to fetch.
if grep -Eq '(src|href)="?(https?:)?//|@import|url\(' "$OUT/report.html"; then
    fail "report.html refers to something outside itself"
fi

# The CLI's own numbers.
"$CLI" summary "${files[2]}" --json --top 15 >"$OUT/summary.json"
"$CLI" summary "${files[2]}" --top 15 >"$OUT/summary.txt"
"$CLI" stats "${files[2]}" --json >"$OUT/stats.json"
"$CLI" diff "${files[1]}" "${files[2]}" --json --top 15 >"$OUT/diff.json" 2>/dev/null
"$CLI" leaks "${files[@]}" --json >"$OUT/leaks.json" 2>/dev/null

# The page as Chromium builds it, after its script ran; screenshots; a printout.
run_browser --dump-dom "file://$OUT/report.html" >"$OUT/report.dom.html"
run_browser --screenshot="$OUT/report.png" --window-size=1200,2000 "file://$OUT/report.html" >/dev/null
run_browser --screenshot="$OUT/report-phone.png" --window-size=390,1600 "file://$OUT/report.html" >/dev/null
run_browser --print-to-pdf="$OUT/report.pdf" --no-pdf-header-footer "file://$OUT/report.html" >/dev/null

# Class names that are markup and script: they must stay text.
"$CLI" report "$HERE/hostile.heapsnapshot" -o "$OUT/hostile.html"
run_browser --dump-dom "file://$OUT/hostile.html" >"$OUT/hostile.dom.html"

cmake -DOUT="$OUT" -P "$HERE/check_report.cmake"
