// SPDX-License-Identifier: MIT
// Facts about a whole snapshot, derived once from its columns and sections, so that every caller
// (the CLI, the app's menus, the Comparison) decides the same way.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

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

/// Whether two snapshots come from one process, as far as their object ids tell.
enum class SameProcess : std::uint8_t {
    Yes,     ///< ids present in both name objects of the same type and name
    No,      ///< the same ids name different objects: separate runs, a restart, or Bun
    Unknown, ///< no id is present in both (or a snapshot has no JS object ids): the ids cannot tell
};
/// "yes", "no", "unknown".
const char* sameProcessName(SameProcess value);

/// A sample of a snapshot's JS object ids with what they name: one node in every nodeCount / 20000,
/// odd ids only. Hashes of the type and name, not the text, so a sample can outlive its graph.
struct ObjectIdSample {
    struct Entry {
        std::uint32_t id;
        std::uint64_t typeHash;
        std::uint64_t nameHash;
    };
    std::vector<Entry> entries;
};
ObjectIdSample sampleObjectIds(const Snapshot& snapshot);

/// The sampled ids of one snapshot looked up in another. Snapshots of different processes do not
/// share object ids: an id present in both then names unrelated objects.
struct ObjectIdMatch {
    std::uint64_t sampled = 0;   ///< ids in the sample
    std::uint64_t matched = 0;   ///< sampled ids found in the other snapshot
    std::uint64_t differing = 0; ///< of those, naming an object of another type or name
    /// Samples at least this big can tell that ids do not carry over.
    static constexpr std::uint64_t kMinSampleForAbsence = 100;
    /// Under 1 % of a big enough sample found, or more than a quarter of the found ones naming other
    /// objects, means different processes (or a producer whose ids never carry over, as Bun's);
    /// none found in a small sample, that ids cannot tell.
    SameProcess verdict() const;
};
ObjectIdMatch matchObjectIds(const ObjectIdSample& sample, const Snapshot& other);
/// Several snapshots' samples looked up in one other snapshot, in a single pass over its ids (a
/// series checks each new file against every earlier one); one match per sample, in their order.
std::vector<ObjectIdMatch> matchObjectIds(std::span<const ObjectIdSample* const> samples,
                                          const Snapshot& other);

/// The one rule for the Comparison, the Summary's filter list and a series.
SameProcess sameProcess(const Snapshot& earlier, const Snapshot& later);

} // namespace heapscope
