// SPDX-License-Identifier: MIT
// Allocation traces on a hand-built snapshot: the tops, DevTools' callers structure, live objects,
// allocation stacks, the timeline samples and their id ranges, and the errors (label unit).
#include "test_util.h"

#include "heapscope/allocation.h"
#include "heapscope/analysis.h"
#include "heapscope/loader.h"

#include <gtest/gtest.h>

#include <string>

namespace heapscope::test {
namespace {

// Five nodes: the root (id 1), A@3 (10 bytes, trace 3), A@5 (20, trace 4), B@7 (0 bytes, trace 4)
// and B@9 (40, trace 99, not in the tree). Functions: (root), alloc, caller1, caller2. The trace
// tree: (root) > caller1 > alloc#3 (5 objects, 100 bytes); (root) > caller2 > alloc#4 (2, 50) and
// alloc#6 (none); (root) > alloc#7 (1, 8). A second top-level node (#8) follows the first, as no
// producer writes; DevTools reads only the first.
std::string snapshotJson(int allocFunction = 1, const char* traceFunctionCount = "4") {
    const std::string f = std::to_string(allocFunction);
    return std::string(
               R"({"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],)"
               R"("node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],)"
               R"("edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],)"
               R"("trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],"trace_node_fields":["id","function_info_index","count","size","children"],)"
               R"("sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]},)"
               R"("node_count":5,"edge_count":4,"trace_function_count":)") +
           traceFunctionCount +
           R"(},"nodes":[9,0,1,0,4,0,0, 3,6,3,10,0,3,0, 3,6,5,20,0,4,0, 3,7,7,0,0,4,0, 3,7,9,40,0,99,0],)"
           R"("edges":[1,0,7, 1,1,14, 1,2,21, 1,3,28],)"
           R"("trace_function_infos":[0,1,0,0,0,0, 1,2,3,1,10,2, 2,4,3,1,20,1, 3,5,3,1,30,1],)"
           R"("trace_tree":[1,0,0,0,[2,2,0,0,[3,)" +
           f +
           R"(,5,100,[]],5,3,0,0,[4,1,2,50,[],6,1,0,0,[]],7,1,1,8,[]],8,1,9,9,[]],)"
           R"("samples":[0,4,100000,8,200000,20],"locations":[],)"
           R"j("strings":["","(root)","alloc","s.js","caller1","caller2","A","B"]})j";
}

AnalysisPtr analyse(const std::string& json) {
    auto s = loadSnapshotFromMemory(json, "mini.heaptimeline");
    EXPECT_TRUE(s) << s.error().message();
    if (!s)
        return nullptr;
    auto a = analyze(*s);
    EXPECT_TRUE(a) << a.error().message();
    return a ? *a : nullptr;
}

TEST(AllocationUnit, TopsCallersAndLiveObjects) {
    const AnalysisPtr a = analyse(snapshotJson());
    ASSERT_TRUE(a);
    ASSERT_TRUE(hasAllocationTraces(*a->snapshot));
    auto built = buildAllocationProfile(*a);
    ASSERT_TRUE(built) << built.error().message();
    const AllocationProfile& p = **built;

    // One function allocated: alloc, DevTools' id 1 (the first function with allocations). The
    // second top-level trace node (9 objects) is not counted.
    ASSERT_EQ(p.tops.size(), 1u);
    const AllocationTop& top = p.tops[0];
    EXPECT_EQ(top.id, 1u);
    EXPECT_EQ(p.functionName(top.function), "alloc");
    EXPECT_EQ(p.scriptName(top.function), "s.js");
    EXPECT_EQ(top.count, 8u);
    EXPECT_EQ(top.size, 158u);
    EXPECT_EQ(top.liveCount, 3u); // A@3, A@5 and B@7 (size 0 counts as live)
    EXPECT_EQ(top.liveSize, 30u);
    EXPECT_TRUE(top.hasChildren);
    EXPECT_EQ(p.topById(1), &top);
    EXPECT_EQ(p.topById(2), nullptr);

    // Its callers, in the order DevTools meets them: caller1, caller2, (root).
    const AllocationCallers c = p.callers(top.node);
    EXPECT_TRUE(c.nestedCallers.empty());
    ASSERT_EQ(c.branchingCallers.size(), 3u);
    EXPECT_EQ(p.functionName(c.branchingCallers[0].function), "caller1");
    EXPECT_EQ(c.branchingCallers[0].count, 5u);
    EXPECT_EQ(c.branchingCallers[0].size, 100u);
    EXPECT_EQ(c.branchingCallers[0].liveCount, 1u);
    EXPECT_EQ(c.branchingCallers[0].liveSize, 10u);
    EXPECT_TRUE(c.branchingCallers[0].hasChildren);
    EXPECT_EQ(p.functionName(c.branchingCallers[1].function), "caller2");
    EXPECT_EQ(c.branchingCallers[1].count, 2u);
    EXPECT_EQ(c.branchingCallers[1].liveCount, 2u);
    EXPECT_EQ(c.branchingCallers[1].liveSize, 20u);
    EXPECT_EQ(p.functionName(c.branchingCallers[2].function), "(root)");
    EXPECT_EQ(c.branchingCallers[2].count, 1u);
    EXPECT_EQ(c.branchingCallers[2].liveCount, 0u);
    EXPECT_FALSE(c.branchingCallers[2].hasChildren);
    // caller1 has one caller, (root), which has none: a chain of one.
    const AllocationCallers c1 = p.callers(c.branchingCallers[0].node);
    ASSERT_EQ(c1.nestedCallers.size(), 1u);
    EXPECT_EQ(p.functionName(c1.nestedCallers[0].function), "(root)");
    EXPECT_TRUE(c1.branchingCallers.empty());

    // Live objects and trace ids per row.
    EXPECT_EQ(p.traceIds(top.node), (std::vector<std::uint32_t>{3, 4, 7}));
    EXPECT_EQ(p.traceIds(c.branchingCallers[1].node), (std::vector<std::uint32_t>{4}));
    EXPECT_EQ(p.objectsOf(top.node),
              (std::vector<NodeOrdinal>{NodeOrdinal(1), NodeOrdinal(2), NodeOrdinal(3)}));
    EXPECT_EQ(p.objectsOf(c.branchingCallers[1].node),
              (std::vector<NodeOrdinal>{NodeOrdinal(2), NodeOrdinal(3)}));
    EXPECT_TRUE(p.objectsOf(c.branchingCallers[2].node).empty());
    // The Summary of them leaves out B@7 (size 0).
    auto rows = aggregateAllocatedBy(*a, p, top.node);
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->objectCount, 2u);
    EXPECT_EQ(rows->selfSize, 30u);
}

