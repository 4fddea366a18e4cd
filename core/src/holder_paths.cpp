// SPDX-License-Identifier: MIT
// Holder paths: the BFS tree of the distances, walked up from each object and folded into a few hops.
#include "heapscope/holder_paths.h"

#include "heapscope/snapshot.h"
#include "heapscope/string_table.h"

#include "flat_hash_map.h"

#include <algorithm>
#include <cstring>

namespace heapscope {

namespace {

constexpr std::uint32_t kStopCheckMask = (1u << 16) - 1;

bool allDigits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

HolderPathOptions sane(HolderPathOptions options) {
    options.maxHops = std::clamp<std::uint32_t>(options.maxHops, 1, 64);
    return options;
}

// Per snapshot: where each node is held from (one retainer a step nearer the root) and the labels of
// the snapshot's classes and edge names in the shared table.
class Summarizer {
public:
    Summarizer(const Analysis& analysis, HolderPathTable& table, const HolderPathOptions& options)
        : m_a(analysis), m_s(*analysis.snapshot), m_table(table), m_options(sane(options)),
          m_classLabel(analysis.classes.size(), kNoIndex), m_stringLabel(m_s.strings.size(), kNoIndex) {}

    // Works out every reachable node's window of hops, in the order of a breadth-first walk: by
    // distance, then ordinal. A node takes its window from the first node one step nearer the root
    // (lowest ordinal, then first edge) that holds it by a strong edge: its parent in the BFS tree.
    bool summarizeAll(const WorkContext& context) {
        const std::uint32_t nodeCount = m_s.nodeCount;
        const std::int32_t* distance = m_a.distance.data();
        m_nodePath.assign(nodeCount, kNoIndex);
        m_hopsBeforeEngine.assign(nodeCount, 0);
        m_emptyPath = m_table.internPath({});
        const PodArray<NodeOrdinal> order = byDistance();
        for (std::size_t i = 0; i < order.size(); ++i) {
            if ((i & kStopCheckMask) == 0 && context.stopRequested())
                return false;
            const NodeOrdinal u = order[i];
            if (m_nodePath[u.value] == kNoIndex) { // nothing one step nearer holds it: a top of the walk
                m_nodePath[u.value] = m_emptyPath;
                m_hopsBeforeEngine[u.value] = kNeverEngine;
            }
            const std::int32_t next = distance[u.value] + 1;
            for (EdgeOrdinal e : m_s.edgesOf(u)) {
                const NodeOrdinal v = m_s.edgeTo[e];
                if (distance[v.value] == next && m_nodePath[v.value] == kNoIndex &&
                    m_s.edgeKind(e) != EdgeKind::Weak)
                    settle(v, u, e);
            }
        }
        return true;
    }

    // The path of a grouped node, kNoIndex for others (after summarizeAll()).
    std::uint32_t pathOf(NodeOrdinal node) const {
        if (!isGroupedByHolder(m_s.kind(node)) || m_nodePath[node.value] == kNoIndex ||
            m_hopsBeforeEngine[node.value] < m_options.maxHops)
            return kNoIndex;
        return m_nodePath[node.value];
    }

    // pathOf() of every node, in the summarizer's own array, handed over: the summarizer is empty
    // after it.
    std::vector<std::uint32_t> takePaths() {
        for (NodeOrdinal n : m_s.nodes())
            m_nodePath[n.value] = pathOf(n);
        std::vector<std::uint8_t>().swap(m_hopsBeforeEngine);
        return std::move(m_nodePath);
    }

private:
    static constexpr std::uint8_t kNeverEngine = 255;

