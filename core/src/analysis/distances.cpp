// SPDX-License-Identifier: MIT
// Distances from the root (DevTools' BFS, bfs.cpp) and how many nodes it does not reach.
#include "scheduler.h"
#include "work.h"

namespace heapscope::detail {

void runDistances(AnalysisWork& w, PassContext&) {
    w.a.distance = PodArray<std::int32_t>::uninitialized(w.s.nodeCount);
    computeDistances(w.s, w.weakMapNames, nullptr, w.a.distance.data(), w.stoppedFn());
}

void runUnreachableCount(AnalysisWork& w, PassContext&) {
    for (NodeOrdinal n : w.s.nodes())
        w.a.unreachableCount += w.a.distance[n] == kNoDistance;
}

} // namespace heapscope::detail
