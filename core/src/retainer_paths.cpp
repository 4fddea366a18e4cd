// SPDX-License-Identifier: MIT
// K shortest retaining paths: a best-first search backwards from the objects, guided by the exact
// distance of every node from the root, so that paths come out shortest first.
#include "heapscope/retainer_paths.h"

#include "analysis_internal.h"
#include "heapscope/format.h"
#include "heapscope/json_writer.h"

#include <algorithm>
#include <map>
#include <queue>
#include <unordered_map>

namespace heapscope {

namespace {

struct State {
    NodeOrdinal node;
    std::uint32_t parent; // state closer to the targets, kNoIndex for a target
    EdgeOrdinal edge;     // edge from `node` to the parent's node
    std::uint32_t edgeCount;
    std::uint32_t g; // hops from the targets
    std::uint32_t targetCount;
};

/// What makes a path a different way of holding the objects: its nodes, with every run of context
/// hops (see isContextHop) replaced by one marker (kNoNode).
std::vector<NodeOrdinal> pathSignature(const Analysis& a, const RetainerPath& path) {
    std::vector<NodeOrdinal> out;
    out.reserve(path.hops.size());
    for (const PathHop& hop : path.hops) {
        if (!isContextHop(a, hop.node))
            out.push_back(hop.node);
        else if (out.empty() || out.back() != kNoNode)
            out.push_back(kNoNode);
    }
    return out;
}

} // namespace

bool isContextHop(const Analysis& a, NodeOrdinal node) {
    const Snapshot& s = *a.snapshot;
    switch (s.kind(node)) {
    case NodeKind::Hidden:
    case NodeKind::Object: {
        const std::string_view name = s.name(node);
        return name.starts_with("system / ") && name.ends_with("Context");
    }
    case NodeKind::Closure:
        // V8 records a location for every function that has a script; built-ins have none.
        return !s.locations.empty() && s.location(node) == nullptr;
    default:
        return false;
    }
}

Expected<RetainerPaths> findRetainerPaths(const Analysis& a, const std::vector<NodeOrdinal>& targetList,
                                          const PathOptions& options, const WorkContext& context) {
    const Snapshot& s = *a.snapshot;
    const std::uint32_t N = s.nodeCount;
    RetainerPaths out;
    for (NodeOrdinal t : targetList)
        if (t.value < N)
            out.targets.push_back(t);
    std::sort(out.targets.begin(), out.targets.end());
    out.targets.erase(std::unique(out.targets.begin(), out.targets.end()), out.targets.end());
    if (out.targets.empty()) {
        Error e;
        e.file = s.path;
        e.stage = "paths";
        e.reason = "no object to find paths to";
        return e;
    }
    std::vector<bool> ignored(N, false);
    for (NodeOrdinal n : options.ignoredNodes)
        if (n.value < N)
            ignored[n.value] = true;
    auto allowed = [&](EdgeOrdinal e) { return options.includeWeak || s.edgeKind(e) != EdgeKind::Weak; };
    auto cancelled = [&] { return cancelledError(s.path, "paths", "the search was cancelled"); };

    // Exact hops from the root over the edges a path may use: the search's heuristic.
    constexpr std::uint32_t kFar = 0xFFFFFFFFu;
    auto hops = Column<NodeOrdinal, std::uint32_t>::uninitialized(N);
    std::fill(hops.begin(), hops.end(), kFar);
    {
        std::vector<NodeOrdinal> queue{s.root()};
        hops[s.root()] = 0;
        for (std::size_t head = 0; head < queue.size(); ++head) {
            if ((head & 0xFFFF) == 0 && context.stopRequested())
                return cancelled();
            const NodeOrdinal n = queue[head];
            for (EdgeOrdinal e : s.edgesOf(n)) {
                const NodeOrdinal t = s.edgeTo[e];
                if (hops[t] != kFar || !allowed(e) || ignored[t.value])
                    continue;
                hops[t] = hops[n] + 1;
                queue.push_back(t);
            }
        }
    }
    if (context.stopRequested())
        return cancelled();

    std::vector<State> states;
    using Entry = std::pair<std::uint64_t, std::uint32_t>; // (f << 32 | sequence) and state index
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> open;
    std::uint32_t sequence = 0;
    auto push = [&](const State& st) {
        if (hops[st.node] == kFar)
            return;
        states.push_back(st);
        const std::uint64_t f = std::uint64_t(st.g) + hops[st.node];
        open.push({(f << 32) | sequence++, std::uint32_t(states.size() - 1)});
    };
    auto onChain = [&](std::uint32_t stateIndex, NodeOrdinal node) {
        for (std::uint32_t i = stateIndex; i != kNoIndex; i = states[i].parent)
            if (states[i].node == node)
                return true;
        return false;
    };
    // The edges from u to v a path may use: the first of them and how many there are.
    std::vector<EdgeOrdinal> between;
    auto allowedEdges = [&](NodeOrdinal u, NodeOrdinal v) {
        s.edgesBetween(u, v, between);
        std::pair<EdgeOrdinal, std::uint32_t> result{kNoEdge, 0};
        for (EdgeOrdinal e : between)
            if (allowed(e)) {
                result.first = std::min(result.first, e);
                ++result.second;
            }
        return result;
    };
    // Expands a state: one successor per distinct retaining node (parallel edges merged).
    auto expand = [&](std::uint32_t index) {
        const State cur = states[index];
        const auto& sources = s.retainerSource();
        const IndexRange<RetainerSlot> slots = s.retainersOf(cur.node);
        RetainerSlot r = slots.first();
        while (r < slots.last()) {
            const NodeOrdinal u = sources[r];
            while (r < slots.last() && sources[r] == u)
                ++r;
            if (ignored[u.value] || hops[u] == kFar || onChain(index, u))
                continue;
            const auto [firstEdge, count] = allowedEdges(u, cur.node);
            if (!count)
                continue;
            if (cur.g + 1 > options.maxLength) {
                out.longerPathsSkipped = true;
                continue;
            }
            push({u, index, firstEdge, count, cur.g + 1, cur.targetCount});
        }
    };

    if (out.targets.size() == 1) {
        push({out.targets[0], kNoIndex, kNoEdge, 0, 0, 1});
    } else {
        // A set: the first step merges every target a retainer holds, so that objects retained the
        // same way make one path.
        std::vector<bool> isTarget(N, false);
        for (NodeOrdinal t : out.targets)
            isTarget[t.value] = true;
        struct Holder {
            NodeOrdinal firstTarget = kNoNode;
            EdgeOrdinal firstEdge = kNoEdge;
            std::uint32_t edges = 0;
            std::uint32_t targets = 0;
        };
        std::unordered_map<NodeOrdinal, Holder> holders;
        std::vector<NodeOrdinal> order;
        const auto& sources = s.retainerSource();
        for (NodeOrdinal t : out.targets) {
            const IndexRange<RetainerSlot> slots = s.retainersOf(t);
            RetainerSlot r = slots.first();
            while (r < slots.last()) {
                const NodeOrdinal u = sources[r];
                while (r < slots.last() && sources[r] == u)
                    ++r;
                if (ignored[u.value] || hops[u] == kFar || u == t)
                    continue;
                const auto [firstEdge, count] = allowedEdges(u, t);
                if (!count)
                    continue;
                auto [it, inserted] = holders.try_emplace(u);
                if (inserted)
                    order.push_back(u);
                Holder& h = it->second;
                if (h.firstTarget == kNoNode || firstEdge < h.firstEdge) {
                    h.firstTarget = t;
                    h.firstEdge = firstEdge;
                }
                h.edges += count;
                ++h.targets;
            }
        }
        for (NodeOrdinal u : order) {
            const Holder& h = holders[u];
            states.push_back({h.firstTarget, kNoIndex, kNoEdge, 0, 0, 1});
            const std::uint32_t leaf = std::uint32_t(states.size() - 1);
            push({u, leaf, h.firstEdge, h.edges, 1, h.targets});
        }
    }

    std::uint64_t expansions = 0;
    std::map<std::vector<NodeOrdinal>, std::size_t> signatures; // of the paths kept -> their index
    while (!open.empty() && out.paths.size() < options.maxPaths) {
        const std::uint32_t index = open.top().second;
        open.pop();
        const State cur = states[index];
        if (cur.node == s.root()) {
            RetainerPath path;
            path.targetCount = cur.targetCount;
            EdgeOrdinal prevEdge = cur.edge;
            std::uint32_t prevCount = cur.edgeCount;
            bool first = true;
            for (std::uint32_t i = cur.parent; i != kNoIndex; i = states[i].parent) {
                PathHop hop;
                hop.node = states[i].node;
                if (!first) {
                    hop.edge = prevEdge;
                    hop.edgeCount = prevCount;
                }
                first = false;
                prevEdge = states[i].edge;
                prevCount = states[i].edgeCount;
                path.hops.push_back(hop);
            }
            if (options.mergeContextVariants) {
                auto [it, isNew] = signatures.try_emplace(pathSignature(a, path), out.paths.size());
                if (!isNew) {
                    ++out.paths[it->second].mergedCount;
                    ++out.mergedPaths;
                    continue;
                }
            }
            out.paths.push_back(std::move(path));
            continue;
        }
        if (++expansions > options.maxExpansions) {
            out.searchCutShort = true;
            break;
        }
        if ((expansions & 0xFFFF) == 0) {
            if (context.stopRequested())
                return cancelled();
            context.report(Stage::PathSearch, expansions, options.maxExpansions);
        }
        expand(index);
    }
    if (out.paths.empty() && !out.searchCutShort) {
        bool any = false;
        for (NodeOrdinal t : out.targets)
            any = any || hops[t] != kFar;
        out.unreachable = !any;
    }
    return out;
}

namespace {

std::string targetTitle(const Analysis& a, const RetainerPaths& p) {
    if (p.targets.size() == 1) {
        const NodeOrdinal t = p.targets[0];
        return text::toUtf8(format::nodeLabelWithId(a, t)) + " (shallow " +
               format::bytesAdaptive(a.selfSize[t]) + ", retained " +
               format::bytesAdaptive(a.retainedSize[t]) + ")";
    }
    std::string out = format::grouped(p.targets.size()) + " objects (";
    for (std::size_t i = 0; i < std::min<std::size_t>(3, p.targets.size()); ++i)
        out += (i ? ", " : "") + text::toUtf8(format::nodeLabelWithId(a, p.targets[i]));
    return out + (p.targets.size() > 3 ? ", \xE2\x80\xA6)" : ")");
}

std::string edgeText(const Analysis& a, const PathHop& hop) {
    std::string e = text::toUtf8(format::edgeName(*a.snapshot, hop.edge));
    if (hop.edgeCount > 1)
        e += " (\xC3\x97" + format::grouped(hop.edgeCount) + " edges)";
    return e;
}

std::vector<std::string> notes(const RetainerPaths& p, std::size_t found) {
    std::vector<std::string> n;
    if (p.unreachable)
        n.push_back("No path from the GC roots: the object is held only by weak or ignored retainers, or by "
                    "nothing.");
    if (p.searchCutShort)
        n.push_back("The search was cut short (its budget ran out); longer paths may exist.");
    if (p.longerPathsSkipped)
        n.push_back("Some paths were longer than the length limit and are not shown.");
    if (found == 0 && !p.unreachable && !p.searchCutShort && !p.longerPathsSkipped)
        n.push_back("No retaining path was found.");
    if (p.mergedPaths > 0)
        n.push_back(format::grouped(p.mergedPaths) +
                    (p.mergedPaths == 1 ? " more path was" : " more paths were") +
                    " merged into the ones shown: they differ from them only in the system contexts or "
                    "built-in functions they pass through.");
    return n;
}

/// ", 2 variants merged" after a path's title.
std::string mergedSuffix(const RetainerPath& path) {
    if (path.mergedCount == 0)
        return {};
    return ", " + format::grouped(path.mergedCount) +
           (path.mergedCount == 1 ? " variant merged" : " variants merged") +
           " (other system contexts or built-in functions)";
}

std::string markdownEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '|' || c == '\\' || c == '`' || c == '*' || c == '_' || c == '[' || c == ']' || c == '<' ||
            c == '>')
            out += '\\';
        if (c == '\n' || c == '\r')
            out += ' ';
        else
            out += c;
    }
    return out;
}

} // namespace

