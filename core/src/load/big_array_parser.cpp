// SPDX-License-Identifier: MIT
// The nodes and edges arrays, parsed piece by piece on every thread. Numbers are read a block at a
// time into a small buffer, then each field's column is filled and checked in its own loop: the
// inner loops stay short and predictable. Everything called per number or per byte is in this
// file, so that it is compiled into the loops that call it.
#include "big_array_parser.h"

#include "../parallel.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace heapscope::load {

namespace {
// Room before and after a piece read from the file: the 64-byte reader loads up to 15 bytes
// before a number and needs 128 bytes after a region.
constexpr std::uint64_t kRoomBefore = 64, kRoomAfter = 256;
// Records per block of numbers.
constexpr std::size_t kRecords = 4096;
} // namespace

// One piece on one thread. Its members keep the names the parse gives them: the facts of the
// parse (copied from the BigArrayParser), and where this piece's reading stands.
class BigArrayParser::PieceParser {
public:
    PieceParser(BigArrayParser& job, const Piece& piece, unsigned thread, Scratch& scratch)
        : job(job), loader(job.m_loader), s(job.s), F(job.F), N(job.N), nodeTypeCount(job.nodeTypeCount),
          edgeTypeCount(job.edgeTypeCount), divShift(job.divShift), divMagic(job.divMagic),
          stringCount(job.stringCount), nameField(job.nameField), edgeTypeField(job.edgeTypeField),
          stringNamed(job.stringNamed), useNumberBlocks(job.useNumberBlocks), failures(job.failures),
          partialMutex(job.partialMutex), partialEdges(job.partialEdges), bytesDone(job.bytesDone),
          bytesTotal(job.bytesTotal), maxNameId(job.maxNameId), m_data(loader.m_data), m_size(loader.m_size),
          m_readBigArrays(loader.m_readBigArrays), m_context(loader.m_context),
          m_nodeRoles(loader.m_nodeRoles), m_edgeRoles(loader.m_edgeRoles), piece(piece), thread(thread),
          scratch(scratch), nodes(piece.array == 0), fieldsPerRecord(nodes ? job.F : job.G),
          what(nodes ? "nodes" : "edges"), p(piece.begin), end(piece.end), lo(m_data), hi(m_data + m_size),
          index(piece.firstIndex), buf(scratch.values), expectValue(piece.firstIndex != 0) {}

    void run();

private:
    // Reads the piece from the file when the big arrays are not read through the mapping.
    bool readPiece();
    std::uint64_t offsetOf(const char* at) const { return loOffset + std::uint64_t(at - lo); }
    void fail(const char* at, std::string reason) { failures.set(offsetOf(at), what, std::move(reason)); }
    // Explains a malformed number or separator at `at`.
    void explainBadInput(const char* at);
    // Reads up to `max` numbers into `out`; sets `done` at the piece's end and `bad` on an error.
    // Called per block of numbers: compiled into run()'s loop, as are store() and its column loops.
    [[gnu::always_inline]] inline std::size_t readNumbers(std::uint32_t* out, std::size_t max);
    // Where the k-th number after `from` starts (for error messages only).
    static const char* locate(const char* from, std::size_t k);
    // Stores `count` numbers starting at global index `first` (any alignment); false on an error.
    [[gnu::always_inline]] inline bool store(const std::uint32_t* values, std::uint64_t first,
                                             std::size_t count, const char* from);
    // Stores one value of a record (partial records, and blocks that failed a column check).
    bool storeOne(std::uint32_t value, std::uint64_t rec, std::uint32_t fld, std::size_t pos,
                  const char* from);
    // A block that failed a column check is gone through again record by record, in file order, so
    // that the error reported is the first in the file (the column loops meet them out of order).
    // Every error of a record is offered; the earliest is kept.
    bool firstErrorInOrder(const std::uint32_t* v, std::size_t full, std::uint64_t record, std::size_t k,
                           const char* from);

