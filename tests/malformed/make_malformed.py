#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the malformed-input suite: broken heap snapshots derived from a small valid one, and
expected.tsv listing, for each file, the stage and byte offset ("*" when not checked) of the
error the loader must report and a distinctive part of its reason.

Usage: make_malformed.py OUTPUT_DIR
"""

import gzip
import json
import os
import sys

NODE_FIELDS = ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"]
NODE_TYPES = ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native",
              "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape",
              "wasm object"]
EDGE_TYPES = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"]
F = len(NODE_FIELDS)

# The same graph as the C++ tests' standardMini(): 5 nodes, 7 edges, 10 strings.
NODES = [
    [9, 0, 1, 0, 3, 0, 0],
    [3, 1, 3, 32, 3, 0, 0],
    [2, 2, 5, 16, 0, 0, 0],
    [5, 3, 7, 40, 1, 0, 1],
    [8, 1, 9, 8, 0, 4, 2],
]
EDGES = [  # type, name_or_index, to ordinal
    [1, 1, 1], [5, 8, 3], [1, 2, 4], [2, 4, 2], [2, 5, 2], [3, 6, 3], [0, 7, 1],
]
STRINGS = ["", "Foo", "hello", "bar", "x", "y", "map", "v", "g", "(GC roots)"]


def meta(node_fields=None, extra=None, drop=()):
    node_fields = node_fields or NODE_FIELDS
    m = {
        "node_fields": node_fields,
        "node_types": [NODE_TYPES if f == "type" else ("string" if f == "name" else "number")
                       for f in node_fields],
        "edge_fields": ["type", "name_or_index", "to_node"],
        "edge_types": [EDGE_TYPES, "string_or_number", "node"],
        "trace_function_info_fields": ["function_id", "name", "script_name", "script_id", "line", "column"],
        "trace_node_fields": ["id", "function_info_index", "count", "size", "children"],
        "sample_fields": ["timestamp_us", "last_assigned_id"],
        "location_fields": ["object_index", "script_id", "line", "column"],
    }
    for k in drop:
        del m[k]
    m.update(extra or {})
    return m


def numbers(values):
    return "[" + ",".join(str(v) for v in values) + "]"


class Snap:
    """Builds the JSON text section by section so single sections can be replaced."""

    def __init__(self):
        self.header = {"meta": meta(), "node_count": len(NODES), "edge_count": len(EDGES),
                       "trace_function_count": 0}
        self.nodes = [list(n) for n in NODES]
        self.edges = [list(e) for e in EDGES]
        self.raw = {}  # section -> raw JSON text overriding the generated one
        self.extra = []  # (key, raw value) appended before "strings"
        self.strings = ['"%s"' % s for s in STRINGS]

    def members(self):
        nodes = [v for n in self.nodes for v in n]
        edges = [v for e in self.edges for (i, v) in enumerate(e) for v in [v * F if i == 2 else v]]
        out = [
            ("snapshot", json.dumps(self.header, separators=(",", ":"))),
            ("nodes", numbers(nodes)),
            ("edges", numbers(edges)),
            ("trace_function_infos", "[]"),
            ("trace_tree", "[]"),
            ("samples", "[]"),
            ("locations", numbers([7, 10, 2, 5])),
        ] + self.extra + [("strings", "[" + ",\n".join(self.strings) + "]")]
        return [(k, self.raw.get(k, v)) for k, v in out if self.raw.get(k, v) is not None]

    def text(self):
        return "{" + ",\n".join('"%s":%s' % kv for kv in self.members()) + "}"


class Suite:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.rows = []

    def add(self, name, data, stage, offset, reason):
        if isinstance(data, str):
            data = data.encode("latin-1")
        with open(os.path.join(self.out_dir, name), "wb") as f:
            f.write(data)
        self.rows.append((name, stage, "*" if offset is None else str(offset), reason))

    def write_manifest(self):
        names = [r[0] for r in self.rows]
        assert len(names) == len(set(names)), "duplicate file names"
        with open(os.path.join(self.out_dir, "expected.tsv"), "w") as f:
            f.write("# file\tstage\toffset\treason substring\n")
            for row in self.rows:
                assert "\t" not in "".join(row)
                f.write("\t".join(row) + "\n")


def value_start(text, key):
    return text.index('"%s":' % key) + len(key) + 3


def nth_number(text, section, index):
    p = value_start(text, section) + 1
    for _ in range(index):
        p = text.index(",", p) + 1
    return p


# The closure-scope sections of recent V8 (Chromium 156): a valid set for the mini graph, and broken
# ones. These load (the graph is fine); the closure analysis must say why it skipped them.
SCOPE_META = {
    "scope_fields": ["script_node_index", "scope_id", "depth", "scope_context_vars_count", "scope_uses_count"],
    "scope_context_var_fields": ["name"],
    "scope_use_fields": ["declaring_scope_id", "slot_index"],
}
SCOPES = [0, 1, 0, 1, 0, 0, 2, 1, 0, 1]  # scope 1 declares one variable, scope 2 (inside it) reads it
SCOPE_VARS = [3]
SCOPE_USES = [1, 0]


def scope_cases(out):
    """Writes scopes-*.heapsnapshot and scopes-expected.tsv (file, reason the analysis gives)."""
    rows = []

    def case(name, reason, scopes=SCOPES, variables=SCOPE_VARS, uses=SCOPE_USES, meta_update=None, raw=None,
             drop=()):
        snap = Snap()
        snap.header["meta"].update(SCOPE_META)
        snap.header["meta"].update(meta_update or {})
        snap.extra += [("scopes", numbers(scopes)), ("scope_context_vars", numbers(variables)),
                       ("scope_uses", numbers(uses))]
        snap.raw.update(raw or {})
        for section in drop:
            snap.raw[section] = None
        with open(os.path.join(out, name + ".heapsnapshot"), "w") as f:
            f.write(snap.text())
        rows.append((name + ".heapsnapshot", reason))

    case("scopes-valid", "")
    case("scopes-negative-vars-count", "scope 0 has a negative count of variables or uses",
         scopes=[0, 1, 0, -1, 0, 0, 2, 1, 0, 1])
    case("scopes-negative-uses-count", "scope 1 has a negative count of variables or uses",
         scopes=[0, 1, 0, 1, 0, 0, 2, 1, 0, -3])
    case("scopes-var-name-out-of-range", "variable 0 names string 999, which does not exist", variables=[999])
    case("scopes-var-name-negative", "variable 0 names string -2, which does not exist", variables=[-2])
    case("scopes-vars-beyond-end", "scope 0 lists variables beyond the end of \"scope_context_vars\"",
         scopes=[0, 1, 0, 5, 0, 0, 2, 1, 0, 1])
    case("scopes-uses-beyond-end", "scope 1 lists uses beyond the end of \"scope_uses\"",
         scopes=[0, 1, 0, 1, 0, 0, 2, 1, 0, 4])
    case("scopes-not-multiple-of-fields", "\"scopes\" holds 7 numbers, not a multiple of its 5 fields",
         scopes=[0, 1, 0, 1, 0, 0, 2])
    case("scopes-uses-not-multiple-of-fields", "\"scope_uses\" holds 3 numbers, not a multiple of its 2 fields",
         uses=[1, 0, 7])
    case("scopes-depth-too-deep", "scope 0 has depth 3 but its parent chain is 0 deep",
         scopes=[0, 1, 3, 1, 0, 0, 2, 1, 0, 1])
    case("scopes-depth-negative", "scope 1 has depth -1 but its parent chain is 1 deep",
         scopes=[0, 1, 0, 1, 0, 0, 2, -1, 0, 1])
    case("scopes-fields-missing-depth", "meta.scope_fields does not name script_node_index, scope_id, depth",
         meta_update={"scope_fields": ["script_node_index", "scope_id", "scope_context_vars_count",
                                       "scope_uses_count"]}, scopes=[0, 1, 1, 0, 0, 2, 0, 1])
    case("scopes-fields-not-a-list", "meta.scope_fields is not a list of names", meta_update={"scope_fields": 5})
    case("scopes-section-missing", "the header lists the fields of \"scopes\" but the file has no such section",
         drop=("scopes",))
    case("scopes-not-integers", "expected an integer in \"scopes\"", raw={"scopes": '[0,1,"x",1,0]'})
    case("scopes-number-too-long", "expected an integer in \"scopes\"", raw={"scopes": "[0,1,0,1234567890123456789,0]"})
    with open(os.path.join(out, "scopes-expected.tsv"), "w") as f:
        f.write("# file\treason substring the closure analysis gives (empty: not skipped)\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    return len(rows)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        os.remove(os.path.join(out, old))
    s = Suite(out)
    valid = Snap().text()
    hdr = value_start(valid, "snapshot")

    # --- not a heap snapshot at all ---
    s.add("empty.heapsnapshot", "", "open", 0, "the file is empty (0 bytes)")
    s.add("whitespace.heapsnapshot", " \n\t\r\n   \n", "header", 0, "the file contains only whitespace")
    s.add("not-json.heapsnapshot", "Heap snapshot of my app\n", "header", 0,
          "this is not JSON: a heap snapshot starts with '{', this file starts with 'H'")
    s.add("json-array.heapsnapshot", "[1, 2, 3]\n", "header", 0, "this is a JSON array, not a heap snapshot")
    s.add("json-string.heapsnapshot", '"snapshot"', "header", 0, "this file starts with '\"'")
    s.add("binary-garbage.heapsnapshot", bytes((i * 151 + 7) % 256 for i in range(512)), "header", 0,
          "this is not JSON but binary data (it starts with byte 0x07)")
    s.add("elf-binary.heapsnapshot", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)), "header", 0,
          "this is not JSON but binary data (it starts with byte 0x7F)")
    s.add("utf8-bom.heapsnapshot", b"\xef\xbb\xbf" + valid.encode(), "header", 0,
          "this is not JSON but binary data (it starts with byte 0xEF)")
    s.add("empty-object.heapsnapshot", "{}", "header", 0, "this JSON is not a heap snapshot: it has no \"snapshot\" header")
    s.add("cpu-profile.heapsnapshot", json.dumps({
        "nodes": [{"id": 1, "callFrame": {"functionName": "(root)", "scriptId": "0", "url": "",
                                          "lineNumber": -1, "columnNumber": -1}, "hitCount": 0, "children": [2]},
                  {"id": 2, "callFrame": {"functionName": "main", "scriptId": "1", "url": "file:///a.js",
                                          "lineNumber": 3, "columnNumber": 1}, "hitCount": 5}],
        "startTime": 1000, "endTime": 2000, "samples": [2, 2], "timeDeltas": [10, 10]}),
        "header", 0, "this is a CPU profile (.cpuprofile), not a heap snapshot")
    s.add("sampling-heap-profile.heapsnapshot", json.dumps({
        "head": {"callFrame": {"functionName": "(root)", "scriptId": "0", "url": "", "lineNumber": -1,
                               "columnNumber": -1}, "selfSize": 0, "id": 1, "children": []},
        "samples": [{"size": 64, "nodeId": 1, "ordinal": 1}]}),
        "header", 0, "this is a sampling heap profile (.heapprofile), not a heap snapshot")
    s.add("performance-trace.heapsnapshot", '{"traceEvents":[{"name":"x","ph":"X"}],"metadata":{}}', "header", 0,
          "this is a performance trace, not a heap snapshot")

    # --- gzip ---
    s.add("not-gzip.heapsnapshot.gz", "plain text, not compressed\n", "gzip", 0,
          "the file is named .gz but is not gzip data")
    gz = bytearray(gzip.compress(valid.encode(), mtime=0))
    for i in range(12, len(gz) - 8):
        gz[i] ^= 0x5A
    s.add("corrupt-gzip.heapsnapshot.gz", bytes(gz), "gzip", None, "the gzip data is corrupt")
    gz = gzip.compress(valid.encode() * 1, mtime=0)
    s.add("truncated-gzip.heapsnapshot.gz", gz[: len(gz) // 2], "gzip", len(gz) // 2,
          "the gzip data is truncated")
    gz = bytearray(gzip.compress(valid.encode(), mtime=0))
    gz[-6] ^= 1  # CRC32 trailer
    s.add("bad-crc-gzip.heapsnapshot.gz", bytes(gz), "gzip", None, "the gzip data is corrupt (incorrect data check)")
    s.add("gzip-of-nothing.heapsnapshot.gz", gzip.compress(b"", mtime=0), "gzip", 0,
          "the gzip file decompresses to nothing")
    truncated = valid[: valid.index('"hello"') + 3]
    s.add("gzip-of-truncated.heapsnapshot.gz", gzip.compress(truncated.encode(), mtime=0), "strings",
          len(truncated), "inside string 2 of \"strings\"")

    # --- truncated at every section boundary, inside a number, a string and an escape ---
    def trunc(name, cut, stage, reason, offset="end"):
        text = valid[:cut]
        s.add("truncated-" + name + ".heapsnapshot", text, stage, len(text) if offset == "end" else offset, reason)

    trunc("after-open-brace", 1, "header", "the file is truncated: it ends at byte 1 before the closing '}'")
    trunc("in-first-key", 5, "header", "a top-level key is not terminated", 1)
    trunc("after-snapshot-colon", hdr, "snapshot", "the file is truncated: it ends at byte %d inside \"snapshot\"" % hdr)
    cut = valid.index('"node_types"')
    trunc("in-meta", cut, "snapshot", "the file is truncated: it ends at byte %d inside \"snapshot\"" % cut)
    for key in ["snapshot", "nodes", "edges", "trace_function_infos", "trace_tree", "samples", "locations"]:
        start = value_start(valid, key)
        end = valid.index(",\n", start)
        trunc("after-%s-value" % key.replace("_", "-"), end, "header",
              "the file is truncated: it ends at byte %d after the value of \"%s\"" % (end, key))
        trunc("after-%s-comma" % key.replace("_", "-"), end + 2, "header",
              "the file is truncated: it ends at byte %d before the closing '}'" % (end + 2))
    for key in ["nodes", "edges"]:
        start = value_start(valid, key)
        trunc("after-%s-colon" % key, start, key,
              "the file is truncated: it ends at byte %d inside \"%s\"" % (start, key))
        mid = nth_number(valid, key, 10 if key == "nodes" else 5) + 1  # inside a two-digit number
        trunc("in-%s-number" % key, mid, key,
              "the file is truncated: it ends at byte %d inside the \"%s\" array" % (mid, key))
        comma = nth_number(valid, key, 12)
        trunc("after-%s-separator" % key, comma, key, "inside the \"%s\" array" % key)
    loc = value_start(valid, "locations") + 3
    trunc("in-locations", loc, "locations", "the file is truncated: it ends at byte %d inside \"locations\"" % loc)
    start = value_start(valid, "strings")
    trunc("after-strings-colon", start, "strings", "the file is truncated: it ends at byte %d" % start)
    trunc("after-strings-bracket", start + 1, "strings",
          "the file is truncated: it ends at byte %d inside the \"strings\" array" % (start + 1))
    cut = valid.index('"hello"') + 3
    trunc("in-string", cut, "strings", "the file is truncated: it ends at byte %d inside string 2 of \"strings\"" % cut)
    cut = valid.index('"hello"') + 8
    trunc("after-string-separator", cut, "strings", "inside the \"strings\" array")
    trunc("before-final-brace", len(valid) - 1, "header", "after the value of \"strings\"")
    esc = Snap()
    esc.strings[2] = '"he\\"llo"'
    text = esc.text()
    cut = text.index('he\\"') + 3
    s.add("truncated-in-string-escape.heapsnapshot", text[:cut], "strings", cut,
          "the file is truncated: it ends at byte %d inside string 2 of \"strings\"" % cut)

    # --- inconsistent counts and references ---
    def variant(name, change, stage, reason, offset=None):
        snap = Snap()
        change(snap)
        text = snap.text()
        s.add(name + ".heapsnapshot", text, stage, offset(text) if callable(offset) else offset, reason)

    nodes_at = lambda t: value_start(t, "nodes")
    edges_at = lambda t: value_start(t, "edges")
    variant("node-count-too-large", lambda x: x.header.update(node_count=6), "nodes",
            "inconsistent counts: the header says node_count 6 (42 numbers with 7 fields each), but \"nodes\" holds 35 numbers",
            nodes_at)
    variant("node-count-too-small", lambda x: x.header.update(node_count=4), "nodes",
            "the header says node_count 4 (28 numbers with 7 fields each), but \"nodes\" holds 35 numbers", nodes_at)
    variant("edge-count-mismatch", lambda x: x.header.update(edge_count=8), "edges",
            "inconsistent counts: the header says edge_count 8 (24 numbers with 3 fields each), but \"edges\" holds 21 numbers",
            edges_at)
    variant("nodes-not-multiple-of-fields", lambda x: x.nodes[4].append(0), "nodes",
            "\"nodes\" holds 36 numbers", nodes_at)
    variant("edges-not-multiple-of-fields", lambda x: x.edges[6].append(0), "edges",
            "\"edges\" holds 22 numbers", edges_at)
    variant("edge-count-sum-too-large", lambda x: x.nodes[2].__setitem__(4, 1), "nodes",
            "the edge_count values of the nodes add up to more than the 7 edges in the file (exceeded at node 3)",
            nodes_at)
    variant("edge-count-sum-too-small", lambda x: x.nodes[3].__setitem__(4, 0), "nodes",
            "the edge_count values of the nodes add up to 6, but the file has 7 edges", nodes_at)

    def raw_edges(snap, index, to_node):
        flat = [v for e in snap.edges for (i, v) in enumerate(e) for v in [v * F if i == 2 else v]]
        flat[index * 3 + 2] = to_node
        snap.raw["edges"] = numbers(flat)

    variant("to-node-not-multiple", lambda x: raw_edges(x, 3, 8), "edges",
            "edge 3 points to node index 8, which is not a multiple of the 7 node fields",
            lambda t: nth_number(t, "edges", 11))
    variant("to-node-past-end", lambda x: raw_edges(x, 6, 35), "edges",
            "edge 6 points to node index 35, past the last of the 5 nodes", lambda t: nth_number(t, "edges", 20))
    variant("to-node-max-uint32", lambda x: raw_edges(x, 0, 4294967295), "edges",
            "edge 0 points to node index 4294967295", lambda t: nth_number(t, "edges", 2))
    variant("node-name-out-of-range", lambda x: x.nodes[3].__setitem__(1, 10), "nodes",
            "a node name refers to string 10, but \"strings\" holds only 10 strings", nodes_at)
    variant("edge-name-out-of-range", lambda x: x.edges[5].__setitem__(1, 99), "edges",
            "edge 5 is named by string 99, but \"strings\" holds only 10 strings",
            lambda t: nth_number(t, "edges", 5 * 3 + 1))
    variant("root-index-not-a-node", lambda x: x.header.update(root_index=15), "header",
            "root_index 15 does not point to a node", hdr)
    variant("location-not-a-node", lambda x: x.raw.update(locations="[8,10,2,5]"), "locations",
            "location 0 refers to node index 8, which is not a node", lambda t: value_start(t, "locations"))
    variant("locations-not-multiple", lambda x: x.raw.update(locations="[7,10,2,5,14]"), "locations",
            "\"locations\" holds 5 numbers, not a multiple of its 4 fields", lambda t: value_start(t, "locations"))
    variant("trace-function-bad-string", lambda x: (x.header.update(trace_function_count=1),
                                                   x.raw.update(trace_function_infos="[1,10,1,7,10,5]")),
            "trace_function_infos", "trace function 0 refers to a string that does not exist",
            lambda t: value_start(t, "trace_function_infos"))
    variant("trace-tree-malformed", lambda x: x.raw.update(trace_tree="[1,0,5,[]]"), "trace_tree",
            "\"trace_tree\" is malformed", None)
    variant("no-nodes", lambda x: (x.header.update(node_count=0, edge_count=0), x.raw.update(nodes="[]", edges="[]")),
            "nodes", "the snapshot has no nodes", nodes_at)

    # --- bad numbers ---
    def raw_nodes(snap, index, text):
        flat = [str(v) for n in snap.nodes for v in n]
        flat[index] = text
        snap.raw["nodes"] = "[" + ",".join(flat) + "]"

    for name, index, text, reason in [
        ("negative-number-in-nodes", 10, "-32", "a negative number in \"nodes\" (only non-negative integers are allowed)"),
        ("number-over-2-32", 10, "4294967296", "a number in \"nodes\" is larger than 4294967295"),
        ("number-with-30-digits", 10, "123456789012345678901234567890", "a number in \"nodes\" is larger than 4294967295"),
        ("non-integer-in-nodes", 10, "32.5", "a number in \"nodes\" is not an integer"),
        ("exponent-in-nodes", 10, "3e1", "a number in \"nodes\" is not an integer"),
        ("null-in-nodes", 10, "null", "expected a number in \"nodes\", found 'n'"),
        ("string-in-nodes", 10, '"32"', "expected a number in \"nodes\", found '\"'"),
        ("missing-value-in-nodes", 10, "", "a value is missing in \"nodes\" (two separators in a row)"),
        ("unknown-node-type", 14, "16", "node 2 has type 16, but meta.node_types lists only 16 types"),
        ("detachedness-out-of-range", 34, "3", "node 4 has detachedness 3 (0, 1 or 2 expected)"),
    ]:
        variant(name, lambda x, i=index, t=text: raw_nodes(x, i, t), "nodes", reason,
                lambda t, i=index: nth_number(t, "nodes", i))

    def raw_edge_value(snap, index, text):
        flat = [str(v) for e in snap.edges for (i, v) in enumerate(e) for v in [v * F if i == 2 else v]]
        flat[index] = text
        snap.raw["edges"] = "[" + ",".join(flat) + "]"

    variant("negative-number-in-edges", lambda x: raw_edge_value(x, 4, "-8"), "edges",
            "a negative number in \"edges\"", lambda t: nth_number(t, "edges", 4))
    variant("unknown-edge-type", lambda x: raw_edge_value(x, 6, "7"), "edges",
            "edge 2 has type 7, but meta.edge_types lists only 7 types", lambda t: nth_number(t, "edges", 6))
    variant("edge-name-over-2-32", lambda x: raw_edge_value(x, 7, "99999999999"), "edges",
            "a number in \"edges\" is larger than 4294967295", lambda t: nth_number(t, "edges", 7))
    def edge_values(snap, changes):
        flat = [str(v) for e in snap.edges for (i, v) in enumerate(e) for v in [v * F if i == 2 else v]]
        for index, text in changes.items():
            flat[index] = text
        snap.raw["edges"] = "[" + ",".join(flat) + "]"

    # Two errors: the first in the file wins however the edges are cut into pieces (an edge split
    # between pieces has its name checked after the others).
    variant("two-errors-edge-name-then-big-number",
            lambda x: edge_values(x, {16: "99", 20: "99999999999"}), "edges",
            "edge 5 is named by string 99, but \"strings\" holds only 10 strings",
            lambda t: nth_number(t, "edges", 16))
    # Column-wise checks meet errors out of file order: the first in the file must still win.
    variant("two-errors-edge-name-then-bad-type", lambda x: edge_values(x, {4: "99", 15: "7"}), "edges",
            "edge 1 is named by string 99, but \"strings\" holds only 10 strings",
            lambda t: nth_number(t, "edges", 4))
    variant("two-errors-detachedness-then-bad-type",
            lambda x: (x.nodes[0].__setitem__(6, 3), x.nodes[2].__setitem__(0, 16)), "nodes",
            "node 0 has detachedness 3 (0, 1 or 2 expected)", lambda t: nth_number(t, "nodes", 6))
    # "...,7,]": the commas promise one more value than is written
    variant("trailing-comma-in-edges", lambda x: x.raw.update(
        edges=numbers([v for e in x.edges for (i, v) in enumerate(e) for v in [v * F if i == 2 else v]][:-1]
                      ).replace("]", ",]")), "edges", "a value is missing in \"edges\"", lambda t: t.index(",]") + 1)
    variant("trailing-comma-in-nodes", lambda x: x.raw.update(
        nodes=numbers([v for n in x.nodes for v in n][:-1]).replace("]", ",]")), "nodes",
        "a value is missing in \"nodes\"", lambda t: t.index(",]") + 1)
    variant("nodes-not-an-array", lambda x: x.raw.update(nodes='{"0":9}'), "nodes",
            "\"nodes\" must be an array of non-negative integers", nodes_at)

    # --- header and meta ---
    def set_meta(snap, **kw):
        snap.header["meta"] = meta(**kw)

    variant("missing-meta", lambda x: x.header.pop("meta"), "header",
            "the \"snapshot\" header has no \"meta\" object describing the fields", hdr)
    variant("missing-node-fields", lambda x: set_meta(x, drop=["node_fields"]), "header",
            "meta has no \"node_fields\"", hdr)
    variant("missing-edge-fields", lambda x: set_meta(x, drop=["edge_fields"]), "header",
            "meta has no \"edge_fields\"", hdr)
    variant("missing-node-types", lambda x: set_meta(x, drop=["node_types"]), "header",
            "meta has no \"node_types\" list", hdr)
    variant("missing-edge-types", lambda x: set_meta(x, drop=["edge_types"]), "header",
            "meta has no \"edge_types\" list", hdr)
    variant("missing-node-field-id", lambda x: set_meta(x, node_fields=[f for f in NODE_FIELDS if f != "id"]),
            "header", "meta.node_fields has no \"id\" field", hdr)
    variant("missing-node-field-edge-count",
            lambda x: set_meta(x, node_fields=[f for f in NODE_FIELDS if f != "edge_count"]),
            "header", "meta.node_fields has no \"edge_count\" field", hdr)
    variant("missing-edge-field-to-node",
            lambda x: x.header["meta"].update(edge_fields=["type", "name_or_index"]),
            "header", "meta.edge_fields has no \"to_node\" field", hdr)
    variant("node-fields-not-names", lambda x: x.header["meta"].update(node_fields=[0, 1, 2]),
            "header", "meta.node_fields must be a list of names", hdr)
    variant("missing-node-count", lambda x: x.header.pop("node_count"), "header",
            "the \"snapshot\" header has no \"node_count\"", hdr)
    variant("negative-edge-count", lambda x: x.header.update(edge_count=-7), "header",
            "\"edge_count\" must be a non-negative integer", hdr)
    variant("node-count-over-2-32", lambda x: x.header.update(node_count=5000000000), "header",
            "node_count 5000000000 is beyond what this program supports", hdr)
    variant("edge-count-huge-float", lambda x: x.header.update(edge_count=1e37), "header", "edge_count", hdr)
    variant("root-index-negative", lambda x: x.header.update(root_index=-14), "header", "root_index", hdr)
    variant("root-index-string", lambda x: x.header.update(root_index="14"), "header", "root_index", hdr)
    variant("snapshot-not-an-object", lambda x: x.raw.update(snapshot="[1,2]"), "header",
            "\"snapshot\" must be an object", hdr)
    text = valid.replace('"node_count":5', '"node_count":5,,', 1)
    s.add("header-invalid-json.heapsnapshot", text, "header", hdr, "the \"snapshot\" header is not valid JSON")

    # --- top-level structure ---
    for key in ["nodes", "edges", "strings"]:
        variant("missing-%s-section" % key, lambda x, k=key: x.raw.update({k: None}), "header",
                "the file has no \"%s\" section" % key, lambda t: len(t))
    members = Snap().members()
    dup = members[:3] + [members[1]] + members[3:]
    text = "{" + ",\n".join('"%s":%s' % kv for kv in dup) + "}"
    s.add("duplicate-nodes-key.heapsnapshot", text, "header", text.index('"nodes"', text.index('"nodes"') + 1),
          "the key \"nodes\" appears twice at the top level")
    s.add("trailing-garbage.heapsnapshot", valid + "\nxyz", "header", len(valid) + 1,
          "unexpected content after the end of the JSON object: 'x'")
    s.add("two-objects.heapsnapshot", valid + valid, "header", len(valid),
          "unexpected content after the end of the JSON object: '{'")
    text = valid.replace('"edges":', '"edges" ', 1)
    s.add("missing-colon.heapsnapshot", text, "header", text.index('"edges" ') + 8,
          "expected ':' after the key \"edges\", found '['")
    text = valid.replace(',\n"edges"', ' \n"edges"', 1)
    s.add("missing-comma.heapsnapshot", text, "header", text.index('"edges"'),
          "expected ',' or '}' after the value of \"nodes\", found '\"'")
    # Not valid JSON, so no producer wrote it; it must not load as if the bracket were right.
    variant("mismatched-bracket-in-extra-section", lambda x: x.extra.append(("extra", "[1,2}")), "*",
            "'}'", lambda t: t.index("2}") + 1)

    # --- strings ---
    def bad_string(name, literal, reason, offset_of):
        snap = Snap()
        snap.strings[2] = literal
        text = snap.text()
        s.add(name + ".heapsnapshot", text, "strings", offset_of(text), reason)

    bad_string("bad-escape-in-string", '"he\\qllo"', "string 2 of \"strings\" is not valid JSON: invalid escape sequence \\q",
               lambda t: t.index("\\q"))
    bad_string("short-unicode-escape", '"he\\u12G4"', "a \\u escape needs four hexadecimal digits",
               lambda t: t.index("\\u12G4"))
    bad_string("raw-control-char-in-string", '"he\x01llo"',
               "a control character (byte 1) inside a string must be escaped", lambda t: t.index("\x01"))
    bad_string("number-in-strings", "42", "\"strings\" must hold only strings; element 2 starts with '4'",
               lambda t: t.index("42"))
    variant("strings-not-an-array", lambda x: x.raw.update(strings='{"a":"b"}'), "strings",
            "\"strings\" must be an array of strings", lambda t: value_start(t, "strings"))
    text = valid.replace('"hello",\n"bar"', '"hello" "bar"', 1)
    s.add("missing-comma-in-strings.heapsnapshot", text, "strings", text.index('"bar"'),
          "expected ',' or ']' after string 2, found '\"'")

    s.write_manifest()
    scope_count = scope_cases(out)
    print("wrote %d files to %s" % (len(s.rows) + scope_count, out))


if __name__ == "__main__":
    main()
