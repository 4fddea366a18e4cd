// SPDX-License-Identifier: MIT
// DevTools' ordering of objects in its lists (the Summary's instances, an object's edges, retainers):
// one comparator for the app and the CLI, and a partial sort for million-row levels.
#pragma once

#include "heapscope/common.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace heapscope {

class Snapshot;

/// How one row compares. Numeric columns compare `number` first (in the chosen direction), then the
/// text ascending, then `tie`; name columns compare the text in the chosen direction, then `tie`.
/// Names that are numbers (element indexes) sort after string names. The text is a view into the
/// snapshot's (or the analysis') strings: keys live no longer than those.
struct OrderKey {
    double number = 0;
    std::string_view text;
    std::int64_t textNumber = -1; ///< >= 0 when the name is this integer
    std::uint64_t tie = 0;
    bool last = false; ///< "__proto__" edges stay last whatever the direction
};

/// A row to order: its key and its position in the unordered list.
struct OrderEntry {
    OrderKey key;
    std::uint32_t pos = 0;
};

/// A strict total order over entries (ties end at the position).
struct ObjectOrder {
    bool descending = false;
    bool byName = false; ///< a name column: text first
    bool operator()(const OrderEntry& a, const OrderEntry& b) const;
};

/// Names as DevTools compares them: integers after strings, integers by value, strings by bytes.
int compareObjectNames(std::string_view a, std::int64_t aNumber, std::string_view b, std::int64_t bNumber);

/// The key of an edge row's name column: its name (element and hidden edges by index, shortcut
/// names that start with digits as numbers, "__proto__" last), ties by edge ordinal.
OrderKey edgeOrderKey(const Snapshot& snapshot, EdgeOrdinal edge);
/// The key of an object row's name column: its node name, ties by object id.
OrderKey nodeOrderKey(const Snapshot& snapshot, NodeOrdinal node);

/// Orders `entries` so that the first `count` are final and in order (the rest follow in any
/// order): a selection in O(n), then a sort of those `count` only; all of them when `count` is a
/// large part. Returns how many are final. When `context` asks to stop it returns early, leaving
/// the order unspecified (the caller checks the flag).
std::size_t orderFirst(std::span<OrderEntry> entries, std::size_t count, const ObjectOrder& order,
                       const WorkContext& context = {});

/// Sorts all of `entries`, in runs that are sorted then merged, so that a stop request is seen
/// within a few milliseconds. Returns false when stopped (the order is then unspecified).
bool orderAll(std::span<OrderEntry> entries, const ObjectOrder& order, const WorkContext& context = {});

} // namespace heapscope
