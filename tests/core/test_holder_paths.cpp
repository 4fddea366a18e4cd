// SPDX-License-Identifier: MIT
// Holder paths on hand-built graphs: the hops from an object towards the roots along the BFS tree of
// the distances, Array elements and hash table slots folded, numbered fields of ordinary objects
// kept, the engine's own tables left out, the cap on hops, and the groups with their retained sizes.
#include "graph_builder.h"

#include "heapscope/analysis.h"
#include "heapscope/comparison.h"
#include "heapscope/holder_paths.h"
#include "heapscope/loader.h"
#include "heapscope/series.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <span>
#include <string>
#include <utility>

using namespace heapscope;
using namespace heapscope::test;

namespace {

constexpr std::uint64_t tNumber = 7;

std::vector<HolderHop> hopsOf(const HolderPathTable& table, std::uint32_t path) {
    EXPECT_NE(path, kNoIndex);
    return path == kNoIndex ? std::vector<HolderHop>{} : table.hops(path);
}

// The same groups in the same order, with the same numbers, members and path texts (the ids may
// come from different tables).
void expectSameGroups(const Analysis& a, const std::vector<HolderGroup>& got, const HolderPathTable& gotTable,
                      const std::vector<HolderGroup>& want, const HolderPathTable& wantTable) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t g = 0; g < got.size(); ++g) {
        SCOPED_TRACE("group " + std::to_string(g));
        const std::string& name = a.classes[want[g].classIndex].name;
        EXPECT_EQ(got[g].classIndex, want[g].classIndex);
        EXPECT_EQ(got[g].path == kNoIndex, want[g].path == kNoIndex);
        EXPECT_EQ(gotTable.describe(name, got[g].path), wantTable.describe(name, want[g].path));
        EXPECT_EQ(got[g].count, want[g].count);
        EXPECT_EQ(got[g].selfSize, want[g].selfSize);
        EXPECT_EQ(got[g].retainedSize, want[g].retainedSize);
        EXPECT_EQ(got[g].nodes, want[g].nodes);
    }
}

// What a grouping must hold whatever the order: every distinct node of `nodes` in the one group of
// its class and path, the counts and self sizes its members' sums, biggest retained size first.
void expectGroupsOfPaths(const Analysis& a, std::vector<NodeOrdinal> nodes,
                         const std::vector<HolderGroup>& groups, std::span<const std::uint32_t> pathOfNode) {
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<NodeOrdinal>> expected;
    for (NodeOrdinal n : nodes)
        expected[{a.classOf[n], pathOfNode[n.value]}].push_back(n);
    ASSERT_EQ(groups.size(), expected.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const HolderGroup& group = groups[g];
        const auto it = expected.find({group.classIndex, group.path});
        ASSERT_NE(it, expected.end());
        EXPECT_EQ(group.nodes, it->second);
        EXPECT_EQ(group.count, group.nodes.size());
        std::uint64_t self = 0, retained = 0;
        for (NodeOrdinal n : group.nodes) {
            self += a.selfSize[n];
            retained += a.retainedSize[n];
        }
        EXPECT_EQ(group.selfSize, self);
        EXPECT_LE(group.retainedSize, retained);
        if (retained > 0) // the members no other member dominates count
            EXPECT_GT(group.retainedSize, 0u);
        if (g > 0)
            EXPECT_GE(groups[g - 1].retainedSize, group.retainedSize);
    }
}

// root -> (GC roots) -> (Strong roots) -> system / Context -sessions-> Map -table-> (internal array)
// -"12"-> Session -records-> Array -[i]-> RequestRecord, three of them, as V8 writes a Map of
// sessions holding arrays of records.
struct SessionGraph {
    GraphBuilder g;
    NodeOrdinal context, map, table, session, records, number, orphan, viaCode, viaSystem;
    std::vector<NodeOrdinal> recordNodes;

