// SPDX-License-Identifier: MIT
#include "heapscope/snapshot.h"

#include "load/retainers.h"

#include <algorithm>
#include <numeric>
#include <thread>

namespace heapscope {

std::optional<std::string_view> Snapshot::edgeNameString(std::uint32_t edgeOrdinal) const {
    const EdgeOrdinal edge(edgeOrdinal);
    const EdgeKind k = edgeKind(edge);
    const std::uint32_t v = edgeNameOrIndex[edge];
    if (edgeNameIsIndex(k))
        return std::nullopt;
    if (k == EdgeKind::Unknown && v >= strings.size())
        return std::nullopt;
    return strings.get(StringId(v));
}

std::string Snapshot::edgeNameText(std::uint32_t edgeOrdinal) const {
    const EdgeOrdinal edge(edgeOrdinal);
    if (auto s = edgeNameString(edge))
        return std::string(*s);
    return std::to_string(edgeNameOrIndex[edge]);
}

const Location* Snapshot::location(std::uint32_t node) const {
    auto it = std::lower_bound(locations.begin(), locations.end(), node,
                               [](const Location& l, std::uint32_t n) { return l.node < n; });
    if (it == locations.end() || it->node != node)
        return nullptr;
    return &*it;
}

std::optional<std::uint32_t> Snapshot::findNodeById(std::uint32_t id) const {
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
    return *it;
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

std::uint32_t Snapshot::retainerTarget(std::size_t slot) const {
    const auto& first = firstRetainer();
    auto it = std::upper_bound(first.begin(), first.end(), std::uint32_t(slot));
    return std::uint32_t(it - first.begin()) - 1;
}

void Snapshot::edgesBetween(std::uint32_t source, std::uint32_t target,
                            std::vector<std::uint32_t>& out) const {
    out.clear();
    const NodeOrdinal to(target);
    for (EdgeOrdinal e : edgesOf(NodeOrdinal(source)))
        if (edgeTo[e] == to)
            out.push_back(e.value);
}

std::size_t RetainerEdges::size() const {
    return m_s->retainerSource().size();
}

std::uint32_t RetainerEdges::operator[](std::size_t slot) const {
    return m_s->retainerEdgeOf(m_s->retainerTarget(slot), slot);
}

// A target's retainers from one source are adjacent and in decreasing edge order, so the k-th slot
// of such a group is the (m-1-k)-th of the m edges from that source to the target.
std::uint32_t Snapshot::retainerEdgeOf(std::uint32_t targetOrdinal, std::size_t slot) const {
    const Snapshot& s = *this;
    const NodeOrdinal target(targetOrdinal);
    const NodeOrdinal source(s.retainerSource()[slot]);
    std::size_t begin = slot, end = slot + 1;
    while (begin > s.firstRetainer()[target.value] && s.retainerSource()[begin - 1] == source.value)
        --begin;
    while (end < s.firstRetainer()[target.value + 1] && s.retainerSource()[end] == source.value)
        ++end;
    std::size_t wanted = (end - begin) - 1 - (slot - begin); // index among the edges in file order
    for (EdgeOrdinal e : s.edgesOf(source))
        if (s.edgeTo[e] == target && wanted-- == 0)
            return e.value;
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
