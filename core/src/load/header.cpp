// SPDX-License-Identifier: MIT
// The "snapshot" header: the counts and the meta that says what each number of the big arrays is.
#include "loader_internal.h"

#include <simdjson.h>

#include <algorithm>

namespace heapscope::load {

namespace {

NodeKind nodeKindFromName(std::string_view n) {
    static const std::pair<std::string_view, NodeKind> table[] = {
        {"hidden", NodeKind::Hidden},
        {"array", NodeKind::Array},
        {"string", NodeKind::String},
        {"object", NodeKind::Object},
        {"code", NodeKind::Code},
        {"closure", NodeKind::Closure},
        {"regexp", NodeKind::RegExp},
        {"number", NodeKind::Number},
        {"native", NodeKind::Native},
        {"synthetic", NodeKind::Synthetic},
        {"concatenated string", NodeKind::ConsString},
        {"sliced string", NodeKind::SlicedString},
        {"symbol", NodeKind::Symbol},
        {"bigint", NodeKind::BigInt},
        {"object shape", NodeKind::ObjectShape},
        {"wasm object", NodeKind::WasmObject},
    };
    for (const auto& [name, kind] : table)
        if (name == n)
            return kind;
    return NodeKind::Unknown;
}

EdgeKind edgeKindFromName(std::string_view n) {
    static const std::pair<std::string_view, EdgeKind> table[] = {
        {"context", EdgeKind::Context},   {"element", EdgeKind::Element}, {"property", EdgeKind::Property},
        {"internal", EdgeKind::Internal}, {"hidden", EdgeKind::Hidden},   {"shortcut", EdgeKind::Shortcut},
        {"weak", EdgeKind::Weak},
    };
    for (const auto& [name, kind] : table)
        if (name == n)
            return kind;
    return EdgeKind::Unknown;
}

std::optional<std::vector<std::string>> stringList(simdjson::dom::element e) {
    simdjson::dom::array arr;
    if (e.get_array().get(arr))
        return std::nullopt;
    std::vector<std::string> out;
    for (auto v : arr) {
        std::string_view s;
        if (v.get_string().get(s))
            return std::nullopt;
        out.emplace_back(s);
    }
    return out;
}

} // namespace

std::optional<Error> Loader::readHeader(const Section& sec) {
    const std::int64_t at = std::int64_t(sec.begin);
    simdjson::dom::parser parser;
    simdjson::padded_string text(m_data + sec.begin, sec.end - sec.begin);
    simdjson::dom::element root;
    if (auto err = parser.parse(text).get(root))
        return error("header", at,
                     std::string("the \"snapshot\" header is not valid JSON: ") +
                         simdjson::error_message(err));
    simdjson::dom::object header;
    if (root.get_object().get(header))
        return error("header", at, "\"snapshot\" must be an object");
    Snapshot& s = *m_snapshot;
    for (auto field : header)
        s.format.headerKeys.emplace_back(field.key);
    simdjson::dom::object meta;
    if (header["meta"].get_object().get(meta))
        return error("header", at, "the \"snapshot\" header has no \"meta\" object describing the fields");
    for (auto field : meta) {
        const std::string k(field.key);
        if (k != "node_fields" && k != "node_types" && k != "edge_fields" && k != "edge_types")
            s.format.otherMetaKeys.push_back(k);
    }
    auto requireList = [&](const char* key, std::vector<std::string>& out) -> std::optional<Error> {
        simdjson::dom::element e;
        if (meta[key].get(e))
            return error("header", at, std::string("meta has no \"") + key + "\"");
        auto list = stringList(e);
        if (!list)
            return error("header", at, std::string("meta.") + key + " must be a list of names");
        out = std::move(*list);
        return std::nullopt;
    };
    if (auto e = requireList("node_fields", s.format.nodeFields))
        return e;
    if (auto e = requireList("edge_fields", s.format.edgeFields))
        return e;
    auto typeList = [&](const char* key, const std::vector<std::string>& fields,
                        std::vector<std::string>& out) -> std::optional<Error> {
        simdjson::dom::array arr;
        if (meta[key].get_array().get(arr))
            return error("header", at, std::string("meta has no \"") + key + "\" list");
        const int typeField = indexOf(fields, "type");
        if (typeField < 0)
            return error("header", at,
                         std::string("meta.") + (key[0] == 'n' ? "node_fields" : "edge_fields") +
                             " has no \"type\" field");
        simdjson::dom::element e;
        if (arr.at(std::size_t(typeField)).get(e))
            return error("header", at, std::string("meta.") + key + " has no entry for the \"type\" field");
        auto list = stringList(e);
        if (!list)
            return error("header", at,
                         std::string("meta.") + key + " entry for \"type\" must be a list of type names");
        out = std::move(*list);
        return std::nullopt;
    };
    if (auto e = typeList("node_types", s.format.nodeFields, s.format.nodeTypes))
        return e;
    if (auto e = typeList("edge_types", s.format.edgeFields, s.format.edgeTypes))
        return e;
    if (simdjson::dom::element e; !meta["location_fields"].get(e))
        if (auto l = stringList(e))
            s.format.locationFields = *l;
    if (simdjson::dom::element e; !meta["trace_function_info_fields"].get(e))
        if (auto l = stringList(e))
            m_traceFunctionInfoFields = *l;
    if (simdjson::dom::element e; !meta["sample_fields"].get(e))
        if (auto l = stringList(e))
            m_sampleFields = *l;
    // The closure-scope sections' fields (read in small_sections.cpp, checked by contexts.h).
    for (auto [key, out] : {std::pair{"scope_fields", &s.scopeSections.scopeFields},
                            std::pair{"scope_context_var_fields", &s.scopeSections.contextVarFields},
                            std::pair{"scope_use_fields", &s.scopeSections.useFields}})
        if (simdjson::dom::element e; !meta[key].get(e)) {
            if (auto l = stringList(e))
                *out = *l;
            else
                s.scopeSections.problem = std::string("meta.") + key + " is not a list of names";
        }

    // Node field roles, by name.
    m_nodeFieldCount = std::uint32_t(s.format.nodeFields.size());
    for (const char* required : {"type", "name", "id", "self_size", "edge_count"})
        if (indexOf(s.format.nodeFields, required) < 0)
            return error("header", at, std::string("meta.node_fields has no \"") + required + "\" field");
    for (const auto& f : s.format.nodeFields) {
        NodeRole r = NodeRole::Ignore;
        if (f == "type")
            r = NodeRole::Type;
        else if (f == "name")
            r = NodeRole::Name;
        else if (f == "id")
            r = NodeRole::Id;
        else if (f == "self_size")
            r = NodeRole::SelfSize;
        else if (f == "edge_count")
            r = NodeRole::EdgeCount;
        else if (f == "trace_node_id")
            r = NodeRole::TraceNodeId;
        else if (f == "detachedness")
            r = NodeRole::Detachedness;
        if (r != NodeRole::Ignore &&
            std::find(m_nodeRoles.begin(), m_nodeRoles.end(), r) != m_nodeRoles.end())
            return error("header", at, "meta.node_fields names \"" + f + "\" twice");
        m_nodeRoles.push_back(r);
    }
    s.hasTraceNodeId = indexOf(s.format.nodeFields, "trace_node_id") >= 0;
    s.hasDetachedness = indexOf(s.format.nodeFields, "detachedness") >= 0;
    m_edgeFieldCount = std::uint32_t(s.format.edgeFields.size());
    for (const char* required : {"type", "name_or_index", "to_node"})
        if (indexOf(s.format.edgeFields, required) < 0)
            return error("header", at, std::string("meta.edge_fields has no \"") + required + "\" field");
    for (const auto& f : s.format.edgeFields) {
        EdgeRole r = EdgeRole::Ignore;
        if (f == "type")
            r = EdgeRole::Type;
        else if (f == "name_or_index")
            r = EdgeRole::NameOrIndex;
        else if (f == "to_node")
            r = EdgeRole::ToNode;
        if (r != EdgeRole::Ignore &&
            std::find(m_edgeRoles.begin(), m_edgeRoles.end(), r) != m_edgeRoles.end())
            return error("header", at, "meta.edge_fields names \"" + f + "\" twice");
        m_edgeRoles.push_back(r);
    }
    if (s.format.nodeTypes.empty() || s.format.nodeTypes.size() > 255)
        return error("header", at, "meta.node_types must list between 1 and 255 node types");
    if (s.format.edgeTypes.empty() || s.format.edgeTypes.size() > 255)
        return error("header", at, "meta.edge_types must list between 1 and 255 edge types");
    s.nodeTypeNames = s.format.nodeTypes;
    s.edgeTypeNames = s.format.edgeTypes;
    for (const auto& n : s.nodeTypeNames) {
        s.nodeKinds.push_back(nodeKindFromName(n));
        if (s.nodeKinds.back() == NodeKind::Unknown)
            s.warnings.push_back("unknown node type \"" + n + "\" (shown by its name)");
    }
    for (const auto& n : s.edgeTypeNames) {
        s.edgeKinds.push_back(edgeKindFromName(n));
        if (s.edgeKinds.back() == EdgeKind::Unknown)
            s.warnings.push_back("unknown edge type \"" + n + "\" (treated as a named reference)");
    }

    auto count = [&](const char* key, std::uint64_t& out, bool required) -> std::optional<Error> {
        simdjson::dom::element e;
        if (header[key].get(e)) {
            if (required)
                return error("header", at, std::string("the \"snapshot\" header has no \"") + key + "\"");
            return std::nullopt;
        }
        std::uint64_t v = 0;
        if (e.get_uint64().get(v)) {
            double d = 0;
            if (e.get_double().get(d) || !(d >= 0 && d < 1.8e19) || d != double(std::uint64_t(d)))
                return error("header", at, std::string("\"") + key + "\" must be a non-negative integer");
            v = std::uint64_t(d);
        }
        out = v;
        return std::nullopt;
    };
    if (auto e = count("node_count", s.format.headerNodeCount, true))
        return e;
    if (auto e = count("edge_count", s.format.headerEdgeCount, true))
        return e;
    if (auto e = count("trace_function_count", s.format.headerTraceFunctionCount, false))
        return e;
    if (s.format.headerNodeCount > 0xFFFFFFFEull)
        return error("header", at,
                     "node_count " + std::to_string(s.format.headerNodeCount) +
                         " is beyond what this program supports (4,294,967,294)");
    if (s.format.headerEdgeCount > 0xFFFFFFFEull)
        return error("header", at,
                     "edge_count " + std::to_string(s.format.headerEdgeCount) +
                         " is beyond what this program supports (4,294,967,294)");
    if (simdjson::dom::element e; !header["extra_native_bytes"].get(e)) {
        double d = 0;
        if (!e.get_double().get(d) && d >= 0 && d < 1e18)
            s.extraNativeBytes = d;
    }
    if (header["root_index"].error() == simdjson::SUCCESS) {
        if (auto e = count("root_index", m_rootIndexField, true))
            return e;
        m_hasRootIndex = true;
    }
    return std::nullopt;
}

// Says what the file is when it has no "snapshot" header (a profile, a trace, other JSON).
std::optional<Error> Loader::identifySnapshot() const {
    if (section("snapshot"))
        return std::nullopt;
    if (section("head"))
        return error("header", 0,
                     "this is a sampling heap profile (.heapprofile), not a heap snapshot: it has \"head\" "
                     "and \"samples\" but no \"snapshot\" header");
    if (section("startTime") || section("timeDeltas") || (section("nodes") && !section("nodes")->numeric))
        return error("header", 0,
                     "this is a CPU profile (.cpuprofile), not a heap snapshot: it has \"nodes\", "
                     "\"startTime\" and \"samples\" but no \"snapshot\" header");
    if (section("traceEvents"))
        return error("header", 0, "this is a performance trace, not a heap snapshot");
    return error("header", 0, "this JSON is not a heap snapshot: it has no \"snapshot\" header");
}

// The sections every snapshot has, and the list of sections as the format facts show it.
std::optional<Error> Loader::checkSections() {
    for (const char* required : {"nodes", "edges", "strings"})
        if (!section(required))
            return error("header", std::int64_t(m_size),
                         std::string("the file has no \"") + required + "\" section");
    for (const char* numeric : {"nodes", "edges"})
        if (!section(numeric)->numeric)
            return error(numeric, std::int64_t(section(numeric)->begin),
                         std::string("\"") + numeric + "\" must be an array of non-negative integers");
    for (const auto& sec : m_sections) {
        SectionInfo info;
        info.name = sec.name;
        info.offset = sec.begin;
        info.bytes = sec.end - sec.begin;
        info.known = isKnownSection(sec.name);
        if (sec.name == "strings")
            info.items = m_stringCount;
        m_snapshot->format.sections.push_back(std::move(info));
    }
    if (m_stringCount > 0xFFFFFFFEull)
        return error("strings", -1, "the file has more strings than this program supports");
    return std::nullopt;
}

} // namespace heapscope::load
