// SPDX-License-Identifier: MIT
// Retaining paths on a hand-built graph: paths that differ only in the built-in function or system
// context they pass through are merged and counted; a stop request cancels the search.
#include "test_util.h"

#include "heapscope/analysis.h"
#include "heapscope/retainer_paths.h"

namespace heapscope::test {
namespace {

// 0 root -> (GC roots) -> (Stack roots) -> parse() and toJSON() (built-ins: no location) and
// handler() (a script function: has a location); each -> context -> system / NativeContext
// -> cache -> Holder -> leak -> Leaked.
MiniSnapshot contextGraph() {
    MiniSnapshot m;
    m.strings = {"",       "(GC roots)", "(Stack roots)", "parse",   "toJSON", "system / NativeContext",
                 "Holder", "handler",    "Leaked",        "context", "cache",  "leak"};
    m.nodes = {
        {tSynthetic, 0, 1, 0, 1}, {tSynthetic, 1, 3, 0, 1}, {tSynthetic, 2, 5, 0, 3},
        {tClosure, 3, 7, 32, 1},  {tClosure, 4, 9, 32, 1},  {tHidden, 5, 11, 64, 1},
        {tObject, 6, 13, 32, 1},  {tClosure, 7, 15, 32, 1}, {tObject, 8, 17, 16, 0},
    };
    m.edges = {
        {eElement, 1, 1}, {eElement, 1, 2}, {eElement, 1, 3},   {eElement, 2, 4},   {eElement, 3, 7},
        {eContext, 9, 5}, {eContext, 9, 5}, {eInternal, 10, 6}, {eProperty, 11, 8}, {eContext, 9, 5},
    };
    // handler() has a script location; the built-ins have none.
    m.locations = {7 * m.nodeFieldCount(), 42, 10, 4};
    return m;
}

AnalysisPtr analysisOf(const MiniSnapshot& m) {
    auto snapshot = loadText(m.json());
    EXPECT_TRUE(snapshot) << (snapshot ? "" : snapshot.error().message());
    if (!snapshot)
        return nullptr;
    auto analysis = analyze(*snapshot);
    EXPECT_TRUE(analysis) << (analysis ? "" : analysis.error().message());
    return analysis ? *analysis : nullptr;
}

TEST(RetainerPathMerge, ContextHops) {
    const AnalysisPtr a = analysisOf(contextGraph());
    ASSERT_TRUE(a);
    EXPECT_TRUE(isContextHop(*a, NodeOrdinal(3)));  // parse(), no location
    EXPECT_TRUE(isContextHop(*a, NodeOrdinal(4)));  // toJSON()
    EXPECT_TRUE(isContextHop(*a, NodeOrdinal(5)));  // system / NativeContext
    EXPECT_FALSE(isContextHop(*a, NodeOrdinal(7))); // handler(), a script function
    EXPECT_FALSE(isContextHop(*a, NodeOrdinal(6))); // Holder
    EXPECT_FALSE(isContextHop(*a, NodeOrdinal(2))); // (Stack roots)
}

TEST(RetainerPathMerge, PathsThroughOtherBuiltinsCountOnce) {
    const AnalysisPtr a = analysisOf(contextGraph());
    ASSERT_TRUE(a);
    PathOptions separate;
    separate.mergeContextVariants = false;
    auto all = findRetainerPaths(*a, {NodeOrdinal(8)}, separate);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->paths.size(), 3u); // via parse(), toJSON() and handler()
    EXPECT_EQ(all->mergedPaths, 0u);

    auto merged = findRetainerPaths(*a, {NodeOrdinal(8)}, PathOptions{});
    ASSERT_TRUE(merged);
    ASSERT_EQ(merged->paths.size(), 2u);
    EXPECT_EQ(merged->mergedPaths, 1u);
    std::uint32_t viaBuiltin = 0, viaHandler = 0;
    for (const RetainerPath& path : merged->paths) {
        ASSERT_EQ(path.hops.size(), 6u);
        EXPECT_EQ(path.hops.back().node, NodeOrdinal(8));
        if (path.hops[2].node == NodeOrdinal(7)) {
            ++viaHandler;
            EXPECT_EQ(path.mergedCount, 0u);
        } else {
            ++viaBuiltin;
            EXPECT_TRUE(path.hops[2].node == NodeOrdinal(3) || path.hops[2].node == NodeOrdinal(4));
            EXPECT_EQ(path.mergedCount, 1u);
        }
    }
    EXPECT_EQ(viaBuiltin, 1u);
    EXPECT_EQ(viaHandler, 1u);

    const std::string text = formatPathsText(*a, *merged);
    EXPECT_NE(text.find("1 more path was merged"), std::string::npos) << text;
    EXPECT_NE(text.find("1 variant merged"), std::string::npos) << text;
    EXPECT_NE(formatPathsMarkdown(*a, *merged).find("1 variant merged"), std::string::npos);
    const std::string json = formatPathsJson(*a, *merged);
    EXPECT_NE(json.find("\"merged_paths\": 1"), std::string::npos) << json;
    EXPECT_NE(json.find("\"merged_count\": 1"), std::string::npos) << json;

    // Asking for one path more than there are ways gives the two ways, not a third variant.
    PathOptions three;
    three.maxPaths = 3;
    auto capped = findRetainerPaths(*a, {NodeOrdinal(8)}, three);
    ASSERT_TRUE(capped);
    EXPECT_EQ(capped->paths.size(), 2u);
}

TEST(RetainerPathMerge, WithoutLocationsNoClosureIsABuiltin) {
    MiniSnapshot m = contextGraph();
    m.locations.clear(); // an old snapshot: which functions are built-ins is not known
    const AnalysisPtr a = analysisOf(m);
    ASSERT_TRUE(a);
    EXPECT_FALSE(isContextHop(*a, NodeOrdinal(3)));
    EXPECT_TRUE(isContextHop(*a, NodeOrdinal(5)));
    auto p = findRetainerPaths(*a, {NodeOrdinal(8)}, PathOptions{});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->paths.size(), 3u);
    EXPECT_EQ(p->mergedPaths, 0u);
}

TEST(RetainerPathMerge, StopRequestCancels) {
    const AnalysisPtr a = analysisOf(contextGraph());
    ASSERT_TRUE(a);
    StopFlag stop;
    stop.requestStop();
    WorkContext context;
    context.stop = &stop;
    auto p = findRetainerPaths(*a, {NodeOrdinal(8)}, PathOptions{}, context);
    ASSERT_FALSE(p);
    EXPECT_TRUE(p.error().cancelled);
}

} // namespace
} // namespace heapscope::test
