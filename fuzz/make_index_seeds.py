#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpus of fuzz_index: real index files of the small snapshots in
fuzz/corpus/loader, written by `heapscope-cli cache build` into a temporary cache folder.

Each seed is one byte that tells fuzz_index whether to check the checksums (odd: check them),
then the index file. The seeds go with checksums off, and one copy with them on.

An index is only read by the version of Heapscope that wrote it: run this again with a
heapscope-cli of the current version whenever the version or the index format changes.

Usage: make_index_seeds.py path/to/heapscope-cli   (writes fuzz/corpus/index next to this script)
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# Small snapshots in the layouts real producers use: Node 20 with allocation traces and samples,
# Chromium with locations, extra native bytes and closure scopes.
SNAPSHOTS = ["node20-style.heapsnapshot", "chromium-style.heapsnapshot"]
WITH_CHECKSUMS = "node20-style.heapsnapshot"


def build_index(cli, snapshot, work):
    cache = os.path.join(work, "cache")
    copy = os.path.join(work, os.path.basename(snapshot))
    shutil.copyfile(snapshot, copy)
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    env.pop("HEAPSCOPE_NO_CACHE", None)
    subprocess.run([cli, "cache", "build", copy], env=env, check=True, stdout=subprocess.DEVNULL)
    # the reader of this version takes it (a seed the checks refuse would only reach the first ones)
    info = subprocess.run([cli, "info", copy, "--timings"], env=env, check=True, capture_output=True, text=True)
    if "\nindex        used\n" not in info.stdout:
        sys.exit("the index of %s is not used by %s:\n%s%s" % (snapshot, cli, info.stdout, info.stderr))
    files = glob.glob(os.path.join(cache, "heapscope", "*.hsidx"))
    if len(files) != 1:
        sys.exit("expected one index file for %s, found %s" % (snapshot, files))
    with open(files[0], "rb") as f:
        data = f.read()
    shutil.rmtree(work)
    os.makedirs(work)
    return data


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    cli = os.path.abspath(sys.argv[1])
    out = os.path.join(HERE, "corpus", "index")
    if os.path.isdir(out):
        for old in os.listdir(out):
            if not old.startswith("regression-"):  # inputs that once failed stay
                os.remove(os.path.join(out, old))
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "work")
        os.makedirs(work)
        for name in SNAPSHOTS:
            index = build_index(cli, os.path.join(HERE, "corpus", "loader", name), work)
            stem = name.replace(".heapsnapshot", "")
            with open(os.path.join(out, stem + ".hsidx"), "wb") as f:
                f.write(b"\x00" + index)
            if name == WITH_CHECKSUMS:
                with open(os.path.join(out, stem + "-checksums.hsidx"), "wb") as f:
                    f.write(b"\x01" + index)
    total = sum(os.path.getsize(p) for p in glob.glob(os.path.join(out, "*")))
    print("wrote %s (%d bytes)" % (out, total))


if __name__ == "__main__":
    main()
