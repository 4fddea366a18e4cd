// SPDX-License-Identifier: MIT
#pragma once

#include "heapscope/allocation.h"
#include "heapscope/json_writer.h"

#include <string>
#include <vector>

namespace heapscope::cli {

/// `heapscope-cli alloc FILE [--json] [--top N] [--callers ID]`: the Allocation perspective of a
/// file with allocation traces (DevTools' tops, with its field names in JSON) and, for a .heaptimeline,
/// its timeline samples; with --callers, the callers of top ID, expanded down to the trace tree's
/// root. Exit status: 0 success, 1 the file could not be loaded or has no allocation traces, 2 bad
/// usage (also an ID that is no top).
int runAllocCommand(const std::vector<std::string>& args);

/// The profile of an analysed snapshot for `node`, or nullptr when the file has no traces (the
/// reason on stderr when building it failed).
AllocationProfilePtr allocationProfileOrNull(const Analysis& analysis);
/// `"allocation_stack": [frames]` (null for an object without a trace node id) for `node --json`.
void writeAllocationStack(JsonWriter& w, const AllocationProfile& profile, NodeOrdinal node);
/// The same as text lines for `node`.
void printAllocationStack(const AllocationProfile& profile, NodeOrdinal node);

} // namespace heapscope::cli