    // the parse
    BigArrayParser& job;
    const Loader& loader;
    Snapshot& s;
    const std::uint64_t F, N;
    const std::uint32_t nodeTypeCount, edgeTypeCount;
    const unsigned divShift;
    const std::uint64_t divMagic;
    const std::uint64_t stringCount;
    const std::uint32_t nameField, edgeTypeField;
    const std::array<std::uint8_t, 256>& stringNamed;
    const bool useNumberBlocks;
    FailureSlot& failures;
    std::mutex& partialMutex;
    std::vector<std::uint64_t>& partialEdges;
    std::atomic<std::uint64_t>& bytesDone;
    const std::uint64_t bytesTotal;
    std::atomic<std::uint32_t>& maxNameId;
    const char* const m_data;
    const std::uint64_t m_size;
    const bool m_readBigArrays;
    const WorkContext& m_context;
    const std::vector<NodeRole>& m_nodeRoles;
    const std::vector<EdgeRole>& m_edgeRoles;

    // this piece
    const Piece& piece;
    const unsigned thread;
    Scratch& scratch;
    const bool nodes;
    const std::uint64_t fieldsPerRecord;
    const char* const what;
    // The piece's bytes: [lo, hi) is readable and starts at file offset loOffset.
    const char* p;
    const char* end;
    const char* lo;
    const char* hi;
    std::uint64_t loOffset = 0;
    const char* releasedUpTo = nullptr;
    std::uint64_t index; // global number index of the next value
    std::uint32_t localMaxName = 0;
    std::vector<std::uint32_t>& buf;
    const char* bad = nullptr;       // where the input went wrong
    const char* badNumber = nullptr; // the number just before it, when the problem follows a number
    bool done = false;
    bool expectValue; // a piece after the first starts after a comma
};

bool BigArrayParser::PieceParser::readPiece() {
    if (m_readBigArrays) {
        const std::uint64_t begin = std::uint64_t(piece.begin - m_data),
                            terminator = std::uint64_t(piece.end - m_data);
        loOffset = begin - std::min(begin, kRoomBefore);
        const std::uint64_t until = std::min(m_size, terminator + 1 + kRoomAfter);
        scratch.text.resize(std::size_t(until - loOffset));
        std::string why;
        if (!loader.readAt(loOffset, scratch.text.data(), scratch.text.size(), why)) {
            failures.set(begin, what, why);
            return false;
        }
        lo = scratch.text.data();
        hi = lo + scratch.text.size();
        p = lo + (begin - loOffset);
        end = lo + (terminator - loOffset);
    }
    releasedUpTo = p;
    buf.resize(kRecords * fieldsPerRecord);
    return true;
}

void BigArrayParser::PieceParser::explainBadInput(const char* at) {
    std::string reason;
    if (badNumber) {
        if (*at == '.' || *at == 'e' || *at == 'E')
            fail(badNumber, std::string("a number in \"") + what + "\" is not an integer");
        else
            fail(at, std::string("expected ',' between the numbers of \"") + what + "\", found " +
                         loader.describeByte(offsetOf(at)));
        return;
    }
    if (*at == '-')
        reason =
            std::string("a negative number in \"") + what + "\" (only non-negative integers are allowed)";
    else if (*at >= '0' && *at <= '9') {
        const char* q = at;
        while (*q >= '0' && *q <= '9')
            ++q;
        if (*q == '.' || *q == 'e' || *q == 'E')
            reason = std::string("a number in \"") + what + "\" is not an integer";
        else
            reason = std::string("a number in \"") + what + "\" is larger than 4294967295";
    } else if (*at == '.' || *at == 'e' || *at == 'E')
        reason = std::string("a number in \"") + what + "\" is not an integer";
    else if (*at == ',' || *at == ']')
        reason = std::string("a value is missing in \"") + what + "\" (two separators in a row)";
    else
        reason =
            std::string("expected a number in \"") + what + "\", found " + loader.describeByte(offsetOf(at));
    fail(at, std::move(reason));
}

