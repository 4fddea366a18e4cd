// SPDX-License-Identifier: MIT
// A series of snapshots: time order from the files, per-class numbers equal to each file's own
// analysis, the "grows in every interval" mark, and files left out with a reason.
#include "heapscope/analysis.h"
#include "heapscope/loader.h"
#include "heapscope/series.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <string_view>

namespace heapscope {
namespace {

using test::dataPath;

const std::string kA = "leak2-A-node20.heapsnapshot.gz";
const std::string kB = "leak2-B-node20.heapsnapshot.gz";
const std::string kC = "leak2-C-node20.heapsnapshot.gz";

// By key or, for located classes ("scriptId,line,column,Name"), by name.
const TrendRow* findRow(const Series& series, std::string_view keyOrName) {
    for (const TrendRow& row : series.classes)
        if (row.key == keyOrName || row.name == keyOrName)
            return &row;
    return nullptr;
}

// The definition of TrendRow::growsEveryInterval, written out again.
bool growsEveryInterval(const TrendRow& row) {
    const std::size_t n = row.counts.size();
    if (n < 2)
        return false;
    bool count = true, retained = true;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        count = count && row.counts[i + 1] > row.counts[i];
        retained = retained && row.retainedSizes[i + 1] > row.retainedSizes[i];
    }
    return count || retained;
}

// The three snapshots of one process, given C, A, B: analysed once for the suite.
class SeriesFixtures : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        auto result = analyzeSeries({dataPath(kC), dataPath(kA), dataPath(kB)});
        ASSERT_TRUE(result) << result.error().message();
        s_series = new Series(std::move(*result));
    }
    static void TearDownTestSuite() {
        delete s_series;
        s_series = nullptr;
    }
    static const Series& series() { return *s_series; }
    static Series* s_series;
};
Series* SeriesFixtures::s_series = nullptr;

TEST_F(SeriesFixtures, ShuffledSnapshotsOfOneProcessComeOutInTimeOrder) {
    const Series& s = series();
    ASSERT_EQ(s.loadedCount, 3u);
    ASSERT_EQ(s.snapshots.size(), 3u);
    EXPECT_EQ(s.snapshots[0].path, dataPath(kA));
    EXPECT_EQ(s.snapshots[1].path, dataPath(kB));
    EXPECT_EQ(s.snapshots[2].path, dataPath(kC));
    EXPECT_EQ(s.snapshots[0].givenIndex, 1u);
    EXPECT_EQ(s.snapshots[1].givenIndex, 2u);
    EXPECT_EQ(s.snapshots[2].givenIndex, 0u);
    EXPECT_EQ(s.orderBasis, SeriesOrderBasis::ObjectIds);
    for (const auto& snapshot : s.snapshots) {
        EXPECT_TRUE(snapshot.loaded()) << snapshot.error->message();
        EXPECT_GT(snapshot.nodeCount, 0u);
        EXPECT_GT(snapshot.facts.maxJsObjectId, 0u);
    }
    EXPECT_LT(s.snapshots[0].facts.maxJsObjectId, s.snapshots[1].facts.maxJsObjectId);
    EXPECT_LT(s.snapshots[1].facts.maxJsObjectId, s.snapshots[2].facts.maxJsObjectId);
    ASSERT_EQ(s.intervals.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(s.intervals[i].earlier, i);
        EXPECT_EQ(s.intervals[i].later, i + 1);
        EXPECT_EQ(s.intervals[i].sameProcess, SameProcess::Yes);
        EXPECT_GT(s.intervals[i].matchedIds, 0u);
    }
    EXPECT_TRUE(s.warnings.empty()) << s.warnings.front();
}

