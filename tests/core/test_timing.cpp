// SPDX-License-Identifier: MIT
// Wall-clock bounds. They can fail on a slow or busy machine without anything being wrong, so they
// run under the `slow` label only (ctest -L slow), never in the default run; the unit tests check
// the same cases for their results.
#include "test_util.h"

#include "heapscope/analysis.h"

#include <gtest/gtest.h>

#include <chrono>

using namespace heapscope;
using namespace heapscope::test;

namespace {

constexpr std::uint64_t tConsString = 10;

// Cons strings whose "first"/"second" edges form a cycle (HostileGraphs in test_robustness.cpp).
void expectNamedQuickly(const MiniSnapshot& m, std::initializer_list<NodeOrdinal> consStrings) {
    auto loaded = loadText(m.json());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message();
    auto a = analyze(*loaded);
    ASSERT_TRUE(a.ok()) << a.error().message();
    for (NodeOrdinal node : consStrings) {
        const auto start = std::chrono::steady_clock::now();
        const std::string name = (*a)->displayName(node);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        EXPECT_LT(seconds, 0.05) << "naming a cons string took " << seconds << " s";
    }
}

TEST(Timing, ConsStringCyclesAreNamedQuickly) {
    for (bool viaFirst : {true, false}) {
        MiniSnapshot m;
        m.strings = {"", "(concatenated string)", "abc", "first", "second"};
        m.nodes = {{tSynthetic, 0, 1, 0, 1}, {tConsString, 1, 3, 32, 2}, {tString, 2, 5, 16, 0}};
        m.edges = {{eElement, 1, 1}, {eInternal, 3, viaFirst ? 1u : 2u}, {eInternal, 4, viaFirst ? 2u : 1u}};
        expectNamedQuickly(m, {NodeOrdinal(1)});
    }
    MiniSnapshot two;
    two.strings = {"", "(concatenated string)", "abc", "first", "second"};
    two.nodes = {{tSynthetic, 0, 1, 0, 1},
                 {tConsString, 1, 3, 32, 2},
                 {tConsString, 1, 5, 32, 2},
                 {tString, 2, 7, 16, 0}};
    two.edges = {
        {eElement, 1, 1}, {eInternal, 3, 2}, {eInternal, 4, 3}, {eInternal, 3, 1}, {eInternal, 4, 3}};
    expectNamedQuickly(two, {NodeOrdinal(1), NodeOrdinal(2)});
}

} // namespace
