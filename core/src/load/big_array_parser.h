// SPDX-License-Identifier: MIT
// The parser of the nodes and edges arrays: every thread takes the next piece cut by the scan and
// writes its numbers straight into the snapshot's columns, checking each against the header.
#pragma once

#include "loader_internal.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace heapscope::load {

// A failure found by one of the parser threads; the one at the smallest offset is reported.
struct ParseFailure {
    std::uint64_t offset = ~0ull;
    std::string stage;
    std::string reason;
    bool cancelled = false;
};

class FailureSlot {
public:
    void set(std::uint64_t offset, std::string stage, std::string reason, bool cancelled = false) {
        std::lock_guard lock(m_mutex);
        if (!m_failure || (cancelled && !m_failure->cancelled) || offset < m_failure->offset) {
            m_failure = ParseFailure{offset, std::move(stage), std::move(reason), cancelled};
            m_firstOffset.store(cancelled ? 0 : offset, std::memory_order_relaxed);
        }
        m_failed.store(true, std::memory_order_relaxed);
    }
    bool failed() const { return m_failed.load(std::memory_order_relaxed); }
    /// Whether a failure (or a cancel) was recorded before byte `offset`: work past it is moot.
    bool failedBefore(std::uint64_t offset) const {
        return failed() && m_firstOffset.load(std::memory_order_relaxed) < offset;
    }
    const std::optional<ParseFailure>& failure() const { return m_failure; }

private:
    std::mutex m_mutex;
    std::optional<ParseFailure> m_failure;
    std::atomic<bool> m_failed{false};
    std::atomic<std::uint64_t> m_firstOffset{~std::uint64_t(0)};
};

// One parse of the nodes and edges arrays. The columns are allocated and the counts checked
// before (Loader::parseBigArrays); parseAll() runs the pieces, finish() reports the first error in
// the file once every thread (and the side sections' thread) is done.
class BigArrayParser {
public:
    BigArrayParser(Loader& loader, const bool emptyArray[2]);

    // Parses every piece, on every thread, straight into the snapshot's columns.
    void parseAll();
    // The first error in the file (parse errors, edges named by missing strings, the side
    // sections' error, node names past the strings), or nullopt.
    std::optional<Error> finish(std::optional<Error> sideError);

private:
    class PieceParser; // one piece on one thread (big_array_parser.cpp)
    // What each thread reuses from piece to piece.
    struct Scratch {
        std::vector<std::uint32_t> values; // numbers of a block of records
        std::vector<char> text;            // a piece read from the file, with room around it
    };

    std::string missingNameReason(std::uint64_t edge) const;
    void ensureTraceIds();
    // Where the value with global index `index` of the edges array starts (for an error message).
    std::uint64_t edgeValueOffset(std::uint64_t index) const;

    Loader& m_loader;
    Snapshot& s;
    const Section& nodesSec;
    const Section& edgesSec;
    const std::uint64_t F, G; // node and edge field counts
    const std::uint64_t N;    // node count
    bool emptyArray[2];

    FailureSlot failures;
    std::atomic<std::uint64_t> bytesDone{0};
    const std::uint64_t bytesTotal;
    const std::uint32_t nodeTypeCount;
    const std::uint32_t edgeTypeCount;
    std::atomic<std::uint32_t> maxNameId{0};

    // Exact division by F for multiples of F below 2^32: q = v * ceil(2^k / F) >> k with
    // k = 31 + ceil(log2 F), so that the multiplier and the product fit in 64 bits.
    const unsigned divShift;
    const std::uint64_t divMagic;
    const std::uint64_t stringCount;
    const std::uint32_t nameField;     // the edge field of name_or_index
    const std::uint32_t edgeTypeField; // the edge field of type
    // Edge types whose name_or_index is a string id (checked against the string count).
    std::array<std::uint8_t, 256> stringNamed{};
    std::mutex partialMutex;
    std::vector<std::uint64_t> partialEdges; // edges stored value by value: their names are checked last
    std::once_flag traceIdsAllocated;
    const bool useNumberBlocks;
};

} // namespace heapscope::load
