// SPDX-License-Identifier: MIT
// The persisted index: a reopen gives the same snapshot and analysis as a load, and every way an
// index can be stale, damaged or hostile is detected, reported once, and costs only a reload.
#include "test_util.h"

#include "heapscope/analysis.h"
#include "heapscope/index_cache.h"
#include "index/index_format.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <functional>
#include <map>

namespace heapscope::test {
namespace {

namespace fs = std::filesystem;

template <typename T> void expectSameColumn(const PodArray<T>& a, const PodArray<T>& b, const char* what) {
    ASSERT_EQ(a.size(), b.size()) << what;
    EXPECT_TRUE(a.size() == 0 || std::memcmp(a.data(), b.data(), a.bytes()) == 0) << what;
}

void expectSameAnalysis(const Analysis& fresh, const Analysis& mapped) {
    const Snapshot& s = *fresh.snapshot;
    const Snapshot& m = *mapped.snapshot;
    EXPECT_EQ(s.nodeCount, m.nodeCount);
    EXPECT_EQ(s.edgeCount, m.edgeCount);
    EXPECT_EQ(s.rootOrdinal, m.rootOrdinal);
    EXPECT_EQ(s.fileSize, m.fileSize);
    EXPECT_EQ(s.extraNativeBytes, m.extraNativeBytes);
    EXPECT_EQ(s.warnings, m.warnings);
    EXPECT_EQ(s.format.nodeFields, m.format.nodeFields);
    EXPECT_EQ(s.format.sections.size(), m.format.sections.size());
    EXPECT_EQ(s.nodeTypeNames, m.nodeTypeNames);
    EXPECT_EQ(s.edgeTypeNames, m.edgeTypeNames);
    EXPECT_EQ(s.hasDetachedness, m.hasDetachedness);
    expectSameColumn(s.nodeType, m.nodeType, "node types");
    expectSameColumn(s.nodeName, m.nodeName, "node names");
    expectSameColumn(s.nodeId, m.nodeId, "node ids");
    expectSameColumn(s.nodeSelfSize, m.nodeSelfSize, "self sizes as written");
    expectSameColumn(s.firstEdge, m.firstEdge, "first edges");
    expectSameColumn(s.nodeTraceId, m.nodeTraceId, "trace ids");
    expectSameColumn(s.nodeDetachedness, m.nodeDetachedness, "DOM states");
    expectSameColumn(s.edgeType, m.edgeType, "edge types");
    expectSameColumn(s.edgeNameOrIndex, m.edgeNameOrIndex, "edge names");
    expectSameColumn(s.edgeTo, m.edgeTo, "edge targets");
    expectSameColumn(s.firstRetainer(), m.firstRetainer(), "first retainers");
    expectSameColumn(s.retainerSource(), m.retainerSource(), "retainer sources");
    expectSameColumn(s.locations, m.locations, "locations");
    ASSERT_EQ(s.strings.size(), m.strings.size());
    for (std::uint32_t i = 0; i < s.strings.size(); ++i)
        ASSERT_EQ(s.strings[i], m.strings[i]) << "string " << i;
    EXPECT_EQ(s.traceTree.size(), m.traceTree.size());
    EXPECT_EQ(s.traceFunctionInfos.size(), m.traceFunctionInfos.size());
    EXPECT_EQ(s.samples.size(), m.samples.size());
    EXPECT_EQ(s.scopeSections.scopes, m.scopeSections.scopes);
    EXPECT_EQ(s.facts().maxJsObjectId, m.facts().maxJsObjectId);
    EXPECT_EQ(s.facts().isTimeline, m.facts().isTimeline);

    expectSameColumn(fresh.selfSize, mapped.selfSize, "self sizes");
    expectSameColumn(fresh.distance, mapped.distance, "distances");
    expectSameColumn(fresh.dominator, mapped.dominator, "dominators");
    expectSameColumn(fresh.retainedSize, mapped.retainedSize, "retained sizes");
    expectSameColumn(fresh.firstDominated(), mapped.firstDominated(), "dominator tree offsets");
    ASSERT_EQ(mapped.firstDominated()[s.nodeCount], fresh.firstDominated()[s.nodeCount]);
    for (std::uint32_t i = 0; i < fresh.firstDominated()[s.nodeCount]; ++i)
        ASSERT_EQ(fresh.dominated()[i], mapped.dominated()[i]) << "dominated " << i;
    expectSameColumn(fresh.classOf, mapped.classOf, "classes");
    expectSameColumn(fresh.flags, mapped.flags, "flags");
    expectSameColumn(fresh.detachedness, mapped.detachedness, "propagated DOM states");
    ASSERT_EQ(fresh.classes.size(), mapped.classes.size());
    for (std::size_t i = 0; i < fresh.classes.size(); ++i) {
        EXPECT_EQ(fresh.classes[i].name, mapped.classes[i].name);
        EXPECT_EQ(fresh.classes[i].key, mapped.classes[i].key);
    }
    EXPECT_EQ(fresh.interfaces.size(), mapped.interfaces.size());
    EXPECT_EQ(fresh.totalSize, mapped.totalSize);
    EXPECT_EQ(fresh.reachableCount, mapped.reachableCount);
    EXPECT_EQ(fresh.unreachableCount, mapped.unreachableCount);
    EXPECT_EQ(fresh.statistics.total, mapped.statistics.total);
    EXPECT_EQ(fresh.hasUserRoots, mapped.hasUserRoots);
    const Aggregates& fa = fresh.allObjects;
    const Aggregates& ma = mapped.allObjects;
    EXPECT_EQ(fa.objectCount, ma.objectCount);
    EXPECT_EQ(fa.selfSize, ma.selfSize);
    ASSERT_EQ(fa.classes.size(), ma.classes.size());
    for (std::size_t r = 0; r < fa.classes.size(); ++r) {
        const ClassAggregate& f = fa.classes[r];
        const ClassAggregate& g = ma.classes[r];
        EXPECT_EQ(f.classIndex, g.classIndex);
        EXPECT_EQ(f.count, g.count);
        EXPECT_EQ(f.distance, g.distance);
        EXPECT_EQ(f.selfSize, g.selfSize);
        EXPECT_EQ(f.retainedSize, g.retainedSize);
        ASSERT_EQ(f.instances.size(), g.instances.size());
        EXPECT_TRUE(std::equal(f.instances.begin(), f.instances.end(), g.instances.begin())) << "row " << r;
    }
    // what is computed on request afterwards agrees too
    NodeFilter filter;
    filter.named = NamedFilter::DuplicatedStrings;
    auto a = fresh.aggregate(filter);
    auto b = mapped.aggregate(filter);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->objectCount, b->objectCount);
    EXPECT_EQ(a->selfSize, b->selfSize);
}

// A copy of a fixture in a folder of its own, with a cache folder beside it.
struct Workspace {
    TempDir dir;
    std::string snapshot;
    IndexCacheOptions options;
    explicit Workspace(const std::string& fixture = "leak-A-node20.heapsnapshot.gz") {
        snapshot = dir.file(fixture);
        fs::copy_file(dataPath(fixture), snapshot);
        options.folder = dir.file("cache");
    }
    OpenOptions openOptions() const {
        OpenOptions o;
        o.cache = options;
        return o;
    }
    // Opens, and writes the index when there was none.
    OpenedSnapshot openAndKeep(OpenReport* report = nullptr) {
        OpenReport local;
        OpenReport& r = report ? *report : local;
        auto opened = openAnalyzed(snapshot, openOptions(), {}, &r);
        EXPECT_TRUE(opened) << (opened ? "" : opened.error().message());
        if (opened && r.outcome != IndexOutcome::Used) {
            auto written = writeIndex(*opened->analysis, options);
            EXPECT_TRUE(written) << (written ? "" : written.error().message());
        }
        return *opened;
    }
    std::string indexFile() const {
        auto list = listIndexes(options);
        return list.size() == 1 ? list[0].file : std::string();
    }
    std::vector<std::string> filesInCache() const {
        std::vector<std::string> out;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(options.folder, ec))
            out.push_back(e.path().filename().string());
        return out;
    }
    // Opens from the index, which must be rejected with a warning naming `reason`; the index file is
    // gone afterwards and a plain open gives the right numbers.
    void expectRejected(const std::string& reason, const OpenedSnapshot& fresh) {
        std::string warning;
        auto r = openIndex(snapshot, options, 2, {}, &warning);
        ASSERT_TRUE(r);
        EXPECT_FALSE(*r);
        EXPECT_NE(warning.find(reason), std::string::npos) << warning;
        EXPECT_NE(warning.find(snapshot), std::string::npos) << warning;
        EXPECT_TRUE(filesInCache().empty());
        OpenReport report;
        auto again = openAnalyzed(snapshot, openOptions(), {}, &report);
        ASSERT_TRUE(again);
        EXPECT_EQ(report.outcome, IndexOutcome::Absent);
        EXPECT_EQ(again->analysis->totalSize, fresh.analysis->totalSize);
    }
};

class IndexRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(IndexRoundTrip, AReopenGivesTheSameSnapshotAndAnalysis) {
    Workspace w(GetParam());
    OpenReport first;
    const OpenedSnapshot fresh = w.openAndKeep(&first);
    EXPECT_EQ(first.outcome, IndexOutcome::Absent);
    EXPECT_TRUE(first.indexWarning.empty());
    OpenReport second;
    auto mapped = openAnalyzed(w.snapshot, w.openOptions(), {}, &second);
    ASSERT_TRUE(mapped);
    EXPECT_EQ(second.outcome, IndexOutcome::Used);
    EXPECT_TRUE(mapped->snapshot->nodeType.isBorrowed()); // a mapping, not a copy
    expectSameAnalysis(*fresh.analysis, *mapped->analysis);
    // the index is at most the size of the snapshot's JSON
    const auto list = listIndexes(w.options);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_TRUE(list[0].readable);
    EXPECT_EQ(list[0].snapshotPath, fs::canonical(w.snapshot).string());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, IndexRoundTrip,
                         ::testing::Values("leak-A-node20.heapsnapshot.gz",
                                           "dom-detached-chromium.heapsnapshot.gz",
                                           "alloc-timeline-node20.heaptimeline.gz",
                                           "closures-leak-chromium.heapsnapshot.gz"),
                         [](const auto& info) {
                             std::string name = info.param;
                             name = name.substr(0, name.find('.'));
                             for (char& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c)))
                                     c = '_';
                             return name;
                         });

