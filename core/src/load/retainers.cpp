// SPDX-License-Identifier: MIT
// The retainers in CSR form, by counting sort on the target: built after a load and after a
// reopen from the index (which does not store them: they are cheaper to rebuild than to check).
#include "retainers.h"

#include "../parallel.h"

#include <algorithm>
#include <vector>

namespace heapscope::detail {

bool buildRetainerArrays(const Snapshot& s, unsigned threads, const WorkContext& context,
                         PodArray<std::uint32_t>& first, PodArray<std::uint32_t>& source) {
    const std::uint32_t N = s.nodeCount;
    const std::uint32_t E = s.edgeCount;
    // Retainers by counting sort on the target. Each thread takes a range of sources (about the
    // same number of edges) and counts their targets in an array of its own, so nothing is shared
    // and no branch depends on where a target lies. A target's slots are filled back to front with
    // its retainers in increasing (source, edge) order, so they end up in decreasing order, as
    // DevTools has them: the range of the lowest sources gets the top of each target's slots.
    // Thread 0 takes the highest sources and counts in the first-retainer array itself, whose cursors it
    // moves down to where each target's slots start.
    const unsigned T = (E < (1u << 16)) ? 1 : std::clamp(threads, 1u, 4u);
    const std::uint32_t* const firstEdge = s.firstEdge.data();
    std::vector<std::uint32_t> rangeBegin(T + 1, N); // source ranges, lowest first
    rangeBegin[0] = 0;
    for (unsigned r = 1; r < T; ++r) {
        const std::uint32_t edge = std::uint32_t(std::uint64_t(E) * r / T);
        rangeBegin[r] = std::max(rangeBegin[r - 1],
                                 std::uint32_t(std::lower_bound(firstEdge, firstEdge + N, edge) - firstEdge));
    }
    first = PodArray<std::uint32_t>::zeroed(std::size_t(N) + 1);
    std::vector<PodArray<std::uint32_t>> otherCounts;
    for (unsigned t = 1; t < T; ++t)
        otherCounts.push_back(PodArray<std::uint32_t>::zeroed(N));
    auto countsOf = [&](unsigned t) { return t == 0 ? first.data() : otherCounts[t - 1].data(); };
    auto stopped = [&] { return context.stopRequested(); };
    // The counts and the retainer slots are filled in random order: mapped in first, in slices
    // between cancellation checks.
    detail::runParallel(
        T, [&](unsigned t) { detail::mapInSlices(countsOf(t), (std::size_t(N) + (t == 0)) * 4, stopped); });
    if (context.stopRequested())
        return false;
    auto rangeOf = [&](unsigned t) { return T - 1 - t; };
    const std::uint32_t* const to = s.edgeTo.data();
    detail::runParallel(T, [&](unsigned t) {
        std::uint32_t* const count = countsOf(t);
        const std::uint32_t from = firstEdge[rangeBegin[rangeOf(t)]],
                            until = firstEdge[rangeBegin[rangeOf(t) + 1]];
        for (std::uint32_t e = from; e < until; ++e) {
            if ((e & 0xFFFFF) == 0 && context.stopRequested())
                return;
            ++count[to[e]];
        }
    });
    if (context.stopRequested())
        return false;
    {
        // Each thread's cursor for v: the end of v's slots, less what the ranges of lower sources fill.
        std::uint32_t running = 0;
        for (std::uint32_t v = 0; v < N; ++v) {
            std::uint32_t total = 0;
            for (unsigned t = 0; t < T; ++t)
                total += countsOf(t)[v];
            running += total;
            std::uint32_t cursor = running;
            for (unsigned r = 0; r < T; ++r) {
                std::uint32_t& c = countsOf(T - 1 - r)[v];
                const std::uint32_t own = c;
                c = cursor;
                cursor -= own;
            }
        }
        first[N] = running;
    }
    if (context.stopRequested())
        return false;
    source = PodArray<std::uint32_t>::uninitialized(E);
    std::uint32_t* const rSource = source.data();
    detail::runParallel(T, [&](unsigned t) {
        const std::size_t from = std::size_t(E) * t / T, to = std::size_t(E) * (t + 1) / T;
        detail::mapInSlices(rSource + from, (to - from) * 4, stopped);
    });
    if (context.stopRequested())
        return false;
    detail::runParallel(T, [&](unsigned t) {
        std::uint32_t* const cursor = countsOf(t);
        const std::uint32_t lo = rangeBegin[rangeOf(t)], hi = rangeBegin[rangeOf(t) + 1];
        for (std::uint32_t n = lo; n < hi; ++n) {
            if ((n & 0x3FFFF) == 0 && context.stopRequested())
                return;
            for (std::uint32_t e = firstEdge[n], ee = firstEdge[n + 1]; e < ee; ++e)
                rSource[--cursor[to[e]]] = n;
        }
    });
    if (context.stopRequested())
        return false;
    return !context.stopRequested();
}

bool buildRetainers(Snapshot& s, unsigned threads, const WorkContext& context) {
    PodArray<std::uint32_t> first, source;
    if (!buildRetainerArrays(s, threads, context, first, source))
        return false;
    s.setRetainers(std::move(first), std::move(source));
    return true;
}

} // namespace heapscope::detail
