// SPDX-License-Identifier: MIT
#pragma once

#include "heapscope/json_writer.h"
#include "heapscope/series.h"

#include <string>
#include <vector>

namespace heapscope::cli {

/// `heapscope-cli trend FILE... [--json|--csv] [--top N]`: the trend of a series of snapshots, one
/// row per class with its numbers in every snapshot in time order. `args` are the words after
/// "trend". Exit status: 0 success, 1 fewer than two files could be loaded (each reason on
/// stderr), 2 bad usage.
int runTrendCommand(const std::vector<std::string>& args);

/// `heapscope-cli leaks FILE... [--json] [--min-growth N] [--fail-on-leak] [--top N]`: the leak
/// candidates of a series, objects of one class held the same way, growing in every interval. Exit
/// status as trend's, and 3 with --fail-on-leak when a candidate is found.
int runLeaksCommand(const std::vector<std::string>& args);

/// The fields of trend --json and leaks --json (docs/trend.schema.json), the classes begin..end;
/// the caller opens and closes the object.
void writeSeriesFields(JsonWriter& w, const Series& series, std::size_t begin, std::size_t end);

} // namespace heapscope::cli