std::size_t BigArrayParser::PieceParser::readNumbers(std::uint32_t* out, std::size_t max) {
    std::size_t n = 0;
    bool blocks = useNumberBlocks;
    while (n < max) {
        // Regions that end right after a comma go 64 bytes at a time; anything unusual in
        // one sends it to the byte loop below, which explains it.
        if (blocks && max - n >= 256 && p - lo >= 16) {
            const std::uint64_t bytes =
                std::min<std::uint64_t>({std::uint64_t(end - p), 2 * (max - n - 4), 64u << 10,
                                         std::uint64_t(std::max<std::ptrdiff_t>(0, (hi - p) - 128))});
            const void* comma = bytes >= 256 ? ::memrchr(p, ',', bytes) : nullptr;
            if (comma) {
                const char* regionEnd = static_cast<const char*>(comma) + 1;
                const std::ptrdiff_t got = detail::readNumberBlocks(p, regionEnd, out + n);
                if (got > 0) {
                    n += std::size_t(got);
                    p = regionEnd;
                    expectValue = true;
                    continue;
                }
            }
            blocks = false; // for the rest of this call
        }
        if (p >= end) {
            if (expectValue)
                bad = p; // "1,]": a separator with nothing after it
            else
                done = true;
            break;
        }
        unsigned c = unsigned(static_cast<unsigned char>(*p)) - '0';
        if (c > 9) {
            while (isWs(*p))
                ++p;
            c = unsigned(static_cast<unsigned char>(*p)) - '0';
            if (c > 9) {
                bad = p;
                break;
            }
        }
        const char* start = p++;
        std::uint64_t v = c;
        while ((c = unsigned(static_cast<unsigned char>(*p)) - '0') <= 9) {
            v = v * 10 + c;
            ++p;
        }
        if (p - start > 10 || v > 0xFFFFFFFFull) {
            bad = start;
            break;
        }
        out[n++] = std::uint32_t(v);
        expectValue = false;
        if (*p == ',' && p != end) {
            ++p;
            expectValue = true;
            continue;
        }
        while (isWs(*p))
            ++p;
        if (p == end) {
            done = true;
            break;
        }
        if (*p != ',') {
            bad = p;
            badNumber = start;
            break;
        }
        ++p;
        expectValue = true;
    }
    return n;
}

const char* BigArrayParser::PieceParser::locate(const char* from, std::size_t k) {
    const char* q = from;
    for (;;) {
        while (isWs(*q) || *q == ',')
            ++q;
        if (k-- == 0)
            return q;
        while (*q >= '0' && *q <= '9')
            ++q;
    }
}

