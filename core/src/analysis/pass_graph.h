// SPDX-License-Identifier: MIT
// The analysis as a graph of passes: what each reads and produces, on which thread it runs when
// there are two, and its share of the progress bar. The scheduler (scheduler.h) runs them.
#pragma once

#include <cstdint>
#include <span>

namespace heapscope::detail {

struct AnalysisWork;
class PassContext;

/// What a pass hands to the passes after it (a result array of the Analysis or an array of
/// AnalysisWork), as a bit; a set of them is their bits ORed (Artefacts).
namespace artefact {
enum Artefact : std::uint32_t {
    DomState = 1u << 0,            ///< Analysis::detachedness
    WeakMapNames = 1u << 1,        ///< AnalysisWork::weakMapNames
    Flags = 1u << 2,               ///< Analysis::flags (detached DOM) and AnalysisWork::pageObjects
    DominatorArrays = 1u << 3,     ///< AnalysisWork::dominatorArrays, mapped in
    EssentialFilter = 1u << 4,     ///< AnalysisWork::essential: what the per-edge test needs, and its split
    EssentialFirstHalf = 1u << 5,  ///< the bits by edge of the nodes before the split
    EssentialSecondHalf = 1u << 6, ///< the bits by edge of the nodes from the split on
    EssentialEdges = 1u << 7,      ///< all the bits by edge
    EssentialSlots = 1u << 8,      ///< the bits by retainer slot
    SelfSizes = 1u << 9,           ///< Analysis::selfSize
    Dominators = 1u << 10,       ///< Analysis::dominator and retainedSize; AnalysisWork::dominatorTreeStorage
    DominatorTree = 1u << 11,    ///< Analysis::firstDominated and dominated
    Queryable = 1u << 12,        ///< AnalysisWork::queryable
    Distances = 1u << 13,        ///< Analysis::distance
    UnreachableCount = 1u << 14, ///< Analysis::unreachableCount
    Classes = 1u << 15,          ///< Analysis::classOf, classes and interfaces
    Statistics = 1u << 16,       ///< Analysis::statistics but the totals
    SummaryRows = 1u << 17,      ///< AnalysisWork::summaryRows and countedClass (no retained sizes yet)
    Totals = 1u << 18,           ///< the flags' other bits, the counts, totals and statistics' totals
    AllObjects = 1u << 19,       ///< Analysis::allObjects
    CallersWork = 1u << 20,      ///< AnalysisOptions::alongside has run
};
} // namespace artefact
using artefact::Artefact;

using Artefacts = std::uint32_t;
constexpr bool hasAll(Artefacts set, Artefacts wanted) {
    return (set & wanted) == wanted;
}

/// Which of the two threads runs a pass (with one thread, that one runs every pass).
enum class Lane : std::uint8_t { Main, Side };

struct Pass {
    /// Its entry in Analysis::passTimings; an untimed pass (a short step between passes) is not
    /// listed there.
    const char* name = "";
    bool timed = true;
    Lane lane = Lane::Main;
    Artefacts reads = 0;  ///< ready before it starts
    Artefacts awaits = 0; ///< needed only part-way, awaited inside (with one thread: ready before it starts)
    Artefacts produces = 0;
    /// Its share of the analysis' progress bar in 1/1000 (the passes on the main thread's path, by
    /// their usual share of its time on a large file; the passes beside them do not move the bar).
    std::uint16_t weight = 0;
    /// May run ahead of its lane while the lane's next pass waits for the other thread.
    bool fillsWaits = false;
    /// Runs only with AnalysisOptions::aggregateAll; otherwise what it produces counts as there.
    bool forSummary = false;
    void (*run)(AnalysisWork& work, PassContext& pass) = nullptr;
};

/// The analysis' passes in the order one thread runs them (a dependency order).
std::span<const Pass> analysisPasses();

} // namespace heapscope::detail
