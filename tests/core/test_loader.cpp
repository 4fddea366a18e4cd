// SPDX-License-Identifier: MIT
// The loader against real fixtures (checked with the DevTools oracle's numbers), miniature
// snapshots for every format variant, malformed inputs and cancellation.
#include "../real_snapshots.h"
#include "test_util.h"

#include "heapscope/analysis.h"
#include "heapscope/loader.h"
#include "heapscope/snapshot.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <thread>

using namespace heapscope;
using namespace heapscope::test;

namespace {

constexpr std::int64_t kAnyOffset = -2;

template <typename T> std::vector<T> column(const PodArray<T>& a) {
    return std::vector<T>(a.begin(), a.end());
}

// Works whether retainer edges are stored or computed on access.
std::vector<std::uint32_t> retainerEdges(const Snapshot& s) {
    std::vector<std::uint32_t> out;
    for (RetainerSlot r(0); r.value < s.retainerSource().size(); ++r)
        out.push_back(s.retainerEdge[r].value);
    return out;
}

std::vector<std::string> allStrings(const Snapshot& s) {
    std::vector<std::string> out;
    for (std::uint32_t i = 0; i < s.strings.size(); ++i)
        out.emplace_back(s.strings[i]);
    return out;
}

// Asserts a failed load with this stage, offset (unless kAnyOffset) and a part of the reason; the
// message must name the input.
void expectError(const Expected<SnapshotPtr>& r, std::string_view stage, std::int64_t offset,
                 std::string_view reasonPart, std::string_view file = "mini.heapsnapshot") {
    ASSERT_FALSE(r.ok()) << "loaded although it should fail with: " << reasonPart;
    const Error& e = r.error();
    EXPECT_EQ(e.stage, stage) << e.message();
    if (offset != kAnyOffset)
        EXPECT_EQ(e.offset, offset) << e.message();
    EXPECT_NE(e.reason.find(reasonPart), std::string::npos) << "reason: " << e.reason;
    EXPECT_FALSE(e.cancelled);
    EXPECT_EQ(e.file, file);
    EXPECT_NE(e.message().find(std::string(file)), std::string::npos) << e.message();
}

std::int64_t offsetOf(const std::string& json, const std::string& needle, std::size_t from = 0) {
    const auto p = json.find(needle, from);
    EXPECT_NE(p, std::string::npos) << needle;
    return std::int64_t(p);
}

// Byte offset of the index-th number of a top-level numeric array.
std::int64_t numberOffset(const std::string& json, const std::string& section, std::size_t index) {
    std::size_t p = json.find("\"" + section + "\":[");
    EXPECT_NE(p, std::string::npos) << section;
    p += section.size() + 4;
    for (std::size_t i = 0; i < index; ++i)
        p = json.find(',', p) + 1;
    while (json[p] == ' ' || json[p] == '\n')
        ++p;
    return std::int64_t(p);
}

// Retainers computed the slow, obvious way: DevTools' order is decreasing (source, edge).
struct Retainers {
    std::vector<std::uint32_t> first, edge, source;
};
Retainers naiveRetainers(const Snapshot& s) {
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> per(s.nodeCount);
    for (NodeOrdinal n : s.nodes())
        for (EdgeOrdinal e : s.edgesOf(n))
            per[s.edgeTo[e].value].push_back({n.value, e.value});
    Retainers r;
    r.first.push_back(0);
    for (auto& list : per) {
        std::sort(list.begin(), list.end(), std::greater<>());
        for (auto [src, e] : list) {
            r.source.push_back(src);
            r.edge.push_back(e);
        }
        r.first.push_back(std::uint32_t(r.edge.size()));
    }
    return r;
}

void expectRetainersAsDevTools(const Snapshot& s) {
    const Retainers r = naiveRetainers(s);
    ASSERT_EQ(s.firstRetainer().size(), std::size_t(s.nodeCount) + 1);
    ASSERT_EQ(s.retainerSource().size(), std::size_t(s.edgeCount));
    EXPECT_TRUE(column(s.firstRetainer()) == r.first);
    EXPECT_TRUE(retainerEdges(s) == r.edge);
    EXPECT_TRUE(column(s.retainerSource()) == r.source);
}

void expectSameGraph(const Snapshot& a, const Snapshot& b) {
    ASSERT_EQ(a.nodeCount, b.nodeCount);
    ASSERT_EQ(a.edgeCount, b.edgeCount);
    EXPECT_EQ(a.rootOrdinal, b.rootOrdinal);
    EXPECT_TRUE(column(a.nodeType) == column(b.nodeType));
    EXPECT_TRUE(column(a.nodeName) == column(b.nodeName));
    EXPECT_TRUE(column(a.nodeId) == column(b.nodeId));
    EXPECT_TRUE(column(a.nodeSelfSize) == column(b.nodeSelfSize));
    EXPECT_TRUE(column(a.firstEdge) == column(b.firstEdge));
    EXPECT_TRUE(column(a.nodeTraceId) == column(b.nodeTraceId));
    EXPECT_TRUE(column(a.nodeDetachedness) == column(b.nodeDetachedness));
    EXPECT_TRUE(column(a.edgeType) == column(b.edgeType));
    EXPECT_TRUE(column(a.edgeNameOrIndex) == column(b.edgeNameOrIndex));
    EXPECT_TRUE(column(a.edgeTo) == column(b.edgeTo));
    EXPECT_TRUE(column(a.firstRetainer()) == column(b.firstRetainer()));
    EXPECT_TRUE(retainerEdges(a) == retainerEdges(b));
    EXPECT_TRUE(column(a.retainerSource()) == column(b.retainerSource()));
    EXPECT_TRUE(allStrings(a) == allStrings(b));
    EXPECT_EQ(a.nodeTypeNames, b.nodeTypeNames);
    EXPECT_EQ(a.edgeTypeNames, b.edgeTypeNames);
    ASSERT_EQ(a.locations.size(), b.locations.size());
    for (std::size_t i = 0; i < a.locations.size(); ++i) {
        EXPECT_EQ(a.locations[i].node, b.locations[i].node);
        EXPECT_EQ(a.locations[i].scriptId, b.locations[i].scriptId);
        EXPECT_EQ(a.locations[i].line, b.locations[i].line);
        EXPECT_EQ(a.locations[i].column, b.locations[i].column);
    }
    ASSERT_EQ(a.traceFunctionInfos.size(), b.traceFunctionInfos.size());
    ASSERT_EQ(a.traceTree.size(), b.traceTree.size());
    for (std::size_t i = 0; i < a.traceTree.size(); ++i) {
        EXPECT_EQ(a.traceTree[i].id, b.traceTree[i].id);
        EXPECT_EQ(a.traceTree[i].parent, b.traceTree[i].parent);
        EXPECT_EQ(a.traceTree[i].size, b.traceTree[i].size);
    }
    ASSERT_EQ(a.samples.size(), b.samples.size());
    EXPECT_EQ(a.warnings, b.warnings);
}

std::vector<std::string> stringArray(simdjson::dom::element e) {
    std::vector<std::string> out;
    simdjson::dom::array arr = e.get_array();
    for (auto v : arr)
        out.emplace_back(std::string_view(v.get_string().value()));
    return out;
}

// ---------------------------------------------------------------------------------------------
// Real fixtures against the oracle

using Fixture = RealSnapshot;

class FixtureTest : public ::testing::TestWithParam<Fixture> {};

TEST_P(FixtureTest, MatchesOracleCountsAndFormat) {
    const Fixture& f = GetParam();
    const std::string path = dataPath(f.snapshot);
    auto r = loadSnapshot(path);
    ASSERT_TRUE(r.ok()) << r.error().message();
    const Snapshot& s = **r;

    simdjson::dom::parser parser;
    simdjson::dom::element oracle = parser.load(dataPath(f.oracle));
    simdjson::dom::element totals = oracle["totals"];
    simdjson::dom::element meta = oracle["meta"];

    EXPECT_EQ(s.path, path);
    EXPECT_EQ(s.nodeCount, std::uint64_t(totals["node_count"]));
    EXPECT_EQ(s.edgeCount, std::uint64_t(totals["edge_count"]));
    EXPECT_EQ(s.format.headerNodeCount, std::uint64_t(totals["header_node_count"]));
    EXPECT_EQ(s.format.headerEdgeCount, std::uint64_t(totals["header_edge_count"]));
    EXPECT_EQ(s.rootOrdinal * s.format.nodeFields.size(), std::uint64_t(totals["root_index"]));
    EXPECT_EQ(s.traceFunctionInfos.size(), std::uint64_t(totals["trace_function_count"]));
    if (totals["extra_native_bytes"].is_null())
        EXPECT_EQ(s.extraNativeBytes, 0.0);
    else
        EXPECT_EQ(s.extraNativeBytes, double(totals["extra_native_bytes"]));

    EXPECT_EQ(s.format.nodeFields, stringArray(meta["node_fields"]));
    EXPECT_EQ(s.format.nodeTypes, stringArray(meta["node_types"]));
    EXPECT_EQ(s.format.edgeFields, stringArray(meta["edge_fields"]));
    EXPECT_EQ(s.format.edgeTypes, stringArray(meta["edge_types"]));
    EXPECT_EQ(s.format.otherMetaKeys, stringArray(meta["other_meta_keys"]));
    EXPECT_EQ(s.format.headerKeys, stringArray(meta["header_keys"]));
    EXPECT_EQ(s.nodeTypeNames, s.format.nodeTypes);
    EXPECT_EQ(s.edgeTypeNames, s.format.edgeTypes);
    EXPECT_TRUE(std::find(s.nodeKinds.begin(), s.nodeKinds.end(), NodeKind::Unknown) == s.nodeKinds.end());
    EXPECT_TRUE(std::find(s.edgeKinds.begin(), s.edgeKinds.end(), EdgeKind::Unknown) == s.edgeKinds.end());
    EXPECT_TRUE(s.format.gzip);
    EXPECT_EQ(s.format.compressedSize, std::filesystem::file_size(path));
    // Node 12 writes no detachedness; Node 24 and later and Deno write no trace_node_id.
    const auto fields = stringArray(meta["node_fields"]);
    const auto has = [&](std::string_view name) {
        return std::find(fields.begin(), fields.end(), name) != fields.end();
    };
    EXPECT_EQ(s.hasDetachedness, has("detachedness"));
    EXPECT_EQ(s.hasTraceNodeId, has("trace_node_id"));

    ASSERT_EQ(s.firstEdge.size(), std::size_t(s.nodeCount) + 1);
    EXPECT_EQ(s.firstEdge[NodeOrdinal(0)].value, 0u);
    EXPECT_EQ(s.firstEdge[NodeOrdinal(s.nodeCount)].value, s.edgeCount);
    EXPECT_EQ(s.nodeType.size(), s.nodeCount);
    EXPECT_EQ(s.edgeTo.size(), s.edgeCount);
    expectRetainersAsDevTools(s);

    // The oracle's sampled nodes: raw columns as written.
    std::size_t checked = 0;
    simdjson::dom::array samples = oracle["samples"].get_array();
    for (auto sample : samples) {
        const NodeOrdinal ord{std::uint32_t(std::uint64_t(sample["ordinal"]))};
        ASSERT_LT(ord.value, s.nodeCount);
        SCOPED_TRACE("node ordinal " + std::to_string(ord.value));
        EXPECT_EQ(s.nodeId[ord], std::uint64_t(sample["id"]));
        EXPECT_EQ(s.typeName(ord), std::string_view(sample["type"]));
        EXPECT_EQ(s.nodeSelfSize[ord], std::uint64_t(sample["self_size_raw"]));
        EXPECT_EQ(s.firstEdge[ord.next()].value - s.firstEdge[ord].value,
                  std::uint64_t(sample["edge_count"]));
        EXPECT_EQ(s.retainersOf(ord).size(), std::uint64_t(sample["retainer_count"]));
        // The oracle's name is DevTools' display name: plain objects become "{a, b}", DOM
        // propagation adds "Detached ", cons strings are flattened.
        const std::string_view shown = sample["name"];
        if (s.kind(ord) == NodeKind::Object && shown.starts_with("{"))
            EXPECT_EQ(s.name(ord), "Object");
        else if (s.kind(ord) == NodeKind::Native && shown.starts_with("Detached "))
            EXPECT_EQ("Detached " + std::string(s.name(ord)), shown);
        else if (s.kind(ord) != NodeKind::ConsString)
            EXPECT_EQ(s.name(ord), shown);
        ++checked;
    }
    EXPECT_GT(checked, 100u);

    // Timeline samples are DevTools' (timestamp_us / 1000, last_assigned_id).
    simdjson::dom::element timeline = oracle["timeline_samples"];
    if (timeline.is_null()) {
        EXPECT_TRUE(s.samples.empty());
    } else {
        simdjson::dom::array ts = timeline["timestamps"].get_array();
        simdjson::dom::array ids = timeline["lastAssignedIds"].get_array();
        ASSERT_EQ(s.samples.size(), ts.size());
        std::size_t i = 0;
        for (auto t : ts) {
            EXPECT_EQ(double(s.samples[i].timestampUs), std::round(double(t) * 1000.0)) << i;
            EXPECT_EQ(s.samples[i].lastAssignedId, std::uint64_t(ids.at(i)));
            ++i;
        }
    }
}

TEST_P(FixtureTest, GzipAndPlainGiveIdenticalGraphs) {
    const Fixture& f = GetParam();
    const std::string gzPath = dataPath(f.snapshot);
    const std::string json = gunzip(readFile(gzPath));
    TempDir dir;
    std::string plainName = f.snapshot;
    plainName.resize(plainName.size() - 3);
    const std::string plainPath = dir.file(plainName);
    writeFile(plainPath, json);

    auto gz = loadSnapshot(gzPath);
    ASSERT_TRUE(gz.ok()) << gz.error().message();
    auto plain = loadSnapshot(plainPath);
    ASSERT_TRUE(plain.ok()) << plain.error().message();
    EXPECT_FALSE((*plain)->format.gzip);
    EXPECT_EQ((*plain)->format.compressedSize, 0u);
    EXPECT_EQ((*gz)->fileSize, json.size());
    EXPECT_EQ((*plain)->fileSize, json.size());
    expectSameGraph(**gz, **plain);

    // One thread and no page release must give the same result as the parallel path.
    LoadOptions single;
    single.threads = 1;
    single.releasePages = false;
    auto one = loadSnapshot(plainPath, single);
    ASSERT_TRUE(one.ok()) << one.error().message();
    expectSameGraph(**one, **plain);

    // Strings and locations read beside the big arrays (what big files do) give the same result.
    LoadOptions side;
    side.threads = 2;
    side.sideSectionsFromBytes = 0;
    auto beside = loadSnapshot(plainPath, side);
    ASSERT_TRUE(beside.ok()) << beside.error().message();
    expectSameGraph(**beside, **plain);

    // The big arrays cut into many small pieces (as files of gigabytes are) give the same result.
    LoadOptions pieces;
    pieces.threads = 2;
    pieces.parsePieceBytes = 97; // an odd size: pieces end in the middle of records
    auto cut = loadSnapshot(plainPath, pieces);
    ASSERT_TRUE(cut.ok()) << cut.error().message();
    expectSameGraph(**cut, **plain);

    // The big arrays through the memory mapping instead of pread(): the same graph.
    for (const std::uint64_t pieceBytes : {std::uint64_t(97), std::uint64_t(16) << 20}) {
        LoadOptions mapped;
        mapped.threads = 2;
        mapped.readBigArrays = false;
        mapped.parsePieceBytes = pieceBytes;
        auto viaMap = loadSnapshot(plainPath, mapped);
        ASSERT_TRUE(viaMap.ok()) << viaMap.error().message();
        expectSameGraph(**viaMap, **plain);
    }

    // Byte by byte instead of 64 bytes at a time: the same graph.
    LoadOptions bytewise;
    bytewise.numberBlocks = false;
    auto slow = loadSnapshot(plainPath, bytewise);
    ASSERT_TRUE(slow.ok()) << slow.error().message();
    expectSameGraph(**slow, **plain);

    auto mem = loadSnapshotFromMemory(json, "in-memory");
    ASSERT_TRUE(mem.ok()) << mem.error().message();
    EXPECT_EQ((*mem)->path, "in-memory");
    expectSameGraph(**mem, **plain);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureTest, ::testing::ValuesIn(kRealSnapshots),
                         [](const ::testing::TestParamInfo<Fixture>& info) {
                             std::string n = info.param.snapshot;
                             n = n.substr(0, n.find('.'));
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

TEST(FixtureSpecifics, AllocNode20WarnsAboutTraceFunctionCount) {
    auto r = loadSnapshot(dataPath("alloc-node20.heapsnapshot.gz"));
    ASSERT_TRUE(r.ok()) << r.error().message();
    const Snapshot& s = **r;
    EXPECT_EQ(s.format.headerTraceFunctionCount, 60u);
    EXPECT_EQ(s.traceFunctionInfos.size(), 61u);
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_EQ(s.warnings[0],
              "the header's trace_function_count is 60 but trace_function_infos holds 61 functions; "
              "all 61 were loaded");
    EXPECT_FALSE(s.traceTree.empty());
}

TEST(FixtureSpecifics, ConsistentFixturesHaveNoWarnings) {
    for (const char* f : {"tiny-node20.heapsnapshot.gz", "alloc-timeline-node20.heaptimeline.gz",
                          "dom-alloc-timeline-chromium.heaptimeline.gz"}) {
        auto r = loadSnapshot(dataPath(f));
        ASSERT_TRUE(r.ok()) << r.error().message();
        EXPECT_TRUE((*r)->warnings.empty()) << f << ": " << (*r)->warnings.front();
    }
}

TEST(FixtureSpecifics, ChromiumScopeSectionsAreTolerated) {
    auto r = loadSnapshot(dataPath("dom-alloc-timeline-chromium.heaptimeline.gz"));
    ASSERT_TRUE(r.ok()) << r.error().message();
    const Snapshot& s = **r;
    std::vector<std::string> names;
    for (const auto& sec : s.format.sections)
        names.push_back(sec.name);
    const std::vector<std::string> expected = {
        "snapshot",           "nodes",      "edges",     "trace_function_infos",
        "trace_tree",         "samples",    "locations", "scopes",
        "scope_context_vars", "scope_uses", "strings"};
    EXPECT_EQ(names, expected);
    for (const auto& sec : s.format.sections) {
        EXPECT_TRUE(sec.known) << sec.name; // the scope sections are read for the closure analysis
        EXPECT_GT(sec.bytes, 0u) << sec.name;
    }
    EXPECT_TRUE(s.scopeSections.present());
    EXPECT_EQ(s.scopeSections.problem, "");
    EXPECT_EQ(s.scopeSections.scopes.size() % s.scopeSections.scopeFields.size(), 0u);
    EXPECT_FALSE(s.scopeSections.contextVars.empty());
    EXPECT_EQ(s.format.locationFields, (std::vector<std::string>{"object_index", "script_id",
                                                                 "script_object_index", "line", "column"}));
    EXPECT_EQ(s.format.headerTraceFunctionCount, 5u);
    EXPECT_EQ(s.locations.size(), 3035u / 5);
    EXPECT_EQ(s.format.nodeTypes.size(), 15u);
}

// ---------------------------------------------------------------------------------------------
// Miniature snapshots

void expectStandardColumns(const Snapshot& s, bool traceIds = true, bool detachedness = true) {
    ASSERT_EQ(s.nodeCount, 5u);
    ASSERT_EQ(s.edgeCount, 7u);
    EXPECT_EQ(s.rootOrdinal, 0u);
    EXPECT_EQ(column(s.nodeType), (std::vector<std::uint8_t>{9, 3, 2, 5, 8}));
    EXPECT_EQ(column(s.nodeName), (std::vector<std::uint32_t>{0, 1, 2, 3, 1}));
    EXPECT_EQ(column(s.nodeId), (std::vector<std::uint32_t>{1, 3, 5, 7, 9}));
    EXPECT_EQ(column(s.nodeSelfSize), (std::vector<std::uint32_t>{0, 32, 16, 40, 8}));
    EXPECT_EQ(column(s.firstEdge), (std::vector<std::uint32_t>{0, 3, 6, 6, 7, 7}));
    EXPECT_EQ(s.hasTraceNodeId, traceIds);
    EXPECT_EQ(s.hasDetachedness, detachedness);
    if (traceIds)
        EXPECT_EQ(column(s.nodeTraceId), (std::vector<std::uint32_t>{0, 0, 0, 0, 4}));
    else
        EXPECT_EQ(s.nodeTraceId.size(), 0u);
    if (detachedness)
        EXPECT_EQ(column(s.nodeDetachedness), (std::vector<std::uint8_t>{0, 0, 0, 1, 2}));
    else
        EXPECT_EQ(column(s.nodeDetachedness), (std::vector<std::uint8_t>{0, 0, 0, 0, 0}));
    EXPECT_EQ(column(s.edgeType), (std::vector<std::uint8_t>{1, 5, 1, 2, 2, 3, 0}));
    EXPECT_EQ(column(s.edgeNameOrIndex), (std::vector<std::uint32_t>{1, 8, 2, 4, 5, 6, 7}));
    EXPECT_EQ(column(s.edgeTo), (std::vector<std::uint32_t>{1, 3, 4, 2, 2, 3, 1}));
    EXPECT_EQ(column(s.firstRetainer()), (std::vector<std::uint32_t>{0, 0, 2, 4, 6, 7}));
    EXPECT_EQ(retainerEdges(s), (std::vector<std::uint32_t>{6, 0, 4, 3, 5, 1, 2}));
    EXPECT_EQ(column(s.retainerSource()), (std::vector<std::uint32_t>{3, 0, 1, 1, 1, 0, 0}));
    EXPECT_EQ(allStrings(s),
              (std::vector<std::string>{"", "Foo", "hello", "bar", "x", "y", "map", "v", "g", "(GC roots)"}));
    EXPECT_EQ(s.kind(NodeOrdinal(0)), NodeKind::Synthetic);
    EXPECT_EQ(s.kind(NodeOrdinal(1)), NodeKind::Object);
    EXPECT_EQ(s.kind(NodeOrdinal(2)), NodeKind::String);
    EXPECT_EQ(s.kind(NodeOrdinal(3)), NodeKind::Closure);
    EXPECT_EQ(s.kind(NodeOrdinal(4)), NodeKind::Native);
    EXPECT_EQ(s.typeName(NodeOrdinal(1)), "object");
    EXPECT_EQ(s.name(NodeOrdinal(2)), "hello");
    EXPECT_EQ(s.edgeKind(EdgeOrdinal(0)), EdgeKind::Element);
    EXPECT_EQ(s.edgeKind(EdgeOrdinal(6)), EdgeKind::Context);
    EXPECT_EQ(s.edgeNameText(EdgeOrdinal(2)), "2");
    EXPECT_EQ(s.edgeNameText(EdgeOrdinal(3)), "x");
    EXPECT_EQ(s.edgeNameText(EdgeOrdinal(5)), "map");
    EXPECT_FALSE(s.edgeNameString(EdgeOrdinal(0)).has_value());
    EXPECT_EQ(s.edgeNameString(EdgeOrdinal(1)).value_or("?"), "g");
    EXPECT_EQ(s.edgeTypeName(EdgeOrdinal(1)), "shortcut");
    EXPECT_EQ(s.nodeWithId(7), NodeOrdinal(3));
    EXPECT_FALSE(s.nodeWithId(4).has_value());
    EXPECT_EQ(s.maxJsObjectId(), 9u);
}

TEST(MiniSnapshot, StandardSevenFields) {
    const MiniSnapshot m = standardMini();
    const std::string json = m.json();
    auto r = loadText(json);
    ASSERT_TRUE(r.ok()) << r.error().message();
    const Snapshot& s = **r;
    expectStandardColumns(s);
    EXPECT_TRUE(s.warnings.empty());
    EXPECT_EQ(s.path, "mini.heapsnapshot");
    EXPECT_EQ(s.fileSize, json.size());
    EXPECT_FALSE(s.format.gzip);
    EXPECT_EQ(s.format.headerKeys,
              (std::vector<std::string>{"meta", "node_count", "edge_count", "trace_function_count"}));
    EXPECT_EQ(s.format.otherMetaKeys,
              (std::vector<std::string>{"trace_function_info_fields", "trace_node_fields", "sample_fields",
                                        "location_fields"}));
    EXPECT_EQ(s.format.headerNodeCount, 5u);
    EXPECT_EQ(s.format.headerEdgeCount, 7u);
    EXPECT_EQ(s.extraNativeBytes, 0.0);
    ASSERT_EQ(s.format.sections.size(), 8u);
    const auto& nodes = s.format.sections[1];
    EXPECT_EQ(nodes.name, "nodes");
    EXPECT_EQ(nodes.offset, json.find("\"nodes\":") + 8);
    EXPECT_EQ(nodes.bytes, numberList(m.nodeNumbers()).size());
    EXPECT_EQ(nodes.items, 35u);
    EXPECT_EQ(s.format.sections[2].items, 21u);
    EXPECT_EQ(s.format.sections[7].name, "strings");
    EXPECT_EQ(s.format.sections[7].items, 10u);
    for (const auto& sec : s.format.sections)
        EXPECT_TRUE(sec.known) << sec.name;
}

TEST(MiniSnapshot, SixFieldsWithoutTraceNodeId) {
    MiniSnapshot m = standardMini();
    m.nodeFields = {"type", "name", "id", "self_size", "edge_count", "detachedness"};
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    expectStandardColumns(**r, false, true);
}

TEST(MiniSnapshot, SixFieldsWithoutDetachedness) {
    MiniSnapshot m = standardMini();
    m.nodeFields = {"type", "name", "id", "self_size", "edge_count", "trace_node_id"};
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    expectStandardColumns(**r, true, false);
}

TEST(MiniSnapshot, FiveFields) {
    MiniSnapshot m = standardMini();
    m.nodeFields = {"type", "name", "id", "self_size", "edge_count"};
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    expectStandardColumns(**r, false, false);
}

TEST(MiniSnapshot, NodeFieldsInAnotherOrder) {
    MiniSnapshot m = standardMini();
    m.nodeFields = {"id", "edge_count", "detachedness", "name", "self_size", "type", "trace_node_id"};
    const std::string json = m.json();
    // The layout really changed: the first node row starts with its id.
    EXPECT_NE(json.find("\"nodes\":[1,3,0,0,0,9,0,"), std::string::npos);
    auto r = loadText(json);
    ASSERT_TRUE(r.ok()) << r.error().message();
    expectStandardColumns(**r);
}

TEST(MiniSnapshot, UnknownExtraNodeAndEdgeFieldsAreIgnored) {
    MiniSnapshot m = standardMini();
    m.nodeFields = {"type",       "name",          "id",          "flags", "self_size",
                    "edge_count", "trace_node_id", "detachedness"};
    m.edgeFields = {"type", "weight", "name_or_index", "to_node"};
    const std::string json = m.json();
    EXPECT_NE(json.find("\"edges\":[1,0,1,8,"), std::string::npos); // to_node is a multiple of 8
    auto r = loadText(json);
    ASSERT_TRUE(r.ok()) << r.error().message();
    expectStandardColumns(**r);
    EXPECT_EQ((*r)->format.nodeFields.size(), 8u);
}

TEST(MiniSnapshot, EdgeFieldsInAnotherOrder) {
    MiniSnapshot m = standardMini();
    m.edgeFields = {"to_node", "name_or_index", "type"};
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    expectStandardColumns(**r);
}

TEST(MiniSnapshot, NodeTypesWithoutObjectShape) {
    MiniSnapshot m = standardMini();
    m.nodeTypes.resize(14); // V8 before "object shape" and "wasm object"
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    expectStandardColumns(**r);
    EXPECT_EQ((*r)->nodeTypeNames.size(), 14u);
    EXPECT_TRUE((*r)->warnings.empty());

    m.nodes[2].type = 14;
    const std::string json = m.json();
    expectError(loadText(json), "nodes", offsetOf(json, ",14,2,", json.find("\"nodes\":[")) + 1,
                "node 2 has type 14, but meta.node_types lists only 14 types");
}

TEST(MiniSnapshot, TypesResolvedByNameNotPosition) {
    MiniSnapshot m = standardMini();
    std::reverse(m.nodeTypes.begin(), m.nodeTypes.end());
    std::reverse(m.edgeTypes.begin(), m.edgeTypes.end());
    for (auto& n : m.nodes)
        n.type = 15 - n.type;
    for (auto& e : m.edges)
        e.type = 6 - e.type;
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    const Snapshot& s = **r;
    EXPECT_EQ(column(s.nodeType), (std::vector<std::uint8_t>{6, 12, 13, 10, 7}));
    EXPECT_EQ(s.kind(NodeOrdinal(0)), NodeKind::Synthetic);
    EXPECT_EQ(s.kind(NodeOrdinal(2)), NodeKind::String);
    EXPECT_EQ(s.kind(NodeOrdinal(4)), NodeKind::Native);
    EXPECT_EQ(s.edgeKind(EdgeOrdinal(0)), EdgeKind::Element);
    EXPECT_EQ(s.edgeKind(EdgeOrdinal(1)), EdgeKind::Shortcut);
    EXPECT_EQ(s.edgeNameText(EdgeOrdinal(0)), "1");
    EXPECT_EQ(s.edgeNameText(EdgeOrdinal(1)), "g");
}

TEST(MiniSnapshot, UnknownNodeAndEdgeTypes) {
    MiniSnapshot m = standardMini();
    m.nodeTypes.push_back("future type");
    m.edgeTypes.push_back("strong");
    m.nodes[4].type = 16;
    m.edges[2] = {7, 4, 4}; // an unknown edge type named by string 4 ("x")
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    const Snapshot& s = **r;
    EXPECT_EQ(s.kind(NodeOrdinal(4)), NodeKind::Unknown);
    EXPECT_EQ(s.typeName(NodeOrdinal(4)), "future type");
    EXPECT_EQ(s.edgeKind(EdgeOrdinal(2)), EdgeKind::Unknown);
    EXPECT_EQ(s.edgeTypeName(EdgeOrdinal(2)), "strong");
    EXPECT_EQ(s.edgeNameText(EdgeOrdinal(2)), "x");
    EXPECT_EQ(s.warnings,
              (std::vector<std::string>{"unknown node type \"future type\" (shown by its name)",
                                        "unknown edge type \"strong\" (treated as a named reference)"}));
}

TEST(MiniSnapshot, KeysInAnyOrder) {
    const MiniSnapshot m = standardMini();
    auto members = m.sections();
    std::reverse(members.begin(), members.end()); // strings first, snapshot last
    const std::string json = MiniSnapshot::join(members);
    ASSERT_LT(json.find("\"strings\""), json.find("\"nodes\""));
    auto r = loadText(json);
    ASSERT_TRUE(r.ok()) << r.error().message();
    expectStandardColumns(**r);
    EXPECT_EQ((*r)->format.sections.front().name, "strings");

    std::rotate(members.begin(), members.begin() + 3, members.end());
    auto r2 = loadText(MiniSnapshot::join(members));
    ASSERT_TRUE(r2.ok()) << r2.error().message();
    expectStandardColumns(**r2);
}

TEST(MiniSnapshot, OptionalSectionsMayBeMissing) {
    const MiniSnapshot m = standardMini();
    auto members = m.sections();
    std::erase_if(members, [](const auto& kv) {
        return kv.first != "snapshot" && kv.first != "nodes" && kv.first != "edges" && kv.first != "strings";
    });
    auto r = loadText(MiniSnapshot::join(members));
    ASSERT_TRUE(r.ok()) << r.error().message();
    expectStandardColumns(**r);
    EXPECT_EQ((*r)->format.sections.size(), 4u);
}

TEST(MiniSnapshot, UnknownSectionsHeaderAndMetaKeys) {
    MiniSnapshot m = standardMini();
    m.extraMeta = ",\"scope_fields\":[\"a\",\"b\"],\"future_fields\":{\"x\":[1,2]}";
    m.extraHeader = ",\"title\":\"old \\\"quoted\\\" title ]}\",\"uid\":3";
    auto members = m.sections();
    members.insert(members.begin() + 7, {"scopes", "[-2,1,0,-2,3]"});
    members.insert(members.begin() + 2, {"weird", "{\"a\":[1,\"]}\\\"\",{\"b\":null}],\"c\":-1.5e3}"});
    members.push_back({"flag", "true"});
    members.push_back({"nothing", "null"});
    members.push_back({"number", "-12.5E+2"});
    members.push_back({"text", "\"[{\""});
    auto r = loadText(MiniSnapshot::join(members));
    ASSERT_TRUE(r.ok()) << r.error().message();
    const Snapshot& s = **r;
    expectStandardColumns(s);
    EXPECT_EQ(s.format.otherMetaKeys,
              (std::vector<std::string>{"trace_function_info_fields", "trace_node_fields", "sample_fields",
                                        "location_fields", "scope_fields", "future_fields"}));
    EXPECT_EQ(s.format.headerKeys, (std::vector<std::string>{"meta", "node_count", "edge_count",
                                                             "trace_function_count", "title", "uid"}));
    std::map<std::string, bool> known;
    for (const auto& sec : s.format.sections)
        known[sec.name] = sec.known;
    EXPECT_EQ(known.size(), 14u);
    EXPECT_TRUE(known.at("scopes")); // read for the closure analysis, which checks its fields
    EXPECT_EQ(s.scopeSections.scopes, (std::vector<std::int64_t>{-2, 1, 0, -2, 3}));
    EXPECT_FALSE(known.at("weird"));
    EXPECT_FALSE(known.at("text"));
    EXPECT_TRUE(known.at("locations"));
}

TEST(MiniSnapshot, WhitespaceEverywhere) {
    MiniSnapshot m = standardMini();
    m.locations = {7, 10, 2, 5};
    m.traceFunctionCount = 1;
    m.traceFunctionInfos = {1, 3, 1, 7, 10, 5};
    m.traceTree = "[1,0,5,100,[2,0,3,40,[]]]";
    m.samples = {1000, 3};
    const std::string json = spaced(m.json());
    ASSERT_NE(json.find("[\n  \t1 \r\n\t,"), std::string::npos);
    auto r = loadText(json);
    ASSERT_TRUE(r.ok()) << r.error().message();
    expectStandardColumns(**r);
    EXPECT_EQ((*r)->locations.size(), 1u);
    EXPECT_EQ((*r)->traceTree.size(), 2u);
    EXPECT_EQ((*r)->samples.size(), 1u);
    EXPECT_TRUE((*r)->warnings.empty());
}

TEST(MiniSnapshot, OldV8NewlineAfterEveryRecord) {
    const MiniSnapshot m = standardMini();
    auto rows = [](const std::vector<std::uint64_t>& v, std::size_t width) {
        std::string out = "[";
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i)
                out += (i % width == 0) ? "\n," : ",";
            out += std::to_string(v[i]);
        }
        return out + "]";
    };
    auto members = m.sections();
    members[1].second = rows(m.nodeNumbers(), 7);
    members[2].second = rows(m.edgeNumbers(), 3);
    members[7].second =
        "[\"\",\n\"Foo\",\n\"hello\",\n\"bar\",\n\"x\",\n\"y\",\n\"map\",\n\"v\",\n\"g\",\n\"(GC roots)\"]";
    auto r = loadText(MiniSnapshot::join(members));
    ASSERT_TRUE(r.ok()) << r.error().message();
    expectStandardColumns(**r);
}

TEST(MiniSnapshot, ExtraNativeBytesAndRootIndex) {
    MiniSnapshot m = standardMini();
    m.extraHeader = ",\"extra_native_bytes\":123456789,\"root_index\":14";
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ((*r)->extraNativeBytes, 123456789.0);
    EXPECT_EQ((*r)->rootOrdinal, 2u);

    m.extraHeader = ",\"root_index\":0";
    auto r0 = loadText(m.json());
    ASSERT_TRUE(r0.ok()) << r0.error().message();
    EXPECT_EQ((*r0)->rootOrdinal, 0u);
}

TEST(MiniSnapshot, RootIndexMustPointToANode) {
    MiniSnapshot m = standardMini();
    m.extraHeader = ",\"root_index\":15";
    const std::string json = m.json();
    const std::int64_t header = std::int64_t(json.find("\"snapshot\":") + 11);
    expectError(loadText(json), "header", header, "root_index 15 does not point to a node");
    m.extraHeader = ",\"root_index\":35";
    expectError(loadText(m.json()), "header", header, "root_index 35 does not point to a node");
}

TEST(MiniSnapshot, LocationsWithFourFields) {
    MiniSnapshot m = standardMini();
    m.locations = {21, 11, 0, 0, 7, 10, 2, 5};
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    const Snapshot& s = **r;
    ASSERT_EQ(s.locations.size(), 2u);
    EXPECT_EQ(s.locations[0].node, NodeOrdinal(1)); // sorted by node
    EXPECT_EQ(s.locations[1].node, NodeOrdinal(3));
    const Location* l = s.location(NodeOrdinal(1));
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->scriptId, 10u);
    EXPECT_EQ(l->line, 2u);
    EXPECT_EQ(l->column, 5u);
    EXPECT_EQ(s.location(NodeOrdinal(3))->scriptId, 11u);
    EXPECT_EQ(s.location(NodeOrdinal(0)), nullptr);
    EXPECT_EQ(s.location(NodeOrdinal(2)), nullptr);
}

