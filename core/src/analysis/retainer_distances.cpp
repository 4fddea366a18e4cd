// SPDX-License-Identifier: MIT
// Distances as the Retainers pane shows them when some retainers are ignored (DevTools' "Ignore
// this retainer").
#include "../analysis_internal.h"
#include "heapscope/analysis.h"

#include <algorithm>
#include <utility>

namespace heapscope {

using detail::kNone;

RetainerDistances computeRetainerDistances(const Analysis& a,
                                           const std::vector<std::uint32_t>& ignoredNodes) {
    const Snapshot& s = *a.snapshot;
    RetainerDistances out;
    const std::uint32_t N = s.nodeCount;
    if (ignoredNodes.empty()) {
        out.distance.assign(a.distance.begin(), a.distance.end());
        for (auto& d : out.distance)
            if (d == kNoDistance)
                d = kBaseUnreachableDistance; // max(0, -5) + 200,000,000
        return out;
    }
    std::vector<bool> ignored(N, false);
    for (std::uint32_t n : ignoredNodes)
        if (n < N)
            ignored[n] = true;
    const auto eph = detail::EphemeronNames::build(s);
    std::vector<std::int32_t> dist(N);
    detail::computeDistances(s, eph, &ignored, dist.data());
    // WeakMap halves: a value retained through an unreachable key or table cannot be retained by
    // the other half alone.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> unreachablePairs; // (target, suffix group)
    for (std::uint32_t n = 0; n < N; ++n) {
        if (dist[n] != kNoDistance)
            continue;
        for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e) {
            if (s.edgeKind(e) != EdgeKind::Internal)
                continue;
            const std::uint32_t g = eph.suffixGroup[s.edgeNameOrIndex[e]];
            if (g != kNone)
                unreachablePairs.emplace_back(s.edgeTo[e], g);
        }
    }
    if (!unreachablePairs.empty()) {
        out.ignoredEdge.assign(s.edgeCount, false);
        std::sort(unreachablePairs.begin(), unreachablePairs.end());
        for (const auto& [target, group] : unreachablePairs) {
            for (std::uint32_t r = s.firstRetainer[target], re = s.firstRetainer[target + 1]; r < re; ++r) {
                const std::uint32_t e = s.retainerEdge[r];
                if (s.edgeKind(e) == EdgeKind::Internal && eph.suffixGroup[s.edgeNameOrIndex[e]] == group)
                    out.ignoredEdge[e] = true;
            }
        }
    }
    out.distance.resize(N);
    for (std::uint32_t n = 0; n < N; ++n)
        out.distance[n] =
            dist[n] == kNoDistance ? std::max(0, a.distance[n]) + kBaseUnreachableDistance : dist[n];
    return out;
}

} // namespace heapscope
