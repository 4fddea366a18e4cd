// SPDX-License-Identifier: MIT
// The few pieces of JSON grammar every stage of the loader shares: whitespace, the end of a
// string, commas in a numeric array, and how a byte is named in a message. The ones called per
// byte or per string are inline: they must stay in their callers' loops.
#pragma once

#include "number_blocks.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace heapscope::load {

inline bool isWs(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Counts commas in [p, end): the number of values before a position in a numeric array.
inline std::uint64_t countCommas(const char* p, const char* end) {
    if (detail::numberBlocksAvailable())
        return detail::countCommasAvx2(p, end);
    std::uint64_t n = 0;
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(',');
    while (p + 16 <= end) {
        // 255 iterations at most per accumulation so byte counters cannot overflow
        __m128i acc = _mm_setzero_si128();
        int k = 0;
        for (; k < 255 && p + 16 <= end; ++k, p += 16)
            acc = _mm_sub_epi8(acc,
                               _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), comma));
        const __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
        n += std::uint64_t(_mm_cvtsi128_si32(sums)) + std::uint64_t(_mm_extract_epi16(sums, 4));
    }
#endif
    for (; p < end; ++p)
        n += *p == ',';
    return n;
}

// The unescaped '"' that ends the string whose body starts at `bodyStart` in data[0, size), or
// `size` when the input ends first; `escaped` tells whether a backslash came before any '"' on the
// way.
inline std::uint64_t closingQuote(const char* data, std::uint64_t size, std::uint64_t bodyStart,
                                  bool* escaped = nullptr) {
    for (std::uint64_t from = bodyStart;;) {
        const void* hit = std::memchr(data + from, '"', size - from);
        if (!hit)
            return size;
        const std::uint64_t at = std::uint64_t(static_cast<const char*>(hit) - data);
        std::uint64_t backslashes = 0;
        while (at - backslashes > bodyStart && data[at - backslashes - 1] == '\\')
            ++backslashes;
        if (backslashes && escaped)
            *escaped = true;
        if (backslashes % 2 == 0)
            return at;
        from = at + 1;
    }
}

// The byte at `pos` as a message names it: "'x'", "byte 0x0A", or "the end of the file".
std::string describeByte(const char* data, std::uint64_t size, std::uint64_t pos);

// Position of a field name in a meta field list, or -1.
int indexOf(const std::vector<std::string>& fields, std::string_view name);

// Whether a top-level key names a section this program reads.
bool isKnownSection(std::string_view name);

} // namespace heapscope::load
