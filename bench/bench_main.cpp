// SPDX-License-Identifier: MIT
// heapscope-bench cancel FILE: how long loading and analysis take to stop after a cancel request,
// at many points of the work, and whether the memory is given back.
#include "heapscope/analysis.h"
#include "heapscope/loader.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>

using namespace heapscope;
using Clock = std::chrono::steady_clock;

namespace {

double residentMB() {
    std::ifstream in("/proc/self/statm");
    long pages = 0, resident = 0;
    in >> pages >> resident;
    return double(resident) * double(::sysconf(_SC_PAGESIZE)) / 1e6;
}

int cancelBench(const std::string& path) {
    std::printf("%10s %14s %-16s %12s %14s\n", "cancel at", "stopped after", "stage", "result", "RSS after (MB)");
    double worst = 0;
    for (int delayMs : {0, 20, 50, 100, 150, 200, 300, 400, 600, 800, 1000, 1300, 1600, 2000, 2500, 3000, 4000}) {
        StopFlag stop;
        std::atomic<const char*> stage{"-"};
        WorkContext ctx;
        ctx.stop = &stop;
        ctx.progress = [&](const char* s, std::uint64_t, std::uint64_t) { stage.store(s); };
        std::atomic<bool> finished{false};
        std::string result;
        Clock::time_point stoppedAt;
        std::thread worker([&] {
            auto snap = loadSnapshot(path, {}, ctx);
            if (!snap) {
                result = snap.error().cancelled ? "cancelled" : "error";
            } else {
                auto a = analyze(*snap, {}, ctx);
                result = a ? "completed" : (a.error().cancelled ? "cancelled" : "error");
            }
            stoppedAt = Clock::now();
            finished = true;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
        const auto requested = Clock::now();
        const std::string at = stage.load();
        stop.requestStop();
        worker.join();
        double latency = std::chrono::duration<double, std::milli>(stoppedAt - requested).count();
        if (latency < 0)
            latency = 0; // finished before the request
        if (result == "cancelled")
            worst = std::max(worst, latency);
        std::printf("%8d ms %11.1f ms %-16s %12s %14.0f\n", delayMs, latency, at.c_str(), result.c_str(), residentMB());
        if (result == "completed")
            break;
    }
    std::printf("longest time from cancel request to return: %.1f ms\n", worst);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "cancel")
        return cancelBench(argv[2]);
    std::fprintf(stderr, "usage: heapscope-bench cancel FILE\n");
    return 2;
}