    // Reachable nodes by distance, then ordinal (a counting sort: the user part of the distances
    // counts from 0, the system part from kBaseSystemDistance).
    PodArray<NodeOrdinal> byDistance() const {
        const std::int32_t* distance = m_a.distance.data();
        std::int32_t userMax = -1, systemMax = -1;
        for (NodeOrdinal n : m_s.nodes()) {
            const std::int32_t d = distance[n.value];
            if (d == kNoDistance || d < 0)
                continue;
            if (d < kBaseSystemDistance)
                userMax = std::max(userMax, d);
            else
                systemMax = std::max(systemMax, d - kBaseSystemDistance);
        }
        const auto bucketOf = [&](std::int32_t d) {
            return d < kBaseSystemDistance ? std::size_t(d)
                                           : std::size_t(userMax + 1) + std::size_t(d - kBaseSystemDistance);
        };
        std::vector<std::uint32_t> start(std::size_t(userMax + 1) + std::size_t(systemMax + 1) + 1, 0);
        for (NodeOrdinal n : m_s.nodes())
            if (distance[n.value] != kNoDistance && distance[n.value] >= 0)
                ++start[bucketOf(distance[n.value]) + 1];
        for (std::size_t b = 1; b < start.size(); ++b)
            start[b] += start[b - 1];
        auto order = PodArray<NodeOrdinal>::uninitialized(start.back());
        for (NodeOrdinal n : m_s.nodes())
            if (distance[n.value] != kNoDistance && distance[n.value] >= 0)
                order[start[bucketOf(distance[n.value])]++] = n;
        return order;
    }

    static bool isTop(NodeKind kind) { return kind == NodeKind::Synthetic; }

    // The node's window from its parent's (worked out already).
    void settle(NodeOrdinal node, NodeOrdinal parent, EdgeOrdinal edge) {
        if (parent == m_s.root() || isTop(m_s.kind(parent))) {
            m_nodePath[node.value] = m_emptyPath;
            m_hopsBeforeEngine[node.value] = kNeverEngine;
            return;
        }
        if (isEngineInternal(parent)) {
            m_nodePath[node.value] = m_emptyPath;
            m_hopsBeforeEngine[node.value] = 0; // held by the engine's own tables: not the program's
            return;
        }
        const std::uint32_t parentPath = m_nodePath[parent.value];
        const std::uint8_t parentHops = m_hopsBeforeEngine[parent.value];
        std::uint32_t edgeLabel = labelOfEdge(edge);
        if (edgeLabel == kNoIndex) {
            if (isContainer(parent)) { // an element or slot: held as its container is
                m_nodePath[node.value] = parentPath;
                m_hopsBeforeEngine[node.value] = parentHops;
                return;
            }
            edgeLabel = indexLabel();
        }
        const std::uint32_t holderLabel = labelOfClass(parent);
        const auto outer = m_table.pathLabels(parentPath);
        if (outer.size() >= 2 && outer[0] == holderLabel && outer[1] == edgeLabel) {
            // a run of one hop (a linked list's `next`, a context chain) is one hop
            m_nodePath[node.value] = parentPath;
            m_hopsBeforeEngine[node.value] = parentHops;
            return;
        }
        m_nodePath[node.value] = extend(parentPath, holderLabel, edgeLabel);
        m_hopsBeforeEngine[node.value] =
            parentHops == kNeverEngine ? kNeverEngine : std::uint8_t(std::min(254, parentHops + 1));
    }

    // The path of (holder, edge) in front of `path`, cut to maxHops.
    std::uint32_t extend(std::uint32_t path, std::uint32_t holderLabel, std::uint32_t edgeLabel) {
        const ExtendKey key{path, holderLabel, edgeLabel};
        if (const std::uint32_t* found = m_extended.find(key))
            return *found;
        const auto outer = m_table.pathLabels(path);
        m_labels.assign({holderLabel, edgeLabel});
        const std::size_t kept = std::min<std::size_t>(outer.size(), 2 * (m_options.maxHops - 1));
        m_labels.insert(m_labels.end(), outer.begin(), outer.begin() + std::ptrdiff_t(kept));
        const std::uint32_t id = m_table.internPath(m_labels);
        m_extended.tryEmplace(key, id);
        return id;
    }

    struct ExtendKey {
        std::uint32_t path, holder, edge;
        bool operator==(const ExtendKey&) const = default;
    };
    struct ExtendKeyHash {
        std::uint64_t operator()(const ExtendKey& k) const {
            const std::uint64_t h = (std::uint64_t(k.path) << 32 | k.holder) * 0xC2B2AE3D27D4EB4Full;
            return h ^ (h >> 29) ^ k.edge;
        }
    };