TEST(MiniSnapshot, LocationsWithFiveFields) {
    MiniSnapshot m = standardMini();
    m.locationFields = {"object_index", "script_id", "script_object_index", "line", "column"};
    m.locations = {7, 10, 99, 2, 5, 21, 11, 98, 3, 4};
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    const Snapshot& s = **r;
    EXPECT_EQ(s.format.locationFields, m.locationFields);
    ASSERT_EQ(s.locations.size(), 2u);
    EXPECT_EQ(s.location(NodeOrdinal(1))->scriptId, 10u);
    EXPECT_EQ(s.location(NodeOrdinal(1))->line, 2u);
    EXPECT_EQ(s.location(NodeOrdinal(1))->column, 5u);
    EXPECT_EQ(s.location(NodeOrdinal(3))->line, 3u);
    EXPECT_EQ(s.location(NodeOrdinal(3))->column, 4u);
}

TEST(MiniSnapshot, LocationErrors) {
    MiniSnapshot m = standardMini();
    m.locations = {7, 10, 2, 5, 21};
    std::string json = m.json();
    const std::int64_t at = std::int64_t(json.find("\"locations\":") + 12);
    expectError(loadText(json), "locations", at,
                "\"locations\" holds 5 numbers, not a multiple of its 4 fields");
    m.locations = {8, 10, 2, 5};
    expectError(loadText(m.json()), "locations", at,
                "location 0 refers to node index 8, which is not a node");
    m.locations = {35, 10, 2, 5};
    expectError(loadText(m.json()), "locations", at,
                "location 0 refers to node index 35, which is not a node");
}

