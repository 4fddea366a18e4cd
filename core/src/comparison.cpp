// SPDX-License-Identifier: MIT
// DevTools' Comparison: per class key, objects matched by id; plus retained sizes and survivors.
#include "heapscope/comparison.h"
#include "heapscope/facts.h"

#include "analysis_internal.h"

#include <algorithm>
#include <unordered_map>

namespace heapscope {

namespace {

bool sameInterfaces(const std::vector<InterfaceDefinition>& a, const std::vector<InterfaceDefinition>& b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].name != b[i].name || a[i].properties != b[i].properties)
            return false;
    return true;
}

// Instances of every class (zero-size nodes excluded, reachable or not), sorted by id.
std::vector<std::vector<NodeOrdinal>> instancesById(const Analysis& a, const std::uint32_t* classOf,
                                                    std::size_t classCount) {
    const Snapshot& s = *a.snapshot;
    std::vector<std::vector<NodeOrdinal>> out(classCount);
    for (NodeOrdinal n : s.nodes())
        if (a.selfSize[n] != 0)
            out[classOf[n.value]].push_back(n);
    const auto byId = [&](NodeOrdinal x, NodeOrdinal y) { return s.nodeId[x] < s.nodeId[y]; };
    for (auto& list : out)
        if (!std::is_sorted(list.begin(), list.end(), byId))
            std::stable_sort(list.begin(), list.end(), byId);
    return out;
}

} // namespace

bool isOlder(const Snapshot& a, const Snapshot& b) {
    return a.maxJsObjectId() < b.maxJsObjectId();
}

