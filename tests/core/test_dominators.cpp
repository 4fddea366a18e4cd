// SPDX-License-Identifier: MIT
// The dominator tree and retained sizes on small hand-built graphs, with the dominators DevTools
// computes: only "essential" edges count (no weak edges, self edges, shortcuts other than the
// root's, WeakMap table halves, or edges from system objects into page objects); nodes the root
// does not reach that way hang off the root. Random graphs are checked against the definition (a
// node dominates what becomes unreachable without it), a million-deep chain against its formula.
#include "graph_builder.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

using namespace heapscope;
using namespace heapscope::test;

namespace {

// The ephemeron edge name V8 writes for both halves of a WeakMap entry.
std::string ephemeronName(unsigned index, NodeOrdinal key, NodeOrdinal value, NodeOrdinal table) {
    return std::to_string(index) + " / part of key (Key @" + std::to_string(GraphBuilder::idOf(key)) +
           ") -> value (Value @" + std::to_string(GraphBuilder::idOf(value)) + ") pair in WeakMap (table @" +
           std::to_string(GraphBuilder::idOf(table)) + ")";
}

TEST(Dominators, Chain) {
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 10);
    const auto b = g.node(tObject, "B", 20);
    const auto c = g.node(tObject, "C", 30);
    g.element(root, a, 1);
    g.property(a, b);
    g.property(b, c);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominators(*an), (std::vector<NodeOrdinal>{root, root, a, b}));
    EXPECT_EQ(retainedSizes(*an), (std::vector<std::uint64_t>{60, 60, 50, 30}));
    EXPECT_EQ(an->totalSize, 60u);
    EXPECT_TRUE(an->problems.empty());
}

TEST(Dominators, Diamond) {
    // root -> A -> {B, C} -> D -> E: D is dominated by A (neither B nor C alone holds it).
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto b = g.node(tObject, "B", 2);
    const auto c = g.node(tObject, "C", 4);
    const auto d = g.node(tObject, "D", 8);
    const auto e = g.node(tObject, "E", 16);
    g.element(root, a, 1);
    g.property(a, b, "left");
    g.property(a, c, "right");
    g.property(b, d);
    g.property(c, d);
    g.property(d, e);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominators(*an), (std::vector<NodeOrdinal>{root, root, a, a, a, d}));
    EXPECT_EQ(retainedSizes(*an), (std::vector<std::uint64_t>{31, 31, 2, 4, 24, 16}));
    EXPECT_EQ(dominatedBy(*an, a), (std::vector<NodeOrdinal>{b, c, d}));
    EXPECT_EQ(dominatedBy(*an, root), (std::vector<NodeOrdinal>{a}));
}

TEST(Dominators, CycleEnteredOnce) {
    // root -> A -> B -> C -> A: the edge back to A changes nothing.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto b = g.node(tObject, "B", 2);
    const auto c = g.node(tObject, "C", 4);
    g.element(root, a, 1);
    g.property(a, b);
    g.property(b, c);
    g.property(c, a);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominators(*an), (std::vector<NodeOrdinal>{root, root, a, b}));
    EXPECT_EQ(retainedSizes(*an), (std::vector<std::uint64_t>{7, 7, 6, 4}));
}

TEST(Dominators, CycleEnteredTwice) {
    // root -> A -> B <-> C <- root: B and C are each reached past the other, so the root holds both.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto b = g.node(tObject, "B", 2);
    const auto c = g.node(tObject, "C", 4);
    g.element(root, a, 1);
    g.element(root, c, 2);
    g.property(a, b);
    g.property(b, c);
    g.property(c, b);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominators(*an), (std::vector<NodeOrdinal>{root, root, root, root}));
    EXPECT_EQ(retainedSizes(*an), (std::vector<std::uint64_t>{7, 1, 2, 4}));
}

TEST(Dominators, ParallelEdgesAndSelfEdges) {
    // Two edges A -> B are one path; B -> B is not an edge for dominators at all.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto b = g.node(tObject, "B", 2);
    g.element(root, a, 1);
    g.property(a, b, "x");
    g.property(a, b, "y");
    g.property(b, b, "self");
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominators(*an), (std::vector<NodeOrdinal>{root, root, a}));
    EXPECT_EQ(retainedSizes(*an), (std::vector<std::uint64_t>{3, 3, 2}));
}

