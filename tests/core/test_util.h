// SPDX-License-Identifier: MIT
// Helpers shared by the core tests: fixture paths, gzip, temporary directories, and a builder for
// miniature snapshots written as JSON text.
#pragma once

#include "heapscope/loader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace heapscope {
/// A typed index in a failed assertion's message: its number (found by GoogleTest through ADL).
template <typename Tag, typename Rep> void PrintTo(StrongIndex<Tag, Rep> index, std::ostream* out) {
    *out << index.value;
}
} // namespace heapscope

namespace heapscope::test {

inline std::string dataPath(const std::string& name) {
    return std::string(HEAPSCOPE_TEST_DATA) + "/" + name;
}

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void writeFile(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + path);
}

// Independent of the loader's own inflate loop, so a bug there cannot hide itself.
inline std::string gunzip(const std::string& gz) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        throw std::runtime_error("inflateInit2");
    std::string out;
    char buf[1 << 16];
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    zs.avail_in = uInt(gz.size());
    int ret = Z_OK;
    do {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        ret = inflate(&zs, Z_NO_FLUSH);
        if (ret != Z_OK && ret != Z_STREAM_END) {
            inflateEnd(&zs);
            throw std::runtime_error("gunzip failed");
        }
        out.append(buf, sizeof buf - zs.avail_out);
    } while (ret != Z_STREAM_END);
    inflateEnd(&zs);
    return out;
}

