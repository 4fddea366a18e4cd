// SPDX-License-Identifier: MIT
// The loaded heap graph: immutable, flat arrays indexed by node ordinal and edge ordinal.
#pragma once

#include "heapscope/common.h"
#include "heapscope/facts.h"
#include "heapscope/pod_array.h"
#include "heapscope/string_table.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace heapscope {

/// Node types known to DevTools. The file's own type list is kept too (`Snapshot::nodeTypeNames`);
/// a type this program does not know is `Unknown` and keeps its name for display.
enum class NodeKind : std::uint8_t {
    Hidden,
    Array,
    String,
    Object,
    Code,
    Closure,
    RegExp,
    Number,
    Native,
    Synthetic,
    ConsString,
    SlicedString,
    Symbol,
    BigInt,
    ObjectShape,
    WasmObject,
    Unknown,
};

enum class EdgeKind : std::uint8_t {
    Context,
    Element,
    Property,
    Internal,
    Hidden,
    Shortcut,
    Weak,
    Unknown,
};

/// True for edge kinds whose `name_or_index` is an integer index rather than a string id.
constexpr bool edgeNameIsIndex(EdgeKind k) {
    return k == EdgeKind::Element || k == EdgeKind::Hidden;
}

struct Location {
    NodeOrdinal node;
    std::uint32_t scriptId;
    std::uint32_t line;   ///< 0-based
    std::uint32_t column; ///< 0-based
};

struct TraceFunctionInfo {
    std::uint32_t functionId;
    StringId name;
    StringId scriptName;
    std::uint32_t scriptId;
    std::uint32_t line;   ///< 1-based, 0 = unknown
    std::uint32_t column; ///< 1-based, 0 = unknown
};

struct TraceNode {
    std::uint32_t id;
    std::uint32_t functionInfoIndex;
    std::uint32_t count;
    std::uint32_t size;
    std::uint32_t parent; ///< index into Snapshot::traceTree, kNoTraceNode for a top node
};

struct Sample {
    std::uint64_t timestampUs;
    std::uint32_t lastAssignedId;
};

/// One top-level key of the file, as found.
struct SectionInfo {
    std::string name;
    std::uint64_t offset = 0; ///< byte offset of the value
    std::uint64_t bytes = 0;  ///< length of the value in bytes
    std::uint64_t items = 0;  ///< numbers or strings in it (0 when not counted)
    bool known = true;        ///< false for sections this program does not read
};

/// Format facts as the producer wrote them, for `heapscope-cli info` and the About box of a file.
struct FormatInfo {
    std::vector<std::string> nodeFields;
    std::vector<std::string> nodeTypes;
    std::vector<std::string> edgeFields;
    std::vector<std::string> edgeTypes;
    std::vector<std::string> locationFields;
    std::vector<std::string> otherMetaKeys;
    std::vector<std::string> headerKeys;
    std::vector<SectionInfo> sections;
    std::uint64_t headerNodeCount = 0;
    std::uint64_t headerEdgeCount = 0;
    std::uint64_t headerTraceFunctionCount = 0;
    bool gzip = false;
    std::uint64_t compressedSize = 0; ///< file size on disk when gzip
};

/// The closure-scope sections of recent V8 (Chromium 156 writes them): `scopes`,
/// `scope_context_vars` and `scope_uses` with their meta field names, as written. The closure
/// analysis (contexts.h) checks them; the loader only reads the numbers.
struct ScopeSections {
    std::vector<std::string> scopeFields;      ///< meta.scope_fields
    std::vector<std::string> contextVarFields; ///< meta.scope_context_var_fields
    std::vector<std::string> useFields;        ///< meta.scope_use_fields
    std::vector<std::int64_t> scopes;
    std::vector<std::int64_t> contextVars;
    std::vector<std::int64_t> uses;
    std::string problem; ///< why they could not be read ("" when they could, or are absent)
    bool present() const { return !scopeFields.empty(); }
};

class Snapshot;

/// The edge of each retainer slot. Not stored (that would cost 4 bytes per edge): it is found among
/// the retaining node's edges, which costs O(log N + that node's edge count) per slot.
class RetainerEdges {
public:
    explicit RetainerEdges(const Snapshot* s) : m_s(s) {}
    EdgeOrdinal operator[](RetainerSlot slot) const;
    std::size_t size() const;
    class iterator {
    public:
        using value_type = EdgeOrdinal;
        using difference_type = std::ptrdiff_t;
        iterator(const RetainerEdges* r, std::size_t i) : m_r(r), m_i(i) {}
        EdgeOrdinal operator*() const { return (*m_r)[RetainerSlot(std::uint32_t(m_i))]; }
        iterator& operator++() {
            ++m_i;
            return *this;
        }
        bool operator==(const iterator& o) const { return m_i == o.m_i; }
        bool operator!=(const iterator& o) const { return m_i != o.m_i; }