TEST(IndexCache, AChangedSnapshotIsDetectedOnceAndTheIndexRebuilt) {
    Workspace w;
    const OpenedSnapshot fresh = w.openAndKeep();
    ASSERT_FALSE(w.indexFile().empty());
    // a new modification time
    struct timespec times[2] = {{0, UTIME_OMIT}, {1'000'000'000, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, w.snapshot.c_str(), times, 0), 0);
    OpenReport report;
    auto reopened = openAnalyzed(w.snapshot, w.openOptions(), {}, &report);
    ASSERT_TRUE(reopened);
    EXPECT_EQ(report.outcome, IndexOutcome::Rejected);
    EXPECT_NE(report.indexWarning.find("has changed"), std::string::npos) << report.indexWarning;
    EXPECT_TRUE(w.filesInCache().empty()); // reported once: the next open finds no index
    OpenReport next;
    ASSERT_TRUE(openAnalyzed(w.snapshot, w.openOptions(), {}, &next));
    EXPECT_EQ(next.outcome, IndexOutcome::Absent);
    EXPECT_TRUE(next.indexWarning.empty());
}

TEST(IndexCache, ChangedContentWithTheSameSizeAndTimeIsDetected) {
    Workspace w;
    const OpenedSnapshot fresh = w.openAndKeep();
    struct stat before {};
    ASSERT_EQ(::stat(w.snapshot.c_str(), &before), 0);
    std::string bytes = readFile(w.snapshot);
    bytes[bytes.size() - 9] ^= 0x20; // inside the gzip trailer's last megabyte
    writeFile(w.snapshot, bytes);
    struct timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, w.snapshot.c_str(), times, 0), 0);
    std::string warning;
    auto r = openIndex(w.snapshot, w.options, 2, {}, &warning);
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    EXPECT_NE(warning.find("has changed"), std::string::npos) << warning;
}

TEST(IndexCache, AnotherFileWithTheSameContentHasItsOwnIndex) {
    Workspace w;
    w.openAndKeep();
    const std::string copy = w.dir.file("copy.heapsnapshot.gz");
    fs::copy_file(w.snapshot, copy);
    std::string warning;
    auto r = openIndex(copy, w.options, 2, {}, &warning);
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    EXPECT_TRUE(warning.empty()) << warning;
}

