// SPDX-License-Identifier: MIT
// The realms and the closure analysis on hand-built graphs, and the closure analysis on broken scope
// sections (tests/malformed/files/scopes-*.heapsnapshot, listed in scopes-expected.tsv): those load,
// and the analysis says why it skipped them instead of reading outside its tables.
#include "graph_builder.h"
#include "test_util.h"

#include "heapscope/contexts.h"
#include "heapscope/realms.h"

#include <gtest/gtest.h>

#include <fstream>

namespace heapscope::test {
namespace {

constexpr std::uint64_t tNumber = 7;

TEST(Realms, MetaMapsFixObjectsAndReachPropagates) {
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto n1 = g.node(tHidden, "system / NativeContext / https://a.example", 100);
    const auto n2 = g.node(tHidden, "Detached system / NativeContext", 200);
    const auto metaMap = g.node(tCode, "system / Map", 10);
    const auto map = g.node(tCode, "system / Map", 20);
    const auto fixedObject = g.node(tObject, "A", 30);
    const auto child = g.node(tObject, "B", 40);    // reached from o1 only: N1
    const auto shared = g.node(tObject, "C", 50);   // reached from both realms
    const auto weakOnly = g.node(tObject, "D", 60); // only through a weak edge: no realm
    const auto outside = g.node(tObject, "E", 70);  // only from the root: no realm
    const auto shortcut = g.node(tObject, "F", 80); // only through a shortcut: no realm
    g.property(root, n1, "a");
    g.property(root, n2, "b");
    g.property(root, outside, "e");
    g.edge(metaMap, eInternal, "native_context", n1);
    g.edge(map, eInternal, "map", metaMap);
    g.edge(fixedObject, eInternal, "map", map);
    g.property(n1, fixedObject, "o");
    g.property(n2, fixedObject, "o"); // a fixed object stays with its meta map's realm
    g.property(fixedObject, child, "c");
    g.property(child, shared, "s");
    g.property(n2, shared, "s");
    g.weak(n2, weakOnly);
    g.property(root, weakOnly, "d");
    g.edge(n1, eShortcut, "f", shortcut);
    g.property(root, shortcut, "f");
    auto a = g.analyze();
    ASSERT_TRUE(a);
    auto r = computeRealms(*a);
    ASSERT_TRUE(r) << r.error().message();
    const Realms& realms = **r;
    ASSERT_EQ(realms.nativeContexts.size(), 2u);
    EXPECT_EQ(realms.owner[fixedObject], std::int32_t(n1.value));
    EXPECT_EQ(realms.owner[child], std::int32_t(n1.value));
    EXPECT_EQ(realms.owner[shared], kSharedNativeContext);
    EXPECT_EQ(realms.owner[weakOnly], kNoNativeContext);
    EXPECT_EQ(realms.owner[outside], kNoNativeContext);
    EXPECT_EQ(realms.owner[shortcut], kNoNativeContext);
    EXPECT_EQ(realms.owner[metaMap], std::int32_t(n1.value)); // reached from its object through the map
    EXPECT_EQ(realms.nativeContexts[0].nodeIndex, std::uint64_t(n1.value) * 7);
    EXPECT_EQ(realms.nativeContexts[0].attributedSize, 100u + 30 + 40 + 20 + 10);
    EXPECT_EQ(realms.nativeContexts[1].attributedSize, 200u);
    EXPECT_EQ(realms.sharedSize, 50u);
    EXPECT_EQ(nativeContextLabel(realms.nativeContexts[0]), "https://a.example");
    EXPECT_EQ(nativeContextLabel(realms.nativeContexts[1]), "");
    const auto filter = realmFilterFromKey(realms, "nativeContext_" + std::to_string(n1.value * 7));
    ASSERT_TRUE(filter);
    EXPECT_FALSE(realmFilterFromKey(realms, "nativeContext_" + std::to_string(child.value * 7)));
    EXPECT_FALSE(realmFilterFromKey(realms, "nativeContext_x"));
    auto rows = aggregateRealm(*a, realms, *filter);
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->objectCount, 5u);
    EXPECT_EQ(rows->selfSize, 200u);
    EXPECT_EQ(realmFilterTitle(realms, {RealmFilter::Kind::Shared, kNoNode}),
              "Objects shared between native contexts (50\u00a0B)");
}

// A function scope with two context variables: `tag` read by a live closure, `big` only by a
// closure that is gone.
TEST(ContextAnalysis, FieldReadOnlyByAGoneClosureIsDead) {
    GraphBuilder g;
    const auto root = g.node(tSynthetic, "", 0);
    const auto script = g.node(tCode, "system / Script / test.js", 10);
    const auto scopeInfo = g.node(tCode, "system / ScopeInfo", 10);
    const auto scopeIdNode = g.node(tNumber, "int", 0);
    const auto one = g.node(tString, "1", 0);
    const auto outerSfi = g.node(tCode, "system / SharedFunctionInfo", 10);
    const auto context = g.node(tHidden, "system / Context", 40);
    const auto big = g.node(tObject, "Big", 1000);
    const auto tag = g.node(tString, "tag", 20);
    const auto alive = g.node(tClosure, "alive", 32);
    const auto aliveSfi = g.node(tCode, "system / SharedFunctionInfo", 10);
    const auto aliveScopeId = g.node(tNumber, "int", 0);
    const auto two = g.node(tString, "2", 0);
    g.property(root, alive, "alive");
    g.property(root, script, "script");
    g.property(root, outerSfi, "outer");
    g.edge(scopeInfo, eInternal, "scope_id", scopeIdNode);
    g.edge(scopeIdNode, eInternal, "value", one);
    g.edge(outerSfi, eInternal, "name_or_scope_info", scopeInfo);
    g.edge(outerSfi, eInternal, "script", script);
    g.edge(context, eInternal, "scope_info", scopeInfo);
    g.edge(context, eContext, "big", big);
    g.edge(context, eContext, "tag", tag);
    g.edge(alive, eInternal, "shared", aliveSfi);
    g.edge(alive, eInternal, "context", context);
    g.edge(aliveSfi, eInternal, "script", script);
    g.edge(aliveSfi, eInternal, "scope_id", aliveScopeId);
    g.edge(aliveScopeId, eInternal, "value", two);
    MiniSnapshot m = g.mini();
    auto id = [&](const std::string& s) {
        return std::to_string(std::find(m.strings.begin(), m.strings.end(), s) - m.strings.begin());
    };
    const std::string scriptIndex = std::to_string(script.value * m.nodeFieldCount());
    m.extraMeta =
        ",\"scope_fields\":[\"script_node_index\",\"scope_id\",\"depth\",\"scope_context_vars_count\","
        "\"scope_uses_count\"],\"scope_context_var_fields\":[\"name\"],"
        "\"scope_use_fields\":[\"declaring_scope_id\",\"slot_index\"]";
    auto sections = m.sections();
    sections.insert(sections.end() - 1, {{"scopes", "[" + scriptIndex + ",1,0,2,0," + scriptIndex +
                                                        ",2,1,0,1," + scriptIndex + ",3,1,0,1]"},
                                         {"scope_context_vars", "[" + id("big") + "," + id("tag") + "]"},
                                         {"scope_uses", "[1,1,1,0]"}});
    auto loaded = loadText(MiniSnapshot::join(sections));
    ASSERT_TRUE(loaded) << loaded.error().message();
    auto a = analyze(*loaded);
    ASSERT_TRUE(a);
    auto r = analyzeContexts(**a);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_TRUE((*r)->hasScopeSections);
    EXPECT_EQ((*r)->skipped, "");
    ASSERT_EQ((*r)->scopes.size(), 1u);
    const ScopeReport& s = (*r)->scopes[0];
    EXPECT_EQ(s.scriptName, "test.js");
    EXPECT_EQ(s.contextFieldCount, 2u);
    ASSERT_EQ(s.contexts.size(), 1u);
    EXPECT_EQ(s.contexts[0].contextNode, context);
    ASSERT_EQ(s.contexts[0].deadFields.size(), 1u);
    EXPECT_EQ(s.contexts[0].deadFields[0].name, "big");
    EXPECT_EQ(s.contexts[0].deadFields[0].valueNode, big);
    EXPECT_EQ(s.contexts[0].deadFields[0].retainedSize, 1000u);
    EXPECT_EQ(s.contexts[0].deadFieldsRetainedSizeSum, 1000u);

    // Without the scope sections the same heap has a script with live contexts but no scope data.
    auto plain = g.analyze();
    ASSERT_TRUE(plain);
    auto none = analyzeContexts(*plain);
    ASSERT_TRUE(none);
    EXPECT_FALSE((*none)->hasScopeSections);
    EXPECT_TRUE((*none)->scopes.empty());
    ASSERT_EQ((*none)->scriptsWithoutScopes.size(), 1u);
    EXPECT_EQ((*none)->scriptsWithoutScopes[0].scriptNode, script);
    EXPECT_EQ((*none)->scriptsWithoutScopes[0].contextCount, 1u);
}

TEST(ContextAnalysis, BrokenScopeSectionsAreSkippedWithTheirReason) {
    std::ifstream in(std::string(HEAPSCOPE_MALFORMED_DIR) + "/scopes-expected.tsv");
    ASSERT_TRUE(in) << "scopes-expected.tsv";
    std::string line;
    int cases = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        const auto tab = line.find('\t');
        ASSERT_NE(tab, std::string::npos) << line;
        const std::string file = line.substr(0, tab), reason = line.substr(tab + 1);
        SCOPED_TRACE(file);
        auto loaded = loadSnapshot(std::string(HEAPSCOPE_MALFORMED_DIR) + "/" + file);
        ASSERT_TRUE(loaded) << loaded.error().message();
        auto a = analyze(*loaded);
        ASSERT_TRUE(a) << a.error().message();
        auto r = analyzeContexts(**a);
        ASSERT_TRUE(r) << r.error().message();
        if (reason.empty()) {
            EXPECT_EQ((*r)->skipped, "");
            EXPECT_TRUE((*loaded)->warnings.empty());
        } else {
            EXPECT_NE((*r)->skipped.find(reason), std::string::npos) << (*r)->skipped;
        }
        EXPECT_TRUE(computeRealms(**a)); // the rest of the file is fine
        ++cases;
    }
    EXPECT_GE(cases, 10);
}

} // namespace
} // namespace heapscope::test
