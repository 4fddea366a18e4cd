// SPDX-License-Identifier: MIT
#pragma once

#include "heapscope/common.h"
#include "heapscope/snapshot.h"

namespace heapscope::detail {

/// Fills firstRetainer and retainerSource from the edges (firstEdge and edgeTo must be valid: every
/// target below nodeCount). Each target's retainers come in decreasing (source, edge) order, as
/// DevTools orders them. False when `context` asked to stop.
bool buildRetainers(Snapshot& snapshot, unsigned threads, const WorkContext& context);

} // namespace heapscope::detail
