// SPDX-License-Identifier: MIT
// The Summary with "All objects": its rows (beside the dominator pass), then the class retained
// sizes on every thread once the dominator tree is there.
#include "scheduler.h"
#include "work.h"

namespace heapscope::detail {

void runSummaryRows(AnalysisWork& w, PassContext&) {
    w.summaryRows =
        aggregateRows(w.a, w.a.classOf.data(), w.a.classes.size(), nullptr, &w.countedClass, w.stoppedFn());
}

void runClassRetainedSizes(AnalysisWork& w, PassContext&) {
    addClassRetainedSizes(w.a, w.countedClass, w.a.classes.size(), w.summaryRows, w.stoppedFn(), w.threads);
    if (w.stopped())
        return;
    w.countedClass.release();
    sortRows(w.a.classes, w.summaryRows);
    w.a.allObjects = std::move(w.summaryRows);
}

} // namespace heapscope::detail
