// SPDX-License-Identifier: MIT
// The bytes of a snapshot: a file mapped or read with pread(), memory, or gzip data inflated.
#include "loader_internal.h"

#include "gzip.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace heapscope::load {

std::uint64_t peakRss() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return std::uint64_t(ru.ru_maxrss) * 1024;
}

std::uint64_t availableMemory() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t value = 0;
    std::string unit;
    while (in >> key >> value >> unit) {
        if (key == "MemAvailable:")
            return value * 1024;
    }
    return 0;
}

std::string humanBytes(std::uint64_t b) {
    char buf[64];
    if (b >= (1ull << 30))
        std::snprintf(buf, sizeof buf, "%.1f GiB", double(b) / double(1ull << 30));
    else if (b >= (1ull << 20))
        std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / double(1ull << 20));
    else
        std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(b));
    return buf;
}

Loader::~Loader() {
    if (m_prefetch.joinable())
        m_prefetch.join(); // before the mapping goes away
    if (m_map) {
        if (m_context.stopRequested()) {
            // Unmapping a large, fully mapped file takes tens of milliseconds: after a cancel
            // request, let it happen after returning.
            std::thread([map = m_map, size = m_mapSize] { ::munmap(map, size); }).detach();
        } else {
            ::munmap(m_map, m_mapSize);
        }
    }
    if (m_fd >= 0)
        ::close(m_fd);
}

void Loader::releasePages(const char* from, const char* to) const {
    if (!m_fromFile || !m_options.releasePages)
        return;
    const std::uintptr_t page = 4096;
    std::uintptr_t a = (reinterpret_cast<std::uintptr_t>(from) + page - 1) & ~(page - 1);
    std::uintptr_t b = reinterpret_cast<std::uintptr_t>(to) & ~(page - 1);
    if (b > a)
        ::madvise(reinterpret_cast<void*>(a), b - a, MADV_DONTNEED);
}

Expected<SnapshotPtr> Loader::loadFile() {
    m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
        const int err = errno;
        if (err == ENOENT)
            return error("open", -1, "the file does not exist");
        if (err == EACCES)
            return error("open", -1, "permission denied: the file cannot be read");
        return error("open", -1, std::string("the file cannot be opened: ") + std::strerror(err));
    }
    struct stat st {};
    if (::fstat(m_fd, &st) != 0)
        return error("open", -1, std::string("the file cannot be examined: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        return error("open", -1, "this is a directory, not a heap snapshot file");
    if (!S_ISREG(st.st_mode))
        return error("open", -1, "this is not a regular file");
    if (st.st_size == 0)
        return error("open", 0, "the file is empty (0 bytes)");
    m_mapSize = std::size_t(st.st_size);
    m_map = ::mmap(nullptr, m_mapSize, PROT_READ, MAP_PRIVATE, m_fd, 0);
    if (m_map == MAP_FAILED) {
        m_map = nullptr;
        return error("open", -1,
                     std::string("the file cannot be mapped into memory: ") + std::strerror(errno));
    }
    ::madvise(m_map, m_mapSize, MADV_SEQUENTIAL);
    const auto* bytes = static_cast<const unsigned char*>(m_map);
    const bool gzipMagic = m_mapSize >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;
    const bool gzName = m_path.size() > 3 && m_path.compare(m_path.size() - 3, 3, ".gz") == 0;
    if (gzipMagic) {
        if (auto e = decompress(bytes, m_mapSize))
            return *e;
        ::munmap(m_map, m_mapSize);
        m_map = nullptr;
        m_fromFile = false;
    } else {
        std::size_t p = 0;
        while (p < m_mapSize && isWs(char(bytes[p])))
            ++p;
        if (gzName && (p == m_mapSize || bytes[p] != '{'))
            return error("gzip", 0,
                         "the file is named .gz but is not gzip data (it does not start with the gzip "
                         "signature 1F 8B)");
        m_data = static_cast<const char*>(m_map);
        m_size = m_mapSize;
        m_fromFile = true;
        m_readBigArrays = m_options.readBigArrays;
        // The top-level scan reads the whole file once on one thread; map the second half in on
        // another thread meanwhile (the page faults are most of the scan's cost).
        if (!m_readBigArrays && m_threads > 1 && m_mapSize > (64u << 20)) {
            char* half = static_cast<char*>(m_map) + (m_mapSize / 2 & ~std::size_t(4095));
            const std::size_t length = m_mapSize - std::size_t(half - static_cast<char*>(m_map));
            m_prefetch = std::jthread([half, length, this] {
                // in slices, so that a cancel request is seen quickly
                constexpr std::size_t slice = 32u << 20;
                for (std::size_t off = 0; off < length && !m_context.stopRequested(); off += slice) {
                    const std::size_t n = std::min(slice, length - off);
#ifdef MADV_POPULATE_READ
                    if (::madvise(half + off, n, MADV_POPULATE_READ) == 0)
                        continue;
#endif
                    volatile char sink = 0;
                    for (std::size_t k = 0; k < n; k += 4096)
                        sink = sink + half[off + k];
                }
            });
        }
    }
    return parse();
}

Expected<SnapshotPtr> Loader::loadMemory(std::string_view json) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(json.data());
    if (json.size() >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B) {
        if (auto e = decompress(bytes, json.size()))
            return *e;
    } else {
        if (json.empty())
            return error("open", 0, "the file is empty (0 bytes)");
        m_data = json.data();
        m_size = json.size();
    }
    return parse();
}

std::optional<Error> Loader::decompress(const unsigned char* data, std::size_t size) {
    PodArray<char> out;
    std::uint64_t produced = 0;
    if (const auto failure = detail::inflateGzip(data, size, out, produced, m_context)) {
        switch (failure->kind) {
        case detail::InflateFailure::Kind::Init:
            return error("gzip", -1, "zlib could not be initialised");
        case detail::InflateFailure::Kind::Truncated:
            return error("gzip", std::int64_t(failure->offset),
                         "the gzip data is truncated: it ends before the compressed stream is complete");
        case detail::InflateFailure::Kind::Corrupt:
            return error(
                "gzip", std::int64_t(failure->offset),
                "the gzip data is corrupt (" +
                    (failure->zlibMessage.empty() ? std::string("inflate failed") : failure->zlibMessage) +
                    ") at compressed byte " + std::to_string(failure->offset));
        case detail::InflateFailure::Kind::Cancelled:
            return cancelled();
        }
    }
    if (produced == 0)
        return error("gzip", 0, "the gzip file decompresses to nothing (0 bytes)");
    m_inflated = std::move(out); // its size is the capacity; m_size is what was produced
    m_size = produced;
    m_data = m_inflated.data();
    m_compressedSize = size;
    return std::nullopt;
}

// Reads `bytes` bytes at `offset` of the file; false (with why) when the file cannot be read or
// ends early (it changed while it was read).
bool Loader::readAt(std::uint64_t offset, char* out, std::size_t bytes, std::string& why) const {
    while (bytes > 0) {
        const ssize_t got = ::pread(m_fd, out, bytes, off_t(offset));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            why = "the file cannot be read at byte " + std::to_string(offset) + ": " + std::strerror(errno);
            return false;
        }
        if (got == 0) {
            why = "the file changed while it was read: it ends at byte " + std::to_string(offset);
            return false;
        }
        out += got;
        offset += std::uint64_t(got);
        bytes -= std::size_t(got);
    }
    return true;
}

} // namespace heapscope::load