TEST(MiniSnapshot, TraceFunctionsTreeAndSamples) {
    MiniSnapshot m = standardMini();
    m.traceFunctionCount = 2;
    m.traceFunctionInfos = {1, 3, 1, 7, 10, 5, 2, 2, 9, 7, 0, 0};
    m.traceTree = "[1,0,5,100,[2,1,3,40,[4,0,1,8,[]]],3,1,1,8,[]]";
    m.samples = {1000, 3, 2500, 9};
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    const Snapshot& s = **r;
    EXPECT_TRUE(s.warnings.empty());
    ASSERT_EQ(s.traceFunctionInfos.size(), 2u);
    EXPECT_EQ(s.traceFunctionInfos[0].functionId, 1u);
    EXPECT_EQ(s.traceFunctionInfos[0].name.value, 3u);
    EXPECT_EQ(s.traceFunctionInfos[0].scriptName.value, 1u);
    EXPECT_EQ(s.traceFunctionInfos[0].scriptId, 7u);
    EXPECT_EQ(s.traceFunctionInfos[0].line, 10u);
    EXPECT_EQ(s.traceFunctionInfos[0].column, 5u);
    EXPECT_EQ(s.traceFunctionInfos[1].scriptName.value, 9u);
    ASSERT_EQ(s.traceTree.size(), 4u);
    const std::uint32_t none = kNoTraceNode; // a top node has no parent
    EXPECT_EQ(s.traceTree[0].id, 1u);
    EXPECT_EQ(s.traceTree[0].parent, none);
    EXPECT_EQ(s.traceTree[0].count, 5u);
    EXPECT_EQ(s.traceTree[0].size, 100u);
    EXPECT_EQ(s.traceTree[1].id, 2u);
    EXPECT_EQ(s.traceTree[1].functionInfoIndex, 1u);
    EXPECT_EQ(s.traceTree[1].parent, 0u);
    EXPECT_EQ(s.traceTree[2].id, 4u);
    EXPECT_EQ(s.traceTree[2].parent, 1u);
    EXPECT_EQ(s.traceTree[3].id, 3u);
    EXPECT_EQ(s.traceTree[3].parent, none);
    ASSERT_EQ(s.samples.size(), 2u);
    EXPECT_EQ(s.samples[1].timestampUs, 2500u);
    EXPECT_EQ(s.samples[1].lastAssignedId, 9u);

    m.traceFunctionCount = 1;
    auto w = loadText(m.json());
    ASSERT_TRUE(w.ok()) << w.error().message();
    EXPECT_EQ(
        w.value()->warnings,
        (std::vector<std::string>{"the header's trace_function_count is 1 but trace_function_infos holds 2 "
                                  "functions; all 2 were loaded"}));
    EXPECT_EQ(w.value()->traceFunctionInfos.size(), 2u);
}

