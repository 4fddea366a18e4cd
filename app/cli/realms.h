// SPDX-License-Identifier: MIT
#pragma once

#include "heapscope/analysis.h"

#include <optional>
#include <string>
#include <vector>

namespace heapscope::cli {

/// `heapscope-cli realms FILE [--json] [--timings]`: the native contexts (realms) and the objects
/// attributed to each, as DevTools' getNativeContextSizes() computes them. Exit status 0, 1 (the
/// file cannot be loaded), 2 (bad usage).
int runRealmsCommand(const std::vector<std::string>& args);

/// `heapscope-cli contexts FILE [--json] [--timings]`: closure context fields that no live closure
/// can read (DevTools' analyzeContexts()), with DevTools' field names in the JSON.
int runContextsCommand(const std::vector<std::string>& args);

/// True for `summary --filter` values naming a realm filter (nativeContext_<nodeIndex>,
/// sharedNativeContext, noNativeContext).
bool isRealmFilterArgument(const std::string& text);
/// The Summary of a realm filter. On failure prints why and returns nullopt with `status` set to
/// the exit status (2 for a native context the file does not have, 1 otherwise).
std::optional<Aggregates> realmSummary(const Analysis& analysis, const std::string& key, int& status);

} // namespace heapscope::cli