    private:
        const RetainerEdges* m_r;
        std::size_t m_i;
    };
    iterator begin() const { return {this, 0}; }
    iterator end() const { return {this, size()}; }

private:
    const Snapshot* m_s;
};

/// An immutable, loaded heap snapshot. Per-node and per-edge data are columns indexed by ordinal.
class Snapshot {
public:
    Snapshot() = default;
    Snapshot(const Snapshot&) = delete; // retainerEdge refers to this object
    Snapshot& operator=(const Snapshot&) = delete;

private:
    detail::TrimOnDestroy m_trim; // first member: runs after the others are freed

public:
    /// What the columns borrow their memory from (a mapped index file), kept alive with them;
    /// null when they own it. Declared before the columns, so destroyed after them.
    std::shared_ptr<const void> backing;

    std::string path;
    /// The file's identity when it was read (size, time, inode, a hash of its first and last
    /// megabyte): what an index of it is keyed by. Empty when nobody asked (loads from memory).
    std::string identity;
    std::uint64_t fileSize = 0; ///< bytes of JSON (after decompression)
    FormatInfo format;
    std::vector<std::string> warnings;

    std::uint32_t nodeCount = 0;
    std::uint32_t edgeCount = 0;
    std::uint32_t rootOrdinal = 0;
    double extraNativeBytes = 0;

    // --- node columns ---
    Column<NodeOrdinal, std::uint8_t> nodeType;            ///< index into nodeTypeNames / nodeKinds
    Column<NodeOrdinal, std::uint32_t, StringId> nodeName; ///< string id
    Column<NodeOrdinal, std::uint32_t> nodeId;             ///< V8 object id
    Column<NodeOrdinal, std::uint32_t> nodeSelfSize; ///< as written (DevTools may reassign, see Analysis)
    /// nodeCount + 1 entries: node n owns edges [firstEdge[n], firstEdge[n.next()]) (see edgesOf())
    Column<NodeOrdinal, std::uint32_t, EdgeOrdinal> firstEdge;
    Column<NodeOrdinal, std::uint32_t>
        nodeTraceId; ///< empty when the file has none or they are all 0 (use traceNodeId())
    Column<NodeOrdinal, std::uint8_t>
        nodeDetachedness; ///< 0 unknown, 1 attached, 2 detached; zero when absent
    bool hasDetachedness = false;
    bool hasTraceNodeId = false;

    // --- edge columns ---
    Column<EdgeOrdinal, std::uint8_t> edgeType;         ///< index into edgeTypeNames / edgeKinds
    Column<EdgeOrdinal, std::uint32_t> edgeNameOrIndex; ///< string id, or integer for element/hidden edges
    Column<EdgeOrdinal, std::uint32_t, NodeOrdinal> edgeTo; ///< target node

    // --- retainers (reverse edges, CSR) ---
    /// nodeCount + 1 entries; the retainers of node t are slots [firstRetainer()[t],
    /// firstRetainer()[t.next()]) (see retainersOf()), ordered by decreasing (source ordinal, edge ordinal)
    /// exactly as DevTools orders them. Built by the load; a snapshot reopened from its index builds them on
    /// the first call (ensureRetainers()).
    const Column<NodeOrdinal, std::uint32_t, RetainerSlot>& firstRetainer() const {
        ensureRetainers();
        return m_firstRetainer;
    }
    /// Source node of each retainer slot.
    const Column<RetainerSlot, std::uint32_t, NodeOrdinal>& retainerSource() const {
        ensureRetainers();
        return m_retainerSource;
    }
    /// The retainer slots of a node.
    IndexRange<RetainerSlot> retainersOf(NodeOrdinal target) const {
        const auto& first = firstRetainer();
        return {first[target], first[target.next()]};
    }
    /// Every retainer slot: one per edge.
    IndexRange<RetainerSlot> retainerSlots() const { return {RetainerSlot(0), RetainerSlot(edgeCount)}; }
    RetainerEdges retainerEdge{this}; ///< edge of each slot (computed on access)
    /// Builds the retainers now if they are not there yet (on all cores; a few tenths of a second on
    /// a 1 GB snapshot). Thread-safe; free once they are there.
    /// `threads` 0: all cores.
    void ensureRetainers(unsigned threads = 0) const {
        if (!m_retainersReady.load(std::memory_order_acquire))
            buildRetainersOnce(threads);
    }
    bool hasRetainers() const { return m_retainersReady.load(std::memory_order_acquire); }
    /// Sets the retainers (the loader, the index reader).
    void setRetainers(PodArray<std::uint32_t> first, PodArray<std::uint32_t> source);

