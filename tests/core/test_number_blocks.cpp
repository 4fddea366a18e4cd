// SPDX-License-Identifier: MIT
// The 64-byte number reader against a plain reading of the same rules, on random text.
#include "load/number_blocks.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

using heapscope::detail::numberBlocksAvailable;
using heapscope::detail::readNumberBlocks;

bool isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// The contract, read byte by byte: numbers of at most 10 digits and at most 4294967295, each
// followed by a comma, with JSON whitespace around them. -1 for anything else.
std::ptrdiff_t expected(const char* p, const char* end, std::vector<std::uint32_t>& out) {
    out.clear();
    while (p < end) {
        while (p < end && isSpace(*p))
            ++p;
        const char* start = p;
        std::uint64_t v = 0;
        while (p < end && *p >= '0' && *p <= '9' && p - start <= 10)
            v = v * 10 + std::uint64_t(*p++ - '0');
        if (p == start || p - start > 10 || v > 0xFFFFFFFFull)
            return -1;
        out.push_back(std::uint32_t(v));
        while (p < end && isSpace(*p))
            ++p;
        if (p == end || *p != ',')
            return -1;
        ++p;
    }
    return std::ptrdiff_t(out.size());
}

struct Text {
    std::string bytes;
    std::size_t begin = 0, end = 0; // the region
};

// Random numbers (short, long, ten digits, leading zeros, sometimes too long), random whitespace,
// sometimes one damaged byte; the region ends after a comma and has guard bytes on both sides.
Text randomText(std::mt19937_64& rng) {
    Text t;
    t.bytes.assign(16, ',');
    const int count = int(rng() % 80);
    const int style = int(rng() % 4);
    for (int i = 0; i < count; ++i) {
        int width = style == 0 ? 1 + int(rng() % 3) : 1 + int(rng() % 10);
        if (rng() % 40 == 0)
            width = 11 + int(rng() % 70);
        for (int k = 0; k < width; ++k)
            t.bytes += char('0' + (k == 0 && style == 2 ? 1 + rng() % 4 : rng() % 10));
        if (rng() % 6 == 0)
            t.bytes += "\n";
        if (rng() % 25 == 0)
            t.bytes += " \r\t";
        t.bytes += ',';
        if (rng() % 15 == 0)
            t.bytes += "  ";
    }
    while (t.bytes.size() > 16 && t.bytes.back() != ',')
        t.bytes.pop_back();
    t.begin = 16;
    t.end = t.bytes.size();
    if (t.end > t.begin && rng() % 8 == 0) {
        static const char damage[] = ",, -.e]x\t\r09\"\x80";
        t.bytes[t.begin + rng() % (t.end - t.begin - 1)] = damage[rng() % (sizeof damage - 1)];
    }
    t.bytes.append(160, ']');
    return t;
}

TEST(NumberBlocks, AgreeWithTheByteByByteReading) {
    if (!numberBlocksAvailable())
        GTEST_SKIP() << "this CPU has no AVX2: the loader reads byte by byte";
    std::mt19937_64 rng(11);
    int accepted = 0, refused = 0, longOnes = 0;
    for (int i = 0; i < 100000; ++i) {
        const Text t = randomText(rng);
        if (t.end == t.begin)
            continue;
        std::vector<std::uint32_t> want;
        const std::ptrdiff_t n = expected(t.bytes.data() + t.begin, t.bytes.data() + t.end, want);
        std::vector<std::uint32_t> got((t.end - t.begin) / 2 + 4);
        const std::ptrdiff_t m =
            readNumberBlocks(t.bytes.data() + t.begin, t.bytes.data() + t.end, got.data());
        if (n < 0) {
            ASSERT_EQ(m, -1) << t.bytes.substr(t.begin, t.end - t.begin);
            ++refused;
            continue;
        }
        ASSERT_EQ(m, n) << t.bytes.substr(t.begin, t.end - t.begin);
        got.resize(std::size_t(m));
        ASSERT_EQ(got, want) << t.bytes.substr(t.begin, t.end - t.begin);
        ++accepted;
        for (std::uint32_t v : want)
            longOnes += v >= 100000000u;
    }
    // both outcomes, and numbers of 9 and 10 digits, were seen many times
    EXPECT_GT(accepted, 10000);
    EXPECT_GT(refused, 10000);
    EXPECT_GT(longOnes, 10000);
}

TEST(NumberBlocks, EdgeValues) {
    if (!numberBlocksAvailable())
        GTEST_SKIP() << "this CPU has no AVX2";
    const std::string guard(16, '[');
    auto read = [&](const std::string& region) {
        const std::string bytes = guard + region + std::string(160, ']');
        std::vector<std::uint32_t> out(region.size() / 2 + 4);
        const std::ptrdiff_t n =
            readNumberBlocks(bytes.data() + 16, bytes.data() + 16 + region.size(), out.data());
        out.resize(n < 0 ? 0 : std::size_t(n));
        return n < 0 ? std::vector<std::uint32_t>{0xDEAD} : out;
    };
    const std::vector<std::uint32_t> refused{0xDEAD};
    EXPECT_EQ(read("4294967295,0,"), (std::vector<std::uint32_t>{4294967295u, 0}));
    EXPECT_EQ(read("4294967296,"), refused);
    EXPECT_EQ(read("9999999999,"), refused);
    EXPECT_EQ(read("00000000001,"), refused); // eleven digits
    EXPECT_EQ(read("0000000001,"), (std::vector<std::uint32_t>{1}));
    EXPECT_EQ(read("12345678,123456789,"), (std::vector<std::uint32_t>{12345678, 123456789}));
    EXPECT_EQ(read(" 7 ,\n8\n,"), (std::vector<std::uint32_t>{7, 8}));
    EXPECT_EQ(read("1 2,"), refused);
    EXPECT_EQ(read(",1,"), refused);
    EXPECT_EQ(read("1,,"), refused);
    EXPECT_EQ(read("-1,"), refused);
    // a number across the boundary of two 64-byte blocks, in every position
    for (int pad = 0; pad < 70; ++pad) {
        const std::string region = std::string(std::size_t(pad), ' ') + "1234567890,42,";
        EXPECT_EQ(read(region), (std::vector<std::uint32_t>{1234567890u, 42})) << pad;
    }
}

} // namespace
