// SPDX-License-Identifier: MIT
// The analysis' pass graph: one line per pass. With two threads, the main thread's lane is the
// dominator tree's path (DOM state, flags, half of the essential edges, the shallow sizes filling
// the wait for the other half, dominators, dominator tree); the other thread maps the dominator
// pass's arrays in and computes everything beside it; the class retained sizes run on both.
#include "pass_graph.h"

namespace heapscope::detail {

void runDomState(AnalysisWork&, PassContext&);
void runWeakMapNames(AnalysisWork&, PassContext&);
void runFlags(AnalysisWork&, PassContext&);
void runDominatorArrays(AnalysisWork&, PassContext&);
void runEssentialEdges(AnalysisWork&, PassContext&);
void runEssentialEdgesSecondHalf(AnalysisWork&, PassContext&);
void runEssentialEdgesJoin(AnalysisWork&, PassContext&);
void runShallowSizes(AnalysisWork&, PassContext&);
void runEssentialSlots(AnalysisWork&, PassContext&);
void runDominators(AnalysisWork&, PassContext&);
void runDominatorTree(AnalysisWork&, PassContext&);
void runQueryable(AnalysisWork&, PassContext&);
void runDistances(AnalysisWork&, PassContext&);
void runClassNames(AnalysisWork&, PassContext&);
void runStatistics(AnalysisWork&, PassContext&);
void runUnreachableCount(AnalysisWork&, PassContext&);
void runSummaryRows(AnalysisWork&, PassContext&);
void runTotals(AnalysisWork&, PassContext&);
void runClassRetainedSizes(AnalysisWork&, PassContext&);
void runAlongside(AnalysisWork&, PassContext&);

namespace {

using namespace artefact;

// In the order one thread runs them. The weights add up to 1000.
constexpr Pass kPasses[] = {
    {.name = "DOM state", .lane = Lane::Main, .produces = DomState, .weight = 40, .run = runDomState},
    {.name = "weakmap names", .lane = Lane::Side, .produces = WeakMapNames, .run = runWeakMapNames},
    {.name = "flags",
     .lane = Lane::Main,
     .reads = DomState,
     .produces = Flags,
     .weight = 120,
     .run = runFlags},
    {.name = "dominator arrays", .lane = Lane::Side, .produces = DominatorArrays, .run = runDominatorArrays},
    {.name = "essential edges",
     .lane = Lane::Main,
     .reads = Flags | WeakMapNames,
     .produces = EssentialFilter | EssentialFirstHalf,
     .weight = 100,
     .run = runEssentialEdges},
    {.name = "essential edges (second half)",
     .timed = false,
     .lane = Lane::Side,
     .reads = EssentialFilter,
     .produces = EssentialSecondHalf,
     .run = runEssentialEdgesSecondHalf},
    {.name = "essential edges (other half)",
     .lane = Lane::Main,
     .reads = EssentialFirstHalf | EssentialSecondHalf,
     .produces = EssentialEdges,
     .run = runEssentialEdgesJoin},
    {.name = "shallow sizes",
     .lane = Lane::Main,
     .produces = SelfSizes,
     .weight = 100,
     .fillsWaits = true,
     .run = runShallowSizes},
    {.name = "essential slots",
     .lane = Lane::Side,
     .reads = EssentialEdges,
     .produces = EssentialSlots,
     .run = runEssentialSlots},
    {.name = "dominators",
     .lane = Lane::Main,
     .reads = EssentialEdges | DominatorArrays,
     .awaits = EssentialSlots | SelfSizes,
     .produces = Dominators,
     .weight = 550,
     .run = runDominators},
    {.name = "dominator tree",
     .lane = Lane::Main,
     .reads = Dominators,
     .produces = DominatorTree,
     .weight = 40,
     .run = runDominatorTree},
    {.name = "queryable", .lane = Lane::Side, .produces = Queryable, .run = runQueryable},
    {.name = "distances",
     .lane = Lane::Side,
     .reads = WeakMapNames,
     .produces = Distances,
     .run = runDistances},
    {.name = "class names", .lane = Lane::Side, .reads = DomState, .produces = Classes, .run = runClassNames},
    {.name = "statistics",
     .lane = Lane::Side,
     .reads = DomState | SelfSizes,
     .produces = Statistics,
     .run = runStatistics},
    {.name = "unreachable count",
     .timed = false,
     .lane = Lane::Side,
     .reads = Distances,
     .produces = UnreachableCount,
     .run = runUnreachableCount},
    {.name = "summary rows",
     .lane = Lane::Side,
     .reads = Classes | SelfSizes | Distances,
     .produces = SummaryRows,
     .forSummary = true,
     .run = runSummaryRows},
    {.name = "caller's work",
     .timed = false,
     .lane = Lane::Side,
     .reads = Distances | Classes,
     .produces = CallersWork,
     .run = runAlongside},
    {.name = "totals",
     .timed = false,
     .lane = Lane::Main,
     .reads = Flags | Queryable | Dominators | UnreachableCount | Statistics | SummaryRows,
     .produces = Totals,
     .run = runTotals},
    {.name = "class retained sizes",
     .lane = Lane::Main,
     .reads = SummaryRows | DominatorTree | Totals,
     .produces = AllObjects,
     .weight = 50,
     .forSummary = true,
     .run = runClassRetainedSizes},
};

constexpr int totalWeight() {
    int sum = 0;
    for (const Pass& pass : kPasses)
        sum += pass.weight;
    return sum;
}
static_assert(totalWeight() == 1000, "the passes' weights are shares of 1000");

// Every pass comes after the passes that produce what it reads or awaits (the lanes, being in this
// order too, then never wait for each other in a circle), and a pass that fills a wait awaits
// nothing (it must not wait itself).
constexpr bool inDependencyOrder() {
    Artefacts made = 0;
    for (const Pass& pass : kPasses) {
        if (!hasAll(made, pass.reads | pass.awaits) || (pass.fillsWaits && pass.awaits != 0))
            return false;
        made |= pass.produces;
    }
    return true;
}
static_assert(inDependencyOrder(), "a pass reads what no pass before it produces");

} // namespace

std::span<const Pass> analysisPasses() {
    return kPasses;
}

} // namespace heapscope::detail
