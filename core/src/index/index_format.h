// SPDX-License-Identifier: MIT
// The index file's layout: a header, a section table, then one section per column at aligned
// offsets, so that a reopen maps the file and points the columns at it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace heapscope::index {

inline constexpr char kMagic[8] = {'H', 'S', 'C', 'O', 'P', 'E', 'I', 'X'};
/// Raised whenever the layout or the meaning of a stored value changes.
inline constexpr std::uint32_t kFormatVersion = 2;
/// Sections start at page boundaries: a mapped column is then page-aligned like an allocated one.
inline constexpr std::uint64_t kSectionAlign = 4096;
/// Checksums are computed per chunk of this size (on every thread), then folded in order.
inline constexpr std::uint64_t kChunkBytes = std::uint64_t(4) << 20;
inline constexpr std::string_view kIndexSuffix = ".hsidx";

/// What a section holds. The numbers are stored in the file: never reuse one.
enum class Column : std::uint32_t {
    Meta = 1, ///< everything small (see index_meta.cpp), as a blob
    NodeType,
    NodeName,
    NodeId,
    NodeSelfSize,
    FirstEdge,
    NodeTraceId,
    NodeDetachedness,
    EdgeType,
    EdgeNameOrIndex,
    EdgeTo,
    StringBytes,
    StringOffsets,
    Locations,
    SelfSize, ///< only when it differs from NodeSelfSize
    Distance,
    Dominator,
    RetainedSize,
    FirstDominated, ///< no longer written (format 1)
    Dominated,      ///< no longer written (format 1)
    ClassOf,
    Flags,
    Detachedness,      ///< only when it differs from NodeDetachedness, in many places
    SelfSizePatch,     ///< SelfSize as the NodeSelfSize entries that differ (PatchEntry), when fewer
    DetachednessPatch, ///< Detachedness as the NodeDetachedness entries that differ (PatchEntry)
    End,
};

/// A section's name in messages ("edge targets").
const char* columnName(std::uint32_t column);

/// One entry of a column that differs from the column it is kept against.
struct PatchEntry {
    std::uint32_t ordinal;
    std::uint32_t value;
};

struct SectionEntry {
    std::uint32_t column = 0;
    std::uint32_t elementBytes = 0;
    std::uint64_t offset = 0;
    std::uint64_t count = 0; ///< elements
    std::uint64_t checksum = 0;
};
static_assert(sizeof(SectionEntry) == 32 && std::is_trivially_copyable_v<SectionEntry>);

struct FileHeader {
    char magic[8];
    std::uint32_t formatVersion;
    std::uint32_t sectionCount;
    char programVersion[16]; ///< the Heapscope version that wrote it, zero-padded
    std::uint64_t totalBytes;
    std::uint64_t keyHash;        ///< of the snapshot's identity (a quick reject before the meta)
    std::uint64_t tableChecksum;  ///< of the section table that follows the header
    std::uint64_t headerChecksum; ///< of the bytes above
};
static_assert(sizeof(FileHeader) == 64 && std::is_trivially_copyable_v<FileHeader>);

/// A fast 64-bit hash of a byte range (four independent lanes; not cryptographic: it catches
/// truncation and flipped bytes, not a forger).
std::uint64_t hashBytes(const void* data, std::size_t bytes, std::uint64_t seed = 0);

/// hashBytes() fed piece by piece (each piece but the last a multiple of 32 bytes), so that a
/// reader can check a piece's values while it is still in the cache.
class StreamHasher {
public:
    explicit StreamHasher(std::uint64_t seed);
    /// `bytes` must be a multiple of 32.
    void update(const void* data, std::size_t bytes);
    /// The last piece (any length); returns what hashBytes() gives for everything fed.
    std::uint64_t finish(const void* data, std::size_t bytes);

private:
    std::uint64_t m_a, m_b, m_c, m_d;
    std::size_t m_total = 0;
};
/// Folds per-chunk hashes into one section checksum.
inline std::uint64_t foldChunk(std::uint64_t running, std::uint64_t chunkHash) {
    running ^= chunkHash + 0x9E3779B97F4A7C15ull + (running << 6) + (running >> 2);
    return running * 0xFF51AFD7ED558CCDull;
}
/// Checksum of a whole section, chunk by chunk (the same fold the reader does on its threads).
std::uint64_t sectionChecksum(const void* data, std::size_t bytes);

