#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Usage: python3 bench/make_timeline.py OBJECTS SAMPLES OUT.heaptimeline (e.g. 1200000 12000)
# A synthetic allocation timeline for timing: N objects hung under the root, S samples, a trace tree
# of F functions x depth D; every object has a trace node id. Not a fixture: only for measuring.
import sys, random
N = int(sys.argv[1]); S = int(sys.argv[2]); out = sys.argv[3]
random.seed(1)
F = 200; D = 6
strings = ["", "(root)", "Obj", "script.js"] + ["fn%d" % i for i in range(F)]
# trace tree: root (id 1, function 0) with F chains of depth D
trace_nodes = []  # (id, fi, parent)
tid = [1]
def node(fi, children):
    tid[0] += 1
    return [tid[0], fi, children]
tree_ids = []
def build(depth, fi):
    if depth == D:
        return []
    out = []
    for k in range(2 if depth < 2 else 1):
        f = (fi * 7 + depth * 13 + k) % F + 1
        tid[0] += 1
        me = tid[0]
        tree_ids.append(me)
        out.append((me, f, build(depth + 1, f)))
    return out
tops = []
for i in range(40):
    tid[0] += 1
    me = tid[0]; tree_ids.append(me)
    tops.append((me, i % F + 1, build(1, i)))
counts = {}
def ser(n):
    me, f, ch = n
    c = random.randint(0, 5000); counts[me] = c
    return "%d,%d,%d,%d,[%s]" % (me, f, c, c * 32, ",".join(ser(x) for x in ch))
tree = "[1,0,0,0,[%s]]" % ",".join(ser(t) for t in tops)
finfos = [0, 1, 0, 0, 0, 0] + sum(([i + 1, 4 + i, 3, 7, i + 1, 1] for i in range(F)), [])
with open(out, "w") as f:
    f.write('{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],'
            '"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],'
            '"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],'
            '"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],"trace_node_fields":["id","function_info_index","count","size","children"],'
            '"sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]},'
            '"node_count":%d,"edge_count":%d,"trace_function_count":%d},\n' % (N + 1, N, F + 1))
    f.write('"nodes":[9,1,1,0,%d,0,0' % N)
    ids_per_sample = (2 * N) // S + 2
    for i in range(N):
        f.write(",\n3,2,%d,%d,0,%d,0" % (3 + 2 * i, 16 + (i % 7) * 8, random.choice(tree_ids)))
    f.write('],\n"edges":[')
    f.write(",".join("1,%d,%d" % (i, 7 * (i + 1)) for i in range(N)))
    f.write('],\n"trace_function_infos":[%s],\n"trace_tree":%s,\n' % (",".join(map(str, finfos)), tree))
    f.write('"samples":[%s],\n' % ",".join("%d,%d" % (i * 50000, 1 + (i + 1) * ((2 * N) // S)) for i in range(S)))
    f.write('"locations":[],\n"strings":[%s]}\n' % ",".join('"%s"' % s for s in strings))
