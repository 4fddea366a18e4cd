// SPDX-License-Identifier: MIT
// Everything DevTools' Memory panel computes for one snapshot, with the same numbers.
#pragma once

#include "heapscope/common.h"
#include "heapscope/snapshot.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace heapscope {

namespace detail {
class ConsStringNamer;
}

/// Distances as DevTools stores them.
inline constexpr std::int32_t kNoDistance = -5;
inline constexpr std::int32_t kBaseSystemDistance = 100'000'000;
inline constexpr std::int32_t kBaseUnreachableDistance = 200'000'000;

/// Per-node flag bits (Analysis::flags).
enum NodeFlag : std::uint8_t {
    kFlagDetachedDom = 1,  ///< a native node whose DOM state is detached (scissors icon)
    kFlagCanBeQueried = 2, ///< reachable from a user root through user-visible edges
    kFlagPageObject = 4,   ///< reachable from the page's globals (old-style snapshots only)
};

/// The Summary view's named filters, in DevTools' drop-down order.
enum class NamedFilter : std::uint8_t {
    DuplicatedStrings,
    RetainedByDetachedDom,
    RetainedByContexts,
    RetainedByConsole,
    RetainedByEventHandlers,
};
/// Oracle / CLI name: "duplicatedStrings", "objectsRetainedByDetachedDomNodes", ...
const char* namedFilterKey(NamedFilter f);
/// User-facing title: "Duplicated strings", "Objects retained by detached DOM nodes", ...
const char* namedFilterTitle(NamedFilter f);
std::optional<NamedFilter> namedFilterFromKey(std::string_view key);
inline constexpr NamedFilter kAllNamedFilters[] = {
    NamedFilter::DuplicatedStrings, NamedFilter::RetainedByDetachedDom, NamedFilter::RetainedByContexts,
    NamedFilter::RetainedByConsole, NamedFilter::RetainedByEventHandlers};

/// Which objects the Summary shows.
struct NodeFilter {
    std::optional<NamedFilter> named;
    /// Objects allocated between two snapshots: minId < id <= maxId (DevTools compares raw ids).
    std::optional<std::pair<std::uint32_t, std::uint32_t>> idRange;
    bool isAll() const { return !named && !idRange; }
};

/// A class (Summary row identity): its display name and DevTools' public class key.
struct ClassInfo {
    std::string name; ///< WTF-8, e.g. "Foo", "(string)", "{a, b}", "Detached <div>"
    std::string key;  ///< "scriptId,line,column,Name" for located objects, ",Name" otherwise
};

/// One Summary row.
struct ClassAggregate {
    std::uint32_t classIndex = 0; ///< into Analysis::classes
    std::uint32_t count = 0;
    std::int32_t distance = 0; ///< minimum over instances (may be kNoDistance)
    std::uint64_t selfSize = 0;
    std::uint64_t retainedSize = 0;
    /// The objects, by increasing ordinal: a view into the owning Aggregates' instancePool.
    TypedSpan<NodeOrdinal> instances;
};

/// The Summary for one filter: rows sorted by retained size descending, then name.
struct Aggregates {
    std::vector<ClassAggregate> classes;
    std::uint64_t objectCount = 0;
    std::uint64_t selfSize = 0;
    /// Every row's instances, one run per row (one block: millions of small lists would each
    /// cost a first touch of their pages).
    PodArray<std::uint32_t> instancePool;
};

/// The Statistics perspective, with the oracle's field names.
struct Statistics {
    std::uint64_t total = 0;
    std::uint64_t nativeTotal = 0;
    std::uint64_t typedArrays = 0;
    std::uint64_t v8heapTotal = 0;
    std::uint64_t code = 0;
    std::uint64_t jsArrays = 0;
    std::uint64_t strings = 0;
    std::uint64_t system = 0;
    /// Pie slices as DevTools draws them.
    std::uint64_t otherJs() const { return v8heapTotal - code - strings - jsArrays - system; }
    std::uint64_t otherNative() const { return nativeTotal - typedArrays; }
};

/// A plain-object "interface" ({a, b, c}) inferred from popular property sets.
struct InterfaceDefinition {
    std::string name;                    ///< "{a, b, c}"
    std::vector<std::string> properties; ///< raw property names in the order they were included
};

class Analysis;

struct AnalysisOptions {
    unsigned threads = 0; ///< 0 = hardware concurrency
    /// Interface definitions to use instead of inferring them (the Comparison's base snapshot is
    /// classified with the current snapshot's definitions).
    const std::vector<InterfaceDefinition>* interfaces = nullptr;
    /// Compute the "All objects" aggregates as part of the analysis.
    bool aggregateAll = true;
    /// The caller's own work on what the analysis has found so far, run on the analysis' second
    /// thread while the first computes the dominators (the other thread's passes leave it idle
    /// then); analyze() returns after it. It may read the analysis' `snapshot`, `distance`,
    /// `classOf` and `classes`, nothing else. The context carries the analysis' stop request.
    std::function<void(const Analysis& partial, const WorkContext& context)> alongside;
};

/// Immutable result of analysing one snapshot. Shared by the GUI models and the CLI.
class Analysis {
private:
    detail::TrimOnDestroy m_trim; // first member: runs after the others are freed

public:
    SnapshotPtr snapshot;

