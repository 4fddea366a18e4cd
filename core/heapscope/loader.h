// SPDX-License-Identifier: MIT
// Turns a .heapsnapshot / .heaptimeline (optionally .gz) file into a Snapshot.
#pragma once

#include "heapscope/common.h"
#include "heapscope/snapshot.h"

#include <string>

namespace heapscope {

struct LoadOptions {
    /// Threads used for the big integer arrays and the retainer index (0 = hardware concurrency).
    unsigned threads = 0;
    /// Drop parsed pages of the mapped file as the parse moves on, so resident memory stays low.
    bool releasePages = true;
    /// Refuse files whose graph would not fit in available memory (estimated before building it).
    bool checkMemory = true;
    /// Inputs at least this big (with more than one thread) read their strings and locations on a
    /// thread of their own while the big arrays are parsed.
    std::uint64_t sideSectionsFromBytes = std::uint64_t(16) << 20;
    /// The nodes and edges arrays are cut into pieces of about this size, parsed by whichever
    /// thread is free. Small enough that a piece read from the file stays in the CPU's cache
    /// between its copy and its parse.
    std::uint64_t parsePieceBytes = std::uint64_t(1) << 20;
    /// Files: read the nodes and edges arrays with pread() into small buffers instead of through the
    /// memory mapping (cheaper where mapping pages is costly, as on some virtual machines). Both
    /// give the same graph and the same errors.
    bool readBigArrays = true;
    /// Read the big arrays 64 bytes at a time where the CPU allows it (AVX2); off: byte by byte.
    /// Both give the same graph and the same errors.
    bool numberBlocks = true;
    /// Copied into Snapshot::identity (openAnalyzed() passes the file's index key).
    std::string identity;
};

/// Per-stage wall time and peak resident memory, for `--timings` and the benchmark.
struct LoadTimings {
    struct Stage {
        std::string name;
        double seconds = 0;
        std::uint64_t peakRssBytes = 0; ///< process peak RSS at the end of the stage
    };
    std::vector<Stage> stages;
};

/// Loads a snapshot. Progress stages: "reading", "parsing", "indexing". Never throws; every failure
/// is an Error naming the file, the stage, the byte offset and the reason.
Expected<SnapshotPtr> loadSnapshot(const std::string& path, const LoadOptions& options = {},
                                   const WorkContext& context = {}, LoadTimings* timings = nullptr);

/// Loads from bytes already in memory (tests, fuzzing). `name` is used in messages.
Expected<SnapshotPtr> loadSnapshotFromMemory(std::string_view json, const std::string& name,
                                             const LoadOptions& options = {},
                                             const WorkContext& context = {});

} // namespace heapscope
