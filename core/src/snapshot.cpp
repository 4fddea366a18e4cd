// SPDX-License-Identifier: MIT
#include "heapscope/snapshot.h"

#include <algorithm>
#include <numeric>

namespace heapscope {

std::optional<std::string_view> Snapshot::edgeNameString(std::uint32_t edge) const {
    const EdgeKind k = edgeKind(edge);
    const std::uint32_t v = edgeNameOrIndex[edge];
    if (edgeNameIsIndex(k))
        return std::nullopt;
    if (k == EdgeKind::Unknown && v >= strings.size())
        return std::nullopt;
    return strings[v];
}

std::string Snapshot::edgeNameText(std::uint32_t edge) const {
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
        auto built = std::make_shared<PodArray<std::uint32_t>>(PodArray<std::uint32_t>::uninitialized(nodeCount));
        std::iota(built->begin(), built->end(), 0u);
        std::sort(built->begin(), built->end(), [this](std::uint32_t a, std::uint32_t b) {
            return nodeId[a] != nodeId[b] ? nodeId[a] < nodeId[b] : a < b;
        });
        index = built;
        std::atomic_store(&m_ordinalsById, index);
    }
    auto it = std::lower_bound(index->begin(), index->end(), id,
                               [this](std::uint32_t ordinal, std::uint32_t v) { return nodeId[ordinal] < v; });
    if (it == index->end() || nodeId[*it] != id)
        return std::nullopt;
    return *it;
}

std::uint32_t Snapshot::maxJsObjectId() const {
    std::uint32_t best = 0;
    for (std::uint32_t i = 0; i < nodeCount; ++i)
        if ((nodeId[i] & 1u) && nodeId[i] > best)
            best = nodeId[i];
    return best;
}

std::uint64_t Snapshot::memoryBytes() const {
    return nodeType.bytes() + nodeName.bytes() + nodeId.bytes() + nodeSelfSize.bytes() + firstEdge.bytes() +
           nodeTraceId.bytes() + nodeDetachedness.bytes() + edgeType.bytes() + edgeNameOrIndex.bytes() +
           edgeTo.bytes() + firstRetainer.bytes() + retainerEdge.bytes() + retainerSource.bytes() +
           strings.memoryBytes() + locations.capacity() * sizeof(Location) +
           traceTree.capacity() * sizeof(TraceNode) + traceFunctionInfos.capacity() * sizeof(TraceFunctionInfo);
}

} // namespace heapscope