TEST_F(SeriesFixtures, PerClassNumbersEqualEachFileAnalysedAlone) {
    const Series& s = series();
    const std::string files[] = {kA, kB, kC};
    for (std::size_t t = 0; t < 3; ++t) {
        SCOPED_TRACE(files[t]);
        auto snapshot = loadSnapshot(dataPath(files[t]));
        ASSERT_TRUE(snapshot) << snapshot.error().message();
        auto analysis = analyze(*snapshot);
        ASSERT_TRUE(analysis) << analysis.error().message();
        const Analysis& a = **analysis;
        EXPECT_EQ(s.snapshots[t].nodeCount, (*snapshot)->nodeCount);
        EXPECT_EQ(s.snapshots[t].edgeCount, (*snapshot)->edgeCount);
        EXPECT_EQ(s.snapshots[t].totalSize, a.totalSize);
        EXPECT_EQ(s.snapshots[t].facts.maxJsObjectId, (*snapshot)->maxJsObjectId());
        std::map<std::string, const ClassAggregate*> alone;
        for (const ClassAggregate& c : a.allObjects.classes)
            alone[a.classes[c.classIndex].key] = &c;
        std::size_t present = 0;
        for (const TrendRow& row : s.classes) {
            ASSERT_EQ(row.counts.size(), 3u);
            ASSERT_EQ(row.selfSizes.size(), 3u);
            ASSERT_EQ(row.retainedSizes.size(), 3u);
            const auto it = alone.find(row.key);
            if (it == alone.end()) {
                EXPECT_EQ(row.counts[t], 0u) << row.key;
                EXPECT_EQ(row.selfSizes[t], 0u) << row.key;
                EXPECT_EQ(row.retainedSizes[t], 0u) << row.key;
                continue;
            }
            ++present;
            EXPECT_EQ(row.counts[t], it->second->count) << row.key;
            EXPECT_EQ(row.selfSizes[t], it->second->selfSize) << row.key;
            EXPECT_EQ(row.retainedSizes[t], it->second->retainedSize) << row.key;
            if (t == 2) {
                EXPECT_EQ(row.name, a.classes[it->second->classIndex].name) << row.key;
            }
        }
        EXPECT_EQ(present, alone.size());
    }
}

TEST_F(SeriesFixtures, LastSnapshotMatchesDevToolsSummary) {
    simdjson::dom::parser parser;
    simdjson::dom::element oracle = parser.load(dataPath("leak2-C-node20.summary.json"));
    simdjson::dom::element array = oracle["classes"][",Array"];
    const TrendRow* row = findRow(series(), ",Array");
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->name, std::string_view(array["name"].get_string()));
    EXPECT_EQ(row->counts[2], std::uint64_t(array["count"].get_uint64()));
    EXPECT_EQ(row->selfSizes[2], std::uint64_t(array["self_size"].get_uint64()));
    EXPECT_EQ(row->retainedSizes[2], std::uint64_t(array["retained_size"].get_uint64()));
}

TEST_F(SeriesFixtures, GrowsEveryIntervalMarksOnlyClassesGrowingInEachInterval) {
    const Series& s = series();
    std::size_t flagged = 0;
    for (const TrendRow& row : s.classes) {
        EXPECT_EQ(row.growsEveryInterval, growsEveryInterval(row)) << row.key;
        flagged += row.growsEveryInterval;
    }
    EXPECT_GT(flagged, 0u);
    EXPECT_LT(flagged, s.classes.size());
    // The leak of the example: 3,000 more RequestRecord objects per interval, held for good.
    const TrendRow* leak = findRow(s, "RequestRecord");
    ASSERT_NE(leak, nullptr);
    EXPECT_EQ(leak->counts, (std::vector<std::uint32_t>{3000, 6000, 9000}));
    EXPECT_TRUE(leak->growsEveryInterval);
    // Object shapes come and go: up in the first interval, down in the second (count and size).
    const TrendRow* churn = findRow(s, ",(object shape)");
    ASSERT_NE(churn, nullptr);
    EXPECT_GT(churn->counts[1], churn->counts[0]);
    EXPECT_LT(churn->counts[2], churn->counts[1]);
    EXPECT_LT(churn->retainedSizes[2], churn->retainedSizes[1]);
    EXPECT_FALSE(churn->growsEveryInterval);
    // Rows are ordered by the change of retained size over the series.
    for (std::size_t r = 1; r < s.classes.size(); ++r) {
        const auto change = [](const TrendRow& row) {
            return std::int64_t(row.retainedSizes.back()) - std::int64_t(row.retainedSizes.front());
        };
        EXPECT_GE(change(s.classes[r - 1]), change(s.classes[r]));
    }
}

