// SPDX-License-Identifier: MIT
#include "number_blocks.h"

#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HEAPSCOPE_NUMBER_BLOCKS 1
#define HEAPSCOPE_AVX2 __attribute__((target("avx2,bmi,bmi2,pclmul,popcnt")))
#endif

namespace heapscope::detail {

#ifdef HEAPSCOPE_NUMBER_BLOCKS
namespace {

// The byte loop's cost is a mispredicted branch at the end of almost every number. Here the
// numbers' starts and ends come from bit masks of a 64-byte block; each number is then one
// unaligned 8-byte load that ends at its last digit, masked to its length, and four of them are
// turned into integers at once with multiply-add instructions.

struct BlockMasks {
    std::uint64_t digit = 0;
    std::uint64_t comma = 0;
    std::uint64_t space = 0;
};

HEAPSCOPE_AVX2 inline std::uint32_t digitMask(__m256i bytes) {
    const __m256i offset = _mm256_sub_epi8(bytes, _mm256_set1_epi8('0'));
    return std::uint32_t(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(offset, _mm256_set1_epi8(9)), offset)));
}

HEAPSCOPE_AVX2 inline std::uint32_t equalMask(__m256i bytes, char c) {
    return std::uint32_t(_mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, _mm256_set1_epi8(c))));
}

// JSON whitespace (space, tab, line feed, carriage return): a table lookup by the low nibble that
// gives back the byte itself only for those four (0xFF elsewhere; a set high bit looks up 0).
HEAPSCOPE_AVX2 inline std::uint32_t spaceMask(__m256i bytes) {
    constexpr char no = char(0xFF);
    const __m256i table =
        _mm256_setr_epi8(' ', no, no, no, no, no, no, no, no, '\t', '\n', no, no, '\r', no, no, ' ', no, no,
                         no, no, no, no, no, no, '\t', '\n', no, no, '\r', no, no);
    return std::uint32_t(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_shuffle_epi8(table, bytes), bytes)));
}

// Classifies the 64 bytes at p; bits at or past `valid` are cleared.
HEAPSCOPE_AVX2 inline BlockMasks classify(const char* p, std::uint64_t valid) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    BlockMasks m;
    m.digit = (digitMask(a) | std::uint64_t(digitMask(b)) << 32) & valid;
    m.comma = (equalMask(a, ',') | std::uint64_t(equalMask(b, ',')) << 32) & valid;
    m.space = (spaceMask(a) | std::uint64_t(spaceMask(b)) << 32) & valid;
    return m;
}

inline std::uint64_t validBits(std::ptrdiff_t left) {
    return left >= 64 ? ~0ull : (1ull << left) - 1;
}

// Bit i of the result is the XOR of bits 0..i of m.
HEAPSCOPE_AVX2 inline std::uint64_t prefixXor(std::uint64_t m) {
    const __m128i product =
        _mm_clmulepi64_si128(_mm_set_epi64x(0, std::int64_t(m)), _mm_set1_epi8(char(0xFF)), 0);
    return std::uint64_t(_mm_cvtsi128_si64(product));
}

// For a number of d + 1 digits whose last digit is the top byte of a little-endian load: the
// digits' values (low nibbles) with the bytes before the number cleared. Indexed by d < 128.
struct LengthMasks {
    std::uint64_t low[128];  // the last (up to) 8 digits
    std::uint64_t high[128]; // digits 9 to 16 from the end, in the load that ends 8 bytes earlier
    constexpr LengthMasks() : low(), high() {
        for (int d = 0; d < 128; ++d) {
            low[d] = d >= 7 ? 0x0F0F0F0F0F0F0F0Full : 0x0F0F0F0F0F0F0F0Full << ((7 - d) * 8);
            high[d] = d < 8 ? 0 : d >= 15 ? 0x0F0F0F0F0F0F0F0Full : 0x0F0F0F0F0F0F0F0Full << ((15 - d) * 8);
        }
    }
};
constexpr LengthMasks kLengthMasks;

