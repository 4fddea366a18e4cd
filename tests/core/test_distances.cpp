// SPDX-License-Identifier: MIT
// Distances on small hand-built graphs, by DevTools' rules: a breadth-first walk from the user
// roots (the root's children that are not synthetic, and "(Document DOM trees)") at distance 1,
// then from the root at 100,000,000 (at 0 when there are no user roots) for what is left; weak
// edges are never followed, a WeakMap value is as far as the later of its key and table, the value
// slots of legacy descriptor arrays are skipped; unreachable nodes have -5.
#include "graph_builder.h"

#include <gtest/gtest.h>

#include <random>

using namespace heapscope;
using namespace heapscope::test;

namespace {

constexpr std::int64_t kNone = kNoDistance;
constexpr std::int64_t kSystem = kBaseSystemDistance;

TEST(Distances, WithoutUserRootsFromTheRootAtZero) {
    // A new-style snapshot: root -> (GC roots) -> (Strong roots) -> A -> B, and A -> C -> B.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto gcRoots = g.node(tSynthetic, "(GC roots)", 0);
    const auto strong = g.node(tSynthetic, "(Strong roots)", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto b = g.node(tObject, "B", 1);
    const auto c = g.node(tObject, "C", 1);
    g.element(root, gcRoots, 1);
    g.element(gcRoots, strong, 1);
    g.element(strong, a, 1);
    g.property(a, c);
    g.property(c, b);
    g.property(a, b);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_FALSE(an->hasUserRoots);
    EXPECT_EQ(distances(*an), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 4}));
}

TEST(Distances, UserRootsFirstThenSystemRoots) {
    // root -> (GC roots) -> S -> T -> U, root -> W (a user root) -> U and W -> X. What a user root
    // reaches is counted from it; the rest from the root at 100,000,000.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto gcRoots = g.node(tSynthetic, "(GC roots)", 0);
    const auto s = g.node(tObject, "S", 1);
    const auto t = g.node(tObject, "T", 1);
    const auto u = g.node(tObject, "U", 1);
    const auto w = g.node(tObject, "Window", 1);
    const auto x = g.node(tObject, "X", 1);
    g.element(root, gcRoots, 1);
    g.edge(root, eShortcut, "2", w);
    g.element(gcRoots, s, 1);
    g.property(s, t);
    g.property(t, u);
    g.property(w, u);
    g.property(w, x);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_TRUE(an->hasUserRoots);
    EXPECT_EQ(distances(*an),
              (std::vector<std::int64_t>{kSystem, kSystem + 1, kSystem + 2, kSystem + 3, 2, 1, 2}));
}

TEST(Distances, EveryUserRootIsAtOne) {
    // root -> A -> B and root -> B: B is a user root itself, at 1 although A reaches it too.
    // "(Document DOM trees)" is synthetic but a user root as well.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto b = g.node(tObject, "B", 1);
    const auto dom = g.node(tSynthetic, "(Document DOM trees)", 0);
    const auto c = g.node(tNative, "HTMLDocument", 1);
    g.element(root, a, 1);
    g.element(root, b, 2);
    g.element(root, dom, 3);
    g.property(a, b);
    g.element(dom, c, 0);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(distances(*an), (std::vector<std::int64_t>{kSystem, 1, 1, 1, 2}));
}

TEST(Distances, WeakEdgesAreNotFollowedAndUnreachableIsMinusFive) {
    // root -> A -weak-> B -> C; A -> D -> C; E is retained by nothing.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto b = g.node(tObject, "B", 1);
    const auto c = g.node(tObject, "C", 1);
    const auto d = g.node(tObject, "D", 1);
    const auto e = g.node(tObject, "E", 1);
    g.element(root, a, 1);
    g.weak(a, b);
    g.property(b, c);
    g.property(a, d);
    g.property(d, c);
    g.property(e, a);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(distances(*an), (std::vector<std::int64_t>{kSystem, 1, kNone, 3, 2, kNone}));
    EXPECT_EQ(an->unreachableCount, 2u);
}

