// SPDX-License-Identifier: MIT
// The typed vocabulary: a node ordinal, an edge ordinal and a string id cannot stand in for one
// another or for a plain number (checked at compile time), and the typed views of a snapshot read
// the same graph as its columns.
#include "graph_builder.h"

#include <gtest/gtest.h>

#include <concepts>
#include <type_traits>
#include <vector>

using namespace heapscope;
using namespace heapscope::test;

namespace {

// --- what must not compile -------------------------------------------------------------------

static_assert(!std::is_convertible_v<std::uint32_t, NodeOrdinal>, "a number is not a node");
static_assert(!std::is_convertible_v<NodeOrdinal, std::uint32_t>, "a node is not a number");
static_assert(!std::is_convertible_v<NodeOrdinal, EdgeOrdinal>, "a node is not an edge");
static_assert(!std::is_convertible_v<EdgeOrdinal, NodeOrdinal>, "an edge is not a node");
static_assert(!std::is_convertible_v<StringId, NodeOrdinal>, "a string is not a node");
static_assert(sizeof(NodeOrdinal) == 4 && std::is_trivially_copyable_v<NodeOrdinal>, "as cheap as a number");

template <typename ColumnType, typename Index>
concept IndexableBy = requires(const ColumnType& column, Index i) {
    column[i];
};

// Node columns take a node, edge columns an edge: never the other.
static_assert(IndexableBy<decltype(Snapshot::nodeId), NodeOrdinal>);
static_assert(!IndexableBy<decltype(Snapshot::nodeId), EdgeOrdinal>);
static_assert(!IndexableBy<decltype(Snapshot::nodeId), StringId>);
static_assert(IndexableBy<decltype(Snapshot::edgeTo), EdgeOrdinal>);
static_assert(!IndexableBy<decltype(Snapshot::edgeTo), NodeOrdinal>);
static_assert(!IndexableBy<decltype(Analysis::retainedSize), EdgeOrdinal>);
static_assert(!IndexableBy<decltype(Analysis::dominator), EdgeOrdinal>);

// What an element stands for comes out typed.
static_assert(std::same_as<decltype(std::declval<const Snapshot&>().edgeTo[EdgeOrdinal()]), NodeOrdinal>);
static_assert(std::same_as<decltype(std::declval<const Snapshot&>().firstEdge[NodeOrdinal()]), EdgeOrdinal>);
static_assert(std::same_as<decltype(std::declval<const Snapshot&>().nodeName[NodeOrdinal()]), StringId>);
static_assert(std::same_as<decltype(std::declval<const Analysis&>().dominator[NodeOrdinal()]), NodeOrdinal>);

template <typename Index>
concept KindOf = requires(const Snapshot& s, Index i) {
    s.kind(i);
};
template <typename Index>
concept EdgeKindOf = requires(const Snapshot& s, Index i) {
    s.edgeKind(i);
};
static_assert(KindOf<NodeOrdinal> && !KindOf<EdgeOrdinal> && !KindOf<StringId>);
static_assert(EdgeKindOf<EdgeOrdinal> && !EdgeKindOf<NodeOrdinal>);

// --- what the typed views read ----------------------------------------------------------------

TEST(TypedIndex, RangeCountsAndSteps) {
    constexpr IndexRange<NodeOrdinal> empty(NodeOrdinal(3), NodeOrdinal(3));
    static_assert(empty.empty() && empty.size() == 0);
    std::vector<std::uint32_t> seen;
    for (NodeOrdinal n : IndexRange(NodeOrdinal(2), NodeOrdinal(5)))
        seen.push_back(n.value);
    EXPECT_EQ(seen, (std::vector<std::uint32_t>{2, 3, 4}));
    for (NodeOrdinal n : IndexRange(NodeOrdinal(5), NodeOrdinal(2)))
        ADD_FAILURE() << "a walk that starts past its end takes no step, not 2^32 - 3 (" << n.value << ")";
    auto it = IndexRange(EdgeOrdinal(7), EdgeOrdinal(9)).begin();
    EXPECT_EQ((*it++).value, 7u);
    EXPECT_EQ((*it).value, 8u);
    EXPECT_EQ(NodeOrdinal(4).next(), NodeOrdinal(5));
    EXPECT_LT(NodeOrdinal(4), NodeOrdinal(5));
}

TEST(TypedIndex, ColumnWritesAndReadsByOrdinal) {
    auto column = Column<NodeOrdinal, std::uint32_t>::zeroed(4);
    column[NodeOrdinal(2)] = 42;
    column[NodeOrdinal(3)] += 1;
    EXPECT_EQ(column[NodeOrdinal(2)], 42u);
    EXPECT_EQ(column.data()[2], 42u);
    EXPECT_EQ(column.data()[3], 1u);
    EXPECT_EQ(column.size(), 4u);
}

TEST(TypedIndex, SnapshotViewsReadTheGraph) {
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto a = g.node(tObject, "A", 10);
    const auto b = g.node(tObject, "B", 20);
    const auto c = g.node(tString, "text", 30);
    g.element(root, a, 1);
    g.property(a, b, "left");
    g.property(a, c, "right");
    g.weak(b, a);
    const auto analysis = g.analyze();
    ASSERT_TRUE(analysis);
    const Snapshot& s = *analysis->snapshot;

    EXPECT_EQ(s.root(), NodeOrdinal(root));
    EXPECT_EQ(s.nodes().size(), s.nodeCount);
    EXPECT_EQ(s.edges().size(), s.edgeCount);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges; // (from, to)
    std::uint32_t expectedEdge = 0;
    for (NodeOrdinal n : s.nodes()) {
        EXPECT_EQ(s.kind(n), s.kind(n.value));
        EXPECT_EQ(s.name(n), s.name(n.value));
        EXPECT_EQ(s.nodeWithId(GraphBuilder::idOf(n.value)), n);
        for (EdgeOrdinal e : s.edgesOf(n)) {
            EXPECT_EQ(e.value, expectedEdge++) << "edges in file order";
            EXPECT_EQ(s.edgeTo[e].value, s.edgeTo[e.value]);
            EXPECT_EQ(s.edgeNameText(e), s.edgeNameText(e.value));
            edges.emplace_back(n.value, s.edgeTo[e].value);
        }
    }
    EXPECT_EQ(expectedEdge, s.edgeCount);
    EXPECT_EQ(edges,
              (std::vector<std::pair<std::uint32_t, std::uint32_t>>{{root, a}, {a, b}, {a, c}, {b, a}}));
    EXPECT_EQ(s.name(NodeOrdinal(c)), "text");
    EXPECT_EQ(s.nodeWithId(2), std::nullopt) << "even ids are not in this graph";
    EXPECT_EQ(s.edgeKind(s.edgesOf(NodeOrdinal(b)).first()), EdgeKind::Weak);

    EXPECT_EQ(analysis->dominator[NodeOrdinal(c)], NodeOrdinal(a));
    EXPECT_EQ(analysis->retainedSize[NodeOrdinal(a)], 60u);
    const auto children = analysis->dominatedBy(NodeOrdinal(a));
    EXPECT_EQ(std::vector<std::uint32_t>(children.begin(), children.end()),
              (std::vector<std::uint32_t>{b, c}));
    EXPECT_EQ(analysis->classInfo(NodeOrdinal(a)).name, "A");
}

} // namespace