TEST(Dominators, NodeHeldOnlyByItselfHoldsItsChildren) {
    // X -> X and X -> Y, nothing else reaches X: a self edge is no retainer, so X counts as
    // "retained by nothing", is walked from the root on its own, and dominates Y. (Were the self
    // edge counted, X and Y would both be left for the last resort, which hangs each off the root.)
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto x = g.node(tObject, "X", 2);
    const auto y = g.node(tObject, "Y", 4);
    g.element(root, a, 1);
    g.property(x, x, "self");
    g.property(x, y);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominators(*an), (std::vector<NodeOrdinal>{root, root, root, x}));
    EXPECT_EQ(retainedSizes(*an), (std::vector<std::uint64_t>{7, 1, 6, 4}));
    EXPECT_EQ(an->problems.size(), 1u); // unreachable nodes, all found from unretained ones
}

TEST(Dominators, WeakEdgesDoNotRetain) {
    // root -> A -> C, root -> B -weak-> C: A alone holds C. A -weak-> D is D's only retainer: D
    // hangs off the root.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto b = g.node(tObject, "B", 2);
    const auto c = g.node(tObject, "C", 4);
    const auto d = g.node(tObject, "D", 8);
    g.element(root, a, 1);
    g.element(root, b, 2);
    g.property(a, c);
    g.weak(b, c);
    g.weak(a, d);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominators(*an), (std::vector<NodeOrdinal>{root, root, root, a, root}));
    EXPECT_EQ(retainedSizes(*an), (std::vector<std::uint64_t>{15, 5, 2, 4, 8}));
}

TEST(Dominators, ShortcutsRetainOnlyFromTheRoot) {
    // A -shortcut-> C does not retain C (B does); root -shortcut-> D does retain D.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto b = g.node(tObject, "B", 2);
    const auto c = g.node(tObject, "C", 4);
    const auto d = g.node(tObject, "D", 8);
    g.element(root, a, 1);
    g.element(root, b, 2);
    g.edge(a, eShortcut, "c", c);
    g.property(b, c);
    g.edge(root, eShortcut, "d", d);
    g.property(a, d);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominators(*an), (std::vector<NodeOrdinal>{root, root, root, b, root}));
    EXPECT_EQ(retainedSizes(*an), (std::vector<std::uint64_t>{15, 1, 6, 4, 8}));
}

TEST(Dominators, WeakMapTableHalfDoesNotRetainTheValue) {
    // Both the table T and the key K have an ephemeron edge to the value V; only the key's counts.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto t = g.node(tObject, "EphemeronHashTable", 1);
    const auto k = g.node(tObject, "Key", 2);
    const auto v = g.node(tObject, "Value", 4);
    g.element(root, t, 1);
    g.element(root, k, 2);
    g.edge(t, eInternal, ephemeronName(5, k, v, t), v);
    g.edge(k, eInternal, ephemeronName(1, k, v, t), v);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominators(*an), (std::vector<NodeOrdinal>{root, root, root, k}));
    EXPECT_EQ(retainedSizes(*an), (std::vector<std::uint64_t>{7, 1, 6, 4}));
}

TEST(Dominators, SystemObjectsDoNotRetainPageObjects) {
    // An old-style snapshot: the page's global W (a root shortcut) and (GC roots) -> S. S -> P and
    // W -> P, but an edge from a non-page object into a page object is not essential: W holds P.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto w = g.node(tObject, "Window", 1);
    const auto gcRoots = g.node(tSynthetic, "(GC roots)", 0);
    const auto s = g.node(tObject, "system", 2);
    const auto p = g.node(tObject, "P", 4);
    g.edge(root, eShortcut, "1", w);
    g.element(root, gcRoots, 2);
    g.element(gcRoots, s, 1);
    g.property(s, p);
    g.property(w, p);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominators(*an), (std::vector<NodeOrdinal>{root, root, root, gcRoots, w}));
    EXPECT_EQ(retainedSizes(*an), (std::vector<std::uint64_t>{7, 5, 2, 2, 4}));
    EXPECT_TRUE(an->flags[p] & kFlagPageObject);
    EXPECT_FALSE(an->flags[s] & kFlagPageObject);
}

