// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace heapscope::cli {

/// `heapscope-cli redact FILE -o OUT [--keep-strings REGEX] [--json]`: writes a copy of FILE whose
/// string values are replaced by placeholders (core/heapscope/redact.h says what exactly), with the
/// same graph, ids and sizes. Exit status 0, 1 (FILE cannot be loaded or OUT written), 2 (bad usage).
int runRedactCommand(const std::vector<std::string>& args);

} // namespace heapscope::cli
