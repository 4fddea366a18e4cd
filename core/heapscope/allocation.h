// SPDX-License-Identifier: MIT
// Allocation traces and the allocation timeline: what DevTools' Allocation perspective, the
// allocation stack of an object and the timeline overview of a .heaptimeline show.
#pragma once

#include "heapscope/analysis.h"
#include "heapscope/common.h"
#include "heapscope/snapshot.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace heapscope {

/// One row of the Allocation perspective: a function with what it allocated (DevTools'
/// SerializedAllocationNode without the id DevTools hands out per request).
struct AllocationRow {
    std::uint32_t function = 0; ///< index into Snapshot::traceFunctionInfos
    std::uint32_t node = 0;     ///< its bottom-up node (AllocationProfile::callers(), objectsOf())
    std::uint64_t count = 0;    ///< objects allocated (live or freed)
    std::uint64_t size = 0;
    std::uint64_t liveCount = 0; ///< objects of the snapshot allocated there
    std::uint64_t liveSize = 0;  ///< their self sizes (after DevTools' owned-object reassignment)
    bool hasChildren = false;    ///< has callers to expand
};

/// A top of the list (a function that allocated): `id` is DevTools' node id of its row, 1.. in
/// function order, the one `heapscope-cli alloc --callers ID` takes.
struct AllocationTop : AllocationRow {
    std::uint32_t id = 0;
};

/// The callers of a row as DevTools' allocationNodeCallers() gives them: the chain of single
/// callers (each the only caller of the one before), then the callers of the chain's last node.
struct AllocationCallers {
    std::vector<AllocationRow> nestedCallers;
    std::vector<AllocationRow> branchingCallers;
};

/// DevTools' AllocationProfile (AllocationProfile.ts) in flat arrays, built once per snapshot.
/// Every function that allocated is a top; each top's bottom-up tree (its callers, their callers,
/// down to the trace tree's root) is built with it, so the profile is immutable and any thread may
/// read it.
class AllocationProfile {
public:
    SnapshotPtr snapshot;

    /// Functions with allocations, by size descending (ties in function order).
    std::vector<AllocationTop> tops;

    /// Bottom-up nodes: a function (the top, or a caller along one call path) and the sums over
    /// the trace nodes whose stack goes through it. `buCallee` is the node it calls (kNoIndex for a
    /// top's root); its callers are buCallers[buFirstCaller[n] .. buFirstCaller[n + 1]).
    std::vector<std::uint32_t> buFunction;
    std::vector<std::uint32_t> buCallee;
    std::vector<std::uint64_t> buCount, buSize, buLiveCount, buLiveSize;
    std::vector<std::uint32_t> buFirstCaller, buCallers;

    /// Trace nodes that count (the first root of trace_tree and its descendants, as DevTools
    /// reads it): the allocating ones of each function, in tree order.
    std::vector<std::uint32_t> fnFirstTraceTop, traceTops; ///< CSR by function
    /// Per trace node: its slot among the distinct trace node ids (live objects are per id).
    std::vector<std::uint32_t> traceSlot;
    std::vector<std::uint32_t> slotId; ///< the id of each slot, increasing
    /// Per slot, the trace node DevTools' idToTopDownNode keeps (the last one with that id).
    std::vector<std::uint32_t> slotTraceNode;
    /// Objects of the snapshot per slot (CSR, node ordinals increasing), and their count and size.
    std::vector<std::uint32_t> slotFirstObject, slotObjects;
    std::vector<std::uint64_t> slotLiveCount, slotLiveSize;

