// SPDX-License-Identifier: MIT
// "Why is this object still alive?": the shortest distinct retaining paths from the GC roots.
#pragma once

#include "heapscope/analysis.h"

#include <string>
#include <vector>

namespace heapscope {

struct PathOptions {
    std::uint32_t maxPaths = 5;              ///< K
    std::uint32_t maxLength = 64;            ///< hops; longer paths are not followed (reported)
    bool includeWeak = false;                ///< follow weak edges too
    std::vector<NodeOrdinal> ignoredNodes;   ///< retainers the user chose to ignore
    std::uint64_t maxExpansions = 2'000'000; ///< search budget; the result says when it ran out
    /// Paths that differ only inside system contexts or built-in functions (which `toJSON()` or
    /// `parse()` closure a context is reached through) count once: the K paths are K different ways.
    bool mergeContextVariants = true;
};

/// One hop of a path: the edge from the previous hop's node (kNoEdge for the first hop) to `node`.
/// Parallel edges between the same two nodes are merged: `edge` is the first, `edgeCount` how many.
struct PathHop {
    NodeOrdinal node;
    EdgeOrdinal edge = kNoEdge;
    std::uint32_t edgeCount = 0;
};

/// A path from a GC root (the first hop is a child of the snapshot's root) to the objects.
struct RetainerPath {
    std::vector<PathHop> hops;
    /// For a set of objects: how many of them the last retainer holds (the last hop shows one).
    std::uint32_t targetCount = 1;
    /// Longer paths found after this one that differ from it only inside system contexts or built-in
    /// functions, merged into it.
    std::uint32_t mergedCount = 0;
};

struct RetainerPaths {
    std::vector<NodeOrdinal> targets;
    std::vector<RetainerPath> paths; ///< shortest first
    bool searchCutShort = false;     ///< the budget ran out before K paths were found
    bool longerPathsSkipped = false; ///< some paths exceeded maxLength
    bool unreachable = false;        ///< no path from the root exists (only weak or ignored retainers)
    std::uint32_t mergedPaths = 0;   ///< sum of the paths' mergedCount
};

/// Finds up to K shortest paths with distinct node sequences, ignoring weak edges (unless asked),
/// ignored nodes and edges from the root itself. Reports progress as Stage::PathSearch (expansions of
/// the search budget); a stop request returns an Error with `cancelled` set.
Expected<RetainerPaths> findRetainerPaths(const Analysis& analysis, const std::vector<NodeOrdinal>& targets,
                                          const PathOptions& options = {}, const WorkContext& context = {});

/// True for the hops a merge of path variants looks through: system contexts ("system / Context",
/// "system / NativeContext", ...) and built-in functions (closures without a script location, in
/// snapshots that record locations).
bool isContextHop(const Analysis& analysis, NodeOrdinal node);

/// Plain text, one hop per line, root first (as DevTools prints a retainer chain).
std::string formatPathsText(const Analysis& analysis, const RetainerPaths& paths);
/// Markdown for an issue tracker.
std::string formatPathsMarkdown(const Analysis& analysis, const RetainerPaths& paths);
/// JSON; schema in docs/retainer-paths.schema.json.
std::string formatPathsJson(const Analysis& analysis, const RetainerPaths& paths);

} // namespace heapscope
