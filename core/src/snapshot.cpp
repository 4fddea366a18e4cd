// SPDX-License-Identifier: MIT
#include "heapscope/snapshot.h"

#include "load/retainers.h"

#include <algorithm>
#include <numeric>
#include <thread>

namespace heapscope {

std::optional<std::string_view> Snapshot::edgeNameString(EdgeOrdinal edge) const {
    const EdgeKind k = edgeKind(edge);
    const std::uint32_t v = edgeNameOrIndex[edge];
    if (edgeNameIsIndex(k))
        return std::nullopt;
    if (k == EdgeKind::Unknown && v >= strings.size())
        return std::nullopt;
    return strings.get(StringId(v));
}

std::string Snapshot::edgeNameText(EdgeOrdinal edge) const {
    if (auto s = edgeNameString(edge))
        return std::string(*s);
    return std::to_string(edgeNameOrIndex[edge]);
}

const Location* Snapshot::location(NodeOrdinal node) const {
    auto it = std::lower_bound(locations.begin(), locations.end(), node,
                               [](const Location& l, NodeOrdinal n) { return l.node < n; });
    if (it == locations.end() || it->node != node)
        return nullptr;
    return &*it;
}

std::optional<NodeOrdinal> Snapshot::nodeWithId(std::uint32_t id) const {
    auto index = std::atomic_load(&m_ordinalsById);
    if (!index) {
        auto built =
            std::make_shared<PodArray<std::uint32_t>>(PodArray<std::uint32_t>::uninitialized(nodeCount));
        std::iota(built->begin(), built->end(), 0u);
        std::sort(built->begin(), built->end(), [this](std::uint32_t a, std::uint32_t b) {
            const std::uint32_t idA = nodeId[NodeOrdinal(a)], idB = nodeId[NodeOrdinal(b)];
            return idA != idB ? idA < idB : a < b;
        });
        index = built;
        std::atomic_store(&m_ordinalsById, index);
    }
    auto it =
        std::lower_bound(index->begin(), index->end(), id, [this](std::uint32_t ordinal, std::uint32_t v) {
            return nodeId[NodeOrdinal(ordinal)] < v;
        });
    if (it == index->end() || nodeId[NodeOrdinal(*it)] != id)
        return std::nullopt;
    return NodeOrdinal(*it);
}

const SnapshotFacts& Snapshot::facts() const {
    std::call_once(m_factsOnce, [this] { m_facts = computeFacts(*this); });
    return m_facts;
}

void Snapshot::setRetainers(PodArray<std::uint32_t> first, PodArray<std::uint32_t> source) {
    std::lock_guard lock(m_retainersMutex);
    m_firstRetainer = std::move(first);
    m_retainerSource = std::move(source);
    m_retainersReady.store(true, std::memory_order_release);
}

void Snapshot::buildRetainersOnce(unsigned threads) const {
    std::lock_guard lock(m_retainersMutex);
    if (m_retainersReady.load(std::memory_order_acquire))
        return;
    // The columns it reads were checked when they were mapped; nothing can stop this build, so it
    // always ends with the retainers set.
    PodArray<std::uint32_t> first, source;
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
    detail::buildRetainerArrays(*this, threads, {}, first, source);
    m_firstRetainer = std::move(first);
    m_retainerSource = std::move(source);
    m_retainersReady.store(true, std::memory_order_release);
}

void Snapshot::setFacts(const SnapshotFacts& facts) const {
    std::call_once(m_factsOnce, [&] { m_facts = facts; });
}

NodeOrdinal Snapshot::retainerTarget(RetainerSlot slot) const {
    const auto& first = firstRetainer();
    auto it = std::upper_bound(first.begin(), first.end(), slot.value);
    return NodeOrdinal(std::uint32_t(it - first.begin()) - 1);
}

void Snapshot::edgesBetween(NodeOrdinal source, NodeOrdinal target, std::vector<EdgeOrdinal>& out) const {
    out.clear();
    for (EdgeOrdinal e : edgesOf(source))
        if (edgeTo[e] == target)
            out.push_back(e);
}

std::size_t RetainerEdges::size() const {
    return m_s->retainerSource().size();
}

EdgeOrdinal RetainerEdges::operator[](RetainerSlot slot) const {
    return m_s->retainerEdgeOf(m_s->retainerTarget(slot), slot);
}

// A target's retainers from one source are adjacent and in decreasing edge order, so the k-th slot
// of such a group is the (m-1-k)-th of the m edges from that source to the target.
EdgeOrdinal Snapshot::retainerEdgeOf(NodeOrdinal target, RetainerSlot slot) const {
    const auto& sources = retainerSource();
    const IndexRange<RetainerSlot> slots = retainersOf(target);
    const NodeOrdinal source = sources[slot];
    std::uint32_t begin = slot.value, end = slot.value + 1;
    while (begin > slots.first().value && sources[RetainerSlot(begin - 1)] == source)
        --begin;
    while (end < slots.last().value && sources[RetainerSlot(end)] == source)
        ++end;
    std::uint32_t wanted = (end - begin) - 1 - (slot.value - begin); // index among the edges in file order
    for (EdgeOrdinal e : edgesOf(source))
        if (edgeTo[e] == target && wanted-- == 0)
            return e;
    return kNoEdge; // unreachable for a consistent snapshot
}

std::uint64_t Snapshot::memoryBytes() const {
    return nodeType.bytes() + nodeName.bytes() + nodeId.bytes() + nodeSelfSize.bytes() + firstEdge.bytes() +
           nodeTraceId.bytes() + nodeDetachedness.bytes() + edgeType.bytes() + edgeNameOrIndex.bytes() +
           edgeTo.bytes() + m_firstRetainer.bytes() + m_retainerSource.bytes() + strings.memoryBytes() +
           locations.bytes() + traceTree.capacity() * sizeof(TraceNode) +
           traceFunctionInfos.capacity() * sizeof(TraceFunctionInfo);
}

} // namespace heapscope
