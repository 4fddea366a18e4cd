// SPDX-License-Identifier: MIT
// What is left when both threads' passes are done: the marks computed beside the dominator pass
// merged into the flags, the counts, the total size and the statistics' totals.
#include "scheduler.h"
#include "work.h"

namespace heapscope::detail {

void runTotals(AnalysisWork& w, PassContext&) {
    const Snapshot& s = w.s;
    const std::uint32_t N = s.nodeCount;
    Analysis& a = w.a;
    for (NodeOrdinal n : s.nodes()) {
        if (n.value >= w.queryable.size())
            break;
        if (w.queryable[n])
            a.flags[n] |= kFlagCanBeQueried;
    }
    w.queryable.release();
    if (w.anyPageObject)
        for (NodeOrdinal n : s.nodes())
            if (w.pageObjects.test(n))
                a.flags[n] |= kFlagPageObject;
    a.reachableCount = N - a.unreachableCount;
    a.totalSize = a.retainedSize[s.root()] + std::uint64_t(s.extraNativeBytes);
    a.statistics.total = a.totalSize;
    a.statistics.v8heapTotal = a.totalSize - a.statistics.nativeTotal;
}

} // namespace heapscope::detail