TEST(Distances, EveryOtherEdgeKindIsFollowed) {
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 1);
    const auto ctx = g.node(tObject, "system / Context", 1);
    const auto el = g.node(tObject, "E", 1);
    const auto in = g.node(tObject, "I", 1);
    const auto hi = g.node(tObject, "H", 1);
    const auto sc = g.node(tObject, "S", 1);
    g.element(root, a, 1);
    g.edge(a, eContext, "context", ctx);
    g.element(ctx, el, 0);
    g.edge(el, eInternal, "i", in);
    g.indexEdge(in, eHidden, 0, hi);
    g.edge(hi, eShortcut, "s", sc);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(distances(*an), (std::vector<std::int64_t>{kSystem, 1, 2, 3, 4, 5, 6}));
}

// The ephemeron edge name V8 writes for both halves of a WeakMap entry.
std::string ephemeronName(unsigned index, NodeOrdinal key, NodeOrdinal value, NodeOrdinal table) {
    return std::to_string(index) + " / part of key (Key @" + std::to_string(GraphBuilder::idOf(key)) +
           ") -> value (Value @" + std::to_string(GraphBuilder::idOf(value)) + ") pair in WeakMap (table @" +
           std::to_string(GraphBuilder::idOf(table)) + ")";
}

TEST(Distances, WeakMapValueIsAsFarAsTheLaterOfKeyAndTable) {
    // Table T at 1, key K at 2 (through X): the value is at 3, not 2. Then the other way round:
    // key K2 at 1, table T2 at 2 (through Y): the value V2 is at 3.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto t = g.node(tObject, "EphemeronHashTable", 1);
    const auto x = g.node(tObject, "X", 1);
    const auto k = g.node(tObject, "Key", 1);
    const auto v = g.node(tObject, "Value", 1);
    const auto k2 = g.node(tObject, "Key", 1);
    const auto y = g.node(tObject, "Y", 1);
    const auto t2 = g.node(tObject, "EphemeronHashTable", 1);
    const auto v2 = g.node(tObject, "Value", 1);
    g.element(root, t, 1);
    g.element(root, x, 2);
    g.element(root, k2, 3);
    g.element(root, y, 4);
    g.property(x, k);
    g.edge(t, eInternal, ephemeronName(3, k, v, t), v);
    g.edge(k, eInternal, ephemeronName(1, k, v, t), v);
    g.property(y, t2);
    g.edge(k2, eInternal, ephemeronName(1, k2, v2, t2), v2);
    g.edge(t2, eInternal, ephemeronName(3, k2, v2, t2), v2);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(distances(*an), (std::vector<std::int64_t>{kSystem, 1, 1, 2, 3, 1, 1, 2, 3}));
}

TEST(Distances, LegacyDescriptorArrayValueSlotsAreSkipped) {
    // An array named "(map descriptors)": element i >= 2 with i % 3 == 1 is a descriptor's value,
    // not followed (V and W are unreachable); slots 0, 1, 2 and 3 are followed.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto map = g.node(tObject, "Map", 1);
    const auto d = g.node(tArray, "(map descriptors)", 1);
    std::vector<NodeOrdinal> slots;
    for (std::uint64_t i = 0; i < 8; ++i)
        slots.push_back(g.node(tObject, std::string("S").append(std::to_string(i)), 1));
    g.element(root, map, 1);
    g.edge(map, eInternal, "instance_descriptors", d);
    for (std::uint64_t i = 0; i < 8; ++i)
        g.element(d, slots[i], i);
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(distances(*an), (std::vector<std::int64_t>{kSystem, 1, 2, 3, 3, 3, 3, kNone, 3, 3, kNone}));
}

TEST(Distances, MillionDeepChain) {
    // root -> (GC roots) -> n1 -> ... -> nN, no user roots: nK is at K + 1.
    constexpr std::uint32_t kDepth = 1'000'000;
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto gcRoots = g.node(tSynthetic, "(GC roots)", 0);
    for (std::uint32_t i = 1; i <= kDepth; ++i)
        g.node(tObject, "Link", 8);
    g.element(root, gcRoots, 1);
    g.element(gcRoots, NodeOrdinal(2), 1);
    for (std::uint32_t i = 2; i <= kDepth; ++i)
        g.property(NodeOrdinal(i), NodeOrdinal(i + 1), "next");
    auto an = g.analyze();
    ASSERT_TRUE(an);
    EXPECT_EQ(distanceOf(*an, root), 0);
    EXPECT_EQ(distanceOf(*an, gcRoots), 1);
    std::uint32_t wrong = 0;
    for (std::uint32_t i = 2; i <= kDepth + 1; ++i)
        wrong += distanceOf(*an, NodeOrdinal(i)) != std::int64_t(i);
    EXPECT_EQ(wrong, 0u);
    EXPECT_EQ(distanceOf(*an, NodeOrdinal(kDepth + 1)), std::int64_t(kDepth) + 1);
    ASSERT_EQ(an->allObjects.classes.size(), 1u);
    EXPECT_EQ(an->allObjects.classes[0].distance, 2); // the class's nearest instance
}

