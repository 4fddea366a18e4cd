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
#include <vector>

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
    std::printf("%10s %14s %-16s %12s %14s\n", "cancel at", "stopped after", "stage", "result",
                "RSS after (MB)");
    double worst = 0;
    for (int delayMs :
         {0, 20, 50, 100, 150, 200, 300, 400, 600, 800, 1000, 1300, 1600, 2000, 2500, 3000, 4000}) {
        StopFlag stop;
        std::atomic<int> stage{-1};
        WorkContext ctx;
        ctx.stop = &stop;
        ctx.progress = [&](Stage s, std::uint64_t, std::uint64_t) { stage.store(int(s)); };
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
        const int atStage = stage.load();
        const std::string at = atStage < 0 ? "-" : std::string(stageName(Stage(atStage)));
        stop.requestStop();
        worker.join();
        double latency = std::chrono::duration<double, std::milli>(stoppedAt - requested).count();
        if (latency < 0)
            latency = 0; // finished before the request
        if (result == "cancelled")
            worst = std::max(worst, latency);
        std::printf("%8d ms %11.1f ms %-16s %12s %14.0f\n", delayMs, latency, at.c_str(), result.c_str(),
                    residentMB());
        if (result == "completed")
            break;
    }
    std::printf("longest time from cancel request to return: %.1f ms\n", worst);
    return 0;
}

// Writes a valid synthetic snapshot of about `bytes` bytes, streaming (no graph in memory): a root,
// "(GC roots)", then objects in a ring with cross links and back links, three edges each.
int generate(const std::string& path, std::uint64_t bytes) {
    const std::uint64_t perNode = 51; // measured average of the text below
    const std::uint64_t N = std::max<std::uint64_t>(16, bytes / perNode);
    if (N * 7 >= (1ull << 32)) {
        std::fprintf(stderr, "too big: node indexes would not fit in 32 bits\n");
        return 1;
    }
    const std::string tmp = path + ".partial";
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) {
        std::perror(tmp.c_str());
        return 1;
    }
    std::vector<char> buffer(1 << 24);
    std::setvbuf(f, buffer.data(), _IOFBF, buffer.size());
    const std::uint64_t E = 2 + (N - 2) * 3;
    std::fprintf(
        f,
        "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\","
        "\"trace_node_id\",\"detachedness\"],\"node_types\":[[\"hidden\",\"array\",\"string\",\"object\","
        "\"code\",\"closure\",\"regexp\",\"number\",\"native\",\"synthetic\",\"concatenated string\","
        "\"sliced string\",\"symbol\",\"bigint\",\"object shape\"],\"string\",\"number\",\"number\","
        "\"number\",\"number\",\"number\"],\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
        "\"edge_types\":[[\"context\",\"element\",\"property\",\"internal\",\"hidden\",\"shortcut\","
        "\"weak\"],\"string_or_number\",\"node\"],\"location_fields\":[\"object_index\",\"script_id\","
        "\"line\",\"column\"]},\"node_count\":%llu,\"edge_count\":%llu,\"trace_function_count\":0},\n",
        static_cast<unsigned long long>(N), static_cast<unsigned long long>(E));
    // strings: 0 <dummy>, 1 "", 2 (GC roots), 3 next, 4 link, 5.. class names
    const int classes = 50;
    std::fprintf(f, "\"nodes\":[9,1,1,0,1,0,0\n,9,2,3,0,1,0,0");
    for (std::uint64_t i = 2; i < N; ++i)
        std::fprintf(f, "\n,3,%llu,%llu,%llu,3,0,0", static_cast<unsigned long long>(5 + i % classes),
                     static_cast<unsigned long long>(2 * i + 1),
                     static_cast<unsigned long long>(16 + 8 * (i % 13)));
    std::fprintf(f, "],\n\"edges\":[1,1,7\n,1,1,14");
    for (std::uint64_t i = 2; i < N; ++i) {
        const std::uint64_t next = i + 1 < N ? i + 1 : 2;
        const std::uint64_t link = 2 + (i * 2654435761ull) % (N - 2);
        const std::uint64_t back = 2 + (i - 2) / 2;
        std::fprintf(f, "\n,2,3,%llu,2,4,%llu,6,4,%llu", static_cast<unsigned long long>(next * 7),
                     static_cast<unsigned long long>(link * 7), static_cast<unsigned long long>(back * 7));
    }
    std::fprintf(f, "],\n\"trace_function_infos\":[],\"trace_tree\":[],\"samples\":[],\"locations\":[],\n"
                    "\"strings\":[\"<dummy>\",\"\",\"(GC roots)\",\"next\",\"link\"");
    for (int c = 0; c < classes; ++c)
        std::fprintf(f, ",\"Synthetic%d\"", c);
    std::fprintf(f, "]}\n");
    if (std::fclose(f) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::perror(path.c_str());
        std::remove(tmp.c_str());
        return 1;
    }
    std::printf("%s: %llu nodes, %llu edges\n", path.c_str(), static_cast<unsigned long long>(N),
                static_cast<unsigned long long>(E));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "cancel")
        return cancelBench(argv[2]);
    if (argc == 4 && std::string(argv[1]) == "generate")
        return generate(argv[2], std::uint64_t(std::stod(argv[3]) * double(1ull << 30)));
    std::fprintf(stderr,
                 "usage: heapscope-bench cancel FILE\n"
                 "       heapscope-bench generate OUT GiB   (a valid synthetic snapshot of that size)\n");
    return 2;
}
