// SPDX-License-Identifier: MIT
// The indexes built once the big arrays are in: first-edge offsets, the root, and the retainers in
// CSR form.
#include "loader_internal.h"
#include "retainers.h"

#include "../parallel.h"

#include <algorithm>

namespace heapscope::load {

// First-edge offsets, edge-name validation, root, and the retainers in CSR form.
std::optional<Error> Loader::buildIndexes() {
    Snapshot& s = *m_snapshot;
    const std::uint32_t N = s.nodeCount;
    const std::uint32_t E = s.edgeCount;
    if (m_context.stopRequested())
        return cancelled();
    {
        std::uint64_t sum = 0;
        s.firstEdge.data()[0] = 0;
        for (std::uint32_t i = 0; i < N; ++i) {
            if ((i & 0x3FFFFF) == 0 && m_context.stopRequested())
                return cancelled();
            sum += s.firstEdge.data()[i + 1];
            if (sum > E)
                return error(
                    "nodes", std::int64_t(section("nodes")->begin),
                    "inconsistent counts: the edge_count values of the nodes add up to more than the " +
                        std::to_string(E) + " edges in the file (exceeded at node " + std::to_string(i) +
                        ")");
            s.firstEdge.data()[i + 1] = std::uint32_t(sum);
        }
        if (sum != E)
            return error("nodes", std::int64_t(section("nodes")->begin),
                         "inconsistent counts: the edge_count values of the nodes add up to " +
                             std::to_string(sum) + ", but the file has " + std::to_string(E) + " edges");
    }
    if (m_hasRootIndex) {
        if (m_rootIndexField % m_nodeFieldCount != 0 || m_rootIndexField / m_nodeFieldCount >= N)
            return error("header", std::int64_t(section("snapshot")->begin),
                         "root_index " + std::to_string(m_rootIndexField) + " does not point to a node");
        s.rootOrdinal = std::uint32_t(m_rootIndexField / m_nodeFieldCount);
    }

    if (!detail::buildRetainers(s, m_threads, m_context))
        return cancelled();
    return std::nullopt;
}

} // namespace heapscope::load
