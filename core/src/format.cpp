// SPDX-License-Identifier: MIT
#include "heapscope/format.h"

#include <cmath>
#include <cstdio>

namespace heapscope::format {

namespace {

const char* const kNbsp = "\xC2\xA0";
const char* const kMinus = "\xE2\x88\x92";

// Rounds bytes / divisor to `decimals` (0 or 1) digits as DevTools' Intl number formatters do:
// on the decimal value, halves away from zero.
std::uint64_t roundedScaled(std::uint64_t bytes, std::uint64_t divisor, int decimals) {
    const std::uint64_t unit = decimals ? divisor / 10 : divisor; // value of the last kept digit
    return (bytes + unit / 2) / unit;
}

std::string withGrouping(std::uint64_t n, const char* separator) {
    std::string digits = std::to_string(n);
    std::string out;
    const int len = int(digits.size());
    for (int i = 0; i < len; ++i) {
        out.push_back(digits[std::size_t(i)]);
        const int remaining = len - 1 - i;
        if (remaining > 0 && remaining % 3 == 0)
            out += separator;
    }
    return out;
}

std::string oneDecimal(std::uint64_t tenths) {
    return withGrouping(tenths / 10, ",") + "." + std::to_string(tenths % 10);
}

} // namespace

std::string grouped(std::uint64_t n) {
    return withGrouping(n, ",");
}

std::string countNbsp(std::uint64_t n) {
    return withGrouping(n, kNbsp);
}

std::string sizeKB(std::uint64_t bytes) {
    // DevTools decides between one decimal and none on the unrounded value (kilobytes < 100).
    if (bytes < 100'000)
        return oneDecimal(roundedScaled(bytes, 1000, 1)) + kNbsp + "kB";
    return grouped(roundedScaled(bytes, 1000, 0)) + kNbsp + "kB";
}

std::string bytesAdaptive(std::uint64_t bytes) {
    if (bytes < 1000)
        return std::to_string(bytes) + kNbsp + "B";
    if (bytes < 100'000)
        return oneDecimal(roundedScaled(bytes, 1000, 1)) + kNbsp + "kB";
    if (bytes < 1'000'000)
        return grouped(roundedScaled(bytes, 1000, 0)) + kNbsp + "kB";
    if (bytes < 100'000'000)
        return oneDecimal(roundedScaled(bytes, 1'000'000, 1)) + kNbsp + "MB";
    return grouped(roundedScaled(bytes, 1'000'000, 0)) + kNbsp + "MB";
}

std::string percent(std::uint64_t value, std::uint64_t total) {
    if (total == 0)
        return std::string("0") + kNbsp + "%";
    const double p = double(value) / double(total) * 100.0;
    // toFixed(0): the nearest integer, the larger one on a tie
    const double fl = std::floor(p);
    const double n = (p - fl >= 0.5) ? fl + 1 : fl;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", n);
    return std::string(buf) + kNbsp + "%";
}

std::string signedCount(std::int64_t n) {
    if (n == 0)
        return "0";
    const std::uint64_t m = n < 0 ? std::uint64_t(-n) : std::uint64_t(n);
    return (n > 0 ? std::string("+") : std::string(kMinus)) + countNbsp(m);
}

std::string signedBytes(std::int64_t n) {
    if (n == 0)
        return bytesAdaptive(0);
    const std::uint64_t m = n < 0 ? std::uint64_t(-n) : std::uint64_t(n);
    return (n > 0 ? std::string("+") : std::string(kMinus)) + bytesAdaptive(m);
}

std::string distance(std::int32_t d) {
    if (d >= 0 && d < kBaseSystemDistance)
        return std::to_string(d);
    return kMinus;
}

std::string edgeName(const Snapshot& s, EdgeOrdinal edge) {
    const EdgeKind k = s.edgeKind(edge);
    if (k == EdgeKind::Element)
        return "[" + std::to_string(s.edgeNameOrIndex[edge]) + "]";
    if (k == EdgeKind::Hidden)
        return std::to_string(s.edgeNameOrIndex[edge]);
    std::string name = s.edgeNameText(edge);
    if (k == EdgeKind::Shortcut) {
        // DevTools shows shortcut names that start with digits as that number
        std::size_t digits = 0;
        while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9')
            ++digits;
        if (digits > 0)
            name = std::to_string(std::stoull(name.substr(0, std::min<std::size_t>(digits, 18))));
    }
    if (name.empty())
        return "(empty)";
    return name;
}

std::string nodeLabel(const Analysis& a, NodeOrdinal node) {
    const Snapshot& s = *a.snapshot;
    const std::string name = a.displayName(node);
    switch (s.kind(node)) {
    case NodeKind::String:
    case NodeKind::ConsString:
        return "\"" + name + "\"";
    case NodeKind::RegExp:
        return "/" + name + "/";
    case NodeKind::Closure:
        return name + "()";
    case NodeKind::Array:
        return (name.empty() ? std::string("(internal array)") : name) + "[]";
    default:
        return name;
    }
}

std::string nodeLabelWithId(const Analysis& a, NodeOrdinal node) {
    return nodeLabel(a, node) + " @" + std::to_string(a.snapshot->nodeId[node]);
}

} // namespace heapscope::format
