// SPDX-License-Identifier: MIT
// heapscope-cli: the headless front door (info, summary, node, stats, diff, paths).
#include "cache.h"
#include "commands.h"
#ifdef HEAPSCOPE_HAVE_CAPTURE
#include "capture.h"
#endif

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    heapscope::cli::configureCache(args); // --no-cache may come before or after the command
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
        std::fputs(heapscope::cli::usageText(), args.empty() ? stderr : stdout);
#ifdef HEAPSCOPE_HAVE_CAPTURE
        std::fputs(heapscope::cli::captureUsageText(), args.empty() ? stderr : stdout);
#endif
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::printf("heapscope-cli %s\n", HEAPSCOPE_VERSION);
        return 0;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    const int status = heapscope::cli::run(command, args);
    if (heapscope::cli::writeKeptIndexesInBackground()) {
        // The writer has its own copy of the memory: freeing ours page by page would only copy
        // the pages it shares with the writer.
        std::fflush(stdout);
        std::fflush(stderr);
        std::_Exit(status);
    }
    return status;
}
