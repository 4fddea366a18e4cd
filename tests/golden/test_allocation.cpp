// SPDX-License-Identifier: MIT
// Golden tests of the Allocation perspective and the timeline: the tops, the callers of every top
// expanded as DevTools' view expands them (each with the Summary of its live objects), the Summary of
// each top's live objects, the allocation
// stacks of sampled objects and the timeline samples must equal what DevTools' own worker gives for
// the same file (tests/data/*.alloc.json, written by tests/data/gen/alloc.mjs run in the oracle).
#include "golden_util.h"

#include "heapscope/allocation.h"

#include <map>

namespace heapscope::test {
namespace {

struct AllocFixture {
    const char* snapshot;
    const char* oracle;
};

const AllocFixture kAllocFixtures[] = {
    {"alloc-node20.heapsnapshot.gz", "alloc-node20.alloc.json"},
    {"alloc-timeline-node20.heaptimeline.gz", "alloc-timeline-node20.alloc.json"},
    {"dom-alloc-timeline-chromium.heaptimeline.gz", "dom-alloc-timeline-chromium.alloc.json"},
    {"mixed-timeline-node12.heaptimeline.gz", "mixed-timeline-node12.alloc.json"},
    {"mixed-timeline-node26.heaptimeline.gz", "mixed-timeline-node26.alloc.json"},
    {"mixed-timeline-deno2.heaptimeline.gz", "mixed-timeline-deno2.alloc.json"},
};

void PrintTo(const AllocFixture& f, std::ostream* os) {
    *os << f.snapshot;
}

class AllocationGolden : public ::testing::TestWithParam<AllocFixture> {
protected:
    void SetUp() override {
        analysis = analysisOf(GetParam().snapshot);
        doc = oracle(GetParam().oracle);
        ASSERT_TRUE(analysis && doc);
        auto p = buildAllocationProfile(*analysis);
        ASSERT_TRUE(p) << p.error().message();
        profile = *p;
    }
    AnalysisPtr analysis;
    std::shared_ptr<OracleDoc> doc;
    AllocationProfilePtr profile;
};

bool asBool(simdjson::dom::element e) {
    bool b = false;
    if (e.get_bool().get(b))
        ADD_FAILURE() << "not a boolean: " << simdjson::to_string(e);
    return b;
}

// One row against DevTools' SerializedAllocationNode (its id only for tops: callers' ids are
// handed out per request in DevTools' session).
void expectRow(const Snapshot& s, const AllocationRow& row, simdjson::dom::element e,
               const std::string& what) {
    const TraceFunctionInfo& f = s.traceFunctionInfos[row.function];
    EXPECT_EQ(std::string(s.strings.get(f.name)), asString(e["name"])) << what;
    EXPECT_EQ(std::string(s.strings.get(f.scriptName)), asString(e["scriptName"])) << what;
    EXPECT_EQ(std::int64_t(f.scriptId), asInt(e["scriptId"])) << what;
    EXPECT_EQ(std::int64_t(f.line), asInt(e["line"])) << what;
    EXPECT_EQ(std::int64_t(f.column), asInt(e["column"])) << what;
    EXPECT_EQ(std::int64_t(row.count), asInt(e["count"])) << what;
    EXPECT_EQ(std::int64_t(row.size), asInt(e["size"])) << what;
    EXPECT_EQ(std::int64_t(row.liveCount), asInt(e["liveCount"])) << what;
    EXPECT_EQ(std::int64_t(row.liveSize), asInt(e["liveSize"])) << what;
    EXPECT_EQ(row.hasChildren, asBool(e["hasChildren"])) << what;
}

// The Summary filtered by a caller row (DevTools' allocation-node filter): its totals.
void expectRowSummary(const Analysis& a, const AllocationProfile& p, const AllocationRow& row,
                      simdjson::dom::element e, const std::string& what) {
    simdjson::dom::element summary;
    if (e["summary"].get(summary)) {
        ADD_FAILURE() << what << ": no summary";
        return;
    }
    auto rows = aggregateAllocatedBy(a, p, row.node);
    ASSERT_TRUE(rows) << rows.error().message();
    EXPECT_EQ(std::int64_t(rows->objectCount), asInt(summary["object_count"])) << what;
    EXPECT_EQ(std::int64_t(rows->selfSize), asInt(summary["self_size"])) << what;
}

// Counts the rows compared, so that a test cannot pass by comparing nothing.
std::size_t expectCallers(const Analysis& a, const AllocationProfile& p, std::uint32_t node,
                          simdjson::dom::element e, const std::string& what) {
    const AllocationCallers ours = p.callers(node);
    simdjson::dom::array nested, branching;
    EXPECT_FALSE(e["nestedCallers"].get_array().get(nested));
    EXPECT_FALSE(e["branchingCallers"].get_array().get(branching));
    std::size_t rows = 0;
    EXPECT_EQ(ours.nestedCallers.size(), nested.size()) << what;
    EXPECT_EQ(ours.branchingCallers.size(), branching.size()) << what;
    if (ours.nestedCallers.size() != nested.size() || ours.branchingCallers.size() != branching.size())
        return rows;
    std::size_t i = 0;
    for (auto n : nested) {
        expectRow(*p.snapshot, ours.nestedCallers[i], n, what + " nested " + std::to_string(i));
        expectRowSummary(a, p, ours.nestedCallers[i], n, what + " nested " + std::to_string(i));
        ++i;
        ++rows;
    }
    i = 0;
    for (auto b : branching) {
        const AllocationRow& r = ours.branchingCallers[i];
        const std::string here = what + " > " + std::to_string(i);
        expectRow(*p.snapshot, r, b, here);
        expectRowSummary(a, p, r, b, here);
        ++rows;
        simdjson::dom::element sub;
        if (!b["callers"].get(sub))
            rows += expectCallers(a, p, r.node, sub, here);
        ++i;
    }
    return rows;
}

TEST_P(AllocationGolden, TopsHaveDevToolsFields) {
    simdjson::dom::array tops;
    ASSERT_FALSE(doc->root["tops"].get_array().get(tops));
    ASSERT_EQ(profile->tops.size(), tops.size());
    ASSERT_GT(tops.size(), 0u);
    std::size_t i = 0;
    for (auto e : tops) {
        const AllocationTop& t = profile->tops[i];
        EXPECT_EQ(std::int64_t(t.id), asInt(e["id"])) << "top " << i;
        expectRow(*analysis->snapshot, t, e, "top " + std::to_string(i));
        ++i;
    }
}

// Every caller row, with the Summary DevTools shows when that row is selected.
TEST_P(AllocationGolden, CallersOfEveryTop) {
    simdjson::dom::object callers;
    ASSERT_FALSE(doc->root["callers"].get_object().get(callers));
    std::size_t rows = 0;
    for (auto field : callers) {
        const std::uint32_t id = std::uint32_t(std::stoul(std::string(field.key)));
        const AllocationTop* top = profile->topById(id);
        ASSERT_NE(top, nullptr) << "top " << id;
        if (field.value.is_null()) {
            EXPECT_FALSE(top->hasChildren) << "top " << id;
            continue;
        }
        rows +=
            expectCallers(*analysis, *profile, top->node, field.value, "callers of " + std::to_string(id));
    }
    EXPECT_EQ(std::int64_t(rows), asInt(doc->root["caller_rows"]));
}

TEST_P(AllocationGolden, LiveObjectsOfEveryTop) {
    simdjson::dom::object live;
    ASSERT_FALSE(doc->root["live"].get_object().get(live));
    for (auto field : live) {
        const std::string id(field.key);
        const AllocationTop* top = profile->topById(std::uint32_t(std::stoul(id)));
        ASSERT_NE(top, nullptr);
        auto agg = aggregateAllocatedBy(*analysis, *profile, top->node);
        ASSERT_TRUE(agg) << agg.error().message();
        EXPECT_EQ(std::int64_t(agg->objectCount), asInt(field.value["object_count"])) << "top " << id;
        EXPECT_EQ(std::int64_t(agg->selfSize), asInt(field.value["self_size"])) << "top " << id;
        std::map<std::string, const ClassAggregate*> byKey;
        for (const auto& c : agg->classes)
            byKey[analysis->classes[c.classIndex].key] = &c;
        simdjson::dom::object classes;
        ASSERT_FALSE(field.value["classes"].get_object().get(classes));
        EXPECT_EQ(byKey.size(), classes.size()) << "top " << id;
        for (auto c : classes) {
            auto it = byKey.find(std::string(c.key));
            if (it == byKey.end()) {
                ADD_FAILURE() << "top " << id << ": class " << c.key << " missing";
                continue;
            }
            EXPECT_EQ(std::int64_t(it->second->count), asInt(c.value["count"]))
                << "top " << id << " " << c.key;
            EXPECT_EQ(std::int64_t(it->second->selfSize), asInt(c.value["self_size"]))
                << "top " << id << " " << c.key;
        }
    }
}

TEST_P(AllocationGolden, AllocationStacks) {
    const Snapshot& s = *analysis->snapshot;
    simdjson::dom::array stacks;
    ASSERT_FALSE(doc->root["stacks"].get_array().get(stacks));
    std::size_t withStack = 0;
    for (auto e : stacks) {
        const NodeOrdinal n{std::uint32_t(asInt(e["ordinal"]))};
        ASSERT_LT(n.value, s.nodeCount);
        const std::string what = "object @" + std::to_string(s.nodeId[n]);
        EXPECT_EQ(std::int64_t(s.nodeId[n]), asInt(e["id"])) << what;
        EXPECT_EQ(std::int64_t(s.traceNodeId(n)), asInt(e["trace_node_id"])) << what;
        const auto ours = profile->allocationStack(n);
        simdjson::dom::element expected = e["stack"];
        if (expected.is_null()) {
            EXPECT_FALSE(ours.has_value()) << what;
            continue;
        }
        ASSERT_TRUE(ours.has_value()) << what;
        simdjson::dom::array frames;
        ASSERT_FALSE(expected.get_array().get(frames));
        ASSERT_EQ(ours->size(), frames.size()) << what;
        ++withStack;
        std::size_t i = 0;
        for (auto f : frames) {
            const TraceFunctionInfo& info = s.traceFunctionInfos[(*ours)[i]];
            EXPECT_EQ(std::string(s.strings.get(info.name)), asString(f["functionName"]))
                << what << " frame " << i;
            EXPECT_EQ(std::string(s.strings.get(info.scriptName)), asString(f["scriptName"])) << what;
            EXPECT_EQ(std::int64_t(info.scriptId), asInt(f["scriptId"])) << what;
            EXPECT_EQ(std::int64_t(info.line), asInt(f["line"])) << what;
            EXPECT_EQ(std::int64_t(info.column), asInt(f["column"])) << what;
            ++i;
        }
    }
    EXPECT_GT(withStack, 0u);
}

TEST_P(AllocationGolden, TimelineSamples) {
    const TimelineSamples ours = timelineSamples(*analysis);
    simdjson::dom::element samples = doc->root["samples"];
    simdjson::dom::array ts, ids, sizes;
    ASSERT_FALSE(samples["timestamps"].get_array().get(ts));
    ASSERT_FALSE(samples["lastAssignedIds"].get_array().get(ids));
    ASSERT_FALSE(samples["sizes"].get_array().get(sizes));
    ASSERT_EQ(ours.timestampsMs.size(), ts.size());
    ASSERT_EQ(ours.lastAssignedIds.size(), ids.size());
    ASSERT_EQ(ours.sizes.size(), sizes.size());
    std::size_t i = 0;
    for (auto t : ts) {
        double d = 0;
        ASSERT_FALSE(t.get_double().get(d));
        EXPECT_EQ(ours.timestampsMs[i++], d);
    }
    i = 0;
    for (auto v : ids)
        EXPECT_EQ(std::int64_t(ours.lastAssignedIds[i++]), asInt(v));
    i = 0;
    for (auto v : sizes)
        EXPECT_EQ(std::int64_t(ours.sizes[i++]), asInt(v)) << "sample " << i - 1;
}

// Files whose header trace_function_count is below their data: DevTools fails on them as written;
// we load every function, warn once, and give the numbers of the repaired file (checked above).
TEST_P(AllocationGolden, UndercountedHeaderWarnsOnce) {
    const Snapshot& s = *analysis->snapshot;
    simdjson::dom::element repairs = doc->root["repairs"];
    std::size_t warnings = 0;
    for (const auto& w : s.warnings)
        if (w.find("trace_function_count") != std::string::npos)
            ++warnings;
    if (repairs.is_null()) {
        EXPECT_EQ(warnings, 0u);
        EXPECT_EQ(std::int64_t(s.traceFunctionInfos.size()), std::int64_t(s.format.headerTraceFunctionCount));
        return;
    }
    EXPECT_EQ(warnings, 1u);
    EXPECT_EQ(std::int64_t(s.format.headerTraceFunctionCount),
              asInt(repairs["trace_function_count"]["header"]));
    EXPECT_EQ(std::int64_t(s.traceFunctionInfos.size()), asInt(repairs["trace_function_count"]["actual"]));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AllocationGolden, ::testing::ValuesIn(kAllocFixtures),
                         [](const ::testing::TestParamInfo<AllocFixture>& info) {
                             std::string name = info.param.oracle;
                             name = name.substr(0, name.find('.'));
                             for (char& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c)))
                                     c = '_';
                             return name;
                         });

} // namespace
} // namespace heapscope::test
