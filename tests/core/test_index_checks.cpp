// SPDX-License-Identifier: MIT
// The index reader's checks on values that pass the checksums (a forged or mis-written index):
// the cases fuzz_index found, each refused before any use. The bytes go through
// index::openIndexBytes with the checksums off, as the fuzz target feeds them.
#include "test_util.h"

#include "heapscope/analysis.h"
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

// Found by fuzz_index: a dominator tree whose lists do not follow the dominators (here the root
// listed as a child) made the class retained sizes walk from the root forever.
TEST(IndexChecks, ADominatorTreeThatIsNotATreeIsRejected) {
    const std::vector<std::pair<const char*, std::function<void(SmallIndex&)>>> cases = {
        {"the root listed as a child",
         [](SmallIndex& x) {
             column<std::uint32_t>(x.bytes, index::Column::Dominated)[0] = x.fresh.snapshot->rootOrdinal;
         }},
        {"a node listed under the root as well as under its dominator",
         [](SmallIndex& x) {
             const Analysis& a = *x.fresh.analysis;
             const std::uint32_t root = x.fresh.snapshot->rootOrdinal;
             std::uint32_t deeper = 0;
             while (deeper < x.fresh.snapshot->nodeCount && (deeper == root || a.dominator[deeper] == root))
                 ++deeper;
             ASSERT_LT(deeper, x.fresh.snapshot->nodeCount);
             ASSERT_LT(a.firstDominated[root], a.firstDominated[root + 1]);
             column<std::uint32_t>(x.bytes, index::Column::Dominated)[a.firstDominated[root]] = deeper;
         }},
        {"a child listed twice",
         [](SmallIndex& x) {
             const Analysis& a = *x.fresh.analysis;
             const std::uint32_t root = x.fresh.snapshot->rootOrdinal;
             ASSERT_GE(a.firstDominated[root + 1] - a.firstDominated[root], 2u);
             auto* children = column<std::uint32_t>(x.bytes, index::Column::Dominated);
             children[a.firstDominated[root] + 1] = children[a.firstDominated[root]];
         }},
    };
    for (const auto& [name, apply] : cases) {
        SCOPED_TRACE(name);
        SmallIndex x;
        apply(x);
        EXPECT_NE(openBytes(x.bytes).find("its dominator tree does not match its dominators"),
                  std::string::npos);
    }
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
