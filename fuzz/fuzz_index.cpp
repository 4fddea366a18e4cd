// SPDX-License-Identifier: MIT
// libFuzzer target: the index reader's checks (index::openIndexBytes) on arbitrary bytes, then what
// a user does with a snapshot opened from an index: the Summary with a filter, names, retainers,
// dominator chains, locations, edge names, the realms, the closure analysis and the allocation
// profile. The first byte chooses whether the checksums are checked (odd: they are); the rest is
// the index file. Off, mutated columns get past the checksums and reach the range checks.
// Besides crashes it traps on an accepted index whose graph breaks what the rest of the program
// relies on (the same invariants the loader guarantees).
#include "heapscope/allocation.h"
#include "heapscope/analysis.h"
#include "heapscope/contexts.h"
#include "heapscope/realms.h"
#include "index/index_internal.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

using namespace heapscope;

namespace {

// Traps, saying which invariant failed.
#define CHECK(condition)                                                                                     \
    do {                                                                                                     \
        if (!(condition)) {                                                                                  \
            std::fprintf(stderr, "fuzz_index.cpp:%d: %s\n", __LINE__, #condition);                           \
            __builtin_trap();                                                                                \
        }                                                                                                    \
    } while (false)

// The bytes of the index at a page boundary, as a mapping would be (the reader points columns of
// 4- and 8-byte values at them).
std::shared_ptr<const void> alignedCopy(const std::uint8_t* data, std::size_t size) {
    void* p = std::aligned_alloc(4096, std::max<std::size_t>(4096, (size + 4095) / 4096 * 4096));
    CHECK(p != nullptr);
    if (size)
        std::memcpy(p, data, size);
    return std::shared_ptr<const void>(p, [](const void* q) { std::free(const_cast<void*>(q)); });
}

// What every consumer of a Snapshot and an Analysis takes for granted.
void checkInvariants(const Analysis& a) {
    const Snapshot& s = *a.snapshot;
    const std::uint32_t N = s.nodeCount, E = s.edgeCount;
    CHECK(N > 0 && s.rootOrdinal < N);
    CHECK(s.nodeType.size() == N && s.nodeName.size() == N && s.nodeId.size() == N &&
          s.nodeSelfSize.size() == N && s.nodeDetachedness.size() == N);
    CHECK(s.nodeTraceId.empty() || s.nodeTraceId.size() == N);
    CHECK(s.firstEdge.size() == std::size_t(N) + 1 && s.firstEdge[0] == 0 && s.firstEdge[N] == E);
    CHECK(s.edgeType.size() == E && s.edgeNameOrIndex.size() == E && s.edgeTo.size() == E);
    CHECK(s.firstRetainer().size() == std::size_t(N) + 1 && s.firstRetainer()[N] == E);
    CHECK(s.nodeKinds.size() == s.nodeTypeNames.size() && s.edgeKinds.size() == s.edgeTypeNames.size());
    CHECK(a.selfSize.size() == N && a.distance.size() == N && a.classOf.size() == N && a.flags.size() == N &&
          a.detachedness.size() == N);
    CHECK(a.dominator.size() == std::size_t(N) + 1 && a.retainedSize.size() == std::size_t(N) + 1);
    CHECK(a.firstDominated().size() == std::size_t(N) + 1 && a.firstDominated()[0] == 0 &&
          a.firstDominated()[N] < a.dominated().size());
    for (std::uint32_t n = 0; n < N; ++n) {
        CHECK(s.firstEdge[n] <= s.firstEdge[n + 1] && s.firstRetainer()[n] <= s.firstRetainer()[n + 1]);
        CHECK(a.firstDominated()[n] <= a.firstDominated()[n + 1]);
        CHECK(s.nodeType[n] < s.nodeTypeNames.size() && s.nodeName[n] < s.strings.size());
        CHECK(s.nodeDetachedness[n] <= 2 && a.detachedness[n] <= 2);
        CHECK(a.classOf[n] < a.classes.size());
        CHECK(a.dominator[n] < N);
    }
    for (std::uint32_t i = 0; i < a.firstDominated()[N]; ++i) // the lists; the storage is longer
        CHECK(a.dominated()[i] < N);
    for (std::uint32_t e = 0; e < E; ++e) {
        CHECK(s.edgeTo[e] < N && s.edgeType[e] < s.edgeTypeNames.size());
        CHECK(s.retainerSource()[e] < N);
    }
    for (const auto& l : s.locations)
        CHECK(l.node < N);
    for (std::size_t i = 0; i < s.traceTree.size(); ++i)
        CHECK(s.traceTree[i].parent == kNoTraceNode || s.traceTree[i].parent < i);
    for (const auto& f : s.traceFunctionInfos)
        CHECK(f.name.value < s.strings.size() && f.scriptName.value < s.strings.size());
    for (const auto& row : a.allObjects.classes) {
        CHECK(row.classIndex < a.classes.size() && row.instances.size() == row.count);
        for (const std::uint32_t n : row.instances)
            CHECK(n < N && a.classOf[n] == row.classIndex);
    }
}

// A few nodes spread over the graph, the root among them.
std::vector<std::uint32_t> someNodes(const Snapshot& s) {
    std::vector<std::uint32_t> out{s.rootOrdinal};
    const std::uint32_t N = s.nodeCount;
    const std::uint32_t step = std::max<std::uint32_t>(1, N / 16);
    for (std::uint32_t n = 0; n < N && out.size() < 24; n += step)
        out.push_back(n);
    out.push_back(N - 1);
    return out;
}

void exercise(const Analysis& a) {
    const Snapshot& s = *a.snapshot;
    const std::uint32_t N = s.nodeCount;
    const std::vector<std::uint32_t> nodes = someNodes(s);
    for (const std::uint32_t n : nodes) {
        (void)a.displayName(n);
        (void)a.rawName(n);
        (void)a.classInfo(n);
        (void)a.isRenamedDetached(n);
        (void)s.typeName(n);
        (void)s.kind(n);
        (void)s.traceNodeId(n);
        if (const Location* l = s.location(n))
            CHECK(l->node == n);
        // its edges, by name
        for (std::uint32_t e = s.firstEdge[n]; e < s.firstEdge[n + 1] && e < s.firstEdge[n] + 64; ++e) {
            (void)s.edgeNameText(e);
            (void)s.edgeNameString(e);
            (void)s.edgeTypeName(e);
            (void)s.edgeKind(e);
        }
        // its retainers, both ways to their edges
        for (std::uint32_t r = s.firstRetainer()[n];
             r < s.firstRetainer()[n + 1] && r < s.firstRetainer()[n] + 64; ++r) {
            const std::uint32_t source = s.retainerSource()[r];
            const std::uint32_t e = s.retainerEdge[r];
            CHECK(e < s.edgeCount && e == s.retainerEdgeOf(n, r));
            CHECK(s.edgeTo[e] == n && e >= s.firstEdge[source] && e < s.firstEdge[source + 1]);
            CHECK(s.retainerTarget(r) == n);
            (void)a.displayName(source);
            (void)s.edgeNameText(e);
        }
        // its dominator chain (a damaged index may make it a cycle: bounded like the views do)
        std::uint32_t steps = 0;
        for (std::uint32_t d = n; d != s.rootOrdinal && steps <= N; d = a.dominator[d], ++steps) {
            (void)a.displayName(d);
            (void)a.retainedSize[d];
        }
        // its dominated children
        for (std::uint32_t i = a.firstDominated()[n];
             i < a.firstDominated()[n + 1] && i < a.firstDominated()[n] + 16; ++i)
            (void)a.displayName(a.dominated()[i]);
        if (auto found = s.findNodeById(s.nodeId[n]))
            CHECK(*found < N && s.nodeId[*found] == s.nodeId[n]);
    }
    // The Summary: every row's name, and the named filters and an id range (small graphs: each
    // filter walks the whole graph).
    for (const auto& row : a.allObjects.classes)
        (void)a.classes[row.classIndex].name;
    if (N > 20000 || s.edgeCount > 100000)
        return;
    for (const NamedFilter f : kAllNamedFilters) {
        NodeFilter filter;
        filter.named = f;
        if (auto rows = a.aggregate(filter); rows.ok())
            for (const auto& row : rows->classes) {
                CHECK(row.classIndex < a.classes.size());
                for (const std::uint32_t n : row.instances)
                    CHECK(n < N);
            }
    }
    // the facts kept in the meta section, as the Comparison and the timeline read them
    volatile bool timeline = s.facts().isTimeline;
    (void)timeline;
    NodeFilter range;
    range.idRange = std::pair<std::uint32_t, std::uint32_t>(s.facts().minJsObjectId, s.facts().maxJsObjectId);
    (void)a.aggregate(range);
    if (auto realms = computeRealms(a); realms.ok())
        for (const std::int32_t o : (*realms)->owner)
            CHECK(o == kNoNativeContext || o == kSharedNativeContext || std::uint32_t(o) < N);
    if (auto contexts = analyzeContexts(a); contexts.ok())
        for (const auto& scope : (*contexts)->scopes)
            (void)scopeLocationText(a, scope);
    if (hasAllocationTraces(s))
        if (auto profile = buildAllocationProfile(a); profile.ok())
            (void)timelineSamples(a);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1)
        return 0;
    const bool checksums = (data[0] & 1) != 0;
    const std::shared_ptr<const void> bytes = alignedCopy(data + 1, size - 1);
    std::string why;
    auto opened =
        index::openIndexBytes(bytes, static_cast<const char*>(bytes.get()), size - 1, checksums, &why);
    CHECK(opened.ok()); // nothing to cancel: only an unusable index, never an error
    if (!*opened) {
        CHECK(!why.empty());
        return 0;
    }
    CHECK(why.empty());
    const OpenedSnapshot& o = **opened;
    CHECK(o.snapshot && o.analysis && o.analysis->snapshot == o.snapshot);
    checkInvariants(*o.analysis);
    exercise(*o.analysis);
    return 0;
}
