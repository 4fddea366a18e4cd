// SPDX-License-Identifier: MIT
// DevTools' AllocationProfile (front_end/entrypoints/heap_snapshot_worker/AllocationProfile.ts) and
// the timeline samples (HeapSnapshot.ts buildSamples()) over the loaded columns.
#include "heapscope/allocation.h"

#include "analysis_internal.h"

#include <algorithm>
#include <string>

namespace heapscope {

namespace {

Error allocationError(const Snapshot& s, std::string reason) {
    Error e;
    e.file = s.path;
    e.stage = "allocation";
    e.reason = std::move(reason);
    return e;
}

// The trace nodes DevTools reads: it walks trace_tree from its first node, so a second top-level
// node (no producer writes one) and its subtree are left out. Nodes are stored in tree order, so
// the first root's subtree is a prefix.
std::uint32_t firstTreeExtent(const Snapshot& s) {
    const auto& tree = s.traceTree;
    std::uint32_t end = tree.empty() ? 0 : 1;
    while (end < tree.size() && tree[end].parent != kNoTraceNode)
        ++end;
    return end;
}

} // namespace

bool hasAllocationTraces(const Snapshot& snapshot) {
    return !snapshot.traceFunctionInfos.empty() && !snapshot.traceTree.empty();
}

std::string_view AllocationProfile::functionName(std::uint32_t function) const {
    return snapshot->strings.get(snapshot->traceFunctionInfos[function].name);
}

std::string_view AllocationProfile::scriptName(std::uint32_t function) const {
    return snapshot->strings.get(snapshot->traceFunctionInfos[function].scriptName);
}

AllocationRow AllocationProfile::row(std::uint32_t node) const {
    AllocationRow r;
    r.function = buFunction[node];
    r.node = node;
    r.count = buCount[node];
    r.size = buSize[node];
    r.liveCount = buLiveCount[node];
    r.liveSize = buLiveSize[node];
    r.hasChildren = buFirstCaller[node + 1] > buFirstCaller[node];
    return r;
}

const AllocationTop* AllocationProfile::topById(std::uint32_t id) const {
    for (const auto& t : tops)
        if (t.id == id)
            return &t;
    return nullptr;
}

AllocationCallers AllocationProfile::callers(std::uint32_t node) const {
    AllocationCallers out;
    while (buFirstCaller[node + 1] - buFirstCaller[node] == 1) {
        node = buCallers[buFirstCaller[node]];
        out.nestedCallers.push_back(row(node));
    }
    for (std::uint32_t i = buFirstCaller[node]; i < buFirstCaller[node + 1]; ++i)
        out.branchingCallers.push_back(row(buCallers[i]));
    return out;
}

std::vector<std::uint32_t> AllocationProfile::traceIds(std::uint32_t node) const {
    // The functions from the top down to this node: a trace top belongs to the node when its
    // ancestors call through the same functions.
    std::vector<std::uint32_t> path;
    for (std::uint32_t n = node; n != kNoIndex; n = buCallee[n])
        path.push_back(buFunction[n]);
    std::reverse(path.begin(), path.end());
    const auto& tree = snapshot->traceTree;
    std::vector<std::uint32_t> ids;
    const std::uint32_t f = path.front();
    for (std::uint32_t i = fnFirstTraceTop[f]; i < fnFirstTraceTop[f + 1]; ++i) {
        std::uint32_t t = traceTops[i];
        bool match = true;
        for (std::size_t k = 1; k < path.size() && match; ++k) {
            t = tree[t].parent;
            match = t != kNoTraceNode && tree[t].functionInfoIndex == path[k];
        }
        if (match)
            ids.push_back(tree[traceTops[i]].id);
    }
    return ids;
}

std::vector<NodeOrdinal> AllocationProfile::objectsOf(std::uint32_t node) const {
    std::vector<std::uint32_t> slots;
    for (const std::uint32_t id : traceIds(node)) {
        const auto it = std::lower_bound(slotId.begin(), slotId.end(), id);
        if (it != slotId.end() && *it == id)
            slots.push_back(std::uint32_t(it - slotId.begin()));
    }
    std::sort(slots.begin(), slots.end());
    slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
    std::vector<NodeOrdinal> out;
    for (const std::uint32_t sl : slots)
        for (std::uint32_t i = slotFirstObject[sl]; i < slotFirstObject[sl + 1]; ++i)
            out.push_back(NodeOrdinal(slotObjects[i]));
    if (slots.size() > 1)
        std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::vector<std::uint32_t>> AllocationProfile::allocationStack(NodeOrdinal object) const {
    const std::uint32_t id = snapshot->traceNodeId(object);
    if (id == 0)
        return std::nullopt;
    std::vector<std::uint32_t> frames;
    const auto it = std::lower_bound(slotId.begin(), slotId.end(), id);
    if (it == slotId.end() || *it != id)
        return frames;
    const auto& tree = snapshot->traceTree;
    for (std::uint32_t t = slotTraceNode[std::size_t(it - slotId.begin())]; t != kNoTraceNode;
         t = tree[t].parent)
        frames.push_back(tree[t].functionInfoIndex);
    return frames;
}

Expected<AllocationProfilePtr> buildAllocationProfile(const Analysis& analysis, const WorkContext& context) {
    const Snapshot& s = *analysis.snapshot;
    if (!hasAllocationTraces(s))
        return allocationError(s, "the snapshot has no allocation traces (it was not taken with allocation "
                                  "tracking on)");
    auto cancelled = [&] {
        return cancelledError(s.path, "allocation", "building the allocation profile was cancelled");
    };
    const auto& tree = s.traceTree;
    const std::uint32_t T = firstTreeExtent(s);
    const std::uint32_t F = std::uint32_t(s.traceFunctionInfos.size());
    for (std::uint32_t i = 0; i < T; ++i)
        if (tree[i].functionInfoIndex >= F)
            return allocationError(s, "allocation trace node " + std::to_string(tree[i].id) +
                                          " names function " + std::to_string(tree[i].functionInfoIndex) +
                                          ", but trace_function_infos holds " + std::to_string(F) +
                                          " functions");
    const std::uint64_t steps = 4;
    context.report(Stage::Filtering, 0, steps);

    auto p = std::make_shared<AllocationProfile>();
    p->snapshot = analysis.snapshot;

    // Distinct trace node ids, and the trace node DevTools keeps for each (the last in tree order).
    p->slotId.resize(T);
    for (std::uint32_t i = 0; i < T; ++i)
        p->slotId[i] = tree[i].id;
    std::sort(p->slotId.begin(), p->slotId.end());
    p->slotId.erase(std::unique(p->slotId.begin(), p->slotId.end()), p->slotId.end());
    const std::uint32_t S = std::uint32_t(p->slotId.size());
    p->traceSlot.resize(T);
    p->slotTraceNode.assign(S, kNoTraceNode);
    for (std::uint32_t i = 0; i < T; ++i) {
        const std::uint32_t sl = std::uint32_t(
            std::lower_bound(p->slotId.begin(), p->slotId.end(), tree[i].id) - p->slotId.begin());
        p->traceSlot[i] = sl;
        p->slotTraceNode[sl] = i;
    }

    // Live objects per trace node id (DevTools' liveObjects: every node, whatever its size).
    const std::uint32_t maxId = p->slotId.back();
    const bool dense = std::uint64_t(maxId) <= std::uint64_t(T) * 8 + 65536;
    std::vector<std::uint32_t> slotOfId;
    if (dense) {
        slotOfId.assign(std::size_t(maxId) + 1, kNoIndex);
        for (std::uint32_t sl = 0; sl < S; ++sl)
            slotOfId[p->slotId[sl]] = sl;
    }
    auto slotOf = [&](std::uint32_t id) -> std::uint32_t {
        if (dense)
            return id <= maxId ? slotOfId[id] : kNoIndex;
        const auto it = std::lower_bound(p->slotId.begin(), p->slotId.end(), id);
        return it != p->slotId.end() && *it == id ? std::uint32_t(it - p->slotId.begin()) : kNoIndex;
    };
    p->slotFirstObject.assign(std::size_t(S) + 1, 0);
    p->slotLiveCount.assign(S, 0);
    p->slotLiveSize.assign(S, 0);
    for (NodeOrdinal n : s.nodes()) {
        if ((n.value & 0xFFFFF) == 0 && context.stopRequested())
            return cancelled();
        const std::uint32_t sl = slotOf(s.traceNodeId(n));
        if (sl == kNoIndex)
            continue;
        ++p->slotLiveCount[sl];
        p->slotLiveSize[sl] += analysis.selfSize[n];
    }
    for (std::uint32_t sl = 0; sl < S; ++sl)
        p->slotFirstObject[sl + 1] = p->slotFirstObject[sl] + std::uint32_t(p->slotLiveCount[sl]);
    p->slotObjects.resize(p->slotFirstObject[S]);
    {
        std::vector<std::uint32_t> fill(p->slotFirstObject.begin(), p->slotFirstObject.end() - 1);
        for (NodeOrdinal n : s.nodes()) {
            if ((n.value & 0xFFFFF) == 0 && context.stopRequested())
                return cancelled();
            const std::uint32_t sl = slotOf(s.traceNodeId(n));
            if (sl != kNoIndex)
                p->slotObjects[fill[sl]++] = n.value;
        }
    }
    context.report(Stage::Filtering, 2, steps);

    // Per function, its allocating trace nodes in tree order and their sums (addTraceTopNode()).
    std::vector<std::uint64_t> total(F, 0), totalSize(F, 0), totalLive(F, 0), totalLiveSize(F, 0);
    p->fnFirstTraceTop.assign(std::size_t(F) + 1, 0);
    for (std::uint32_t i = 0; i < T; ++i)
        if (tree[i].count != 0)
            ++p->fnFirstTraceTop[tree[i].functionInfoIndex + 1];
    for (std::uint32_t f = 0; f < F; ++f)
        p->fnFirstTraceTop[f + 1] += p->fnFirstTraceTop[f];
    p->traceTops.resize(p->fnFirstTraceTop[F]);
    {
        std::vector<std::uint32_t> fill(p->fnFirstTraceTop.begin(), p->fnFirstTraceTop.end() - 1);
        for (std::uint32_t i = 0; i < T; ++i) {
            const TraceNode& t = tree[i];
            if (t.count == 0)
                continue;
            const std::uint32_t f = t.functionInfoIndex, sl = p->traceSlot[i];
            p->traceTops[fill[f]++] = i;
            total[f] += t.count;
            totalSize[f] += t.size;
            totalLive[f] += p->slotLiveCount[sl];
            totalLiveSize[f] += p->slotLiveSize[sl];
        }
    }

    // Each allocating function's bottom-up tree (#buildAllocationTraceTree()): callers are kept in
    // the order they were first met, in sibling lists while building.
    std::vector<std::uint32_t> firstChild, lastChild, nextSibling;
    auto newNode = [&](std::uint32_t function, std::uint32_t callee) {
        const std::uint32_t n = std::uint32_t(p->buFunction.size());
        p->buFunction.push_back(function);
        p->buCallee.push_back(callee);
        p->buCount.push_back(0);
        p->buSize.push_back(0);
        p->buLiveCount.push_back(0);
        p->buLiveSize.push_back(0);
        firstChild.push_back(kNoIndex);
        lastChild.push_back(kNoIndex);
        nextSibling.push_back(kNoIndex);
        if (callee != kNoIndex) {
            if (lastChild[callee] == kNoIndex)
                firstChild[callee] = n;
            else
                nextSibling[lastChild[callee]] = n;
            lastChild[callee] = n;
        }
        return n;
    };
    std::uint32_t nextId = 1;
    std::uint64_t walked = 0;
    for (std::uint32_t f = 0; f < F; ++f) {
        if (total[f] == 0)
            continue;
        if (context.stopRequested())
            return cancelled();
        AllocationTop top;
        top.id = nextId++;
        top.function = f;
        top.count = total[f];
        top.size = totalSize[f];
        top.liveCount = totalLive[f];
        top.liveSize = totalLiveSize[f];
        top.hasChildren = f != 0; // DevTools' "isRoot" is function info 0
        const std::uint32_t root = newNode(f, kNoIndex);
        top.node = root;
        p->tops.push_back(top);
        for (std::uint32_t k = p->fnFirstTraceTop[f]; k < p->fnFirstTraceTop[f + 1]; ++k) {
            const std::uint32_t t0 = p->traceTops[k];
            const TraceNode& t = tree[t0];
            const std::uint64_t liveCount = p->slotLiveCount[p->traceSlot[t0]],
                                liveSize = p->slotLiveSize[p->traceSlot[t0]];
            std::uint32_t bu = root;
            for (std::uint32_t node = t0;;) {
                p->buCount[bu] += t.count;
                p->buSize[bu] += t.size;
                p->buLiveCount[bu] += liveCount;
                p->buLiveSize[bu] += liveSize;
                node = tree[node].parent;
                if (node == kNoTraceNode)
                    break;
                const std::uint32_t fn = tree[node].functionInfoIndex;
                std::uint32_t c = firstChild[bu];
                while (c != kNoIndex && p->buFunction[c] != fn)
                    c = nextSibling[c];
                bu = c != kNoIndex ? c : newNode(fn, bu);
                if ((++walked & 0xFFFFF) == 0 && context.stopRequested())
                    return cancelled();
            }
        }
    }
    const std::uint32_t B = std::uint32_t(p->buFunction.size());
    p->buFirstCaller.assign(std::size_t(B) + 1, 0);
    p->buCallers.reserve(B);
    for (std::uint32_t n = 0; n < B; ++n) {
        for (std::uint32_t c = firstChild[n]; c != kNoIndex; c = nextSibling[c])
            p->buCallers.push_back(c);
        p->buFirstCaller[n + 1] = std::uint32_t(p->buCallers.size());
    }
    // Size descending; JavaScript's sort is stable, so ties keep function order.
    std::stable_sort(p->tops.begin(), p->tops.end(),
                     [](const AllocationTop& a, const AllocationTop& b) { return a.size > b.size; });
    context.report(Stage::Filtering, steps, steps);
    return AllocationProfilePtr(std::move(p));
}

Expected<Aggregates> aggregateAllocatedBy(const Analysis& analysis, const AllocationProfile& profile,
                                          std::uint32_t node, const WorkContext& context) {
    const Snapshot& s = *analysis.snapshot;
    std::vector<bool> mask(s.nodeCount, false);
    for (const NodeOrdinal n : profile.objectsOf(node))
        mask[n.value] = true;
    const std::function<bool()> stopped = [&] { return context.stopRequested(); };
    PodArray<std::uint32_t> counted;
    Aggregates rows = detail::aggregateRows(analysis, analysis.classOf.data(), analysis.classes.size(), &mask,
                                            &counted, stopped);
    if (!stopped())
        detail::addClassRetainedSizes(analysis, counted, analysis.classes.size(), rows, stopped);
    if (stopped())
        return cancelledError(s.path, "allocation", "the Summary of an allocating function was cancelled");
    detail::sortRows(analysis.classes, rows);
    return rows;
}

double TimelineSamples::totalTimeMs() const {
    return std::max(timestampsMs.empty() ? 0.0 : timestampsMs.back(), 10000.0);
}

TimelineSamples timelineSamples(const Analysis& analysis) {
    const Snapshot& s = *analysis.snapshot;
    TimelineSamples out;
    const std::size_t count = s.samples.size();
    if (count == 0)
        return out;
    out.timestampsMs.resize(count);
    out.lastAssignedIds.resize(count);
    out.sizes.assign(count, 0);
    out.liveCounts.assign(count, 0);
    for (std::size_t i = 0; i < count; ++i) {
        out.timestampsMs[i] = double(s.samples[i].timestampUs) / 1000;
        out.lastAssignedIds[i] = s.samples[i].lastAssignedId;
    }
    const auto& ids = out.lastAssignedIds;
    for (NodeOrdinal n : s.nodes()) {
        const std::uint32_t id = s.nodeId[n];
        if (id % 2 == 0) // JS objects have odd ids
            continue;
        const std::size_t i = std::size_t(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
        if (i == count)
            continue;
        out.sizes[i] += analysis.selfSize[n];
        ++out.liveCounts[i];
    }
    return out;
}

TimelineSelection selectTimeline(const TimelineSamples& samples, double fromMs, double toMs) {
    TimelineSelection sel;
    const auto& ts = samples.timestampsMs;
    const auto& ids = samples.lastAssignedIds;
    sel.minIndex = std::size_t(std::lower_bound(ts.begin(), ts.end(), fromMs) - ts.begin());
    sel.maxIndex = std::size_t(std::upper_bound(ts.begin(), ts.end(), toMs) - ts.begin());
    for (std::size_t i = sel.minIndex; i < sel.maxIndex; ++i)
        sel.size += samples.sizes[i];
    sel.minId = sel.minIndex > 0 ? ids[sel.minIndex - 1] : 0;
    sel.maxId = sel.maxIndex < ids.size() ? ids[sel.maxIndex] : kNoIdLimit;
    return sel;
}

} // namespace heapscope