TEST(MiniSnapshot, TraceErrors) {
    MiniSnapshot m = standardMini();
    m.traceFunctionCount = 1;
    m.traceFunctionInfos = {1, 10, 1, 7, 10, 5};
    std::string json = m.json();
    expectError(loadText(json), "trace_function_infos",
                std::int64_t(json.find("\"trace_function_infos\":") + 23),
                "trace function 0 refers to a string that does not exist");
    m.traceFunctionInfos = {1, 3, 1, 7, 10, 5};
    m.traceTree = "[1,0,5,[]]";
    json = m.json();
    expectError(loadText(json), "trace_tree", kAnyOffset,
                "\"trace_tree\" is malformed: expected a trace node [id, function, count, size, [children]]");
}

TEST(MiniSnapshot, NoEdges) {
    MiniSnapshot m;
    m.strings = {""};
    m.nodes = {{tSynthetic, 0, 1, 0, 0}};
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ((*r)->nodeCount, 1u);
    EXPECT_EQ((*r)->edgeCount, 0u);
    EXPECT_EQ(column((*r)->firstEdge), (std::vector<std::uint32_t>{0, 0}));
    EXPECT_EQ(column((*r)->firstRetainer()), (std::vector<std::uint32_t>{0, 0}));
}

TEST(MiniSnapshot, SelfReferencesAndDuplicateEdgesAreKept) {
    MiniSnapshot m;
    m.strings = {"", "a"};
    m.nodes = {{tSynthetic, 0, 1, 0, 2}, {tObject, 1, 3, 10, 3}};
    m.edges = {{eElement, 1, 1}, {eElement, 2, 1}, {eProperty, 1, 1}, {eProperty, 1, 1}, {eInternal, 1, 0}};
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    const Snapshot& s = **r;
    EXPECT_EQ(column(s.firstRetainer()), (std::vector<std::uint32_t>{0, 1, 5}));
    EXPECT_EQ(retainerEdges(s), (std::vector<std::uint32_t>{4, 3, 2, 1, 0}));
    EXPECT_EQ(column(s.retainerSource()), (std::vector<std::uint32_t>{1, 1, 1, 0, 0}));
}

