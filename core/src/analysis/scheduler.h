// SPDX-License-Identifier: MIT
// Runs the pass graph on one or two threads in dependency order, records the pass timings and
// moves the progress bar by the passes' weights.
#pragma once

#include "pass_graph.h"

#include <cstddef>
#include <span>

namespace heapscope::detail {

class Scheduler;

/// What a running pass may ask of the scheduler.
class PassContext {
public:
    PassContext(Scheduler& scheduler, std::size_t pass) : m_scheduler(scheduler), m_pass(pass) {}
    /// Waits for an artefact the pass declared in `awaits`; false when the analysis stops meanwhile.
    bool await(Artefact artefact);
    /// Hands an artefact the pass declared in `produces` over before the pass ends.
    void publish(Artefact artefact);
    /// Moves the bar within a long pass: `fraction` (0..1) of it is done.
    void progress(double fraction);
    /// Records the wall time of a part of the pass under a name of its own.
    void recordTiming(const char* name, double seconds);

private:
    Scheduler& m_scheduler;
    std::size_t m_pass;
};

enum class PassesEnd { Finished, Stopped, OutOfMemory };

/// Runs every pass once its inputs are ready (`passes` in a dependency order: pass_graph.cpp checks
/// its table when it compiles). With two threads, each runs its lane's passes in order (a pass
/// marked fillsWaits may run early while the next one waits); a thread with nothing ready waits.
/// Stops all passes when one runs out of memory or a stop is requested. Rethrows any other
/// exception of a pass.
PassesEnd runPasses(std::span<const Pass> passes, AnalysisWork& work);

} // namespace heapscope::detail
