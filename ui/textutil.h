// SPDX-License-Identifier: MIT
// Conversions between the core's WTF-8 strings and QString, and the formatting helpers the views share.
#pragma once

#include <heapscope/common.h>

#include <QString>

#include <cstdint>
#include <string>
#include <string_view>

namespace heapscope {
class Analysis;
}

namespace TextUtil {

/// A core string (WTF-8: UTF-8 that may hold lone surrogates) as a QString. Lone surrogates become
/// U+FFFD once, as the core's own display conversion does, rather than one replacement per byte.
QString toQString(std::string_view wtf8);

/// Exact byte count for tooltips: "1,234,567 bytes (1.2 MB)".
QString exactBytes(std::uint64_t bytes);

/// Sizes as the Summary shows them ("12.3 kB") and their percentage of `total` ("5 %").
QString sizeKB(std::uint64_t bytes);
QString bytesAdaptive(std::uint64_t bytes);
QString percent(std::uint64_t value, std::uint64_t total);
QString grouped(std::uint64_t n);
QString distance(std::int32_t d);

/// "@1234" for a node.
QString idText(const heapscope::Analysis& analysis, heapscope::NodeOrdinal node);

/// Parses "@123", "123" or " @ 123 " into an object id; returns false when it is not one.
bool parseObjectId(const QString& text, std::uint32_t& id);

} // namespace TextUtil
