// SPDX-License-Identifier: MIT
// The Comparison against DevTools' own (tests/data/*.diff.json), for three snapshots of one Node.js 20
// process and for pairs written by Node.js 26, Deno 2 and Bun 1.
#include "golden_util.h"

#include "heapscope/comparison.h"

#include <map>

namespace heapscope::test {
namespace {

struct Pair {
    const char* base;
    const char* current;
    const char* oracle;
    /// Bun numbers its objects anew in every snapshot: the Comparison's numbers are still DevTools',
    /// but it warns that no object can be matched by id.
    bool idsShared = true;
};

const Pair kPairs[] = {
    {"leak-A-node20.heapsnapshot.gz", "leak-B-node20.heapsnapshot.gz",
     "leak-A-node20_leak-B-node20.diff.json"},
    {"leak2-A-node20.heapsnapshot.gz", "leak2-B-node20.heapsnapshot.gz", "leak2-A_leak2-B.diff.json"},
    {"leak2-B-node20.heapsnapshot.gz", "leak2-C-node20.heapsnapshot.gz", "leak2-B_leak2-C.diff.json"},
    {"leak2-A-node20.heapsnapshot.gz", "leak2-C-node20.heapsnapshot.gz", "leak2-A_leak2-C.diff.json"},
    {"mixed-pair-node26-A.heapsnapshot.gz", "mixed-pair-node26-B.heapsnapshot.gz",
     "mixed-pair-node26.diff.json"},
    {"mixed-pair-deno2-A.heapsnapshot.gz", "mixed-pair-deno2-B.heapsnapshot.gz",
     "mixed-pair-deno2.diff.json"},
    {"mixed-pair-bun1-A.heapsnapshot.gz", "mixed-pair-bun1-B.heapsnapshot.gz", "mixed-pair-bun1.diff.json",
     false},
};

class GoldenDiff : public ::testing::TestWithParam<Pair> {};

TEST_P(GoldenDiff, EqualsDevTools) {
    auto base = analysisOf(GetParam().base);
    auto current = analysisOf(GetParam().current);
    auto doc = oracle(GetParam().oracle);
    ASSERT_TRUE(base && current && doc);
    auto result = compare(base, current);
    ASSERT_TRUE(result) << result.error().message();
    const Comparison& c = **result;
    EXPECT_EQ(c.idsShared, GetParam().idsShared);
    if (GetParam().idsShared) {
        EXPECT_TRUE(c.warnings.empty());
    } else {
        ASSERT_EQ(c.warnings.size(), 1u);
        EXPECT_NE(c.warnings[0].find("do not share object ids"), std::string::npos) << c.warnings[0];
    }
    std::map<std::string, const ClassDiff*> byKey;
    for (const auto& d : c.classes)
        byKey[d.key] = &d;
    simdjson::dom::object classes;
    ASSERT_FALSE(doc->root["classes"].get_object().get(classes));
    std::size_t expectedCount = 0;
    for (auto field : classes) {
        ++expectedCount;
        const std::string key(field.key);
        auto it = byKey.find(key);
        if (it == byKey.end()) {
            ADD_FAILURE() << "class " << key << " is missing";
            continue;
        }
        const ClassDiff& d = *it->second;
        simdjson::dom::element v = field.value;
        EXPECT_EQ(d.name, asString(v["name"])) << key;
        EXPECT_EQ(std::int64_t(d.newCount), asInt(v["new_count"])) << key;
        EXPECT_EQ(std::int64_t(d.deletedCount), asInt(v["deleted_count"])) << key;
        EXPECT_EQ(d.delta(), asInt(v["delta"])) << key;
        EXPECT_EQ(std::int64_t(d.allocSize), asInt(v["alloc_size"])) << key;
        EXPECT_EQ(std::int64_t(d.freedSize), asInt(v["freed_size"])) << key;
        EXPECT_EQ(d.sizeDelta(), asInt(v["size_delta"])) << key;
        // The oracle lists the first 20 ids of each list, in DevTools' order (id ascending).
        simdjson::dom::array newIds, deletedIds;
        ASSERT_FALSE(v["new_ids"].get_array().get(newIds));
        ASSERT_FALSE(v["deleted_ids"].get_array().get(deletedIds));
        std::size_t i = 0;
        for (auto id : newIds) {
            ASSERT_LT(i, d.newNodes.size()) << key;
            EXPECT_EQ(std::int64_t(current->snapshot->nodeId[d.newNodes[i++]]), asInt(id)) << key;
        }
        i = 0;
        for (auto id : deletedIds) {
            ASSERT_LT(i, d.deletedNodes.size()) << key;
            EXPECT_EQ(std::int64_t(base->snapshot->nodeId[d.deletedNodes[i++]]), asInt(id)) << key;
        }
    }
    EXPECT_EQ(c.classes.size(), expectedCount);
    auto totals = doc->root["totals"];
    EXPECT_EQ(std::int64_t(c.totals.newCount), asInt(totals["new_count"]));
    EXPECT_EQ(std::int64_t(c.totals.deletedCount), asInt(totals["deleted_count"]));
    EXPECT_EQ(std::int64_t(c.totals.allocSize), asInt(totals["alloc_size"]));
    EXPECT_EQ(std::int64_t(c.totals.freedSize), asInt(totals["freed_size"]));
    EXPECT_EQ(c.totals.sizeDelta(), asInt(totals["size_delta"]));
}

TEST_P(GoldenDiff, ExtraColumnsAreConsistent) {
    auto base = analysisOf(GetParam().base);
    auto current = analysisOf(GetParam().current);
    ASSERT_TRUE(base && current);
    auto result = compare(base, current);
    ASSERT_TRUE(result);
    std::map<std::string, const ClassAggregate*> currentByKey;
    for (const auto& a : current->allObjects.classes)
        currentByKey[current->classes[a.classIndex].key] = &a;
    for (const ClassDiff& d : (*result)->classes) {
        // Every object of the class is new or survived; every object of the base is deleted or survived.
        EXPECT_EQ(d.currentCount, d.newCount + d.survivedCount) << d.key;
        EXPECT_EQ(d.baseCount, d.deletedCount + d.survivedCount) << d.key;
        auto it = currentByKey.find(d.key);
        if (it != currentByKey.end()) {
            EXPECT_EQ(d.currentCount, it->second->count) << d.key;
            EXPECT_EQ(d.currentRetained, it->second->retainedSize) << d.key;
        } else {
            EXPECT_EQ(d.currentCount, 0u) << d.key;
        }
        for (NodeOrdinal n : d.newNodes)
            EXPECT_EQ(current->classes[current->classOf[n]].key, d.key);
    }
}

INSTANTIATE_TEST_SUITE_P(Pairs, GoldenDiff, ::testing::ValuesIn(kPairs), [](const auto& info) {
    std::string name = std::string(info.param.base).substr(0, std::string(info.param.base).find('.')) +
                       "_to_" +
                       std::string(info.param.current).substr(0, std::string(info.param.current).find('.'));
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch)))
            ch = '_';
    return name;
});

