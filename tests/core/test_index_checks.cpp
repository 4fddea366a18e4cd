// SPDX-License-Identifier: MIT
// The index reader's checks on values that pass the checksums (a forged or mis-written index):
// the cases fuzz_index found, each refused before any use. The bytes go through
// index::openIndexBytes with the checksums off, as the fuzz target feeds them.
#include "test_util.h"

#include "heapscope/analysis.h"
#include "heapscope/contexts.h"
#include "heapscope/index_cache.h"
#include "index/index_internal.h"

#include <sys/stat.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <functional>

namespace heapscope::test {
namespace {

namespace fs = std::filesystem;

// The index of a small snapshot (DOM states, a detached native node), with the analysis it keeps.
struct SmallIndex {
    TempDir dir;
    IndexCacheOptions options;
    std::string snapshot;
    OpenedSnapshot fresh;
    std::string bytes;
    SmallIndex() {
        snapshot = dir.file("mini.heapsnapshot");
        writeFile(snapshot, standardMini().json());
        options.folder = dir.file("cache");
        OpenOptions open;
        open.cache = options;
        auto opened = openAnalyzed(snapshot, open);
        EXPECT_TRUE(opened) << (opened ? "" : opened.error().message());
        fresh = *opened;
        auto written = writeIndex(*fresh.analysis, options);
        EXPECT_TRUE(written) << (written ? "" : written.error().message());
        const auto list = listIndexes(options);
        EXPECT_EQ(list.size(), 1u);
        bytes = readFile(list.at(0).file);
    }
};

index::SectionEntry* section(std::string& bytes, index::Column column) {
    index::FileHeader h{};
    std::memcpy(&h, bytes.data(), sizeof h);
    auto* table = reinterpret_cast<index::SectionEntry*>(bytes.data() + sizeof h);
    for (std::uint32_t i = 0; i < h.sectionCount; ++i)
        if (table[i].column == std::uint32_t(column))
            return &table[i];
    return nullptr;
}

template <typename T> T* column(std::string& bytes, index::Column c) {
    index::SectionEntry* e = section(bytes, c);
    return e ? reinterpret_cast<T*>(bytes.data() + e->offset) : nullptr;
}

// Opens the bytes as fuzz_index does (at a page boundary, checksums off); the reason, or "" when
// they were accepted.
std::string openBytes(const std::string& bytes) {
    void* p = std::aligned_alloc(4096, (bytes.size() + 4095) / 4096 * 4096);
    std::memcpy(p, bytes.data(), bytes.size());
    std::shared_ptr<const void> owner(p, [](const void* q) { std::free(const_cast<void*>(q)); });
    std::string why;
    auto r = index::openIndexBytes(owner, static_cast<const char*>(p), bytes.size(), false, &why);
    EXPECT_TRUE(r);
    if (r && *r)
        return "";
    EXPECT_FALSE(why.empty());
    return why;
}

// The Summary rows are the end of the meta section: per row its class, count, distance, self and
// retained size and where its instances start; before them the number of rows and the pool size.
struct RowFields {
    std::uint32_t classIndex;
    std::uint32_t count;
    std::int32_t distance;
    std::uint64_t selfSize;
    std::uint64_t retainedSize;
    std::uint64_t poolOffset;
};
constexpr std::size_t kRowBytes = 36;

char* rowsOfMeta(std::string& bytes, std::size_t rows) {
    index::SectionEntry* meta = section(bytes, index::Column::Meta);
    return bytes.data() + meta->offset + meta->count - rows * kRowBytes;
}

RowFields readRow(const char* p) {
    RowFields r{};
    std::memcpy(&r.classIndex, p, 4);
    std::memcpy(&r.count, p + 4, 4);
    std::memcpy(&r.distance, p + 8, 4);
    std::memcpy(&r.selfSize, p + 12, 8);
    std::memcpy(&r.retainedSize, p + 20, 8);
    std::memcpy(&r.poolOffset, p + 28, 8);
    return r;
}

TEST(IndexChecks, TheUntouchedIndexIsAccepted) {
    SmallIndex x;
    EXPECT_EQ(openBytes(x.bytes), "");
    // and its Summary rows are where the helpers below look for them
    const auto& rows = x.fresh.analysis->allObjects.classes;
    ASSERT_GE(rows.size(), 2u);
    const char* p = rowsOfMeta(x.bytes, rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const RowFields f = readRow(p + r * kRowBytes);
        EXPECT_EQ(f.classIndex, rows[r].classIndex);
        EXPECT_EQ(f.count, rows[r].count);
        EXPECT_EQ(f.retainedSize, rows[r].retainedSize);
    }
}

// Found by fuzz_index: two rows' runs of the instance pool overlapping. Each row was filled to its
// count, but one overwrote the other's nodes and part of the pool stayed uninitialised, so a row's
// instances named nodes of other classes or no node at all.
TEST(IndexChecks, OverlappingSummaryRowsAreRejected) {
    SmallIndex x;
    const auto& rows = x.fresh.analysis->allObjects.classes;
    char* p = rowsOfMeta(x.bytes, rows.size());
    std::vector<std::size_t> counted;
    for (std::size_t r = 0; r < rows.size(); ++r)
        if (rows[r].count)
            counted.push_back(r);
    ASSERT_GE(counted.size(), 2u);
    const std::uint64_t offset = readRow(p + counted[0] * kRowBytes).poolOffset;
    std::memcpy(p + counted[1] * kRowBytes + 28, &offset, 8); // the second run starts where the first does
    EXPECT_NE(openBytes(x.bytes).find("its Summary rows do not match its columns"), std::string::npos);
}

TEST(IndexChecks, AnInstancePoolLargerThanTheGraphIsRejectedBeforeItIsAllocated) {
    SmallIndex x;
    const std::size_t rows = x.fresh.analysis->allObjects.classes.size();
    char* pool = rowsOfMeta(x.bytes, rows) - 16; // the pool size, then the row count
    const std::uint64_t huge = std::uint64_t(1) << 44;
    std::memcpy(pool, &huge, 8);
    EXPECT_NE(openBytes(x.bytes).find("its Summary rows do not match its columns"), std::string::npos);
}

// Found by fuzz_index (format 1, which stored the dominator tree's lists): lists that did not follow
// the dominators made the class retained sizes walk from the root forever. The lists are now built
// from the dominators on a reopen, so even dominators that go round in a circle (here two nodes
// dominating each other) give lists whose walk from the root ends.
TEST(IndexChecks, DominatorsInACircleCannotMakeAWalkEndless) {
    SmallIndex x;
    const std::uint32_t N = x.fresh.snapshot->nodeCount, root = x.fresh.snapshot->rootOrdinal;
    std::vector<std::uint32_t> others;
    for (std::uint32_t n = 0; n < N && others.size() < 2; ++n)
        if (n != root)
            others.push_back(n);
    ASSERT_EQ(others.size(), 2u);
    auto* dominator = column<std::uint32_t>(x.bytes, index::Column::Dominator);
    dominator[others[0]] = others[1];
    dominator[others[1]] = others[0];
    void* p = std::aligned_alloc(4096, (x.bytes.size() + 4095) / 4096 * 4096);
    std::memcpy(p, x.bytes.data(), x.bytes.size());
    std::shared_ptr<const void> owner(p, [](const void* q) { std::free(const_cast<void*>(q)); });
    std::string why;
    auto r = index::openIndexBytes(owner, static_cast<const char*>(p), x.bytes.size(), false, &why);
    ASSERT_TRUE(r && *r) << why;
    const Analysis& a = *(*r)->analysis;
    // every node in exactly one list, the root in none
    EXPECT_EQ(a.firstDominated()[N], N - 1);
    NodeFilter filter;
    filter.named = NamedFilter::DuplicatedStrings; // its class retained sizes walk the tree
    EXPECT_TRUE(a.aggregate(filter));
}

// A node's dominator one past the last node (the spare entry's index) would be read as a node by
// `heapscope-cli node` (the dominator's id).
TEST(IndexChecks, ADominatorThatIsNoNodeIsRejected) {
    SmallIndex x;
    const std::uint32_t N = x.fresh.snapshot->nodeCount;
    const std::uint32_t victim = x.fresh.snapshot->rootOrdinal == 0 ? 1 : 0;
    column<std::uint32_t>(x.bytes, index::Column::Dominator)[victim] = N;
    EXPECT_NE(openBytes(x.bytes).find("the dominators hold " + std::to_string(N)), std::string::npos);
}

// Per-node columns that may be absent but never empty: the DOM states are read for every node (the
// detached-DOM filter, the 'Detached' names), the shallow sizes by every Summary.
TEST(IndexChecks, EmptyPerNodeColumnsAreRejected) {
    for (const index::Column c : {index::Column::NodeDetachedness, index::Column::Detachedness,
                                  index::Column::SelfSize, index::Column::NodeSelfSize}) {
        SCOPED_TRACE(index::columnName(std::uint32_t(c)));
        SmallIndex x;
        index::SectionEntry* e = section(x.bytes, c);
        if (!e) // kept only when the analysis changed a value
            continue;
        e->count = 0;
        EXPECT_NE(openBytes(x.bytes).find("have the wrong size"), std::string::npos);
    }
    // without trace ids the column is empty: still accepted
    SmallIndex x;
    index::SectionEntry* e = section(x.bytes, index::Column::NodeTraceId);
    ASSERT_NE(e, nullptr);
    e->count = 0;
    EXPECT_EQ(openBytes(x.bytes), "");
}

// Found by fuzz_index: the snapshot facts' timeline flag was copied into a bool as it was, and a
// byte other than 0 or 1 there is undefined behaviour once read (UBSan reports it).
TEST(IndexChecks, AFactsFlagOtherThanZeroOrOneIsRejected) {
    SmallIndex x;
    const SnapshotFacts& facts = x.fresh.snapshot->facts();
    unsigned char pattern[8];
    std::memcpy(pattern, &facts.minJsObjectId, 4);
    std::memcpy(pattern + 4, &facts.maxJsObjectId, 4);
    index::SectionEntry* meta = section(x.bytes, index::Column::Meta);
    const std::string_view blob(x.bytes.data() + meta->offset, meta->count);
    bool found = false;
    for (std::size_t at = blob.find(std::string_view(reinterpret_cast<char*>(pattern), 8));
         at != std::string_view::npos && !found;
         at = blob.find(std::string_view(reinterpret_cast<char*>(pattern), 8), at + 1)) {
        std::string bytes = x.bytes;
        bytes[meta->offset + at + offsetof(SnapshotFacts, isTimeline)] = 2;
        found = openBytes(bytes).find("its snapshot facts are damaged") != std::string::npos;
    }
    EXPECT_TRUE(found);
}

// Found by fuzz_index, but not the index's: the closure analysis looked up an edge's name before
// asking whether it was named by a string, so an element index beyond the string table (an array
// element of a closure, in any file) was read as a string id.
TEST(IndexChecks, TheClosureAnalysisReadsNoElementIndexAsAString) {
    MiniSnapshot m = standardMini();
    m.edges[6] = {eElement, 4000000000u, 1}; // the closure's only edge
    auto s = loadText(m.json());
    ASSERT_TRUE(s) << s.error().message();
    auto a = analyze(*s);
    ASSERT_TRUE(a);
    auto contexts = analyzeContexts(**a);
    EXPECT_TRUE(contexts);
}

// A folder where the index file goes is reported once and removed, so the index can be written.
TEST(IndexChecks, AFolderInPlaceOfTheIndexIsRemoved) {
    SmallIndex x;
    const std::string file = listIndexes(x.options).at(0).file;
    fs::remove(file);
    fs::create_directory(file);
    std::string warning;
    auto r = openIndex(x.snapshot, x.options, 1, {}, &warning);
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    EXPECT_NE(warning.find("it is empty or not a file; it was deleted"), std::string::npos) << warning;
    EXPECT_FALSE(fs::exists(file));
    ASSERT_TRUE(writeIndex(*x.fresh.analysis, x.options));
    warning.clear();
    auto again = openIndex(x.snapshot, x.options, 1, {}, &warning);
    ASSERT_TRUE(again);
    EXPECT_TRUE(*again);
    EXPECT_EQ(warning, "");
    // a folder that cannot be removed: the warning says it is still there
    fs::remove(file);
    fs::create_directories(file + "/inside");
    auto kept = openIndex(x.snapshot, x.options, 1, {}, &warning);
    ASSERT_TRUE(kept);
    EXPECT_FALSE(*kept);
    EXPECT_NE(warning.find("it could not be deleted ("), std::string::npos) << warning;
    EXPECT_TRUE(fs::is_directory(file));
}

} // namespace
} // namespace heapscope::test
