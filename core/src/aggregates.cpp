// SPDX-License-Identifier: MIT
// The Summary: class aggregates for a filter, and the filters themselves.
#include "analysis_internal.h"
#include "heapscope/analysis.h"

#include <algorithm>
#include <map>
#include <system_error>
#include <thread>
#include <unordered_map>

namespace heapscope {

const char* namedFilterKey(NamedFilter f) {
    switch (f) {
    case NamedFilter::DuplicatedStrings:
        return "duplicatedStrings";
    case NamedFilter::RetainedByDetachedDom:
        return "objectsRetainedByDetachedDomNodes";
    case NamedFilter::RetainedByContexts:
        return "objectsRetainedByContexts";
    case NamedFilter::RetainedByConsole:
        return "objectsRetainedByConsole";
    case NamedFilter::RetainedByEventHandlers:
        return "objectsRetainedByEventHandlers";
    }
    return "";
}

const char* namedFilterTitle(NamedFilter f) {
    switch (f) {
    case NamedFilter::DuplicatedStrings:
        return "Duplicated strings";
    case NamedFilter::RetainedByDetachedDom:
        return "Objects retained by detached DOM nodes";
    case NamedFilter::RetainedByContexts:
        return "Objects retained by contexts";
    case NamedFilter::RetainedByConsole:
        return "Objects retained by the DevTools console";
    case NamedFilter::RetainedByEventHandlers:
        return "Objects retained by event handlers";
    }
    return "";
}

std::optional<NamedFilter> namedFilterFromKey(std::string_view key) {
    for (NamedFilter f : kAllNamedFilters)
        if (key == namedFilterKey(f))
            return f;
    return std::nullopt;
}

namespace {

Error cancelled(const Analysis& a) {
    return cancelledError(a.snapshot->path, "filter", "the computation was cancelled");
}

// The "retained by X" template: nodes reachable in the main analysis but not once X is blocked.
// Every filter polls `stopped` every kPollMask + 1 nodes and then returns an empty mask.
constexpr std::uint32_t kPollMask = 0xFFFF;

template <typename Block>
std::vector<bool> retainedByFilter(const Analysis& a, const WorkContext& context, Block block) {
    const Snapshot& s = *a.snapshot;
    const std::uint32_t N = s.nodeCount;
    std::vector<bool> reached(N, false);
    std::vector<NodeOrdinal> queue{s.root()};
    reached[s.root().value] = true;
    for (std::size_t head = 0; head < queue.size(); ++head) {
        if ((head & kPollMask) == 0 && context.stopRequested())
            return {};
        const NodeOrdinal n = queue[head];
        for (EdgeOrdinal e : s.edgesOf(n)) {
            if (s.edgeKind(e) == EdgeKind::Weak)
                continue;
            const NodeOrdinal t = s.edgeTo[e];
            if (reached[t.value] || block(n, e, t))
                continue;
            reached[t.value] = true;
            queue.push_back(t);
        }
    }
    std::vector<bool> pass(N);
    for (NodeOrdinal n : s.nodes())
        pass[n.value] = !reached[n.value] && a.distance[n] != kNoDistance;
    return pass;
}

// The target of the first edge whose JS name() equals `name`.
std::optional<NodeOrdinal> edgeTarget(const Snapshot& s, NodeOrdinal node, std::string_view name) {
    for (EdgeOrdinal e : s.edgesOf(node))
        if (detail::edgeNameJsEquals(s, e, name))
            return s.edgeTo[e];
    return std::nullopt;
}

// The target of the first internal edge with this name.
std::optional<NodeOrdinal> internalTarget(const Snapshot& s, NodeOrdinal node, std::string_view name) {
    for (EdgeOrdinal e : s.edgesOf(node))
        if (s.edgeKind(e) == EdgeKind::Internal && s.strings.get(s.edgeNameId(e)) == name)
            return s.edgeTo[e];
    return std::nullopt;
}

// V8's int/bool value nodes: number "int"/"bool" --value--> string with the text.
std::optional<std::string_view> valueText(const Snapshot& s, std::optional<NodeOrdinal> node,
                                          std::string_view kindName) {
    if (!node || s.kind(*node) != NodeKind::Number || s.name(*node) != kindName)
        return std::nullopt;
    const std::optional<NodeOrdinal> v = internalTarget(s, *node, "value");
    if (!v)
        return std::nullopt;
    return s.name(*v);
}

std::vector<bool> duplicatedStrings(const Analysis& a, const WorkContext& context) {
    const Snapshot& s = *a.snapshot;
    const std::uint32_t N = s.nodeCount;
    std::vector<bool> pass(N, false);
    detail::ConsStringNamer namer(s);
    std::unordered_map<std::string, NodeOrdinal> seen;
    std::unordered_map<std::string, std::vector<std::tuple<NodeOrdinal, std::string, std::string>>> truncated;
    for (NodeOrdinal n : s.nodes()) {
        if ((n.value & kPollMask) == 0 && context.stopRequested())
            return {};
        const NodeKind k = s.kind(n);
        if (k != NodeKind::String && k != NodeKind::ConsString)
            continue;
        if (k == NodeKind::ConsString) {
            bool flat = false;
            for (EdgeOrdinal e : s.edgesOf(n)) {
                if (s.edgeKind(e) != EdgeKind::Internal)
                    continue;
                const std::string_view en = s.strings.get(s.edgeNameId(e));
                if ((en == "first" || en == "second") && namer.isEmpty(s.edgeTo[e])) {
                    flat = true;
                    break;
                }
            }
            if (flat)
                continue;
        }
        if (a.selfSize[n] == 0)
            continue;
        std::string name = k == NodeKind::ConsString ? namer.name(n) : std::string(s.name(n));
        const auto trunc = valueText(s, internalTarget(s, n, "truncated"), "bool");
        if (trunc && *trunc == "true") {
            auto lengthText = valueText(s, internalTarget(s, n, "length"), "int");
            auto hashText = valueText(s, internalTarget(s, n, "hash"), "int");
            // DevTools compares parseInt values; normalise the decimal text the same way
            auto norm = [](std::optional<std::string_view> t) {
                if (!t)
                    return std::string("undefined");
                std::string d;
                std::size_t i = 0;
                bool neg = false;
                if (i < t->size() && ((*t)[i] == '-' || (*t)[i] == '+'))
                    neg = (*t)[i++] == '-';
                while (i < t->size() && (*t)[i] >= '0' && (*t)[i] <= '9')
                    d.push_back((*t)[i++]);
                if (d.empty())
                    return std::string("undefined");
                const auto nz = d.find_first_not_of('0');
                d = nz == std::string::npos ? "0" : d.substr(nz);
                return (neg && d != "0" ? "-" : "") + d;
            };
            auto& entries = truncated[name];
            const std::string L = norm(lengthText), H = norm(hashText);
            bool matched = false;
            for (const auto& [other, l, h] : entries) {
                if (l == L && h == H) {
                    pass[other.value] = true;
                    pass[n.value] = true;
                    matched = true;
                    break;
                }
            }
            if (!matched)
                entries.emplace_back(n, L, H);
        } else {
            auto [it, inserted] = seen.emplace(std::move(name), n);
            if (!inserted) {
                pass[it->second.value] = true;
                pass[n.value] = true;
            }
        }
    }
    return pass;
}

std::vector<bool> eventHandlersFilter(const Analysis& a, const WorkContext& context) {
    const Snapshot& s = *a.snapshot;
    const std::uint32_t N = s.nodeCount;
    std::vector<bool> handler(N, false);
    for (NodeOrdinal n : s.nodes()) {
        if ((n.value & kPollMask) == 0 && context.stopRequested())
            return {};
        if (s.name(n) != "V8EventListener" || a.isRenamedDetached(n))
            continue;
        const std::optional<NodeOrdinal> callback = edgeTarget(s, n, "1");
        if (!callback)
            continue;
        if (edgeTarget(s, *callback, "code")) {
            handler[callback->value] = true;
            continue;
        }
        bool found = false;
        for (EdgeOrdinal e : s.edgesOf(*callback)) {
            const NodeOrdinal child = s.edgeTo[e];
            if (edgeTarget(s, child, "code")) {
                handler[child.value] = true;
                found = true;
                break;
            }
        }
        if (!found)
            handler[callback->value] = true;
    }
    return retainedByFilter(a, context,
                            [&](NodeOrdinal, EdgeOrdinal, NodeOrdinal t) { return bool(handler[t.value]); });
}

} // namespace

Expected<std::vector<bool>> Analysis::filterMask(const NodeFilter& filter, const WorkContext& context) const {
    const Snapshot& s = *snapshot;
    const std::uint32_t N = s.nodeCount;
    std::vector<bool> pass;
    if (filter.named) {
        switch (*filter.named) {
        case NamedFilter::DuplicatedStrings:
            pass = duplicatedStrings(*this, context);
            break;
        case NamedFilter::RetainedByDetachedDom:
            pass = retainedByFilter(*this, context, [&](NodeOrdinal, EdgeOrdinal, NodeOrdinal t) {
                return detachedness[t] == 2;
            });
            break;
        case NamedFilter::RetainedByContexts:
            pass = retainedByFilter(*this, context, [&](NodeOrdinal, EdgeOrdinal, NodeOrdinal t) {
                if (isRenamedDetached(t))
                    return false;
                const std::string_view n = s.name(t);
                return n == "system / Context" || n.substr(0, 19) == "system / Context / ";
            });
            break;
        case NamedFilter::RetainedByConsole:
            pass = retainedByFilter(*this, context, [&](NodeOrdinal from, EdgeOrdinal e, NodeOrdinal) {
                if (s.kind(from) != NodeKind::Synthetic)
                    return false;
                const auto name = s.edgeNameString(e);
                static constexpr std::string_view suffix = " / DevTools console";
                return name && name->size() >= suffix.size() &&
                       name->substr(name->size() - suffix.size()) == suffix;
            });
            break;
        case NamedFilter::RetainedByEventHandlers:
            pass = eventHandlersFilter(*this, context);
            break;
        }
    } else {
        pass.assign(N, true);
    }
    if (context.stopRequested())
        return cancelled(*this);
    if (filter.idRange) {
        const auto [minId, maxId] = *filter.idRange;
        for (NodeOrdinal n : s.nodes())
            if (!(s.nodeId[n] > minId && s.nodeId[n] <= maxId))
                pass[n.value] = false;
    }
    return pass;
}

Expected<Aggregates> Analysis::aggregate(const NodeFilter& filter, const WorkContext& context) const {
    std::optional<std::vector<bool>> mask;
    if (!filter.isAll()) {
        auto m = filterMask(filter, context);
        if (!m)
            return m.error();
        mask = std::move(*m);
    }
    // detail::aggregateWith() without a stop flag: these steps return early when stopped.
    const std::function<bool()> stopped = [&] { return context.stopRequested(); };
    PodArray<std::uint32_t> counted;
    Aggregates rows = detail::aggregateRows(*this, classOf.data(), classes.size(), mask ? &*mask : nullptr,
                                            &counted, stopped);
    if (stopped())
        return cancelled(*this);
    detail::addClassRetainedSizes(*this, counted, classes.size(), rows, stopped);
    if (stopped())
        return cancelled(*this);
    detail::sortRows(classes, rows);
    return rows;
}

Aggregates detail::aggregateRows(const Analysis& a, const std::uint32_t* classOf, std::size_t classCount,
                                 const std::vector<bool>* mask, PodArray<std::uint32_t>* countedClass,
                                 const std::function<bool()>& stopped) {
    const Snapshot& s = *a.snapshot;
    const std::uint32_t N = s.nodeCount;
    const auto& selfSize = a.selfSize;
    const auto& distance = a.distance;
    auto counted = [&](NodeOrdinal n) { return selfSize[n] != 0 && (!mask || (*mask)[n.value]); };
    std::vector<std::uint32_t> rowOfClass(classCount, kNoIndex);
    std::vector<std::uint32_t> counts(classCount, 0);
    Aggregates out;
    if (countedClass)
        *countedClass = PodArray<std::uint32_t>::uninitialized(N);
    // Count first so that every instance list is allocated once, at its final size.
    auto stopNow = [&](NodeOrdinal n) { return (n.value & 0x3FFFF) == 0 && stopped && stopped(); };
    for (NodeOrdinal n : s.nodes()) {
        if (stopNow(n))
            return out;
        const bool c = counted(n);
        if (c)
            ++counts[classOf[n.value]];
        if (countedClass)
            (*countedClass)[n.value] = c ? classOf[n.value] : kNoIndex;
    }
    std::size_t total = 0;
    for (const std::uint32_t c : counts)
        total += c;
    out.instancePool = PodArray<std::uint32_t>::uninitialized(total);
    std::uint32_t* const pool = out.instancePool.data();
    std::vector<std::size_t> fill; // per row: where its next instance goes
    std::size_t used = 0;
    for (NodeOrdinal n : s.nodes()) {
        if (stopNow(n))
            return out;
        if (!counted(n))
            continue;
        const std::uint32_t c = classOf[n.value];
        std::uint32_t& row = rowOfClass[c];
        if (row == kNoIndex) {
            row = std::uint32_t(out.classes.size());
            ClassAggregate agg;
            agg.classIndex = c;
            agg.distance = distance[n];
            agg.instances = TypedSpan<NodeOrdinal>(pool + used, counts[c]);
            out.classes.push_back(agg);
            fill.push_back(used);
            used += counts[c];
        }
        ClassAggregate& agg = out.classes[row];
        ++agg.count;
        agg.distance = std::min(agg.distance, distance[n]);
        agg.selfSize += selfSize[n];
        pool[fill[row]++] = n.value;
    }
    for (const auto& c : out.classes) {
        out.objectCount += c.count;
        out.selfSize += c.selfSize;
    }
    return out;
}

// Retained size without double counting: walk the dominator tree keeping the classes that are open
// on the current path; a node counts only when no counted ancestor has its class.
//
// With two threads the tree is cut where its weight spreads out: down the heaviest child (by
// retained size) while it holds most of its parent's weight, to a node X whose children are then
// split in two runs of the list. The second thread walks the second run with the classes that are
// open just below X (worked out along the path from the root); the first walks the rest of the
// tree. A node's count depends only on the open classes of its ancestors, so the sums are exact.
void detail::addClassRetainedSizes(const Analysis& a, const PodArray<std::uint32_t>& countedClass,
                                   std::size_t classCount, Aggregates& rows,
                                   const std::function<bool()>& stopped, unsigned threads) {
    const Snapshot& s = *a.snapshot;
    std::vector<std::uint32_t> rowOfClass(classCount, kNoIndex);
    for (std::uint32_t r = 0; r < rows.classes.size(); ++r)
        rowOfClass[rows.classes[r].classIndex] = r;
    const std::uint32_t* first = a.firstDominated().data();
    const std::uint32_t* dominated = a.dominated().data();
    const NodeOrdinal root = s.root();

    // Where to cut: X and the first child slot of the second run (none: one walk).
    NodeOrdinal cutNode = kNoNode;
    std::uint32_t cutSlot = 0;
    std::vector<NodeOrdinal> path; // root .. X
    if (threads > 1) {
        for (NodeOrdinal n = root;;) {
            path.push_back(n);
            const std::uint32_t b = first[n.value], e = first[n.value + 1];
            if (e - b == 0 || path.size() > (1u << 20))
                break;
            std::uint64_t total = 0, heaviest = 0;
            NodeOrdinal heaviestChild = kNoNode;
            for (std::uint32_t i = b; i < e; ++i) {
                const NodeOrdinal child(dominated[i]);
                const std::uint64_t w = a.retainedSize[child];
                total += w;
                if (w > heaviest || heaviestChild == kNoNode) {
                    heaviest = w;
                    heaviestChild = child;
                }
            }
            if (e - b == 1 || heaviest * 4 > total * 3) {
                n = heaviestChild;
                continue;
            }
            std::uint64_t sum = 0;
            std::uint32_t slot = b;
            while (slot < e - 1 && (sum + a.retainedSize[NodeOrdinal(dominated[slot])]) * 2 <= total)
                sum += a.retainedSize[NodeOrdinal(dominated[slot++])];
            if (slot == b)
                ++slot; // both runs hold at least one child
            cutNode = n;
            cutSlot = slot;
            break;
        }
    }

    struct Frame {
        std::uint32_t next; // next child slot
        std::uint32_t end;
        std::uint32_t openedClass; // kNoIndex when this node opened nothing
    };
    struct Walk {
        std::vector<std::uint8_t> open;
        std::vector<std::uint64_t> retained;
        std::vector<Frame> stack;
    };
    auto opens = [&](NodeOrdinal n, const std::vector<std::uint8_t>& open) {
        const std::uint32_t c = countedClass[n.value];
        return c != kNoIndex && !open[c];
    };
    // Enters n: counts it, opens its class over its children, and queues them (the part of X's
    // children this walk owns).
    auto enter = [&](Walk& w, NodeOrdinal n) {
        std::uint32_t opened = kNoIndex;
        const std::uint32_t b = first[n.value];
        const std::uint32_t e = n == cutNode ? cutSlot : first[n.value + 1];
        if (opens(n, w.open)) {
            const std::uint32_t c = countedClass[n.value];
            w.retained[rowOfClass[c]] += a.retainedSize[n];
            if (first[n.value + 1] != b) {
                w.open[c] = 1;
                opened = c;
            }
        }
        if (b != e || opened != kNoIndex)
            w.stack.push_back({b, e, opened});
    };
    auto run = [&](Walk& w) {
        std::uint32_t steps = 0;
        while (!w.stack.empty()) {
            if ((++steps & 0x3FFFF) == 0 && stopped && stopped())
                return;
            Frame& f = w.stack.back();
            if (f.next < f.end) {
                enter(w, NodeOrdinal(dominated[f.next++]));
                continue;
            }
            if (f.openedClass != kNoIndex)
                w.open[f.openedClass] = 0;
            w.stack.pop_back();
        }
    };
    Walk main{
        std::vector<std::uint8_t>(classCount, 0), std::vector<std::uint64_t>(rows.classes.size(), 0), {}};
    enter(main, root);
    if (cutNode == kNoNode) {
        run(main);
    } else {
        Walk side{
            std::vector<std::uint8_t>(classCount, 0), std::vector<std::uint64_t>(rows.classes.size(), 0), {}};
        for (const NodeOrdinal n : path) // the classes open below X
            if (opens(n, side.open))
                side.open[countedClass[n.value]] = 1; // every node on the path has children
        side.stack.push_back({cutSlot, first[cutNode.value + 1], kNoIndex});
        std::jthread second;
        try {
            second = std::jthread([&] { run(side); });
        } catch (const std::system_error&) {
            run(side); // no thread to be had: one after the other
        }
        run(main);
        if (second.joinable())
            second.join();
        for (std::size_t r = 0; r < main.retained.size(); ++r)
            main.retained[r] += side.retained[r];
    }
    for (std::uint32_t r = 0; r < rows.classes.size(); ++r)
        rows.classes[r].retainedSize = main.retained[r];
}

void detail::sortRows(const std::vector<ClassInfo>& classes, Aggregates& rows) {
    std::sort(rows.classes.begin(), rows.classes.end(),
              [&](const ClassAggregate& a, const ClassAggregate& b) {
                  if (a.retainedSize != b.retainedSize)
                      return a.retainedSize > b.retainedSize;
                  const int c = text::compareUtf16(classes[a.classIndex].name, classes[b.classIndex].name);
                  if (c != 0)
                      return c < 0;
                  return classes[a.classIndex].key < classes[b.classIndex].key;
              });
}

Aggregates detail::aggregateWith(const Analysis& a, const std::uint32_t* classOf,
                                 const std::vector<ClassInfo>& classes, const std::vector<bool>* mask) {
    PodArray<std::uint32_t> counted;
    Aggregates rows = aggregateRows(a, classOf, classes.size(), mask, &counted);
    addClassRetainedSizes(a, counted, classes.size(), rows);
    sortRows(classes, rows);
    return rows;
}

} // namespace heapscope
