// SPDX-License-Identifier: MIT
// libFuzzer target: the loader's paths must agree. The same bytes are loaded one thread reading byte
// by byte in one piece (the reference), with two threads, the 64-byte number reader and tiny pieces,
// and the same from a file read with pread(): the same graph or the same error (stage, byte offset,
// reason). With strings and locations on a thread of their own: the same graph, or an error too.
// Traps on the first difference.
#include "heapscope/loader.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unistd.h>

using namespace heapscope;

namespace {
void check(bool ok) {
    if (!ok)
        __builtin_trap();
}

// The stored numbers, whatever index a column is read by.
template <typename Column> void checkSameColumn(const Column& a, const Column& b) {
    check(a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()));
}

void checkSameGraph(const Snapshot& a, const Snapshot& b) {
    check(a.nodeCount == b.nodeCount && a.edgeCount == b.edgeCount && a.rootOrdinal == b.rootOrdinal);
    checkSameColumn(a.nodeType, b.nodeType);
    checkSameColumn(a.nodeName, b.nodeName);
    checkSameColumn(a.nodeId, b.nodeId);
    checkSameColumn(a.nodeSelfSize, b.nodeSelfSize);
    checkSameColumn(a.firstEdge, b.firstEdge);
    checkSameColumn(a.nodeTraceId, b.nodeTraceId);
    checkSameColumn(a.nodeDetachedness, b.nodeDetachedness);
    checkSameColumn(a.edgeType, b.edgeType);
    checkSameColumn(a.edgeNameOrIndex, b.edgeNameOrIndex);
    checkSameColumn(a.edgeTo, b.edgeTo);
    checkSameColumn(a.firstRetainer(), b.firstRetainer());
    checkSameColumn(a.retainerSource(), b.retainerSource());
    check(a.strings.size() == b.strings.size());
    for (StringId i(0); i.value < a.strings.size(); ++i)
        check(a.strings.get(i) == b.strings.get(i));
    check(a.nodeTypeNames == b.nodeTypeNames && a.edgeTypeNames == b.edgeTypeNames);
    check(a.locations.size() == b.locations.size());
    for (std::size_t i = 0; i < a.locations.size(); ++i)
        check(a.locations[i].node == b.locations[i].node &&
              a.locations[i].scriptId == b.locations[i].scriptId &&
              a.locations[i].line == b.locations[i].line && a.locations[i].column == b.locations[i].column);
    check(a.traceFunctionInfos.size() == b.traceFunctionInfos.size());
    check(a.traceTree.size() == b.traceTree.size());
    for (std::size_t i = 0; i < a.traceTree.size(); ++i)
        check(a.traceTree[i].id == b.traceTree[i].id && a.traceTree[i].parent == b.traceTree[i].parent &&
              a.traceTree[i].count == b.traceTree[i].count && a.traceTree[i].size == b.traceTree[i].size);
    check(a.samples.size() == b.samples.size());
    for (std::size_t i = 0; i < a.samples.size(); ++i)
        check(a.samples[i].timestampUs == b.samples[i].timestampUs &&
              a.samples[i].lastAssignedId == b.samples[i].lastAssignedId);
    check(a.warnings == b.warnings);
}

void checkSameResult(const Expected<SnapshotPtr>& reference, const Expected<SnapshotPtr>& other) {
    check(reference.ok() == other.ok());
    if (reference.ok()) {
        checkSameGraph(**reference, **other);
        return;
    }
    const Error& a = reference.error();
    const Error& b = other.error();
    check(a.stage == b.stage && a.offset == b.offset && a.reason == b.reason);
}

// One scratch file per fuzzing process, in memory where the system has it.
const std::string& scratchPath() {
    static const std::string path = [] {
        const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        return std::string(dir) + "/heapscope-fuzz-paths-" + std::to_string(getpid()) + ".heapsnapshot";
    }();
    return path;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // A gzip stream is decompressed before any of the paths differ; plain JSON is what they cover.
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        return 0;
    const std::string& path = scratchPath();
    bool haveFile = false;
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        const bool written = std::fwrite(data, 1, size, f) == size;
        haveFile = std::fclose(f) == 0 && written;
    }

    LoadOptions reference;
    reference.threads = 1;
    reference.checkMemory = false;
    reference.numberBlocks = false;
    reference.parsePieceBytes = std::uint64_t(1) << 40;
    reference.sideSectionsFromBytes = ~std::uint64_t(0);
    const auto expected = loadSnapshotFromMemory(bytes, "fuzz", reference);

    // Two threads, the 64-byte reader, pieces that end anywhere inside numbers and records.
    LoadOptions pieces = reference;
    pieces.threads = 2;
    pieces.numberBlocks = true;
    pieces.parsePieceBytes = 1 + size % 61;
    checkSameResult(expected, loadSnapshotFromMemory(bytes, "fuzz", pieces));
    LoadOptions file = pieces;
    file.readBigArrays = true;
    file.parsePieceBytes = 1 + size % 29;
    if (haveFile)
        checkSameResult(expected, loadSnapshot(path, file));

    // Strings and locations on a thread of their own: the same graph, and an error when the
    // reference has one (with several errors in a file, which one is reported first may differ).
    LoadOptions beside = pieces;
    beside.sideSectionsFromBytes = 0;
    const auto besideResult = loadSnapshotFromMemory(bytes, "fuzz", beside);
    check(besideResult.ok() == expected.ok());
    if (expected.ok())
        checkSameGraph(**expected, **besideResult);
    if (haveFile) {
        file.sideSectionsFromBytes = 0;
        checkSameResult(besideResult, loadSnapshot(path, file));
        std::remove(path.c_str());
    }
    return 0;
}
