// SPDX-License-Identifier: MIT
// Wall-clock bounds on the real snapshots, under the `slow` label only (ctest -L slow): a slow or
// busy machine must not fail the default run. The golden tests check the same results.
#include "../real_snapshots.h"
#include "golden_util.h"

#include <chrono>

namespace heapscope::test {
namespace {

// DevTools' own code does not finish some named filters (the oracle marks them "skipped": the
// duplicated-strings filter on deep cons-string chains); ours must, and quickly.
TEST(Timing, FiltersDevToolsCannotFinishTakeUnder30Seconds) {
    int timed = 0;
    for (const RealSnapshot& fixture : kRealSnapshots) {
        auto doc = oracle(fixture.oracle);
        ASSERT_TRUE(doc);
        simdjson::dom::object filters;
        if (doc->root["filters"].get_object().get(filters))
            continue;
        for (auto f : filters) {
            bool skipped = false;
            if (f.value["skipped"].get_bool().get(skipped) || !skipped)
                continue;
            auto a = analysisOf(fixture.snapshot);
            ASSERT_TRUE(a);
            const auto named = namedFilterFromKey(std::string(f.key));
            ASSERT_TRUE(named) << f.key;
            NodeFilter filter;
            filter.named = named;
            const auto start = std::chrono::steady_clock::now();
            auto agg = a->aggregate(filter);
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            ASSERT_TRUE(agg) << agg.error().message();
            EXPECT_LT(seconds, 30.0) << fixture.snapshot << " " << f.key;
            ++timed;
        }
    }
    EXPECT_GT(timed, 0);
}

} // namespace
} // namespace heapscope::test
