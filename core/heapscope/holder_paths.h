// SPDX-License-Identifier: MIT
// "How is it held?": each object's shortest retaining path from a GC root, summarised as a few
// (holder class, edge name) hops with array indexes and Map/Set slots folded, so that thousands of
// objects held the same way form one group: "RequestRecord ← records in Session ← table in Map".
#pragma once

#include "heapscope/analysis.h"
#include "heapscope/common.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace heapscope {

/// One hop of a holder path: the object (or the previous hop's holder) is held by `holder` through
/// the edge `edge` ("records", "table", a closure variable's name).
struct HolderHop {
    std::string holder; ///< the holder's class name, e.g. "Session", "Map", "system / Context"
    std::string edge;   ///< the edge's name; "[]" for an index that could not be folded
    bool operator==(const HolderHop&) const = default;
};

/// "Session ← records in … " as one line, or with "\n" as `separator` one hop a line: the class,
/// then `separator` + "edge in holder" per hop; "a GC root" for an empty path.
std::string describeHolderPath(std::string_view className, const std::vector<HolderHop>& hops,
                               std::string_view separator = " ← ");

/// Labels (class and edge names) and paths, interned: equal paths get equal ids. A series shares
/// one table across its snapshots, so that a path found in two snapshots is one id.
class HolderPathTable {
public:
    std::uint32_t internLabel(std::string_view text);
    const std::string& label(std::uint32_t id) const { return m_labels[id]; }
    /// `labels` alternates holder and edge label ids, innermost hop first.
    std::uint32_t internPath(std::span<const std::uint32_t> labels);
    std::span<const std::uint32_t> pathLabels(std::uint32_t path) const {
        return {m_pathLabels.data() + m_pathStart[path], m_pathStart[path + 1] - m_pathStart[path]};
    }
    std::size_t pathCount() const { return m_pathStart.size() - 1; }
    /// The hops of a path, innermost (nearest the object) first.
    std::vector<HolderHop> hops(std::uint32_t path) const;
    /// "Session ← records in … ": the class, then " ← edge in holder" per hop.
    std::string describe(std::string_view className, std::uint32_t path) const;

private:
    std::vector<std::string> m_labels;
    std::unordered_map<std::string, std::uint32_t> m_labelIds;
    std::vector<std::uint32_t> m_pathLabels;
    std::vector<std::uint32_t> m_pathStart{0};
    std::unordered_map<std::string, std::uint32_t> m_pathIds; // key: the label ids' bytes
};

struct HolderPathOptions {
    /// Hops kept per path, from the object outwards; further holders are not part of the group.
    std::uint32_t maxHops = 4;
};

/// True for the objects grouped by holder: values a program makes (objects, closures, strings,
/// numbers, native objects), not the engine's internal arrays, code, shapes or roots.
bool isGroupedByHolder(NodeKind kind);

/// The holder path of every node (an id into `table`), kNoIndex for nodes not grouped, unreachable
/// from the roots, or held through the engine's own tables (compiled code, object shapes, "(system)"
/// objects); an empty path for
/// objects held directly by a root. The path follows the BFS tree of DevTools' distances
/// (through a retainer one step nearer the root; the lowest such retainer ordinal, for a result that
/// does not depend on thread timing) and folds:
/// - index edges of containers (Array elements, hash table slots, internal lists): the object is
///   held as its container is, so "[12] in Array ← records in Session" reads "records in Session";
///   a numbered field of another object is the hop "[] in Holder";
/// - a hop repeated (a linked list's "next in Node", a chain of contexts) counts once, so every
///   element of a list is one group however deep it is;
/// - holders that are not grouped kinds but are reached by name ("table" of a Map into its internal
///   array) stay as hops.
/// Two linear passes over the edges and nodes; a stop request returns a cancelled error.
Expected<std::vector<std::uint32_t>> summarizeHolderPaths(const Analysis& analysis, HolderPathTable& table,
                                                          const HolderPathOptions& options = {},
                                                          const WorkContext& context = {});

/// Objects of one set held the same way.
struct HolderGroup {
    std::uint32_t path = kNoIndex; ///< into the table; kNoIndex for objects with no holder path
    std::uint32_t classIndex = 0;  ///< into Analysis::classes
    std::uint32_t count = 0;
    std::uint64_t selfSize = 0;
    /// Sum of the members' retained sizes, each member counted only when no other member of the
    /// group dominates it (a linked list is its head's retained size, not a sum over every tail).
    std::uint64_t retainedSize = 0;
    std::vector<NodeOrdinal> nodes; ///< the members, increasing
};

/// Groups `nodes` (ordinals) by class and holder path, biggest retained size first (then count,
/// then the path's text). The Comparison's "new objects of this class, by holder". Summarizes the
/// whole snapshot first (summarizeHolderPaths), then groups as groupByHolderPaths().
Expected<std::vector<HolderGroup>> groupByHolder(const Analysis& analysis, std::span<const NodeOrdinal> nodes,
                                                 HolderPathTable& table,
                                                 const HolderPathOptions& options = {},
                                                 const WorkContext& context = {});

/// The grouping of groupByHolder() from paths worked out before: `pathOfNode` is
/// summarizeHolderPaths()' result for this analysis and `table` (one entry per node, kNoIndex for
/// nodes not grouped; those of `nodes` form the groups without a path). Only reads the table, so
/// that one summary serves every later set of nodes of the snapshot. The same groups, order and
/// numbers as groupByHolder(); an error when `pathOfNode` does not fit the analysis, a cancelled
/// error on a stop request.
Expected<std::vector<HolderGroup>>
groupByHolderPaths(const Analysis& analysis, std::span<const NodeOrdinal> nodes, const HolderPathTable& table,
                   std::span<const std::uint32_t> pathOfNode, const WorkContext& context = {});

/// Every grouped object of a snapshot by class and holder path: a series keeps these numbers of each
/// snapshot (not the graph). `groups` have no `nodes`; `groupOfNode` gives each node's group index
/// (kNoIndex for nodes not grouped), in no particular order of groups.
struct HolderCensus {
    std::vector<HolderGroup> groups;
    std::vector<std::uint32_t> groupOfNode;
};
Expected<HolderCensus> holderCensus(const Analysis& analysis, HolderPathTable& table,
                                    const HolderPathOptions& options = {}, const WorkContext& context = {});
/// The same from summarizeHolderPaths()' result for this analysis (taken over as groupOfNode).
HolderCensus holderCensusOfPaths(const Analysis& analysis, std::vector<std::uint32_t>&& paths);

} // namespace heapscope
