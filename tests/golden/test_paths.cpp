// SPDX-License-Identifier: MIT
// Retaining paths: real edges only, through the leak's session Map, JSON valid against its schema,
// text form stable.
#include "golden_util.h"

#include "heapscope/comparison.h"
#include "heapscope/retainer_paths.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace heapscope::test {
namespace {

// Checks every hop against the loaded graph.
void expectRealEdges(const Analysis& a, const RetainerPaths& p, bool includeWeak) {
    const Snapshot& s = *a.snapshot;
    for (const RetainerPath& path : p.paths) {
        ASSERT_FALSE(path.hops.empty());
        // the first hop is retained by the root
        bool fromRoot = false;
        for (EdgeOrdinal e : s.edgesOf(s.root()))
            fromRoot = fromRoot || s.edgeTo[e] == path.hops[0].node;
        EXPECT_TRUE(fromRoot);
        for (std::size_t i = 1; i < path.hops.size(); ++i) {
            const PathHop& hop = path.hops[i];
            const NodeOrdinal from = path.hops[i - 1].node;
            const EdgeOrdinal edge = hop.edge;
            ASSERT_GE(edge, s.firstEdge[from]);
            ASSERT_LT(edge, s.firstEdge[from.next()]) << "edge does not start at the previous hop";
            EXPECT_EQ(s.edgeTo[edge], hop.node);
            if (!includeWeak)
                EXPECT_NE(s.edgeKind(edge), EdgeKind::Weak);
            // Parallel edges are merged; for a set, the last hop merges the edges to every target.
            const bool lastOfSet = i + 1 == path.hops.size() && p.targets.size() > 1;
            std::uint32_t parallel = 0;
            for (EdgeOrdinal e : s.edgesOf(from)) {
                const NodeOrdinal t = s.edgeTo[e];
                const bool counts =
                    lastOfSet ? std::binary_search(p.targets.begin(), p.targets.end(), t) : t == hop.node;
                if (counts && (includeWeak || s.edgeKind(e) != EdgeKind::Weak))
                    ++parallel;
            }
            EXPECT_EQ(hop.edgeCount, parallel);
        }
    }
}

TEST(RetainerPaths, LeakedRecordGoesThroughSessionMap) {
    auto a = analysisOf("leak-B-node20.heapsnapshot.gz");
    ASSERT_TRUE(a);
    const auto node = a->snapshot->nodeWithId(233605);
    ASSERT_TRUE(node);
    ASSERT_EQ(a->classInfo(*node).name, "RequestRecord");
    auto p = findRetainerPaths(*a, {*node}, PathOptions{});
    ASSERT_TRUE(p) << p.error().message();
    ASSERT_EQ(p->paths.size(), 5u);
    EXPECT_FALSE(p->searchCutShort);
    expectRealEdges(*a, *p, false);
    std::size_t previous = 0;
    for (const RetainerPath& path : p->paths) {
        EXPECT_GE(path.hops.size(), previous) << "shortest first";
        previous = path.hops.size();
        EXPECT_EQ(path.hops.back().node, *node);
        bool viaMap = false;
        for (std::size_t i = 1; i < path.hops.size(); ++i)
            viaMap = viaMap || (a->snapshot->name(path.hops[i].node) == "Map" &&
                                a->snapshot->edgeNameText(path.hops[i].edge) == "sessions");
        EXPECT_TRUE(viaMap);
    }
    // Distinct: no two paths have the same node sequence.
    for (std::size_t i = 0; i < p->paths.size(); ++i)
        for (std::size_t j = i + 1; j < p->paths.size(); ++j) {
            std::vector<NodeOrdinal> x, y;
            for (auto& h : p->paths[i].hops)
                x.push_back(h.node);
            for (auto& h : p->paths[j].hops)
                y.push_back(h.node);
            EXPECT_NE(x, y);
        }
    // The shortest path is as long as the BFS says.
    EXPECT_EQ(p->paths[0].hops.size(), 8u);
}

TEST(RetainerPaths, NewInstancesOfAClassAreMerged) {
    auto base = analysisOf("leak-A-node20.heapsnapshot.gz");
    auto cur = analysisOf("leak-B-node20.heapsnapshot.gz");
    ASSERT_TRUE(base && cur);
    auto cmp = compare(base, cur);
    ASSERT_TRUE(cmp);
    const ClassDiff* records = nullptr;
    for (const auto& d : (*cmp)->classes)
        if (d.name == "RequestRecord")
            records = &d;
    ASSERT_TRUE(records);
    PathOptions options;
    options.maxPaths = 3;
    auto p = findRetainerPaths(*cur, records->newNodes, options);
    ASSERT_TRUE(p);
    ASSERT_EQ(p->paths.size(), 3u);
    expectRealEdges(*cur, *p, false);
    for (const RetainerPath& path : p->paths) {
        // each Session's records array holds many of them: one path, with the count
        EXPECT_GT(path.targetCount, 1u);
        EXPECT_GT(path.hops.back().edgeCount, 1u);
    }
}

TEST(RetainerPaths, IgnoredRetainersAndUnreachable) {
    auto a = analysisOf("leak-B-node20.heapsnapshot.gz");
    ASSERT_TRUE(a);
    const NodeOrdinal target = *a->snapshot->nodeWithId(233605);
    const NodeOrdinal map = *a->snapshot->nodeWithId(84505);
    PathOptions options;
    options.ignoredNodes = {map};
    auto p = findRetainerPaths(*a, {target}, options);
    ASSERT_TRUE(p);
    for (const RetainerPath& path : p->paths)
        for (const PathHop& h : path.hops)
            EXPECT_NE(h.node, map);
    // Ignoring every retainer leaves no path, and the result says why.
    options.ignoredNodes.clear();
    const Snapshot& s = *a->snapshot;
    for (RetainerSlot r : s.retainersOf(target))
        options.ignoredNodes.push_back(s.retainerSource()[r]);
    auto none = findRetainerPaths(*a, {target}, options);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->paths.empty());
    EXPECT_TRUE(none->unreachable);
    EXPECT_NE(formatPathsText(*a, *none).find("No path from the GC roots"), std::string::npos);
}

