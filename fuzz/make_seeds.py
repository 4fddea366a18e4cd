#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the fuzzers' seed corpora: small valid snapshots in the layouts real producers use, a
few broken ones, and string literals as V8 escapes them.

Usage: make_seeds.py   (writes fuzz/corpus/loader and fuzz/corpus/unescape next to this script)
"""

import gzip
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "malformed"))
import make_malformed as mm  # noqa: E402


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("latin-1"))


def main():
    loader = os.path.join(HERE, "corpus", "loader")
    unescape = os.path.join(HERE, "corpus", "unescape")
    for d in (loader, unescape):
        if os.path.isdir(d):
            for old in os.listdir(d):
                if not old.startswith("regression-"):  # inputs that once failed stay
                    os.remove(os.path.join(d, old))

    node20 = mm.Snap()
    node20.raw["trace_tree"] = "[1,0,5,100,[2,1,3,40,[]]]"
    node20.raw["trace_function_infos"] = "[1,3,1,7,10,5,2,2,1,7,0,0]"
    node20.raw["samples"] = "[1000,3,2500,9]"
    node20.header["trace_function_count"] = 2
    text = node20.text()
    write(loader, "node20-style.heapsnapshot", text)
    write(loader, "node20-style.heapsnapshot.gz", gzip.compress(text.encode(), mtime=0))
    # V8 before 2020: a newline after every record.
    write(loader, "newlines.heapsnapshot", text.replace(",", ",\n"))

    chromium = mm.Snap()
    fields = [f for f in mm.NODE_FIELDS if f != "trace_node_id"]
    chromium.header["meta"] = mm.meta(node_fields=fields, extra={
        "location_fields": ["object_index", "script_id", "script_object_index", "line", "column"],
        "scope_fields": ["script_node_index", "scope_id", "depth", "scope_context_vars_count", "scope_uses_count"]})
    chromium.header["extra_native_bytes"] = 4096
    chromium.header["meta"]["node_types"][0] = mm.NODE_TYPES[:15]
    chromium.nodes = [n[:5] + n[6:] for n in chromium.nodes]
    mm.F = 6
    chromium.raw["locations"] = "[6,10,99,2,5]"
    chromium.extra = [("scopes", "[-2,1,0,-2,3]"), ("scope_context_vars", "[1,2]"), ("scope_uses", "[-2,4]")]
    write(loader, "chromium-style.heapsnapshot", chromium.text().replace(",\n", ","))
    mm.F = 7

    reordered = mm.Snap()
    members = reordered.members()
    members.reverse()
    write(loader, "keys-reversed.heapsnapshot", "{" + ",".join('"%s":%s' % kv for kv in members) + "}")

    escapes = mm.Snap()
    escapes.strings += ['"\\uD800"', '"ab\\uDC00"', '"\\uD83D\\uDE00 caf\\u00E9 \\"q\\" \\\\ \\/ \x7f"', '"\\u0000\\b\\f\\n\\r\\t"']
    write(loader, "escapes.heapsnapshot", escapes.text())

    # A few broken files, so the corpus starts near every error path.
    tmp = os.path.join(HERE, "corpus", ".malformed")
    mm_argv = sys.argv
    sys.argv = ["make_malformed.py", tmp]
    mm.main()
    sys.argv = mm_argv
    for name in ["cpu-profile.heapsnapshot", "truncated-in-string.heapsnapshot", "to-node-not-multiple.heapsnapshot",
                 "edge-count-sum-too-large.heapsnapshot", "duplicate-nodes-key.heapsnapshot",
                 "location-not-a-node.heapsnapshot", "trace-tree-malformed.heapsnapshot",
                 "corrupt-gzip.heapsnapshot.gz", "header-invalid-json.heapsnapshot",
                 "scopes-valid.heapsnapshot", "scopes-depth-too-deep.heapsnapshot",
                 "scopes-vars-beyond-end.heapsnapshot", "scopes-not-integers.heapsnapshot"]:
        with open(os.path.join(tmp, name), "rb") as f:
            write(loader, "malformed-" + name, f.read())
    for old in os.listdir(tmp):
        os.remove(os.path.join(tmp, old))
    os.rmdir(tmp)

    # String literal bodies as V8 writes them.
    literals = ["plain ascii", "caf\\u00E9", "\\uD800", "ab\\uDC00", "\\uDBFF\\uDC00", "\\uD83D\\uD83D\\uDE00",
                "\\\"quoted\\\" \\\\ \\/", "\\b\\f\\n\\r\\t\\u000B", "del\x7f", "\\uF600\\uF1FA\\uF1F8",
                "raw \xc3\xa9 \xf0\x9f\x98\x80", "bad \\x", "\\u12", "trunc \xe2\x82"]
    for i, lit in enumerate(literals):
        write(unescape, "literal-%02d" % i, lit.encode("latin-1") if all(ord(c) < 256 for c in lit) else lit.encode())

    # Sampling heap profiles: the malformed suite's valid profile in a few layouts, and its broken files.
    import make_malformed_profiles as mp  # noqa: E402
    profile = os.path.join(HERE, "corpus", "profile")
    if os.path.isdir(profile):
        for old in os.listdir(profile):
            os.remove(os.path.join(profile, old))
    valid = mp.valid()
    write(profile, "valid.heapprofile", valid)
    write(profile, "valid.heapprofile.gz", gzip.compress(valid.encode(), mtime=0))
    write(profile, "valid-spaced.heapprofile", json.dumps(json.loads(valid), indent=1))
    write(profile, "no-samples.heapprofile", json.dumps({"head": json.loads(valid)["head"]}))
    # the old format DevTools still reads: the frame's fields on the node, 1-based lines
    write(profile, "old-format.heapprofile",
          '{"head":{"functionName":"(root)","scriptId":0,"url":"","lineNumber":0,"columnNumber":0,"selfSize":0,'
          '"id":1,"children":[{"functionName":"main","scriptId":3,"url":"app.js","lineNumber":10,"columnNumber":5,'
          '"selfSize":100,"id":2,"children":[{"functionName":"","scriptId":3,"url":"app.js","lineNumber":20,'
          '"columnNumber":1,"selfSize":50,"id":3,"children":[]}]}]}}')
    broken = os.path.join(HERE, "..", "tests", "malformed", "profiles")
    for name in sorted(os.listdir(broken)):
        if name.endswith(".heapprofile"):
            with open(os.path.join(broken, name), "rb") as f:
                write(profile, "malformed-" + name, f.read())
    print("seeds written to", os.path.join(HERE, "corpus"))


if __name__ == "__main__":
    main()
