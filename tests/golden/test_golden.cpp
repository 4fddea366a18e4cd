// SPDX-License-Identifier: MIT
// Golden tests: every number of the Summary, its filters, the Statistics and per-node samples must
// equal what DevTools' own code computes for the same file (tests/data/*.summary.json).
#include "../real_snapshots.h"
#include "golden_util.h"

#include "heapscope/format.h"

#include <map>

namespace heapscope::test {
namespace {

using Fixture = RealSnapshot;

// Every fixture twice: loaded and analysed, and reopened from its index (both must equal DevTools).
class Golden : public ::testing::TestWithParam<std::tuple<Fixture, bool>> {
protected:
    const Fixture& fixture() const { return std::get<0>(GetParam()); }
    AnalysisPtr analysis() const { return analysisOf(fixture().snapshot, std::get<1>(GetParam())); }
};

// Compares our aggregates with an oracle "classes" object keyed by DevTools' class key.
void expectSameClasses(const Analysis& a, const Aggregates& ours, simdjson::dom::object expected,
                       const std::string& what) {
    std::map<std::string, const ClassAggregate*> byKey;
    for (const auto& c : ours.classes)
        byKey[a.classes[c.classIndex].key] = &c;
    std::size_t expectedCount = 0;
    for (auto field : expected) {
        ++expectedCount;
        const std::string key(field.key);
        auto it = byKey.find(key);
        if (it == byKey.end()) {
            ADD_FAILURE() << what << ": class " << key << " is missing";
            continue;
        }
        const ClassAggregate& c = *it->second;
        simdjson::dom::element v = field.value;
        EXPECT_EQ(a.classes[c.classIndex].name, asString(v["name"])) << what << " " << key;
        EXPECT_EQ(std::int64_t(c.count), asInt(v["count"])) << what << " " << key;
        EXPECT_EQ(std::int64_t(c.distance), asInt(v["distance"])) << what << " " << key;
        EXPECT_EQ(std::int64_t(c.selfSize), asInt(v["self_size"])) << what << " " << key;
        EXPECT_EQ(std::int64_t(c.retainedSize), asInt(v["retained_size"])) << what << " " << key;
    }
    EXPECT_EQ(ours.classes.size(), expectedCount) << what << ": number of classes";
}

TEST_P(Golden, TotalsAndAllObjects) {
    auto a = analysis();
    auto doc = oracle(fixture().oracle);
    ASSERT_TRUE(a && doc);
    auto totals = doc->root["totals"];
    EXPECT_EQ(std::int64_t(a->snapshot->nodeCount), asInt(totals["node_count"]));
    EXPECT_EQ(std::int64_t(a->snapshot->edgeCount), asInt(totals["edge_count"]));
    EXPECT_EQ(std::int64_t(a->totalSize), asInt(totals["total_size"]));
    EXPECT_EQ(std::int64_t(a->reachableCount), asInt(totals["reachable_count"]));
    EXPECT_EQ(std::int64_t(a->unreachableCount), asInt(totals["unreachable_count"]));
    EXPECT_EQ(std::int64_t(a->allObjects.objectCount), asInt(totals["summary_object_count"]));
    EXPECT_EQ(std::int64_t(a->allObjects.selfSize), asInt(totals["summary_self_size"]));
    EXPECT_EQ(std::int64_t(a->retainedSize[a->snapshot->root()]), asInt(totals["root_retained_size"]));
    std::int64_t shallow = 0;
    for (std::uint32_t s : a->selfSize)
        shallow += s;
    EXPECT_EQ(shallow, asInt(totals["total_shallow_size"]));
    simdjson::dom::object classes;
    ASSERT_FALSE(doc->root["classes"].get_object().get(classes));
    expectSameClasses(*a, a->allObjects, classes, "All objects");
}

TEST_P(Golden, NamedFilters) {
    auto a = analysis();
    auto doc = oracle(fixture().oracle);
    ASSERT_TRUE(a && doc);
    simdjson::dom::object filters;
    ASSERT_FALSE(doc->root["filters"].get_object().get(filters));
    for (auto f : filters) {
        const std::string name(f.key);
        const auto named = namedFilterFromKey(name);
        ASSERT_TRUE(named) << name;
        NodeFilter filter;
        filter.named = named;
        auto agg = a->aggregate(filter);
        ASSERT_TRUE(agg) << agg.error().message();
        bool skipped = false;
        if (!f.value["skipped"].get_bool().get(skipped) && skipped) {
            // DevTools' own filter does not finish on deep cons-string chains; ours must, and quickly
            // (how quickly is checked under the `slow` label, test_timing.cpp).
            continue;
        }
        simdjson::dom::object classes;
        ASSERT_FALSE(f.value["classes"].get_object().get(classes));
        expectSameClasses(*a, *agg, classes, name);
        EXPECT_EQ(std::int64_t(agg->objectCount), asInt(f.value["object_count"])) << name;
        EXPECT_EQ(std::int64_t(agg->selfSize), asInt(f.value["self_size"])) << name;
    }
}

TEST_P(Golden, Statistics) {
    auto a = analysis();
    auto doc = oracle(fixture().oracle);
    ASSERT_TRUE(a && doc);
    auto st = doc->root["statistics"];
    const Statistics& s = a->statistics;
    EXPECT_EQ(std::int64_t(s.total), asInt(st["total"]));
    EXPECT_EQ(std::int64_t(s.nativeTotal), asInt(st["native"]["total"]));
    EXPECT_EQ(std::int64_t(s.typedArrays), asInt(st["native"]["typedArrays"]));
    EXPECT_EQ(std::int64_t(s.v8heapTotal), asInt(st["v8heap"]["total"]));
    EXPECT_EQ(std::int64_t(s.code), asInt(st["v8heap"]["code"]));
    EXPECT_EQ(std::int64_t(s.jsArrays), asInt(st["v8heap"]["jsArrays"]));
    EXPECT_EQ(std::int64_t(s.strings), asInt(st["v8heap"]["strings"]));
    EXPECT_EQ(std::int64_t(s.system), asInt(st["v8heap"]["system"]));
}

TEST_P(Golden, InterfaceDefinitions) {
    auto a = analysis();
    auto doc = oracle(fixture().oracle);
    ASSERT_TRUE(a && doc);
    simdjson::dom::array defs;
    ASSERT_FALSE(doc->root["interface_definitions"].get_array().get(defs));
    std::vector<std::string> expected;
    for (auto d : defs)
        expected.push_back(asString(d));
    std::vector<std::string> ours;
    for (const auto& d : a->interfaces)
        ours.push_back(d.name);
    EXPECT_EQ(ours, expected);
}

TEST_P(Golden, NodeSamples) {
    auto a = analysis();
    auto doc = oracle(fixture().oracle);
    ASSERT_TRUE(a && doc);
    const Snapshot& s = *a->snapshot;
    simdjson::dom::array samples;
    ASSERT_FALSE(doc->root["samples"].get_array().get(samples));
    std::size_t checked = 0;
    for (auto sample : samples) {
        const auto id = std::uint32_t(asInt(sample["id"]));
        const auto node = s.nodeWithId(id);
        ASSERT_TRUE(node) << "@" << id;
        const NodeOrdinal n = *node;
        EXPECT_EQ(std::int64_t(n.value), asInt(sample["ordinal"])) << "@" << id;
        EXPECT_EQ(std::string(s.typeName(n)), asString(sample["type"])) << "@" << id;
        EXPECT_EQ(a->displayName(n), asString(sample["name"])) << "@" << id;
        EXPECT_EQ(a->classInfo(n).name, asString(sample["class_name"])) << "@" << id;
        EXPECT_EQ(std::int64_t(s.nodeSelfSize[n]), asInt(sample["self_size_raw"])) << "@" << id;
        EXPECT_EQ(std::int64_t(a->selfSize[n]), asInt(sample["self_size"])) << "@" << id;
        EXPECT_EQ(std::int64_t(a->retainedSize[n]), asInt(sample["retained_size"])) << "@" << id;
        EXPECT_EQ(std::int64_t(a->distance[n]), asInt(sample["distance"])) << "@" << id;
        EXPECT_EQ(std::int64_t(s.nodeId[a->dominator[n]]), asInt(sample["dominator_id"])) << "@" << id;
        EXPECT_EQ(std::int64_t(s.firstEdge[n.next()].value - s.firstEdge[n].value),
                  asInt(sample["edge_count"]))
            << "@" << id;
        EXPECT_EQ(std::int64_t(s.retainersOf(n).size()), asInt(sample["retainer_count"])) << "@" << id;
        EXPECT_EQ(std::int64_t(a->detachedness[n]), asInt(sample["detachedness"])) << "@" << id;
        ++checked;
    }
    EXPECT_GT(checked, 200u);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Golden,
                         ::testing::Combine(::testing::ValuesIn(kRealSnapshots), ::testing::Bool()),
                         [](const auto& info) {
                             std::string name = std::get<0>(info.param).snapshot;
                             name = name.substr(0, name.find('.'));
                             for (char& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c)))
                                     c = '_';
                             return name + (std::get<1>(info.param) ? "_fromIndex" : "");
                         });