TEST_F(SeriesFixtures, BrokenNonSnapshotAndRepeatedFilesAreLeftOutWithTheirReason) {
    test::TempDir dir;
    const std::string copy = dir.file("copy-of-B.heapsnapshot.gz");
    std::filesystem::copy_file(dataPath(kB), copy);
    const std::string broken = std::string(HEAPSCOPE_MALFORMED_DIR) + "/bad-crc-gzip.heapsnapshot.gz";
    const std::string profile = std::string(HEAPSCOPE_MALFORMED_DIR) + "/cpu-profile.heapsnapshot";
    const std::vector<std::string> given = {dataPath(kC), broken,       dataPath(kA), copy,
                                            profile,      dataPath(kB), dataPath(kC)};
    auto result = analyzeSeries(given);
    ASSERT_TRUE(result) << result.error().message();
    const Series& s = *result;
    ASSERT_EQ(s.loadedCount, 3u);
    ASSERT_EQ(s.snapshots.size(), given.size());
    // The copy of B is given before B itself: B is then the second copy.
    EXPECT_EQ(s.snapshots[0].path, dataPath(kA));
    EXPECT_EQ(s.snapshots[1].path, copy);
    EXPECT_EQ(s.snapshots[2].path, dataPath(kC));
    // The files left out follow, in the order given, each with its reason.
    std::vector<std::string> leftOut;
    for (std::size_t i = 3; i < s.snapshots.size(); ++i) {
        ASSERT_FALSE(s.snapshots[i].loaded()) << s.snapshots[i].path;
        leftOut.push_back(s.snapshots[i].path);
        EXPECT_EQ(s.snapshots[i].error->file, s.snapshots[i].path);
        EXPECT_NE(s.snapshots[i].error->message().find(s.snapshots[i].path), std::string::npos);
    }
    EXPECT_EQ(leftOut, (std::vector<std::string>{broken, profile, dataPath(kB), dataPath(kC)}));
    EXPECT_NE(s.snapshots[4].error->message().find("not a heap snapshot"), std::string::npos)
        << s.snapshots[4].error->message();
    EXPECT_NE(s.snapshots[5].error->message().find("a copy of " + copy), std::string::npos)
        << s.snapshots[5].error->message();
    EXPECT_NE(s.snapshots[6].error->message().find("the same file as " + dataPath(kC)), std::string::npos)
        << s.snapshots[6].error->message();

    // The rest of the series is the series of the three good files.
    const Series& clean = series();
    ASSERT_EQ(s.classes.size(), clean.classes.size());
    for (std::size_t r = 0; r < s.classes.size(); ++r) {
        EXPECT_EQ(s.classes[r].key, clean.classes[r].key);
        EXPECT_EQ(s.classes[r].counts, clean.classes[r].counts);
        EXPECT_EQ(s.classes[r].selfSizes, clean.classes[r].selfSizes);
        EXPECT_EQ(s.classes[r].retainedSizes, clean.classes[r].retainedSizes);
        EXPECT_EQ(s.classes[r].growsEveryInterval, clean.classes[r].growsEveryInterval);
    }
}