    // Arrays, hash tables and the engine's other internal lists: an index into one says nothing of
    // how the object is held. (A numbered field of an ordinary object, such as a double stored in
    // it, stays a hop.)
    bool isContainer(NodeOrdinal node) {
        if (!isGroupedByHolder(m_s.kind(node)))
            return true;
        const std::uint32_t cls = m_a.classOf[node];
        if (m_containerClass.empty())
            m_containerClass.assign(m_a.classes.size(), 2);
        if (m_containerClass[cls] == 2)
            m_containerClass[cls] = m_a.classes[cls].name == "Array";
        return m_containerClass[cls] == 1;
    }

    // Compiled code, object shapes and "(system)" objects hold what the engine caches (feedback,
    // descriptors, templates): objects held through them are not the program's to leak.
    bool isEngineInternal(NodeOrdinal node) {
        const NodeKind kind = m_s.kind(node);
        if (kind == NodeKind::Code || kind == NodeKind::ObjectShape)
            return true;
        return kind == NodeKind::Hidden && m_a.classInfo(node).name == "(system)";
    }

    std::uint32_t indexLabel() {
        if (m_indexLabel == kNoIndex)
            m_indexLabel = m_table.internLabel("[]");
        return m_indexLabel;
    }

    std::uint32_t labelOfClass(NodeOrdinal node) {
        std::uint32_t& label = m_classLabel[m_a.classOf[node]];
        if (label == kNoIndex)
            label = m_table.internLabel(m_a.classInfo(node).name);
        return label;
    }

    // kNoIndex for an index edge (folded).
    std::uint32_t labelOfEdge(EdgeOrdinal edge) {
        const EdgeKind kind = m_s.edgeKind(edge);
        if (edgeNameIsIndex(kind))
            return kNoIndex;
        const StringId stringId(m_s.edgeNameOrIndex[edge]);
        if (stringId.value >= m_stringLabel.size())
            return kNoIndex;
        std::uint32_t& label = m_stringLabel[stringId.value];
        if (label == kNoIndex) {
            const std::string_view name = m_s.strings.get(stringId);
            label = allDigits(name) ? kIndexLabel : m_table.internLabel(name);
        }
        return label == kIndexLabel ? kNoIndex : label;
    }

    static constexpr std::uint32_t kIndexLabel = kNoIndex - 1;

