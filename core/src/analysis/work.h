// SPDX-License-Identifier: MIT
// What the analysis passes share: the snapshot, the Analysis being built, and the artefacts one
// pass hands to another (each named in pass_graph.h's Artefact).
#pragma once

#include "../analysis_internal.h"
#include "../parallel.h"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace heapscope::detail {

/// DevTools' essential edges of the dominator tree, by edge and by retainer slot. The bits by edge
/// are computed in two halves of the nodes, one per thread.
struct EssentialEdgeBits {
    BitSet byEdge;                   ///< per edge ordinal
    BitSet bySlot;                   ///< per retainer slot
    BitSet ephemeronName;            ///< per string id: names half of a WeakMap pair (per-edge test)
    NodeOrdinal split;               ///< first node of the second half
    std::uint64_t splitWordBits = 0; ///< the second half's bits in the word it shares with the first
};

/// Lengauer–Tarjan's arrays, per vertex (ordinal + 1; N + 1 entries each), mapped in before the
/// dominator pass needs them (on the other thread). Their storage is reused when the pass ends to
/// keep peak memory low: `links` becomes the retained sizes, `dominators` the dominators, and
/// `vertex` and `semi` the dominator tree's storage (DominatorTreeStorage).
struct DominatorArrays {
    PodArray<std::uint64_t> links; ///< (ancestor, label) pairs; ancestor is nextEdge during the DFS
    PodArray<std::uint32_t> vertex;
    PodArray<std::uint32_t> semi;
    PodArray<std::uint32_t> dominators;
    PodArray<std::uint32_t> parent;
    PodArray<std::uint32_t> bucketHead;
    PodArray<std::uint32_t> bucketNext;
};

/// Two arrays of N + 1 entries the dominator pass no longer needs (its `semi` and `vertex`),
/// handed to the dominator tree pass, which fills them as Analysis::firstDominated and dominated.
struct DominatorTreeStorage {
    PodArray<std::uint32_t> offsets;
    PodArray<std::uint32_t> children;
};

struct AnalysisWork {
    AnalysisWork(const Snapshot& snapshot, Analysis& analysis, const AnalysisOptions& analysisOptions,
                 const WorkContext& workContext, unsigned threadCount)
        : s(snapshot), a(analysis), options(analysisOptions), context(workContext), threads(threadCount) {}

    const Snapshot& s;
    Analysis& a; ///< the result being built
    const AnalysisOptions& options;
    const WorkContext& context;
    const unsigned threads; ///< 1: every pass on the calling thread

    /// Set when a pass runs out of memory (or fails otherwise): every pass stops.
    std::atomic<bool> stop{false};
    bool stopped() const { return context.stopRequested() || stop.load(std::memory_order_relaxed); }
    std::function<bool()> stoppedFn() const {
        return [this] { return stopped(); };
    }

    // Faults fresh zero pages in, one write per page, in slices between cancellation checks: the
    // passes that follow touch them at random, and a first touch can be slow (zeroing, or a
    // virtual machine's host handing out the memory).
    bool mapIn(void* data, std::size_t bytes) const {
        return mapInSlices(data, bytes, [this] { return stopped(); });
    }
    // memcpy in slices between cancellation checks (the destination is usually fresh memory)
    bool copyIn(void* to, const void* from, std::size_t bytes) const {
        constexpr std::size_t slice = 8u << 20;
        for (std::size_t at = 0; at < bytes; at += slice) {
            if (stopped())
                return false;
            std::memcpy(static_cast<char*>(to) + at, static_cast<const char*>(from) + at,
                        std::min(slice, bytes - at));
        }
        return true;
    }

    // --- artefacts between passes (the Analysis holds the others) ---
    EphemeronNames weakMapNames;
    BitSet pageObjects; ///< per node: reachable from the page's globals (merged into the flags at the end)
    bool anyPageObject = false;
    EssentialEdgeBits essential;
    DominatorArrays dominatorArrays;
    DominatorTreeStorage dominatorTreeStorage;
    Column<NodeOrdinal, std::uint8_t> queryable; ///< can be queried (merged into the flags at the end)
    Aggregates summaryRows;
    PodArray<std::uint32_t> countedClass; ///< per node: its class when it counts in "All objects"
};

/// The dominator tree's lists (CSR, children in increasing ordinal order) from the dominators:
/// `first` and `list` have N + 1 entries (dominator_tree.cpp).
void fillDominatorTree(std::uint32_t N, std::uint32_t root, const std::uint32_t* dominator,
                       std::uint32_t* first, std::uint32_t* list);

} // namespace heapscope::detail