inline std::string gzip(std::string_view data) {
    z_stream zs{};
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2");
    std::string out(deflateBound(&zs, uLong(data.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = uInt(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = uInt(out.size());
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        throw std::runtime_error("deflate");
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

/// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "heapscope-test-XXXXXX").string();
        if (!::mkdtemp(tmpl.data()))
            throw std::runtime_error("mkdtemp");
        m_path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (m_path / name).string(); }
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

inline const std::vector<std::string>& v8NodeTypes() {
    static const std::vector<std::string> types = {"hidden",
                                                   "array",
                                                   "string",
                                                   "object",
                                                   "code",
                                                   "closure",
                                                   "regexp",
                                                   "number",
                                                   "native",
                                                   "synthetic",
                                                   "concatenated string",
                                                   "sliced string",
                                                   "symbol",
                                                   "bigint",
                                                   "object shape",
                                                   "wasm object"};
    return types;
}
inline const std::vector<std::string>& v8EdgeTypes() {
    static const std::vector<std::string> types = {"context", "element",  "property", "internal",
                                                   "hidden",  "shortcut", "weak"};
    return types;
}

// Indexes into v8NodeTypes() / v8EdgeTypes().
enum : std::uint64_t {
    tHidden = 0,
    tArray = 1,
    tString = 2,
    tObject = 3,
    tCode = 4,
    tClosure = 5,
    tNative = 8,
    tSynthetic = 9
};
enum : std::uint64_t {
    eContext = 0,
    eElement = 1,
    eProperty = 2,
    eInternal = 3,
    eHidden = 4,
    eShortcut = 5,
    eWeak = 6
};

inline std::string jsonList(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? ",\"" : "\"") + items[i] + "\"";
    return out + "]";
}
inline std::string numberList(const std::vector<std::uint64_t>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? "," : "") + std::to_string(items[i]);
    return out + "]";
}

/// A small snapshot described by records and written as V8 would write it. Fields are placed by
/// name, so changing `nodeFields` / `edgeFields` changes the layout of the numbers accordingly.
struct MiniSnapshot {
    struct Node {
        std::uint64_t type, name, id, selfSize, edgeCount, traceNodeId = 0, detachedness = 0;
    };
    struct Edge {
        std::uint64_t type, nameOrIndex, to; ///< `to` is a node ordinal unless rawTo
        bool rawTo = false;                  ///< write `to` as the to_node value as is
    };

    std::vector<std::string> nodeFields{"type",       "name",          "id",          "self_size",
                                        "edge_count", "trace_node_id", "detachedness"};
    std::vector<std::string> nodeTypes = v8NodeTypes();
    std::vector<std::string> edgeFields{"type", "name_or_index", "to_node"};
    std::vector<std::string> edgeTypes = v8EdgeTypes();
    std::vector<std::string> locationFields{"object_index", "script_id", "line", "column"};
    std::vector<Node> nodes;
    std::vector<Edge> edges;
    std::vector<std::string> strings; ///< JSON string literal bodies (escapes as written in the file)
    std::vector<std::uint64_t> locations;
    std::vector<std::uint64_t> traceFunctionInfos;
    std::string traceTree = "[]";
    std::vector<std::uint64_t> samples;
    std::optional<std::uint64_t> nodeCountOverride, edgeCountOverride;
    std::uint64_t traceFunctionCount = 0;
    std::string extraHeader; ///< raw members appended to the header, each starting with ','
    std::string extraMeta;   ///< raw members appended to meta, each starting with ','

    std::uint64_t nodeFieldCount() const { return nodeFields.size(); }

    std::string meta() const {
        std::string nodeTypesJson = "[";
        for (std::size_t i = 0; i < nodeFields.size(); ++i) {
            nodeTypesJson += i ? "," : "";
            nodeTypesJson += nodeFields[i] == "type"   ? jsonList(nodeTypes)
                             : nodeFields[i] == "name" ? "\"string\""
                                                       : "\"number\"";
        }
        nodeTypesJson += "]";
        std::string edgeTypesJson = "[";
        for (std::size_t i = 0; i < edgeFields.size(); ++i) {
            edgeTypesJson += i ? "," : "";
            edgeTypesJson += edgeFields[i] == "type"            ? jsonList(edgeTypes)
                             : edgeFields[i] == "name_or_index" ? "\"string_or_number\""
                                                                : "\"node\"";
        }
        edgeTypesJson += "]";
        return "{\"node_fields\":" + jsonList(nodeFields) + ",\"node_types\":" + nodeTypesJson +
               ",\"edge_fields\":" + jsonList(edgeFields) + ",\"edge_types\":" + edgeTypesJson +
               ",\"trace_function_info_fields\":[\"function_id\",\"name\",\"script_name\",\"script_id\","
               "\"line\","
               "\"column\"],\"trace_node_fields\":[\"id\",\"function_info_index\",\"count\",\"size\","
               "\"children\"],"
               "\"sample_fields\":[\"timestamp_us\",\"last_assigned_id\"],\"location_fields\":" +
               jsonList(locationFields) + extraMeta + "}";
    }
    std::string header() const {
        return "{\"meta\":" + meta() +
               ",\"node_count\":" + std::to_string(nodeCountOverride.value_or(nodes.size())) +
               ",\"edge_count\":" + std::to_string(edgeCountOverride.value_or(edges.size())) +
               ",\"trace_function_count\":" + std::to_string(traceFunctionCount) + extraHeader + "}";
    }
    std::vector<std::uint64_t> nodeNumbers() const {
        std::vector<std::uint64_t> out;
        for (const Node& n : nodes)
            for (const auto& f : nodeFields)
                out.push_back(f == "type"            ? n.type
                              : f == "name"          ? n.name
                              : f == "id"            ? n.id
                              : f == "self_size"     ? n.selfSize
                              : f == "edge_count"    ? n.edgeCount
                              : f == "trace_node_id" ? n.traceNodeId
                              : f == "detachedness"  ? n.detachedness
                                                     : 0);
        return out;
    }
    std::vector<std::uint64_t> edgeNumbers() const {
        std::vector<std::uint64_t> out;
        for (const Edge& e : edges)
            for (const auto& f : edgeFields)
                out.push_back(f == "type"            ? e.type
                              : f == "name_or_index" ? e.nameOrIndex
                              : f == "to_node"       ? (e.rawTo ? e.to : e.to * nodeFieldCount())
                                                     : 0);
        return out;
    }
    std::string stringsJson() const {
        std::string out = "[";
        for (std::size_t i = 0; i < strings.size(); ++i)
            out += (i ? ",\"" : "\"") + strings[i] + "\"";
        return out + "]";
    }
    /// Top-level members in V8's order, as (key, raw JSON value).
    std::vector<std::pair<std::string, std::string>> sections() const {
        return {{"snapshot", header()},
                {"nodes", numberList(nodeNumbers())},
                {"edges", numberList(edgeNumbers())},
                {"trace_function_infos", numberList(traceFunctionInfos)},
                {"trace_tree", traceTree},
                {"samples", numberList(samples)},
                {"locations", numberList(locations)},
                {"strings", stringsJson()}};
    }
    static std::string join(const std::vector<std::pair<std::string, std::string>>& members) {
        std::string out = "{";
        for (std::size_t i = 0; i < members.size(); ++i)
            out += (i ? ",\n\"" : "\"") + members[i].first + "\":" + members[i].second;
        return out + "}";
    }
    std::string json() const { return join(sections()); }
};

/// The graph most loader tests start from (node types and edge types are V8's):
///   0 synthetic ""      -> element 1 -> 1, shortcut "g" -> 3, element 2 -> 4
///   1 object "Foo"      -> property "x" -> 2, property "y" -> 2, internal "map" -> 3
///   2 string "hello"
///   3 closure "bar"     -> context "v" -> 1
///   4 native "Foo"      (trace node 4, detached)
inline MiniSnapshot standardMini() {
    MiniSnapshot m;
    m.strings = {"", "Foo", "hello", "bar", "x", "y", "map", "v", "g", "(GC roots)"};
    m.nodes = {
        {tSynthetic, 0, 1, 0, 3},      {tObject, 1, 3, 32, 3},      {tString, 2, 5, 16, 0},
        {tClosure, 3, 7, 40, 1, 0, 1}, {tNative, 1, 9, 8, 0, 4, 2},
    };
    m.edges = {
        {eElement, 1, 1},  {eShortcut, 8, 3}, {eElement, 2, 4}, {eProperty, 4, 2},
        {eProperty, 5, 2}, {eInternal, 6, 3}, {eContext, 7, 1},
    };
    return m;
}

/// Inserts whitespace (spaces, tabs, CR, LF) around every structural character outside strings.
inline std::string spaced(std::string_view json) {
    std::string out;
    bool inString = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            out.push_back(c);
            if (c == '\\') {
                out.push_back(json[++i]);
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        if (c == '"') {
            inString = true;
            out.push_back(c);
            continue;
        }
        if (c == ',' || c == ':' || c == '[' || c == ']' || c == '{' || c == '}') {
            out += " \r\n\t";
            out.push_back(c);
            out += "\n  \t";
            continue;
        }
        out.push_back(c);
    }
    return " \n" + out + "\r\n";
}

inline Expected<SnapshotPtr> loadText(std::string_view json, LoadOptions options = {}) {
    options.checkMemory = false;
    return loadSnapshotFromMemory(json, "mini.heapsnapshot", options);
}

} // namespace heapscope::test
