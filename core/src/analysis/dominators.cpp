// SPDX-License-Identifier: MIT
// Dominators (Lengauer–Tarjan) and retained sizes, and the arrays they need, mapped in beforehand.
#include "scheduler.h"
#include "work.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace heapscope::detail {

// The dominator pass's arrays: fresh zero pages, mapped in by slices (between cancellation checks)
// instead of memset. Done on the second thread while it would otherwise wait for the main one:
// the first touch of 440 MB is not free.
void runDominatorArrays(AnalysisWork& work, PassContext&) {
    const std::size_t L = std::size_t(work.s.nodeCount) + 1;
    DominatorArrays arrays;
    arrays.links = PodArray<std::uint64_t>::zeroed(L);
    arrays.vertex = PodArray<std::uint32_t>::uninitialized(L);
    arrays.semi = PodArray<std::uint32_t>::zeroed(L);
    arrays.dominators = PodArray<std::uint32_t>::zeroed(L);
    arrays.parent = PodArray<std::uint32_t>::zeroed(L);
    arrays.bucketHead = PodArray<std::uint32_t>::zeroed(L);
    arrays.bucketNext = PodArray<std::uint32_t>::zeroed(L);
    for (auto [p, bytes] : {std::pair<void*, std::size_t>{arrays.links.data(), L * 8},
                            {arrays.vertex.data(), L * 4},
                            {arrays.semi.data(), L * 4},
                            {arrays.dominators.data(), L * 4},
                            {arrays.parent.data(), L * 4},
                            {arrays.bucketHead.data(), L * 4},
                            {arrays.bucketNext.data(), L * 4}})
        if (!work.mapIn(p, bytes))
            return;
    work.dominatorArrays = std::move(arrays);
}

