// SPDX-License-Identifier: MIT
// The analysis' pass graph: one thread and two give the same analysis, a stop request at any point
// gives a cancelled error, the passes keep their timing names, and the retainer distances can be
// cancelled.
#include "heapscope/analysis.h"
#include "heapscope/holder_paths.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>

using namespace heapscope;
using namespace heapscope::test;

namespace {

// Snapshots with detached DOM nodes, WeakMaps, page objects, a timeline and several producers.
const char* const kFiles[] = {"tiny-node20.heapsnapshot.gz", "dom-detached-chromium.heapsnapshot.gz",
                              "mixed-timeline-node12.heaptimeline.gz", "mixed-bun1.heapsnapshot.gz"};

template <typename T> void expectSameArray(const PodArray<T>& a, const PodArray<T>& b, const char* what) {
    ASSERT_EQ(a.size(), b.size()) << what;
    EXPECT_EQ(0, a.size() ? std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) : 0) << what;
}

void expectSameAnalysis(const Analysis& a, const Analysis& b, bool withSummary = true) {
    expectSameArray(a.selfSize, b.selfSize, "selfSize");
    expectSameArray(a.distance, b.distance, "distance");
    expectSameArray(a.dominator, b.dominator, "dominator");
    expectSameArray(a.retainedSize, b.retainedSize, "retainedSize");
    expectSameArray(a.firstDominated(), b.firstDominated(), "firstDominated");
    expectSameArray(a.dominated(), b.dominated(), "dominated");
    expectSameArray(a.classOf, b.classOf, "classOf");
    expectSameArray(a.flags, b.flags, "flags");
    expectSameArray(a.detachedness, b.detachedness, "detachedness");
    EXPECT_EQ(a.problems, b.problems);
    EXPECT_EQ(a.hasUserRoots, b.hasUserRoots);
    EXPECT_EQ(a.totalSize, b.totalSize);
    EXPECT_EQ(a.reachableCount, b.reachableCount);
    EXPECT_EQ(a.unreachableCount, b.unreachableCount);
    EXPECT_EQ(a.statistics.total, b.statistics.total);
    EXPECT_EQ(a.statistics.nativeTotal, b.statistics.nativeTotal);
    EXPECT_EQ(a.statistics.v8heapTotal, b.statistics.v8heapTotal);
    EXPECT_EQ(a.statistics.jsArrays, b.statistics.jsArrays);
    EXPECT_EQ(a.statistics.strings, b.statistics.strings);
    EXPECT_EQ(a.statistics.system, b.statistics.system);
    ASSERT_EQ(a.classes.size(), b.classes.size());
    for (std::size_t i = 0; i < a.classes.size(); ++i)
        EXPECT_EQ(a.classes[i].key, b.classes[i].key);
    if (!withSummary)
        return;
    ASSERT_EQ(a.allObjects.classes.size(), b.allObjects.classes.size());
    for (std::size_t i = 0; i < a.allObjects.classes.size(); ++i) {
        const ClassAggregate& x = a.allObjects.classes[i];
        const ClassAggregate& y = b.allObjects.classes[i];
        EXPECT_EQ(x.classIndex, y.classIndex);
        EXPECT_EQ(x.count, y.count);
        EXPECT_EQ(x.distance, y.distance);
        EXPECT_EQ(x.selfSize, y.selfSize);
        EXPECT_EQ(x.retainedSize, y.retainedSize);
        EXPECT_TRUE(
            std::equal(x.instances.begin(), x.instances.end(), y.instances.begin(), y.instances.end()));
    }
}

AnalysisPtr analyzeWith(const SnapshotPtr& snapshot, unsigned threads, bool aggregateAll = true) {
    AnalysisOptions options;
    options.threads = threads;
    options.aggregateAll = aggregateAll;
    auto analysis = analyze(snapshot, options);
    EXPECT_TRUE(analysis.ok()) << analysis.error().message();
    return analysis.ok() ? *analysis : nullptr;
}

} // namespace

TEST(PassGraph, OneThreadAndTwoGiveTheSameAnalysis) {
    for (const char* file : kFiles) {
        SCOPED_TRACE(file);
        auto snapshot = loadSnapshot(dataPath(file));
        ASSERT_TRUE(snapshot.ok()) << snapshot.error().message();
        const AnalysisPtr one = analyzeWith(*snapshot, 1);
        const AnalysisPtr two = analyzeWith(*snapshot, 2);
        ASSERT_TRUE(one && two);
        expectSameAnalysis(*one, *two);
        // without the Summary, the rest is the same
        const AnalysisPtr bare = analyzeWith(*snapshot, 2, false);
        ASSERT_TRUE(bare);
        expectSameAnalysis(*one, *bare, false);
        EXPECT_TRUE(bare->allObjects.classes.empty());
    }
}

