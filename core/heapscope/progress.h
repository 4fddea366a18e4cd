// SPDX-License-Identifier: MIT
// The stages long work reports progress in, and how they add up to one bar.
#pragma once

#include <cstdint>
#include <string_view>

namespace heapscope {

/// A stage of long work. Opening a snapshot runs Reading, Parsing, Indexing, then Analysis; the
/// others are separate jobs with a bar of their own.
enum class Stage : std::uint8_t {
    Reading,    ///< opening the file, inflating gzip, finding the sections (unit: bytes)
    Parsing,    ///< the nodes, edges and strings arrays (unit: bytes)
    Indexing,   ///< edge offsets, retainers, the small sections (unit: steps)
    Analysis,   ///< the analysis passes (unit: 1/1000 of the analysis, weighted by pass)
    Comparison, ///< comparing two snapshots (unit: steps)
    Filtering,  ///< a Summary filter (unit: steps)
    PathSearch, ///< retainer paths or distances that ignore retainers (unit: steps)
    Series,     ///< a series of snapshots loaded and analysed one by one (unit: 1/1000 of a file)
    Index,      ///< checking a kept index while mapping it, or writing one (unit: bytes)
};

inline constexpr int kStageCount = int(Stage::Index) + 1;

/// A short lower-case name ("parsing"), stable for logs and tests.
std::string_view stageName(Stage stage);

/// What a user reads ("Parsing").
std::string_view stageTitle(Stage stage);

/// Where (stage, done of total) stands in its job, from 0 to 1. The stages of opening a snapshot
/// share one bar by their usual share of the time on a large file; the other stages fill a bar of
/// their own.
double jobFraction(Stage stage, std::uint64_t done, std::uint64_t total);

} // namespace heapscope
