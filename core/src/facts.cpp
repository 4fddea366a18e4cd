// SPDX-License-Identifier: MIT
#include "heapscope/facts.h"

#include "heapscope/snapshot.h"

#include "flat_hash_map.h"

#include <algorithm>
#include <functional>
#include <string_view>

namespace heapscope {

SnapshotFacts computeFacts(const Snapshot& s) {
    SnapshotFacts facts;
    std::uint32_t lowest = 0xFFFFFFFFu, highest = 0;
    for (NodeOrdinal n : s.nodes()) {
        const std::uint32_t id = s.nodeId[n];
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
    for (NodeOrdinal n(0); n.value < s.nodeCount; n = NodeOrdinal(n.value + step)) {
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
    const ObjectIdSample* one[] = {&sample};
    return matchObjectIds(one, other).front();
}

std::vector<ObjectIdMatch> matchObjectIds(std::span<const ObjectIdSample* const> samples,
                                          const Snapshot& other) {
    // One sequential pass over the other snapshot's ids, not a lookup per sampled id: a lookup by id
    // needs an index sorted by id, which a snapshot builds only when asked (seconds on a big one).
    struct Wanted {
        std::uint32_t id;
        std::uint32_t sample;
        std::uint32_t entry;
    };
    std::vector<Wanted> wanted;
    std::vector<ObjectIdMatch> matches(samples.size());
    for (std::uint32_t s = 0; s < samples.size(); ++s) {
        matches[s].sampled = samples[s]->entries.size();
        for (std::uint32_t i = 0; i < samples[s]->entries.size(); ++i)
            wanted.push_back({samples[s]->entries[i].id, s, i});
    }
    // By id; within a sample, only its first entry of an id can match.
    std::stable_sort(wanted.begin(), wanted.end(), [](const Wanted& a, const Wanted& b) {
        return a.id != b.id ? a.id < b.id : a.sample < b.sample;
    });
    wanted.erase(
        std::unique(wanted.begin(), wanted.end(),
                    [](const Wanted& a, const Wanted& b) { return a.id == b.id && a.sample == b.sample; }),
        wanted.end());
    detail::FlatHashMap<std::uint32_t, std::uint32_t, detail::IntegerHash> firstWanted(wanted.size());
    for (std::uint32_t w = 0; w < wanted.size(); ++w) // id -> its first index in wanted
        firstWanted.tryEmplace(wanted[w].id, w);

    // A bit filter by a hash of the id, about 16 bits per id, skips most nodes without a lookup.
    unsigned filterBits = 16;
    while ((std::size_t(1) << filterBits) < firstWanted.size() * 16 && filterBits < 30)
        ++filterBits;
    const auto slot = [filterBits](std::uint32_t id) { return (id * 0x9E3779B1u) >> (32 - filterBits); };
    std::vector<std::uint64_t> maybeWanted((std::size_t(1) << filterBits) / 64);
    for (const Wanted& w : wanted)
        maybeWanted[slot(w.id) / 64] |= std::uint64_t(1) << (slot(w.id) % 64);

    std::vector<bool> seen(wanted.size()); // the first node with an id counts, as by id lookup
    const std::hash<std::string_view> hash;
    const std::uint32_t* ids = other.nodeId.data();
    for (NodeOrdinal n : other.nodes()) {
        const std::uint32_t id = ids[n.value];
        const std::uint32_t bit = slot(id);
        if (!(maybeWanted[bit / 64] >> (bit % 64) & 1))
            continue;
        const std::uint32_t* first = firstWanted.find(id);
        if (!first || seen[*first])
            continue;
        seen[*first] = true;
        const std::uint64_t typeHash = hash(other.typeName(n)), nameHash = hash(other.name(n));
        for (std::uint32_t w = *first; w < wanted.size() && wanted[w].id == id; ++w) {
            const auto& e = samples[wanted[w].sample]->entries[wanted[w].entry];
            ObjectIdMatch& match = matches[wanted[w].sample];
            ++match.matched;
            if (typeHash != e.typeHash || nameHash != e.nameHash)
                ++match.differing;
        }
    }
    return matches;
}

SameProcess sameProcess(const Snapshot& earlier, const Snapshot& later) {
    return matchObjectIds(sampleObjectIds(earlier), later).verdict();
}

} // namespace heapscope
