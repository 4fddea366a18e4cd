// SPDX-License-Identifier: MIT
// The allocator's block reuse (a series reuses the pages of the last file) and the flat hash map of
// the per-node loops.
#include "flat_hash_map.h"
#include "heapscope/pod_array.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <unordered_map>

using namespace heapscope;

namespace {

bool allEqual(const PodArray<std::uint32_t>& a, std::uint32_t value) {
    return std::all_of(a.data(), a.data() + a.size(), [value](std::uint32_t v) { return v == value; });
}

TEST(BlockReuse, FreedBlocksAreHandedOutAgainZeroedWhenAsked) {
    const detail::BlockReuse reuse;
    constexpr std::size_t kWords = 1u << 20; // 4 MB: a block of its own
    for (const std::size_t words : {kWords, kWords / 2, kWords * 3, kWords * 3}) {
        SCOPED_TRACE(words);
        {
            auto used = PodArray<std::uint32_t>::uninitialized(kWords);
            std::fill(used.data(), used.data() + used.size(), 0xA5A5A5A5u);
        } // freed into the kept blocks
        auto zeroed = PodArray<std::uint32_t>::zeroed(words);
        ASSERT_EQ(zeroed.size(), words);
        EXPECT_TRUE(allEqual(zeroed, 0)); // smaller, equal and larger (grown) blocks alike
        std::fill(zeroed.data(), zeroed.data() + zeroed.size(), 7u);
        EXPECT_TRUE(allEqual(zeroed, 7));
    }
}

TEST(BlockReuse, NestedScopesKeepBlocksUntilTheLastEnds) {
    void* first = nullptr;
    {
        const detail::BlockReuse outer;
        {
            const detail::BlockReuse inner;
            auto a = PodArray<std::uint64_t>::uninitialized(1u << 18);
            first = a.data();
        }
        // the inner scope ended, the outer still keeps the freed block: the next one is that block
        auto b = PodArray<std::uint64_t>::uninitialized(1u << 18);
        EXPECT_EQ(static_cast<void*>(b.data()), first);
        b[0] = 1;
        b[b.size() - 1] = 2;
    }
    // no scope: blocks go back to the system, and allocation works as before
    auto c = PodArray<std::uint64_t>::zeroed(1u << 18);
    EXPECT_EQ(c[0], 0u);
    EXPECT_EQ(c[c.size() - 1], 0u);
}

TEST(BlockReuse, ALargerKeptBlockIsCutAndItsRestServesTheNext) {
    const detail::BlockReuse reuse;
    constexpr std::size_t kWords = 3u << 20; // 12 MB
    const char* start = nullptr;
    {
        auto big = PodArray<std::uint32_t>::uninitialized(kWords);
        std::fill(big.data(), big.data() + big.size(), 0xFFFFFFFFu);
        start = reinterpret_cast<const char*>(big.data());
    }
    auto first = PodArray<std::uint32_t>::zeroed(kWords / 3);
    auto second = PodArray<std::uint32_t>::zeroed(kWords / 3);
    const auto inside = [&](const void* p) {
        const char* c = static_cast<const char*>(p);
        return c >= start && c < start + kWords * sizeof(std::uint32_t);
    };
    EXPECT_TRUE(inside(first.data()));
    EXPECT_TRUE(inside(second.data()));
    EXPECT_NE(first.data(), second.data());
    EXPECT_TRUE(allEqual(first, 0));
    EXPECT_TRUE(allEqual(second, 0));
    // what is left kept goes back; allocation goes on as before
    reuse.releaseKept();
    auto third = PodArray<std::uint32_t>::zeroed(kWords);
    EXPECT_TRUE(allEqual(third, 0));
}

TEST(FlatHashMap, AgreesWithUnorderedMapThroughGrowth) {
    detail::FlatHashMap<std::uint64_t, std::uint32_t, detail::IntegerHash> flat;
    std::unordered_map<std::uint64_t, std::uint32_t> reference;
    std::mt19937_64 random(42);
    for (std::uint32_t i = 0; i < 200000; ++i) {
        // clustered keys (class << 32 | path) and scattered ones
        const std::uint64_t key = i % 3 ? (random() % 64) << 32 | (random() % 4096) : random();
        const auto [value, inserted] = flat.tryEmplace(key, i);
        const auto [it, refInserted] = reference.try_emplace(key, i);
        ASSERT_EQ(inserted, refInserted);
        ASSERT_EQ(value, it->second);
    }
    EXPECT_EQ(flat.size(), reference.size());
    for (const auto& [key, value] : reference) {
        const std::uint32_t* found = flat.find(key);
        ASSERT_NE(found, nullptr);
        EXPECT_EQ(*found, value);
    }
    const std::uint64_t missing = std::uint64_t(1) << 63 | 12345;
    ASSERT_EQ(reference.count(missing), 0u);
    EXPECT_EQ(flat.find(missing), nullptr);
}

} // namespace
