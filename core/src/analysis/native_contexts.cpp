// SPDX-License-Identifier: MIT
// Realms: DevTools' native context attribution (calculateNativeContextAttribution and
// calculateNativeContextSizes of its worker), its realm filters, and the Comparison in one realm.
#include "heapscope/realms.h"

#include "heapscope/format.h"

#include "../analysis_internal.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

namespace heapscope {

namespace {

constexpr std::uint32_t kPollMask = 0xFFFF;

Error cancelled(const Analysis& a) {
    return cancelledError(a.snapshot->path, "realms", "the realm attribution was cancelled");
}

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// DevTools' isNativeContext(): on the name as written (not the "Detached " of DOM propagation).
bool isNativeContextName(std::string_view name) {
    if (name.empty() || (name[0] != 's' && name[0] != 'D'))
        return false;
    return name == "system / NativeContext" || startsWith(name, "system / NativeContext / ") ||
           name == "Detached system / NativeContext" ||
           startsWith(name, "Detached system / NativeContext / ");
}

// DevTools' strings.indexOf(text): the first string with this text, or kNoString.
std::uint32_t firstStringId(const Snapshot& s, std::string_view text) {
    for (std::uint32_t i = 0, n = std::uint32_t(s.strings.size()); i < n; ++i)
        if (s.strings[i] == text)
            return i;
    return kNoString;
}

// Joins a parent's realm into a child's (DevTools' mergeNativeContextOwner).
std::int32_t merge(std::int32_t current, std::int32_t incoming) {
    if (current == kSharedNativeContext || incoming == kSharedNativeContext)
        return kSharedNativeContext;
    if (current == kNoNativeContext || current == incoming)
        return incoming;
    return kSharedNativeContext;
}

} // namespace

const NativeContextSize* Realms::find(std::uint32_t ordinal) const {
    for (const auto& c : nativeContexts)
        if (c.node == ordinal)
            return &c;
    return nullptr;
}

const NativeContextSize* Realms::findById(std::uint32_t nodeId) const {
    for (const auto& c : nativeContexts)
        if (c.nodeId == nodeId)
            return &c;
    return nullptr;
}

std::vector<const NativeContextSize*> Realms::bySize() const {
    std::vector<const NativeContextSize*> out;
    for (const auto& c : nativeContexts)
        out.push_back(&c);
    std::stable_sort(out.begin(), out.end(), [](const NativeContextSize* a, const NativeContextSize* b) {
        return a->attributedSize > b->attributedSize;
    });
    return out;
}

Expected<RealmsPtr> computeRealms(const Analysis& a, const WorkContext& context) {
    const Snapshot& s = *a.snapshot;
    const std::uint32_t N = s.nodeCount;
    auto realms = std::make_shared<Realms>();
    realms->nodeFieldCount = std::uint32_t(s.format.nodeFields.size());
    context.report(Stage::Filtering, 0, 4);

    // The fixed attributions: native contexts own themselves; an object whose map's map has a
    // native_context edge (internal, to a native context: the first such edge) belongs to it.
    const std::uint32_t nativeContextName = firstStringId(s, "native_context");
    const std::uint32_t mapName = firstStringId(s, "map");
    std::vector<bool> isNative(N, false);
    for (std::uint32_t n = 0; n < N; ++n)
        if (isNativeContextName(s.name(n)))
            isNative[n] = true;
    if (context.stopRequested())
        return cancelled(a);
    // The first internal "map" edge of a node, and the native context of a meta map (memoised).
    auto mapOf = [&](std::uint32_t n) -> std::uint32_t {
        if (mapName == kNoString)
            return kNoNode;
        for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e)
            if (s.edgeKind(e) == EdgeKind::Internal && s.edgeNameOrIndex[e] == mapName)
                return s.edgeTo[e];
        return kNoNode;
    };
    std::unordered_map<std::uint32_t, std::int32_t> metaMapContext;
    auto contextOfMetaMap = [&](std::uint32_t m) -> std::int32_t {
        auto [it, fresh] = metaMapContext.try_emplace(m, kNoNativeContext);
        if (fresh && nativeContextName != kNoString)
            for (std::uint32_t e = s.firstEdge[m], ee = s.firstEdge[m + 1]; e < ee; ++e)
                if (s.edgeKind(e) == EdgeKind::Internal && s.edgeNameOrIndex[e] == nativeContextName &&
                    isNative[s.edgeTo[e]]) {
                    it->second = std::int32_t(s.edgeTo[e]);
                    break;
                }
        return it->second;
    };
    std::unordered_map<std::uint32_t, std::uint32_t> mapOfMap; // maps are few: each one's map once
    realms->owner = PodArray<std::int32_t>::uninitialized(N);
    std::int32_t* const owner = realms->owner.data();
    detail::BitSet fixed(N);
    std::vector<bool> queued(N, false);
    std::vector<std::uint32_t> ring(std::size_t(N) + 1); // a node is queued at most once at a time
    std::size_t head = 0, tail = 0, size = 0;
    auto push = [&](std::uint32_t n) {
        ring[tail] = n;
        tail = tail + 1 == ring.size() ? 0 : tail + 1;
        ++size;
        queued[n] = true;
    };
    for (std::uint32_t n = 0; n < N; ++n) {
        if ((n & kPollMask) == 0 && context.stopRequested())
            return cancelled(a);
        std::int32_t o = kNoNativeContext;
        if (isNative[n]) {
            o = std::int32_t(n);
            NativeContextSize info;
            info.node = n;
            info.nodeId = s.nodeId[n];
            info.nodeIndex = std::uint64_t(n) * realms->nodeFieldCount;
            info.nodeName = a.displayName(n);
            info.retainedSize = a.retainedSize[n];
            info.selfSize = a.selfSize[n];
            realms->nativeContexts.push_back(std::move(info));
        } else if (const std::uint32_t map = mapOf(n); map != kNoNode) {
            auto [it, fresh] = mapOfMap.try_emplace(map, kNoNode);
            if (fresh)
                it->second = mapOf(map);
            if (it->second != kNoNode)
                o = contextOfMetaMap(it->second);
        }
        owner[n] = o;
        if (o != kNoNativeContext) {
            fixed.set(n);
            push(n);
        }
    }
    context.report(Stage::Filtering, 1, 4);

