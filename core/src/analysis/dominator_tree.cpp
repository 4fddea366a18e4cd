// SPDX-License-Identifier: MIT
// The dominator tree as lists of dominated children (CSR).
#include "scheduler.h"
#include "work.h"

#include <cstring>

namespace heapscope::detail {

// Dominated children per node (CSR), in increasing ordinal order (memory order: the class retained
// size walk over this tree then touches nearby nodes one after another).
// Fills the storage the dominator pass handed over (its arrays of N + 1 entries it no longer needs).
void fillDominatorTree(std::uint32_t N, std::uint32_t root, const std::uint32_t* dominator,
                       std::uint32_t* first, std::uint32_t* list) {
    std::memset(first, 0, (std::size_t(N) + 1) * 4);
    for (std::uint32_t o = 0; o < N; ++o)
        if (o != root)
            ++first[dominator[o]];
    // first[n] becomes the end of n's range, then the fill walks it back to the start.
    std::uint32_t running = 0;
    for (std::uint32_t o = 0; o < N; ++o) {
        running += first[o];
        first[o] = running;
    }
    first[N] = running;
    for (std::uint32_t o = N; o-- > 0;)
        if (o != root)
            list[--first[dominator[o]]] = o;
}

void runDominatorTree(AnalysisWork& w, PassContext&) {
    const Snapshot& s = w.s;
    PodArray<std::uint32_t> first = std::move(w.dominatorTreeStorage.offsets);
    PodArray<std::uint32_t> list = std::move(w.dominatorTreeStorage.children);
    fillDominatorTree(s.nodeCount, s.rootOrdinal, w.a.dominator.data(), first.data(), list.data());
    w.a.setDominatorTree(std::move(first), std::move(list));
}

} // namespace heapscope::detail
