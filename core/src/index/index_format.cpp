// SPDX-License-Identifier: MIT
#include "index_format.h"

#include <algorithm>
#include <iterator>

namespace heapscope::index {

namespace {
constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87ull;
constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4Full;
constexpr std::uint64_t kPrime3 = 0x165667B19E3779F9ull;

inline std::uint64_t rotl(std::uint64_t v, int r) {
    return (v << r) | (v >> (64 - r));
}
inline std::uint64_t lane(std::uint64_t acc, std::uint64_t word) {
    return rotl(acc + word * kPrime2, 31) * kPrime1;
}
inline std::uint64_t load64(const unsigned char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}
inline std::uint64_t avalanche(std::uint64_t h) {
    h ^= h >> 33;
    h *= kPrime2;
    h ^= h >> 29;
    h *= kPrime3;
    h ^= h >> 32;
    return h;
}
} // namespace

StreamHasher::StreamHasher(std::uint64_t seed)
    : m_a(seed + kPrime1 + kPrime2), m_b(seed + kPrime2), m_c(seed), m_d(seed - kPrime1) {}

void StreamHasher::update(const void* data, std::size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i + 32 <= bytes; i += 32) {
        m_a = lane(m_a, load64(p + i));
        m_b = lane(m_b, load64(p + i + 8));
        m_c = lane(m_c, load64(p + i + 16));
        m_d = lane(m_d, load64(p + i + 24));
    }
    m_total += bytes;
}

std::uint64_t StreamHasher::finish(const void* data, std::size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    const std::size_t blocks = bytes / 32 * 32;
    update(p, blocks);
    std::uint64_t h =
        rotl(m_a, 1) + rotl(m_b, 7) + rotl(m_c, 12) + rotl(m_d, 18) + (m_total + bytes - blocks);
    std::size_t i = blocks;
    for (; i + 8 <= bytes; i += 8)
        h = rotl(h ^ lane(0, load64(p + i)), 27) * kPrime1 + kPrime3;
    for (; i < bytes; ++i)
        h = rotl(h ^ (p[i] * kPrime3), 11) * kPrime1;
    return avalanche(h);
}

std::uint64_t hashBytes(const void* data, std::size_t bytes, std::uint64_t seed) {
    return StreamHasher(seed).finish(data, bytes);
}

std::uint64_t sectionChecksum(const void* data, std::size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    std::uint64_t running = bytes;
    for (std::size_t at = 0; at < bytes || at == 0; at += kChunkBytes) {
        const std::size_t n = std::min<std::size_t>(kChunkBytes, bytes - at);
        running = foldChunk(running, hashBytes(p + at, n, at / kChunkBytes));
        if (bytes == 0)
            break;
    }
    return running;
}

const char* columnName(std::uint32_t column) {
    static const char* const names[] = {
        "?",
        "meta section",
        "node types",
        "node names",
        "node ids",
        "node self sizes",
        "first-edge offsets",
        "trace node ids",
        "DOM states",
        "edge types",
        "edge names",
        "edge targets",
        "string bytes",
        "string offsets",
        "locations",
        "shallow sizes",
        "distances",
        "dominators",
        "retained sizes",
        "dominator tree offsets",
        "dominator tree children",
        "classes of nodes",
        "node flags",
        "propagated DOM states",
        "shallow size changes",
        "DOM state changes",
    };
    static_assert(std::size(names) == std::size_t(Column::End));
    return column < std::size(names) ? names[column] : "unknown section";
}

std::uint64_t SourceKey::hash() const {
    BlobWriter w;
    w.text(path);
    w.u64(size);
    w.i64(mtimeNs);
    w.u64(inode);
    w.u64(device);
    w.u64(contentHash);
    return hashBytes(w.bytes().data(), w.bytes().size());
}

} // namespace heapscope::index
