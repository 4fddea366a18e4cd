// SPDX-License-Identifier: MIT
// Shallow sizes after DevTools' owned-object reassignment: hidden objects, arrays and external
// string data owned by exactly one other object count in that object's size.
#include "scheduler.h"
#include "work.h"

#include <vector>

namespace heapscope::detail {

void runShallowSizes(AnalysisWork& w, PassContext&) {
    const Snapshot& s = w.s;
    const std::uint32_t N = s.nodeCount;
    auto& self = w.a.selfSize;
    self = PodArray<std::uint32_t>::uninitialized(N);
    if (!w.copyIn(self.data(), s.nodeSelfSize.data(), std::size_t(N) * 4))
        return;
    if (!w.a.hasUserRoots)
        return; // "expose internals" snapshots show real allocations
    constexpr std::uint32_t kUnvisited = kNoIndex, kMultiple = kNoIndex - 1; // else the owner's ordinal
    auto owners = Column<NodeOrdinal, std::uint32_t>::uninitialized(N);
    // Only these nodes can get an owner; every other node owns itself. A bit set of them fits the
    // cache, so the edges to other nodes (most of them) never touch the owners array.
    BitSet ownable(N);
    for (NodeOrdinal n : s.nodes()) {
        if ((n.value & 0x3FFFF) == 0 && w.stopped())
            return;
        const NodeKind k = s.kind(n);
        if (k == NodeKind::Hidden || k == NodeKind::Array ||
            (k == NodeKind::Native && s.name(n) == "system / ExternalStringData")) {
            owners[n] = kUnvisited;
            ownable.set(n);
        } else {
            owners[n] = n.value;
        }
    }
    // Every other node, last first, hands itself down to the ownable nodes it reaches through them
    // (depth first); a node reached from two owners has none.
    std::vector<NodeOrdinal> work;
    std::uint32_t steps = 0;
    for (std::uint32_t i = N; i-- > 0;) {
        const NodeOrdinal top(i);
        if (ownable.test(top))
            continue;
        work.push_back(top);
        while (!work.empty()) {
            if ((++steps & 0x3FFFF) == 0 && w.stopped())
                return;
            const NodeOrdinal id = work.back();
            work.pop_back();
            const std::uint32_t owner = owners[id];
            for (EdgeOrdinal e : s.edgesOf(id)) {
                const NodeOrdinal child = s.edgeTo[e];
                if (!ownable.test(child) || s.edgeKind(e) == EdgeKind::Weak)
                    continue;
                const std::uint32_t cur = owners[child];
                if (cur == kUnvisited) {
                    owners[child] = owner;
                    work.push_back(child);
                } else if (cur == owner || cur == kMultiple) {
                } else {
                    owners[child] = kMultiple;
                    work.push_back(child);
                }
            }
        }
    }
    for (NodeOrdinal n : s.nodes()) {
        if ((n.value & 0x3FFFF) == 0 && w.stopped())
            return;
        const std::uint32_t o = owners[n];
        if (o == kUnvisited || o == kMultiple || o == n.value)
            continue;
        const NodeOrdinal owner(o);
        if (s.kind(owner) == NodeKind::Synthetic || owner == s.root())
            continue;
        self[owner] += self[n]; // wraps like DevTools' Uint32Array
        self[n] = 0;
    }
}

} // namespace heapscope::detail
