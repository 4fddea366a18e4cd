// SPDX-License-Identifier: MIT
// DOM state: the detachedness of native nodes, propagated from the nodes V8 marked along strong
// edges (attached wins), as DevTools does.
#include "scheduler.h"
#include "work.h"

#include <cstring>
#include <vector>

namespace heapscope::detail {

void runDomState(AnalysisWork& w, PassContext&) {
    const Snapshot& s = w.s;
    const std::uint32_t N = s.nodeCount;
    auto& det = w.a.detachedness;
    det = PodArray<std::uint8_t>::uninitialized(N);
    if (!s.hasDetachedness) {
        // Old snapshots: native nodes named "Detached ..." are detached; nothing propagates.
        for (NodeOrdinal n : s.nodes())
            det[n] = (s.kind(n) == NodeKind::Native && s.name(n).substr(0, 9) == "Detached ") ? 2 : 0;
        return;
    }
    std::memcpy(det.data(), s.nodeDetachedness.data(), N);
    auto visited = Column<NodeOrdinal, std::uint8_t>::zeroed(N); // huge pages
    std::vector<NodeOrdinal> attached, detached;
    auto process = [&](NodeOrdinal n, std::uint8_t state) {
        if (visited[n])
            return;
        visited[n] = 1;
        if (s.kind(n) != NodeKind::Native)
            return; // the state does not pass through JavaScript objects
        det[n] = state;
        if (state == 1)
            attached.push_back(n);
        else if (state == 2)
            detached.push_back(n);
    };
    auto propagate = [&](NodeOrdinal n, std::uint8_t state) {
        for (EdgeOrdinal e : s.edgesOf(n)) {
            const EdgeKind k = s.edgeKind(e);
            if (k == EdgeKind::Hidden || k == EdgeKind::Weak)
                continue;
            process(s.edgeTo[e], state);
        }
    };
    for (NodeOrdinal n : s.nodes())
        if (det[n] != 0)
            process(n, det[n]);
    while (!attached.empty()) {
        const NodeOrdinal n = attached.back();
        attached.pop_back();
        propagate(n, 1);
    }
    while (!detached.empty()) {
        const NodeOrdinal n = detached.back();
        detached.pop_back();
        if (det[n] == 1)
            continue;
        propagate(n, 2);
    }
}

} // namespace heapscope::detail