    const Analysis& m_a;
    const Snapshot& m_s;
    HolderPathTable& m_table;
    HolderPathOptions m_options;
    std::vector<std::uint32_t> m_classLabel;  // per class index
    std::vector<std::uint32_t> m_stringLabel; // per string id (kIndexLabel: a number)
    std::vector<std::uint32_t> m_labels;
    std::vector<std::uint8_t> m_containerClass; // per class: 0 no, 1 yes, 2 not known yet
    std::vector<std::uint32_t> m_nodePath;      // per node: its window of hops (kNoIndex: not yet)
    // per node: hops in front of the first holder that is the engine's own (kNeverEngine: none)
    std::vector<std::uint8_t> m_hopsBeforeEngine;
    detail::FlatHashMap<ExtendKey, std::uint32_t, ExtendKeyHash> m_extended;
    std::uint32_t m_emptyPath = kNoIndex;
    std::uint32_t m_indexLabel = kNoIndex;
};

// Whether one of the node's nearest dominators is in the node's own group (groupOfNode: per node, its
// group or kNoIndex). Looks a few dominators up: far ones would rarely be in the group, and the walk
// runs for every member.
bool dominatedWithinGroup(const Analysis& analysis, NodeOrdinal node,
                          const std::vector<std::uint32_t>& groupOfNode) {
    constexpr int kDominatorsLooked = 8;
    const std::uint32_t group = groupOfNode[node.value];
    NodeOrdinal current = node;
    for (int step = 0; step < kDominatorsLooked; ++step) {
        const NodeOrdinal up = analysis.dominator[current];
        if (up == current || up.value >= groupOfNode.size())
            return false;
        if (groupOfNode[up.value] == group)
            return true;
        current = up;
    }
    return false;
}

Error stopped(const Analysis& analysis) {
    return cancelledError(analysis.snapshot->path, "holder paths", "the holder path search was cancelled");
}

} // namespace

std::uint32_t HolderPathTable::internLabel(std::string_view text) {
    const auto it = m_labelIds.find(std::string(text));
    if (it != m_labelIds.end())
        return it->second;
    const auto id = std::uint32_t(m_labels.size());
    m_labels.emplace_back(text);
    m_labelIds.emplace(m_labels.back(), id);
    return id;
}

std::uint32_t HolderPathTable::internPath(std::span<const std::uint32_t> labels) {
    std::string key(labels.size() * sizeof(std::uint32_t), '\0');
    if (!labels.empty())
        std::memcpy(key.data(), labels.data(), key.size());
    const auto [it, inserted] = m_pathIds.try_emplace(std::move(key), std::uint32_t(pathCount()));
    if (inserted) {
        m_pathLabels.insert(m_pathLabels.end(), labels.begin(), labels.end());
        m_pathStart.push_back(std::uint32_t(m_pathLabels.size()));
    }
    return it->second;
}

std::vector<HolderHop> HolderPathTable::hops(std::uint32_t path) const {
    std::vector<HolderHop> out;
    const auto labels = pathLabels(path);
    for (std::size_t i = 0; i + 1 < labels.size(); i += 2)
        out.push_back({m_labels[labels[i]], m_labels[labels[i + 1]]});
    return out;
}

std::string HolderPathTable::describe(std::string_view className, std::uint32_t path) const {
    return path == kNoIndex ? std::string(className) : describeHolderPath(className, hops(path));
}

std::string describeHolderPath(std::string_view className, const std::vector<HolderHop>& hops,
                               std::string_view separator) {
    std::string text(className);
    if (hops.empty())
        return text.append(separator).append("a GC root");
    for (const HolderHop& hop : hops)
        text.append(separator).append(hop.edge).append(" in ").append(hop.holder);
    return text;
}

bool isGroupedByHolder(NodeKind kind) {
    switch (kind) {
    case NodeKind::Object:
    case NodeKind::Closure:
    case NodeKind::RegExp:
    case NodeKind::String:
    case NodeKind::ConsString:
    case NodeKind::SlicedString:
    case NodeKind::Number:
    case NodeKind::Symbol:
    case NodeKind::BigInt:
    case NodeKind::Native:
    case NodeKind::WasmObject:
        return true;
    case NodeKind::Hidden:
    case NodeKind::Array:
    case NodeKind::Code:
    case NodeKind::Synthetic:
    case NodeKind::ObjectShape:
    case NodeKind::Unknown:
        break;
    }
    return false;
}

Expected<std::vector<std::uint32_t>> summarizeHolderPaths(const Analysis& analysis, HolderPathTable& table,
                                                          const HolderPathOptions& options,
                                                          const WorkContext& context) {
    Summarizer summarizer(analysis, table, options);
    if (!summarizer.summarizeAll(context))
        return stopped(analysis);
    return summarizer.takePaths();
}

Expected<std::vector<HolderGroup>> groupByHolder(const Analysis& analysis, std::span<const NodeOrdinal> nodes,
                                                 HolderPathTable& table, const HolderPathOptions& options,
                                                 const WorkContext& context) {
    auto paths = summarizeHolderPaths(analysis, table, options, context);
    if (!paths)
        return paths.error();
    return groupByHolderPaths(analysis, nodes, table, *paths, context);
}

Expected<std::vector<HolderGroup>>
groupByHolderPaths(const Analysis& analysis, std::span<const NodeOrdinal> nodes, const HolderPathTable& table,
                   std::span<const std::uint32_t> pathOfNode, const WorkContext& context) {
    const std::uint32_t nodeCount = analysis.snapshot->nodeCount;
    const auto misfit = [&](const std::string& reason) {
        return Error{analysis.snapshot->path, "holder paths", -1, reason, false};
    };
    if (pathOfNode.size() != nodeCount)
        return misfit("the holder paths are of another snapshot (" + std::to_string(pathOfNode.size()) +
                      " paths for " + std::to_string(nodeCount) + " nodes)");
    if (context.stopRequested())
        return stopped(analysis);
    std::vector<NodeOrdinal> sorted(nodes.begin(), nodes.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (!sorted.empty() && sorted.back().value >= nodeCount)
        return misfit("node " + std::to_string(sorted.back().value) + " is not in the snapshot");

    std::vector<std::uint32_t> groupOf(sorted.size());
    std::vector<HolderGroup> groups;
    detail::FlatHashMap<std::uint64_t, std::uint32_t, detail::IntegerHash> groupByKey;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if ((i & kStopCheckMask) == kStopCheckMask && context.stopRequested())
            return stopped(analysis);
        const NodeOrdinal n = sorted[i];
        const std::uint32_t path = pathOfNode[n.value];
        if (path != kNoIndex && path >= table.pathCount())
            return misfit("the holder paths are of another table (path " + std::to_string(path) + ")");
        const std::uint32_t classIndex = analysis.classOf[n];
        const auto [group, inserted] =
            groupByKey.tryEmplace(std::uint64_t(classIndex) << 32 | path, std::uint32_t(groups.size()));
        if (inserted) {
            HolderGroup fresh;
            fresh.path = path;
            fresh.classIndex = classIndex;
            groups.push_back(std::move(fresh));
        }
        groupOf[i] = group;
        HolderGroup& g = groups[group];
        ++g.count;
        g.selfSize += analysis.selfSize[n];
        g.nodes.push_back(n);
    }
    std::vector<std::uint32_t> groupOfNode(nodeCount, kNoIndex);
    for (std::size_t i = 0; i < sorted.size(); ++i)
        groupOfNode[sorted[i].value] = groupOf[i];
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if ((i & kStopCheckMask) == kStopCheckMask && context.stopRequested())
            return stopped(analysis);
        if (!dominatedWithinGroup(analysis, sorted[i], groupOfNode))
            groups[groupOf[i]].retainedSize += analysis.retainedSize[sorted[i]];
    }
    std::vector<std::string> texts(groups.size());
    for (std::size_t g = 0; g < groups.size(); ++g)
        texts[g] = table.describe(analysis.classes[groups[g].classIndex].name, groups[g].path);
    std::vector<std::uint32_t> order(groups.size());
    for (std::uint32_t g = 0; g < order.size(); ++g)
        order[g] = g;
    std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
        const HolderGroup& a = groups[x];
        const HolderGroup& b = groups[y];
        if (a.retainedSize != b.retainedSize)
            return a.retainedSize > b.retainedSize;
        if (a.count != b.count)
            return a.count > b.count;
        return text::compareUtf16(texts[x], texts[y]) < 0;
    });
    std::vector<HolderGroup> out;
    out.reserve(groups.size());
    for (std::uint32_t g : order)
        out.push_back(std::move(groups[g]));
    return out;
}