    // Propagation through every edge but weak and shortcut ones, never into a fixed node. The
    // result is the least fixed point of the merge, so the order of the work list does not matter.
    for (std::uint64_t steps = 0; size != 0; ++steps) {
        if ((steps & kPollMask) == 0 && context.stopRequested())
            return cancelled(a);
        const std::uint32_t n = ring[head];
        head = head + 1 == ring.size() ? 0 : head + 1;
        --size;
        queued[n] = false;
        const std::int32_t current = owner[n];
        for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e) {
            const EdgeKind k = s.edgeKind(e);
            if (k == EdgeKind::Shortcut || k == EdgeKind::Weak)
                continue;
            const std::uint32_t t = s.edgeTo[e];
            if (t == n || fixed.test(t))
                continue;
            const std::int32_t merged = merge(owner[t], current);
            if (merged != owner[t]) {
                owner[t] = merged;
                if (!queued[t])
                    push(t);
            }
        }
    }
    context.report(Stage::Filtering, 3, 4);

    // Sizes: self sizes after DevTools' reassignment of owned objects.
    std::unordered_map<std::uint32_t, std::size_t> entryOf;
    for (std::size_t i = 0; i < realms->nativeContexts.size(); ++i)
        entryOf.emplace(realms->nativeContexts[i].node, i);
    std::vector<std::uint64_t> attributed(realms->nativeContexts.size(), 0);
    for (std::uint32_t n = 0; n < N; ++n) {
        const std::int32_t o = owner[n];
        const std::uint64_t size = a.selfSize[n];
        if (o == kSharedNativeContext)
            realms->sharedSize += size;
        else if (o == kNoNativeContext)
            realms->noAttributionSize += size;
        else
            attributed[entryOf.at(std::uint32_t(o))] += size;
    }
    for (std::size_t i = 0; i < attributed.size(); ++i)
        realms->nativeContexts[i].attributedSize = attributed[i];
    context.report(Stage::Filtering, 4, 4);
    return RealmsPtr(std::move(realms));
}

std::string realmFilterKey(const Realms& realms, const RealmFilter& filter) {
    switch (filter.kind) {
    case RealmFilter::Kind::Shared:
        return "sharedNativeContext";
    case RealmFilter::Kind::Unattributed:
        return "noNativeContext";
    case RealmFilter::Kind::NativeContext:
        break;
    }
    return "nativeContext_" + std::to_string(std::uint64_t(filter.nativeContext) * realms.nodeFieldCount);
}