    // --- type tables ---
    std::vector<std::string> nodeTypeNames;
    std::vector<NodeKind> nodeKinds; ///< per file type index
    std::vector<std::string> edgeTypeNames;
    std::vector<EdgeKind> edgeKinds; ///< per file type index

    StringTable strings;

    // --- small sections ---
    PodArray<Location> locations; ///< sorted by node ordinal, one per node at most
    std::vector<TraceFunctionInfo> traceFunctionInfos;
    std::vector<TraceNode> traceTree;
    std::vector<Sample> samples;
    ScopeSections scopeSections;

    // --- typed accessors ---
    IndexRange<NodeOrdinal> nodes() const { return {NodeOrdinal(0), NodeOrdinal(nodeCount)}; }
    IndexRange<EdgeOrdinal> edges() const { return {EdgeOrdinal(0), EdgeOrdinal(edgeCount)}; }
    /// The node's own edges, in file order.
    IndexRange<EdgeOrdinal> edgesOf(NodeOrdinal node) const {
        return {firstEdge[node], firstEdge[node.next()]};
    }
    NodeOrdinal root() const { return NodeOrdinal(rootOrdinal); }
    NodeKind kind(NodeOrdinal node) const { return nodeKinds[nodeType[node]]; }
    EdgeKind edgeKind(EdgeOrdinal edge) const { return edgeKinds[edgeType[edge]]; }
    std::string_view name(NodeOrdinal node) const { return strings.get(nodeName[node]); }
    std::string_view typeName(NodeOrdinal node) const { return nodeTypeNames[nodeType[node]]; }
    std::string_view edgeTypeName(EdgeOrdinal edge) const { return edgeTypeNames[edgeType[edge]]; }
    /// The name of a string-named edge (the caller knows its kind is not element or hidden).
    StringId edgeNameId(EdgeOrdinal edge) const { return StringId(edgeNameOrIndex[edge]); }
    /// The edge's name as a string (string id resolved; element/hidden indexes as decimal text).
    std::string edgeNameText(EdgeOrdinal edge) const;
    /// The string of a string-named edge, or nullopt for element/hidden edges.
    std::optional<std::string_view> edgeNameString(EdgeOrdinal edge) const;
    /// The node's script location, or null.
    const Location* location(NodeOrdinal node) const;
    /// The node's allocation trace node id, 0 when it has none.
    std::uint32_t traceNodeId(NodeOrdinal node) const { return nodeTraceId.empty() ? 0 : nodeTraceId[node]; }
    /// The node whose retainers include this slot (binary search).
    NodeOrdinal retainerTarget(RetainerSlot slot) const;
    /// The edge of retainer slot `slot` of `target` (as retainerEdge[slot], without the search for
    /// the target): O(that retainer's edge count).
    EdgeOrdinal retainerEdgeOf(NodeOrdinal target, RetainerSlot slot) const;
    /// Edges from `source` to `target`, in file order.
    void edgesBetween(NodeOrdinal source, NodeOrdinal target, std::vector<EdgeOrdinal>& out) const;
    /// The node with this V8 object id, or nullopt. O(log N) after the first call builds an index.
    std::optional<NodeOrdinal> nodeWithId(std::uint32_t id) const;
    /// Largest odd node id (DevTools' "max JS object id").
    std::uint32_t maxJsObjectId() const { return facts().maxJsObjectId; }
    /// Which snapshot is older, whether it is a timeline: computed on the first call (the app makes
    /// that call on its loading thread), then kept.
    const SnapshotFacts& facts() const;
    /// Sets what facts() returns, when known already (kept in an index); no effect after a first call.
    void setFacts(const SnapshotFacts& facts) const;
    /// Bytes held by this snapshot in memory.
    std::uint64_t memoryBytes() const;

    mutable std::shared_ptr<const PodArray<std::uint32_t>> m_ordinalsById; // lazily built id index

private:
    void buildRetainersOnce(unsigned threads) const;
    mutable std::once_flag m_factsOnce;
    mutable SnapshotFacts m_facts;
    mutable std::mutex m_retainersMutex;
    mutable std::atomic<bool> m_retainersReady{false};
    mutable Column<NodeOrdinal, std::uint32_t, RetainerSlot> m_firstRetainer;
    mutable Column<RetainerSlot, std::uint32_t, NodeOrdinal> m_retainerSource;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

} // namespace heapscope