// A graph big enough to be split across threads (arrays over 1 MiB, more than 65536 edges).
MiniSnapshot generatedGraph(std::uint32_t nodeCount, std::uint32_t seed) {
    MiniSnapshot m;
    for (int i = 0; i < 100; ++i)
        m.strings.push_back("s" + std::to_string(i));
    std::mt19937 rng(seed);
    for (std::uint32_t n = 0; n < nodeCount; ++n) {
        const std::uint64_t edges = rng() % 8;
        m.nodes.push_back({n == 0 ? tSynthetic : rng() % 14, rng() % 100, 2 * n + 1, rng() % 100000, edges,
                           rng() % 50, rng() % 3});
        for (std::uint64_t k = 0; k < edges; ++k) {
            const std::uint64_t type = rng() % 7;
            // Many edges point to a few hot nodes, so retainer lists cross the thread boundaries.
            const std::uint64_t to = (rng() % 4 == 0) ? rng() % 5 : rng() % nodeCount;
            m.edges.push_back({type, type == eElement || type == eHidden ? rng() : rng() % 100, to});
        }
    }
    return m;
}

TEST(MiniSnapshot, ParallelParseAndRetainersMatchSingleThread) {
    const MiniSnapshot m = generatedGraph(120000, 7);
    const std::string json = m.json();
    ASSERT_GT(m.edges.size(), 65536u);
    LoadOptions one;
    one.threads = 1;
    auto r1 = loadText(json, one);
    ASSERT_TRUE(r1.ok()) << r1.error().message();
    const Snapshot& s = **r1;
    ASSERT_EQ(s.nodeCount, m.nodes.size());
    ASSERT_EQ(s.edgeCount, m.edges.size());
    for (std::uint32_t i = 0; i < s.nodeCount; i += 997) {
        const NodeOrdinal n(i);
        EXPECT_EQ(s.nodeType[n], m.nodes[i].type);
        EXPECT_EQ(s.nodeName[n].value, m.nodes[i].name);
        EXPECT_EQ(s.nodeId[n], m.nodes[i].id);
        EXPECT_EQ(s.nodeSelfSize[n], m.nodes[i].selfSize);
        EXPECT_EQ(s.nodeTraceId.empty() ? 0u : s.nodeTraceId[n], m.nodes[i].traceNodeId);
        EXPECT_EQ(s.nodeDetachedness[n], m.nodes[i].detachedness);
    }
    for (std::uint32_t i = 0; i < s.edgeCount; i += 101) {
        const EdgeOrdinal e(i);
        EXPECT_EQ(s.edgeType[e], m.edges[i].type);
        EXPECT_EQ(s.edgeNameOrIndex[e], std::uint32_t(m.edges[i].nameOrIndex));
        EXPECT_EQ(s.edgeTo[e].value, m.edges[i].to);
    }
    expectRetainersAsDevTools(s);
    for (unsigned threads : {2u, 3u, 8u}) {
        LoadOptions many;
        many.threads = threads;
        auto r = loadText(json, many);
        ASSERT_TRUE(r.ok()) << r.error().message();
        SCOPED_TRACE("threads " + std::to_string(threads));
        expectSameGraph(s, **r);
    }
    auto spacedResult = loadText(spaced(json));
    ASSERT_TRUE(spacedResult.ok()) << spacedResult.error().message();
    expectSameGraph(s, **spacedResult);
    LoadOptions bytewise;
    bytewise.numberBlocks = false;
    for (const std::string& text : {json, spaced(json)}) {
        auto r = loadText(text, bytewise);
        ASSERT_TRUE(r.ok()) << r.error().message();
        expectSameGraph(s, **r);
    }
}

// The 64-byte reader hands anything unusual to the byte loop: every kind of damage anywhere in
// the big arrays gives exactly the error (stage, offset, reason) the byte loop alone gives.
TEST(MiniSnapshot, NumberBlocksAndByteLoopAgreeOnDamagedArrays) {
    MiniSnapshot m = generatedGraph(3000, 13);
    m.nodes[1234].id = 4000000000u; // ten digits in the middle of the array
    m.nodes[1700].selfSize = 123456789;
    const std::string json = m.json();
    const std::size_t nodesAt = json.find("\"nodes\"");
    const std::size_t edgesEnd = json.find(']', json.find("\"edges\""));
    ASSERT_NE(nodesAt, std::string::npos);
    ASSERT_NE(edgesEnd, std::string::npos);
    const std::vector<std::string> damages = {
        "x",  "-", ".", "e", " ", ",", ",,", "\n", "]", "9", "99999999999", "4294967296", "0000000000001",
        "\t,"};
    LoadOptions blocks;
    blocks.threads = 1;
    LoadOptions bytewise = blocks;
    bytewise.numberBlocks = false;
    std::mt19937 rng(5);
    int failures = 0;
    for (int i = 0; i < 400; ++i) {
        std::string damaged = json;
        const std::size_t at = nodesAt + 10 + rng() % (edgesEnd - nodesAt - 10);
        const std::string& what = damages[rng() % damages.size()];
        if (rng() % 2)
            damaged.replace(at, 1, what);
        else
            damaged.insert(at, what);
        SCOPED_TRACE("damage \"" + what + "\" at byte " + std::to_string(at));
        auto a = loadText(damaged, blocks);
        auto b = loadText(damaged, bytewise);
        ASSERT_EQ(a.ok(), b.ok()) << (a.ok() ? b.error().message() : a.error().message());
        if (a.ok()) {
            expectSameGraph(**a, **b);
            continue;
        }
        ++failures;
        EXPECT_EQ(a.error().stage, b.error().stage);
        EXPECT_EQ(a.error().offset, b.error().offset);
        EXPECT_EQ(a.error().reason, b.error().reason);
    }
    EXPECT_GT(failures, 200); // most damage is an error
}

TEST(MiniSnapshot, ManyUnorderedLocationsAreSortedAndTheLastOfANodeWins) {
    MiniSnapshot m = generatedGraph(120000, 5);
    std::mt19937 rng(3);
    std::map<std::uint32_t, std::array<std::uint32_t, 3>> expected; // node -> its last location
    for (int i = 0; i < 200000; ++i) {
        // node ordinals above 65536 need both radix passes; some nodes appear several times
        const auto node = std::uint32_t((i % 5 == 0) ? rng() % 50 : rng() % 120000);
        const std::array<std::uint32_t, 3> where{std::uint32_t(rng() % 1000), std::uint32_t(rng() % 100000),
                                                 std::uint32_t(i)};
        m.locations.insert(m.locations.end(), {std::uint64_t(node) * 7, where[0], where[1], where[2]});
        expected[node] = where;
    }
    const std::string json = m.json();
    LoadOptions inline_;
    inline_.threads = 1;
    LoadOptions beside;
    beside.threads = 2;
    beside.sideSectionsFromBytes = 0;
    LoadOptions bytewise = inline_;
    bytewise.numberBlocks = false;
    for (const LoadOptions& options : {inline_, beside, bytewise}) {
        auto r = loadText(json, options);
        ASSERT_TRUE(r.ok()) << r.error().message();
        const Snapshot& s = **r;
        ASSERT_EQ(s.locations.size(), expected.size());
        std::size_t i = 0;
        for (const auto& [node, where] : expected) {
            const Location& l = s.locations[i++];
            ASSERT_EQ(l.node, NodeOrdinal(node));
            EXPECT_EQ(l.scriptId, where[0]);
            EXPECT_EQ(l.line, where[1]);
            EXPECT_EQ(l.column, where[2]);
        }
    }
}

TEST(MiniSnapshot, ParallelParseReportsErrorsInLaterPieces) {
    MiniSnapshot m = generatedGraph(120000, 11);
    m.edges[m.edges.size() - 5].to = 7 * m.nodes.size();
    m.edges.back().rawTo = true;
    m.edges.back().to = 8;
    const std::string json = m.json();
    LoadOptions opts;
    opts.threads = 2;
    expectError(loadText(json, opts), "edges", kAnyOffset,
                "edge " + std::to_string(m.edges.size() - 5) + " points to node index " +
                    std::to_string(7 * 7 * m.nodes.size()) + ", past the last of the " +
                    std::to_string(m.nodes.size()) + " nodes");
}

// ---------------------------------------------------------------------------------------------
// Malformed inputs: each gives its own error

TEST(Malformed, EmptyInput) {
    expectError(loadText(""), "open", 0, "the file is empty (0 bytes)");
}

TEST(Malformed, OnlyWhitespace) {
    expectError(loadText(" \n\t\r\n  "), "header", 0, "the file contains only whitespace");
}

TEST(Malformed, NotJson) {
    expectError(loadText("Hello, world"), "header", 0,
                "this is not JSON: a heap snapshot starts with '{', this file starts with 'H'");
    expectError(loadText("\n  <html></html>"), "header", 3, "this file starts with '<'");
}

TEST(Malformed, JsonArray) {
    expectError(loadText(" [1,2,3]"), "header", 1, "this is a JSON array, not a heap snapshot");
}

TEST(Malformed, BinaryGarbage) {
    std::string garbage = "\x7f"
                          "ELF\x02\x01\x01";
    for (int i = 0; i < 200; ++i)
        garbage.push_back(char((i * 37) & 0xFF));
    expectError(loadText(garbage), "header", 0,
                "this is not JSON but binary data (it starts with byte 0x7F)");
    expectError(loadText(std::string("\0\0\0\0", 4)), "header", 0, "binary data (it starts with byte 0x00)");
}

TEST(Malformed, JsonScalarsAndOtherObjects) {
    expectError(loadText("{}"), "header", 0,
                "this JSON is not a heap snapshot: it has no \"snapshot\" header");
    expectError(loadText("{\"traceEvents\":[]}"), "header", 0,
                "this is a performance trace, not a heap snapshot");
    expectError(loadText("42"), "header", 0, "this is not JSON: a heap snapshot starts with '{'");
}

TEST(Malformed, TruncatedInHeader) {
    const std::string json = standardMini().json();
    const std::size_t cut = json.find("\"node_types\"");
    expectError(loadText(json.substr(0, cut)), "snapshot", std::int64_t(cut),
                "the file is truncated: it ends at byte " + std::to_string(cut) + " inside \"snapshot\"");
}

