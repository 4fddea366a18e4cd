// SPDX-License-Identifier: MIT
// One snapshot's analysis: analyze() runs the pass graph (pass_graph.cpp) and turns how it ended
// into a result or an error; and the Analysis' per-node presentation.
#include "heapscope/analysis.h"
#include "../analysis_internal.h"
#include "pass_graph.h"
#include "scheduler.h"
#include "work.h"

#include <algorithm>
#include <memory>
#include <new>
#include <thread>

namespace heapscope {

namespace {

Error analysisError(const Snapshot& s, std::string reason) {
    Error e;
    e.file = s.path;
    e.stage = "analysis";
    e.reason = std::move(reason);
    return e;
}

} // namespace

Expected<AnalysisPtr> analyze(SnapshotPtr snapshot, const AnalysisOptions& options,
                              const WorkContext& context) {
    if (!snapshot) {
        Error e;
        e.stage = "analysis";
        e.reason = "no snapshot";
        return e;
    }
    const Snapshot& s = *snapshot;
    try {
        auto analysis = std::make_shared<Analysis>();
        analysis->snapshot = snapshot; // the parameter keeps `s` alive for the errors below
        for (EdgeOrdinal e : s.edgesOf(s.root()))
            if (detail::isUserRoot(s, s.edgeTo[e]))
                analysis->hasUserRoots = true;
        const unsigned threads =
            options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
        detail::AnalysisWork work(s, *analysis, options, context, threads);
        switch (detail::runPasses(detail::analysisPasses(), work)) {
        case detail::PassesEnd::Finished:
            return AnalysisPtr(std::move(analysis));
        case detail::PassesEnd::Stopped:
            return cancelledError(s.path, "analysis", "the analysis was cancelled");
        case detail::PassesEnd::OutOfMemory:
            break;
        }
    } catch (const std::bad_alloc&) {
    }
    return analysisError(s, "there is not enough memory to analyse this snapshot");
}

// --- Analysis members ----------------------------------------------------------------------------

std::string Analysis::rawName(NodeOrdinal node) const {
    if (isRenamedDetached(node))
        return "Detached " + std::string(snapshot->name(node));
    return std::string(snapshot->name(node));
}

std::string Analysis::displayName(NodeOrdinal node) const {
    const Snapshot& s = *snapshot;
    const NodeKind k = s.kind(node);
    if (k == NodeKind::ConsString) {
        std::lock_guard lock(m_namerMutex);
        if (!m_namer)
            m_namer = std::make_shared<detail::ConsStringNamer>(s);
        return m_namer->name(node);
    }
    if (k == NodeKind::Object && s.name(node) == "Object") {
        // {a, b, …, y, z}: properties from both ends, 100 UTF-16 units at most (the first always).
        std::string start = "{", end = "}";
        std::size_t startUnits = 1, endUnits = 1;
        const IndexRange<EdgeOrdinal> edges = s.edgesOf(node);
        std::int64_t from = edges.first().value, to = std::int64_t(edges.last().value) - 1;
        bool fromEnd = false;
        while (from <= to) {
            const EdgeOrdinal e(std::uint32_t(fromEnd ? to : from));
            const auto name = s.edgeKind(e) == EdgeKind::Property ? s.edgeNameString(e) : std::nullopt;
            if (!name || *name == "__proto__") {
                if (fromEnd)
                    --to;
                else
                    ++from;
                continue;
            }
            const std::string f = detail::formatPropertyName(*name);
            const std::size_t fu = text::utf16Length(f);
            if (startUnits > 1 && startUnits + endUnits + fu > 100)
                break;
            if (fromEnd) {
                --to;
                if (endUnits > 1) {
                    end = ", " + end;
                    endUnits += 2;
                }
                end = f + end;
                endUnits += fu;
            } else {
                ++from;
                if (startUnits > 1) {
                    start += ", ";
                    startUnits += 2;
                }
                start += f;
                startUnits += fu;
            }
            fromEnd = !fromEnd;
        }
        if (from <= to) {
            start += ", \xE2\x80\xA6";
            startUnits += 3;
        }
        if (endUnits > 1)
            start += ", ";
        return start + end;
    }
    return rawName(node);
}

void Analysis::setDominatorTree(PodArray<std::uint32_t> first, PodArray<std::uint32_t> children) {
    std::lock_guard lock(m_dominatorTreeMutex);
    m_firstDominated = std::move(first);
    m_dominated = std::move(children);
    m_dominatorTreeReady.store(true, std::memory_order_release);
}

void Analysis::buildDominatorTreeOnce() const {
    std::lock_guard lock(m_dominatorTreeMutex);
    if (m_dominatorTreeReady.load(std::memory_order_acquire))
        return;
    const Snapshot& s = *snapshot;
    PodArray<std::uint32_t> first = PodArray<std::uint32_t>::uninitialized(std::size_t(s.nodeCount) + 1);
    PodArray<std::uint32_t> list = PodArray<std::uint32_t>::uninitialized(std::size_t(s.nodeCount) + 1);
    detail::fillDominatorTree(s.nodeCount, s.rootOrdinal, dominator.data(), first.data(), list.data());
    m_firstDominated = std::move(first);
    m_dominated = std::move(list);
    m_dominatorTreeReady.store(true, std::memory_order_release);
}

std::uint64_t Analysis::memoryBytes() const {
    std::uint64_t b = selfSize.bytes() + distance.bytes() + dominator.bytes() + retainedSize.bytes() +
                      m_firstDominated.bytes() + m_dominated.bytes() + classOf.bytes() + flags.bytes() +
                      detachedness.bytes();
    b += allObjects.instancePool.bytes();
    return b;
}

} // namespace heapscope