std::vector<index::SectionEntry> sectionsOfBytes(const std::string& bytes) {
    index::FileHeader h{};
    std::memcpy(&h, bytes.data(), sizeof h);
    std::vector<index::SectionEntry> table(h.sectionCount);
    std::memcpy(table.data(), bytes.data() + sizeof h, table.size() * sizeof(index::SectionEntry));
    return table;
}

// Damage of every kind: each is reported, the index deleted, and the open still right.
TEST(IndexCache, DamagedIndexesAreRejected) {
    struct Damage {
        const char* name;
        std::function<void(std::string&)> apply;
        const char* reason;
    };
    const std::vector<Damage> damages = {
        {"empty", [](std::string& b) { b.clear(); }, "empty"},
        {"shorter than its header", [](std::string& b) { b.resize(10); }, "shorter than its header"},
        {"truncated", [](std::string& b) { b.resize(b.size() / 2); }, "interrupted or damaged"},
        {"extended", [](std::string& b) { b.append(4096, '\0'); }, "interrupted or damaged"},
        {"not an index", [](std::string& b) { b[0] = 'X'; }, "not a Heapscope index"},
        {"header byte", [](std::string& b) { b[40] ^= 1; }, "header is damaged"},
        {"table byte", [](std::string& b) { b[sizeof(index::FileHeader) + 20] ^= 1; },
         "section table is damaged"},
        {"last byte of the last section",
         [](std::string& b) {
             const auto table = sectionsOfBytes(b);
             const auto& last = table.back();
             b[last.offset + last.count * last.elementBytes - 1] ^= 0x40;
         },
         "could not be used"},
    };
    for (const Damage& d : damages) {
        SCOPED_TRACE(d.name);
        Workspace w;
        const OpenedSnapshot fresh = w.openAndKeep();
        const std::string file = w.indexFile();
        ASSERT_FALSE(file.empty());
        std::string bytes = readFile(file);
        d.apply(bytes);
        writeFile(file, bytes);
        w.expectRejected(d.reason, fresh);
    }
}

// Rewrites the checksums after a change, as a forger would.
void resealIndex(std::string& bytes) {
    index::FileHeader h{};
    std::memcpy(&h, bytes.data(), sizeof h);
    auto table = sectionsOfBytes(bytes);
    for (auto& e : table)
        e.checksum = index::sectionChecksum(bytes.data() + e.offset, e.count * e.elementBytes);
    std::memcpy(bytes.data() + sizeof h, table.data(), table.size() * sizeof(index::SectionEntry));
    h.tableChecksum = index::hashBytes(table.data(), table.size() * sizeof(index::SectionEntry));
    h.headerChecksum = index::hashBytes(&h, offsetof(index::FileHeader, headerChecksum));
    std::memcpy(bytes.data(), &h, sizeof h);
}

char* sectionData(std::string& bytes, index::Column column) {
    for (const auto& e : sectionsOfBytes(bytes))
        if (e.column == std::uint32_t(column))
            return bytes.data() + e.offset;
    return nullptr;
}

TEST(IndexCache, AFlippedByteInAnySectionIsRejected) {
    Workspace w;
    const OpenedSnapshot fresh = w.openAndKeep();
    const std::string pristine = readFile(w.indexFile());
    const std::string file = w.indexFile();
    for (const auto& e : sectionsOfBytes(pristine)) {
        if (e.count == 0)
            continue;
        SCOPED_TRACE(index::columnName(e.column));
        std::string bytes = pristine;
        bytes[e.offset + (e.count * e.elementBytes) / 2] ^= 0x08;
        writeFile(file, bytes);
        std::string warning;
        auto r = openIndex(w.snapshot, w.options, 2, {}, &warning);
        ASSERT_TRUE(r);
        EXPECT_FALSE(*r);
        // caught by the range checks or by the checksum, whichever reads it first
        EXPECT_NE(warning.find("could not be used"), std::string::npos) << warning;
        EXPECT_FALSE(fs::exists(file));
    }
}