TEST(AllocationUnit, AllocationStacks) {
    const AnalysisPtr a = analyse(snapshotJson());
    ASSERT_TRUE(a);
    auto p = buildAllocationProfile(*a);
    ASSERT_TRUE(p);
    const auto name = [&](std::uint32_t f) { return std::string((*p)->functionName(f)); };
    const auto stack = (*p)->allocationStack(NodeOrdinal(2)); // A@5, trace 4: alloc < caller2 < (root)
    ASSERT_TRUE(stack);
    ASSERT_EQ(stack->size(), 3u);
    EXPECT_EQ(name((*stack)[0]), "alloc");
    EXPECT_EQ(name((*stack)[1]), "caller2");
    EXPECT_EQ(name((*stack)[2]), "(root)");
    EXPECT_FALSE((*p)->allocationStack(NodeOrdinal(0)).has_value()); // trace node id 0: no stack
    const auto unknown = (*p)->allocationStack(NodeOrdinal(4));      // trace 99 is not in the tree
    ASSERT_TRUE(unknown);
    EXPECT_TRUE(unknown->empty());
}

TEST(AllocationUnit, TimelineSamplesAndSelections) {
    const AnalysisPtr a = analyse(snapshotJson());
    ASSERT_TRUE(a);
    const TimelineSamples s = timelineSamples(*a);
    ASSERT_EQ(s.timestampsMs.size(), 3u);
    EXPECT_EQ(s.timestampsMs[1], 100.0);
    // Ids up to 4: the root (1, size 0) and A@3; (4, 8]: A@5 and B@7; (8, 20]: B@9.
    EXPECT_EQ(s.sizes, (std::vector<std::uint64_t>{10, 20, 40}));
    EXPECT_EQ(s.liveCounts, (std::vector<std::uint32_t>{2, 2, 1}));
    EXPECT_EQ(s.totalTimeMs(), 10000.0);
    // DevTools' rule: the samples within the window, minId the sample before, maxId the one after.
    TimelineSelection sel = selectTimeline(s, 50, 150);
    EXPECT_EQ(sel.minIndex, 1u);
    EXPECT_EQ(sel.maxIndex, 2u);
    EXPECT_EQ(sel.minId, 4u);
    EXPECT_EQ(sel.maxId, 20u);
    EXPECT_EQ(sel.size, 20u);
    sel = selectTimeline(s, 150, 250);
    EXPECT_EQ(sel.minId, 8u);
    EXPECT_EQ(sel.maxId, kNoIdLimit);
    sel = selectTimeline(s, 0, 0);
    EXPECT_EQ(sel.minId, 0u);
    EXPECT_EQ(sel.maxId, 8u);
}

TEST(AllocationUnit, UndercountedHeaderLoadsEveryFunction) {
    // The header says 2 functions, the data holds 4 (as Node 12, 20, 22 and 26 write it).
    const AnalysisPtr a = analyse(snapshotJson(1, "2"));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->snapshot->traceFunctionInfos.size(), 4u);
    int warnings = 0;
    for (const auto& w : a->snapshot->warnings)
        warnings += w.find("trace_function_count") != std::string::npos;
    EXPECT_EQ(warnings, 1);
    auto p = buildAllocationProfile(*a);
    ASSERT_TRUE(p);
    ASSERT_EQ((*p)->tops.size(), 1u);
    EXPECT_EQ((*p)->tops[0].count, 8u);
}

TEST(AllocationUnit, Errors) {
    // A trace node naming a function that does not exist.
    const AnalysisPtr bad = analyse(snapshotJson(9));
    ASSERT_TRUE(bad);
    auto p = buildAllocationProfile(*bad);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().stage, "allocation");
    EXPECT_NE(p.error().reason.find("function 9"), std::string::npos) << p.error().reason;
    // Stopped on request.
    const AnalysisPtr a = analyse(snapshotJson());
    ASSERT_TRUE(a);
    StopFlag stop;
    stop.requestStop();
    WorkContext context;
    context.stop = &stop;
    auto cancelled = buildAllocationProfile(*a, context);
    ASSERT_FALSE(cancelled);
    EXPECT_TRUE(cancelled.error().cancelled);
}

} // namespace
} // namespace heapscope::test
