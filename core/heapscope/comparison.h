// SPDX-License-Identifier: MIT
// DevTools' Comparison view of two snapshots, and more.
#pragma once

#include "heapscope/analysis.h"

#include <memory>
#include <string>
#include <vector>

namespace heapscope {

/// One Comparison row (a class key present in either snapshot with new or deleted objects).
struct ClassDiff {
    std::string key;  ///< DevTools' public class key
    std::string name; ///< from the current snapshot when it has the class, else from the base
    std::uint32_t newCount = 0;
    std::uint32_t deletedCount = 0;
    std::uint64_t allocSize = 0;
    std::uint64_t freedSize = 0;
    std::int64_t delta() const { return std::int64_t(newCount) - std::int64_t(deletedCount); }
    std::int64_t sizeDelta() const { return std::int64_t(allocSize) - std::int64_t(freedSize); }
    // Beyond DevTools:
    std::uint32_t baseCount = 0;
    std::uint32_t currentCount = 0;
    std::uint64_t baseRetained = 0; ///< class retained size in the base (All objects)
    std::uint64_t currentRetained = 0;
    std::int64_t retainedDelta() const { return std::int64_t(currentRetained) - std::int64_t(baseRetained); }
    std::uint32_t survivedCount = 0;       ///< objects present in both (matched by id)
    std::uint64_t survivedSize = 0;        ///< their self size in the current snapshot
    std::vector<NodeOrdinal> newNodes;     ///< in the current snapshot, by id ascending
    std::vector<NodeOrdinal> deletedNodes; ///< in the base snapshot, by id ascending
};

struct ComparisonTotals {
    std::uint64_t newCount = 0;
    std::uint64_t deletedCount = 0;
    std::uint64_t allocSize = 0;
    std::uint64_t freedSize = 0;
    std::uint64_t survivedCount = 0;
    std::int64_t sizeDelta() const { return std::int64_t(allocSize) - std::int64_t(freedSize); }
    std::int64_t countDelta() const { return std::int64_t(newCount) - std::int64_t(deletedCount); }
};

/// Immutable result of comparing `current` against `base`.
class Comparison {
public:
    AnalysisPtr base;
    AnalysisPtr current;
    /// The base's classes under the current snapshot's interface definitions (DevTools classifies
    /// the base that way so that class keys line up); per base node, an index into baseClasses.
    PodArray<std::uint32_t> baseClassOf;
    std::vector<ClassInfo> baseClasses;
    std::vector<ClassDiff> classes; ///< sorted by size delta descending, then name
    ComparisonTotals totals;
    bool idsShared = true; ///< false when the snapshots look like different processes
    std::vector<std::string> warnings;
};

using ComparisonPtr = std::shared_ptr<const Comparison>;

/// Compares `current` against `base`. Progress stage: "comparison".
Expected<ComparisonPtr> compare(AnalysisPtr base, AnalysisPtr current, const WorkContext& context = {});

/// The snapshot to use as the base by default: the one with the smaller max JS object id (older).
bool isOlder(const Snapshot& a, const Snapshot& b);

} // namespace heapscope