    SessionGraph() {
        const auto root = g.node(tSynthetic, "", 0);
        const auto gcRoots = g.node(tSynthetic, "(GC roots)", 0);
        const auto strong = g.node(tSynthetic, "(Strong roots)", 0);
        context = g.node(tObject, "system / Context", 40); // V8 writes contexts as objects
        map = g.node(tObject, "Map", 32);
        table = g.node(tArray, "", 200);
        session = g.node(tObject, "Session", 40);
        records = g.node(tObject, "Array", 16);
        for (int i = 0; i < 3; ++i)
            recordNodes.push_back(g.node(tObject, "RequestRecord", 56));
        number = g.node(tNumber, "heap number", 16);
        orphan = g.node(tObject, "RequestRecord", 56);
        const auto code = g.node(tCode, "(compiled code)", 100);
        viaCode = g.node(tObject, "Feedback", 24);
        const auto system = g.node(tHidden, "system / DescriptorArray", 24); // class "(system)"
        viaSystem = g.node(tString, "cached", 24);
        g.element(root, gcRoots, 1);
        g.element(gcRoots, strong, 1);
        g.element(strong, context, 1);
        g.edge(context, eContext, "sessions", map);
        g.edge(map, eInternal, "table", table);
        g.edge(table, eInternal, "12", session);
        g.property(session, records, "records");
        for (std::uint32_t i = 0; i < recordNodes.size(); ++i)
            g.element(records, recordNodes[i], i);
        g.indexEdge(recordNodes[0], eHidden, 2, number);
        g.element(strong, code, 2);
        g.edge(code, eInternal, "feedback", viaCode);
        g.element(strong, system, 3);
        g.edge(system, eInternal, "descriptors", viaSystem);
        g.weak(context, orphan); // only a weak retainer: unreachable
    }
};

TEST(HolderPaths, ArrayElementsAndHashTableSlotsAreFolded) {
    SessionGraph graph;
    auto a = graph.g.analyze();
    ASSERT_TRUE(a);
    HolderPathTable table;
    auto paths = summarizeHolderPaths(*a, table);
    ASSERT_TRUE(paths) << paths.error().message();
    const std::vector<HolderHop> expected = {
        {"Session", "records"}, {"Map", "table"}, {"system / Context", "sessions"}};
    for (NodeOrdinal record : graph.recordNodes)
        EXPECT_EQ(hopsOf(table, (*paths)[record.value]), expected);
    // All three records are one path; the Session is held as its Map's table slot.
    EXPECT_EQ((*paths)[graph.recordNodes[0].value], (*paths)[graph.recordNodes[2].value]);
    EXPECT_EQ(hopsOf(table, (*paths)[graph.session.value]),
              (std::vector<HolderHop>{{"Map", "table"}, {"system / Context", "sessions"}}));
    EXPECT_EQ(table.describe("RequestRecord", (*paths)[graph.recordNodes[1].value]),
              "RequestRecord ← records in Session ← table in Map ← sessions in system / Context");
}

TEST(HolderPaths, NumberedFieldOfAnOrdinaryObjectIsAHop) {
    SessionGraph graph;
    auto a = graph.g.analyze();
    ASSERT_TRUE(a);
    HolderPathTable table;
    auto paths = summarizeHolderPaths(*a, table);
    ASSERT_TRUE(paths);
    const auto hops = hopsOf(table, (*paths)[graph.number.value]);
    ASSERT_EQ(hops.size(), 4u);
    EXPECT_EQ(hops[0], (HolderHop{"RequestRecord", "[]"}));
    EXPECT_EQ(hops[1], (HolderHop{"Session", "records"}));
}

TEST(HolderPaths, NotGroupedUnreachableAndEngineHeldObjectsHaveNoPath) {
    SessionGraph graph;
    auto a = graph.g.analyze();
    ASSERT_TRUE(a);
    HolderPathTable table;
    auto paths = summarizeHolderPaths(*a, table);
    ASSERT_TRUE(paths);
    EXPECT_EQ((*paths)[graph.orphan.value], kNoIndex);                 // only weakly held
    EXPECT_EQ((*paths)[graph.viaCode.value], kNoIndex);                // held by compiled code
    EXPECT_EQ((*paths)[graph.table.value], kNoIndex);                  // an internal array is not grouped
    EXPECT_EQ((*paths)[graph.viaSystem.value], kNoIndex);              // held by a "(system)" object
    EXPECT_TRUE(hopsOf(table, (*paths)[graph.context.value]).empty()); // held by a root
    // The Map is held by a context that a root holds: one hop.
    EXPECT_EQ(hopsOf(table, (*paths)[graph.map.value]),
              (std::vector<HolderHop>{{"system / Context", "sessions"}}));
}