// Masks each number of a block out of the 8-byte load that ends at its last digit (and, for long
// numbers, the load before it); `widest` gets the largest length - 1 (or, when short, at least 8
// if some number is longer than 8 digits). Returns how many numbers start in the block.
template <bool Long>
HEAPSCOPE_AVX2 inline std::size_t windows(const char* base, std::uint64_t starts, std::uint64_t ends,
                                          std::uint64_t crossingEnd, std::uint64_t* low, std::uint64_t* high,
                                          std::uint64_t& widest) {
    std::size_t count = 0;
    std::uint64_t w = 0;
    auto window = [&](std::uint64_t start, std::uint64_t end) {
        const std::uint64_t d = end - start;
        std::uint64_t word;
        std::memcpy(&word, base + end - 7, 8);
        low[count] = word & kLengthMasks.low[d];
        if constexpr (Long) {
            w = d > w ? d : w;
            std::memcpy(&word, base + end - 15, 8);
            high[count] = word & kLengthMasks.high[d];
        } else {
            w |= d; // at least 8 exactly when some d is
        }
    };
    // Numbers that end in this block, then (perhaps) the last one, which ends in the next.
    std::uint64_t s = starts;
    for (std::uint64_t e = ends; e; e = _blsr_u64(e), s = _blsr_u64(s), ++count)
        window(_tzcnt_u64(s), _tzcnt_u64(e));
    if (s) {
        window(_tzcnt_u64(s), crossingEnd);
        ++count;
    }
    widest = w;
    return count;
}

// Four 8-digit groups (one per 64-bit lane, most significant digit in the lowest byte) to integers.
HEAPSCOPE_AVX2 inline __m256i eightDigits(__m256i digits) {
    const __m256i pairs = _mm256_maddubs_epi16(digits, _mm256_set1_epi16(0x010A)); // 10a + b
    const __m256i quads = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00010064)); // 100ab + cd
    return _mm256_add_epi64(_mm256_mul_epu32(quads, _mm256_set1_epi64x(10000)), _mm256_srli_epi64(quads, 32));
}

HEAPSCOPE_AVX2 inline void storeLow32(std::uint32_t* out, __m256i values) {
    const __m256i packed = _mm256_permutevar8x32_epi32(values, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm256_castsi256_si128(packed));
}