Expected<ComparisonPtr> compare(AnalysisPtr base, AnalysisPtr current, const WorkContext& context) {
    auto result = std::make_shared<Comparison>();
    result->base = base;
    result->current = current;
    const Snapshot& bs = *base->snapshot;
    const Snapshot& cs = *current->snapshot;
    auto stopped = [&] { return context.stopRequested(); };
    auto cancelled = [&] { return cancelledError(cs.path, "comparison", "the comparison was cancelled"); };
    context.report(Stage::Comparison, 0, 4);
    // The base classified with the current snapshot's interface definitions.
    if (sameInterfaces(base->interfaces, current->interfaces)) {
        result->baseClassOf = PodArray<std::uint32_t>::uninitialized(bs.nodeCount);
        std::copy(base->classOf.begin(), base->classOf.end(), result->baseClassOf.begin());
        result->baseClasses = base->classes;
    } else if (!detail::classify(*base, current->interfaces, result->baseClassOf, result->baseClasses,
                                 stopped)) {
        return cancelled();
    }
    context.report(Stage::Comparison, 1, 4);
    const Aggregates baseAgg =
        detail::aggregateWith(*base, result->baseClassOf.data(), result->baseClasses, nullptr);
    if (stopped())
        return cancelled();
    context.report(Stage::Comparison, 2, 4);
    auto baseInstances = instancesById(*base, result->baseClassOf.data(), result->baseClasses.size());
    auto currentInstances = instancesById(*current, current->classOf.data(), current->classes.size());
    std::vector<std::uint64_t> baseRetained(result->baseClasses.size(), 0);
    for (const auto& c : baseAgg.classes)
        baseRetained[c.classIndex] = c.retainedSize;
    std::vector<std::uint64_t> currentRetained(current->classes.size(), 0);
    for (const auto& c : current->allObjects.classes)
        currentRetained[c.classIndex] = c.retainedSize;

    std::unordered_map<std::string_view, std::uint32_t> currentByKey;
    for (std::uint32_t c = 0; c < current->classes.size(); ++c)
        currentByKey.emplace(current->classes[c].key, c);
    std::vector<bool> currentMatched(current->classes.size(), false);

    auto diffClass = [&](const std::vector<NodeOrdinal>* b, const std::vector<NodeOrdinal>* c, ClassDiff& d) {
        std::size_t i = 0, j = 0;
        const std::size_t l = b ? b->size() : 0, m = c ? c->size() : 0;
        while (i < l && j < m) {
            const std::uint32_t bid = bs.nodeId[(*b)[i]], cid = cs.nodeId[(*c)[j]];
            if (bid < cid) {
                d.deletedNodes.push_back((*b)[i]);
                d.freedSize += base->selfSize[(*b)[i]];
                ++i;
            } else if (bid > cid) {
                d.newNodes.push_back((*c)[j]);
                d.allocSize += current->selfSize[(*c)[j]];
                ++j;
            } else {
                ++d.survivedCount;
                d.survivedSize += current->selfSize[(*c)[j]];
                ++i;
                ++j;
            }
        }
        for (; i < l; ++i) {
            d.deletedNodes.push_back((*b)[i]);
            d.freedSize += base->selfSize[(*b)[i]];
        }
        for (; j < m; ++j) {
            d.newNodes.push_back((*c)[j]);
            d.allocSize += current->selfSize[(*c)[j]];
        }
        d.newCount = std::uint32_t(d.newNodes.size());
        d.deletedCount = std::uint32_t(d.deletedNodes.size());
        d.baseCount = std::uint32_t(l);
        d.currentCount = std::uint32_t(m);
    };
    auto finish = [&](ClassDiff&& d) {
        result->totals.newCount += d.newCount;
        result->totals.deletedCount += d.deletedCount;
        result->totals.allocSize += d.allocSize;
        result->totals.freedSize += d.freedSize;
        result->totals.survivedCount += d.survivedCount;
        if (d.newCount || d.deletedCount)
            result->classes.push_back(std::move(d));
    };
    for (std::uint32_t bc = 0; bc < result->baseClasses.size(); ++bc) {
        if (baseInstances[bc].empty())
            continue;
        ClassDiff d;
        d.key = result->baseClasses[bc].key;
        auto it = currentByKey.find(d.key);
        const std::vector<NodeOrdinal>* cur = nullptr;
        if (it != currentByKey.end() && !currentInstances[it->second].empty()) {
            cur = &currentInstances[it->second];
            currentMatched[it->second] = true;
            d.name = current->classes[it->second].name;
            d.currentRetained = currentRetained[it->second];
        } else {
            // As DevTools: the name of the base's last instance under its own classification.
            d.name = base->classInfo(baseInstances[bc].back()).name;
        }
        d.baseRetained = baseRetained[bc];
        diffClass(&baseInstances[bc], cur, d);
        finish(std::move(d));
        if ((bc & 1023) == 0 && stopped())
            return cancelled();
    }
    for (std::uint32_t cc = 0; cc < current->classes.size(); ++cc) {
        if (currentMatched[cc] || currentInstances[cc].empty())
            continue;
        ClassDiff d;
        d.key = current->classes[cc].key;
        d.name = current->classes[cc].name;
        d.currentRetained = currentRetained[cc];
        diffClass(nullptr, &currentInstances[cc], d);
        finish(std::move(d));
    }
    context.report(Stage::Comparison, 3, 4);
    std::sort(result->classes.begin(), result->classes.end(), [](const ClassDiff& a, const ClassDiff& b) {
        if (a.sizeDelta() != b.sizeDelta())
            return a.sizeDelta() > b.sizeDelta();
        const int c = text::compareUtf16(a.name, b.name);
        if (c != 0)
            return c < 0;
        return a.key < b.key;
    });
    // Snapshots of different processes do not share object ids (facts.h): the new and deleted objects
    // would pair unrelated objects.
    if (sameProcess(bs, cs) != SameProcess::Yes) {
        result->idsShared = false;
        result->warnings.push_back(
            "these snapshots do not share object ids (they come from different processes, or the process "
            "restarted), so objects cannot be matched: the new and deleted objects listed are not "
            "meaningful, but the per-class differences in count and size still hold");
    }
    if (isOlder(cs, bs))
        result->warnings.push_back(
            "the base snapshot was taken after the other one (its object ids are newer)");
    context.report(Stage::Comparison, 4, 4);
    return ComparisonPtr(std::move(result));
}

} // namespace heapscope
