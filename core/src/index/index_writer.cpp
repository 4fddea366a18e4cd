// SPDX-License-Identifier: MIT
// Writes an analysed snapshot's index: columns as they are in memory, each at a page boundary, so
// that a reopen maps them. Written to a temporary file and renamed into place when complete.
#include "index_internal.h"

#include "heapscope/index_cache.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace heapscope {

namespace {

using index::Column;

struct Piece {
    Column column;
    std::uint32_t elementBytes;
    const void* data;
    std::uint64_t count;
};

template <typename T> Piece pieceOf(Column c, const PodArray<T>& a) {
    return {c, std::uint32_t(sizeof(T)), a.data(), a.size()};
}

bool sameBytes(const void* a, const void* b, std::size_t bytes) {
    return a == b || std::memcmp(a, b, bytes) == 0;
}

// The entries where `column` differs from `base` (same size).
template <typename T>
std::vector<index::PatchEntry> differences(const PodArray<T>& column, const PodArray<T>& base) {
    std::vector<index::PatchEntry> out;
    for (std::size_t i = 0; i < column.size(); ++i)
        if (column[i] != base[i])
            out.push_back({std::uint32_t(i), std::uint32_t(column[i])});
    return out;
}

// A column kept against the snapshot's: nothing when equal, its differences when they take less
// room than the column, else the column.
template <typename T>
void addAgainst(std::vector<Piece>& out, Column full, Column patch, const PodArray<T>& column,
                const PodArray<T>& base, std::vector<index::PatchEntry>& storage) {
    if (column.size() == base.size() && sameBytes(column.data(), base.data(), column.bytes()))
        return;
    if (column.size() == base.size()) {
        storage = differences(column, base);
        if (storage.size() * sizeof(index::PatchEntry) < column.bytes()) {
            out.push_back({patch, std::uint32_t(sizeof(index::PatchEntry)), storage.data(), storage.size()});
            return;
        }
    }
    out.push_back(pieceOf(full, column));
}

std::vector<Piece> piecesOf(const Analysis& a, const std::string& meta,
                            std::vector<index::PatchEntry>& selfPatch,
                            std::vector<index::PatchEntry>& domPatch) {
    const Snapshot& s = *a.snapshot;
    std::vector<Piece> out;
    out.push_back({Column::Meta, 1, meta.data(), meta.size()});
    out.push_back(pieceOf(Column::NodeType, s.nodeType));
    out.push_back(pieceOf(Column::NodeName, s.nodeName));
    out.push_back(pieceOf(Column::NodeId, s.nodeId));
    out.push_back(pieceOf(Column::NodeSelfSize, s.nodeSelfSize));
    out.push_back(pieceOf(Column::FirstEdge, s.firstEdge));
    out.push_back(pieceOf(Column::NodeTraceId, s.nodeTraceId));
    out.push_back(pieceOf(Column::NodeDetachedness, s.nodeDetachedness));
    out.push_back(pieceOf(Column::EdgeType, s.edgeType));
    out.push_back(pieceOf(Column::EdgeNameOrIndex, s.edgeNameOrIndex));
    out.push_back(pieceOf(Column::EdgeTo, s.edgeTo));
    out.push_back({Column::StringBytes, 1, s.strings.bytes(), s.strings.byteSize()});
    out.push_back({Column::StringOffsets, 8, s.strings.offsets(), std::uint64_t(s.strings.size()) + 1});
    out.push_back(
        {Column::Locations, std::uint32_t(sizeof(Location)), s.locations.data(), s.locations.size()});
    // The owned-object reassignment and the DOM propagation change some values, often none: the
    // snapshot's column then serves both, or their differences are kept.
    addAgainst(out, Column::SelfSize, Column::SelfSizePatch, a.selfSize, s.nodeSelfSize, selfPatch);
    out.push_back(pieceOf(Column::Distance, a.distance));
    out.push_back(pieceOf(Column::Dominator, a.dominator));
    out.push_back(pieceOf(Column::RetainedSize, a.retainedSize));
    // the dominator tree's lists are rebuilt from the dominators on a reopen, when first needed
    out.push_back(pieceOf(Column::ClassOf, a.classOf));
    out.push_back(pieceOf(Column::Flags, a.flags));
    addAgainst(out, Column::Detachedness, Column::DetachednessPatch, a.detachedness, s.nodeDetachedness,
               domPatch);
    return out;
}

std::uint64_t alignUp(std::uint64_t v) {
    return (v + index::kSectionAlign - 1) / index::kSectionAlign * index::kSectionAlign;
}

bool writeAll(int fd, const void* data, std::size_t bytes, std::uint64_t offset) {
    const auto* p = static_cast<const char*>(data);
    while (bytes) {
        const ssize_t n = ::pwrite(fd, p, std::min<std::size_t>(bytes, std::size_t(1) << 30), off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        bytes -= std::size_t(n);
        offset += std::uint64_t(n);
    }
    return true;
}

std::atomic<std::uint64_t> g_temporaryCounter{0};

} // namespace

bool indexable(const Analysis& analysis) {
    const Snapshot& s = *analysis.snapshot;
    return !s.path.empty() && !s.identity.empty() && !analysis.customInterfaces;
}

Expected<std::uint64_t> writeIndex(const Analysis& analysis, const IndexCacheOptions& options,
                                   const WorkContext& context) {
    const Snapshot& s = *analysis.snapshot;
    auto fail = [&](const std::string& why) { return Error{s.path, "index", -1, why}; };
    if (!indexable(analysis))
        return fail("this analysis cannot be kept as an index");
    std::string why;
    const auto key = index::sourceKey(s.path, &why);
    if (!key)
        return fail("cannot read the snapshot again: " + why);
    if (index::encodeKey(*key) != s.identity)
        return fail("the snapshot file changed after it was read; no index is written for it");
    const std::string folder = indexFolder(options);
    if (folder.empty())
        return fail("there is no cache folder (neither XDG_CACHE_HOME nor HOME is set)");
    if (!index::ensureFolder(folder, &why))
        return fail(why);
    const std::string target = index::indexFileFor(folder, *key);
    const std::string temporary =
        target + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(g_temporaryCounter.fetch_add(1));

    const std::string meta = index::encodeMeta(*key, analysis);
    std::vector<index::PatchEntry> selfPatch, domPatch;
    const std::vector<Piece> pieces = piecesOf(analysis, meta, selfPatch, domPatch);
    std::vector<index::SectionEntry> table(pieces.size());
    std::uint64_t at = alignUp(sizeof(index::FileHeader) + table.size() * sizeof(index::SectionEntry));
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        table[i].column = std::uint32_t(pieces[i].column);
        table[i].elementBytes = pieces[i].elementBytes;
        table[i].offset = at;
        table[i].count = pieces[i].count;
        at = alignUp(at + pieces[i].count * pieces[i].elementBytes);
    }
    const std::uint64_t total = at;

    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail("cannot create " + temporary + ": " + std::strerror(errno));
    auto abandon = [&](Error e) {
        ::close(fd);
        ::unlink(temporary.c_str());
        return e;
    };
    if (::ftruncate(fd, off_t(total)) != 0)
        return abandon(fail("cannot write " + temporary + ": " + std::strerror(errno)));
    std::uint64_t written = 0;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const auto* data = static_cast<const char*>(pieces[i].data);
        const std::uint64_t bytes = pieces[i].count * pieces[i].elementBytes;
        std::uint64_t running = bytes;
        for (std::uint64_t from = 0; from < bytes || from == 0; from += index::kChunkBytes) {
            if (context.stopRequested())
                return abandon(cancelledError(s.path, "index", "writing the index was cancelled"));
            const std::size_t n = std::size_t(std::min<std::uint64_t>(index::kChunkBytes, bytes - from));
            running = index::foldChunk(running, index::hashBytes(data + from, n, from / index::kChunkBytes));
            if (n && !writeAll(fd, data + from, n, table[i].offset + from))
                return abandon(fail("cannot write " + temporary + ": " + std::strerror(errno)));
            written += n;
            context.report(Stage::Index, written, total);
            if (bytes == 0)
                break;
        }
        table[i].checksum = running;
    }
    index::FileHeader header{};
    std::memcpy(header.magic, index::kMagic, sizeof header.magic);
    header.formatVersion = index::kFormatVersion;
    header.sectionCount = std::uint32_t(table.size());
    const std::string_view version = index::programVersion();
    std::memcpy(header.programVersion, version.data(),
                std::min(version.size(), sizeof header.programVersion));
    header.totalBytes = total;
    header.keyHash = key->hash();
    header.tableChecksum = index::hashBytes(table.data(), table.size() * sizeof(index::SectionEntry));
    header.headerChecksum = index::hashBytes(&header, offsetof(index::FileHeader, headerChecksum));
    if (!writeAll(fd, table.data(), table.size() * sizeof(index::SectionEntry), sizeof header) ||
        !writeAll(fd, &header, sizeof header, 0))
        return abandon(fail("cannot write " + temporary + ": " + std::strerror(errno)));
    if (::close(fd) != 0) {
        ::unlink(temporary.c_str());
        return fail("cannot write " + temporary + ": " + std::strerror(errno));
    }
    if (::rename(temporary.c_str(), target.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(temporary.c_str());
        return fail("cannot move the index into place at " + target + ": " + reason);
    }
    trimIndexes(options, target);
    return total;
}

} // namespace heapscope