TEST(Dominators, UnretainedNodesHangOffTheRootAndMayBypass) {
    // X has no retainer: it is walked from the root after everything else, as if the root held it,
    // so its edge into B makes the root B's dominator (A no longer is).
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto b = g.node(tObject, "B", 2);
    const auto x = g.node(tObject, "X", 4);
    const auto y = g.node(tObject, "Y", 8);
    g.element(root, a, 1);
    g.property(a, b);
    g.property(x, b);
    g.property(x, y);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominators(*an), (std::vector<NodeOrdinal>{root, root, root, root, x}));
    EXPECT_EQ(retainedSizes(*an), (std::vector<std::uint64_t>{15, 1, 2, 12, 8}));
    EXPECT_EQ(an->problems.size(), 1u);
}

TEST(Dominators, UnreachableCyclesHangOffTheRootAndDoNotBypass) {
    // P <-> Q -> R and Q -> B: every one of them has a retainer, none is reached from the root or
    // from an unretained node. DevTools numbers them last, each under the root, and they do not
    // change the dominators of what the root reaches (A still holds B).
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto b = g.node(tObject, "B", 2);
    const auto p = g.node(tObject, "P", 4);
    const auto q = g.node(tObject, "Q", 8);
    const auto r = g.node(tObject, "R", 16);
    g.element(root, a, 1);
    g.property(a, b);
    g.property(p, q);
    g.property(q, p);
    g.property(q, r);
    g.property(q, b);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominators(*an), (std::vector<NodeOrdinal>{root, root, a, root, root, root}));
    EXPECT_EQ(retainedSizes(*an), (std::vector<std::uint64_t>{31, 3, 2, 4, 8, 16}));
    EXPECT_EQ(an->problems.size(), 2u); // unreachable nodes, and some still unreachable after that
}

TEST(Dominators, ClassRetainedSizeCountsNestedInstancesOnce) {
    // root -> A1(Foo) -> B(Bar) -> A2(Foo), root -> A3(Foo) (the example of DevTools' rule).
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a1 = g.node(tObject, "Foo", 10);
    const auto b = g.node(tObject, "Bar", 50);
    const auto a2 = g.node(tObject, "Foo", 40);
    const auto a3 = g.node(tObject, "Foo", 10);
    g.element(root, a1, 1);
    g.property(a1, b);
    g.property(b, a2);
    g.element(root, a3, 2);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(retainedOf(*an, a1), 100u);
    EXPECT_EQ(retainedOf(*an, b), 90u);
    EXPECT_EQ(retainedOf(*an, a2), 40u);
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> rows; // name -> (retained, count)
    for (const ClassAggregate& row : an->allObjects.classes)
        rows[an->classes[row.classIndex].name] = {row.retainedSize, row.count};
    EXPECT_EQ(rows["Foo"], (std::pair<std::uint64_t, std::uint64_t>{110, 3}));
    EXPECT_EQ(rows["Bar"], (std::pair<std::uint64_t, std::uint64_t>{90, 1}));
}

// --- a million-deep chain --------------------------------------------------------------------------

TEST(Dominators, MillionDeepChain) {
    // root -> n1 -> n2 -> ... -> nN, plus nN -> n2 (a long path for the path compression to walk)
    // and n1 -> nN (so nN is held by n1, not by n(N-1)). Every node weighs 1.
    constexpr std::uint32_t kDepth = 1'000'000;
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    for (std::uint32_t i = 1; i <= kDepth; ++i)
        g.node(tObject, "Link", 1);
    const NodeOrdinal first(1), last(kDepth);
    g.element(root, first, 1);
    g.property(first, last, "last");
    for (std::uint32_t i = 1; i < kDepth; ++i)
        g.property(NodeOrdinal(i), NodeOrdinal(i + 1), "next");
    g.property(last, NodeOrdinal(2), "back");
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(dominatorOf(*an, root), root);
    EXPECT_EQ(dominatorOf(*an, first), root);
    EXPECT_EQ(dominatorOf(*an, last), first);
    std::uint32_t wrongDominator = 0, wrongRetained = 0;
    for (std::uint32_t i = 2; i < kDepth; ++i) {
        wrongDominator += dominatorOf(*an, NodeOrdinal(i)) != NodeOrdinal(i - 1);
        wrongRetained += retainedOf(*an, NodeOrdinal(i)) != kDepth - i;
    }
    EXPECT_EQ(wrongDominator, 0u);
    EXPECT_EQ(wrongRetained, 0u);
    EXPECT_EQ(retainedOf(*an, first), kDepth);
    EXPECT_EQ(retainedOf(*an, last), 1u);
    EXPECT_EQ(retainedOf(*an, root), kDepth);
    // one class, every instance inside the first one's subtree: counted once
    ASSERT_EQ(an->allObjects.classes.size(), 1u);
    EXPECT_EQ(an->allObjects.classes[0].count, kDepth);
    EXPECT_EQ(an->allObjects.classes[0].retainedSize, kDepth);
}