TEST_F(SeriesFixtures, ProgressCoversTheSeriesAndStopEndsIt) {
    std::uint64_t last = 0, total = 0;
    bool monotonic = true;
    WorkContext context;
    context.progress = [&](Stage stage, std::uint64_t done, std::uint64_t all) {
        EXPECT_EQ(stage, Stage::Series);
        monotonic = monotonic && done >= last;
        last = done;
        total = all;
    };
    auto result = analyzeSeries({dataPath(kA), dataPath(kB)}, {}, context);
    ASSERT_TRUE(result) << result.error().message();
    EXPECT_TRUE(monotonic);
    EXPECT_EQ(total, 2000u);
    EXPECT_EQ(last, total);

    StopFlag stop;
    WorkContext stopping;
    stopping.stop = &stop;
    stopping.progress = [&](Stage, std::uint64_t done, std::uint64_t) {
        if (done > 1000)
            stop.requestStop();
    };
    auto stopped = analyzeSeries({dataPath(kA), dataPath(kB), dataPath(kC)}, {}, stopping);
    ASSERT_FALSE(stopped);
    EXPECT_TRUE(stopped.error().cancelled);
}

// Two miniature snapshots whose ids name different objects (two runs of a program), written under
// Node's names: the later run is given first.
TEST(Series, DifferentProcessesAreToldAndOrderedByNodeFileNames) {
    test::TempDir dir;
    test::MiniSnapshot firstRun = test::standardMini();
    test::MiniSnapshot secondRun = test::standardMini();
    secondRun.strings[1] = "Bar";
    secondRun.strings[2] = "bye";
    secondRun.strings[3] = "baz";
    const std::string first = dir.file("Heap.20240130.101500.100.0.001.heapsnapshot");
    const std::string second = dir.file("Heap.20240130.111500.200.0.001.heapsnapshot");
    test::writeFile(first, firstRun.json());
    test::writeFile(second, secondRun.json());

    auto named = analyzeSeries({second, first});
    ASSERT_TRUE(named) << named.error().message();
    ASSERT_EQ(named->loadedCount, 2u);
    EXPECT_EQ(named->orderBasis, SeriesOrderBasis::FileNames);
    EXPECT_EQ(named->snapshots[0].path, first);
    EXPECT_EQ(named->snapshots[1].path, second);
    ASSERT_EQ(named->intervals.size(), 1u);
    EXPECT_EQ(named->intervals[0].sameProcess, SameProcess::No);
    EXPECT_GT(named->intervals[0].differingIds * 4, named->intervals[0].matchedIds);
    EXPECT_FALSE(named->warnings.empty());
    // Classes are still compared, by key (the native "Foo" is detached: its class is "Detached Foo").
    const TrendRow* foo = findRow(*named, ",Foo");
    ASSERT_NE(foo, nullptr);
    EXPECT_EQ(foo->counts, (std::vector<std::uint32_t>{1, 0}));
    const TrendRow* bar = findRow(*named, ",Bar");
    ASSERT_NE(bar, nullptr);
    EXPECT_EQ(bar->counts, (std::vector<std::uint32_t>{0, 1}));

    // Without Node's names nothing tells the order: the order given stays, with a warning.
    const std::string plainFirst = dir.file("run-one.heapsnapshot");
    const std::string plainSecond = dir.file("run-two.heapsnapshot");
    std::filesystem::rename(first, plainFirst);
    std::filesystem::rename(second, plainSecond);
    auto plain = analyzeSeries({plainSecond, plainFirst});
    ASSERT_TRUE(plain) << plain.error().message();
    EXPECT_EQ(plain->orderBasis, SeriesOrderBasis::Given);
    EXPECT_EQ(plain->snapshots[0].path, plainSecond);
    EXPECT_EQ(plain->warnings.size(), 2u);
}

