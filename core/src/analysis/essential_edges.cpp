// SPDX-License-Identifier: MIT
// The essential edges of the dominator tree (DevTools' isEssentialEdge: no weak edges, no
// shortcuts but the root's, no edges into page objects from outside, no table halves of WeakMap
// pairs), as bits by edge (two halves, one per thread) and then by retainer slot.
#include "scheduler.h"
#include "work.h"

#include <algorithm>

namespace heapscope::detail {

namespace {

// What the per-edge test needs, gathered once before both threads run it on halves of the nodes.
void prepare(AnalysisWork& w) {
    const Snapshot& s = w.s;
    const std::uint32_t N = s.nodeCount;
    w.essential.byEdge = BitSet(s.edgeCount);
    // Small bit sets instead of byte arrays: the random lookups then mostly hit the cache (the page
    // objects are one already).
    w.essential.ephemeronName = BitSet(s.strings.size());
    for (StringId id : stringIds(s))
        if (w.weakMapNames.isEphemeron(id))
            w.essential.ephemeronName.set(id);
    // where the second thread's half starts: the node nearest to half of the edges
    const std::uint32_t halfEdges = s.firstEdge[s.nodes().last()].value / 2;
    const auto at = std::lower_bound(s.firstEdge.begin(), s.firstEdge.begin() + N, halfEdges);
    w.essential.split = NodeOrdinal(std::uint32_t(at - s.firstEdge.begin()));
}

// The essential bits of the edges of nodes [from, to). With `kSharesFirstWord`, bits of the word the
// range starts in go to `firstWordBits`: the thread with the range before may be writing that word.
template <bool kSharesFirstWord>
void computeRange(AnalysisWork& w, NodeOrdinal from, NodeOrdinal to, std::uint64_t* firstWordBits) {
    const Snapshot& s = w.s;
    const NodeOrdinal root = s.root();
    const BitSet& page = w.pageObjects;
    const BitSet& ephemeronName = w.essential.ephemeronName;
    const bool anyPage = w.anyPageObject;
    const std::uint8_t* types = s.edgeType.data();
    std::uint8_t kinds[256] = {};
    for (std::size_t t = 0; t < s.edgeKinds.size(); ++t)
        kinds[t] = std::uint8_t(s.edgeKinds[t]);
    const std::uint64_t sharedWord = std::uint64_t(s.firstEdge[from].value) >> 6;
    for (NodeOrdinal n : IndexRange(from, to)) {
        if ((n.value & 0x3FFFF) == 0 && w.stopped())
            return;
        const bool sourcePage = anyPage && page.test(n);
        for (EdgeOrdinal e : s.edgesOf(n)) {
            const EdgeKind k = EdgeKind(kinds[types[e.value]]);
            const NodeOrdinal t = s.edgeTo[e];
            if (k == EdgeKind::Internal) {
                const StringId nameId(s.edgeNameOrIndex[e]);
                if (ephemeronName.test(nameId) && s.nodeId[n] == w.weakMapNames.tableId[nameId.value])
                    continue; // the table's half of a WeakMap pair
            }
            if (k == EdgeKind::Weak || n == t)
                continue;
            if (n != root) {
                if (k == EdgeKind::Shortcut)
                    continue;
                if (anyPage && !sourcePage && page.test(t))
                    continue;
            }
            if (kSharesFirstWord && (e.value >> 6) == sharedWord)
                *firstWordBits |= 1ull << (e.value & 63);
            else
                w.essential.byEdge.set(e);
        }
    }
}

} // namespace

// The main thread's half: it hands the filter's inputs over first, so the other thread can start
// on its half.
void runEssentialEdges(AnalysisWork& w, PassContext& pass) {
    prepare(w);
    pass.publish(Artefact::EssentialFilter);
    computeRange<false>(w, NodeOrdinal(0), w.essential.split, nullptr);
}

// The other thread's half (untimed: it runs beside the main thread's half).
void runEssentialEdgesSecondHalf(AnalysisWork& w, PassContext&) {
    computeRange<true>(w, w.essential.split, w.s.nodes().last(), &w.essential.splitWordBits);
}

// The bits of the word both halves wrote in.
void runEssentialEdgesJoin(AnalysisWork& w, PassContext&) {
    if (w.essential.splitWordBits)
        w.essential.byEdge.orWord(std::uint64_t(w.s.firstEdge[w.essential.split].value) >> 6,
                                  w.essential.splitWordBits);
}

// The same bits by retainer slot, for the dominator pass's predecessor loop. Slots of a target are
// in decreasing (source, edge) order, so a cursor per target walking down from its end meets the
// edges in file order. Runs beside the dominator DFS, which needs only the bits by edge.
void runEssentialSlots(AnalysisWork& w, PassContext&) {
    const Snapshot& s = w.s;
    const std::uint32_t N = s.nodeCount;
    w.essential.bySlot = BitSet(s.edgeCount);
    PodArray<std::uint32_t> cursors = PodArray<std::uint32_t>::uninitialized(std::size_t(N) + 1);
    std::uint32_t* cursor = cursors.data();
    if (!w.copyIn(cursor, s.firstRetainer().data() + 1, std::size_t(N) * 4))
        return;
    for (NodeOrdinal n : s.nodes()) {
        if ((n.value & 0x3FFFF) == 0 && w.stopped())
            return;
        for (EdgeOrdinal e : s.edgesOf(n)) {
            const std::uint32_t slot = --cursor[s.edgeTo[e].value];
            if (w.essential.byEdge.test(e))
                w.essential.bySlot.set(slot);
        }
    }
}

} // namespace heapscope::detail