bool isRealmFilterKey(std::string_view key) {
    return key == "sharedNativeContext" || key == "noNativeContext" || startsWith(key, "nativeContext_");
}

std::optional<RealmFilter> realmFilterFromKey(const Realms& realms, std::string_view key) {
    if (key == "sharedNativeContext")
        return RealmFilter{RealmFilter::Kind::Shared, kNoNode};
    if (key == "noNativeContext")
        return RealmFilter{RealmFilter::Kind::Unattributed, kNoNode};
    if (!startsWith(key, "nativeContext_"))
        return std::nullopt;
    const std::string_view number = key.substr(14);
    std::uint64_t index = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), index);
    if (ec != std::errc() || end != number.data() + number.size() || number.empty())
        return std::nullopt;
    for (const auto& c : realms.nativeContexts)
        if (c.nodeIndex == index)
            return RealmFilter{RealmFilter::Kind::NativeContext, c.node};
    return std::nullopt;
}

std::string nativeContextLabel(const NativeContextSize& context) {
    std::string_view name = context.nodeName;
    if (startsWith(name, "Detached "))
        name.remove_prefix(9);
    if (startsWith(name, "system / NativeContext / "))
        name.remove_prefix(25);
    else if (startsWith(name, "system / NativeContext"))
        name.remove_prefix(22);
    return std::string(name);
}

std::string realmFilterTitle(const Realms& realms, const RealmFilter& filter) {
    switch (filter.kind) {
    case RealmFilter::Kind::Shared:
        return "Objects shared between native contexts (" + format::bytesAdaptive(realms.sharedSize) + ")";
    case RealmFilter::Kind::Unattributed:
        return "Objects not attributed to a native context (" +
               format::bytesAdaptive(realms.noAttributionSize) + ")";
    case RealmFilter::Kind::NativeContext:
        break;
    }
    const NativeContextSize* c = realms.find(filter.nativeContext);
    if (!c)
        return "Native context (gone)";
    const std::string label = nativeContextLabel(*c);
    return "Native context " + (label.empty() ? std::string() : label + " ") + "@" +
           std::to_string(c->nodeId) + " (" + format::bytesAdaptive(c->attributedSize) + ")";
}

std::vector<bool> realmMask(const Realms& realms, const RealmFilter& filter) {
    const std::size_t N = realms.owner.size();
    std::int32_t want = kNoNativeContext;
    switch (filter.kind) {
    case RealmFilter::Kind::Shared:
        want = kSharedNativeContext;
        break;
    case RealmFilter::Kind::Unattributed:
        want = kNoNativeContext;
        break;
    case RealmFilter::Kind::NativeContext:
        // DevTools compares with the ordinal it was given: a node that is no native context owns
        // nothing.
        if (filter.nativeContext == kNoNode || filter.nativeContext >= N)
            return std::vector<bool>(N, false);
        want = std::int32_t(filter.nativeContext);
        break;
    }
    std::vector<bool> mask(N);
    for (std::size_t n = 0; n < N; ++n)
        mask[n] = realms.owner[n] == want;
    return mask;
}

Expected<Aggregates> aggregateRealm(const Analysis& a, const Realms& realms, const RealmFilter& filter,
                                    const WorkContext& context) {
    if (realms.owner.size() != a.snapshot->nodeCount)
        return Error{a.snapshot->path, "realms", -1, "the realms were computed for another snapshot", false};
    const std::vector<bool> mask = realmMask(realms, filter);
    const std::function<bool()> stopped = [&] { return context.stopRequested(); };
    PodArray<std::uint32_t> counted;
    Aggregates rows = detail::aggregateRows(a, a.classOf.data(), a.classes.size(), &mask, &counted, stopped);
    if (stopped())
        return cancelled(a);
    detail::addClassRetainedSizes(a, counted, a.classes.size(), rows, stopped);
    if (stopped())
        return cancelled(a);
    detail::sortRows(a.classes, rows);
    return rows;
}