// No id found in the other snapshot: the ids cannot tell.
TEST(Series, DisjointIdsSayUnknown) {
    test::TempDir dir;
    test::MiniSnapshot older = test::standardMini();
    test::MiniSnapshot newer = test::standardMini();
    for (auto& node : newer.nodes)
        node.id += 100;
    test::writeFile(dir.file("older.heapsnapshot"), older.json());
    test::writeFile(dir.file("newer.heapsnapshot"), newer.json());
    auto series = analyzeSeries({dir.file("newer.heapsnapshot"), dir.file("older.heapsnapshot")});
    ASSERT_TRUE(series) << series.error().message();
    ASSERT_EQ(series->intervals.size(), 1u);
    EXPECT_EQ(series->intervals[0].sameProcess, SameProcess::Unknown);
    EXPECT_EQ(series->intervals[0].matchedIds, 0u);
    EXPECT_EQ(series->orderBasis, SeriesOrderBasis::ObjectIds);
    EXPECT_EQ(series->snapshots[0].path, dir.file("older.heapsnapshot"));
}

// The series made by tests/data/gen/series.cjs: one process (Node.js 20, four snapshots) and
// separate processes (Node.js 18, three runs of 1, 2 and 3 steps). Two leaks (RequestRecord held by
// `records` of Session objects in a Map; Sample held by a timer callback's closure) and three
// look-alikes (a bounded LRU cache, a transient batch, a queue going up and down).
std::vector<std::string> seriesFiles(const std::string& folder) {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(dataPath(folder)))
        files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

const std::vector<HolderHop> kRecordPath = {
    {"Session", "records"}, {"Map", "table"}, {"system / Context", "sessions"}};
const std::vector<HolderHop> kSamplePath = {
    {"system / Context", "samples"}, {"Function", "context"}, {"Timeout", "_onTimeout"}};

bool startsWith(const std::vector<HolderHop>& path, const std::vector<HolderHop>& prefix) {
    return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

const LeakGroup* findLeak(const Series& series, std::string_view className) {
    for (const LeakGroup& leak : series.leaks)
        if (leak.className == className)
            return &leak;
    return nullptr;
}

class SeriesLeakFixtures : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        std::vector<std::string> one = seriesFiles("series-node20");
        ASSERT_EQ(one.size(), 4u);
        std::reverse(one.begin(), one.end()); // given newest first: the series puts them in order
        std::swap(one[1], one[2]);
        auto result = analyzeSeries(one);
        ASSERT_TRUE(result) << result.error().message();
        s_one = new Series(std::move(*result));
        std::vector<std::string> separate = seriesFiles("series-separate-node18");
        ASSERT_EQ(separate.size(), 3u);
        std::reverse(separate.begin(), separate.end());
        result = analyzeSeries(separate);
        ASSERT_TRUE(result) << result.error().message();
        s_separate = new Series(std::move(*result));
    }
    static void TearDownTestSuite() {
        delete s_one;
        delete s_separate;
        s_one = s_separate = nullptr;
    }
    static Series* s_one;
    static Series* s_separate;
};
Series* SeriesLeakFixtures::s_one = nullptr;
Series* SeriesLeakFixtures::s_separate = nullptr;

TEST_F(SeriesLeakFixtures, OneProcessFindsBothLeaksWithTheirHolders) {
    const Series& s = *s_one;
    ASSERT_EQ(s.loadedCount, 4u);
    EXPECT_EQ(s.orderBasis, SeriesOrderBasis::ObjectIds);
    EXPECT_TRUE(s.idsMatch);
    for (std::size_t t = 1; t < 4; ++t)
        EXPECT_LT(s.snapshots[t - 1].path, s.snapshots[t].path); // Node's sequence numbers agree
    ASSERT_EQ(s.leaks.size(), 2u);
    const LeakGroup& records = s.leaks[0]; // the bigger growth of retained size first
    EXPECT_EQ(records.className, "RequestRecord");
    const TrendRow* recordClass = findRow(s, "RequestRecord");
    ASSERT_TRUE(recordClass);
    EXPECT_EQ(records.classKey, recordClass->key);
    EXPECT_EQ(records.counts, (std::vector<std::uint32_t>{1000, 2000, 3000, 4000}));
    EXPECT_TRUE(startsWith(records.path, kRecordPath)) << records.description;
    // Allocated after the first snapshot and alive in the third: steps 2 and 3.
    EXPECT_EQ(records.survivors, 2000u);
    EXPECT_EQ(records.sampleIds.size(), 20u);
    EXPECT_TRUE(records.flagged);
    EXPECT_EQ(records.verdict, TrendVerdict::Grows);
    EXPECT_GT(records.retainedGrowth(), 0);
    EXPECT_GE(records.nestedGroups, 1u); // the records' own fields
    EXPECT_NE(records.description.find("RequestRecord ← records in Session ← table in Map"),
              std::string::npos);

    const LeakGroup& samples = s.leaks[1];
    EXPECT_EQ(samples.className, "Sample");
    EXPECT_EQ(samples.counts, (std::vector<std::uint32_t>{500, 1000, 1500, 2000}));
    EXPECT_TRUE(startsWith(samples.path, kSamplePath)) << samples.description;
    EXPECT_EQ(samples.survivors, 1000u);
}