std::string formatPathsText(const Analysis& a, const RetainerPaths& p) {
    std::string out = "Retaining paths of " + targetTitle(a, p) + "\n";
    for (const auto& n : notes(p, p.paths.size()))
        out += "Note: " + n + "\n";
    for (std::size_t i = 0; i < p.paths.size(); ++i) {
        const RetainerPath& path = p.paths[i];
        out += "\nPath " + std::to_string(i + 1) + " of " + std::to_string(p.paths.size()) + ", " +
               std::to_string(path.hops.size()) + (path.hops.size() == 1 ? " hop" : " hops");
        if (path.targetCount > 1)
            out += ", holding " + format::grouped(path.targetCount) + " of the objects";
        out += mergedSuffix(path) + ":\n";
        for (std::size_t h = 0; h < path.hops.size(); ++h) {
            const PathHop& hop = path.hops[h];
            const NodeOrdinal node = hop.node;
            out += "  ";
            if (h > 0)
                out += std::string(h * 2 - 2, ' ') + edgeText(a, hop) + " \xE2\x86\x92 ";
            out += text::toUtf8(format::nodeLabelWithId(a, hop.node));
            out += "  [shallow " + format::bytesAdaptive(a.selfSize[node]) + ", retained " +
                   format::bytesAdaptive(a.retainedSize[node]) + ", distance " +
                   format::distance(a.distance[node]) + "]\n";
        }
    }
    return out;
}