    /// A function's name and script name (strings of Snapshot::traceFunctionInfos).
    std::string_view functionName(std::uint32_t function) const;
    std::string_view scriptName(std::uint32_t function) const;
    /// The row of a bottom-up node.
    AllocationRow row(std::uint32_t node) const;
    /// The top with DevTools' id `id`, or nullptr.
    const AllocationTop* topById(std::uint32_t id) const;
    /// allocationNodeCallers() of a bottom-up node.
    AllocationCallers callers(std::uint32_t node) const;
    /// The trace node ids aggregated into a bottom-up node (DevTools' traceIds()).
    std::vector<std::uint32_t> traceIds(std::uint32_t node) const;
    /// The objects of the snapshot allocated under a bottom-up node: those whose trace_node_id is
    /// one of traceIds(node), as DevTools' allocation-node filter passes them (ordinals increasing).
    std::vector<NodeOrdinal> objectsOf(std::uint32_t node) const;
    /// DevTools' allocationStack() of an object: the functions from the allocating one to the
    /// trace tree's root (indexes into Snapshot::traceFunctionInfos); nullopt when the object has no
    /// trace node id (0), empty when its id is not in the trace tree.
    std::optional<std::vector<std::uint32_t>> allocationStack(NodeOrdinal object) const;
};

using AllocationProfilePtr = std::shared_ptr<const AllocationProfile>;

/// The Summary of the objects allocated under a bottom-up node (DevTools' allocation-node filter,
/// what its Summary shows when a row of the Allocation perspective is selected): the objects of
/// objectsOf(node) grouped by class, with the Summary's rules (zero-size objects left out) and
/// class retained sizes.
Expected<Aggregates> aggregateAllocatedBy(const Analysis& analysis, const AllocationProfile& profile,
                                          std::uint32_t node, const WorkContext& context = {});

/// True when the snapshot has allocation traces (trace_function_infos and a trace_tree), the
/// files DevTools gives an Allocation perspective. A header whose trace_function_count is below
/// the data (Node 12, 20, 22 and 26 write that) still counts: every function is loaded, which is
/// what DevTools computes once the count is repaired.
bool hasAllocationTraces(const Snapshot& snapshot);

/// Builds the profile (live counts and sizes from each object's trace_node_id and the analysis'
/// self sizes). Reports Stage::Filtering in steps; returns a cancelled error when stopped, and an
/// error when the trace tree names a function that does not exist or the file has no traces.
Expected<AllocationProfilePtr> buildAllocationProfile(const Analysis& analysis,
                                                      const WorkContext& context = {});

/// The timeline of a .heaptimeline (DevTools' getSamples()): per sample, its time in ms, the last
/// object id assigned by then, and the self size of the live JS objects (odd ids) allocated in the
/// interval that ends there: ids in (lastAssignedId[i-1], lastAssignedId[i]].
struct TimelineSamples {
    std::vector<double> timestampsMs;
    std::vector<std::uint32_t> lastAssignedIds;
    std::vector<std::uint64_t> sizes;      ///< live self size allocated in the interval
    std::vector<std::uint32_t> liveCounts; ///< live JS objects allocated in the interval
    /// DevTools' totalTime of the overview: max(last timestamp, 10 s), in ms.
    double totalTimeMs() const;
    bool empty() const { return timestampsMs.empty(); }
};

/// Computes the samples (empty when the file has none). One pass over the nodes.
TimelineSamples timelineSamples(const Analysis& analysis);

/// An interval of the timeline as DevTools turns it into an object id range: the samples whose
/// timestamps are within [fromMs, toMs] are minIndex .. maxIndex-1; the Summary shows ids in
/// (minId, maxId], where minId is the last id of the sample before the window (0 if none) and maxId
/// the last id of the first sample after it (no limit if none: kNoIdLimit).
struct TimelineSelection {
    std::size_t minIndex = 0;
    std::size_t maxIndex = 0;
    std::uint32_t minId = 0;
    std::uint32_t maxId = 0;
    std::uint64_t size = 0; ///< the sizes of samples minIndex .. maxIndex-1
};
inline constexpr std::uint32_t kNoIdLimit = std::numeric_limits<std::uint32_t>::max();
TimelineSelection selectTimeline(const TimelineSamples& samples, double fromMs, double toMs);

} // namespace heapscope
