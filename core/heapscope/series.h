// SPDX-License-Identifier: MIT
// A series of snapshots (repeated captures of one process, a watched folder): put in time order
// from what the files say, analysed one at a time, and summed up as one trend row per class.
#pragma once

#include "heapscope/analysis.h"
#include "heapscope/common.h"
#include "heapscope/facts.h"
#include "heapscope/holder_paths.h"
#include "heapscope/index_cache.h"
#include "heapscope/loader.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace heapscope {

/// The parts of the name Node gives its own snapshots (`--heapsnapshot-signal`,
/// `writeHeapSnapshot()`): `Heap.<date>.<time>.<pid>.<thread>.<seq>.heapsnapshot`, e.g.
/// `Heap.20240130.143012.4242.0.001.heapsnapshot` (local date YYYYMMDD and time HHMMSS).
struct NodeSnapshotName {
    std::uint32_t date = 0;
    std::uint32_t time = 0;
    std::uint32_t pid = 0;
    std::uint32_t thread = 0;
    std::uint32_t sequence = 0;
};

/// Parses the file name part of `path` (a trailing ".gz" is allowed); nullopt when it is not
/// Node's pattern.
std::optional<NodeSnapshotName> parseNodeSnapshotName(std::string_view path);

/// What the time order of a series was decided from.
enum class SeriesOrderBasis : std::uint8_t {
    ObjectIds, ///< newest object id (SnapshotFacts::maxJsObjectId): one process, or none known apart
    FileNames, ///< Node's file names (date, time, sequence): the snapshots come from different processes
    Given,     ///< neither can tell, or the order was asked for: the order the files were given
};
/// "object ids", "file names", "given".
const char* seriesOrderBasisName(SeriesOrderBasis basis);

/// One file of the series.
struct SeriesSnapshot {
    std::string path;           ///< as given
    std::size_t givenIndex = 0; ///< position in the list given to analyzeSeries()
    /// Why the file is left out (it could not be loaded or analysed, or it is a second copy of an
    /// earlier file); the rest of the series works without it.
    std::optional<Error> error;
    std::uint64_t nodeCount = 0;
    std::uint64_t edgeCount = 0;
    std::uint64_t totalSize = 0; ///< Analysis::totalSize
    SnapshotFacts facts;
    std::optional<NodeSnapshotName> nodeName;
    bool fromIndex = false;   ///< mapped from its kept index, not loaded and analysed
    std::string indexWarning; ///< why its kept index could not be used ("" when it could, or none)
    bool loaded() const { return !error.has_value(); }
};

/// Two loaded snapshots next to each other in time order.
struct SeriesInterval {
    std::size_t earlier = 0; ///< index into Series::snapshots
    std::size_t later = 0;
    SameProcess sameProcess = SameProcess::Unknown;
    std::uint64_t matchedIds = 0;   ///< sampled ids of one found in the other
    std::uint64_t differingIds = 0; ///< of those, naming an object of another type or name
};

/// How a class's (or a leak group's) count moves over a series: why it is, or is not, a leak.
enum class TrendVerdict : std::uint8_t {
    Grows,          ///< the count (or retained size) grows in every interval
    GrowsSometimes, ///< it grew and never shrank, but not in every interval, and still grew at the end
    Plateau,        ///< it grew, then stayed flat: a bounded cache or pool that filled up
    Oscillates,     ///< up and down, ending above its start: a queue or buffer
    Freed,          ///< up, then back down to its start or below: a transient batch
    Shrinks,        ///< only goes down
    Flat,           ///< never changes (or a single snapshot)
};
/// "grows", "grows-sometimes", "plateau", "oscillates", "freed", "shrinks", "flat".
const char* trendVerdictName(TrendVerdict verdict);
/// A sentence for the view: "plateau: grew, then stayed flat (a bounded cache or pool)".
const char* trendVerdictReason(TrendVerdict verdict);
/// The verdict of counts (and retained sizes, which make Grows too) in time order.
TrendVerdict classifyTrend(std::span<const std::uint32_t> counts,
                           std::span<const std::uint64_t> retainedSizes);

/// One class over the loaded snapshots, in time order (entry i belongs to Series::snapshots[i]).
/// A class missing from a snapshot counts 0 there.
struct TrendRow {
    std::string key;  ///< DevTools' public class key
    std::string name; ///< from the latest snapshot that has the class
    std::vector<std::uint32_t> counts;
    std::vector<std::uint64_t> selfSizes;
    std::vector<std::uint64_t> retainedSizes;
    /// At least one interval (two loaded snapshots), and over EVERY interval i -> i+1 either the
    /// count strictly grows (counts[i+1] > counts[i] for all i) or the retained size strictly grows
    /// (retainedSizes[i+1] > retainedSizes[i] for all i). One of the two must hold in every
    /// interval on its own: a class whose count grows in one interval and whose retained size grows
    /// in the other is not flagged.
    bool growsEveryInterval = false;
    TrendVerdict verdict = TrendVerdict::Flat;

