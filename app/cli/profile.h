// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace heapscope::cli {

/// `heapscope-cli profile FILE [--json|--csv] [--top N] [--bottom-up|--top-down] ...` and
/// `heapscope-cli profile BASE FILE --diff ...`: a sampling heap profile (.heapprofile) as DevTools'
/// Bottom-up and Top-down views show it, or the change per function between two. `args` are the
/// words after "profile". Exit status: 0 success, 1 a file could not be loaded, 2 bad usage.
int runProfileCommand(const std::vector<std::string>& args);

} // namespace heapscope::cli