TEST(Malformed, TruncatedAtSectionBoundaries) {
    const std::string json = standardMini().json();
    expectError(loadText("{"), "header", 1,
                "the file is truncated: it ends at byte 1 before the closing '}' of the top-level object");
    const std::size_t afterHeader = json.find(",\n\"nodes\"");
    expectError(loadText(json.substr(0, afterHeader)), "header", std::int64_t(afterHeader),
                "the file is truncated: it ends at byte " + std::to_string(afterHeader) +
                    " after the value of \"snapshot\"");
    const std::size_t afterComma = afterHeader + 2;
    expectError(loadText(json.substr(0, afterComma)), "header", std::int64_t(afterComma),
                "before the closing '}' of the top-level object");
    const std::size_t lastByte = json.size() - 1;
    expectError(loadText(json.substr(0, lastByte)), "header", std::int64_t(lastByte),
                "the file is truncated: it ends at byte " + std::to_string(lastByte) +
                    " after the value of \"strings\"");
}

TEST(Malformed, TruncatedInsideNodes) {
    const std::string json = standardMini().json();
    const std::size_t cut = json.find("\"nodes\":[") + 20;
    const std::int64_t start = std::int64_t(json.find("\"nodes\":[") + 8);
    expectError(loadText(json.substr(0, cut)), "nodes", std::int64_t(cut),
                "the file is truncated: it ends at byte " + std::to_string(cut) +
                    " inside the \"nodes\" array (which starts at byte " + std::to_string(start) + ")");
}

TEST(Malformed, TruncatedInsideEdges) {
    const std::string json = standardMini().json();
    const std::size_t cut = json.find("\"edges\":[") + 12;
    expectError(loadText(json.substr(0, cut)), "edges", std::int64_t(cut),
                "the file is truncated: it ends at byte " + std::to_string(cut) +
                    " inside the \"edges\" array");
}

TEST(Malformed, TruncatedInsideStrings) {
    const std::string json = standardMini().json();
    const std::size_t inString = json.find("\"hello\"") + 3;
    expectError(loadText(json.substr(0, inString)), "strings", std::int64_t(inString),
                "the file is truncated: it ends at byte " + std::to_string(inString) +
                    " inside string 2 of \"strings\"");
    const std::size_t afterComma = json.find("\"hello\"") + 8;
    expectError(loadText(json.substr(0, afterComma)), "strings", std::int64_t(afterComma),
                "the file is truncated: it ends at byte " + std::to_string(afterComma) +
                    " inside the \"strings\" array");
}

TEST(Malformed, TruncatedInsideSmallSection) {
    MiniSnapshot m = standardMini();
    m.locations = {7, 10, 2, 5};
    const std::string json = m.json();
    const std::size_t cut = json.find("\"locations\":[") + 15;
    expectError(loadText(json.substr(0, cut)), "locations", std::int64_t(cut),
                "the file is truncated: it ends at byte " + std::to_string(cut) + " inside \"locations\"");
}

TEST(Malformed, CpuProfile) {
    const std::string cpu =
        "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\",\"scriptId\":\"0\",\"url\":\"\","
        "\"lineNumber\":-1,\"columnNumber\":-1},\"hitCount\":0,\"children\":[2]}],\"startTime\":123,"
        "\"endTime\":456,\"samples\":[],\"timeDeltas\":[]}";
    expectError(loadText(cpu), "header", 0, "this is a CPU profile (.cpuprofile), not a heap snapshot");
}

TEST(Malformed, SamplingHeapProfile) {
    const std::string prof = "{\"head\":{\"callFrame\":{\"functionName\":\"(root)\",\"scriptId\":\"0\","
                             "\"url\":\"\",\"lineNumber\":-1,"
                             "\"columnNumber\":-1},\"selfSize\":0,\"id\":1,\"children\":[]},\"samples\":[]}";
    expectError(loadText(prof), "header", 0,
                "this is a sampling heap profile (.heapprofile), not a heap snapshot");
}

TEST(Malformed, NodeCountMismatch) {
    MiniSnapshot m = standardMini();
    m.nodeCountOverride = 6;
    const std::string json = m.json();
    expectError(
        loadText(json), "nodes", offsetOf(json, "\"nodes\":[") + 8,
        "inconsistent counts: the header says node_count 6 (42 numbers with 7 fields each), but \"nodes\" "
        "holds 35 numbers");
}

TEST(Malformed, EdgeCountMismatch) {
    MiniSnapshot m = standardMini();
    m.edgeCountOverride = 6;
    const std::string json = m.json();
    expectError(
        loadText(json), "edges", offsetOf(json, "\"edges\":[") + 8,
        "inconsistent counts: the header says edge_count 6 (18 numbers with 3 fields each), but \"edges\" "
        "holds 21 numbers");
}

TEST(Malformed, NodesNotAMultipleOfFields) {
    MiniSnapshot m = standardMini();
    auto members = m.sections();
    members[1].second = numberList(m.nodeNumbers()).insert(1, "9,");
    const std::string json = MiniSnapshot::join(members);
    expectError(
        loadText(json), "nodes", offsetOf(json, "\"nodes\":[") + 8,
        "the header says node_count 5 (35 numbers with 7 fields each), but \"nodes\" holds 36 numbers");
}

TEST(Malformed, EdgeCountSumTooLarge) {
    MiniSnapshot m = standardMini();
    m.nodes[2].edgeCount = 1;
    const std::string json = m.json();
    expectError(
        loadText(json), "nodes", offsetOf(json, "\"nodes\":[") + 8,
        "inconsistent counts: the edge_count values of the nodes add up to more than the 7 edges in the file "
        "(exceeded at node 3)");
}

TEST(Malformed, EdgeCountSumTooSmall) {
    MiniSnapshot m = standardMini();
    m.nodes[3].edgeCount = 0;
    const std::string json = m.json();
    expectError(
        loadText(json), "nodes", offsetOf(json, "\"nodes\":[") + 8,
        "inconsistent counts: the edge_count values of the nodes add up to 6, but the file has 7 edges");
}

TEST(Malformed, ToNodeNotAMultipleOfFieldCount) {
    MiniSnapshot m = standardMini();
    m.edges[3] = {eProperty, 4, 8, true};
    const std::string json = m.json();
    const auto r = loadText(json);
    const std::string reason = "edge 3 points to node index 8, which is not a multiple of the 7 node fields";
    expectError(r, "edges", numberOffset(json, "edges", 3 * 3 + 2), reason);
    if (!r.ok())
        EXPECT_EQ(r.error().reason, reason); // the whole reason, not only its start
}

TEST(Malformed, ToNodePastTheEnd) {
    MiniSnapshot m = standardMini();
    m.edges[6].to = 5;
    const std::string json = m.json();
    expectError(loadText(json), "edges", numberOffset(json, "edges", 6 * 3 + 2),
                "edge 6 points to node index 35, past the last of the 5 nodes");
    m.edges[6] = {eContext, 7, 4294967295ull, true};
    expectError(loadText(m.json()), "edges", kAnyOffset, "edge 6 points to node index 4294967295");
}

TEST(Malformed, NodeNameStringOutOfRange) {
    MiniSnapshot m = standardMini();
    m.nodes[3].name = 10;
    const std::string json = m.json();
    expectError(loadText(json), "nodes", offsetOf(json, "\"nodes\":[") + 8,
                "a node name refers to string 10, but \"strings\" holds only 10 strings");
}

TEST(Malformed, EdgeNameStringOutOfRange) {
    MiniSnapshot m = standardMini();
    m.edges[5].nameOrIndex = 99;
    const std::string json = m.json();
    // the offset of the name itself: ",99," is the only 99 among the edges
    expectError(loadText(json), "edges", offsetOf(json, ",99,") + 1,
                "edge 5 is named by string 99, but \"strings\" holds only 10 strings");
}

TEST(Malformed, ElementIndexesAreNotStringIds) {
    MiniSnapshot m = standardMini();
    m.edges[0].nameOrIndex = 4000000000ull; // an element index, not a string id
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ((*r)->edgeNameText(EdgeOrdinal(0)), "4000000000");
}

TEST(Malformed, NegativeNumberInNodes) {
    MiniSnapshot m = standardMini();
    auto members = m.sections();
    members[1].second = "[9,0,1,-1,3,0,0" + numberList(m.nodeNumbers()).substr(14);
    const std::string json = MiniSnapshot::join(members);
    expectError(loadText(json), "nodes", offsetOf(json, "-1"),
                "a negative number in \"nodes\" (only non-negative integers are allowed)");
}

TEST(Malformed, NegativeNumberInEdges) {
    MiniSnapshot m = standardMini();
    auto members = m.sections();
    members[2].second = "[-1" + numberList(m.edgeNumbers()).substr(2);
    const std::string json = MiniSnapshot::join(members);
    expectError(loadText(json), "edges", offsetOf(json, "[-1") + 1, "a negative number in \"edges\"");
}

TEST(Malformed, NumberOver32Bits) {
    MiniSnapshot m = standardMini();
    m.nodes[1].selfSize = 4294967296ull;
    std::string json = m.json();
    expectError(loadText(json), "nodes", offsetOf(json, "4294967296"),
                "a number in \"nodes\" is larger than 4294967295");
    m.nodes[1].selfSize = 4294967295ull; // the largest allowed
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ((*r)->nodeSelfSize[NodeOrdinal(1)], 4294967295u);
    m.nodes[1].selfSize = 123456789012345678ull;
    json = m.json();
    expectError(loadText(json), "nodes", offsetOf(json, "123456789012345678"), "is larger than 4294967295");
    m.nodes[1].selfSize = 32;
    m.edges[2].nameOrIndex = 99999999999ull;
    json = m.json();
    expectError(loadText(json), "edges", offsetOf(json, "99999999999"),
                "a number in \"edges\" is larger than 4294967295");
}

TEST(Malformed, NonIntegers) {
    const MiniSnapshot m = standardMini();
    for (const char* bad : {"1.5", "1e3", "2E1", "3.0"}) {
        auto members = m.sections();
        members[1].second = std::string("[9,0,1,") + bad + numberList(m.nodeNumbers()).substr(8);
        const std::string json = MiniSnapshot::join(members);
        expectError(loadText(json), "nodes", offsetOf(json, bad), "a number in \"nodes\" is not an integer");
    }
}