std::string formatPathsMarkdown(const Analysis& a, const RetainerPaths& p) {
    std::string out = "**Retaining paths of " + markdownEscape(targetTitle(a, p)) + "**\n";
    for (const auto& n : notes(p, p.paths.size()))
        out += "\n> " + n + "\n";
    for (std::size_t i = 0; i < p.paths.size(); ++i) {
        const RetainerPath& path = p.paths[i];
        out += "\n**Path " + std::to_string(i + 1) + " of " + std::to_string(p.paths.size()) + "** (" +
               std::to_string(path.hops.size()) + (path.hops.size() == 1 ? " hop" : " hops");
        if (path.targetCount > 1)
            out += ", holding " + format::grouped(path.targetCount) + " of the objects";
        out += markdownEscape(mergedSuffix(path)) +
               ")\n\n| # | Edge | Object | Shallow | Retained | Distance |\n|---:|---|---|---:|---:|---:|\n";
        for (std::size_t h = 0; h < path.hops.size(); ++h) {
            const PathHop& hop = path.hops[h];
            const NodeOrdinal node = hop.node;
            out += "| " + std::to_string(h + 1) + " | " +
                   (h ? markdownEscape(edgeText(a, hop)) : std::string()) + " | " +
                   markdownEscape(text::toUtf8(format::nodeLabelWithId(a, hop.node))) + " | " +
                   format::bytesAdaptive(a.selfSize[node]) + " | " +
                   format::bytesAdaptive(a.retainedSize[node]) + " | " + format::distance(a.distance[node]) +
                   " |\n";
        }
    }
    return out;
}

