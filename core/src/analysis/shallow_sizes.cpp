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
    constexpr std::uint32_t kUnvisited = kNoNode, kMultiple = kNoNode - 1; // else the owner's ordinal
    PodArray<std::uint32_t> owners = PodArray<std::uint32_t>::uninitialized(N);
    // Only these nodes can get an owner; every other node owns itself. A bit set of them fits the
    // cache, so the edges to other nodes (most of them) never touch the owners array.
    BitSet ownable(N);
    for (std::uint32_t n = 0; n < N; ++n) {
        if ((n & 0x3FFFF) == 0 && w.stopped())
            return;
        const NodeKind k = s.kind(n);
        if (k == NodeKind::Hidden || k == NodeKind::Array ||
            (k == NodeKind::Native && s.name(n) == "system / ExternalStringData")) {
            owners[n] = kUnvisited;
            ownable.set(n);
        } else {
            owners[n] = n;
        }
    }
    // Every other node, last first, hands itself down to the ownable nodes it reaches through them
    // (depth first); a node reached from two owners has none.
    std::vector<std::uint32_t> work;
    std::uint32_t steps = 0;
    for (std::uint32_t top = N; top-- > 0;) {
        if (ownable.test(top))
            continue;
        work.push_back(top);
        while (!work.empty()) {
            if ((++steps & 0x3FFFF) == 0 && w.stopped())
                return;
            const std::uint32_t id = work.back();
            work.pop_back();
            const std::uint32_t owner = owners[id];
            for (std::uint32_t e = s.firstEdge[id], ee = s.firstEdge[id + 1]; e < ee; ++e) {
                const std::uint32_t child = s.edgeTo[e];
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
    for (std::uint32_t n = 0; n < N; ++n) {
        if ((n & 0x3FFFF) == 0 && w.stopped())
            return;
        const std::uint32_t owner = owners[n];
        if (owner == kUnvisited || owner == kMultiple || owner == n)
            continue;
        if (s.kind(owner) == NodeKind::Synthetic || owner == s.rootOrdinal)
            continue;
        self[owner] += self[n]; // wraps like DevTools' Uint32Array
        self[n] = 0;
    }
}

} // namespace heapscope::detail
