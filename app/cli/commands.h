// SPDX-License-Identifier: MIT
#pragma once

#include "heapscope/allocation.h"
#include "heapscope/analysis.h"
#include "heapscope/comparison.h"
#include "heapscope/json_writer.h"

#include <optional>
#include <string>
#include <vector>

namespace heapscope::cli {

/// Exit status: 0 success, 1 a file could not be loaded or written, 2 bad usage.
int run(const std::string& command, const std::vector<std::string>& args);
const char* usageText();

// The commands' JSON, shared with the MCP server (app/cli/mcp.cpp) so both use the same fields.

/// summary --json: "file" and "totals" (class_count, object_count and self_size of `rows`).
void writeSummaryTotals(JsonWriter& w, const Analysis& analysis, const Aggregates& rows);
/// summary --json: "classes", the rows begin..end of `rows`.
void writeSummaryClasses(JsonWriter& w, const Analysis& analysis, const Aggregates& rows, std::size_t begin,
                         std::size_t end);
/// A summary --filter value (a named filter or MIN..MAX; realm filters are realms.h's), nullopt if unknown.
std::optional<NodeFilter> parseSummaryFilter(const std::string& text);
/// node --json: one object's entry (with its allocation stack when `allocation` is given).
void writeNodeJson(JsonWriter& w, const Analysis& analysis, const AllocationProfile* allocation,
                   NodeOrdinal node);
/// stats --json: the whole object.
void writeStatisticsJson(JsonWriter& w, const Statistics& statistics);
/// diff --json: "base", "file", "ids_shared", "warnings" and "totals".
void writeComparisonTotals(JsonWriter& w, const Comparison& comparison);
/// diff --json: "classes", the rows begin..end (with --ids, "new_ids" and "deleted_ids").
void writeComparisonClasses(JsonWriter& w, const Comparison& comparison, std::size_t begin, std::size_t end,
                            bool ids);

} // namespace heapscope::cli
