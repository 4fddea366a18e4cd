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
    const NodeOrdinal end = s.nodes().last(); // the columns of N + 1 entries have one for it
    CHECK(N > 0 && s.rootOrdinal < N);
    CHECK(s.nodeType.size() == N && s.nodeName.size() == N && s.nodeId.size() == N &&
          s.nodeSelfSize.size() == N && s.nodeDetachedness.size() == N);
    CHECK(s.nodeTraceId.empty() || s.nodeTraceId.size() == N);
    CHECK(s.firstEdge.size() == std::size_t(N) + 1 && s.firstEdge[NodeOrdinal(0)] == EdgeOrdinal(0) &&
          s.firstEdge[end] == EdgeOrdinal(E));
    CHECK(s.edgeType.size() == E && s.edgeNameOrIndex.size() == E && s.edgeTo.size() == E);
    CHECK(s.firstRetainer().size() == std::size_t(N) + 1 && s.firstRetainer()[end] == RetainerSlot(E));
    CHECK(s.nodeKinds.size() == s.nodeTypeNames.size() && s.edgeKinds.size() == s.edgeTypeNames.size());
    CHECK(a.selfSize.size() == N && a.distance.size() == N && a.classOf.size() == N && a.flags.size() == N &&
          a.detachedness.size() == N);
    CHECK(a.dominator.size() == std::size_t(N) + 1 && a.retainedSize.size() == std::size_t(N) + 1);
    CHECK(a.firstDominated().size() == std::size_t(N) + 1 && a.firstDominated()[0] == 0 &&
          a.firstDominated()[N] < a.dominated().size());
    for (NodeOrdinal n : s.nodes()) {
        CHECK(s.firstEdge[n] <= s.firstEdge[n.next()] && s.firstRetainer()[n] <= s.firstRetainer()[n.next()]);
        CHECK(a.firstDominated()[n.value] <= a.firstDominated()[n.value + 1]);
        CHECK(s.nodeType[n] < s.nodeTypeNames.size() && s.nodeName[n].value < s.strings.size());
        CHECK(s.nodeDetachedness[n] <= 2 && a.detachedness[n] <= 2);
        CHECK(a.classOf[n] < a.classes.size());
        CHECK(a.dominator[n].value < N);
    }
    for (std::uint32_t i = 0; i < a.firstDominated()[N]; ++i) // the lists; the storage is longer
        CHECK(a.dominated()[i] < N);
    for (EdgeOrdinal e : s.edges())
        CHECK(s.edgeTo[e].value < N && s.edgeType[e] < s.edgeTypeNames.size());
    for (RetainerSlot r : s.retainerSlots())
        CHECK(s.retainerSource()[r].value < N);
    for (const auto& l : s.locations)
        CHECK(l.node.value < N);
    for (std::size_t i = 0; i < s.traceTree.size(); ++i)
        CHECK(s.traceTree[i].parent == kNoTraceNode || s.traceTree[i].parent < i);
    for (const auto& f : s.traceFunctionInfos)
        CHECK(f.name.value < s.strings.size() && f.scriptName.value < s.strings.size());
    for (const auto& row : a.allObjects.classes) {
        CHECK(row.classIndex < a.classes.size() && row.instances.size() == row.count);
        for (const NodeOrdinal n : row.instances)
            CHECK(n.value < N && a.classOf[n] == row.classIndex);
    }
}

// A few nodes spread over the graph, the root among them.
std::vector<NodeOrdinal> someNodes(const Snapshot& s) {
    std::vector<NodeOrdinal> out{s.root()};
    const std::uint32_t N = s.nodeCount;
    const std::uint32_t step = std::max<std::uint32_t>(1, N / 16);
    for (std::uint32_t n = 0; n < N && out.size() < 24; n += step)
        out.push_back(NodeOrdinal(n));
    out.push_back(NodeOrdinal(N - 1));
    return out;
}

// The first `count` indexes of a range (all of them when it has fewer).
template <typename Index> IndexRange<Index> firstOf(IndexRange<Index> range, std::uint32_t count) {
    return {range.first(), range.size() <= count ? range.last() : Index(range.first().value + count)};
}

void exercise(const Analysis& a) {
    const Snapshot& s = *a.snapshot;
    const std::uint32_t N = s.nodeCount;
    const std::vector<NodeOrdinal> nodes = someNodes(s);
    for (const NodeOrdinal n : nodes) {
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
        for (EdgeOrdinal e : firstOf(s.edgesOf(n), 64)) {
            (void)s.edgeNameText(e);
            (void)s.edgeNameString(e);
            (void)s.edgeTypeName(e);
            (void)s.edgeKind(e);
        }
        // its retainers, both ways to their edges
        for (RetainerSlot r : firstOf(s.retainersOf(n), 64)) {
            const NodeOrdinal source = s.retainerSource()[r];
            const EdgeOrdinal e = s.retainerEdge[r];
            CHECK(e.value < s.edgeCount && e == s.retainerEdgeOf(n, r));
            CHECK(s.edgeTo[e] == n && e >= s.firstEdge[source] && e < s.firstEdge[source.next()]);
            CHECK(s.retainerTarget(r) == n);
            (void)a.displayName(source);
            (void)s.edgeNameText(e);
        }
        // its dominator chain (a damaged index may make it a cycle: bounded like the views do)
        std::uint32_t steps = 0;
        for (NodeOrdinal d = n; d != s.root() && steps <= N; d = a.dominator[d], ++steps) {
            (void)a.displayName(d);
            (void)a.retainedSize[d];
        }
        // its dominated children
        const TypedSpan<NodeOrdinal> children = a.dominatedBy(n);
        for (const NodeOrdinal child : children.subspan(0, std::min<std::size_t>(children.size(), 16)))
            (void)a.displayName(child);
        if (const std::optional<NodeOrdinal> found = s.nodeWithId(s.nodeId[n]))
            CHECK(found->value < N && s.nodeId[*found] == s.nodeId[n]);
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
                for (const NodeOrdinal n : row.instances)
                    CHECK(n.value < N);
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