// --- random graphs against the definition -----------------------------------------------------------

// The dominators DevTools computes, from the definition: only essential edges, plus an edge from the
// root to every node it does not reach that has no essential retainer; a node d ≠ v dominates v when
// v is unreachable from the root without d; the immediate dominator is the strict dominator that all
// the others dominate. Nodes still unreached hang off the root. (On plain numbers: the ordinals
// index the vectors below.)
std::vector<NodeOrdinal> dominatorsByDefinition(const GraphBuilder& g, NodeOrdinal rootNode) {
    const auto& nodes = g.nodes();
    const auto& edges = g.edges();
    const std::size_t n = nodes.size();
    const std::uint32_t root = rootNode.value;
    // page objects: from the root's shortcut targets and a "(Document DOM trees)" element target,
    // along non-weak edges
    std::vector<bool> page(n, false);
    std::vector<std::uint32_t> stack;
    for (const auto& e : edges)
        if (e.from == rootNode &&
            (e.type == eShortcut || (e.type == eElement && nodes[e.to.value].type == tSynthetic &&
                                     nodes[e.to.value].name == "(Document DOM trees)")))
            stack.push_back(e.to.value);
    while (!stack.empty()) {
        const auto v = stack.back();
        stack.pop_back();
        if (page[v])
            continue;
        page[v] = true;
        for (const auto& e : edges)
            if (e.from.value == v && e.type != eWeak)
                stack.push_back(e.to.value);
    }
    std::vector<std::vector<std::uint32_t>> out(n);
    std::vector<bool> retained(n, false);
    for (const auto& e : edges) {
        const std::uint32_t from = e.from.value, to = e.to.value;
        if (e.type == eWeak || from == to)
            continue;
        if (from != root && (e.type == eShortcut || (page[to] && !page[from])))
            continue;
        out[from].push_back(to);
        retained[to] = true;
    }
    auto reachable = [&](std::uint32_t removed) {
        std::vector<bool> seen(n, false);
        std::vector<std::uint32_t> todo{root};
        seen[root] = true;
        while (!todo.empty()) {
            const auto v = todo.back();
            todo.pop_back();
            for (auto w : out[v])
                if (!seen[w] && w != removed) {
                    seen[w] = true;
                    todo.push_back(w);
                }
        }
        return seen;
    };
    const auto fromRoot = reachable(root);
    for (std::uint32_t v = 0; v < n; ++v)
        if (!fromRoot[v] && !retained[v])
            out[root].push_back(v);
    const auto reached = reachable(root);
    // dom[v][d]: d dominates v (reflexive)
    std::vector<std::vector<bool>> dom(n, std::vector<bool>(n, false));
    for (std::uint32_t v = 0; v < n; ++v)
        dom[v][v] = dom[v][root] = true;
    for (std::uint32_t d = 0; d < n; ++d) {
        if (d == root || !reached[d])
            continue;
        const auto without = reachable(d);
        for (std::uint32_t v = 0; v < n; ++v)
            if (reached[v] && !without[v])
                dom[v][d] = true;
    }
    std::vector<NodeOrdinal> idom(n, rootNode);
    for (std::uint32_t v = 0; v < n; ++v) {
        if (v == root || !reached[v])
            continue;
        for (std::uint32_t d = 0; d < n; ++d) {
            if (d == v || !dom[v][d])
                continue;
            bool closest = true; // every other strict dominator of v dominates d
            for (std::uint32_t o = 0; o < n && closest; ++o)
                if (o != v && o != d && dom[v][o] && !dom[d][o])
                    closest = false;
            if (closest)
                idom[v] = NodeOrdinal(d);
        }
    }
    return idom;
}

