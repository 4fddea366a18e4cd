// SPDX-License-Identifier: MIT
#include "heapscope/facts.h"

#include "heapscope/snapshot.h"

namespace heapscope {

SnapshotFacts computeFacts(const Snapshot& s) {
    SnapshotFacts facts;
    std::uint32_t lowest = 0xFFFFFFFFu, highest = 0;
    const std::uint32_t* ids = s.nodeId.data();
    for (std::uint32_t i = 0; i < s.nodeCount; ++i) {
        const std::uint32_t id = ids[i];
        if ((id & 1u) == 0)
            continue;
        lowest = id < lowest ? id : lowest;
        highest = id > highest ? id : highest;
    }
    facts.minJsObjectId = highest ? lowest : 0;
    facts.maxJsObjectId = highest;
    facts.isTimeline = !s.samples.empty();
    return facts;
}

bool takenBefore(const SnapshotFacts& a, const SnapshotFacts& b) {
    return a.maxJsObjectId < b.maxJsObjectId;
}

} // namespace heapscope
