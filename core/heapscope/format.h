// SPDX-License-Identifier: MIT
// Text as DevTools shows it: sizes, percentages, distances, edge names and object labels.
#pragma once

#include "heapscope/analysis.h"

#include <cstdint>
#include <string>

namespace heapscope::format {

/// Summary/Containment/Retainers cells: kB with one decimal below 100 kB ("12.3 kB"), integer kB
/// with thousands separators from there on ("12,345 kB"); a non-breaking space before the unit.
std::string sizeKB(std::uint64_t bytes);
/// Adaptive units (tooltips, Comparison, sidebar): "999 B", "12.3 kB", "123 kB", "12.3 MB", "123 MB".
std::string bytesAdaptive(std::uint64_t bytes);
/// value / total × 100, rounded like JavaScript's toFixed(0), then " %" (non-breaking space).
std::string percent(std::uint64_t value, std::uint64_t total);
/// Integer with "," thousands separators ("1,234").
std::string grouped(std::uint64_t n);
/// Comparison counts: thousands separated by a non-breaking space.
std::string countNbsp(std::uint64_t n);
/// Signed Comparison delta: "+" / U+2212 "−" / "" for zero, then the magnitude formatted by `magnitude`.
std::string signedCount(std::int64_t n);
std::string signedBytes(std::int64_t n);
/// Distance cell: the number when 0 <= d < 100,000,000, else "−" (U+2212).
std::string distance(std::int32_t d);

/// Edge name as DevTools shows it in the Containment, Summary expansion and Retainers views:
/// "[12]" for elements, the plain name otherwise, "(empty)" for an empty name.
std::string edgeName(const Snapshot& snapshot, EdgeOrdinal edge);
/// Object cell text without the id: "\"text\"", "/re/", "name()", "name[]", "(internal array)[]", ...
std::string nodeLabel(const Analysis& analysis, NodeOrdinal node);
/// nodeLabel + " @id".
std::string nodeLabelWithId(const Analysis& analysis, NodeOrdinal node);

} // namespace heapscope::format