bool BigArrayParser::PieceParser::storeOne(std::uint32_t value, std::uint64_t rec, std::uint32_t fld,
                                           std::size_t pos, const char* from) {
    if (nodes) {
        switch (m_nodeRoles[fld]) {
        case NodeRole::Type:
            if (value >= nodeTypeCount) {
                fail(locate(from, pos), "node " + std::to_string(rec) + " has type " + std::to_string(value) +
                                            ", but meta.node_types lists only " +
                                            std::to_string(nodeTypeCount) + " types");
                return false;
            }
            s.nodeType.data()[rec] = std::uint8_t(value);
            break;
        case NodeRole::Name:
            s.nodeName.data()[rec] = value;
            localMaxName = std::max(localMaxName, value);
            break;
        case NodeRole::Id:
            s.nodeId.data()[rec] = value;
            break;
        case NodeRole::SelfSize:
            s.nodeSelfSize.data()[rec] = value;
            break;
        case NodeRole::EdgeCount:
            s.firstEdge.data()[rec + 1] = value;
            break;
        case NodeRole::TraceNodeId:
            if (value) {
                job.ensureTraceIds();
                s.nodeTraceId.data()[rec] = value;
            }
            break;
        case NodeRole::Detachedness:
            if (value > 2) {
                fail(locate(from, pos), "node " + std::to_string(rec) + " has detachedness " +
                                            std::to_string(value) + " (0, 1 or 2 expected)");
                return false;
            }
            s.nodeDetachedness.data()[rec] = std::uint8_t(value);
            break;
        case NodeRole::Ignore:
            break;
        }
    } else {
        switch (m_edgeRoles[fld]) {
        case EdgeRole::Type:
            if (value >= edgeTypeCount) {
                fail(locate(from, pos), "edge " + std::to_string(rec) + " has type " + std::to_string(value) +
                                            ", but meta.edge_types lists only " +
                                            std::to_string(edgeTypeCount) + " types");
                return false;
            }
            s.edgeType.data()[rec] = std::uint8_t(value);
            break;
        case EdgeRole::NameOrIndex:
            s.edgeNameOrIndex.data()[rec] = value;
            break;
        case EdgeRole::ToNode: {
            const std::uint64_t q = (value * divMagic) >> divShift;
            if (q * F != value) {
                fail(locate(from, pos), "edge " + std::to_string(rec) + " points to node index " +
                                            std::to_string(value) + ", which is not a multiple of the " +
                                            std::to_string(F) + " node fields");
                return false;
            }
            if (q >= N) {
                fail(locate(from, pos), "edge " + std::to_string(rec) + " points to node index " +
                                            std::to_string(value) + ", past the last of the " +
                                            std::to_string(N) + " nodes");
                return false;
            }
            s.edgeTo.data()[rec] = std::uint32_t(q);
            break;
        }
        case EdgeRole::Ignore:
            break;
        }
    }
    return true;
}

bool BigArrayParser::PieceParser::firstErrorInOrder(const std::uint32_t* v, std::size_t full,
                                                    std::uint64_t record, std::size_t k, const char* from) {
    for (std::size_t r = 0; r < full; ++r) {
        bool recordOk = true, typeOk = true;
        for (std::uint32_t f = 0; f < fieldsPerRecord; ++f) {
            const bool fine =
                storeOne(v[r * fieldsPerRecord + f], record + r, f, k + r * fieldsPerRecord + f, from);
            recordOk = recordOk && fine;
            if (f == edgeTypeField)
                typeOk = fine;
        }
        if (!nodes && nameField < fieldsPerRecord && edgeTypeField < fieldsPerRecord && typeOk &&
            stringNamed[s.edgeType.data()[record + r]] &&
            s.edgeNameOrIndex.data()[record + r] >= stringCount) {
            fail(locate(from, k + r * fieldsPerRecord + nameField), job.missingNameReason(record + r));
            recordOk = false;
        }
        if (!recordOk)
            return false;
    }
    return true;
}

