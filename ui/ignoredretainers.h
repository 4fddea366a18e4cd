// SPDX-License-Identifier: MIT
// The retainers a user chose to ignore in one snapshot, and the distances computed without them.
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/analysis.h>
#endif

#include <cstdint>
#include <memory>
#include <set>

struct IgnoredRetainers {
    std::set<heapscope::NodeOrdinal> nodes;
    /// Distances as the Retainers pane shows them without those nodes; null when none are ignored.
    std::shared_ptr<const heapscope::RetainerDistances> distances;
    bool empty() const { return nodes.empty(); }
};
