// SPDX-License-Identifier: MIT
// Facts about a whole snapshot, derived once from its columns and sections, so that every caller
// (the CLI, the app's menus, the Comparison) decides the same way.
#pragma once

#include <cstdint>

namespace heapscope {

class Snapshot;

struct SnapshotFacts {
    /// Smallest and largest odd node id (V8 gives JS objects odd ids, in allocation order); 0 when
    /// the snapshot has none. The largest is DevTools' "max JS object id".
    std::uint32_t minJsObjectId = 0;
    std::uint32_t maxJsObjectId = 0;
    /// The file carries an allocation timeline: its `samples` section has entries. V8 writes them
    /// only for a heap-object tracking session (DevTools' "Allocations on timeline").
    bool isTimeline = false;
};

/// One pass over the node ids; Snapshot::facts() keeps the result.
SnapshotFacts computeFacts(const Snapshot& snapshot);

/// True when `a` was taken before `b` in the same process: its newest object is older. Snapshots
/// with equal newest ids are in no order (both false).
bool takenBefore(const SnapshotFacts& a, const SnapshotFacts& b);

} // namespace heapscope
