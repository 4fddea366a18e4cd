// SPDX-License-Identifier: MIT
// Distances as the Retainers pane shows them when some retainers are ignored (DevTools' "Ignore
// this retainer").
#include "../analysis_internal.h"
#include "heapscope/analysis.h"

#include <algorithm>
#include <utility>

namespace heapscope {

using detail::kNoGroup;

namespace {
// Steps of the progress (Stage::PathSearch): the WeakMap names, the BFS, the WeakMap halves, the
// distances.
constexpr std::uint64_t kSteps = 4;
} // namespace

Expected<RetainerDistances> computeRetainerDistances(const Analysis& a,
                                                     const std::vector<NodeOrdinal>& ignoredNodes,
                                                     const WorkContext& context) {
    const Snapshot& s = *a.snapshot;
    const auto stopped = [&context] { return context.stopRequested(); };
    const auto cancelled = [&s] {
        return cancelledError(s.path, "distances",
                              "the distances without the ignored retainers were cancelled");
    };
    RetainerDistances out;
    const std::uint32_t N = s.nodeCount;
    if (ignoredNodes.empty()) {
        out.distance.assign(a.distance.begin(), a.distance.end());
        for (auto& d : out.distance)
            if (d == kNoDistance)
                d = kBaseUnreachableDistance; // max(0, -5) + 200,000,000
        return out;
    }
    context.report(Stage::PathSearch, 0, kSteps);
    std::vector<bool> ignored(N, false);
    for (NodeOrdinal n : ignoredNodes)
        if (n.value < N)
            ignored[n.value] = true;
    const auto eph = detail::EphemeronNames::build(s, stopped);
    if (stopped())
        return cancelled();
    context.report(Stage::PathSearch, 1, kSteps);
    auto dist = Column<NodeOrdinal, std::int32_t>::zeroed(N);
    detail::computeDistances(s, eph, &ignored, dist.data(), stopped);
    if (stopped())
        return cancelled();
    context.report(Stage::PathSearch, 2, kSteps);
    // WeakMap halves: a value retained through an unreachable key or table cannot be retained by
    // the other half alone.
    std::vector<std::pair<NodeOrdinal, std::uint32_t>> unreachablePairs; // (target, suffix group)
    for (NodeOrdinal n : s.nodes()) {
        if ((n.value & 0x3FFFF) == 0 && stopped())
            return cancelled();
        if (dist[n] != kNoDistance)
            continue;
        for (EdgeOrdinal e : s.edgesOf(n)) {
            if (s.edgeKind(e) != EdgeKind::Internal)
                continue;
            const std::uint32_t g = eph.suffixGroup[s.edgeNameOrIndex[e]];
            if (g != kNoGroup)
                unreachablePairs.emplace_back(s.edgeTo[e], g);
        }
    }
    if (!unreachablePairs.empty()) {
        out.ignoredEdge.assign(s.edgeCount, false);
        std::sort(unreachablePairs.begin(), unreachablePairs.end());
        std::size_t done = 0;
        for (const auto& [target, group] : unreachablePairs) {
            if ((++done & 0xFFFF) == 0 && stopped())
                return cancelled();
            for (RetainerSlot r : s.retainersOf(target)) {
                const EdgeOrdinal e = s.retainerEdge[r];
                if (s.edgeKind(e) == EdgeKind::Internal && eph.suffixGroup[s.edgeNameOrIndex[e]] == group)
                    out.ignoredEdge[e.value] = true;
            }
        }
    }
    context.report(Stage::PathSearch, 3, kSteps);
    out.distance.resize(N);
    for (NodeOrdinal n : s.nodes())
        out.distance[n.value] =
            dist[n] == kNoDistance ? std::max(0, a.distance[n]) + kBaseUnreachableDistance : dist[n];
    context.report(Stage::PathSearch, kSteps, kSteps);
    return out;
}

} // namespace heapscope