Expected<ComparisonPtr> compareInRealm(const Comparison& full, const Realms& baseRealms,
                                       const Realms& currentRealms, RealmFilter::Kind kind,
                                       std::uint32_t nativeContextId, const WorkContext& context) {
    const Analysis& base = *full.base;
    const Analysis& current = *full.current;
    auto filterOf = [&](const Realms& r) {
        RealmFilter f{kind, kNoNode};
        if (kind == RealmFilter::Kind::NativeContext)
            if (const NativeContextSize* c = r.findById(nativeContextId))
                f.nativeContext = c->node;
        return f;
    };
    if (baseRealms.owner.size() != base.snapshot->nodeCount ||
        currentRealms.owner.size() != current.snapshot->nodeCount)
        return Error{current.snapshot->path, "realms", -1, "the realms were computed for other snapshots",
                     false};
    const std::vector<bool> baseMask = realmMask(baseRealms, filterOf(baseRealms));
    const std::vector<bool> currentMask = realmMask(currentRealms, filterOf(currentRealms));
    if (context.stopRequested())
        return cancelled(current);
    context.report(Stage::Comparison, 0, 3);
    // Class retained sizes and counts of the realm on each side.
    const std::function<bool()> stopped = [&] { return context.stopRequested(); };
    PodArray<std::uint32_t> counted;
    Aggregates baseRows = detail::aggregateRows(base, full.baseClassOf.data(), full.baseClasses.size(),
                                                &baseMask, &counted, stopped);
    if (stopped())
        return cancelled(current);
    detail::addClassRetainedSizes(base, counted, full.baseClasses.size(), baseRows, stopped);
    context.report(Stage::Comparison, 1, 3);
    Aggregates currentRows = detail::aggregateRows(current, current.classOf.data(), current.classes.size(),
                                                   &currentMask, &counted, stopped);
    if (stopped())
        return cancelled(current);
    detail::addClassRetainedSizes(current, counted, current.classes.size(), currentRows, stopped);
    if (stopped())
        return cancelled(current);
    context.report(Stage::Comparison, 2, 3);
    std::unordered_map<std::string_view, const ClassAggregate*> baseByKey, currentByKey;
    for (const auto& r : baseRows.classes)
        baseByKey.emplace(full.baseClasses[r.classIndex].key, &r);
    for (const auto& r : currentRows.classes)
        currentByKey.emplace(current.classes[r.classIndex].key, &r);

    auto out = std::make_shared<Comparison>();
    out->base = full.base;
    out->current = full.current;
    out->baseClassOf = PodArray<std::uint32_t>::uninitialized(full.baseClassOf.size());
    std::copy(full.baseClassOf.begin(), full.baseClassOf.end(), out->baseClassOf.begin());
    out->baseClasses = full.baseClasses;
    out->idsShared = full.idsShared;
    out->warnings = full.warnings;
    for (const ClassDiff& d : full.classes) {
        ClassDiff r;
        r.key = d.key;
        r.name = d.name;
        for (const std::uint32_t n : d.newNodes)
            if (currentMask[n]) {
                r.newNodes.push_back(n);
                r.allocSize += current.selfSize[n];
            }
        for (const std::uint32_t n : d.deletedNodes)
            if (baseMask[n]) {
                r.deletedNodes.push_back(n);
                r.freedSize += base.selfSize[n];
            }
        r.newCount = std::uint32_t(r.newNodes.size());
        r.deletedCount = std::uint32_t(r.deletedNodes.size());
        if (auto it = baseByKey.find(r.key); it != baseByKey.end()) {
            r.baseCount = it->second->count;
            r.baseRetained = it->second->retainedSize;
        }
        if (auto it = currentByKey.find(r.key); it != currentByKey.end()) {
            r.currentCount = it->second->count;
            r.currentRetained = it->second->retainedSize;
            // The realm's objects of this class in `current` are new or survivors.
            r.survivedCount = r.currentCount - std::min(r.currentCount, r.newCount);
            r.survivedSize =
                it->second->selfSize - std::min<std::uint64_t>(it->second->selfSize, r.allocSize);
        }
        out->totals.newCount += r.newCount;
        out->totals.deletedCount += r.deletedCount;
        out->totals.allocSize += r.allocSize;
        out->totals.freedSize += r.freedSize;
        out->totals.survivedCount += r.survivedCount;
        if (r.newCount || r.deletedCount)
            out->classes.push_back(std::move(r));
    }
    // Same order as the full Comparison: size delta descending, then name, then key.
    std::sort(out->classes.begin(), out->classes.end(), [](const ClassDiff& x, const ClassDiff& y) {
        if (x.sizeDelta() != y.sizeDelta())
            return x.sizeDelta() > y.sizeDelta();
        const int c = text::compareUtf16(x.name, y.name);
        if (c != 0)
            return c < 0;
        return x.key < y.key;
    });
    context.report(Stage::Comparison, 3, 3);
    return ComparisonPtr(std::move(out));
}

} // namespace heapscope