// The Summary's id-range filter ("Objects allocated between ...") against the node ids directly.
TEST(GoldenFilters, AllocatedBetweenSnapshots) {
    auto a = analysisOf("leak-A-node20.heapsnapshot.gz");
    auto b = analysisOf("leak-B-node20.heapsnapshot.gz");
    ASSERT_TRUE(a && b);
    const std::uint32_t maxA = a->snapshot->maxJsObjectId();
    const std::uint32_t maxB = b->snapshot->maxJsObjectId();
    EXPECT_EQ(maxA, 232793u); // the oracle's max_js_object_id for leak-A
    EXPECT_EQ(maxB, 356323u);
    NodeFilter between;
    between.idRange = std::make_pair(maxA, maxB);
    auto agg = b->aggregate(between);
    ASSERT_TRUE(agg);
    std::uint64_t expected = 0;
    for (NodeOrdinal n : b->snapshot->nodes())
        if (b->selfSize[n] && b->snapshot->nodeId[n] > maxA && b->snapshot->nodeId[n] <= maxB)
            ++expected;
    EXPECT_EQ(agg->objectCount, expected);
    EXPECT_GT(agg->objectCount, 40000u);
}

// Formatting as DevTools' Intl formatters produce it (checked against Node's Intl by hand).
TEST(Format, SizesAndPercents) {
    using namespace heapscope::format;
    const std::string nb = "\xC2\xA0";
    EXPECT_EQ(sizeKB(0), "0.0" + nb + "kB");
    EXPECT_EQ(sizeKB(49), "0.0" + nb + "kB");
    EXPECT_EQ(sizeKB(50), "0.1" + nb + "kB");
    EXPECT_EQ(sizeKB(250), "0.3" + nb + "kB"); // exact tie, away from zero
    EXPECT_EQ(sizeKB(12345), "12.3" + nb + "kB");
    EXPECT_EQ(sizeKB(99949), "99.9" + nb + "kB");
    EXPECT_EQ(sizeKB(99950), "100.0" + nb + "kB");
    EXPECT_EQ(sizeKB(100000), "100" + nb + "kB");
    EXPECT_EQ(sizeKB(2430043), "2,430" + nb + "kB");
    EXPECT_EQ(bytesAdaptive(999), "999" + nb + "B");
    EXPECT_EQ(bytesAdaptive(1500), "1.5" + nb + "kB");
    EXPECT_EQ(bytesAdaptive(123456789), "123" + nb + "MB");
    EXPECT_EQ(percent(1, 3), "33" + nb + "%");
    EXPECT_EQ(percent(1, 2), "50" + nb + "%");
    EXPECT_EQ(percent(1, 200), "1" + nb + "%"); // 0.5 rounds up
    EXPECT_EQ(distance(-5), "\xE2\x88\x92");
    EXPECT_EQ(distance(100000001), "\xE2\x88\x92");
    EXPECT_EQ(distance(7), "7");
    EXPECT_EQ(signedCount(-1234), "\xE2\x88\x92"
                                  "1" +
                                      nb + "234");
    EXPECT_EQ(signedCount(5), "+5");
}

} // namespace
} // namespace heapscope::test

