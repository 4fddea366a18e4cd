// SPDX-License-Identifier: MIT
// Holder paths: the BFS tree of the distances, walked up from each object and folded into a few hops.
#include "heapscope/holder_paths.h"

#include "heapscope/snapshot.h"
#include "heapscope/string_table.h"

#include <algorithm>
#include <cstring>

namespace heapscope {

namespace {

constexpr std::uint32_t kStopCheckMask = (1u << 16) - 1;
// Folded index hops and named hops together; a chain of nested arrays longer than this ends the walk.
constexpr std::uint32_t kMaxWalk = 64;

bool allDigits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Per snapshot: where each node is held from (one retainer a step nearer the root) and the labels of
// the snapshot's classes and edge names in the shared table.
class Summarizer {
public:
    Summarizer(const Analysis& analysis, HolderPathTable& table, const HolderPathOptions& options)
        : m_a(analysis), m_s(*analysis.snapshot), m_table(table), m_options(options),
          m_classLabel(analysis.classes.size(), kNoIndex), m_stringLabel(m_s.strings.size(), kNoIndex) {}

    bool findParents(const WorkContext& context) {
        const std::uint32_t nodeCount = m_s.nodeCount;
        m_parentNode.assign(nodeCount, kNoNode);
        m_parentEdge.assign(nodeCount, kNoEdge);
        const std::int32_t* distance = m_a.distance.data();
        for (std::uint32_t u = 0; u < nodeCount; ++u) {
            if ((u & kStopCheckMask) == 0 && context.stopRequested())
                return false;
            const std::int32_t d = distance[u];
            if (d == kNoDistance)
                continue;
            for (std::uint32_t e = m_s.firstEdge[u], end = m_s.firstEdge[u + 1]; e < end; ++e) {
                const std::uint32_t v = m_s.edgeTo[e];
                if (m_parentNode[v] != kNoNode || distance[v] != d + 1 || m_s.edgeKind(e) == EdgeKind::Weak)
                    continue;
                m_parentNode[v] = u;
                m_parentEdge[v] = e;
            }
        }
        return true;
    }

