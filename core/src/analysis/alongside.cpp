// SPDX-License-Identifier: MIT
// The caller's work beside the dominators (AnalysisOptions::alongside): the last pass of the
// second thread, which would otherwise wait for the first.
#include "scheduler.h"
#include "work.h"

namespace heapscope::detail {

void runAlongside(AnalysisWork& w, PassContext&) {
    if (!w.options.alongside || w.stopped())
        return;
    WorkContext context;
    context.stop = w.context.stop;
    w.options.alongside(w.a, context);
}

} // namespace heapscope::detail