// A random graph of up to 30 nodes: node 0 the root, a few root edges of every kind, nodes of many
// types, edges of every kind (a fifth of them weak), self edges, parallel edges, unreached parts.
GraphBuilder randomGraph(std::mt19937& rng) {
    auto pick = [&](std::uint32_t below) { return std::uint32_t(rng() % below); };
    GraphBuilder g;
    const std::uint32_t n = 2 + pick(29);
    const NodeOrdinal root = g.node(tSynthetic, "", 0);
    static const std::uint64_t types[] = {tObject, tObject, tObject, tClosure,  tString,
                                          tArray,  tHidden, tCode,   tSynthetic};
    for (std::uint32_t i = 1; i < n; ++i) {
        const std::uint64_t type = types[pick(std::size(types))];
        std::string name = "N";
        name += std::to_string(pick(4));
        if (type == tSynthetic)
            name = pick(4) == 0 ? "(Document DOM trees)" : "(GC roots)";
        g.node(type, name, type == tSynthetic ? 0 : 1 + pick(100));
    }
    const std::uint32_t rootEdges = 1 + pick(3);
    for (std::uint32_t i = 0; i < rootEdges; ++i) {
        const NodeOrdinal to(1 + pick(n - 1));
        switch (pick(5)) {
        case 0:
            g.edge(root, eShortcut, std::to_string(i + 1), to);
            break;
        case 1:
            g.weak(root, to);
            break;
        default:
            g.element(root, to, i + 1);
        }
    }
    const std::uint32_t edgeCount = pick(2 * n + 1);
    for (std::uint32_t i = 0; i < edgeCount; ++i) {
        const NodeOrdinal from(1 + pick(n - 1));
        const NodeOrdinal to(1 + pick(n - 1));
        switch (pick(10)) {
        case 0:
        case 1:
            g.weak(from, to);
            break;
        case 2:
            g.edge(from, eShortcut, "s", to);
            break;
        case 3:
            g.element(from, to, pick(3));
            break;
        case 4:
            g.indexEdge(from, eHidden, pick(3), to);
            break;
        case 5:
            g.edge(from, eInternal, "i", to);
            break;
        case 6:
            g.edge(from, eContext, "c", to);
            break;
        default:
            g.property(from, to, pick(2) ? "p" : "q");
        }
    }
    return g;
}

TEST(Dominators, RandomGraphsMatchTheDefinition) {
    std::mt19937 rng(20261206);
    for (int round = 0; round < 400; ++round) {
        const GraphBuilder g = randomGraph(rng);
        auto an = g.analyze(round % 2 ? 1 : 2);
        ASSERT_TRUE(an) << "round " << round;
        const NodeOrdinal root(0);
        const auto expected = dominatorsByDefinition(g, root);
        ASSERT_EQ(dominators(*an), expected) << "round " << round << "\n" << g.json();
        // retained size: the (adjusted) self sizes of the node's dominator subtree
        std::vector<std::uint64_t> retained(g.nodeCount(), 0);
        for (NodeOrdinal v(0); v.value < g.nodeCount(); ++v) {
            NodeOrdinal u = v;
            retained[u.value] += selfSizeOf(*an, v);
            while (u != root) {
                u = expected[u.value];
                retained[u.value] += selfSizeOf(*an, v);
            }
        }
        ASSERT_EQ(retainedSizes(*an), retained) << "round " << round << "\n" << g.json();
        // the dominator tree's children lists are the inverse of the dominators, in ordinal order
        for (NodeOrdinal v(0); v.value < g.nodeCount(); ++v) {
            std::vector<NodeOrdinal> children;
            for (NodeOrdinal c(1); c.value < g.nodeCount(); ++c)
                if (expected[c.value] == v)
                    children.push_back(c);
            ASSERT_EQ(dominatedBy(*an, v), children) << "round " << round << " node " << v.value;
        }
    }
}

} // namespace