    Column<NodeOrdinal, std::uint32_t> selfSize; ///< after DevTools' owned-object reassignment
    Column<NodeOrdinal, std::int32_t> distance;  ///< DevTools' distances (kNoDistance = unreachable)
    /// Immediate dominator (root: itself); one spare entry at the end.
    Column<NodeOrdinal, std::uint32_t, NodeOrdinal> dominator;
    Column<NodeOrdinal, std::uint64_t> retainedSize;
    /// Dominator tree children (CSR): children of n are dominated()[firstDominated()[n] ..
    /// firstDominated()[n+1]), in increasing ordinal order (views sort them as they need). Made by
    /// the analysis; an analysis reopened from its index builds them from `dominator` on the first
    /// call (ensureDominatorTree()).
    const PodArray<std::uint32_t>& firstDominated() const {
        ensureDominatorTree();
        return m_firstDominated;
    }
    const PodArray<std::uint32_t>& dominated() const {
        ensureDominatorTree();
        return m_dominated;
    }
    /// Builds the dominator tree's lists now if they are not there yet (thread-safe; a tenth of a
    /// second on a 1 GB snapshot); free once they are.
    void ensureDominatorTree() const {
        if (!m_dominatorTreeReady.load(std::memory_order_acquire))
            buildDominatorTreeOnce();
    }
    bool hasDominatorTree() const { return m_dominatorTreeReady.load(std::memory_order_acquire); }
    /// Sets the lists (the analysis' dominator tree pass).
    void setDominatorTree(PodArray<std::uint32_t> first, PodArray<std::uint32_t> children);
    Column<NodeOrdinal, std::uint32_t> classOf;     ///< index into classes
    Column<NodeOrdinal, std::uint8_t> flags;        ///< NodeFlag bits
    Column<NodeOrdinal, std::uint8_t> detachedness; ///< DOM state after propagation (0/1/2)
    std::vector<ClassInfo> classes;
    std::vector<InterfaceDefinition> interfaces;

    bool hasUserRoots = false;
    /// Classified with interface definitions given by the caller (AnalysisOptions::interfaces),
    /// not the snapshot's own: such an analysis is not kept as an index.
    bool customInterfaces = false;
    std::vector<std::string> problems; ///< what the dominator pass found odd (nodes hung under the root)
    /// Wall time of each pass in seconds, in the order they finished (two threads run at once).
    std::vector<std::pair<std::string, double>> passTimings;
    std::uint64_t totalSize = 0; ///< root retained size + extra native bytes (percent denominator)
    std::uint64_t reachableCount = 0;
    std::uint64_t unreachableCount = 0;
    Statistics statistics;
    Aggregates allObjects; ///< the Summary with "All objects"

    /// The nodes the node dominates directly, in increasing ordinal order.
    TypedSpan<NodeOrdinal> dominatedBy(NodeOrdinal node) const {
        const auto& first = firstDominated();
        return {dominated().data() + first[node.value], first[node.value + 1] - first[node.value]};
    }

    // --- per-node presentation (DevTools' rules) ---
    /// Raw name including a "Detached " prefix added by DOM propagation.
    std::string rawName(NodeOrdinal node) const;
    /// True when DOM propagation renamed this node to "Detached " + its name. (Inline: the class
    /// names and the statistics ask for every node.)
    bool isRenamedDetached(NodeOrdinal node) const {
        return snapshot->hasDetachedness && detachedness[node] == 2 &&
               snapshot->kind(node) == NodeKind::Native;
    }
    /// DevTools' node name(): cons strings flattened, plain objects as {a, b, …}.
    std::string displayName(NodeOrdinal node) const;
    const ClassInfo& classInfo(NodeOrdinal node) const { return classes[classOf[node]]; }

    /// Aggregates for any filter (the "All objects" one is precomputed in allObjects).
    Expected<Aggregates> aggregate(const NodeFilter& filter, const WorkContext& context = {}) const;
    /// Nodes passing a filter (bit per ordinal), for the GUI's filtered searches.
    Expected<std::vector<bool>> filterMask(const NodeFilter& filter, const WorkContext& context = {}) const;

    std::uint64_t memoryBytes() const;

private:
    void buildDominatorTreeOnce() const;
    mutable std::mutex m_dominatorTreeMutex;
    mutable std::atomic<bool> m_dominatorTreeReady{false};
    mutable PodArray<std::uint32_t> m_firstDominated;
    mutable PodArray<std::uint32_t> m_dominated;
    mutable std::mutex m_namerMutex; // displayName() may be called from several threads
    mutable std::shared_ptr<detail::ConsStringNamer> m_namer;
};

using AnalysisPtr = std::shared_ptr<const Analysis>;

/// Runs every pass (the pass graph in core/src/analysis/pass_graph.cpp) on up to two threads.
/// Reports Stage::Analysis in 1/1000 as the passes end (and from inside the dominator pass).
Expected<AnalysisPtr> analyze(SnapshotPtr snapshot, const AnalysisOptions& options = {},
                              const WorkContext& context = {});

/// Distances as the Retainers pane shows them when some retainers are ignored (DevTools' "Ignore
/// this retainer"): the same BFS, never entering an ignored node. Nodes still unreachable get
/// max(0, main distance) + kBaseUnreachableDistance. `ignoredEdges` receives the WeakMap halves that
/// can no longer retain their value alone.
struct RetainerDistances {
    std::vector<std::int32_t> distance; ///< per node: read with distanceOf()
    std::vector<bool> ignoredEdge;      ///< per edge; empty when none: read with isIgnored()
    std::int32_t distanceOf(NodeOrdinal node) const { return distance[node.value]; }
    bool isIgnored(EdgeOrdinal edge) const { return !ignoredEdge.empty() && ignoredEdge[edge.value]; }
};
/// A long call (a BFS over the whole graph): reports Stage::PathSearch in steps and returns a
/// cancelled error when `context` asks it to stop.
Expected<RetainerDistances> computeRetainerDistances(const Analysis& analysis,
                                                     const std::vector<NodeOrdinal>& ignoredNodes,
                                                     const WorkContext& context = {});

} // namespace heapscope