bool BigArrayParser::PieceParser::store(const std::uint32_t* values, std::uint64_t first, std::size_t count,
                                        const char* from) {
    // a local: the column loops store bytes, which may alias any member
    const std::uint64_t fields = fieldsPerRecord;
    std::uint64_t record = first / fields;
    std::uint32_t field = std::uint32_t(first % fields);
    std::size_t k = 0;
    // full records in column loops, partial ones value by value
    if (!nodes && k < count && field != 0) {
        std::lock_guard lock(partialMutex);
        partialEdges.push_back(record);
    }
    while (k < count && field != 0) {
        if (!storeOne(values[k], record, field, k, from))
            return false;
        ++k;
        if (++field == fields) {
            field = 0;
            ++record;
        }
    }
    // A block that failed a column check is gone through again record by record, in file
    // order, so that the error reported is the first in the file (the column loops meet
    // them out of order). Every error of a record is offered; the earliest is kept.
    const std::size_t full = (count - k) / fields;
    if (full) {
        const std::uint32_t* v = values + k;
        bool blockOk = true;
        for (std::uint32_t f = 0; f < fields && blockOk; ++f) {
            bool ok = true;
            if (nodes) {
                const NodeRole role = m_nodeRoles[f];
                if (role == NodeRole::Type || role == NodeRole::Detachedness) {
                    const std::uint32_t limit = role == NodeRole::Type ? nodeTypeCount : 3;
                    std::uint32_t worst = 0;
                    for (std::size_t r = 0; r < full; ++r)
                        worst = std::max(worst, v[r * fields + f]);
                    ok = worst < limit;
                    if (ok) {
                        std::uint8_t* const col =
                            (role == NodeRole::Type ? s.nodeType.data() : s.nodeDetachedness.data()) + record;
                        for (std::size_t r = 0; r < full; ++r)
                            col[r] = std::uint8_t(v[r * fields + f]);
                    }
                } else if (role == NodeRole::TraceNodeId) {
                    std::uint32_t any = 0;
                    for (std::size_t r = 0; r < full; ++r)
                        any |= v[r * fields + f];
                    if (any) {
                        job.ensureTraceIds();
                        std::uint32_t* const col = s.nodeTraceId.data() + record;
                        for (std::size_t r = 0; r < full; ++r)
                            col[r] = v[r * fields + f];
                    }
                } else if (role != NodeRole::Ignore) {
                    std::uint32_t* const col = (role == NodeRole::Name       ? s.nodeName.data()
                                                : role == NodeRole::Id       ? s.nodeId.data()
                                                : role == NodeRole::SelfSize ? s.nodeSelfSize.data()
                                                                             : s.firstEdge.data() + 1) +
                                               record;
                    for (std::size_t r = 0; r < full; ++r)
                        col[r] = v[r * fields + f];
                    if (role == NodeRole::Name)
                        for (std::size_t r = 0; r < full; ++r)
                            localMaxName = std::max(localMaxName, v[r * fields + f]);
                }
            } else {
                const EdgeRole role = m_edgeRoles[f];
                if (role == EdgeRole::Type) {
                    std::uint32_t worst = 0;
                    for (std::size_t r = 0; r < full; ++r)
                        worst = std::max(worst, v[r * fields + f]);
                    ok = worst < edgeTypeCount;
                    if (ok) {
                        // local pointers and constants: a byte store may alias anything
                        std::uint8_t* const col = s.edgeType.data() + record;
                        for (std::size_t r = 0; r < full; ++r)
                            col[r] = std::uint8_t(v[r * fields + f]);
                    }
                } else if (role == EdgeRole::NameOrIndex) {
                    std::uint32_t* const col = s.edgeNameOrIndex.data() + record;
                    for (std::size_t r = 0; r < full; ++r)
                        col[r] = v[r * fields + f];
                } else if (role == EdgeRole::ToNode) {
                    std::uint32_t* const col = s.edgeTo.data() + record;
                    const std::uint64_t magic = divMagic, fieldCount = F, nodeCount = N;
                    const unsigned shift = divShift;
                    std::uint32_t bad = 0;
                    for (std::size_t r = 0; r < full; ++r) {
                        const std::uint32_t value = v[r * fields + f];
                        const std::uint64_t q = (value * magic) >> shift;
                        bad |= std::uint32_t(q * fieldCount != value) | std::uint32_t(q >= nodeCount);
                        col[r] = std::uint32_t(q);
                    }
                    ok = bad == 0;
                }
            }
            blockOk = ok;
        }
        if (blockOk && !nodes && nameField < fields) {
            // Names of string-named edges must exist (checked while the block is in cache).
            const std::uint8_t* const types = s.edgeType.data() + record;
            const std::uint32_t* const names = s.edgeNameOrIndex.data() + record;
            const std::uint64_t strings = stringCount;
            std::uint32_t missing = 0;
            for (std::size_t r = 0; r < full; ++r)
                missing |= std::uint32_t(stringNamed[types[r]] & (names[r] >= strings));
            blockOk = missing == 0;
        }
        if (!blockOk && !firstErrorInOrder(v, full, record, k, from))
            return false;
        record += full;
        k += full * fields;
    }
    if (!nodes && k < count) {
        std::lock_guard lock(partialMutex);
        partialEdges.push_back(record); // checked once every thread is done
    }
    for (; k < count; ++k) {
        if (!storeOne(values[k], record, field, k, from))
            return false;
        if (++field == fields) {
            field = 0;
            ++record;
        }
    }
    return true;
}