TEST_F(SeriesLeakFixtures, LookAlikesAreNotFlaggedAndSayWhy) {
    for (const Series* s : {s_one, s_separate}) {
        for (const char* name : {"CacheEntry", "BatchItem", "QueueJob"})
            EXPECT_EQ(findLeak(*s, name), nullptr) << name;
        const TrendRow* cache = findRow(*s, ",CacheEntry");
        const TrendRow* batch = findRow(*s, ",BatchItem");
        const TrendRow* queue = findRow(*s, ",QueueJob");
        if (!cache || !batch || !queue) { // located classes: found by name
            cache = findRow(*s, "CacheEntry");
            batch = findRow(*s, "BatchItem");
            queue = findRow(*s, "QueueJob");
        }
        ASSERT_TRUE(cache && batch && queue);
        EXPECT_EQ(cache->verdict, TrendVerdict::Plateau);
        EXPECT_EQ(batch->verdict, TrendVerdict::Freed);
        EXPECT_EQ(queue->verdict, TrendVerdict::Oscillates);
        const TrendRow* records = findRow(*s, "RequestRecord");
        ASSERT_TRUE(records);
        EXPECT_EQ(records->verdict, TrendVerdict::Grows);
    }
    const TrendRow* cache = findRow(*s_one, "CacheEntry");
    ASSERT_TRUE(cache);
    EXPECT_EQ(cache->counts, (std::vector<std::uint32_t>{400, 600, 600, 600}));
}

TEST_F(SeriesLeakFixtures, SeparateProcessesMatchGroupsByTheirPath) {
    const Series& s = *s_separate;
    ASSERT_EQ(s.loadedCount, 3u);
    EXPECT_EQ(s.orderBasis, SeriesOrderBasis::FileNames);
    EXPECT_FALSE(s.idsMatch);
    for (const SeriesInterval& interval : s.intervals)
        EXPECT_EQ(interval.sameProcess, SameProcess::No);
    ASSERT_EQ(s.leaks.size(), 2u);
    EXPECT_EQ(s.leaks[0].className, "RequestRecord");
    EXPECT_EQ(s.leaks[0].counts, (std::vector<std::uint32_t>{1000, 2000, 3000}));
    EXPECT_TRUE(startsWith(s.leaks[0].path, kRecordPath)) << s.leaks[0].description;
    EXPECT_EQ(s.leaks[0].survivors, 0u); // no object can be followed between processes
    EXPECT_EQ(s.leaks[1].className, "Sample");
    EXPECT_EQ(s.leaks[1].counts, (std::vector<std::uint32_t>{500, 1000, 1500}));
}

