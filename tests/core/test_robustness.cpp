// SPDX-License-Identifier: MIT
// Graphs that load but that no V8 would write (found by fuzzing or built to be hostile): the
// analysis must stay bounded in time and memory and keep its own invariants.
#include "test_util.h"

#include "heapscope/analysis.h"
#include "heapscope/loader.h"

#include <gtest/gtest.h>

#include <map>

using namespace heapscope;
using namespace heapscope::test;

namespace {

constexpr std::uint64_t tConsString = 10;

AnalysisPtr analyzeText(const std::string& json) {
    auto loaded = loadText(json);
    EXPECT_TRUE(loaded.ok()) << loaded.error().message();
    if (!loaded.ok())
        return nullptr;
    auto a = analyze(*loaded);
    EXPECT_TRUE(a.ok()) << a.error().message();
    return a.ok() ? *a : nullptr;
}

void expectInvariants(const Analysis& a) {
    const Snapshot& s = *a.snapshot;
    std::uint64_t selfTotal = 0;
    for (NodeOrdinal n : s.nodes()) {
        ASSERT_LT(a.dominator[n].value, s.nodeCount) << n.value;
        ASSERT_LE(a.selfSize[n], a.retainedSize[n]) << n.value;
        selfTotal += a.selfSize[n];
    }
    EXPECT_EQ(a.retainedSize[s.root()], selfTotal);
    EXPECT_EQ(a.dominator[s.root()], s.root());
}

// A cons string whose "first" or "second" edge leads back to itself.
MiniSnapshot consCycle(bool viaFirst) {
    MiniSnapshot m;
    m.strings = {"", "(concatenated string)", "abc", "first", "second"};
    m.nodes = {{tSynthetic, 0, 1, 0, 1}, {tConsString, 1, 3, 32, 2}, {tString, 2, 5, 16, 0}};
    m.edges = {{eElement, 1, 1}, {eInternal, 3, viaFirst ? 1u : 2u}, {eInternal, 4, viaFirst ? 2u : 1u}};
    return m;
}

// How long the naming takes is checked under the `slow` label (test_timing.cpp).
void expectBoundedName(const Analysis& a, NodeOrdinal node) {
    const std::string name = a.displayName(node);
    // DevTools stops adding leaves once the text reaches 1024 UTF-16 units.
    EXPECT_LE(text::utf16Length(name), 1024u + 3u) << "name of " << name.size() << " bytes";
}

TEST(HostileGraphs, ConsStringCycleThroughFirst) {
    auto a = analyzeText(consCycle(true).json());
    ASSERT_TRUE(a);
    expectInvariants(*a);
    expectBoundedName(*a, NodeOrdinal(1));
}

TEST(HostileGraphs, ConsStringCycleThroughSecond) {
    auto a = analyzeText(consCycle(false).json());
    ASSERT_TRUE(a);
    expectInvariants(*a);
    expectBoundedName(*a, NodeOrdinal(1));
}

TEST(HostileGraphs, TwoConsStringsInACycle) {
    MiniSnapshot m;
    m.strings = {"", "(concatenated string)", "abc", "first", "second"};
    m.nodes = {{tSynthetic, 0, 1, 0, 1},
               {tConsString, 1, 3, 32, 2},
               {tConsString, 1, 5, 32, 2},
               {tString, 2, 7, 16, 0}};
    m.edges = {{eElement, 1, 1}, {eInternal, 3, 2}, {eInternal, 4, 3}, {eInternal, 3, 1}, {eInternal, 4, 3}};
    auto a = analyzeText(m.json());
    ASSERT_TRUE(a);
    expectInvariants(*a);
    expectBoundedName(*a, NodeOrdinal(1));
    expectBoundedName(*a, NodeOrdinal(2));
}

TEST(HostileGraphs, ConsStringWithoutChildren) {
    MiniSnapshot m;
    m.strings = {"", "(concatenated string)"};
    m.nodes = {{tSynthetic, 0, 1, 0, 1}, {tConsString, 1, 3, 32, 0}};
    m.edges = {{eElement, 1, 1}};
    auto a = analyzeText(m.json());
    ASSERT_TRUE(a);
    expectBoundedName(*a, NodeOrdinal(1));
}

TEST(HostileGraphs, EverythingUnreachable) {
    MiniSnapshot m;
    m.strings = {"", "A", "B"};
    m.nodes = {{tSynthetic, 0, 1, 0, 0}, {tObject, 1, 3, 10, 1}, {tObject, 2, 5, 20, 1}};
    m.edges = {{eProperty, 1, 2}, {eProperty, 2, 1}};
    auto a = analyzeText(m.json());
    ASSERT_TRUE(a);
    expectInvariants(*a);
}

TEST(HostileGraphs, SelfLoopsAndDuplicateEdges) {
    MiniSnapshot m;
    m.strings = {"", "A", "p"};
    m.nodes = {{tSynthetic, 0, 1, 0, 3}, {tObject, 1, 3, 10, 3}};
    m.edges = {{eElement, 1, 1},  {eElement, 2, 1},  {eElement, 3, 0},
               {eProperty, 2, 1}, {eProperty, 2, 1}, {eWeak, 2, 0}};
    auto a = analyzeText(m.json());
    ASSERT_TRUE(a);
    expectInvariants(*a);
    EXPECT_EQ(a->retainedSize[NodeOrdinal(0)], 10u);
}

TEST(HostileGraphs, RootIsTheLastNode) {
    MiniSnapshot m;
    m.strings = {"", "A"};
    m.nodes = {{tObject, 1, 3, 10, 0}, {tObject, 1, 5, 7, 0}, {tSynthetic, 0, 1, 0, 2}};
    m.edges = {{eElement, 1, 0}, {eElement, 2, 1}};
    m.extraHeader = ",\"root_index\":14";
    auto a = analyzeText(m.json());
    ASSERT_TRUE(a);
    EXPECT_EQ(a->snapshot->rootOrdinal, 2u);
    expectInvariants(*a);
    EXPECT_EQ(a->retainedSize[NodeOrdinal(2)], 17u);
}

TEST(HostileGraphs, UnknownTypesEverywhere) {
    MiniSnapshot m = standardMini();
    m.nodeTypes = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    m.edgeTypes = {"p", "q", "r", "s", "t", "u", "v"};
    auto a = analyzeText(m.json());
    ASSERT_TRUE(a);
    expectInvariants(*a);
    for (NodeOrdinal n : a->snapshot->nodes())
        (void)a->displayName(n);
}

} // namespace

