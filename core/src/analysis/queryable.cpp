// SPDX-License-Identifier: MIT
// Queryable marks: which nodes a user can reach from the user roots through user-visible edges.
#include "scheduler.h"
#include "work.h"

#include <vector>

namespace heapscope::detail {

// canBeQueried: DFS from the user roots (non-synthetic root children) along user-visible edges.
// Runs beside the dominator pass, so it fills its own array; merged into the flags at the end.
void runQueryable(AnalysisWork& w, PassContext&) {
    const Snapshot& s = w.s;
    auto& queryable = w.queryable;
    queryable = PodArray<std::uint8_t>::zeroed(s.nodeCount); // huge pages
    std::vector<NodeOrdinal> stack;
    for (EdgeOrdinal e : s.edgesOf(s.root()))
        if (s.kind(s.edgeTo[e]) != NodeKind::Synthetic)
            stack.push_back(s.edgeTo[e]);
    std::uint32_t steps = 0;
    while (!stack.empty()) {
        if ((++steps & 0x3FFFF) == 0 && w.stopped())
            return;
        const NodeOrdinal n = stack.back();
        stack.pop_back();
        if (queryable[n])
            continue;
        queryable[n] = 1;
        for (EdgeOrdinal e : s.edgesOf(n)) {
            const NodeOrdinal t = s.edgeTo[e];
            if (queryable[t])
                continue;
            const EdgeKind k = s.edgeKind(e);
            if (k == EdgeKind::Hidden || k == EdgeKind::Internal || k == EdgeKind::Weak)
                continue;
            stack.push_back(t);
        }
    }
}

} // namespace heapscope::detail