    /// The change over interval i (from snapshot i to i + 1).
    std::int64_t countChange(std::size_t i) const {
        return std::int64_t(counts[i + 1]) - std::int64_t(counts[i]);
    }
    std::int64_t selfSizeChange(std::size_t i) const {
        return std::int64_t(selfSizes[i + 1]) - std::int64_t(selfSizes[i]);
    }
    std::int64_t retainedSizeChange(std::size_t i) const {
        return std::int64_t(retainedSizes[i + 1]) - std::int64_t(retainedSizes[i]);
    }
};

/// Objects of one class held the same way (holder_paths.h), followed over the series: a leak
/// candidate when the group grows in every interval and, in one process, objects allocated after the
/// first snapshot are still alive in it at the end.
struct LeakGroup {
    std::string classKey;
    std::string className;
    std::vector<HolderHop> path;       ///< innermost hop first; empty when held by a GC root directly
    std::string description;           ///< "RequestRecord ← records in Session ← table in Map ← …"
    std::vector<std::uint32_t> counts; ///< per loaded snapshot, in time order
    std::vector<std::uint64_t> selfSizes;
    std::vector<std::uint64_t> retainedSizes;
    /// Objects of the group in the last snapshot that were allocated after the first snapshot and
    /// were already alive in the one before the last (with two snapshots: allocated after the first).
    /// Only when the series is one process (Series::idsMatch); 0 otherwise.
    std::uint64_t survivors = 0;
    /// A few object ids of those survivors (or, without ids that match, of the group's objects in the
    /// last snapshot): to find them in the Summary.
    std::vector<std::uint32_t> sampleIds;
    TrendVerdict verdict = TrendVerdict::Flat;
    bool flagged = false;
    std::string reason; ///< why it is flagged
    /// Other growing groups held inside this one (its objects' strings, a closure's context), left
    /// out of the list as part of it.
    std::uint32_t nestedGroups = 0;

    std::uint64_t retainedSize() const { return retainedSizes.empty() ? 0 : retainedSizes.back(); }
    std::int64_t countGrowth() const {
        return counts.empty() ? 0 : std::int64_t(counts.back()) - std::int64_t(counts.front());
    }
    std::int64_t retainedGrowth() const {
        return retainedSizes.empty()
                   ? 0
                   : std::int64_t(retainedSizes.back()) - std::int64_t(retainedSizes.front());
    }
};

/// The trend of a series.
struct Series {
    /// The loaded snapshots in time order, then the files left out, in the order given.
    std::vector<SeriesSnapshot> snapshots;
    std::size_t loadedCount = 0; ///< snapshots[0 .. loadedCount) are loaded
    SeriesOrderBasis orderBasis = SeriesOrderBasis::Given;
    std::vector<SeriesInterval> intervals; ///< loadedCount - 1 of them (none with fewer than two)
    /// Sorted by the change of retained size from the first to the last loaded snapshot
    /// (descending), then the change of count (descending), then name and key.
    std::vector<TrendRow> classes;
    /// The leak candidates, biggest growth of retained size first (then of count). Only the groups
    /// that are flagged, each with its reason.
    std::vector<LeakGroup> leaks;
    /// Every interval's object ids show one process: a surviving object is the same object.
    bool idsMatch = false;
    /// About the series as a whole (order not told by the files, file names that disagree, ...).
    std::vector<std::string> warnings;
};

struct LeakOptions {
    /// A group is flagged only when every interval adds at least this many objects to it.
    std::uint32_t minGrowth = 1;
    HolderPathOptions paths;
};

struct SeriesOptions {
    LoadOptions load;
    AnalysisOptions analysis;
    LeakOptions leaks;
    /// The order given is the time order (the user's own): nothing is reordered. Survivors are
    /// still counted when that order agrees with the object ids.
    bool keepGivenOrder = false;
    /// Maps each file's kept index when valid instead of loading and analysing it (index_cache.h).
    bool useIndex = false;
    IndexCacheOptions cache;
    /// Called with each analysis made from a file (not mapped from an index) while the series still
    /// holds it, so that the caller can keep its index.
    std::function<void(const AnalysisPtr&)> analyzedFresh;
};

/// Loads and analyses the files one at a time, keeping of each only its facts and per-class
/// numbers (memory stays about that of the largest snapshot), then orders them in time and builds
/// the trend. A file that fails, or repeats an earlier one (the same path, or the same heap graph
/// under another name), gets its error in its SeriesSnapshot; the others still make the trend.
/// Fails only when cancelled. Progress: Stage::Series, in 1/1000 of one file's load + analysis,
/// over all files.
Expected<Series> analyzeSeries(const std::vector<std::string>& paths, const SeriesOptions& options = {},
                               const WorkContext& context = {});

} // namespace heapscope