TEST(PassGraph, CallersWorkRunsOnceBesideWithDistancesAndClasses) {
    for (const char* file : kFiles) {
        SCOPED_TRACE(file);
        auto snapshot = loadSnapshot(dataPath(file));
        ASSERT_TRUE(snapshot.ok()) << snapshot.error().message();
        for (unsigned threads : {1u, 2u}) {
            SCOPED_TRACE(threads);
            // The holder paths worked out beside the analysis equal those of the finished one.
            HolderPathTable table;
            int calls = 0;
            std::vector<std::uint32_t> alongsidePaths;
            AnalysisOptions options;
            options.threads = threads;
            options.alongside = [&](const Analysis& partial, const WorkContext& context) {
                ++calls;
                ASSERT_EQ(partial.distance.size(), (*snapshot)->nodeCount);
                ASSERT_EQ(partial.classOf.size(), (*snapshot)->nodeCount);
                ASSERT_FALSE(partial.classes.empty());
                auto paths = summarizeHolderPaths(partial, table, {}, context);
                ASSERT_TRUE(paths.ok());
                alongsidePaths = std::move(*paths);
            };
            auto analysis = analyze(*snapshot, options);
            ASSERT_TRUE(analysis.ok()) << analysis.error().message();
            EXPECT_EQ(calls, 1);
            expectSameAnalysis(**analysis, *analyzeWith(*snapshot, threads));
            auto after = summarizeHolderPaths(**analysis, table);
            ASSERT_TRUE(after.ok());
            EXPECT_EQ(alongsidePaths, *after);
        }
    }
}

TEST(PassGraph, PassesKeepTheirTimingNames) {
    auto snapshot = loadSnapshot(dataPath("tiny-node20.heapsnapshot.gz"));
    ASSERT_TRUE(snapshot.ok()) << snapshot.error().message();
    for (unsigned threads : {1u, 2u}) {
        SCOPED_TRACE(threads);
        const AnalysisPtr analysis = analyzeWith(*snapshot, threads);
        ASSERT_TRUE(analysis);
        std::set<std::string> names;
        for (const auto& [name, seconds] : analysis->passTimings) {
            EXPECT_GE(seconds, 0.0) << name;
            names.insert(name);
        }
        const std::set<std::string> expected{"DOM state",
                                             "weakmap names",
                                             "flags",
                                             "dominator arrays",
                                             "essential edges",
                                             "essential edges (other half)",
                                             "shallow sizes",
                                             "essential slots",
                                             "dominators (DFS)",
                                             "dominators (semidominators)",
                                             "dominators",
                                             "dominator tree",
                                             "queryable",
                                             "distances",
                                             "class names",
                                             "statistics",
                                             "summary rows",
                                             "class retained sizes"};
        EXPECT_EQ(names, expected);
        EXPECT_EQ(analysis->passTimings.size(), expected.size()); // each pass once
    }
}

TEST(PassGraph, AStopAtAnyReportCancels) {
    auto snapshot = loadSnapshot(dataPath("dom-detached-chromium.heapsnapshot.gz"));
    ASSERT_TRUE(snapshot.ok()) << snapshot.error().message();
    for (unsigned threads : {1u, 2u}) {
        // how many reports a whole run makes (the last one says the analysis is done)
        std::size_t reports = 0;
        WorkContext counting;
        counting.progress = [&](Stage, std::uint64_t, std::uint64_t) { ++reports; };
        AnalysisOptions options;
        options.threads = threads;
        ASSERT_TRUE(analyze(*snapshot, options, counting).ok());
        ASSERT_GE(reports, 5u);
        for (std::size_t stopAt = 0; stopAt + 1 < reports; ++stopAt) {
            SCOPED_TRACE("threads " + std::to_string(threads) + ", stop at report " + std::to_string(stopAt));
            StopFlag stop;
            WorkContext context;
            context.stop = &stop;
            std::size_t seen = 0;
            context.progress = [&](Stage, std::uint64_t, std::uint64_t) {
                if (seen++ == stopAt)
                    stop.requestStop();
            };
            auto analysis = analyze(*snapshot, options, context);
            ASSERT_FALSE(analysis.ok());
            EXPECT_TRUE(analysis.error().cancelled);
            EXPECT_EQ(analysis.error().stage, "analysis");
        }
    }
}

TEST(PassGraph, RetainerDistancesCanBeCancelled) {
    auto snapshot = loadSnapshot(dataPath("tiny-node20.heapsnapshot.gz"));
    ASSERT_TRUE(snapshot.ok()) << snapshot.error().message();
    const AnalysisPtr analysis = analyzeWith(*snapshot, 2);
    ASSERT_TRUE(analysis);
    // ignoring a root child: the BFS runs
    const Snapshot& s = **snapshot;
    const std::vector<NodeOrdinal> ignored{s.edgeTo[s.firstEdge[s.root()]]};
    std::vector<std::uint64_t> steps;
    WorkContext reporting;
    reporting.progress = [&](Stage stage, std::uint64_t done, std::uint64_t total) {
        EXPECT_EQ(stage, Stage::PathSearch);
        EXPECT_LE(done, total);
        steps.push_back(done);
    };
    auto distances = computeRetainerDistances(*analysis, ignored, reporting);
    ASSERT_TRUE(distances.ok()) << distances.error().message();
    EXPECT_EQ(distances->distance.size(), s.nodeCount);
    EXPECT_TRUE(std::is_sorted(steps.begin(), steps.end()));
    ASSERT_FALSE(steps.empty());
    EXPECT_EQ(steps.front(), 0u);

    StopFlag stop;
    stop.requestStop();
    WorkContext stopped;
    stopped.stop = &stop;
    auto cancelled = computeRetainerDistances(*analysis, ignored, stopped);
    ASSERT_FALSE(cancelled.ok());
    EXPECT_TRUE(cancelled.error().cancelled);
    // nothing ignored: the main distances, at once
    auto plain = computeRetainerDistances(*analysis, {});
    ASSERT_TRUE(plain.ok());
    for (NodeOrdinal n : s.nodes())
        ASSERT_EQ(plain->distance[n.value],
                  analysis->distance[n] == kNoDistance ? kBaseUnreachableDistance : analysis->distance[n]);
}
