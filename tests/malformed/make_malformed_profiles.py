#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the malformed sampling heap profiles: broken .heapprofile files derived from a small valid
one, and expected.tsv listing, for each file, the stage and byte offset of the error the loader
must report and a distinctive part of its reason (the format of make_malformed.py's manifest).

Usage: make_malformed_profiles.py OUTPUT_DIR
"""

import gzip
import os
import sys


def node(nid, fn, line, self_size, children=""):
    return ('{"callFrame":{"functionName":"%s","scriptId":"3","url":"file:///app.js","lineNumber":%d,'
            '"columnNumber":2},"selfSize":%d,"id":%d,"children":[%s]}' % (fn, line, self_size, nid, children))


def valid():
    tree = node(1, "(root)", -1, 0,
                node(2, "main", 1, 0, node(3, "alloc", 5, 4096) + "," + node(4, "grow", 9, 8192)) + "," +
                node(5, "other", 12, 64))
    samples = '[{"size":4096,"nodeId":3,"ordinal":1},{"size":8192,"nodeId":4,"ordinal":2}]'
    return '{"head":%s,"samples":%s}' % (tree, samples)


class Suite:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.rows = []

    def add(self, name, data, stage, offset, reason):
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(os.path.join(self.out_dir, name), "wb") as f:
            f.write(data)
        self.rows.append((name, stage, str(offset), reason))

    def write_manifest(self):
        with open(os.path.join(self.out_dir, "expected.tsv"), "w") as f:
            f.write("# file\tstage\toffset\treason substring\n")
            for row in self.rows:
                f.write("\t".join(row) + "\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    s = Suite(out)
    v = valid()

    def cut_after(text, marker):
        return text.index(marker) + len(marker)

    at = cut_after(v, '"selfSize":')
    s.add("truncated-in-head.heapprofile", v[:at], "head", at, "the file ends early (truncated?)")
    at = cut_after(v, '"samples":[{"size":4096,')
    s.add("truncated-in-samples.heapprofile", v[:at], "samples", at, "the file ends early (truncated?)")
    s.add("truncated-at-end.heapprofile", v[:-1], "profile", len(v) - 1, "the file ends early (truncated?)")
    gz = gzip.compress(v.encode(), mtime=0)
    s.add("truncated-gzip.heapprofile.gz", gz[:len(gz) // 2], "gzip", "*", "the gzip data is truncated")
    s.add("empty.heapprofile", "", "open", 0, "the file is empty")
    s.add("not-an-object.heapprofile", "[1,2,3]", "profile", 0, "a sampling heap profile is a JSON object")
    s.add("no-head.heapprofile", '{"samples":[]}', "profile", 14, "the file has no \"head\"")
    t = v.replace('"children":[', '"children":7,"x":[', 1)
    s.add("children-not-an-array.heapprofile", t, "head", t.index('"children":7') + 11,
          "\"children\" must be an array, not a number")
    t = v.replace('"children":[%s' % node(3, "alloc", 5, 4096)[:1], '"children":["x",', 1)
    t = v.replace('"selfSize":4096', '"selfSize":"4096"', 1)
    s.add("self-size-a-string.heapprofile", t, "head", t.index('"selfSize":"') + 11,
          "\"selfSize\" must be a number, not a string")
    t = v.replace('"selfSize":8192', '"selfSize":-8', 1)
    s.add("negative-self-size.heapprofile", t, "head", t.index('"selfSize":-8') + 11,
          "\"selfSize\" must be an integer of 0 or more")
    t = v.replace('"selfSize":8192', '"selfSize":81.5', 1)
    s.add("fractional-self-size.heapprofile", t, "head", t.index('"selfSize":81.5') + 11,
          "\"selfSize\" must be an integer of 0 or more")
    t = v.replace(',"id":4,', ',"id":3,', 1)
    s.add("node-id-reused.heapprofile", t, "head", t.index(',"id":3,', t.index(',"id":3,') + 1) + 6,
          "node id 3 is used by two nodes")
    t = v.replace(',"id":3,', ',"id":2,', 1)
    s.add("cycle-in-children.heapprofile", t, "head", t.index(',"id":2,', t.index(',"id":2,') + 1) + 6,
          "node id 2 appears again inside its own subtree (a cycle in \"children\")")
    t = v.replace('"selfSize":64,', '', 1)
    s.add("node-without-self-size.heapprofile", t, "head", t.index('{"callFrame":{"functionName":"other"'),
          "a profile node has no \"selfSize\"")
    t = v.replace(',"id":5', '', 1)
    s.add("node-without-id.heapprofile", t, "head", t.index('{"callFrame":{"functionName":"other"'),
          "a profile node has no \"id\"")
    t = v.replace('"children":[]}]}', '"children":[42]}]}', 1)
    s.add("child-not-an-object.heapprofile", t, "head", t.index('[42]') + 1,
          "a profile node must be an object, not a number")
    t = v.replace('{"size":8192,"nodeId":4', '{"nodeId":4', 1)
    s.add("sample-without-size.heapprofile", t, "samples", t.index('{"nodeId":4'), "a sample has no \"size\"")
    t = v.replace('"samples":[', '"samples":{', 1)
    s.add("samples-not-an-array.heapprofile", t, "samples", t.index('"samples":{') + 10,
          "\"samples\" must be an array, not an object")
    t = v.replace('"lineNumber":5,', '"lineNumber":5 ', 1)
    s.add("missing-comma-in-call-frame.heapprofile", t, "head", t.index('"lineNumber":5 ') + 15,
          "expected ',' or '}' in a call frame")
    t = v.replace('"functionName":"grow"', '"functionName":"gr\\qow"', 1)
    s.add("bad-escape.heapprofile", t, "head", t.index('\\q'), "a bad escape in a string")
    s.add("trailing-garbage.heapprofile", v + "x", "profile", len(v), "unexpected data after the profile's closing")
    # 20,000 levels, cut before any closes: far deeper than real profiles (gzip keeps
    # it small; the offset is in the inflated JSON)
    depth = 20000
    deep = '{"head":' + ''.join('{"callFrame":{},"selfSize":1,"id":%d,"children":[' % i for i in range(1, depth + 1))
    s.add("deep-and-truncated.heapprofile.gz", gzip.compress(deep.encode(), 9, mtime=0), "head", len(deep),
          "the file ends early (truncated?)")
    s.add("heap-snapshot.heapprofile", '{"snapshot":{"meta":{}},"nodes":[],"edges":[],"strings":[]}', "profile",
          0, "this is a heap snapshot, not a sampling heap profile")
    s.write_manifest()
    print("wrote %d files to %s" % (len(s.rows), out))


if __name__ == "__main__":
    main()
