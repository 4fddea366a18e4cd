// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace heapscope::cli {

/// `heapscope-cli mcp`: a Model Context Protocol server on stdin/stdout (JSON-RPC 2.0, one message a
/// line; docs/mcp.md). Snapshots opened by its tools stay loaded until closed; the tools' results
/// carry the field names of the commands' --json. Returns 0 when stdin ends, 2 for arguments.
int runMcpCommand(const std::vector<std::string>& args);

} // namespace heapscope::cli