std::string formatPathsJson(const Analysis& a, const RetainerPaths& p) {
    const Snapshot& s = *a.snapshot;
    JsonWriter w;
    auto nodeFields = [&](NodeOrdinal n) {
        w.field("node_id", std::uint64_t(s.nodeId[n]));
        w.field("node_type", s.typeName(n));
        w.field("node_name", a.displayName(n));
        w.field("class_name", a.classInfo(n).name);
        w.field("self_size", std::uint64_t(a.selfSize[n]));
        w.field("retained_size", a.retainedSize[n]);
        w.field("distance", std::int64_t(a.distance[n]));
    };
    w.beginObject();
    w.field("schema", "heapscope-retainer-paths/1");
    w.field("file", s.path);
    w.key("targets").beginArray();
    for (NodeOrdinal t : p.targets) {
        w.beginObject();
        nodeFields(t);
        w.endObject();
    }
    w.endArray();
    w.field("search_cut_short", p.searchCutShort);
    w.field("longer_paths_skipped", p.longerPathsSkipped);
    w.field("unreachable", p.unreachable);
    w.field("merged_paths", std::uint64_t(p.mergedPaths));
    w.key("paths").beginArray();
    for (const RetainerPath& path : p.paths) {
        w.beginObject();
        w.field("length", std::uint64_t(path.hops.size()));
        w.field("target_count", std::uint64_t(path.targetCount));
        w.field("merged_count", std::uint64_t(path.mergedCount));
        w.key("hops").beginArray();
        for (const PathHop& hop : path.hops) {
            w.beginObject();
            if (hop.edge == kNoEdge) {
                w.key("edge_type").null();
                w.key("edge_name").null();
                w.key("edge_label").null();
                w.field("edge_count", std::uint64_t(0));
            } else {
                w.field("edge_type", s.edgeTypeName(hop.edge));
                w.field("edge_name", detail::edgeNameJs(s, hop.edge));
                w.field("edge_label", format::edgeName(s, hop.edge));
                w.field("edge_count", std::uint64_t(hop.edgeCount));
            }
            nodeFields(hop.node);
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }
    w.endArray();
    w.endObject();
    return w.take();
}

} // namespace heapscope