TEST_F(SeriesLeakFixtures, MinimumGrowthLeavesOutSlowerGroups) {
    std::vector<std::string> one = seriesFiles("series-node20");
    SeriesOptions options;
    options.leaks.minGrowth = 600; // the records grow by 1,000 per step, the samples by 500
    auto result = analyzeSeries(one, options);
    ASSERT_TRUE(result) << result.error().message();
    ASSERT_EQ(result->leaks.size(), 1u);
    EXPECT_EQ(result->leaks[0].className, "RequestRecord");
}

TEST_F(SeriesLeakFixtures, TheUsersOrderIsKeptWhenAskedFor) {
    std::vector<std::string> files = seriesFiles("series-node20");
    SeriesOptions options;
    options.keepGivenOrder = true;
    // In time order: the same leaks as found by the series itself.
    auto inOrder = analyzeSeries(files, options);
    ASSERT_TRUE(inOrder) << inOrder.error().message();
    EXPECT_EQ(inOrder->orderBasis, SeriesOrderBasis::Given);
    EXPECT_TRUE(inOrder->idsMatch);
    ASSERT_EQ(inOrder->leaks.size(), 2u);
    EXPECT_EQ(inOrder->leaks[0].survivors, 2000u);
    // Reversed: kept as given, nothing grows, and survivors are not counted against the ids' order.
    std::reverse(files.begin(), files.end());
    auto reversed = analyzeSeries(files, options);
    ASSERT_TRUE(reversed) << reversed.error().message();
    for (std::size_t t = 0; t < files.size(); ++t)
        EXPECT_EQ(reversed->snapshots[t].path, files[t]);
    EXPECT_FALSE(reversed->idsMatch);
    EXPECT_TRUE(reversed->leaks.empty());
    const TrendRow* records = findRow(*reversed, "RequestRecord");
    ASSERT_TRUE(records);
    EXPECT_EQ(records->counts, (std::vector<std::uint32_t>{4000, 3000, 2000, 1000}));
    EXPECT_EQ(records->verdict, TrendVerdict::Shrinks);
}

TEST(SameProcessRule, ProducersWhoseIdsNeverCarryOverAreDifferentProcesses) {
    // Bun numbers its objects anew in every snapshot: a pair from one Bun process shares only the
    // root's and a few synthetic ids. Node and Deno keep their objects' ids.
    struct Pair {
        const char* a;
        const char* b;
        SameProcess expected;
    };
    for (const Pair& pair :
         {Pair{"mixed-pair-bun1-A.heapsnapshot.gz", "mixed-pair-bun1-B.heapsnapshot.gz", SameProcess::No},
          Pair{"mixed-pair-deno2-A.heapsnapshot.gz", "mixed-pair-deno2-B.heapsnapshot.gz", SameProcess::Yes},
          Pair{"mixed-pair-node26-A.heapsnapshot.gz", "mixed-pair-node26-B.heapsnapshot.gz",
               SameProcess::Yes}}) {
        SCOPED_TRACE(pair.a);
        auto a = loadSnapshot(dataPath(pair.a));
        auto b = loadSnapshot(dataPath(pair.b));
        ASSERT_TRUE(a && b);
        EXPECT_EQ(sameProcess(**a, **b), pair.expected);
    }
}

