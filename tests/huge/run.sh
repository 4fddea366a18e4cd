#!/bin/sh
# SPDX-License-Identifier: MIT
# A valid snapshot over 4 GiB (streamed by heapscope-bench generate) loads and analyses.
# Needs about 6 GB of disk and 12 GB of memory; labelled `slow`.
# Usage: run.sh HEAPSCOPE_BENCH HEAPSCOPE_CLI
set -eu
bench=$1
cli=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/heapscope-huge.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$bench" generate "$dir/huge.heapsnapshot" 4.2
size=$(stat -c %s "$dir/huge.heapsnapshot")
[ "$size" -gt 4294967296 ] || { echo "generated file is only $size bytes"; exit 1; }
"$cli" summary "$dir/huge.heapsnapshot" --json --top 3 > "$dir/summary.json"
grep -q '"node_count": 88' "$dir/summary.json" || { echo "unexpected node count"; head -20 "$dir/summary.json"; exit 1; }
grep -q '"name": "Synthetic' "$dir/summary.json" || { echo "no Synthetic classes"; exit 1; }
echo "huge snapshot of $size bytes loaded and analysed"
