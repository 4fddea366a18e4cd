// SPDX-License-Identifier: MIT
// The nodes and edges arrays: their counts checked against the header, the memory they need
// checked against what is available, the columns allocated, then the parse (big_array_parser.cpp).
#include "big_array_parser.h"

#include <string>
#include <thread>

namespace heapscope::load {

// Parses the nodes and edges arrays on all threads straight into the snapshot's columns.
std::optional<Error> Loader::parseBigArrays() {
    Snapshot& s = *m_snapshot;
    const Section& nodesSec = *section("nodes");
    const Section& edgesSec = *section("edges");
    const std::uint64_t F = m_nodeFieldCount, G = m_edgeFieldCount;
    const std::uint64_t N = s.format.headerNodeCount, E = s.format.headerEdgeCount;
    std::optional<Error> sideError;
    std::jthread side;
    if (m_sideSections)
        side = std::jthread([this, &sideError] { sideError = parseSideSections(); });

    std::vector<Piece>& pieces = m_pieces; // cut by the scan
    std::uint64_t totals[2] = {0, 0};
    bool emptyArray[2] = {false, false};
    for (int a = 0; a < 2; ++a) {
        std::uint64_t running = 0;
        std::size_t lastOfArray = 0;
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            if (pieces[i].array != a)
                continue;
            pieces[i].firstIndex = running;
            running += pieces[i].commas + 1; // a piece holds commas + 1 values
            lastOfArray = i;
        }
        // An empty array "[]" (or only whitespace) holds no values.
        const Piece& only = pieces[lastOfArray];
        if (only.firstIndex == 0 && only.commas == 0) {
            const char* p = only.begin;
            while (p < only.end && isWs(*p))
                ++p;
            if (p == only.end) {
                running = 0;
                emptyArray[a] = true;
            }
        }
        totals[a] = running;
    }
    // A trailing comma ("1,2,]") reads as one value too many: say what it is.
    for (const Section* sec : {&nodesSec, &edgesSec}) {
        std::uint64_t q = sec->end - 1; // at ']'
        while (q > sec->begin + 1 && isWs(m_data[q - 1]))
            --q;
        if (q > sec->begin + 1 && m_data[q - 1] == ',')
            return error(sec->name, std::int64_t(q),
                         "a value is missing in \"" + sec->name + "\" (a ',' right before the closing ']')");
    }
    if (totals[0] != N * F)
        return error("nodes", std::int64_t(nodesSec.begin),
                     "inconsistent counts: the header says node_count " + std::to_string(N) + " (" +
                         std::to_string(N * F) + " numbers with " + std::to_string(F) +
                         " fields each), but \"nodes\" holds " + std::to_string(totals[0]) + " numbers");
    if (totals[1] != E * G)
        return error("edges", std::int64_t(edgesSec.begin),
                     "inconsistent counts: the header says edge_count " + std::to_string(E) + " (" +
                         std::to_string(E * G) + " numbers with " + std::to_string(G) +
                         " fields each), but \"edges\" holds " + std::to_string(totals[1]) + " numbers");
    if (N == 0)
        return error("nodes", std::int64_t(nodesSec.begin), "the snapshot has no nodes");

    // Memory guard: columns + retainers, estimated before anything big is allocated.
    if (m_options.checkMemory) {
        const std::uint64_t perNode =
            1 + 4 + 4 + 4 + 4 + (s.hasTraceNodeId ? 4 : 0) + 1 + 4 + 8 /*index temps*/;
        const std::uint64_t perEdge = 1 + 4 + 4 + 4 + 4;
        const std::uint64_t need = N * perNode + E * perEdge;
        const std::uint64_t avail = availableMemory();
        if (avail && need > avail)
            return error("memory", -1,
                         "not enough memory: this snapshot has " + std::to_string(N) + " nodes and " +
                             std::to_string(E) + " edges and needs about " + humanBytes(need) +
                             " to load, but only " + humanBytes(avail) + " is available");
    }

    s.nodeCount = std::uint32_t(N);
    s.edgeCount = std::uint32_t(E);
    s.nodeType = PodArray<std::uint8_t>::uninitialized(N);
    s.nodeName = PodArray<std::uint32_t>::uninitialized(N);
    s.nodeId = PodArray<std::uint32_t>::uninitialized(N);
    s.nodeSelfSize = PodArray<std::uint32_t>::uninitialized(N);
    s.firstEdge = PodArray<std::uint32_t>::uninitialized(N + 1);
    // Trace ids are allocated on the first non-zero one: Node writes zeros when nothing was tracked.
    s.nodeDetachedness =
        s.hasDetachedness ? PodArray<std::uint8_t>::uninitialized(N) : PodArray<std::uint8_t>::zeroed(N);
    s.edgeType = PodArray<std::uint8_t>::uninitialized(E);
    s.edgeNameOrIndex = PodArray<std::uint32_t>::uninitialized(E);
    s.edgeTo = PodArray<std::uint32_t>::uninitialized(E);

    BigArrayParser parser(*this, emptyArray);
    parser.parseAll();
    if (side.joinable())
        side.join();
    return parser.finish(std::move(sideError));
}

} // namespace heapscope::load