TEST(HolderPaths, HopsAreCappedFromTheObjectOutwards) {
    SessionGraph graph;
    auto a = graph.g.analyze();
    ASSERT_TRUE(a);
    HolderPathTable table;
    HolderPathOptions options;
    options.maxHops = 2;
    auto paths = summarizeHolderPaths(*a, table, options);
    ASSERT_TRUE(paths);
    EXPECT_EQ(hopsOf(table, (*paths)[graph.recordNodes[0].value]),
              (std::vector<HolderHop>{{"Session", "records"}, {"Map", "table"}}));
}

TEST(HolderPaths, ObjectsHeldByARootDirectlyHaveAnEmptyPath) {
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto gcRoots = g.node(tSynthetic, "(GC roots)", 0);
    const auto handle = g.node(tObject, "Handle", 8);
    g.element(root, gcRoots, 1);
    g.element(gcRoots, handle, 1);
    auto a = g.analyze();
    ASSERT_TRUE(a);
    HolderPathTable table;
    auto paths = summarizeHolderPaths(*a, table);
    ASSERT_TRUE(paths);
    ASSERT_NE((*paths)[handle.value], kNoIndex);
    EXPECT_TRUE(table.hops((*paths)[handle.value]).empty());
    EXPECT_EQ(table.describe("Handle", (*paths)[handle.value]), "Handle ← a GC root");
}

TEST(HolderPaths, ShortestRetainerIsFollowed) {
    // S -> A -> B -> X (3 hops) and S -> C -> X: X is held through C, the shorter way.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto gcRoots = g.node(tSynthetic, "(GC roots)", 0);
    const auto s = g.node(tObject, "Server", 8);
    const auto a = g.node(tObject, "A", 8);
    const auto b = g.node(tObject, "B", 8);
    const auto c = g.node(tObject, "C", 8);
    const auto x = g.node(tObject, "X", 8);
    g.element(root, gcRoots, 1);
    g.element(gcRoots, s, 1);
    g.property(s, a, "a");
    g.property(a, b, "b");
    g.property(b, x, "viaB");
    g.property(s, c, "c");
    g.property(c, x, "viaC");
    auto an = g.analyze();
    ASSERT_TRUE(an);
    HolderPathTable table;
    auto paths = summarizeHolderPaths(*an, table);
    ASSERT_TRUE(paths);
    EXPECT_EQ(hopsOf(table, (*paths)[x.value]), (std::vector<HolderHop>{{"C", "viaC"}, {"Server", "c"}}));
}

TEST(HolderPaths, OneTableGivesEqualPathsOneIdAcrossSnapshots) {
    SessionGraph first, second;
    second.g.node(tObject, "Extra", 8); // a different graph with the same shape where it matters
    auto a = first.g.analyze();
    auto b = second.g.analyze();
    ASSERT_TRUE(a && b);
    HolderPathTable table;
    auto pa = summarizeHolderPaths(*a, table);
    auto pb = summarizeHolderPaths(*b, table);
    ASSERT_TRUE(pa && pb);
    EXPECT_EQ((*pa)[first.recordNodes[0].value], (*pb)[second.recordNodes[0].value]);
}