TEST(SameProcessRule, SeveralSamplesInOnePassMatchAsEachAlone) {
    const char* const files[] = {"mixed-pair-bun1-A.heapsnapshot.gz", "mixed-pair-bun1-B.heapsnapshot.gz",
                                 "mixed-pair-node26-A.heapsnapshot.gz", "mixed-pair-node26-B.heapsnapshot.gz",
                                 "mixed-pair-deno2-A.heapsnapshot.gz"};
    std::vector<SnapshotPtr> snapshots;
    std::vector<ObjectIdSample> samples;
    for (const char* file : files) {
        auto s = loadSnapshot(dataPath(file));
        ASSERT_TRUE(s) << file;
        snapshots.push_back(*s);
        samples.push_back(sampleObjectIds(**s));
    }
    // a sample that names one id twice: only its first entry can match
    ObjectIdSample twice = samples[2];
    ASSERT_FALSE(twice.entries.empty());
    twice.entries.push_back({twice.entries[0].id, 1, 2});
    samples.push_back(twice);
    std::vector<const ObjectIdSample*> all;
    for (const ObjectIdSample& sample : samples)
        all.push_back(&sample);
    for (const SnapshotPtr& other : snapshots) {
        const std::vector<ObjectIdMatch> together = matchObjectIds(all, *other);
        ASSERT_EQ(together.size(), samples.size());
        // by the definition: each id's first entry in the sample, looked up at the first node with it
        std::map<std::uint32_t, NodeOrdinal> firstNodeOf;
        for (NodeOrdinal n : other->nodes())
            firstNodeOf.try_emplace(other->nodeId[n], n);
        const std::hash<std::string_view> hash;
        for (std::size_t i = 0; i < samples.size(); ++i) {
            std::map<std::uint32_t, const ObjectIdSample::Entry*> firstEntryOf;
            for (const auto& entry : samples[i].entries)
                firstEntryOf.try_emplace(entry.id, &entry);
            ObjectIdMatch expected;
            expected.sampled = samples[i].entries.size();
            for (const auto& [id, entry] : firstEntryOf) {
                const auto node = firstNodeOf.find(id);
                if (node == firstNodeOf.end())
                    continue;
                ++expected.matched;
                if (hash(other->typeName(node->second)) != entry->typeHash ||
                    hash(other->name(node->second)) != entry->nameHash)
                    ++expected.differing;
            }
            EXPECT_EQ(together[i].sampled, expected.sampled) << i;
            EXPECT_EQ(together[i].matched, expected.matched) << i;
            EXPECT_EQ(together[i].differing, expected.differing) << i;
            const ObjectIdMatch alone = matchObjectIds(samples[i], *other);
            EXPECT_EQ(alone.matched, expected.matched) << i;
            EXPECT_EQ(alone.differing, expected.differing) << i;
        }
        EXPECT_EQ(together.back().matched, together[2].matched);
        EXPECT_EQ(together.back().sampled, together[2].sampled + 1);
    }
    // a snapshot's own sample is found in it whole, all naming the same objects
    const ObjectIdMatch self = matchObjectIds(samples[2], *snapshots[2]);
    EXPECT_GT(self.sampled, 100u);
    EXPECT_EQ(self.matched, self.sampled);
    EXPECT_EQ(self.differing, 0u);
}

TEST(Series, NodeFileNames) {
    auto name = parseNodeSnapshotName("/tmp/dumps/Heap.20240130.143012.4242.0.007.heapsnapshot");
    ASSERT_TRUE(name);
    EXPECT_EQ(name->date, 20240130u);
    EXPECT_EQ(name->time, 143012u);
    EXPECT_EQ(name->pid, 4242u);
    EXPECT_EQ(name->thread, 0u);
    EXPECT_EQ(name->sequence, 7u);
    EXPECT_TRUE(parseNodeSnapshotName("Heap.20240130.143012.4242.0.001.heapsnapshot.gz"));
    EXPECT_FALSE(parseNodeSnapshotName("Heap.20240130.143012.4242.0.heapsnapshot"));
    EXPECT_FALSE(parseNodeSnapshotName("Heap.20240130.143012.4242.0.001.002.heapsnapshot"));
    EXPECT_FALSE(parseNodeSnapshotName("Heap.2024x130.143012.4242.0.001.heapsnapshot"));
    EXPECT_FALSE(parseNodeSnapshotName("leak2-A-node20.heapsnapshot.gz"));
    EXPECT_FALSE(parseNodeSnapshotName("Heap..143012.4242.0.001.heapsnapshot"));
}

TEST(Series, StageName) {
    EXPECT_EQ(stageName(Stage::Series), "series");
    EXPECT_EQ(jobFraction(Stage::Series, 1, 4), 0.25);
}

} // namespace
} // namespace heapscope
