// SPDX-License-Identifier: MIT
// libFuzzer target: the whole loader on arbitrary bytes, then the analysis on small graphs.
// Besides crashes it traps on a loaded graph that breaks the Snapshot invariants.
#include "heapscope/analysis.h"
#include "heapscope/contexts.h"
#include "heapscope/loader.h"
#include "heapscope/realms.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace heapscope;

namespace {
void check(bool ok) {
    if (!ok)
        __builtin_trap();
}

void checkInvariants(const Snapshot& s) {
    const std::uint32_t N = s.nodeCount, E = s.edgeCount;
    const NodeOrdinal end = s.nodes().last(); // firstEdge and firstRetainer have an entry for it too
    check(N > 0);
    check(s.nodeType.size() == N && s.nodeName.size() == N && s.nodeId.size() == N);
    check(s.firstEdge.size() == std::size_t(N) + 1 && s.firstEdge[NodeOrdinal(0)] == EdgeOrdinal(0) &&
          s.firstEdge[end] == EdgeOrdinal(E));
    check(s.firstRetainer().size() == std::size_t(N) + 1 && s.firstRetainer()[end] == RetainerSlot(E));
    check(s.rootOrdinal < N);
    for (NodeOrdinal n : s.nodes()) {
        check(s.firstEdge[n] <= s.firstEdge[n.next()]);
        check(s.firstRetainer()[n] <= s.firstRetainer()[n.next()]);
        check(s.nodeType[n] < s.nodeTypeNames.size());
        check(s.nodeName[n].value < s.strings.size());
        check(s.nodeDetachedness[n] <= 2);
        (void)s.name(n);
    }
    for (EdgeOrdinal e : s.edges()) {
        check(s.edgeTo[e].value < N);
        check(s.edgeType[e] < s.edgeTypeNames.size());
        (void)s.edgeNameText(e);
    }
    for (RetainerSlot r : s.retainerSlots())
        check(s.retainerSource()[r].value < N && s.retainerEdge[r].value < E);
    for (NodeOrdinal t : s.nodes()) {
        const IndexRange<RetainerSlot> slots = s.retainersOf(t);
        for (RetainerSlot r : slots) {
            const EdgeOrdinal e = s.retainerEdge[r];
            const NodeOrdinal src = s.retainerSource()[r];
            check(s.edgeTo[e] == t && e >= s.firstEdge[src] && e < s.firstEdge[src.next()]);
            if (r > slots.first()) // DevTools' order: decreasing (source, edge)
                check(s.retainerEdge[RetainerSlot(r.value - 1)] > e);
        }
    }
    for (const auto& l : s.locations)
        check(l.node.value < N && s.location(l.node) == &l);
    for (const auto& t : s.traceTree)
        check(t.parent == kNoTraceNode || t.parent < s.traceTree.size());
    for (const auto& f : s.traceFunctionInfos)
        check(f.name.value < s.strings.size() && f.scriptName.value < s.strings.size());
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    LoadOptions options;
    options.threads = 2;
    options.checkMemory = false;
    auto loaded =
        loadSnapshotFromMemory(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz", options);
    if (!loaded.ok()) {
        const Error& e = loaded.error();
        check(!e.reason.empty() && !e.cancelled);
        check(e.offset >= -1);
        (void)e.message();
        return 0;
    }
    const SnapshotPtr& s = *loaded;
    checkInvariants(*s);
    if (s->nodeCount > 20000 || s->edgeCount > 100000)
        return 0;
    AnalysisOptions aopt;
    aopt.threads = 1;
    auto analysis = analyze(s, aopt);
    if (analysis.ok()) {
        const Analysis& a = **analysis;
        for (NodeOrdinal n : s->nodes()) {
            (void)a.displayName(n);
            (void)a.classInfo(n);
            check(a.dominator[n].value < s->nodeCount);
        }
        // The realms and the closure analysis (which reads the scope sections) on every graph.
        if (auto realms = computeRealms(a); realms.ok()) {
            for (const std::int32_t o : (*realms)->owner)
                check(o == kNoNativeContext || o == kSharedNativeContext || std::uint32_t(o) < s->nodeCount);
            for (const auto& c : (*realms)->nativeContexts)
                check(c.node.value < s->nodeCount && (*realms)->owner[c.node] == std::int32_t(c.node.value));
        }
        if (auto contexts = analyzeContexts(a); contexts.ok()) {
            for (const auto& scope : (*contexts)->scopes) {
                check(scope.scopeInfoNode.value < s->nodeCount && scope.scriptNode.value < s->nodeCount);
                check(!scope.contexts.empty());
                for (const auto& c : scope.contexts)
                    for (const auto& f : c.deadFields)
                        check(c.contextNode.value < s->nodeCount && f.valueNode.value < s->nodeCount);
                (void)scopeLocationText(a, scope);
            }
        }
    }
    return 0;
}