    std::uint32_t pathOf(std::uint32_t node) {
        if (!isGroupedByHolder(m_s.kind(node)) || m_a.distance[node] == kNoDistance)
            return kNoIndex;
        m_labels.clear();
        std::uint32_t current = node;
        for (std::uint32_t walked = 0; walked < kMaxWalk && m_labels.size() < 2 * m_options.maxHops;
             ++walked) {
            const std::uint32_t parent = m_parentNode[current];
            if (parent == kNoNode || parent == m_s.rootOrdinal || m_s.kind(parent) == NodeKind::Synthetic)
                break;
            if (isEngineInternal(parent))
                return kNoIndex; // held by the engine's own tables: not the program's
            const std::uint32_t edge = m_parentEdge[current];
            current = parent;
            std::uint32_t edgeLabel = labelOfEdge(edge);
            if (edgeLabel == kNoIndex) {
                if (isContainer(parent))
                    continue; // an element or slot: held as its container is
                edgeLabel = indexLabel();
            }
            const std::uint32_t holderLabel = labelOfClass(parent);
            const std::size_t size = m_labels.size();
            if (size >= 2 && m_labels[size - 2] == holderLabel && m_labels[size - 1] == edgeLabel)
                continue; // a run of one hop (a linked list's `next`, a context chain) is one hop
            m_labels.push_back(holderLabel);
            m_labels.push_back(edgeLabel);
        }
        return m_table.internPath(m_labels);
    }

private:
    // Arrays, hash tables and the engine's other internal lists: an index into one says nothing of
    // how the object is held. (A numbered field of an ordinary object, such as a double stored in
    // it, stays a hop.)
    bool isContainer(std::uint32_t node) {
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
    bool isEngineInternal(std::uint32_t node) {
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

    std::uint32_t labelOfClass(std::uint32_t node) {
        std::uint32_t& label = m_classLabel[m_a.classOf[node]];
        if (label == kNoIndex)
            label = m_table.internLabel(m_a.classInfo(node).name);
        return label;
    }

    // kNoIndex for an index edge (folded).
    std::uint32_t labelOfEdge(std::uint32_t edge) {
        const EdgeKind kind = m_s.edgeKind(edge);
        if (edgeNameIsIndex(kind))
            return kNoIndex;
        const std::uint32_t stringId = m_s.edgeNameOrIndex[edge];
        if (stringId >= m_stringLabel.size())
            return kNoIndex;
        std::uint32_t& label = m_stringLabel[stringId];
        if (label == kNoIndex) {
            const std::string_view name = m_s.strings[stringId];
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
    std::vector<std::uint32_t> m_parentNode;
    std::vector<std::uint32_t> m_parentEdge;
    std::vector<std::uint32_t> m_labels;
    std::vector<std::uint8_t> m_containerClass; // per class: 0 no, 1 yes, 2 not known yet
    std::uint32_t m_indexLabel = kNoIndex;
};

// Whether one of the node's nearest dominators is in the node's own group (groupOfNode: per node, its
// group or kNoIndex). Looks a few dominators up: far ones would rarely be in the group, and the walk
// runs for every member.
bool dominatedWithinGroup(const Analysis& analysis, std::uint32_t node,
                          const std::vector<std::uint32_t>& groupOfNode) {
    constexpr int kDominatorsLooked = 8;
    const std::uint32_t group = groupOfNode[node];
    std::uint32_t current = node;
    for (int step = 0; step < kDominatorsLooked; ++step) {
        const std::uint32_t up = analysis.dominator[current];
        if (up == current || up >= groupOfNode.size())
            return false;
        if (groupOfNode[up] == group)
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
    std::string text(className);
    if (path == kNoIndex)
        return text;
    const auto labels = pathLabels(path);
    if (labels.empty())
        return text + " ← a GC root";
    for (std::size_t i = 0; i + 1 < labels.size(); i += 2)
        text += " ← " + m_labels[labels[i + 1]] + " in " + m_labels[labels[i]];
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
    if (!summarizer.findParents(context))
        return stopped(analysis);
    const std::uint32_t nodeCount = analysis.snapshot->nodeCount;
    std::vector<std::uint32_t> paths(nodeCount);
    for (std::uint32_t n = 0; n < nodeCount; ++n) {
        if ((n & kStopCheckMask) == 0 && context.stopRequested())
            return stopped(analysis);
        paths[n] = summarizer.pathOf(n);
    }
    return paths;
}

Expected<std::vector<HolderGroup>> groupByHolder(const Analysis& analysis,
                                                 std::span<const std::uint32_t> nodes, HolderPathTable& table,
                                                 const HolderPathOptions& options,
                                                 const WorkContext& context) {
    Summarizer summarizer(analysis, table, options);
    if (!summarizer.findParents(context))
        return stopped(analysis);
    std::vector<std::uint32_t> sorted(nodes.begin(), nodes.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());

    std::vector<std::uint32_t> groupOf(sorted.size());
    std::vector<HolderGroup> groups;
    std::unordered_map<std::uint64_t, std::uint32_t> groupByKey;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        const std::uint32_t n = sorted[i];
        const std::uint32_t path = summarizer.pathOf(n);
        const std::uint32_t classIndex = analysis.classOf[n];
        const auto [it, inserted] =
            groupByKey.try_emplace(std::uint64_t(classIndex) << 32 | path, std::uint32_t(groups.size()));
        if (inserted) {
            HolderGroup group;
            group.path = path;
            group.classIndex = classIndex;
            groups.push_back(std::move(group));
        }
        HolderGroup& group = groups[it->second];
        groupOf[i] = it->second;
        ++group.count;
        group.selfSize += analysis.selfSize[n];
        group.nodes.push_back(n);
    }
    std::vector<std::uint32_t> groupOfNode(analysis.snapshot->nodeCount, kNoIndex);
    for (std::size_t i = 0; i < sorted.size(); ++i)
        groupOfNode[sorted[i]] = groupOf[i];
    for (std::size_t i = 0; i < sorted.size(); ++i)
        if (!dominatedWithinGroup(analysis, sorted[i], groupOfNode))
            groups[groupOf[i]].retainedSize += analysis.retainedSize[sorted[i]];
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

Expected<HolderCensus> holderCensus(const Analysis& analysis, HolderPathTable& table,
                                    const HolderPathOptions& options, const WorkContext& context) {
    Summarizer summarizer(analysis, table, options);
    if (!summarizer.findParents(context))
        return stopped(analysis);
    const std::uint32_t nodeCount = analysis.snapshot->nodeCount;
    HolderCensus census;
    census.groupOfNode.assign(nodeCount, kNoIndex);
    std::unordered_map<std::uint64_t, std::uint32_t> groupByKey;
    for (std::uint32_t n = 0; n < nodeCount; ++n) {
        if ((n & kStopCheckMask) == 0 && context.stopRequested())
            return stopped(analysis);
        const std::uint32_t path = summarizer.pathOf(n);
        if (path == kNoIndex)
            continue;
        const std::uint32_t classIndex = analysis.classOf[n];
        const auto [it, inserted] = groupByKey.try_emplace(std::uint64_t(classIndex) << 32 | path,
                                                           std::uint32_t(census.groups.size()));
        if (inserted) {
            HolderGroup group;
            group.path = path;
            group.classIndex = classIndex;
            census.groups.push_back(std::move(group));
        }
        HolderGroup& group = census.groups[it->second];
        census.groupOfNode[n] = it->second;
        ++group.count;
        group.selfSize += analysis.selfSize[n];
    }
    for (std::uint32_t n = 0; n < nodeCount; ++n) {
        const std::uint32_t g = census.groupOfNode[n];
        if (g != kNoIndex && !dominatedWithinGroup(analysis, n, census.groupOfNode))
            census.groups[g].retainedSize += analysis.retainedSize[n];
    }
    return census;
}

} // namespace heapscope