void BigArrayParser::PieceParser::run() {
    if (!readPiece())
        return;
    std::uint64_t sinceCheck = 0;
    while (!done) {
        const char* blockStart = p;
        // first fill up to a record boundary so that blocks hold whole records
        std::size_t want = buf.size();
        if (const std::uint64_t misalign = index % fieldsPerRecord)
            want = fieldsPerRecord - misalign;
        const std::size_t n = readNumbers(buf.data(), want);
        if (n && !store(buf.data(), index, n, blockStart))
            return;
        index += n;
        if (bad) {
            explainBadInput(bad);
            return;
        }
        sinceCheck += std::uint64_t(p - blockStart);
        if (sinceCheck >= (1u << 20)) {
            bytesDone.fetch_add(sinceCheck, std::memory_order_relaxed);
            sinceCheck = 0;
            if (m_context.stopRequested()) {
                failures.set(0, what, "cancelled", true);
                return;
            }
            if (failures.failedBefore(std::uint64_t(piece.begin - m_data)))
                return; // an earlier error wins; one later in the file cannot
            if (thread == 0)
                m_context.report(Stage::Parsing, bytesDone.load(std::memory_order_relaxed), bytesTotal);
            if (!m_readBigArrays && p - releasedUpTo > (32 << 20)) {
                loader.releasePages(releasedUpTo, p - 4096);
                releasedUpTo = p - 4096;
            }
        }
    }
    if (!m_readBigArrays)
        loader.releasePages(releasedUpTo, end);
    std::uint32_t prev = maxNameId.load();
    while (localMaxName > prev && !maxNameId.compare_exchange_weak(prev, localMaxName)) {
    }
}

BigArrayParser::BigArrayParser(Loader& loader, const bool emptyArrays[2])
    : m_loader(loader), s(*loader.m_snapshot), nodesSec(*loader.section("nodes")),
      edgesSec(*loader.section("edges")), F(loader.m_nodeFieldCount), G(loader.m_edgeFieldCount),
      N(s.format.headerNodeCount), emptyArray{emptyArrays[0], emptyArrays[1]},
      bytesTotal((nodesSec.end - nodesSec.begin) + (edgesSec.end - edgesSec.begin)),
      nodeTypeCount(std::uint32_t(s.nodeTypeNames.size())),
      edgeTypeCount(std::uint32_t(s.edgeTypeNames.size())), divShift(31 + unsigned(std::bit_width(F - 1))),
      divMagic(((std::uint64_t(1) << divShift) + F - 1) / F), stringCount(loader.m_stringCount),
      nameField(std::uint32_t(
          std::find(loader.m_edgeRoles.begin(), loader.m_edgeRoles.end(), EdgeRole::NameOrIndex) -
          loader.m_edgeRoles.begin())),
      edgeTypeField(
          std::uint32_t(std::find(loader.m_edgeRoles.begin(), loader.m_edgeRoles.end(), EdgeRole::Type) -
                        loader.m_edgeRoles.begin())),
      useNumberBlocks(loader.m_options.numberBlocks && detail::numberBlocksAvailable()) {
    for (std::size_t t = 0; t < s.edgeKinds.size() && t < stringNamed.size(); ++t)
        stringNamed[t] = !edgeNameIsIndex(s.edgeKinds[t]) && s.edgeKinds[t] != EdgeKind::Unknown;
}

