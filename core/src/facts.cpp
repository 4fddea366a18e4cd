// SPDX-License-Identifier: MIT
#include "heapscope/facts.h"

#include "heapscope/snapshot.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_map>

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

const char* sameProcessName(SameProcess value) {
    switch (value) {
    case SameProcess::Yes:
        return "yes";
    case SameProcess::No:
        return "no";
    case SameProcess::Unknown:
        break;
    }
    return "unknown";
}

ObjectIdSample sampleObjectIds(const Snapshot& s) {
    ObjectIdSample sample;
    const std::hash<std::string_view> hash;
    const std::uint32_t step = std::max<std::uint32_t>(1, s.nodeCount / 20000);
    for (std::uint32_t n = 0; n < s.nodeCount; n += step) {
        if ((s.nodeId[n] & 1u) == 0)
            continue; // embedder objects
        sample.entries.push_back({s.nodeId[n], hash(s.typeName(n)), hash(s.name(n))});
    }
    return sample;
}

SameProcess ObjectIdMatch::verdict() const {
    // One process keeps most of its old objects (built-ins, modules, the program's own state) and
    // their ids. Ids that almost never carry over mean another process, or a producer that numbers
    // its objects anew in every snapshot (Bun): a handful of matches (the root, the first synthetic
    // nodes) proves nothing.
    if (sampled >= kMinSampleForAbsence && matched * 100 < sampled)
        return SameProcess::No;
    if (matched == 0)
        return SameProcess::Unknown;
    return differing * 4 > matched ? SameProcess::No : SameProcess::Yes;
}

ObjectIdMatch matchObjectIds(const ObjectIdSample& sample, const Snapshot& other) {
    // One sequential pass over the other snapshot's ids, not a lookup per sampled id: a lookup by id
    // needs an index sorted by id, which a snapshot builds only when asked (seconds on a big one).
    std::unordered_map<std::uint32_t, std::uint32_t> entryOf; // id -> index into sample.entries
    entryOf.reserve(sample.entries.size());
    std::vector<std::uint64_t> maybeSampled(1u << 10); // 65,536 bits by the id's low bits
    for (std::uint32_t i = 0; i < sample.entries.size(); ++i) {
        const std::uint32_t id = sample.entries[i].id;
        entryOf.emplace(id, i);
        maybeSampled[(id >> 6) & 1023] |= std::uint64_t(1) << (id & 63);
    }
    std::vector<bool> seen(sample.entries.size()); // the first node with an id counts, as by id lookup
    ObjectIdMatch match;
    match.sampled = sample.entries.size();
    const std::hash<std::string_view> hash;
    const std::uint32_t* ids = other.nodeId.data();
    for (std::uint32_t n = 0; n < other.nodeCount; ++n) {
        const std::uint32_t id = ids[n];
        if (!(maybeSampled[(id >> 6) & 1023] >> (id & 63) & 1))
            continue;
        const auto it = entryOf.find(id);
        if (it == entryOf.end() || seen[it->second])
            continue;
        seen[it->second] = true;
        const auto& e = sample.entries[it->second];
        ++match.matched;
        if (hash(other.typeName(n)) != e.typeHash || hash(other.name(n)) != e.nameHash)
            ++match.differing;
    }
    return match;
}

SameProcess sameProcess(const Snapshot& earlier, const Snapshot& later) {
    return matchObjectIds(sampleObjectIds(earlier), later).verdict();
}

} // namespace heapscope