TEST(HolderPaths, GroupsCountAndRetainedSizeWithoutNestedMembers) {
    // A list held by `head` of a Queue: Node1 -next-> Node2 -next-> Node3, and two loose Items in an
    // array `items` of the Queue. The Nodes after the first are one group ("next in Node"); its
    // retained size is Node2's alone (Node3 is inside it), not Node2's plus Node3's.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto gcRoots = g.node(tSynthetic, "(GC roots)", 0);
    const auto queue = g.node(tObject, "Queue", 10);
    const auto n1 = g.node(tObject, "Node", 100);
    const auto n2 = g.node(tObject, "Node", 100);
    const auto n3 = g.node(tObject, "Node", 100);
    const auto items = g.node(tObject, "Array", 16);
    const auto i1 = g.node(tObject, "Item", 7);
    const auto i2 = g.node(tObject, "Item", 9);
    g.element(root, gcRoots, 1);
    g.element(gcRoots, queue, 1);
    g.property(queue, n1, "head");
    g.property(n1, n2, "next");
    g.property(n2, n3, "next");
    g.property(queue, items, "items");
    g.element(items, i1, 0);
    g.element(items, i2, 1);
    auto a = g.analyze();
    ASSERT_TRUE(a);
    HolderPathTable table;
    const std::vector<NodeOrdinal> nodes = {i2, n3, n1, n2, i1};
    auto groups = groupByHolder(*a, nodes, table);
    ASSERT_TRUE(groups) << groups.error().message();
    ASSERT_EQ(groups->size(), 3u);
    // Biggest retained first: "head in Queue" (Node1 with the rest: 300), "next in Node" (200),
    // "items in Queue" (16).
    const HolderGroup& head = (*groups)[0];
    EXPECT_EQ(head.count, 1u);
    EXPECT_EQ(head.retainedSize, 300u);
    EXPECT_EQ(table.describe("Node", head.path), "Node ← head in Queue");
    const HolderGroup& next = (*groups)[1];
    EXPECT_EQ(next.count, 2u);
    EXPECT_EQ(next.selfSize, 200u);
    EXPECT_EQ(next.retainedSize, 200u);
    EXPECT_EQ(next.nodes, (std::vector<NodeOrdinal>{n2, n3}));
    const HolderGroup& loose = (*groups)[2];
    EXPECT_EQ(loose.count, 2u);
    EXPECT_EQ(loose.retainedSize, 16u);
    EXPECT_EQ(table.describe("Item", loose.path), "Item ← items in Queue");

    // The census of the whole snapshot has the same numbers for these groups.
    HolderPathTable censusTable;
    auto census = holderCensus(*a, censusTable);
    ASSERT_TRUE(census);
    ASSERT_NE(census->groupOfNode[n2.value], kNoIndex);
    EXPECT_EQ(census->groupOfNode[n2.value], census->groupOfNode[n3.value]);
    const HolderGroup& nextInCensus = census->groups[census->groupOfNode[n2.value]];
    EXPECT_EQ(nextInCensus.count, 2u);
    EXPECT_EQ(nextInCensus.retainedSize, 200u);
    ASSERT_NE(census->groupOfNode[i1.value], kNoIndex);
    EXPECT_EQ(census->groupOfNode[i1.value], census->groupOfNode[i2.value]);
    EXPECT_EQ(census->groups[census->groupOfNode[i1.value]].count, 2u);
}

TEST(HolderPaths, GroupingGivenPathsIsGroupByHolder) {
    // One summary, then several sets of nodes grouped from it: the same as groupByHolder each time.
    SessionGraph graph;
    auto a = graph.g.analyze();
    ASSERT_TRUE(a);
    HolderPathTable shared;
    auto paths = summarizeHolderPaths(*a, shared);
    ASSERT_TRUE(paths) << paths.error().message();
    const std::vector<std::vector<NodeOrdinal>> sets = {
        graph.recordNodes,
        {graph.orphan, graph.recordNodes[2], graph.number, graph.viaCode, graph.recordNodes[0], graph.orphan},
        {graph.session, graph.map, graph.table, graph.viaSystem, graph.context},
        {},
    };
    for (const auto& nodes : sets) {
        SCOPED_TRACE(::testing::PrintToString(nodes));
        HolderPathTable fresh;
        auto want = groupByHolder(*a, nodes, fresh);
        ASSERT_TRUE(want) << want.error().message();
        const HolderPathTable& readOnly = shared;
        auto got = groupByHolderPaths(*a, nodes, readOnly, *paths);
        ASSERT_TRUE(got) << got.error().message();
        expectSameGroups(*a, *got, shared, *want, fresh);
        expectGroupsOfPaths(*a, nodes, *got, *paths);
    }
    // The orphan and the node held by code have no path: a group each (they are of two classes).
    auto loose =
        groupByHolderPaths(*a, std::vector<NodeOrdinal>{graph.orphan, graph.viaCode}, shared, *paths);
    ASSERT_TRUE(loose);
    ASSERT_EQ(loose->size(), 2u);
    EXPECT_EQ((*loose)[0].path, kNoIndex);
    EXPECT_EQ((*loose)[1].path, kNoIndex);
}