// --- random graphs against a reference ---------------------------------------------------------------

// Distances by DevTools' rules computed another way: relaxation to a fixed point instead of a
// breadth-first walk, first from the user roots, then from the root through what is left. The
// random graphs have no edges into the root and none of the names the special cases look for. (On
// plain numbers: the ordinals index the vectors below; node 0 is the root.)
std::vector<std::int64_t> distancesByRelaxation(const GraphBuilder& g) {
    const auto& nodes = g.nodes();
    const auto& edges = g.edges();
    const std::size_t n = nodes.size();
    std::vector<std::int64_t> dist(n, kNone);
    bool userRoots = false;
    for (const auto& e : edges) // user roots are seeded through any root edge, weak ones too
        if (e.from.value == 0 &&
            (nodes[e.to.value].type != tSynthetic || nodes[e.to.value].name == "(Document DOM trees)")) {
            dist[e.to.value] = 1;
            userRoots = true;
        }
    auto relax = [&](const std::vector<bool>& allowed) {
        for (bool changed = true; changed;) {
            changed = false;
            for (const auto& e : edges) {
                const std::uint32_t from = e.from.value, to = e.to.value;
                if (e.type == eWeak || dist[from] == kNone || !allowed[to])
                    continue;
                if (dist[to] == kNone || dist[from] + 1 < dist[to]) {
                    dist[to] = dist[from] + 1;
                    changed = true;
                }
            }
        }
    };
    std::vector<bool> allowed(n, true);
    allowed[0] = false;
    for (std::size_t v = 0; v < n; ++v) // user roots stay at 1
        if (dist[v] == 1)
            allowed[v] = false;
    relax(allowed);
    for (std::size_t v = 0; v < n; ++v) // the second walk does not enter what the first reached
        allowed[v] = dist[v] == kNone;
    dist[0] = userRoots ? kSystem : 0;
    relax(allowed);
    return dist;
}

TEST(Distances, RandomGraphsMatchARelaxation) {
    std::mt19937 rng(61206);
    auto pick = [&](std::uint32_t below) { return std::uint32_t(rng() % below); };
    static const std::uint64_t types[] = {tObject, tObject, tClosure, tString, tArray, tCode, tSynthetic};
    for (int round = 0; round < 400; ++round) {
        GraphBuilder g;
        const std::uint32_t n = 2 + pick(29);
        const NodeOrdinal root = g.node(tSynthetic, "", 0);
        for (std::uint32_t i = 1; i < n; ++i) {
            const std::uint64_t type = types[pick(std::size(types))];
            g.node(type, type == tSynthetic ? (pick(4) ? "(GC roots)" : "(Document DOM trees)") : "N", 1);
        }
        for (std::uint32_t i = 0, k = 1 + pick(3); i < k; ++i) {
            const NodeOrdinal to(1 + pick(n - 1));
            if (pick(5) == 0)
                g.weak(root, to);
            else
                g.element(root, to, i + 1);
        }
        for (std::uint32_t i = 0, k = pick(2 * n + 1); i < k; ++i) {
            const NodeOrdinal from(1 + pick(n - 1)), to(1 + pick(n - 1));
            switch (pick(6)) {
            case 0:
                g.weak(from, to);
                break;
            case 1:
                g.edge(from, eShortcut, "s", to);
                break;
            case 2:
                g.element(from, to, pick(5));
                break;
            case 3:
                g.edge(from, eInternal, "i", to);
                break;
            default:
                g.property(from, to);
            }
        }
        auto an = g.analyze(round % 2 ? 1 : 2);
        ASSERT_TRUE(an) << "round " << round;
        ASSERT_EQ(distances(*an), distancesByRelaxation(g)) << "round " << round << "\n" << g.json();
    }
}

} // namespace
