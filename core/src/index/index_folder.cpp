// SPDX-License-Identifier: MIT
// Where index files live, how they are named and keyed, and how the folder is listed and trimmed.
#include "index_internal.h"

#include "heapscope/index_cache.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace heapscope {

namespace fs = std::filesystem;

namespace index {

std::string_view programVersion() {
#ifdef HEAPSCOPE_VERSION
    return HEAPSCOPE_VERSION;
#else
    return "unknown";
#endif
}

std::optional<SourceKey> sourceKey(const std::string& path, std::string* why) {
    std::error_code ec;
    const fs::path canonical = fs::canonical(path, ec);
    if (ec) {
        if (why)
            *why = ec.message();
        return std::nullopt;
    }
    const int fd = ::open(canonical.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (why)
            *why = std::strerror(errno);
        return std::nullopt;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (why)
            *why = "not a regular file";
        ::close(fd);
        return std::nullopt;
    }
    SourceKey key;
    key.path = canonical.string();
    key.size = std::uint64_t(st.st_size);
    key.mtimeNs = std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    key.inode = std::uint64_t(st.st_ino);
    key.device = std::uint64_t(st.st_dev);
    // The first megabyte holds the header and the last one the end of the strings: a file rewritten
    // in place with the same size and time still differs there.
    constexpr std::uint64_t kPart = std::uint64_t(1) << 20;
    std::string buffer(std::size_t(std::min(kPart, key.size)), '\0');
    std::uint64_t h = key.size;
    for (const std::uint64_t at : {std::uint64_t(0), key.size > kPart ? key.size - kPart : 0}) {
        const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), off_t(at));
        if (n < 0 || std::size_t(n) != buffer.size()) {
            if (why)
                *why = "cannot read it";
            ::close(fd);
            return std::nullopt;
        }
        h = hashBytes(buffer.data(), buffer.size(), h);
    }
    ::close(fd);
    key.contentHash = h;
    return key;
}

std::string indexFileFor(const std::string& folder, const SourceKey& key) {
    char name[40];
    std::snprintf(name, sizeof name, "%016llx",
                  static_cast<unsigned long long>(hashBytes(key.path.data(), key.path.size(), 0x1D)));
    return (fs::path(folder) / (std::string(name) + std::string(kIndexSuffix))).string();
}

bool ensureFolder(const std::string& folder, std::string* why) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) {
        if (why)
            *why = "cannot create the cache folder " + folder + ": " + ec.message();
        return false;
    }
    return true;
}

} // namespace index

std::string snapshotIdentity(const std::string& path) {
    const auto key = index::sourceKey(path, nullptr);
    return key ? index::encodeKey(*key) : std::string();
}

std::string defaultIndexFolder() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/')
        return (fs::path(xdg) / "heapscope").string();
    if (const char* home = std::getenv("HOME"); home && *home)
        return (fs::path(home) / ".cache" / "heapscope").string();
    return {};
}

std::string indexFolder(const IndexCacheOptions& options) {
    return options.folder.empty() ? defaultIndexFolder() : options.folder;
}

namespace {

bool isIndexFile(const fs::path& p) {
    return p.extension() == std::string(index::kIndexSuffix);
}
bool isTemporaryFile(const fs::path& p) {
    return p.filename().string().find(std::string(index::kIndexSuffix) + ".tmp.") != std::string::npos;
}

// Reads the header, checks it and reads the snapshot path from the meta section.
bool readIndexKey(const fs::path& file, index::SourceKey& key) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = false;
    index::FileHeader h{};
    if (::pread(fd, &h, sizeof h, 0) == ssize_t(sizeof h) && std::memcmp(h.magic, index::kMagic, 8) == 0 &&
        h.formatVersion == index::kFormatVersion &&
        h.headerChecksum == index::hashBytes(&h, offsetof(index::FileHeader, headerChecksum)) &&
        h.sectionCount > 0 && h.sectionCount < 1024) {
        index::SectionEntry meta{};
        if (::pread(fd, &meta, sizeof meta, sizeof h) == ssize_t(sizeof meta) &&
            meta.column == std::uint32_t(index::Column::Meta) && meta.count < (std::uint64_t(1) << 32)) {
            std::string blob(std::size_t(meta.count), '\0');
            if (::pread(fd, blob.data(), blob.size(), off_t(meta.offset)) == ssize_t(blob.size()))
                ok = index::decodeMetaKey(blob.data(), blob.size(), key);
        }
    }
    ::close(fd);
    return ok;
}

} // namespace

