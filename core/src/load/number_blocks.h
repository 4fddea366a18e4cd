// SPDX-License-Identifier: MIT
// Reads runs of comma-separated non-negative integers 64 bytes at a time (AVX2, where the CPU has it).
#pragma once

#include <cstddef>
#include <cstdint>

namespace heapscope::detail {

// Whether readNumberBlocks() can run on this CPU.
bool numberBlocksAvailable();

// Reads the numbers of [p, regionEnd) into `out` and returns how many there were. The region must
// start where a number is expected (after '[' or ','), end right after a ',', and hold only
// digits, commas and JSON whitespace, each number between two commas, at most 10 digits and at
// most 4294967295. Anything else returns -1 with nothing promised about `out`: the caller reads
// the region again byte by byte and says what is wrong. Reads up to 16 bytes before `p` and 128
// bytes after `regionEnd`; `out` must have room for (regionEnd - p) / 2 + 4 numbers.
std::ptrdiff_t readNumberBlocks(const char* p, const char* regionEnd, std::uint32_t* out);

// The number of commas in [p, end), 32 bytes at a time. Only when numberBlocksAvailable().
std::uint64_t countCommasAvx2(const char* p, const char* end);

} // namespace heapscope::detail