TEST(Malformed, NonNumbersInNumericArrays) {
    const MiniSnapshot m = standardMini();
    auto members = m.sections();
    members[1].second = "[9,0,1,null" + numberList(m.nodeNumbers()).substr(8);
    std::string json = MiniSnapshot::join(members);
    expectError(loadText(json), "nodes", offsetOf(json, "null"), "expected a number in \"nodes\", found 'n'");
    members[1].second = "[9,0,,0" + numberList(m.nodeNumbers()).substr(8);
    json = MiniSnapshot::join(members);
    expectError(loadText(json), "nodes", offsetOf(json, ",,") + 1,
                "a value is missing in \"nodes\" (two separators in a row)");
    members = m.sections();
    members[2].second = "[1 1" + numberList(m.edgeNumbers()).substr(2);
    json = MiniSnapshot::join(members);
    expectError(loadText(json), "edges", offsetOf(json, "[1 1") + 3,
                "expected ',' between the numbers of \"edges\", found '1'");
    members = m.sections();
    members[1].second = "\"nodes\"";
    json = MiniSnapshot::join(members);
    expectError(loadText(json), "nodes", offsetOf(json, "\"nodes\":") + 8,
                "\"nodes\" must be an array of non-negative integers");
}

// Found by fuzzing: with the last number missing after a trailing comma the count still matched,
// and the last field was left unwritten (garbage to_node, then an out-of-bounds retainer count).
TEST(Malformed, TrailingCommaInNumericArrays) {
    const MiniSnapshot m = standardMini();
    auto members = m.sections();
    std::string edges = numberList(m.edgeNumbers());
    edges.replace(edges.rfind(",7]"), 3, ",]"); // "...,0,7,]": 21 values by commas, 20 written
    members[2].second = edges;
    std::string json = MiniSnapshot::join(members);
    for (unsigned threads : {1u, 2u}) {
        LoadOptions o;
        o.threads = threads;
        expectError(loadText(json, o), "edges", std::int64_t(json.find(",]") + 1),
                    "a value is missing in \"edges\"");
    }
    members = m.sections();
    std::string nodes = numberList(m.nodeNumbers());
    nodes.replace(nodes.rfind(",2]"), 3, ",]");
    members[1].second = nodes;
    json = MiniSnapshot::join(members);
    expectError(loadText(json), "nodes", std::int64_t(json.find(",]") + 1),
                "a value is missing in \"nodes\"");
}

TEST(Malformed, UnknownTypeIndexes) {
    MiniSnapshot m = standardMini();
    m.nodes[2].type = 16;
    std::string json = m.json();
    expectError(loadText(json), "nodes", offsetOf(json, ",16,", json.find("\"nodes\":[")) + 1,
                "node 2 has type 16, but meta.node_types lists only 16 types");
    m = standardMini();
    m.edges[2].type = 7;
    json = m.json();
    expectError(loadText(json), "edges", offsetOf(json, ",7,2,", json.find("\"edges\":[")) + 1,
                "edge 2 has type 7, but meta.edge_types lists only 7 types");
}

TEST(Malformed, DetachednessOutOfRange) {
    MiniSnapshot m = standardMini();
    m.nodes[4].detachedness = 3;
    const std::string json = m.json();
    expectError(loadText(json), "nodes", offsetOf(json, ",3]", json.find("\"nodes\":[")) + 1,
                "node 4 has detachedness 3 (0, 1 or 2 expected)");
}

TEST(Malformed, MissingMeta) {
    const std::string json =
        "{\"snapshot\":{\"node_count\":1,\"edge_count\":0},\"nodes\":[9,0,1,0,0],\"edges\":[],"
        "\"strings\":[\"\"]}";
    expectError(loadText(json), "header", 12,
                "the \"snapshot\" header has no \"meta\" object describing the fields");
}

TEST(Malformed, MissingMetaFields) {
    const MiniSnapshot base = standardMini();
    const std::int64_t at = offsetOf(base.json(), "\"snapshot\":") + 11;
    MiniSnapshot m = base;
    m.nodeFields = {"type", "name", "self_size", "edge_count", "trace_node_id", "detachedness"};
    expectError(loadText(m.json()), "header", at, "meta.node_fields has no \"id\" field");
    m = base;
    m.nodeFields = {"type", "name", "id", "self_size", "trace_node_id", "detachedness"};
    expectError(loadText(m.json()), "header", at, "meta.node_fields has no \"edge_count\" field");
    m = base;
    m.edgeFields = {"type", "name_or_index"};
    expectError(loadText(m.json()), "header", at, "meta.edge_fields has no \"to_node\" field");
    m = base;
    m.nodeFields = {"kind", "name", "id", "self_size", "edge_count"};
    expectError(loadText(m.json()), "header", at, "meta.node_fields has no \"type\" field");
    m = base;
    m.nodeFields = {"type", "name", "id", "self_size", "edge_count", "id"};
    expectError(loadText(m.json()), "header", at, "meta.node_fields names \"id\" twice");
    m = base;
    m.nodeTypes.clear();
    expectError(loadText(m.json()), "header", at, "meta.node_types must list between 1 and 255 node types");

    auto withMeta = [&](const std::string& from, const std::string& to) {
        std::string json = base.json();
        const auto p = json.find(from);
        EXPECT_NE(p, std::string::npos) << from;
        return json.replace(p, from.size(), to);
    };
    expectError(loadText(withMeta("\"node_fields\":", "\"node_fieldz\":")), "header", at,
                "meta has no \"node_fields\"");
    expectError(loadText(withMeta("\"edge_types\":", "\"edge_typez\":")), "header", at,
                "meta has no \"edge_types\" list");
    expectError(loadText(withMeta("\"node_fields\":[\"type\"", "\"node_fields\":[7")), "header", at,
                "meta.node_fields must be a list of names");
    expectError(loadText(withMeta("\"node_count\":5", "\"node_counts\":5")), "header", at,
                "the \"snapshot\" header has no \"node_count\"");
    expectError(loadText(withMeta("\"edge_count\":7", "\"edge_count\":-7")), "header", at,
                "\"edge_count\" must be a non-negative integer");
    expectError(loadText(withMeta("\"node_count\":5", "\"node_count\":5000000000")), "header", at,
                "node_count 5000000000 is beyond what this program supports");
    expectError(loadText(withMeta("\"node_count\":5", "\"node_count\":5,,")), "header", at,
                "the \"snapshot\" header is not valid JSON");
}

// Found by fuzzing: a count written as a huge float (1e37) was converted to an integer without a
// range check, which is undefined behaviour (UBSan stops here in the sanitizer build).
TEST(Malformed, HeaderCountsBeyond64Bits) {
    const MiniSnapshot base = standardMini();
    const std::string json = base.json();
    const std::int64_t at = offsetOf(json, "\"snapshot\":") + 11;
    auto replaced = [&](const std::string& from, const std::string& to) {
        std::string j = json;
        return j.replace(j.find(from), from.size(), to);
    };
    expectError(loadText(replaced("\"edge_count\":7", "\"edge_count\":1e37")), "header", at, "edge_count");
    expectError(loadText(replaced("\"node_count\":5", "\"node_count\":1e20")), "header", at, "node_count");
    expectError(loadText(replaced("\"node_count\":5", "\"node_count\":1.8446744073709552e19")), "header", at,
                "node_count");
    expectError(loadText(replaced("\"trace_function_count\":0", "\"trace_function_count\":1e300")), "header",
                at, "trace_function_count");
}

// A root_index that is not a node index must not be ignored in favour of node 0.
TEST(Malformed, RootIndexNotAnInteger) {
    MiniSnapshot m = standardMini();
    const std::int64_t at = offsetOf(m.json(), "\"snapshot\":") + 11;
    for (const char* bad : {"-14", "1.5", "\"14\"", "1e30", "[14]"}) {
        m.extraHeader = std::string(",\"root_index\":") + bad;
        SCOPED_TRACE(bad);
        expectError(loadText(m.json()), "header", at, "root_index");
    }
    m.extraHeader = ",\"root_index\":14.0"; // an integer written as a float is still 14
    auto r = loadText(m.json());
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ((*r)->rootOrdinal, 2u);
}

TEST(Malformed, MissingRequiredSections) {
    const MiniSnapshot m = standardMini();
    for (const char* missing : {"nodes", "edges", "strings"}) {
        auto members = m.sections();
        std::erase_if(members, [&](const auto& kv) { return kv.first == missing; });
        const std::string json = MiniSnapshot::join(members);
        expectError(loadText(json), "header", std::int64_t(json.size()),
                    std::string("the file has no \"") + missing + "\" section");
    }
}

TEST(Malformed, EmptyNodes) {
    MiniSnapshot m;
    m.strings = {""};
    const std::string json = m.json();
    expectError(loadText(json), "nodes", offsetOf(json, "\"nodes\":") + 8, "the snapshot has no nodes");
}

TEST(Malformed, DuplicateTopLevelKey) {
    const MiniSnapshot m = standardMini();
    auto members = m.sections();
    members.insert(members.begin() + 3, members[1]);
    const std::string json = MiniSnapshot::join(members);
    expectError(loadText(json), "header", offsetOf(json, "\"nodes\"", json.find("\"nodes\"") + 1),
                "the key \"nodes\" appears twice at the top level");
}

TEST(Malformed, TrailingGarbage) {
    const std::string json = standardMini().json();
    expectError(loadText(json + "\n  x"), "header", std::int64_t(json.size() + 3),
                "unexpected content after the end of the JSON object: 'x'");
    expectError(loadText(json + json), "header", std::int64_t(json.size()),
                "unexpected content after the end of the JSON object: '{'");
    // Whitespace after the object is fine.
    EXPECT_TRUE(loadText(json + " \r\n\t\n").ok());
}

TEST(Malformed, BrokenTopLevelSyntax) {
    const std::string json = standardMini().json();
    std::string noColon = json;
    noColon.replace(json.find("\"edges\":"), 8, "\"edges\" ");
    expectError(loadText(noColon), "header", offsetOf(noColon, "\"edges\" ") + 8,
                "expected ':' after the key \"edges\", found '['");
    std::string noComma = json;
    noComma.replace(json.find(",\n\"edges\""), 2, "  ");
    expectError(loadText(noComma), "header", offsetOf(json, ",\n\"edges\"") + 2,
                "expected ',' or '}' after the value of \"nodes\", found '\"'");
    std::string unquoted = json;
    unquoted.replace(json.find("\"edges\""), 7, " edges ");
    expectError(loadText(unquoted), "header", offsetOf(json, "\"edges\"") + 1,
                "expected a key in double quotes at the top level, found 'e'");
}

// Not valid JSON, so not a file any producer wrote: the loader must not guess what was meant.
TEST(Malformed, MismatchedBracketsInUnknownSection) {
    auto members = standardMini().sections();
    members.insert(members.begin() + 3, {"extra", "[1,2}"});
    const std::string json = MiniSnapshot::join(members);
    auto r = loadText(json);
    ASSERT_FALSE(r.ok()) << "a section closed by the wrong bracket was accepted";
    EXPECT_EQ(r.error().offset, offsetOf(json, "2}") + 1);
    EXPECT_NE(r.error().reason.find("'}'"), std::string::npos) << r.error().reason;
}