std::vector<IndexEntry> listIndexes(const IndexCacheOptions& options) {
    std::vector<IndexEntry> out;
    const std::string folder = indexFolder(options);
    std::error_code ec;
    if (folder.empty() || !fs::is_directory(folder, ec))
        return out;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        if (!entry.is_regular_file(ec) || !isIndexFile(entry.path()))
            continue;
        struct stat st {};
        if (::stat(entry.path().c_str(), &st) != 0)
            continue;
        IndexEntry e;
        e.file = entry.path().string();
        e.bytes = std::uint64_t(st.st_size);
        e.lastUsed = std::int64_t(st.st_mtim.tv_sec);
        index::SourceKey key;
        e.readable = readIndexKey(entry.path(), key);
        if (e.readable)
            e.snapshotPath = key.path;
        out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](const IndexEntry& a, const IndexEntry& b) {
        return a.lastUsed != b.lastUsed ? a.lastUsed > b.lastUsed : a.file < b.file;
    });
    return out;
}

Expected<std::uint64_t> clearIndexes(const IndexCacheOptions& options) {
    const std::string folder = indexFolder(options);
    std::error_code ec;
    std::uint64_t freed = 0;
    if (folder.empty() || !fs::is_directory(folder, ec))
        return freed;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        if (!entry.is_regular_file(ec) || !(isIndexFile(entry.path()) || isTemporaryFile(entry.path())))
            continue;
        const std::uint64_t bytes = entry.file_size(ec);
        if (fs::remove(entry.path(), ec))
            freed += bytes;
        else if (ec)
            return Error{folder, "cache", -1, "cannot delete " + entry.path().string() + ": " + ec.message()};
    }
    if (ec)
        return Error{folder, "cache", -1, "cannot list the cache folder: " + ec.message()};
    return freed;
}

std::uint64_t trimIndexes(const IndexCacheOptions& options, const std::string& keep) {
    const std::string folder = indexFolder(options);
    std::error_code ec;
    std::uint64_t freed = 0;
    if (folder.empty() || !fs::is_directory(folder, ec))
        return 0;
    struct Candidate {
        fs::path path;
        std::uint64_t bytes;
        std::int64_t used;
    };
    std::vector<Candidate> files;
    std::uint64_t total = 0;
    const std::int64_t now = std::int64_t(std::time(nullptr));
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        struct stat st {};
        if (!entry.is_regular_file(ec) || ::stat(entry.path().c_str(), &st) != 0)
            continue;
        // A temporary file nobody has written to for an hour is what an interrupted write left.
        if (isTemporaryFile(entry.path())) {
            if (now - std::int64_t(st.st_mtim.tv_sec) > 3600 && fs::remove(entry.path(), ec))
                freed += std::uint64_t(st.st_size);
            continue;
        }
        if (!isIndexFile(entry.path()))
            continue;
        total += std::uint64_t(st.st_size);
        if (entry.path() != fs::path(keep))
            files.push_back({entry.path(), std::uint64_t(st.st_size), std::int64_t(st.st_mtim.tv_sec)});
    }
    std::sort(files.begin(), files.end(),
              [](const Candidate& a, const Candidate& b) { return a.used < b.used; });
    for (const auto& f : files) {
        if (total <= options.capBytes)
            break;
        if (fs::remove(f.path, ec)) {
            total -= f.bytes;
            freed += f.bytes;
        }
    }
    return freed;
}

} // namespace heapscope
