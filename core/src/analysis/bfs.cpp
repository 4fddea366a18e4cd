// SPDX-License-Identifier: MIT
// DevTools' breadth-first search from the root, with its JavaScript-specific edge filter: the
// distances, and the Retainers pane's distances when some retainers are ignored.
#include "../analysis_internal.h"

#include <algorithm>

namespace heapscope::detail {

namespace {
// parseInt(text, 10) of an edge name; returns false for NaN.
bool parseIntPrefix(std::string_view t, std::int64_t& v) {
    std::size_t i = 0;
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        ++i;
    bool neg = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-'))
        neg = t[i++] == '-';
    std::size_t d = i;
    std::int64_t x = 0;
    while (d < t.size() && t[d] >= '0' && t[d] <= '9' && d - i < 17)
        x = x * 10 + (t[d++] - '0');
    if (d == i)
        return false;
    v = neg ? -x : x;
    return true;
}
} // namespace

void computeDistances(const Snapshot& s, const EphemeronNames& eph, const std::vector<bool>* ignored,
                      std::int32_t* dist, const std::function<bool()>& stopped) {
    const std::uint32_t N = s.nodeCount;
    // in slices: first touches of fresh memory can be slow, and a cancel request should be seen
    for (std::uint32_t from = 0; from < N; from += (1u << 21)) {
        if (stopped && stopped())
            return;
        std::fill(dist + from, dist + std::min(N, from + (1u << 21)), kNoDistance);
    }
    // Every node is queued at most once per phase, the root's targets once per edge. A PodArray:
    // big ones get huge pages.
    const NodeOrdinal root = s.root();
    PodArray<std::uint32_t> queueStore =
        PodArray<std::uint32_t>::uninitialized(std::size_t(N) + s.edgesOf(root).size());
    std::uint32_t* const queue = queueStore.data();
    std::size_t queued = 0;
    std::vector<std::uint8_t> pending(eph.groupCount, 0); // one filter instance for both phases
    auto bfs = [&]() {
        for (std::size_t head = 0; head < queued; ++head) {
            if ((head & 0x3FFFF) == 0 && stopped && stopped())
                return;
            const NodeOrdinal n(queue[head]);
            const std::int32_t d = dist[n.value] + 1;
            const NodeKind kind = s.kind(n);
            const bool nativeContext = kind == NodeKind::Hidden && s.name(n) == "system / NativeContext";
            const bool descriptors = kind == NodeKind::Array && s.name(n) == "(map descriptors)";
            // `<` rather than a range-for: one jump less per edge in the hottest loop of the BFS
            for (EdgeOrdinal e = s.firstEdge[n], ee = s.firstEdge[n.next()]; e < ee; ++e) {
                const EdgeKind ek = s.edgeKind(e);
                if (ek == EdgeKind::Weak)
                    continue;
                const NodeOrdinal t = s.edgeTo[e];
                if (dist[t.value] != kNoDistance)
                    continue;
                if (ignored && (*ignored)[t.value])
                    continue;
                if (nativeContext && edgeNameJsEquals(s, e, "sloppy_function_map"))
                    continue;
                if (descriptors) {
                    std::int64_t idx = 0;
                    if (parseIntPrefix(edgeNameJs(s, e), idx) && !(idx < 2 || idx % 3 != 1))
                        continue;
                } else if (ek == EdgeKind::Internal) {
                    const std::uint32_t g = eph.suffixGroup[s.edgeNameOrIndex[e]];
                    if (g != kNoGroup) {
                        if (!pending[g]) {
                            pending[g] = 1;
                            continue;
                        }
                        pending[g] = 0;
                    }
                }
                dist[t.value] = d;
                queue[queued++] = t.value;
            }
        }
    };
    for (EdgeOrdinal e : s.edgesOf(root)) {
        const NodeOrdinal t = s.edgeTo[e];
        if (isUserRoot(s, t)) { // queued once per edge, as DevTools does
            dist[t.value] = 1;
            queue[queued++] = t.value;
        }
    }
    const bool hadUserRoots = queued != 0;
    bfs();
    queued = 0;
    dist[root.value] = hadUserRoots ? kBaseSystemDistance : 0;
    queue[queued++] = root.value;
    bfs();
}

} // namespace heapscope::detail