// A file with correct checksums whose values point outside the arrays: refused before any use.
TEST(IndexCache, HostileValuesWithValidChecksumsAreRejected) {
    struct Forgery {
        index::Column column;
        std::function<void(char*, const Snapshot&)> apply;
        const char* reason;
    };
    const std::vector<Forgery> forgeries = {
        {index::Column::EdgeTo,
         [](char* p, const Snapshot& s) { reinterpret_cast<std::uint32_t*>(p)[3] = s.nodeCount; },
         "edge targets hold"},
        {index::Column::FirstEdge,
         [](char* p, const Snapshot&) { reinterpret_cast<std::uint32_t*>(p)[5] = 0xFFFFFFF0; },
         "first-edge offsets decrease"},
        {index::Column::NodeName,
         [](char* p, const Snapshot& s) {
             reinterpret_cast<std::uint32_t*>(p)[0] = std::uint32_t(s.strings.size());
         },
         "node names hold"},
        {index::Column::ClassOf,
         [](char* p, const Snapshot&) { reinterpret_cast<std::uint32_t*>(p)[7] = 0x7FFFFFFF; },
         "classes of nodes hold"},
        {index::Column::Dominator,
         [](char* p, const Snapshot& s) { reinterpret_cast<std::uint32_t*>(p)[1] = s.nodeCount + 5; },
         "dominators hold"},
        {index::Column::StringOffsets,
         [](char* p, const Snapshot&) { reinterpret_cast<std::uint64_t*>(p)[2] = 1u << 30; },
         "string offsets decrease"},
        {index::Column::NodeType, [](char* p, const Snapshot&) { p[0] = char(200); }, "node types hold"},
    };
    for (const Forgery& f : forgeries) {
        SCOPED_TRACE(index::columnName(std::uint32_t(f.column)));
        Workspace w;
        const OpenedSnapshot fresh = w.openAndKeep();
        const std::string file = w.indexFile();
        std::string bytes = readFile(file);
        char* data = sectionData(bytes, f.column);
        ASSERT_NE(data, nullptr);
        f.apply(data, *fresh.snapshot);
        resealIndex(bytes);
        writeFile(file, bytes);
        w.expectRejected(f.reason, fresh);
    }
}

TEST(IndexCache, AnIndexOfAnotherVersionIsRejected) {
    Workspace w;
    const OpenedSnapshot fresh = w.openAndKeep();
    const std::string file = w.indexFile();
    std::string bytes = readFile(file);
    index::FileHeader h{};
    std::memcpy(&h, bytes.data(), sizeof h);
    std::memcpy(h.programVersion, "0.0.1-old", 10);
    h.headerChecksum = index::hashBytes(&h, offsetof(index::FileHeader, headerChecksum));
    std::memcpy(bytes.data(), &h, sizeof h);
    writeFile(file, bytes);
    w.expectRejected("another version", fresh);
}

TEST(IndexCache, TwoProcessesWritingAtOnceLeaveOneGoodIndex) {
    Workspace w;
    auto opened = openAnalyzed(w.snapshot, w.openOptions());
    ASSERT_TRUE(opened);
    std::vector<pid_t> children;
    for (int i = 0; i < 2; ++i) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            for (int round = 0; round < 5; ++round)
                if (!writeIndex(*opened->analysis, w.options))
                    ::_exit(1);
            ::_exit(0);
        }
        children.push_back(pid);
    }
    // meanwhile this process opens whatever is there: never a partial file
    for (int i = 0; i < 20; ++i) {
        std::string warning;
        auto r = openIndex(w.snapshot, w.options, 1, {}, &warning);
        ASSERT_TRUE(r);
        EXPECT_TRUE(warning.empty()) << warning;
    }
    for (pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    EXPECT_EQ(w.filesInCache().size(), 1u); // no temporary file left
    OpenReport report;
    auto again = openAnalyzed(w.snapshot, w.openOptions(), {}, &report);
    ASSERT_TRUE(again);
    EXPECT_EQ(report.outcome, IndexOutcome::Used);
    expectSameAnalysis(*opened->analysis, *again->analysis);
}

TEST(IndexCache, ACancelledWriteLeavesNothing) {
    Workspace w;
    auto opened = openAnalyzed(w.snapshot, w.openOptions());
    ASSERT_TRUE(opened);
    StopFlag stop;
    stop.requestStop();
    WorkContext context;
    context.stop = &stop;
    auto written = writeIndex(*opened->analysis, w.options, context);
    ASSERT_FALSE(written);
    EXPECT_TRUE(written.error().cancelled);
    EXPECT_TRUE(w.filesInCache().empty());
}

