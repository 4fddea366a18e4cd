// SPDX-License-Identifier: MIT
#include "heapscope/progress.h"

#include <algorithm>

namespace heapscope {

namespace {

struct StageInfo {
    std::string_view name;
    std::string_view title;
    // Share of opening a snapshot (load + analysis) on a 1 GB file; 0 for stages outside it.
    double openWeight;
};

// Measured on the 1.1 GB benchmark snapshot: scan 0.07 s, parse 0.43 s, index 0.14 s, analysis
// 1.43 s (gzip files spend longer reading).
constexpr StageInfo kStages[kStageCount] = {
    {"reading", "Reading", 0.05},
    {"parsing", "Parsing", 0.21},
    {"indexing", "Indexing", 0.07},
    {"analysis", "Analysing", 0.67},
    {"comparison", "Comparing", 0.0},
    {"filtering", "Filtering", 0.0},
    {"path search", "Searching paths", 0.0},
    {"series", "Analysing the series", 0.0},
    {"index", "Opening the index", 0.0},
};

const StageInfo& info(Stage stage) {
    return kStages[std::clamp(int(stage), 0, kStageCount - 1)];
}

} // namespace

std::string_view stageName(Stage stage) {
    return info(stage).name;
}

std::string_view stageTitle(Stage stage) {
    return info(stage).title;
}

double jobFraction(Stage stage, std::uint64_t done, std::uint64_t total) {
    const double inStage = total ? std::min(1.0, double(done) / double(total)) : 0.0;
    const StageInfo& current = info(stage);
    if (current.openWeight == 0.0)
        return inStage;
    if (stage == Stage::Analysis && inStage == 1.0)
        return 1.0; // the open is done; no rounding short of it
    double before = 0;
    for (int i = 0; i < int(stage); ++i)
        before += kStages[i].openWeight;
    return std::min(1.0, before + current.openWeight * inStage);
}

} // namespace heapscope
