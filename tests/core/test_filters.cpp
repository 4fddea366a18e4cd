// SPDX-License-Identifier: MIT
// The Summary's filters stop when asked: a cancelled error, never a partial Summary.
#include "test_util.h"

#include "heapscope/analysis.h"

namespace heapscope {
namespace {

AnalysisPtr analysed(const char* name) {
    auto s = loadSnapshot(test::dataPath(name));
    EXPECT_TRUE(s.ok());
    if (!s.ok())
        return nullptr;
    auto a = analyze(*s);
    EXPECT_TRUE(a.ok());
    return a.ok() ? *a : nullptr;
}

TEST(FilterCancel, EveryFilterReturnsCancelledWhenStopped) {
    const AnalysisPtr a = analysed("dom-detached-chromium.heapsnapshot.gz");
    ASSERT_TRUE(a);
    StopFlag stop;
    stop.requestStop();
    WorkContext context;
    context.stop = &stop;
    std::vector<NodeFilter> filters(1); // "All objects" too
    for (NamedFilter f : kAllNamedFilters) {
        NodeFilter filter;
        filter.named = f;
        filters.push_back(filter);
    }
    NodeFilter range;
    range.idRange = std::make_pair(0u, a->snapshot->maxJsObjectId() / 2);
    filters.push_back(range);
    for (const NodeFilter& filter : filters) {
        const auto rows = a->aggregate(filter, context);
        ASSERT_FALSE(rows.ok());
        EXPECT_TRUE(rows.error().cancelled);
        if (!filter.isAll()) {
            const auto mask = a->filterMask(filter, context);
            ASSERT_FALSE(mask.ok());
            EXPECT_TRUE(mask.error().cancelled);
        }
    }
}

TEST(FilterCancel, WithoutAStopTheSummaryIsTheSameAsBefore) {
    const AnalysisPtr a = analysed("leak-B-node20.heapsnapshot.gz");
    ASSERT_TRUE(a);
    StopFlag stop; // never raised
    WorkContext context;
    context.stop = &stop;
    const auto all = a->aggregate(NodeFilter{}, context);
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->classes.size(), a->allObjects.classes.size());
    for (std::size_t i = 0; i < all->classes.size(); ++i) {
        EXPECT_EQ(all->classes[i].classIndex, a->allObjects.classes[i].classIndex);
        EXPECT_EQ(all->classes[i].count, a->allObjects.classes[i].count);
        EXPECT_EQ(all->classes[i].retainedSize, a->allObjects.classes[i].retainedSize);
    }
    EXPECT_EQ(all->objectCount, a->allObjects.objectCount);
    EXPECT_EQ(all->selfSize, a->allObjects.selfSize);
}

} // namespace
} // namespace heapscope