HEAPSCOPE_AVX2 std::ptrdiff_t readAvx2(const char* p, const char* regionEnd, std::uint32_t* out) {
    alignas(32) std::uint64_t low[36] = {}; // up to 32 numbers start in 64 bytes, read in fours
    alignas(32) std::uint64_t high[36] = {};
    std::uint32_t* o = out;
    std::uint64_t parity = 0;     // all ones while a comma is expected
    std::uint64_t carryDigit = 0; // 1 when the previous block ended inside a number
    bool longNumbers = false;     // a number of 9 or 10 digits was seen: read two loads per number
    const char* base = p;
    BlockMasks cur = classify(base, validBits(regionEnd - base));
    while (base < regionEnd) {
        const std::ptrdiff_t left = regionEnd - base;
        const BlockMasks next = left > 64 ? classify(base + 64, validBits(left - 64)) : BlockMasks{};
        if ((cur.digit | cur.comma | cur.space) != validBits(left) || cur.digit == ~0ull)
            return -1;
        // Numbers and commas must alternate, starting with a number.
        const std::uint64_t starts = cur.digit & ~((cur.digit << 1) | carryDigit);
        const std::uint64_t inNumber = prefixXor(starts | cur.comma) ^ parity;
        if ((starts & ~inNumber) | (cur.comma & inNumber))
            return -1;

        // The k-th number starting in this block ends at the k-th end of a run that started here;
        // the last one may end in the next block.
        std::uint64_t ends = cur.digit & ~((cur.digit >> 1) | (next.digit << 63));
        if (carryDigit & cur.digit)
            ends = _blsr_u64(ends);
        const std::uint64_t crossingEnd = 63 + _tzcnt_u64(~next.digit);
        std::uint64_t widest = 0;
        const std::size_t count = longNumbers
                                      ? windows<true>(base, starts, ends, crossingEnd, low, high, widest)
                                      : windows<false>(base, starts, ends, crossingEnd, low, high, widest);
        if (widest >= 8 && !longNumbers) {
            longNumbers = true; // the rest of the region is read the long way (this block again)
            continue;
        }
        if (widest >= 10)
            return -1; // more than 10 digits
        if (!longNumbers) {
            for (std::size_t i = 0; i < count; i += 4)
                storeLow32(o + i, eightDigits(_mm256_load_si256(reinterpret_cast<const __m256i*>(low + i))));
        } else {
            unsigned tooLarge = 0;
            for (std::size_t i = 0; i < count; i += 4) {
                const __m256i lo = eightDigits(_mm256_load_si256(reinterpret_cast<const __m256i*>(low + i)));
                const __m256i hi = eightDigits(_mm256_load_si256(reinterpret_cast<const __m256i*>(high + i)));
                const __m256i value =
                    _mm256_add_epi64(_mm256_mul_epu32(hi, _mm256_set1_epi64x(100000000)), lo);
                const __m256i fits = _mm256_cmpeq_epi64(_mm256_srli_epi64(value, 32), _mm256_setzero_si256());
                const unsigned lanes = count - i >= 4 ? 0xF : (1u << (count - i)) - 1;
                tooLarge |= ~unsigned(_mm256_movemask_pd(_mm256_castsi256_pd(fits))) & lanes;
                storeLow32(o + i, value);
            }
            if (tooLarge)
                return -1;
        }
        o += count;
        parity = std::uint64_t(std::int64_t(inNumber) >> 63);
        carryDigit = cur.digit >> 63;
        base += 64;
        cur = next;
    }
    if (parity)
        return -1; // the region must end after a comma
    return o - out;
}

HEAPSCOPE_AVX2 std::uint64_t countCommasWide(const char* p, const char* end) {
    std::uint64_t n = 0;
    const __m256i comma = _mm256_set1_epi8(',');
    while (end - p >= 32) {
        // at most 255 steps per round, so that the byte counters cannot overflow
        __m256i counts = _mm256_setzero_si256();
        for (int k = 0; k < 255 && end - p >= 32; ++k, p += 32)
            counts = _mm256_sub_epi8(
                counts, _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), comma));
        const __m256i sums = _mm256_sad_epu8(counts, _mm256_setzero_si256());
        n += std::uint64_t(_mm256_extract_epi64(sums, 0)) + std::uint64_t(_mm256_extract_epi64(sums, 1)) +
             std::uint64_t(_mm256_extract_epi64(sums, 2)) + std::uint64_t(_mm256_extract_epi64(sums, 3));
    }
    for (; p < end; ++p)
        n += *p == ',';
    return n;
}

bool detectAvx2() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
           __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("popcnt");
}

} // namespace

bool numberBlocksAvailable() {
    static const bool available = detectAvx2();
    return available;
}

std::ptrdiff_t readNumberBlocks(const char* p, const char* regionEnd, std::uint32_t* out) {
    return readAvx2(p, regionEnd, out);
}

std::uint64_t countCommasAvx2(const char* p, const char* end) {
    return countCommasWide(p, end);
}

#else

bool numberBlocksAvailable() {
    return false;
}

std::ptrdiff_t readNumberBlocks(const char*, const char*, std::uint32_t*) {
    return -1;
}

std::uint64_t countCommasAvx2(const char* p, const char* end) {
    std::uint64_t n = 0;
    for (; p < end; ++p)
        n += *p == ',';
    return n;
}

#endif

} // namespace heapscope::detail