// Lengauer–Tarjan exactly as DevTools runs it (vertices 1..N, 0 = none), including how nodes that
// the root does not reach are numbered; results are then bit-identical.
// Its arrays were mapped in beforehand (DominatorArrays); when it ends, the ones that hold results
// become the Analysis' arrays and two more the dominator tree's storage.
void runDominators(AnalysisWork& work, PassContext& pass) {
    const Snapshot& s = work.s;
    const std::uint32_t N = s.nodeCount;
    const std::size_t L = std::size_t(N) + 1;
    DominatorArrays arrays = std::move(work.dominatorArrays);
    // (ancestor, label) pairs sit side by side: the path compression reads both of a vertex at once.
    struct Link {
        std::uint32_t ancestor; // serves as nextEdge (per ordinal) during the DFS
        std::uint32_t label;
    };
    static_assert(sizeof(Link) == sizeof(std::uint64_t));
    if (work.stopped() || arrays.links.size() != L)
        return;
    Link* link = reinterpret_cast<Link*>(arrays.links.data());
    std::uint32_t* vertex = arrays.vertex.data();
    std::uint32_t* semi = arrays.semi.data();
    std::uint32_t* parent = arrays.parent.data();
    std::uint32_t* dom = arrays.dominators.data();
    // read once: the loops below are the hottest of the analysis
    const std::uint32_t* const firstRetainer = s.firstRetainer().data();
    const std::uint32_t* const retainerSource = s.retainerSource().data();
    const std::uint32_t* const firstEdge = s.firstEdge.data();
    const std::uint32_t* const edgeTo = s.edgeTo.data();
    std::uint32_t n = 0;
    auto essentialRetained = [&](std::uint32_t ordinal) {
        for (std::uint32_t r = firstRetainer[ordinal], re = firstRetainer[ordinal + 1]; r < re; ++r)
            if (work.essential.bySlot.test(r))
                return true;
        return false;
    };
    auto dfs = [&](std::uint32_t rootVertex) {
        link[rootVertex - 1].ancestor = firstEdge[rootVertex - 1];
        std::uint32_t v = rootVertex;
        std::uint32_t steps = 0;
        while (v != 0) {
            if ((++steps & 0x3FFFF) == 0 && work.stopped())
                return;
            if (semi[v] == 0) {
                semi[v] = ++n;
                vertex[n] = link[v].label = v;
            }
            std::uint32_t vNext = parent[v];
            const std::uint32_t vo = v - 1;
            std::uint32_t& next = link[vo].ancestor;
            for (const std::uint32_t end = firstEdge[vo + 1]; next < end; ++next) {
                const std::uint32_t e = next;
                if (!work.essential.byEdge.test(e))
                    continue;
                const std::uint32_t wo = edgeTo[e];
                const std::uint32_t w = wo + 1;
                if (semi[w] == 0) {
                    parent[w] = v;
                    link[wo].ancestor = firstEdge[wo];
                    vNext = w;
                    break;
                }
            }
            v = vNext;
        }
    };
    const std::uint32_t r = s.root().value + 1;
    auto phaseStart = std::chrono::steady_clock::now();
    auto phase = [&](const char* name) {
        const auto now = std::chrono::steady_clock::now();
        pass.recordTiming(name, std::chrono::duration<double>(now - phaseStart).count());
        phaseStart = now;
    };
    dfs(r);
    if (!pass.await(Artefact::EssentialSlots)) // for the rest of the pass
        return;
    if (n < N) {
        work.a.problems.push_back("Heap snapshot: " + std::to_string(N - n) +
                                  " nodes are unreachable from the root.");
        for (std::uint32_t v = 1; v <= N; ++v) {
            if (semi[v] == 0 && !essentialRetained(v - 1)) {
                parent[v] = r;
                dfs(v);
            }
        }
    }
    if (n < N) {
        work.a.problems.push_back("Heap snapshot: Still found " + std::to_string(N - n) +
                                  " unreachable nodes.");
        for (std::uint32_t v = 1; v <= N; ++v) {
            if (semi[v] == 0) {
                parent[v] = r;
                semi[v] = ++n;
                vertex[n] = link[v].label = v;
            }
        }
    }
    if (work.stopped())
        return;
    phase("dominators (DFS)");
    pass.progress(0.3);
    for (std::size_t v = 0; v < L; ++v)
        link[v].ancestor = 0; // done being nextEdge
    // Buckets as singly linked lists: head per vertex, next per member.
    PodArray<std::uint32_t> bucketHead = std::move(arrays.bucketHead);
    PodArray<std::uint32_t> bucketNext = std::move(arrays.bucketNext);
    std::vector<std::uint32_t> compressStack;
    // Compressions can walk long ancestor chains and a node can have millions of retainers: cancel
    // requests are looked at per unit of work (vertex, retainer or ancestor step), not per vertex.
    std::uint32_t units = 0;
    bool aborted = false;
    auto tick = [&] {
        if (!aborted && (++units & 0x3FFFF) == 0 && work.stopped())
            aborted = true;
        return aborted;
    };
    auto compress = [&](std::uint32_t v) {
        compressStack.clear();
        while (link[link[v].ancestor].ancestor != 0) {
            compressStack.push_back(v);
            v = link[v].ancestor;
            if (tick())
                return;
        }
        while (!compressStack.empty()) {
            if (tick())
                return;
            const std::uint32_t w = compressStack.back();
            compressStack.pop_back();
            Link& lw = link[w];
            const Link& la = link[lw.ancestor];
            if (semi[la.label] < semi[lw.label])
                lw.label = la.label;
            lw.ancestor = la.ancestor;
        }
    };
    auto evaluate = [&](std::uint32_t v) -> std::uint32_t {
        if (link[v].ancestor == 0)
            return v;
        compress(v);
        return link[v].label;
    };
    for (std::uint32_t i = n; i >= 2; --i) {
        if (tick())
            return;
        if ((i & 0x3FFFF) == 0)
            pass.progress(0.3 + 0.65 * double(n - i) / double(n));
        const std::uint32_t w = vertex[i];
        const std::uint32_t wo = w - 1;
        if (i > 16) {
            // The vertices come in DFS order, scattered in memory: fetch ahead what they will need.
            const std::uint32_t far = vertex[i - 16];
            __builtin_prefetch(&parent[far]);
            __builtin_prefetch(&firstRetainer[far - 1]);
            const std::uint32_t ahead = vertex[i - 8];
            __builtin_prefetch(&semi[ahead]);
            __builtin_prefetch(&link[ahead]);
            __builtin_prefetch(&bucketNext[ahead]);
            __builtin_prefetch(&bucketHead[parent[ahead]]);
            const std::uint32_t near = vertex[i - 4] - 1;
            __builtin_prefetch(&retainerSource[firstRetainer[near]]);
            // and the path-compression links of the first retainers of the vertex after next
            const std::uint32_t next = vertex[i - 2] - 1;
            for (std::uint32_t ri = firstRetainer[next], re = std::min(ri + 2, firstRetainer[next + 1]);
                 ri < re; ++ri) {
                const std::uint32_t v = retainerSource[ri] + 1;
                __builtin_prefetch(&link[v]);
                __builtin_prefetch(&semi[v]);
            }
        }
        bool orphan = true;
        std::uint32_t semiW = semi[w];
        for (std::uint32_t ri = firstRetainer[wo], re = firstRetainer[wo + 1]; ri < re; ++ri) {
            if (!work.essential.bySlot.test(ri))
                continue;
            orphan = false;
            if (tick()) // a node can have millions of retainers
                return;
            const std::uint32_t v = retainerSource[ri] + 1;
            const std::uint32_t u = evaluate(v);
            if (semi[u] < semiW)
                semiW = semi[u];
        }
        if (orphan)
            semiW = semi[r];
        semi[w] = semiW;
        const std::uint32_t b = vertex[semiW];
        const std::uint32_t p = parent[w];
        if (b == p) {
            // Most vertices: the semidominator is the DFS parent. Put in p's bucket, w would be
            // evaluated right below, just linked under the unlinked p: itself, so dom = p.
            dom[w] = p;
        } else {
            bucketNext[w] = bucketHead[b];
            bucketHead[b] = w;
        }
        link[w].ancestor = p; // link(parent, w)
        if (const std::uint32_t first = bucketHead[p]; first != 0) {
            for (std::uint32_t v = first; v != 0; v = bucketNext[v]) {
                if (tick()) // a bucket can hold millions of vertices
                    return;
                const std::uint32_t u = evaluate(v);
                dom[v] = semi[u] < semi[v] ? u : p;
            }
            bucketHead[p] = 0;
        }
    }
    phase("dominators (semidominators)");
    dom[0] = dom[r] = r;
    if (work.stopped())
        return;
    for (std::uint32_t i = 2; i <= n; ++i) {
        if ((i & 0x3FFFF) == 0 && work.stopped())
            return;
        const std::uint32_t w = vertex[i];
        if (dom[w] != vertex[semi[w]])
            dom[w] = dom[dom[w]];
    }
    bucketHead.release();
    bucketNext.release();
    arrays.parent.release();
    // Dominator per ordinal, in place (vertex v = ordinal + 1); retained sizes summed up in
    // decreasing DFS order.
    PodArray<std::uint32_t>& dominator = arrays.dominators;
    for (std::uint32_t o = 0; o < N; ++o)
        dominator[o] = dom[o + 1] - 1;
    if (!pass.await(Artefact::SelfSizes)) // computed on the other thread
        return;
    // The links are dead now: their storage holds the retained sizes.
    PodArray<std::uint64_t>& retained = arrays.links;
    const std::uint32_t* const selfSize = work.a.selfSize.data();
    for (std::uint32_t o = 0; o < N; ++o)
        retained[o] = selfSize[o];
    for (std::uint32_t i = n; i > 1; --i) {
        if ((i & 0x3FFFF) == 0 && work.stopped())
            return;
        const std::uint32_t o = vertex[i] - 1;
        retained[dominator[o]] += retained[o];
    }
    work.a.dominator = std::move(arrays.dominators);
    work.a.retainedSize = std::move(arrays.links);
    work.dominatorTreeStorage = {std::move(arrays.semi), std::move(arrays.vertex)};
}

} // namespace heapscope::detail
