// SPDX-License-Identifier: MIT
#include "heapscope/ordering.h"

#include "heapscope/snapshot.h"

#include <algorithm>
#include <charconv>

namespace heapscope {

int compareObjectNames(std::string_view a, std::int64_t an, std::string_view b, std::int64_t bn) {
    const bool aNum = an >= 0, bNum = bn >= 0;
    if (aNum != bNum)
        return aNum ? 1 : -1;
    if (aNum)
        return an < bn ? -1 : (an > bn ? 1 : 0);
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool ObjectOrder::operator()(const OrderEntry& a, const OrderEntry& b) const {
    if (a.key.last != b.key.last)
        return b.key.last;
    if (byName) {
        const int c = compareObjectNames(a.key.text, a.key.textNumber, b.key.text, b.key.textNumber);
        if (c != 0)
            return descending ? c > 0 : c < 0;
    } else {
        if (a.key.number != b.key.number)
            return descending ? a.key.number > b.key.number : a.key.number < b.key.number;
        const int c = compareObjectNames(a.key.text, a.key.textNumber, b.key.text, b.key.textNumber);
        if (c != 0)
            return c < 0;
    }
    if (a.key.tie != b.key.tie)
        return a.key.tie < b.key.tie;
    return a.pos < b.pos;
}

OrderKey edgeOrderKey(const Snapshot& s, EdgeOrdinal edge) {
    OrderKey key;
    // an edge of a type this program does not know names a string only when there is one
    if (const auto name = s.edgeNameString(edge); !name) {
        key.textNumber = s.edgeNameOrIndex[edge];
    } else {
        key.text = *name;
        // Shortcut names that start with digits count as numbers, as in DevTools.
        if (s.edgeKind(edge) == EdgeKind::Shortcut) {
            std::uint32_t v = 0;
            auto [p, ec] = std::from_chars(key.text.data(), key.text.data() + key.text.size(), v);
            if (ec == std::errc() && p != key.text.data())
                key.textNumber = v;
        }
        key.last = key.text == "__proto__";
    }
    key.tie = edge.value;
    return key;
}

OrderKey nodeOrderKey(const Snapshot& s, NodeOrdinal node) {
    OrderKey key;
    key.text = s.name(node);
    key.tie = s.nodeId[node];
    return key;
}

std::size_t orderFirst(std::span<OrderEntry> entries, std::size_t count, const ObjectOrder& order,
                       const WorkContext& context) {
    const std::size_t n = entries.size();
    count = std::min(count, n);
    if (context.stopRequested())
        return count;
    if (count * 4 >= n) {
        std::sort(entries.begin(), entries.end(), order);
        return n;
    }
    std::nth_element(entries.begin(), entries.begin() + std::ptrdiff_t(count), entries.end(), order);
    if (context.stopRequested())
        return count;
    std::sort(entries.begin(), entries.begin() + std::ptrdiff_t(count), order);
    return count;
}

bool orderAll(std::span<OrderEntry> entries, const ObjectOrder& order, const WorkContext& context) {
    constexpr std::size_t kRun = std::size_t(1) << 15;
    const std::size_t n = entries.size();
    for (std::size_t begin = 0; begin < n; begin += kRun) {
        if (context.stopRequested())
            return false;
        std::sort(entries.begin() + std::ptrdiff_t(begin),
                  entries.begin() + std::ptrdiff_t(std::min(n, begin + kRun)), order);
    }
    for (std::size_t width = kRun; width < n; width *= 2) {
        for (std::size_t begin = 0; begin + width < n; begin += 2 * width) {
            if (context.stopRequested())
                return false;
            const auto first = entries.begin() + std::ptrdiff_t(begin);
            std::inplace_merge(first, first + std::ptrdiff_t(width),
                               entries.begin() + std::ptrdiff_t(std::min(n, begin + 2 * width)), order);
        }
    }
    return true;
}

} // namespace heapscope