namespace heapscope::test {
namespace {

// One thread or two, the analysis is the same.
TEST(GoldenThreads, OneThreadGivesTheSameAnalysis) {
    auto two = analysisOf("leak-B-node20.heapsnapshot.gz");
    ASSERT_TRUE(two);
    LoadOptions lo;
    lo.threads = 1;
    auto snap = loadSnapshot(dataPath("leak-B-node20.heapsnapshot.gz"), lo);
    ASSERT_TRUE(snap);
    AnalysisOptions ao;
    ao.threads = 1;
    auto one = analyze(*snap, ao);
    ASSERT_TRUE(one);
    for (NodeOrdinal n : two->snapshot->nodes()) {
        ASSERT_EQ((*one)->retainedSize[n], two->retainedSize[n]) << n.value;
        ASSERT_EQ((*one)->distance[n], two->distance[n]) << n.value;
        ASSERT_EQ((*one)->dominator[n], two->dominator[n]) << n.value;
        ASSERT_EQ((*one)->classInfo(n).key, two->classInfo(n).key) << n.value;
        ASSERT_EQ((*one)->flags[n], two->flags[n]) << n.value;
    }
    // Node's root has a shortcut edge to the global object: what that reaches is a page object.
    const Snapshot& s = *two->snapshot;
    std::size_t shortcuts = 0;
    for (EdgeOrdinal e : s.edgesOf(s.root()))
        if (s.edgeKind(e) == EdgeKind::Shortcut) {
            ++shortcuts;
            EXPECT_TRUE(two->flags[s.edgeTo[e]] & kFlagPageObject) << s.edgeTo[e].value;
        }
    EXPECT_GT(shortcuts, 0u);
    EXPECT_FALSE(two->flags[s.root()] & kFlagPageObject);
    ASSERT_EQ((*one)->allObjects.classes.size(), two->allObjects.classes.size());
    for (std::size_t i = 0; i < two->allObjects.classes.size(); ++i)
        EXPECT_EQ((*one)->allObjects.classes[i].retainedSize, two->allObjects.classes[i].retainedSize);
    for (NodeOrdinal t : two->snapshot->nodes())
        ASSERT_EQ((*snap)->firstRetainer()[t], two->snapshot->firstRetainer()[t]);
}

} // namespace
} // namespace heapscope::test