TEST(RetainerPaths, LengthLimitIsReported) {
    auto a = analysisOf("leak-B-node20.heapsnapshot.gz");
    ASSERT_TRUE(a);
    PathOptions options;
    options.maxLength = 4;
    auto p = findRetainerPaths(*a, {*a->snapshot->nodeWithId(233605)}, options);
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->paths.empty());
    EXPECT_TRUE(p->longerPathsSkipped);
}

TEST(RetainerPaths, TextIsStable) {
    auto a = analysisOf("leak-B-node20.heapsnapshot.gz");
    ASSERT_TRUE(a);
    PathOptions options;
    options.maxPaths = 3;
    auto p = findRetainerPaths(*a, {*a->snapshot->nodeWithId(233605)}, options);
    ASSERT_TRUE(p);
    std::ifstream in(dataPath("paths-leak-B-233605.txt"));
    std::stringstream golden;
    golden << in.rdbuf();
    EXPECT_EQ(formatPathsText(*a, *p), golden.str());
}

// A validator for the subset of JSON Schema that docs/retainer-paths.schema.json uses.
class SchemaValidator {
public:
    explicit SchemaValidator(simdjson::dom::element root) : m_root(root) {}
    void validate(simdjson::dom::element schema, simdjson::dom::element value, const std::string& where) {
        std::string_view ref;
        if (!schema["$ref"].get_string().get(ref)) {
            const std::string name(ref.substr(ref.rfind('/') + 1));
            validate(m_root["$defs"][name], value, where);
        }
        simdjson::dom::array allOf;
        if (!schema["allOf"].get_array().get(allOf))
            for (auto sub : allOf)
                validate(sub, value, where);
        simdjson::dom::element type;
        if (!schema["type"].get(type)) {
            bool ok = false;
            if (type.is_string())
                ok = hasType(value, std::string(type.get_string().value()));
            else {
                simdjson::dom::array types = type.get_array().value();
                for (auto t : types)
                    ok = ok || hasType(value, std::string(t.get_string().value()));
            }
            EXPECT_TRUE(ok) << where << ": wrong type " << simdjson::to_string(value);
        }
        simdjson::dom::element constant;
        if (!schema["const"].get(constant))
            EXPECT_EQ(simdjson::to_string(value), simdjson::to_string(constant)) << where;
        std::int64_t minimum = 0;
        if (!schema["minimum"].get_int64().get(minimum) && value.is_int64())
            EXPECT_GE(value.get_int64().value(), minimum) << where;
        simdjson::dom::array required;
        if (!schema["required"].get_array().get(required) && value.is_object())
            for (auto r : required)
                EXPECT_FALSE(value[r.get_string().value()].error()) << where << ": missing " << r;
        simdjson::dom::object props;
        if (!schema["properties"].get_object().get(props) && value.is_object()) {
            simdjson::dom::object fields = value.get_object().value();
            for (auto field : fields) {
                simdjson::dom::element sub;
                if (!props[field.key].get(sub))
                    validate(sub, field.value, where + "." + std::string(field.key));
                else {
                    bool closed = false;
                    if (!schema["additionalProperties"].get_bool().get(closed) && !closed)
                        ADD_FAILURE() << where << ": unexpected property " << field.key;
                }
            }
        }
        simdjson::dom::element items;
        if (!schema["items"].get(items) && value.is_array()) {
            std::int64_t minItems = 0;
            simdjson::dom::array elements = value.get_array().value();
            if (!schema["minItems"].get_int64().get(minItems))
                EXPECT_GE(std::int64_t(elements.size()), minItems) << where;
            std::size_t i = 0;
            for (auto v : elements)
                validate(items, v, where + "[" + std::to_string(i++) + "]");
        }
    }

private:
    static bool hasType(simdjson::dom::element v, const std::string& t) {
        if (t == "object")
            return v.is_object();
        if (t == "array")
            return v.is_array();
        if (t == "string")
            return v.is_string();
        if (t == "integer")
            return v.is_int64() || v.is_uint64();
        if (t == "boolean")
            return v.is_bool();
        if (t == "null")
            return v.is_null();
        return false;
    }
    simdjson::dom::element m_root;
};

TEST(RetainerPaths, JsonMatchesSchema) {
    auto a = analysisOf("leak-B-node20.heapsnapshot.gz");
    ASSERT_TRUE(a);
    auto p = findRetainerPaths(*a, {*a->snapshot->nodeWithId(233605)}, PathOptions{});
    ASSERT_TRUE(p);
    const std::string json = formatPathsJson(*a, *p);
    simdjson::dom::parser docParser, schemaParser;
    simdjson::dom::element doc, schema;
    ASSERT_FALSE(docParser.parse(json).get(doc));
    ASSERT_FALSE(schemaParser.load(std::string(HEAPSCOPE_SOURCE_DIR) + "/docs/retainer-paths.schema.json")
                     .get(schema));
    SchemaValidator(schema).validate(schema, doc, "$");
    simdjson::dom::array paths = doc["paths"].get_array().value();
    EXPECT_EQ(paths.size(), 5u);
    EXPECT_TRUE(doc["paths"].at(0)["hops"].at(0)["edge_type"].is_null());
}

} // namespace
} // namespace heapscope::test