TEST(HolderPaths, GroupingGivenPathsKeepsNestedMembersOutOfTheRetainedSize) {
    // The Queue of GroupsCountAndRetainedSizeWithoutNestedMembers, grouped from its summary.
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto gcRoots = g.node(tSynthetic, "(GC roots)", 0);
    const auto queue = g.node(tObject, "Queue", 10);
    const auto n1 = g.node(tObject, "Node", 100);
    const auto n2 = g.node(tObject, "Node", 100);
    const auto n3 = g.node(tObject, "Node", 100);
    g.element(root, gcRoots, 1);
    g.element(gcRoots, queue, 1);
    g.property(queue, n1, "head");
    g.property(n1, n2, "next");
    g.property(n2, n3, "next");
    auto a = g.analyze();
    ASSERT_TRUE(a);
    HolderPathTable table;
    auto paths = summarizeHolderPaths(*a, table);
    ASSERT_TRUE(paths);
    const std::vector<NodeOrdinal> nodes = {n3, n1, n2};
    auto groups = groupByHolderPaths(*a, nodes, table, *paths);
    ASSERT_TRUE(groups) << groups.error().message();
    ASSERT_EQ(groups->size(), 2u);
    EXPECT_EQ((*groups)[0].nodes, (std::vector<NodeOrdinal>{n1}));
    EXPECT_EQ((*groups)[0].retainedSize, 300u);
    EXPECT_EQ((*groups)[1].nodes, (std::vector<NodeOrdinal>{n2, n3}));
    EXPECT_EQ((*groups)[1].retainedSize, 200u);
    HolderPathTable fresh;
    auto want = groupByHolder(*a, nodes, fresh);
    ASSERT_TRUE(want);
    expectSameGroups(*a, *groups, table, *want, fresh);
}

TEST(HolderPaths, GroupingPathsOfAnotherSnapshotIsRefused) {
    SessionGraph graph;
    auto a = graph.g.analyze();
    ASSERT_TRUE(a);
    HolderPathTable table;
    auto paths = summarizeHolderPaths(*a, table);
    ASSERT_TRUE(paths);
    std::vector<std::uint32_t> shorter(*paths);
    shorter.pop_back();
    auto wrongSize = groupByHolderPaths(*a, graph.recordNodes, table, shorter);
    ASSERT_FALSE(wrongSize);
    EXPECT_FALSE(wrongSize.error().cancelled);
    HolderPathTable empty;
    auto wrongTable = groupByHolderPaths(*a, graph.recordNodes, empty, *paths);
    ASSERT_FALSE(wrongTable);
    EXPECT_FALSE(wrongTable.error().cancelled);
    auto outside = groupByHolderPaths(*a, std::vector<NodeOrdinal>{NodeOrdinal(std::uint32_t(paths->size()))},
                                      table, *paths);
    ASSERT_FALSE(outside);
}

TEST(HolderPaths, StopRequestCancels) {
    SessionGraph graph;
    auto a = graph.g.analyze();
    ASSERT_TRUE(a);
    StopFlag stop;
    stop.requestStop();
    WorkContext context;
    context.stop = &stop;
    HolderPathTable table;
    auto paths = summarizeHolderPaths(*a, table, {}, context);
    ASSERT_FALSE(paths);
    EXPECT_TRUE(paths.error().cancelled);
    auto groups = groupByHolder(*a, graph.recordNodes, table, {}, context);
    ASSERT_FALSE(groups);
    EXPECT_TRUE(groups.error().cancelled);
    auto summary = summarizeHolderPaths(*a, table);
    ASSERT_TRUE(summary);
    auto given = groupByHolderPaths(*a, graph.recordNodes, table, *summary, context);
    ASSERT_FALSE(given);
    EXPECT_TRUE(given.error().cancelled);
}

