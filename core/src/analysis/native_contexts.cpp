// SPDX-License-Identifier: MIT
// Realms: DevTools' native context attribution (calculateNativeContextAttribution and
// calculateNativeContextSizes of its worker), its realm filters, and the Comparison in one realm.
#include "heapscope/realms.h"

#include "heapscope/format.h"

#include "../analysis_internal.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <optional>
#include <system_error>
#include <thread>
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

// Joins a parent's realm into a child's (DevTools' mergeNativeContextOwner).
std::int32_t merge(std::int32_t current, std::int32_t incoming) {
    if (current == kSharedNativeContext || incoming == kSharedNativeContext)
        return kSharedNativeContext;
    if (current == kNoNativeContext || current == incoming)
        return incoming;
    return kSharedNativeContext;
}

} // namespace

const NativeContextSize* Realms::find(NodeOrdinal node) const {
    for (const auto& c : nativeContexts)
        if (c.node == node)
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
    // One pass over the strings: DevTools' strings.indexOf() of the two edge names, and which
    // strings name native contexts (so the nodes' names need not be read one by one).
    StringId nativeContextName = kNoString, mapName = kNoString;
    std::vector<bool> nativeString(s.strings.size(), false);
    for (StringId i : detail::stringIds(s)) {
        const std::string_view text = s.strings.get(i);
        if (nativeContextName == kNoString && text == "native_context")
            nativeContextName = i;
        else if (mapName == kNoString && text == "map")
            mapName = i;
        else if (isNativeContextName(text))
            nativeString[i.value] = true;
    }
    if (context.stopRequested())
        return cancelled(a);
    auto isNative = [&](NodeOrdinal n) { return nativeString[s.nodeName[n].value]; };
    // The first internal "map" edge of a node, and the native context of a meta map (memoised).
    auto mapOf = [&](NodeOrdinal n) -> std::optional<NodeOrdinal> {
        if (mapName == kNoString)
            return std::nullopt;
        for (EdgeOrdinal e : s.edgesOf(n))
            if (s.edgeNameOrIndex[e] == mapName.value && s.edgeKind(e) == EdgeKind::Internal)
                return s.edgeTo[e];
        return std::nullopt;
    };
    // The native context a meta map names (its first internal native_context edge to one).
    auto contextOfMetaMap = [&](NodeOrdinal m) -> std::int32_t {
        if (nativeContextName != kNoString)
            for (EdgeOrdinal e : s.edgesOf(m))
                if (s.edgeNameOrIndex[e] == nativeContextName.value && s.edgeKind(e) == EdgeKind::Internal &&
                    isNative(s.edgeTo[e]))
                    return std::int32_t(s.edgeTo[e].value);
        return kNoNativeContext;
    };
    for (NodeOrdinal n : s.nodes())
        if (isNative(n)) {
            NativeContextSize info;
            info.node = n;
            info.nodeId = s.nodeId[n];
            info.nodeIndex = std::uint64_t(n.value) * realms->nodeFieldCount;
            info.nodeName = a.displayName(n);
            info.retainedSize = a.retainedSize[n];
            info.selfSize = a.selfSize[n];
            realms->nativeContexts.push_back(std::move(info));
        }
    // Per map node, the realm its meta map gives (kUnknown until asked): maps are shared by many
    // objects, so each is looked at about once. Both halves of the node range may fill an entry;
    // they write the same value.
    constexpr std::int32_t kUnknown = -3;
    auto realmOfMap = Column<NodeOrdinal, std::int32_t>::uninitialized(N);
    std::fill(realmOfMap.begin(), realmOfMap.end(), kUnknown);
    realms->owner = PodArray<std::int32_t>::uninitialized(N);
    std::int32_t* const owner = realms->owner.data();
    std::atomic<bool> stopped{false};
    auto fix = [&](NodeOrdinal from, NodeOrdinal to) {
        for (NodeOrdinal n : IndexRange(from, to)) {
            if ((n.value & kPollMask) == 0 &&
                (stopped.load(std::memory_order_relaxed) || context.stopRequested())) {
                stopped = true;
                return;
            }
            std::int32_t o = kNoNativeContext;
            if (isNative(n)) {
                o = std::int32_t(n.value);
            } else if (const std::optional<NodeOrdinal> map = mapOf(n)) {
                std::atomic_ref<std::int32_t> viaMap(realmOfMap[*map]);
                o = viaMap.load(std::memory_order_relaxed);
                if (o == kUnknown) {
                    const std::optional<NodeOrdinal> metaMap = mapOf(*map);
                    o = metaMap ? contextOfMetaMap(*metaMap) : kNoNativeContext;
                    viaMap.store(o, std::memory_order_relaxed);
                }
            }
            owner[n.value] = o;
        }
    };
    {
        const NodeOrdinal half(N / 2);
        std::jthread second;
        try {
            second = std::jthread([&] { fix(half, s.nodes().last()); });
        } catch (const std::system_error&) {
            fix(half, s.nodes().last()); // no thread to be had: one after the other
        }
        fix(NodeOrdinal(0), half);
    }
    if (stopped || context.stopRequested())
        return cancelled(a);
    detail::BitSet fixed(N);
    std::vector<bool> queued(N, false);
    std::vector<NodeOrdinal> ring(std::size_t(N) + 1); // a node is queued at most once at a time
    std::size_t head = 0, tail = 0, size = 0;
    auto push = [&](NodeOrdinal n) {
        ring[tail] = n;
        tail = tail + 1 == ring.size() ? 0 : tail + 1;
        ++size;
        queued[n.value] = true;
    };
    for (NodeOrdinal n : s.nodes())
        if (owner[n.value] != kNoNativeContext) {
            fixed.set(n);
            push(n);
        }
    context.report(Stage::Filtering, 1, 4);

    // Propagation through every edge but weak and shortcut ones, never into a fixed node. The
    // result is the least fixed point of the merge, so the order of the work list does not matter.
    for (std::uint64_t steps = 0; size != 0; ++steps) {
        if ((steps & kPollMask) == 0 && context.stopRequested())
            return cancelled(a);
        const NodeOrdinal n = ring[head];
        head = head + 1 == ring.size() ? 0 : head + 1;
        --size;
        queued[n.value] = false;
        const std::int32_t current = owner[n.value];
        for (EdgeOrdinal e : s.edgesOf(n)) {
            const EdgeKind k = s.edgeKind(e);
            if (k == EdgeKind::Shortcut || k == EdgeKind::Weak)
                continue;
            const NodeOrdinal t = s.edgeTo[e];
            if (t == n || fixed.test(t))
                continue;
            const std::int32_t merged = merge(owner[t.value], current);
            if (merged != owner[t.value]) {
                owner[t.value] = merged;
                if (!queued[t.value])
                    push(t);
            }
        }
    }
    context.report(Stage::Filtering, 3, 4);

    // Sizes: self sizes after DevTools' reassignment of owned objects.
    // The native contexts are in node order: an owner's entry is found by binary search, and runs
    // of one owner (the common case) by the last one found.
    std::vector<NodeOrdinal> ordinals;
    for (const auto& c : realms->nativeContexts)
        ordinals.push_back(c.node);
    std::vector<std::uint64_t> attributed(ordinals.size(), 0);
    std::int32_t lastOwner = kNoNativeContext;
    std::size_t lastEntry = 0;
    for (NodeOrdinal n : s.nodes()) {
        const std::int32_t o = owner[n.value];
        const std::uint64_t size = a.selfSize[n];
        if (o == kSharedNativeContext) {
            realms->sharedSize += size;
        } else if (o == kNoNativeContext) {
            realms->noAttributionSize += size;
        } else {
            if (o != lastOwner) {
                lastOwner = o;
                lastEntry = std::size_t(
                    std::lower_bound(ordinals.begin(), ordinals.end(), NodeOrdinal(std::uint32_t(o))) -
                    ordinals.begin());
            }
            attributed[lastEntry] += size;
        }
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
    return "nativeContext_" +
           std::to_string(std::uint64_t(filter.nativeContext.value) * realms.nodeFieldCount);
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
        if (filter.nativeContext == kNoNode || filter.nativeContext.value >= N)
            return std::vector<bool>(N, false);
        want = std::int32_t(filter.nativeContext.value);
        break;
    }
    std::vector<bool> mask(N);
    for (std::size_t n = 0; n < N; ++n)
        mask[n] = realms.owner.data()[n] == want;
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
        for (const NodeOrdinal n : d.newNodes)
            if (currentMask[n.value]) {
                r.newNodes.push_back(n);
                r.allocSize += current.selfSize[n];
            }
        for (const NodeOrdinal n : d.deletedNodes)
            if (baseMask[n.value]) {
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