TEST(IndexCache, AnUnwritableFolderIsAnErrorNotACrash) {
    Workspace w;
    auto opened = openAnalyzed(w.snapshot, w.openOptions());
    ASSERT_TRUE(opened);
    writeFile(w.dir.file("plain-file"), "x");
    IndexCacheOptions options;
    options.folder = w.dir.file("plain-file") + "/cache";
    auto written = writeIndex(*opened->analysis, options);
    ASSERT_FALSE(written);
    EXPECT_NE(written.error().reason.find("cache folder"), std::string::npos) << written.error().reason;
    // and opening with such a folder simply loads
    OpenOptions open;
    open.cache = options;
    OpenReport report;
    ASSERT_TRUE(openAnalyzed(w.snapshot, open, {}, &report));
    EXPECT_EQ(report.outcome, IndexOutcome::Absent);
}

TEST(IndexCache, TheCapDeletesTheLeastRecentlyUsed) {
    TempDir dir;
    IndexCacheOptions options;
    options.folder = dir.file("cache");
    std::vector<std::string> snapshots;
    for (const char* f : {"leak-A-node20.heapsnapshot.gz", "leak-B-node20.heapsnapshot.gz",
                          "dom-detached-chromium.heapsnapshot.gz"}) {
        snapshots.push_back(dir.file(f));
        fs::copy_file(dataPath(f), snapshots.back());
        OpenOptions open;
        open.cache = options;
        auto opened = openAnalyzed(snapshots.back(), open);
        ASSERT_TRUE(opened);
        ASSERT_TRUE(writeIndex(*opened->analysis, options));
    }
    auto list = listIndexes(options);
    ASSERT_EQ(list.size(), 3u);
    // ages: the first snapshot's index was used long ago, the second's recently, the third's now
    std::map<std::string, std::int64_t> ageOf = {{fs::canonical(snapshots[0]).string(), 3000},
                                                 {fs::canonical(snapshots[1]).string(), 1000}};
    std::uint64_t keptBytes = 0;
    for (const auto& e : list) {
        if (!ageOf.count(e.snapshotPath)) {
            keptBytes += e.bytes;
            continue;
        }
        struct timespec times[2] = {{0, UTIME_OMIT}, {std::time(nullptr) - ageOf[e.snapshotPath], 0}};
        ASSERT_EQ(::utimensat(AT_FDCWD, e.file.c_str(), times, 0), 0);
        if (e.snapshotPath == fs::canonical(snapshots[1]).string())
            keptBytes += e.bytes;
    }
    // opening from an index makes it the most recently used
    std::string warning;
    auto used = openIndex(snapshots[2], options, 1, {}, &warning);
    ASSERT_TRUE(used && *used);
    options.capBytes = keptBytes;
    EXPECT_GT(trimIndexes(options), 0u);
    list = listIndexes(options);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].snapshotPath, fs::canonical(snapshots[2]).string());
    EXPECT_EQ(list[1].snapshotPath, fs::canonical(snapshots[1]).string());
    auto freed = clearIndexes(options);
    ASSERT_TRUE(freed);
    EXPECT_EQ(*freed, keptBytes);
    EXPECT_TRUE(listIndexes(options).empty());
}

TEST(IndexCache, AnalysesWithOtherInterfacesAreNotKept) {
    Workspace w;
    w.openAndKeep();
    OpenOptions open = w.openOptions();
    const std::vector<InterfaceDefinition> none;
    open.analysis.interfaces = &none;
    OpenReport report;
    auto opened = openAnalyzed(w.snapshot, open, {}, &report);
    ASSERT_TRUE(opened);
    EXPECT_EQ(report.outcome, IndexOutcome::Used); // the graph comes from the index
    EXPECT_TRUE(opened->analysis->customInterfaces);
    EXPECT_FALSE(indexable(*opened->analysis));
    EXPECT_FALSE(writeIndex(*opened->analysis, w.options));
}

TEST(IndexCache, ACancelledOpenIsAnError) {
    Workspace w;
    w.openAndKeep();
    StopFlag stop;
    stop.requestStop();
    WorkContext context;
    context.stop = &stop;
    auto r = openIndex(w.snapshot, w.options, 2, context, nullptr);
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().cancelled);
    EXPECT_FALSE(w.indexFile().empty()); // a cancelled open does not throw the index away
}

} // namespace
} // namespace heapscope::test
