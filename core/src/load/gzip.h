// SPDX-License-Identifier: MIT
// Whole-file gzip inflation, shared by the snapshot loader and the sampling profile loader (each
// words its own errors).
#pragma once

#include "heapscope/common.h"
#include "heapscope/pod_array.h"

#include <cstdint>
#include <optional>
#include <string>

namespace heapscope::detail {

struct InflateFailure {
    enum class Kind { Init, Truncated, Corrupt, Cancelled } kind;
    std::uint64_t offset = 0; ///< compressed bytes consumed when it failed
    std::string zlibMessage;  ///< zlib's own words for Corrupt ("" when it gave none)
};

/// Inflates every gzip member of `data` (trailing zero padding ignored) into `out`, grown as needed
/// (a first guess from the trailer's ISIZE); `produced` bytes of it are valid. Reports
/// Stage::Reading in compressed bytes about every 30 ms and stops on a stop request.
std::optional<InflateFailure> inflateGzip(const unsigned char* data, std::uint64_t size, PodArray<char>& out,
                                          std::uint64_t& produced, const WorkContext& context);

} // namespace heapscope::detail
