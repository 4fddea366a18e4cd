// SPDX-License-Identifier: MIT
// Hand-built heap graphs for the unit tests of the analysis: nodes and edges are given by ordinal
// and name, the builder writes them as a snapshot (test_util.h's MiniSnapshot), loads it and runs
// the analysis. The per-node readers below are the only place these tests touch the Analysis'
// columns.
#pragma once

#include "test_util.h"

#include "heapscope/analysis.h"
#include "heapscope/loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace heapscope::test {

/// A graph described node by node; node 0 is the root unless `rootLast` moves it to the end.
class GraphBuilder {
public:
    struct Node {
        std::uint64_t type;
        std::string name;
        std::uint64_t selfSize;
    };
    struct Edge {
        NodeOrdinal from;
        std::uint64_t type;
        std::string name;    ///< string-named edges
        std::uint64_t index; ///< element and hidden edges
        NodeOrdinal to;
    };

    /// Adds a node and returns it. Its id is 2 × ordinal + 1 (an odd, JavaScript id).
    NodeOrdinal node(std::uint64_t type, std::string name, std::uint64_t selfSize) {
        m_nodes.push_back({type, std::move(name), selfSize});
        return NodeOrdinal(std::uint32_t(m_nodes.size() - 1));
    }
    /// A string-named edge (property, internal, context, shortcut, weak).
    void edge(NodeOrdinal from, std::uint64_t type, std::string name, NodeOrdinal to) {
        m_edges.push_back({from, type, std::move(name), 0, to});
    }
    /// An index-named edge (element, hidden).
    void indexEdge(NodeOrdinal from, std::uint64_t type, std::uint64_t index, NodeOrdinal to) {
        m_edges.push_back({from, type, {}, index, to});
    }
    void property(NodeOrdinal from, NodeOrdinal to, std::string name = "p") {
        edge(from, eProperty, std::move(name), to);
    }
    void weak(NodeOrdinal from, NodeOrdinal to) { edge(from, eWeak, "w", to); }
    void element(NodeOrdinal from, NodeOrdinal to, std::uint64_t index = 0) {
        indexEdge(from, eElement, index, to);
    }

    std::size_t nodeCount() const { return m_nodes.size(); }
    static std::uint32_t idOf(NodeOrdinal node) { return 2 * node.value + 1; }

    /// The snapshot: edges grouped by source in the order they were added, names interned.
    MiniSnapshot mini() const {
        MiniSnapshot m;
        std::map<std::string, std::uint64_t> ids;
        auto intern = [&](const std::string& s) {
            auto [it, added] = ids.emplace(s, m.strings.size());
            if (added)
                m.strings.push_back(s);
            return it->second;
        };
        intern("");
        std::vector<std::uint64_t> edgeCount(m_nodes.size(), 0);
        for (const Edge& e : m_edges)
            ++edgeCount[e.from.value];
        m.nodes.reserve(m_nodes.size());
        for (std::uint32_t n = 0; n < m_nodes.size(); ++n)
            m.nodes.push_back({m_nodes[n].type, intern(m_nodes[n].name), idOf(NodeOrdinal(n)),
                               m_nodes[n].selfSize, edgeCount[n]});
        std::vector<std::uint32_t> order(m_edges.size());
        for (std::uint32_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(),
                         [&](std::uint32_t a, std::uint32_t b) { return m_edges[a].from < m_edges[b].from; });
        m.edges.reserve(m_edges.size());
        for (std::uint32_t i : order) {
            const Edge& e = m_edges[i];
            const bool indexed = e.type == eElement || e.type == eHidden;
            m.edges.push_back({e.type, indexed ? e.index : intern(e.name), e.to.value});
        }
        return m;
    }
    std::string json() const { return mini().json(); }

    /// Loads and analyses the graph; null (with a test failure) when either step fails.
    AnalysisPtr analyze(unsigned threads = 0) const {
        auto loaded = loadText(json());
        EXPECT_TRUE(loaded.ok()) << loaded.error().message();
        if (!loaded.ok())
            return nullptr;
        AnalysisOptions options;
        options.threads = threads;
        auto analysis = heapscope::analyze(*loaded, options);
        EXPECT_TRUE(analysis.ok()) << analysis.error().message();
        return analysis.ok() ? *analysis : nullptr;
    }

    const std::vector<Node>& nodes() const { return m_nodes; }
    const std::vector<Edge>& edges() const { return m_edges; }

private:
    std::vector<Node> m_nodes;
    std::vector<Edge> m_edges;
};

inline NodeOrdinal dominatorOf(const Analysis& a, NodeOrdinal n) {
    return a.dominator[n];
}
inline std::int64_t distanceOf(const Analysis& a, NodeOrdinal n) {
    return a.distance[n];
}
inline std::uint64_t retainedOf(const Analysis& a, NodeOrdinal n) {
    return a.retainedSize[n];
}
inline std::uint64_t selfSizeOf(const Analysis& a, NodeOrdinal n) {
    return a.selfSize[n];
}
/// The dominator tree's children of n, in the order the Analysis lists them.
inline std::vector<NodeOrdinal> dominatedBy(const Analysis& a, NodeOrdinal n) {
    const TypedSpan<NodeOrdinal> children = a.dominatedBy(n);
    return std::vector<NodeOrdinal>(children.begin(), children.end());
}

/// Per-node columns as vectors in ordinal order, for whole-graph comparisons.
inline std::vector<NodeOrdinal> dominators(const Analysis& a) {
    std::vector<NodeOrdinal> out;
    for (NodeOrdinal n : a.snapshot->nodes())
        out.push_back(dominatorOf(a, n));
    return out;
}
inline std::vector<std::int64_t> distances(const Analysis& a) {
    std::vector<std::int64_t> out;
    for (NodeOrdinal n : a.snapshot->nodes())
        out.push_back(distanceOf(a, n));
    return out;
}
inline std::vector<std::uint64_t> retainedSizes(const Analysis& a) {
    std::vector<std::uint64_t> out;
    for (NodeOrdinal n : a.snapshot->nodes())
        out.push_back(retainedOf(a, n));
    return out;
}

} // namespace heapscope::test
