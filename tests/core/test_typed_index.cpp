// SPDX-License-Identifier: MIT
// The typed vocabulary: a node ordinal, an edge ordinal and a string id cannot stand in for one
// another or for a plain number (checked at compile time), and the typed views of a snapshot read
// the same graph as its columns.
#include "graph_builder.h"

#include <heapscope/format.h>

#include <gtest/gtest.h>

#include <algorithm>
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
// Nor a plain number: there is no untyped way in (data() is the one, for hot loops).
static_assert(!IndexableBy<decltype(Snapshot::nodeId), std::uint32_t>);
static_assert(!IndexableBy<decltype(Snapshot::nodeId), std::size_t>);
static_assert(!IndexableBy<decltype(Snapshot::edgeTo), int>);
static_assert(!IndexableBy<decltype(Analysis::retainedSize), std::uint32_t>);
using FirstRetainer = std::remove_cvref_t<decltype(std::declval<const Snapshot&>().firstRetainer())>;
using RetainerSource = std::remove_cvref_t<decltype(std::declval<const Snapshot&>().retainerSource())>;
static_assert(IndexableBy<FirstRetainer, NodeOrdinal> && !IndexableBy<FirstRetainer, std::uint32_t>);
static_assert(IndexableBy<RetainerSource, RetainerSlot> && !IndexableBy<RetainerSource, NodeOrdinal>);
static_assert(!IndexableBy<RetainerEdges, std::size_t> && !IndexableBy<RetainerEdges, EdgeOrdinal>);

// What an element stands for comes out typed.
static_assert(std::same_as<decltype(std::declval<const Snapshot&>().edgeTo[EdgeOrdinal()]), NodeOrdinal>);
static_assert(std::same_as<decltype(std::declval<const Snapshot&>().firstEdge[NodeOrdinal()]), EdgeOrdinal>);
static_assert(std::same_as<decltype(std::declval<const Snapshot&>().nodeName[NodeOrdinal()]), StringId>);
static_assert(std::same_as<decltype(std::declval<const Analysis&>().dominator[NodeOrdinal()]), NodeOrdinal>);
static_assert(std::same_as<decltype(std::declval<const FirstRetainer&>()[NodeOrdinal()]), RetainerSlot>);
static_assert(std::same_as<decltype(std::declval<const RetainerSource&>()[RetainerSlot()]), NodeOrdinal>);
static_assert(
    std::same_as<decltype(std::declval<const Snapshot&>().retainerEdge[RetainerSlot()]), EdgeOrdinal>);
static_assert(std::same_as<decltype(*std::declval<const ClassAggregate&>().instances.begin()), NodeOrdinal>);
static_assert(
    std::same_as<decltype(std::declval<const Analysis&>().dominatedBy(NodeOrdinal())[0]), NodeOrdinal>);
static_assert(std::random_access_iterator<TypedSpan<NodeOrdinal>::iterator>, "std algorithms work on it");
// "No value" has the kind of what is missing.
static_assert(std::same_as<decltype(kNoNode), const NodeOrdinal> &&
              std::same_as<decltype(kNoEdge), const EdgeOrdinal> &&
              std::same_as<decltype(kNoString), const StringId>);

template <typename Index>
concept KindOf = requires(const Snapshot& s, Index i) {
    s.kind(i);
};
template <typename Index>
concept EdgeKindOf = requires(const Snapshot& s, Index i) {
    s.edgeKind(i);
};
template <typename Index>
concept LabelOf = requires(const Analysis& a, Index i) {
    format::nodeLabel(a, i);
};
static_assert(KindOf<NodeOrdinal> && !KindOf<EdgeOrdinal> && !KindOf<StringId> && !KindOf<std::uint32_t>);
static_assert(EdgeKindOf<EdgeOrdinal> && !EdgeKindOf<NodeOrdinal> && !EdgeKindOf<std::uint32_t>);
static_assert(LabelOf<NodeOrdinal> && !LabelOf<std::uint32_t> && !LabelOf<EdgeOrdinal>);

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

    EXPECT_EQ(s.root(), root);
    EXPECT_EQ(s.nodes().size(), s.nodeCount);
    EXPECT_EQ(s.edges().size(), s.edgeCount);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges; // (from, to)
    std::uint32_t expectedEdge = 0;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> retainers; // (from, to), by target
    for (NodeOrdinal n : s.nodes()) {
        EXPECT_EQ(s.kind(n), NodeKind(s.nodeKinds[s.nodeType.data()[n.value]]));
        EXPECT_EQ(s.nodeWithId(GraphBuilder::idOf(n)), n);
        for (EdgeOrdinal e : s.edgesOf(n)) {
            EXPECT_EQ(e.value, expectedEdge++) << "edges in file order";
            EXPECT_EQ(s.edgeTo[e].value, s.edgeTo.data()[e.value]);
            edges.emplace_back(n.value, s.edgeTo[e].value);
        }
        for (RetainerSlot r : s.retainersOf(n)) {
            const EdgeOrdinal e = s.retainerEdge[r];
            EXPECT_EQ(s.edgeTo[e], n) << "a retainer's edge points at the retained node";
            EXPECT_EQ(s.retainerTarget(r), n);
            EXPECT_EQ(s.retainerEdgeOf(n, r), e);
            retainers.emplace_back(s.retainerSource()[r].value, n.value);
        }
    }
    EXPECT_EQ(expectedEdge, s.edgeCount);
    EXPECT_EQ(edges, (std::vector<std::pair<std::uint32_t, std::uint32_t>>{
                         {root.value, a.value}, {a.value, b.value}, {a.value, c.value}, {b.value, a.value}}));
    EXPECT_EQ(retainers,
              (std::vector<std::pair<std::uint32_t, std::uint32_t>>{
                  {b.value, a.value}, {root.value, a.value}, {a.value, b.value}, {a.value, c.value}}))
        << "retainers by target; a target's by decreasing source";
    EXPECT_EQ(s.name(c), "text");
    EXPECT_EQ(s.nodeWithId(2), std::nullopt) << "even ids are not in this graph";
    EXPECT_EQ(s.edgeKind(s.edgesOf(b).first()), EdgeKind::Weak);

    EXPECT_EQ(analysis->dominator[c], a);
    EXPECT_EQ(analysis->retainedSize[a], 60u);
    const auto children = analysis->dominatedBy(a);
    EXPECT_EQ(std::vector<NodeOrdinal>(children.begin(), children.end()), (std::vector<NodeOrdinal>{b, c}));
    EXPECT_EQ(*std::lower_bound(children.begin(), children.end(), c), c);
    EXPECT_EQ(children.raw()[0], b.value);
    std::uint32_t instances = 0;
    for (const ClassAggregate& row : analysis->allObjects.classes)
        for (NodeOrdinal n : row.instances) {
            EXPECT_EQ(analysis->classOf[n], row.classIndex);
            ++instances;
        }
    EXPECT_EQ(instances, analysis->allObjects.objectCount);
    EXPECT_EQ(analysis->classInfo(a).name, "A");
}

} // namespace
