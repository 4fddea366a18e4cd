// SPDX-License-Identifier: MIT
// Flags: detached DOM nodes, and the page objects (reachable from the page's globals, in old-style
// snapshots).
#include "scheduler.h"
#include "work.h"

#include <vector>

namespace heapscope::detail {

void runFlags(AnalysisWork& w, PassContext&) {
    const Snapshot& s = w.s;
    const std::uint32_t N = s.nodeCount;
    auto& flags = w.a.flags;
    flags = PodArray<std::uint8_t>::zeroed(N);
    for (NodeOrdinal n : s.nodes())
        if (s.kind(n) == NodeKind::Native && w.a.detachedness[n] == 2)
            flags[n] |= kFlagDetachedDom;
    std::vector<NodeOrdinal> stack;
    // pageObject: from the root's shortcut targets and "(Document DOM trees)", along non-weak edges.
    // Marked in a bit set when queued (it fits the cache where the flag bytes do not); the flags get
    // the bit when the analysis ends.
    BitSet& page = w.pageObjects;
    page = BitSet(N);
    for (EdgeOrdinal e : s.edgesOf(s.root())) {
        const NodeOrdinal t = s.edgeTo[e];
        const EdgeKind k = s.edgeKind(e);
        if (k == EdgeKind::Element) {
            if (!(s.kind(t) == NodeKind::Synthetic && s.name(t) == "(Document DOM trees)"))
                continue;
        } else if (k != EdgeKind::Shortcut) {
            continue;
        }
        if (page.test(t))
            continue;
        stack.push_back(t);
        page.set(t);
        w.anyPageObject = true;
    }
    std::uint32_t steps = 0;
    while (!stack.empty()) {
        if ((++steps & 0x3FFFF) == 0 && w.stopped())
            return;
        const NodeOrdinal n = stack.back();
        stack.pop_back();
        for (EdgeOrdinal e : s.edgesOf(n)) {
            const NodeOrdinal t = s.edgeTo[e];
            if (page.test(t) || s.edgeKind(e) == EdgeKind::Weak)
                continue;
            stack.push_back(t);
            page.set(t);
        }
    }
}

} // namespace heapscope::detail