HolderCensus holderCensusOfPaths(const Analysis& analysis, std::vector<std::uint32_t>&& paths) {
    const Snapshot& s = *analysis.snapshot;
    HolderCensus census;
    // Each node's path, then in its place its group: one array per node at a time.
    detail::FlatHashMap<std::uint64_t, std::uint32_t, detail::IntegerHash> groupByKey;
    for (NodeOrdinal n : s.nodes()) {
        const std::uint32_t path = paths[n.value];
        if (path == kNoIndex)
            continue;
        const std::uint32_t classIndex = analysis.classOf[n];
        const auto [group, inserted] = groupByKey.tryEmplace(std::uint64_t(classIndex) << 32 | path,
                                                             std::uint32_t(census.groups.size()));
        if (inserted) {
            HolderGroup fresh;
            fresh.path = path;
            fresh.classIndex = classIndex;
            census.groups.push_back(std::move(fresh));
        }
        HolderGroup& g = census.groups[group];
        paths[n.value] = group;
        ++g.count;
        g.selfSize += analysis.selfSize[n];
    }
    census.groupOfNode = std::move(paths);
    for (NodeOrdinal n : s.nodes()) {
        const std::uint32_t g = census.groupOfNode[n.value];
        if (g != kNoIndex && !dominatedWithinGroup(analysis, n, census.groupOfNode))
            census.groups[g].retainedSize += analysis.retainedSize[n];
    }
    return census;
}

Expected<HolderCensus> holderCensus(const Analysis& analysis, HolderPathTable& table,
                                    const HolderPathOptions& options, const WorkContext& context) {
    auto paths = summarizeHolderPaths(analysis, table, options, context);
    if (!paths)
        return paths.error();
    return holderCensusOfPaths(analysis, std::move(*paths));
}

} // namespace heapscope