std::string BigArrayParser::missingNameReason(std::uint64_t edge) const {
    return "edge " + std::to_string(edge) + " is named by string " +
           std::to_string(s.edgeNameOrIndex.data()[edge]) + ", but \"strings\" holds only " +
           std::to_string(m_loader.m_stringCount) + " strings";
}

void BigArrayParser::ensureTraceIds() {
    std::call_once(traceIdsAllocated, [&] { s.nodeTraceId = PodArray<std::uint32_t>::zeroed(N); });
}

void BigArrayParser::parseAll() {
    const std::vector<Piece>& pieces = m_loader.m_pieces;
    const WorkContext& context = m_loader.m_context;
    std::atomic<std::size_t> nextPiece{0};
    detail::runParallel(m_loader.m_threads, [&](unsigned t) {
        Scratch scratch;
        for (std::size_t i; (i = nextPiece.fetch_add(1)) < pieces.size();) {
            // A piece's first writes fault in fresh pages of every column: not after a
            // cancel, and not past an error (later pieces start later in the file, and the
            // first error wins).
            if (context.stopRequested()) {
                failures.set(0, "parsing", "cancelled", true);
                return;
            }
            if (failures.failedBefore(std::uint64_t(pieces[i].begin - m_loader.m_data)))
                return;
            if (emptyArray[pieces[i].array])
                continue;
            PieceParser(*this, pieces[i], t, scratch).run();
        }
    });
}

std::uint64_t BigArrayParser::edgeValueOffset(std::uint64_t index) const {
    for (const Piece& piece : m_loader.m_pieces) {
        if (piece.array != 1 || index < piece.firstIndex || index > piece.firstIndex + piece.commas)
            continue;
        const char* q = piece.begin;
        for (std::uint64_t k = index - piece.firstIndex;; --k) {
            while (isWs(*q) || *q == ',')
                ++q;
            if (k == 0)
                return std::uint64_t(q - m_loader.m_data);
            while (*q >= '0' && *q <= '9')
                ++q;
        }
    }
    return edgesSec.begin;
}

std::optional<Error> BigArrayParser::finish(std::optional<Error> sideError) {
    const auto& failure = failures.failure();
    if (failure && failure->cancelled)
        return m_loader.cancelled();
    // The names of edges split between pieces, checked now that both halves are stored. With
    // a parse error at byte X, every value before X was stored (pieces stop only at their
    // own error or when they start past one), so an edge whose type and name come before X
    // is checked too: the first error in the file is reported, whatever the cut.
    const std::uint64_t parsedUpTo = failure ? failure->offset : ~std::uint64_t(0);
    std::sort(partialEdges.begin(), partialEdges.end());
    for (const std::uint64_t e : partialEdges) {
        // (past an error the columns may hold anything: stringNamed has room for any type
        // byte)
        if (!stringNamed[s.edgeType.data()[e]] || s.edgeNameOrIndex.data()[e] < stringCount)
            continue;
        if (failure && (edgeValueOffset(e * G + edgeTypeField) >= parsedUpTo ||
                        edgeValueOffset(e * G + nameField) >= parsedUpTo))
            break; // this edge and the later ones come after the parse error
        return m_loader.error("edges", std::int64_t(edgeValueOffset(e * G + nameField)),
                              missingNameReason(e));
    }
    if (failure)
        return m_loader.error(failure->stage, std::int64_t(failure->offset), failure->reason);
    if (sideError)
        return sideError;
    if (maxNameId.load() >= s.strings.size())
        return m_loader.error("nodes", std::int64_t(nodesSec.begin),
                              "a node name refers to string " + std::to_string(maxNameId.load()) +
                                  ", but \"strings\" holds only " + std::to_string(s.strings.size()) +
                                  " strings");
    m_loader.m_context.report(Stage::Parsing, bytesTotal, bytesTotal);
    return std::nullopt;
}

} // namespace heapscope::load
