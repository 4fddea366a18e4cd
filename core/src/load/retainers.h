// SPDX-License-Identifier: MIT
#pragma once

#include "heapscope/common.h"
#include "heapscope/snapshot.h"

namespace heapscope::detail {

/// Sets the snapshot's retainers (firstRetainer(), retainerSource()) from the edges (firstEdge and edgeTo
/// must be valid: every target below nodeCount). Each target's retainers come in decreasing (source, edge)
/// order, as DevTools orders them. False when `context` asked to stop.
bool buildRetainers(Snapshot& snapshot, unsigned threads, const WorkContext& context);
/// The same arrays, handed back instead of set.
bool buildRetainerArrays(const Snapshot& snapshot, unsigned threads, const WorkContext& context,
                         PodArray<std::uint32_t>& first, PodArray<std::uint32_t>& source);

} // namespace heapscope::detail