TEST(Comparison, LeakedClassGrows) {
    auto result =
        compare(analysisOf("leak2-A-node20.heapsnapshot.gz"), analysisOf("leak2-C-node20.heapsnapshot.gz"));
    ASSERT_TRUE(result);
    bool found = false;
    for (const ClassDiff& d : (*result)->classes) {
        if (d.name == "RequestRecord") {
            found = true;
            EXPECT_GT(d.delta(), 0);
            EXPECT_EQ(d.deletedCount, 0u);
            EXPECT_GT(d.retainedDelta(), 0);
        }
    }
    EXPECT_TRUE(found);
}

TEST(Comparison, DifferentProcessesAreReported) {
    // leak-A and leak2-B come from two runs of the same program: their ids name different objects.
    auto result =
        compare(analysisOf("leak-A-node20.heapsnapshot.gz"), analysisOf("leak2-B-node20.heapsnapshot.gz"));
    ASSERT_TRUE(result);
    EXPECT_FALSE((*result)->idsShared);
    ASSERT_FALSE((*result)->warnings.empty());
    EXPECT_NE((*result)->warnings[0].find("different processes"), std::string::npos);
    // The per-class count deltas still hold.
    for (const ClassDiff& d : (*result)->classes)
        EXPECT_EQ(std::int64_t(d.currentCount) - std::int64_t(d.baseCount), d.delta()) << d.key;
}

TEST(Comparison, SnapshotAgainstItselfIsEmpty) {
    auto a = analysisOf("tiny-node20.heapsnapshot.gz");
    auto result = compare(a, a);
    ASSERT_TRUE(result);
    EXPECT_TRUE((*result)->classes.empty());
    EXPECT_TRUE((*result)->idsShared);
    EXPECT_EQ((*result)->totals.newCount, 0u);
}

TEST(Comparison, Cancel) {
    StopFlag stop;
    stop.requestStop();
    WorkContext ctx;
    ctx.stop = &stop;
    auto result = compare(analysisOf("leak-A-node20.heapsnapshot.gz"),
                          analysisOf("leak-B-node20.heapsnapshot.gz"), ctx);
    ASSERT_FALSE(result);
    EXPECT_TRUE(result.error().cancelled);
}

} // namespace
} // namespace heapscope::test