/// The snapshot file an index belongs to: a changed file must not match.
struct SourceKey {
    std::string path; ///< absolute, symbolic links resolved
    std::uint64_t size = 0;
    std::int64_t mtimeNs = 0;
    std::uint64_t inode = 0;
    std::uint64_t device = 0;
    std::uint64_t contentHash = 0; ///< of the first and the last megabyte (the header is in the first)
    std::uint64_t hash() const;
    bool operator==(const SourceKey&) const = default;
};

/// Little serialiser for the meta blob. Values are written in this machine's byte order (an index
/// never leaves the machine that wrote it; the header's version check rejects foreign ones).
class BlobWriter {
public:
    template <typename T> void pod(const T& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        const auto* p = reinterpret_cast<const char*>(&v);
        m_bytes.append(p, sizeof(T));
    }
    void u8(std::uint8_t v) { pod(v); }
    void u32(std::uint32_t v) { pod(v); }
    void u64(std::uint64_t v) { pod(v); }
    void i64(std::int64_t v) { pod(v); }
    void f64(double v) { pod(v); }
    void text(std::string_view s) {
        u64(s.size());
        m_bytes.append(s.data(), s.size());
    }
    void texts(const std::vector<std::string>& list) {
        u64(list.size());
        for (const auto& s : list)
            text(s);
    }
    template <typename T, typename A> void pods(const std::vector<T, A>& list) {
        static_assert(std::is_trivially_copyable_v<T>);
        u64(list.size());
        m_bytes.append(reinterpret_cast<const char*>(list.data()), list.size() * sizeof(T));
    }
    const std::string& bytes() const { return m_bytes; }

private:
    std::string m_bytes;
};

/// Reads what BlobWriter wrote; every read is bounds-checked and a failed read sticks.
class BlobReader {
public:
    BlobReader(const char* data, std::size_t size) : m_p(data), m_end(data + size) {}
    bool ok() const { return m_ok; }
    bool atEnd() const { return m_p == m_end; }
    template <typename T> T pod() {
        static_assert(std::is_trivially_copyable_v<T>);
        T v{};
        if (!m_ok || std::size_t(m_end - m_p) < sizeof(T)) {
            m_ok = false;
            return v;
        }
        std::memcpy(&v, m_p, sizeof(T));
        m_p += sizeof(T);
        return v;
    }
    std::uint8_t u8() { return pod<std::uint8_t>(); }
    std::uint32_t u32() { return pod<std::uint32_t>(); }
    std::uint64_t u64() { return pod<std::uint64_t>(); }
    std::int64_t i64() { return pod<std::int64_t>(); }
    double f64() { return pod<double>(); }
    /// A count of things of at least `minBytes` each that must fit in what is left.
    std::uint64_t count(std::size_t minBytes) {
        const std::uint64_t n = u64();
        if (m_ok && minBytes && n > std::uint64_t(m_end - m_p) / minBytes)
            m_ok = false;
        return m_ok ? n : 0;
    }
    std::string text() {
        const std::uint64_t n = count(1);
        std::string s(m_p, m_p + n);
        m_p += n;
        return s;
    }
    std::vector<std::string> texts() {
        std::vector<std::string> out(count(8));
        for (auto& s : out)
            s = text();
        return out;
    }
    template <typename T, typename A> void pods(std::vector<T, A>& out) {
        const std::uint64_t n = count(sizeof(T));
        out.resize(n);
        if (n)
            std::memcpy(out.data(), m_p, n * sizeof(T));
        m_p += n * sizeof(T);
    }

private:
    const char* m_p;
    const char* m_end;
    bool m_ok = true;
};

} // namespace heapscope::index
