// SPDX-License-Identifier: MIT
// Golden tests of the realms and the closure-context analysis: every native context's sizes, every
// realm filter's Summary and the whole of analyzeContexts() must equal what DevTools' own worker
// computes for the same file (tests/data/*.realms.json.gz, written by tests/data/gen/realms-golden.mjs).
#include "golden_util.h"

#include "heapscope/contexts.h"
#include "heapscope/realms.h"

#include <zlib.h>

#include <cctype>
#include <map>
#include <set>

namespace heapscope::test {
namespace {

struct RealmFixture {
    const char* snapshot; ///< in tests/data
    const char* oracle;   ///< gzip JSON in tests/data
};

const RealmFixture kRealmFixtures[] = {
    {"closures-leak-chromium.heapsnapshot.gz", "closures-leak-chromium.realms.json.gz"},
    {"closures-noleak-chromium.heapsnapshot.gz", "closures-noleak-chromium.realms.json.gz"},
    {"closures-multi-chromium.heapsnapshot.gz", "closures-multi-chromium.realms.json.gz"},
    {"dom-detached-chromium.heapsnapshot.gz", "dom-detached-chromium.realms.json.gz"},
    {"dom-alloc-timeline-chromium.heaptimeline.gz", "dom-alloc-timeline-chromium.realms.json.gz"},
    {"tiny-node20.heapsnapshot.gz", "tiny-node20.realms.json.gz"},
    {"alloc-node20.heapsnapshot.gz", "alloc-node20.realms.json.gz"},
    {"alloc-timeline-node20.heaptimeline.gz", "alloc-timeline-node20.realms.json.gz"},
    {"leak-A-node20.heapsnapshot.gz", "leak-A-node20.realms.json.gz"},
    {"leak-B-node20.heapsnapshot.gz", "leak-B-node20.realms.json.gz"},
    {"leak2-A-node20.heapsnapshot.gz", "leak2-A-node20.realms.json.gz"},
    {"leak2-B-node20.heapsnapshot.gz", "leak2-B-node20.realms.json.gz"},
    {"leak2-C-node20.heapsnapshot.gz", "leak2-C-node20.realms.json.gz"},
    {"strings-node20.heapsnapshot.gz", "strings-node20.realms.json.gz"},
    {"mixed-node18.heapsnapshot.gz", "mixed-node18.realms.json.gz"},
    {"mixed-node22.heapsnapshot.gz", "mixed-node22.realms.json.gz"},
    {"mixed-node24.heapsnapshot.gz", "mixed-node24.realms.json.gz"},
    {"mixed-pair-node26-A.heapsnapshot.gz", "mixed-pair-node26-A.realms.json.gz"},
    {"mixed-pair-node26-B.heapsnapshot.gz", "mixed-pair-node26-B.realms.json.gz"},
    {"mixed-pair-deno2-A.heapsnapshot.gz", "mixed-pair-deno2-A.realms.json.gz"},
    {"mixed-pair-deno2-B.heapsnapshot.gz", "mixed-pair-deno2-B.realms.json.gz"},
    {"mixed-bun1.heapsnapshot.gz", "mixed-bun1.realms.json.gz"},
    {"mixed-pair-bun1-A.heapsnapshot.gz", "mixed-pair-bun1-A.realms.json.gz"},
    {"mixed-pair-bun1-B.heapsnapshot.gz", "mixed-pair-bun1-B.realms.json.gz"},
    {"mixed-timeline-node12.heaptimeline.gz", "mixed-timeline-node12.realms.json.gz"},
    {"mixed-timeline-node26.heaptimeline.gz", "mixed-timeline-node26.realms.json.gz"},
    {"mixed-timeline-deno2.heaptimeline.gz", "mixed-timeline-deno2.realms.json.gz"},
};

// The oracle's gzip JSON, parsed.
std::shared_ptr<OracleDoc> gzOracle(const std::string& file) {
    gzFile in = gzopen(dataPath(file).c_str(), "rb");
    if (!in) {
        ADD_FAILURE() << "cannot open " << file;
        return nullptr;
    }
    std::string text;
    char buffer[1 << 16];
    for (int got; (got = gzread(in, buffer, sizeof buffer)) > 0;)
        text.append(buffer, std::size_t(got));
    gzclose(in);
    auto doc = std::make_shared<OracleDoc>();
    if (auto err = doc->parser.parse(text).get(doc->root)) {
        ADD_FAILURE() << "cannot read " << file << ": " << simdjson::error_message(err);
        return nullptr;
    }
    return doc;
}

class RealmsGolden : public ::testing::TestWithParam<RealmFixture> {};

std::string fixtureName(const ::testing::TestParamInfo<RealmFixture>& info) {
    std::string n = info.param.snapshot;
    n = n.substr(0, n.find('.'));
    for (char& c : n)
        if (!std::isalnum(static_cast<unsigned char>(c)))
            c = '_';
    return n;
}

TEST_P(RealmsGolden, NativeContextSizes) {
    auto a = analysisOf(GetParam().snapshot);
    auto doc = gzOracle(GetParam().oracle);
    ASSERT_TRUE(a && doc);
    auto realms = computeRealms(*a);
    ASSERT_TRUE(realms) << realms.error().message();
    const Realms& r = **realms;
    auto expected = doc->root["native_context_sizes"];
    simdjson::dom::array list;
    ASSERT_FALSE(expected["nativeContexts"].get_array().get(list));
    ASSERT_EQ(r.nativeContexts.size(), list.size());
    std::size_t i = 0;
    for (auto e : list) {
        const NativeContextSize& c = r.nativeContexts[i++];
        EXPECT_EQ(std::int64_t(c.nodeId), asInt(e["nodeId"]));
        EXPECT_EQ(std::int64_t(c.nodeIndex), asInt(e["nodeIndex"]));
        EXPECT_EQ(c.nodeName, asString(e["nodeName"]));
        EXPECT_EQ(std::int64_t(c.attributedSize), asInt(e["attributedSize"])) << c.nodeId;
        EXPECT_EQ(std::int64_t(c.retainedSize), asInt(e["retainedSize"])) << c.nodeId;
        EXPECT_EQ(std::int64_t(c.selfSize), asInt(e["selfSize"])) << c.nodeId;
    }
    EXPECT_EQ(std::int64_t(r.sharedSize), asInt(expected["sharedSize"]));
    EXPECT_EQ(std::int64_t(r.noAttributionSize), asInt(expected["noAttributionSize"]));
}

TEST_P(RealmsGolden, RealmFilters) {
    auto a = analysisOf(GetParam().snapshot);
    auto doc = gzOracle(GetParam().oracle);
    ASSERT_TRUE(a && doc);
    auto realms = computeRealms(*a);
    ASSERT_TRUE(realms) << realms.error().message();
    simdjson::dom::object filters;
    ASSERT_FALSE(doc->root["native_context_filters"].get_object().get(filters));
    EXPECT_EQ(filters.size(), (*realms)->nativeContexts.size() + 2);
    for (auto f : filters) {
        const std::string key(f.key);
        const auto filter = realmFilterFromKey(**realms, key);
        ASSERT_TRUE(filter) << key;
        EXPECT_EQ(realmFilterKey(**realms, *filter), key);
        auto agg = aggregateRealm(*a, **realms, *filter);
        ASSERT_TRUE(agg) << agg.error().message();
        std::map<std::string, const ClassAggregate*> byKey;
        for (const auto& c : agg->classes)
            byKey[a->classes[c.classIndex].key] = &c;
        simdjson::dom::object classes;
        ASSERT_FALSE(f.value["classes"].get_object().get(classes));
        EXPECT_EQ(std::int64_t(agg->classes.size()), asInt(f.value["class_count"])) << key;
        EXPECT_EQ(std::int64_t(agg->objectCount), asInt(f.value["object_count"])) << key;
        EXPECT_EQ(std::int64_t(agg->selfSize), asInt(f.value["self_size"])) << key;
        for (auto field : classes) {
            const std::string cls(field.key);
            auto it = byKey.find(cls);
            if (it == byKey.end()) {
                ADD_FAILURE() << key << ": class " << cls << " is missing";
                continue;
            }
            const ClassAggregate& c = *it->second;
            simdjson::dom::element v = field.value;
            EXPECT_EQ(a->classes[c.classIndex].name, asString(v["name"])) << key << " " << cls;
            EXPECT_EQ(std::int64_t(c.count), asInt(v["count"])) << key << " " << cls;
            EXPECT_EQ(std::int64_t(c.distance), asInt(v["distance"])) << key << " " << cls;
            EXPECT_EQ(std::int64_t(c.selfSize), asInt(v["self_size"])) << key << " " << cls;
            EXPECT_EQ(std::int64_t(c.retainedSize), asInt(v["retained_size"])) << key << " " << cls;
        }
    }
}

TEST_P(RealmsGolden, ContextAnalysis) {
    auto a = analysisOf(GetParam().snapshot);
    auto doc = gzOracle(GetParam().oracle);
    ASSERT_TRUE(a && doc);
    auto result = analyzeContexts(*a);
    ASSERT_TRUE(result) << result.error().message();
    const ContextAnalysis& r = **result;
    EXPECT_EQ(r.skipped, "");
    auto expected = doc->root["context_analysis"];
    simdjson::dom::array scopes, without;
    ASSERT_FALSE(expected["scopes"].get_array().get(scopes));
    ASSERT_FALSE(expected["scriptsWithoutScopes"].get_array().get(without));
    ASSERT_EQ(r.scopes.size(), scopes.size());
    std::size_t i = 0;
    for (auto e : scopes) {
        const ScopeReport& s = r.scopes[i++];
        const std::string where = "scope " + std::to_string(i - 1);
        EXPECT_EQ(std::int64_t(s.scopeInfoNodeIndex), asInt(e["scopeInfoNodeIndex"])) << where;
        EXPECT_EQ(std::int64_t(s.scopeInfoNodeId), asInt(e["scopeInfoNodeId"])) << where;
        EXPECT_EQ(std::int64_t(s.scriptNodeIndex), asInt(e["scriptNodeIndex"])) << where;
        EXPECT_EQ(std::int64_t(s.scriptNodeId), asInt(e["scriptNodeId"])) << where;
        EXPECT_EQ(s.scriptName, asString(e["scriptName"])) << where;
        std::string_view name;
        if (e["scopeName"].get_string().get(name))
            EXPECT_FALSE(s.scopeName) << where;
        else
            EXPECT_EQ(s.scopeName.value_or("(none)"), std::string(name)) << where;
        EXPECT_EQ(s.scopeStart, asInt(e["scopeStart"])) << where;
        EXPECT_EQ(s.scopeEnd, asInt(e["scopeEnd"])) << where;
        EXPECT_EQ(std::int64_t(s.contextFieldCount), asInt(e["contextFieldCount"])) << where;
        simdjson::dom::array contexts;
        ASSERT_FALSE(e["contexts"].get_array().get(contexts));
        ASSERT_EQ(s.contexts.size(), contexts.size()) << where;
        std::size_t j = 0;
        for (auto ce : contexts) {
            const ContextReport& c = s.contexts[j++];
            EXPECT_EQ(std::int64_t(c.contextNodeIndex), asInt(ce["contextNodeIndex"])) << where;
            EXPECT_EQ(std::int64_t(c.contextNodeId), asInt(ce["contextNodeId"])) << where;
            EXPECT_EQ(std::int64_t(c.retainedSize), asInt(ce["retainedSize"])) << where;
            EXPECT_EQ(std::int64_t(c.deadFieldsRetainedSizeSum), asInt(ce["deadFieldsRetainedSizeSum"]))
                << where;
            simdjson::dom::array fields;
            ASSERT_FALSE(ce["deadFields"].get_array().get(fields));
            ASSERT_EQ(c.deadFields.size(), fields.size()) << where;
            std::size_t k = 0;
            for (auto fe : fields) {
                const DeadContextField& f = c.deadFields[k++];
                EXPECT_EQ(f.name, asString(fe["name"])) << where;
                EXPECT_EQ(std::int64_t(f.valueNodeIndex), asInt(fe["valueNodeIndex"])) << where;
                EXPECT_EQ(std::int64_t(f.valueNodeId), asInt(fe["valueNodeId"])) << where;
                EXPECT_EQ(f.valueName, asString(fe["valueName"])) << where;
                EXPECT_EQ(f.valueType, asString(fe["valueType"])) << where;
                EXPECT_EQ(std::int64_t(f.selfSize), asInt(fe["selfSize"])) << where;
                EXPECT_EQ(std::int64_t(f.retainedSize), asInt(fe["retainedSize"])) << where;
            }
        }
    }
    ASSERT_EQ(r.scriptsWithoutScopes.size(), without.size());
    i = 0;
    for (auto e : without) {
        const ScriptWithoutScopes& s = r.scriptsWithoutScopes[i++];
        EXPECT_EQ(std::int64_t(s.scriptNodeIndex), asInt(e["scriptNodeIndex"]));
        EXPECT_EQ(std::int64_t(s.scriptNodeId), asInt(e["scriptNodeId"]));
        EXPECT_EQ(s.scriptName, asString(e["scriptName"]));
        EXPECT_EQ(std::int64_t(s.contextCount), asInt(e["contextCount"]));
    }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RealmsGolden, ::testing::ValuesIn(kRealmFixtures), fixtureName);

// The fixtures made for this analysis show what they were made for.
TEST(RealmsFixtures, TheClassicLeakIsFoundAndTheCleanPageHasNone) {
    auto leak = analysisOf("closures-leak-chromium.heapsnapshot.gz");
    auto clean = analysisOf("closures-noleak-chromium.heapsnapshot.gz");
    auto multi = analysisOf("closures-multi-chromium.heapsnapshot.gz");
    ASSERT_TRUE(leak && clean && multi);
    auto l = analyzeContexts(*leak);
    auto c = analyzeContexts(*clean);
    auto m = analyzeContexts(*multi);
    ASSERT_TRUE(l && c && m);
    EXPECT_TRUE((*l)->hasScopeSections);
    ASSERT_FALSE((*l)->scopes.empty());
    const ScopeReport& top = (*l)->scopes.front();
    EXPECT_EQ(top.contexts.front().deadFields.front().name, "bigData");
    EXPECT_EQ(top.contexts.size(), 4u);
    EXPECT_EQ(scopeLocationText(*leak, top), top.scriptName + ":5:21");
    EXPECT_TRUE((*c)->hasScopeSections);
    EXPECT_TRUE((*c)->scopes.empty());
    std::set<std::string> scripts;
    for (const ScopeReport& s : (*m)->scopes)
        scripts.insert(s.scriptName);
    EXPECT_GE(scripts.size(), 3u);
    auto realms = computeRealms(*multi);
    ASSERT_TRUE(realms);
    EXPECT_GE((*realms)->nativeContexts.size(), 4u);
}

} // namespace
} // namespace heapscope::test