TEST(Malformed, BadStrings) {
    MiniSnapshot m = standardMini();
    m.strings[2] = "he\\qllo";
    std::string json = m.json();
    expectError(loadText(json), "strings", offsetOf(json, "\\q"),
                "string 2 of \"strings\" is not valid JSON: invalid escape sequence \\q");
    m.strings[2] = "he\tllo"; // a raw tab
    json = m.json();
    expectError(loadText(json), "strings", offsetOf(json, "\t"),
                "string 2 of \"strings\" is not valid JSON: a control character (byte 9) inside a string "
                "must be escaped");
    m.strings[2] = "\\u12G4";
    json = m.json();
    expectError(loadText(json), "strings", offsetOf(json, "\\u12G4"),
                "a \\u escape needs four hexadecimal digits");
    auto members = standardMini().sections();
    members[7].second = "[\"\",7,\"x\"]";
    json = MiniSnapshot::join(members);
    expectError(loadText(json), "strings", offsetOf(json, "7,\"x"),
                "\"strings\" must hold only strings; element 1 starts with '7'");
    members[7].second = "[\"\" \"x\"]";
    json = MiniSnapshot::join(members);
    expectError(loadText(json), "strings", offsetOf(json, "\"x\"]"),
                "expected ',' or ']' after string 0, found '\"'");
    members[7].second = "{}";
    json = MiniSnapshot::join(members);
    expectError(loadText(json), "strings", offsetOf(json, "{}"), "\"strings\" must be an array of strings");
}

// --- file-level errors ---

TEST(MalformedFile, EmptyFile) {
    TempDir dir;
    const std::string path = dir.file("empty.heapsnapshot");
    writeFile(path, "");
    expectError(loadSnapshot(path), "open", 0, "the file is empty (0 bytes)", path);
}

TEST(MalformedFile, GzNamedFileThatIsNotGzip) {
    TempDir dir;
    const std::string path = dir.file("x.heapsnapshot.gz");
    writeFile(path, "this is plain text");
    expectError(loadSnapshot(path), "gzip", 0, "the file is named .gz but is not gzip data", path);
    // A .gz name on plain JSON is forgiven: the content decides.
    writeFile(path, standardMini().json());
    auto r = loadSnapshot(path);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_FALSE((*r)->format.gzip);
}

TEST(MalformedFile, CorruptGzip) {
    std::string gz = gzip(standardMini().json());
    ASSERT_GT(gz.size(), 40u);
    for (std::size_t i = 12; i < gz.size() - 8; ++i)
        gz[i] = char(gz[i] ^ 0x5A);
    TempDir dir;
    const std::string path = dir.file("corrupt.heapsnapshot.gz");
    writeFile(path, gz);
    expectError(loadSnapshot(path), "gzip", kAnyOffset, "the gzip data is corrupt (", path);
}

TEST(MalformedFile, GzipWithBadChecksum) {
    std::string gz = gzip(standardMini().json());
    gz[gz.size() - 6] = char(gz[gz.size() - 6] ^ 1); // inside the CRC32 trailer
    TempDir dir;
    const std::string path = dir.file("crc.heapsnapshot.gz");
    writeFile(path, gz);
    expectError(loadSnapshot(path), "gzip", kAnyOffset, "the gzip data is corrupt (incorrect data check)",
                path);
}

TEST(MalformedFile, TruncatedGzip) {
    const std::string gz = readFile(dataPath("tiny-node20.heapsnapshot.gz"));
    TempDir dir;
    const std::string path = dir.file("truncated.heapsnapshot.gz");
    writeFile(path, gz.substr(0, gz.size() / 2));
    expectError(loadSnapshot(path), "gzip", std::int64_t(gz.size() / 2),
                "the gzip data is truncated: it ends before the compressed stream is complete", path);
}

TEST(MalformedFile, GzipOfNothing) {
    TempDir dir;
    const std::string path = dir.file("nothing.heapsnapshot.gz");
    writeFile(path, gzip(""));
    expectError(loadSnapshot(path), "gzip", 0, "the gzip file decompresses to nothing (0 bytes)", path);
}

TEST(MalformedFile, GzipOfMalformedJsonReportsDecompressedOffsets) {
    const std::string json = standardMini().json();
    const std::size_t cut = json.find("\"hello\"") + 3;
    TempDir dir;
    const std::string path = dir.file("cut.heapsnapshot.gz");
    writeFile(path, gzip(json.substr(0, cut)));
    expectError(loadSnapshot(path), "strings", std::int64_t(cut), "inside string 2 of \"strings\"", path);
}

TEST(MalformedFile, Directory) {
    TempDir dir;
    expectError(loadSnapshot(dir.path().string()), "open", -1,
                "this is a directory, not a heap snapshot file", dir.path().string());
}

TEST(MalformedFile, DoesNotExist) {
    TempDir dir;
    const std::string path = dir.file("missing.heapsnapshot");
    expectError(loadSnapshot(path), "open", -1, "the file does not exist", path);
}

TEST(MalformedFile, NotARegularFile) {
    expectError(loadSnapshot("/dev/null"), "open", -1, "this is not a regular file", "/dev/null");
}

TEST(MalformedFile, MessageNamesFileStageAndOffset) {
    TempDir dir;
    const std::string path = dir.file("array.heapsnapshot");
    writeFile(path, "  [1]");
    auto r = loadSnapshot(path);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message(),
              path + ": this is a JSON array, not a heap snapshot (a heap snapshot is a JSON object "
                     "that starts with {\"snapshot\":...) (while reading header, at byte 2)");
}

// ---------------------------------------------------------------------------------------------
// Cancellation and progress

TEST(Cancellation, StopBeforeLoadingFromMemory) {
    StopFlag stop;
    stop.requestStop();
    WorkContext ctx;
    ctx.stop = &stop;
    auto r = loadSnapshotFromMemory(standardMini().json(), "mini.heapsnapshot", {}, ctx);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().cancelled);
    EXPECT_EQ(r.error().reason, "loading was cancelled");
    EXPECT_EQ(r.error().file, "mini.heapsnapshot");
}

TEST(Cancellation, StopBeforeLoadingGzipFile) {
    StopFlag stop;
    stop.requestStop();
    WorkContext ctx;
    ctx.stop = &stop;
    auto r = loadSnapshot(dataPath("tiny-node20.heapsnapshot.gz"), {}, ctx);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().cancelled);
}

TEST(Cancellation, StopBeforeLoadingPlainFile) {
    TempDir dir;
    const std::string path = dir.file("tiny.heapsnapshot");
    writeFile(path, gunzip(readFile(dataPath("tiny-node20.heapsnapshot.gz"))));
    StopFlag stop;
    stop.requestStop();
    WorkContext ctx;
    ctx.stop = &stop;
    auto r = loadSnapshot(path, {}, ctx);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().cancelled);
}

TEST(Cancellation, StopFromProgressCallbackInEveryStage) {
    const std::string json = gunzip(readFile(dataPath("leak-B-node20.heapsnapshot.gz")));
    for (Stage stage : {Stage::Reading, Stage::Parsing, Stage::Indexing}) {
        SCOPED_TRACE(stageName(stage));
        StopFlag stop;
        WorkContext ctx;
        ctx.stop = &stop;
        ctx.progress = [&](Stage s, std::uint64_t, std::uint64_t) {
            if (s == stage)
                stop.requestStop();
        };
        auto r = loadSnapshotFromMemory(json, "leak-B", {}, ctx);
        ASSERT_FALSE(r.ok());
        EXPECT_TRUE(r.error().cancelled) << r.error().message();
    }
}

TEST(Cancellation, StopFromAnotherThread) {
    const std::string json = gunzip(readFile(dataPath("leak-B-node20.heapsnapshot.gz")));
    StopFlag stop;
    WorkContext ctx;
    ctx.stop = &stop;
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        stop.requestStop();
    });
    auto r = loadSnapshotFromMemory(json, "leak-B", {}, ctx);
    stopper.join();
    // Either it finished first or it reports the cancel; never a different error.
    if (!r.ok())
        EXPECT_TRUE(r.error().cancelled) << r.error().message();
}

TEST(Cancellation, UnsetFlagDoesNotCancel) {
    StopFlag stop;
    WorkContext ctx;
    ctx.stop = &stop;
    auto r = loadSnapshotFromMemory(standardMini().json(), "mini", {}, ctx);
    ASSERT_TRUE(r.ok()) << r.error().message();
}

TEST(Progress, StagesInOrderAndBounded) {
    std::vector<std::string> stages;
    bool bounded = true;
    WorkContext ctx;
    ctx.progress = [&](Stage s, std::uint64_t done, std::uint64_t total) {
        if (stages.empty() || stages.back() != stageName(s))
            stages.emplace_back(stageName(s));
        bounded = bounded && done <= total;
    };
    LoadTimings timings;
    auto r = loadSnapshot(dataPath("leak-A-node20.heapsnapshot.gz"), {}, ctx, &timings);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_TRUE(bounded);
    EXPECT_EQ(stages, (std::vector<std::string>{"reading", "parsing", "indexing"}));
    ASSERT_FALSE(timings.stages.empty());
    for (const auto& st : timings.stages) {
        EXPECT_GE(st.seconds, 0.0);
        EXPECT_GT(st.peakRssBytes, 0u);
    }
}

} // namespace

namespace {

TEST(Progress, AnalysisMovesForwardToTheEnd) {
    auto snapshot = loadSnapshot(dataPath("leak-A-node20.heapsnapshot.gz"));
    ASSERT_TRUE(snapshot.ok()) << snapshot.error().message();
    std::vector<std::uint64_t> done;
    bool onlyAnalysis = true;
    WorkContext ctx;
    ctx.progress = [&](Stage s, std::uint64_t d, std::uint64_t total) {
        onlyAnalysis = onlyAnalysis && s == Stage::Analysis && total == 1000;
        done.push_back(d);
    };
    auto analysis = analyze(*snapshot, {}, ctx);
    ASSERT_TRUE(analysis.ok()) << analysis.error().message();
    EXPECT_TRUE(onlyAnalysis);
    ASSERT_GE(done.size(), 5u); // the passes move the bar, not only the start and the end
    EXPECT_EQ(done.front(), 0u);
    EXPECT_EQ(done.back(), 1000u);
    EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
}

TEST(Progress, OneBarThroughTheOpen) {
    // The stages of opening a snapshot follow one another on one bar from 0 to 1.
    double last = 0;
    for (Stage stage : {Stage::Reading, Stage::Parsing, Stage::Indexing, Stage::Analysis}) {
        SCOPED_TRACE(stageName(stage));
        EXPECT_DOUBLE_EQ(jobFraction(stage, 0, 100), last);
        EXPECT_LT(jobFraction(stage, 50, 100), jobFraction(stage, 100, 100));
        last = jobFraction(stage, 100, 100);
    }
    EXPECT_DOUBLE_EQ(last, 1.0);
    // A job of its own fills its own bar.
    EXPECT_DOUBLE_EQ(jobFraction(Stage::Comparison, 1, 4), 0.25);
    EXPECT_EQ(stageTitle(Stage::Parsing), "Parsing");
}

} // namespace