// Class retained sizes on two threads: the tree is cut below a path (root, A, X) and the second
// thread must know that A's class is open there, or it counts B2 a second time.
TEST(ClassRetainedSizes, TwoThreadsKnowTheClassesOpenAboveTheCut) {
    MiniSnapshot m;
    m.strings = {"", "Foo", "Bar", "Baz", "p", "q", "r"};
    m.nodes = {{tSynthetic, 0, 1, 0, 1},  // root
               {tObject, 1, 3, 10, 1},    // A: Foo
               {tObject, 2, 5, 10, 3},    // X: Bar
               {tObject, 1, 7, 100, 0},   // B1: Foo
               {tObject, 1, 9, 100, 0},   // B2: Foo
               {tObject, 3, 11, 100, 0}}; // C: Baz
    m.edges = {{eElement, 1, 1}, {eProperty, 4, 2}, {eProperty, 4, 3}, {eProperty, 5, 4}, {eProperty, 6, 5}};
    auto loaded = loadText(m.json());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message();
    for (unsigned threads : {1u, 2u}) {
        AnalysisOptions options;
        options.threads = threads;
        auto a = analyze(*loaded, options);
        ASSERT_TRUE(a.ok()) << a.error().message();
        std::map<std::string, std::uint64_t> retained;
        for (const ClassAggregate& row : (*a)->allObjects.classes)
            retained[(*a)->classes[row.classIndex].name] = row.retainedSize;
        SCOPED_TRACE("threads " + std::to_string(threads));
        EXPECT_EQ(retained["Foo"], 320u); // A only: B1 and B2 are below it
        EXPECT_EQ(retained["Bar"], 310u);
        EXPECT_EQ(retained["Baz"], 100u);
    }
}
