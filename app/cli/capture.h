// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace heapscope::cli {

/// `heapscope-cli capture --inspect HOST:PORT [--target ID] [-o FILE] [--gc] [--list] [--timeout S]`:
/// one heap snapshot of a running process through the inspector protocol. `args` are the words
/// after "capture". Exit status: 0 written, 1 failed (reason on stderr), 2 bad usage.
/// Creates a QCoreApplication for the call when there is none.
int runCaptureCommand(const std::vector<std::string>& args);

/// The usage lines of the capture command, for the CLI's help text.
const char* captureUsageText();

} // namespace heapscope::cli