// A real snapshot (golden label: FixtureSpecifics is one of the real-snapshot suites): the new
// objects of the Comparison's classes, grouped again and again from one summary as the Comparison's
// holder tab does, are what groupByHolder gives each time; a stop request cancels both.
TEST(FixtureSpecifics, HolderGroupsFromOneSummaryEqualGroupByHolder) {
    auto baseSnapshot = loadSnapshot(dataPath("leak2-A-node20.heapsnapshot.gz"));
    auto currentSnapshot = loadSnapshot(dataPath("leak2-B-node20.heapsnapshot.gz"));
    ASSERT_TRUE(baseSnapshot && currentSnapshot);
    auto base = analyze(*baseSnapshot);
    auto current = analyze(*currentSnapshot);
    ASSERT_TRUE(base && current);
    auto comparison = compare(*base, *current);
    ASSERT_TRUE(comparison) << comparison.error().message();
    const Analysis& a = **current;

    HolderPathTable shared;
    auto paths = summarizeHolderPaths(a, shared);
    ASSERT_TRUE(paths) << paths.error().message();
    std::size_t checked = 0, groupsSeen = 0;
    for (const ClassDiff& diff : (*comparison)->classes) {
        if (diff.newNodes.empty() || checked == 12)
            continue;
        SCOPED_TRACE(diff.name);
        ++checked;
        HolderPathTable fresh;
        auto want = groupByHolder(a, diff.newNodes, fresh);
        ASSERT_TRUE(want) << want.error().message();
        auto got = groupByHolderPaths(a, diff.newNodes, std::as_const(shared), *paths);
        ASSERT_TRUE(got) << got.error().message();
        expectSameGroups(a, *got, shared, *want, fresh);
        expectGroupsOfPaths(a, diff.newNodes, *got, *paths);
        groupsSeen += got->size();
    }
    EXPECT_EQ(checked, 12u);
    EXPECT_GT(groupsSeen, checked); // some class is held more than one way

    // Every node of the snapshot at once: each in one group.
    std::vector<NodeOrdinal> all;
    for (NodeOrdinal n : a.snapshot->nodes())
        all.push_back(n);
    auto everything = groupByHolderPaths(a, all, shared, *paths);
    ASSERT_TRUE(everything);
    std::size_t members = 0;
    for (const HolderGroup& group : *everything)
        members += group.nodes.size();
    EXPECT_EQ(members, all.size());

    StopFlag stop;
    stop.requestStop();
    WorkContext context;
    context.stop = &stop;
    const auto& nodes = (*comparison)->classes.front().newNodes;
    auto cancelledGroups = groupByHolder(a, nodes, shared, {}, context);
    ASSERT_FALSE(cancelledGroups);
    EXPECT_TRUE(cancelledGroups.error().cancelled);
    auto cancelledGiven = groupByHolderPaths(a, all, shared, *paths, context);
    ASSERT_FALSE(cancelledGiven);
    EXPECT_TRUE(cancelledGiven.error().cancelled);
}

TEST(TrendVerdicts, EachShapeHasItsName) {
    auto verdict = [](std::vector<std::uint32_t> counts) {
        std::vector<std::uint64_t> retained(counts.size(), 100); // flat: only the counts decide
        return classifyTrend(counts, retained);
    };
    EXPECT_EQ(verdict({1000, 2000, 3000, 4000}), TrendVerdict::Grows);
    EXPECT_EQ(verdict({400, 600, 600, 600}), TrendVerdict::Plateau);
    EXPECT_EQ(verdict({300, 900, 400, 700}), TrendVerdict::Oscillates);
    EXPECT_EQ(verdict({0, 800, 0, 0}), TrendVerdict::Freed);
    EXPECT_EQ(verdict({5, 4, 3}), TrendVerdict::Shrinks);
    EXPECT_EQ(verdict({7, 7, 7}), TrendVerdict::Flat);
    EXPECT_EQ(verdict({7}), TrendVerdict::Flat);
    EXPECT_EQ(verdict({1, 1, 2}), TrendVerdict::GrowsSometimes);
    // The retained size growing in every interval makes it grow too.
    EXPECT_EQ(classifyTrend(std::vector<std::uint32_t>{3, 3, 3}, std::vector<std::uint64_t>{10, 20, 30}),
              TrendVerdict::Grows);
    EXPECT_STREQ(trendVerdictName(TrendVerdict::Plateau), "plateau");
    EXPECT_NE(std::string(trendVerdictReason(TrendVerdict::Freed)).find("transient"), std::string::npos);
}

} // namespace
