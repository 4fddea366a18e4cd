// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace heapscope::cli {

/// Exit status: 0 success, 1 a file could not be loaded or written, 2 bad usage.
int run(const std::string& command, const std::vector<std::string>& args);
const char* usageText();

} // namespace heapscope::cli
