#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a large synthetic sampling heap profile for timing the loader (not used by the tests):
a random call tree in Node's layout (callFrame, selfSize, id, children; 2,000 functions in 100
scripts, up to 60 levels deep) and samples naming its nodes, until the file reaches the size asked.

Usage: big_heapprofile.py OUT.heapprofile [MEGABYTES=100] [SEED=1]
   then: heapscope-cli profile OUT.heapprofile --top 5 --timings
"""

import random
import sys


def main():
    out = sys.argv[1]
    target = int(sys.argv[2] if len(sys.argv) > 2 else 100) << 20
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    scripts = ["file:///srv/app/src/module%03d.js" % i for i in range(100)]
    functions = []
    for i in range(2000):
        functions.append('{"functionName":"%s","scriptId":"%d","url":"%s","lineNumber":%d,"columnNumber":%d}' % (
            rng.choice(["handle", "parse", "render", "get", "set", "build", ""]) + (str(i) if i % 7 else ""),
            i % 100 + 10, scripts[i % 100], rng.randrange(0, 3000), rng.randrange(0, 80)))
    # node budget: about 85 % of the bytes in the tree, the rest in samples
    tree_bytes = target * 85 // 100
    parts = []
    size = 0
    ids = []
    next_id = [1]
    # iterative generation: a stack of (depth, children left)
    stack = []
    def open_node(depth):
        nid = next_id[0]
        next_id[0] += 1
        self_size = rng.choice([0, 0, 0, 32, 64, 128, 4096, 16384, 131072])
        text = '{"callFrame":%s,"selfSize":%d,"id":%d,"children":[' % (
            functions[0] if depth == 0 else rng.choice(functions), self_size, nid)
        ids.append(nid)
        return text
    parts.append('{"head":')
    parts.append(open_node(0))
    stack.append([0, 40, True])
    size = sum(len(p) for p in parts)
    while stack:
        top = stack[-1]
        if top[1] > 0 and size < tree_bytes:
            top[1] -= 1
            prefix = "" if top[2] else ","
            top[2] = False
            text = prefix + open_node(top[0] + 1)
            parts.append(text)
            size += len(text)
            depth = top[0] + 1
            kids = 0 if depth >= 60 else rng.choice([0, 0, 1, 1, 2, 3, 5])
            stack.append([depth, kids, True])
        else:
            parts.append("]}")
            size += 2
            stack.pop()
    parts.append(',"samples":[')
    first = True
    ordinal = 0
    while size < target:
        ordinal += 1
        text = ('' if first else ',') + '{"size":%d,"nodeId":%d,"ordinal":%d}' % (
            rng.choice([32, 64, 4096, 16384]), rng.choice(ids), ordinal)
        first = False
        parts.append(text)
        size += len(text)
    parts.append("]}")
    with open(out, "w") as f:
        f.write("".join(parts))
    print("%s: %d bytes, %d nodes, %d samples" % (out, size, len(ids), ordinal))


if __name__ == "__main__":
    main()
