// SPDX-License-Identifier: MIT
// The snapshot loader: memory-maps the file, walks the top-level JSON object once, reads the small
// header with simdjson and the huge integer arrays with a tight parser on every core, then builds
// the edge and retainer indexes.
#include "heapscope/loader.h"

#include "number_blocks.h"
#include "parallel.h"

#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <new>
#include <optional>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace heapscope {

namespace {

constexpr std::uint32_t kNone = 0xFFFFFFFFu;

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

inline bool isWs(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Counts commas in [p, end): the number of values before a position in a numeric array.
std::uint64_t countCommas(const char* p, const char* end) {
    if (detail::numberBlocksAvailable())
        return detail::countCommasAvx2(p, end);
    std::uint64_t n = 0;
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(',');
    while (p + 16 <= end) {
        // 255 iterations at most per accumulation so byte counters cannot overflow
        __m128i acc = _mm_setzero_si128();
        int k = 0;
        for (; k < 255 && p + 16 <= end; ++k, p += 16)
            acc = _mm_sub_epi8(acc,
                               _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), comma));
        const __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
        n += std::uint64_t(_mm_cvtsi128_si32(sums)) + std::uint64_t(_mm_extract_epi16(sums, 4));
    }
#endif
    for (; p < end; ++p)
        n += *p == ',';
    return n;
}

// Position of a field name in a meta field list, or -1.
int indexOf(const std::vector<std::string>& fields, std::string_view name) {
    const auto it = std::find(fields.begin(), fields.end(), name);
    return it == fields.end() ? -1 : int(it - fields.begin());
}

struct Section {
    std::string name;
    std::uint64_t begin = 0; // offset of the value's first byte
    std::uint64_t end = 0;   // one past the value's last byte
    bool numeric = false;    // an array whose first element is a number (or empty)
};

// Roles of node fields; anything else is read and ignored.
enum class NodeRole : std::uint8_t { Type, Name, Id, SelfSize, EdgeCount, TraceNodeId, Detachedness, Ignore };
enum class EdgeRole : std::uint8_t { Type, NameOrIndex, ToNode, Ignore };

NodeKind nodeKindFromName(std::string_view n) {
    static const std::pair<std::string_view, NodeKind> table[] = {
        {"hidden", NodeKind::Hidden},
        {"array", NodeKind::Array},
        {"string", NodeKind::String},
        {"object", NodeKind::Object},
        {"code", NodeKind::Code},
        {"closure", NodeKind::Closure},
        {"regexp", NodeKind::RegExp},
        {"number", NodeKind::Number},
        {"native", NodeKind::Native},
        {"synthetic", NodeKind::Synthetic},
        {"concatenated string", NodeKind::ConsString},
        {"sliced string", NodeKind::SlicedString},
        {"symbol", NodeKind::Symbol},
        {"bigint", NodeKind::BigInt},
        {"object shape", NodeKind::ObjectShape},
        {"wasm object", NodeKind::WasmObject},
    };
    for (const auto& [name, kind] : table)
        if (name == n)
            return kind;
    return NodeKind::Unknown;
}

EdgeKind edgeKindFromName(std::string_view n) {
    static const std::pair<std::string_view, EdgeKind> table[] = {
        {"context", EdgeKind::Context},   {"element", EdgeKind::Element}, {"property", EdgeKind::Property},
        {"internal", EdgeKind::Internal}, {"hidden", EdgeKind::Hidden},   {"shortcut", EdgeKind::Shortcut},
        {"weak", EdgeKind::Weak},
    };
    for (const auto& [name, kind] : table)
        if (name == n)
            return kind;
    return EdgeKind::Unknown;
}

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

class Loader {
public:
    Loader(std::string path, const LoadOptions& options, const WorkContext& context, LoadTimings* timings)
        : m_path(std::move(path)), m_options(options), m_context(context), m_timings(timings) {
        m_threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
        m_threads = std::min(m_threads, 64u);
        m_stageStart = std::chrono::steady_clock::now();
    }
    ~Loader() {
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

    Expected<SnapshotPtr> loadFile();
    Expected<SnapshotPtr> loadMemory(std::string_view json);

private:
    Error error(std::string stage, std::int64_t offset, std::string reason) const {
        Error e;
        e.file = m_path;
        e.stage = std::move(stage);
        e.offset = offset;
        e.reason = std::move(reason);
        return e;
    }
    Error cancelled() const {
        Error e = error("", -1, "loading was cancelled");
        e.cancelled = true;
        return e;
    }
    void endStage(const char* name) {
        const auto now = std::chrono::steady_clock::now();
        if (m_timings)
            m_timings->stages.push_back(
                {name, std::chrono::duration<double>(now - m_stageStart).count(), peakRss()});
        m_stageStart = now;
    }

    std::optional<Error> decompress(const unsigned char* data, std::size_t size);
    Expected<SnapshotPtr> parse();
    std::optional<Error> scanTopLevel();
    std::optional<Error> skipValue(std::uint64_t& pos, const std::string& what);
    std::optional<Error> readHeader(const Section& s);
    std::optional<Error> parseStrings(std::uint64_t& pos, bool reportProgress = true);
    bool walkStrings(std::uint64_t& pos, std::uint64_t& count) const;
    std::uint64_t closingQuote(std::uint64_t bodyStart, bool* escaped = nullptr) const;
    std::optional<Error> parseSideSections();
    std::optional<Error> cutBigArray(int array, const std::string& key, std::uint64_t open, std::uint64_t& p);
    bool readAt(std::uint64_t offset, char* out, std::size_t bytes, std::string& why) const;
    std::optional<Error> parseBigArrays();
    std::optional<Error> buildIndexes();
    std::optional<Error> parseSmallSections();
    template <class Take> std::optional<Error> forEachSmallNumber(const Section& s, Take&& take);
    std::optional<Error> parseSmallNumbers(const Section& s, std::vector<std::int64_t>& out);
    std::optional<Error> parseLocations(const Section& s);
    std::optional<Error> parseTraceTree(const Section& s);
    std::string describeByte(std::uint64_t pos) const;
    void setItems(std::string_view section, std::uint64_t items) {
        for (auto& info : m_snapshot->format.sections)
            if (info.name == section)
                info.items = items;
    }
    const Section* section(std::string_view name) const {
        for (const auto& s : m_sections)
            if (s.name == name)
                return &s;
        return nullptr;
    }
    void releasePages(const char* from, const char* to) const;

    std::string m_path;
    LoadOptions m_options;
    const WorkContext& m_context;
    LoadTimings* m_timings;
    unsigned m_threads = 1;
    std::chrono::steady_clock::time_point m_stageStart;

    int m_fd = -1;
    void* m_map = nullptr;
    std::size_t m_mapSize = 0;
    PodArray<char> m_inflated; // decompressed .gz content
    const char* m_data = nullptr;
    std::uint64_t m_size = 0;
    bool m_fromFile = false;
    std::uint64_t m_compressedSize = 0;
    std::jthread m_prefetch; // maps in the second half of the file during the scan
    // Big files: the scan only counts the strings; they and the locations are parsed on their own
    // thread while the big arrays are.
    bool m_sideSections = false;
    std::uint64_t m_stringCount = 0; // known after the scan, on both paths

    std::vector<Section> m_sections;
    std::shared_ptr<Snapshot> m_snapshot;

    // The nodes and edges arrays, cut by the scan into pieces that end at a comma (or the final
    // ']'), each with the number of commas it holds.
    struct Piece {
        int array; // 0 nodes, 1 edges
        const char* begin;
        const char* end; // the terminator (',' or ']')
        std::uint64_t commas = 0;
        std::uint64_t firstIndex = 0;
    };
    std::vector<Piece> m_pieces;
    // Files: the big arrays are read with pread() into small reused buffers instead of through the
    // mapping. Mapping a page of a file costs more than copying it on some virtual machines, and the
    // arrays are nearly the whole file; the mapping still serves the small sections and messages.
    bool m_readBigArrays = false;

    // header facts
    std::vector<NodeRole> m_nodeRoles;
    std::vector<EdgeRole> m_edgeRoles;
    std::uint32_t m_nodeFieldCount = 0;
    std::uint32_t m_edgeFieldCount = 0;
    std::vector<std::string> m_traceFunctionInfoFields;
    std::vector<std::string> m_sampleFields;
    std::uint64_t m_rootIndexField = 0;
    bool m_hasRootIndex = false;
};

std::string Loader::describeByte(std::uint64_t pos) const {
    if (pos >= m_size)
        return "the end of the file";
    const unsigned char c = static_cast<unsigned char>(m_data[pos]);
    char buf[32];
    if (c >= 0x20 && c < 0x7F)
        std::snprintf(buf, sizeof buf, "'%c'", c);
    else
        std::snprintf(buf, sizeof buf, "byte 0x%02X", c);
    return buf;
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
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK)
        return error("gzip", -1, "zlib could not be initialised");
    std::uint64_t capacity = std::max<std::uint64_t>(size * 4, 1 << 20);
    if (size >= 4) {
        // ISIZE: the uncompressed size modulo 2^32; a good first guess for files under 4 GiB
        const std::uint64_t isize = std::uint64_t(data[size - 4]) | (std::uint64_t(data[size - 3]) << 8) |
                                    (std::uint64_t(data[size - 2]) << 16) |
                                    (std::uint64_t(data[size - 1]) << 24);
        if (isize > size)
            capacity = isize + 1;
    }
    PodArray<char> out = PodArray<char>::uninitialized(capacity);
    std::uint64_t produced = 0;
    zs.next_in = const_cast<unsigned char*>(data);
    std::uint64_t consumed = 0;
    std::optional<Error> failure;
    int ret = Z_OK;
    auto lastReport = std::chrono::steady_clock::now();
    for (;;) {
        if (produced == out.size()) {
            PodArray<char> bigger = PodArray<char>::uninitialized(out.size() * 2);
            std::memcpy(bigger.data(), out.data(), produced);
            out = std::move(bigger);
        }
        const std::uint64_t inChunk = std::min<std::uint64_t>(size - consumed, 1u << 30);
        zs.next_in = const_cast<unsigned char*>(data + consumed);
        zs.avail_in = unsigned(inChunk);
        const std::uint64_t outChunk = std::min<std::uint64_t>(out.size() - produced, 1u << 30);
        zs.next_out = reinterpret_cast<unsigned char*>(out.data() + produced);
        zs.avail_out = unsigned(outChunk);
        ret = inflate(&zs, Z_NO_FLUSH);
        consumed += inChunk - zs.avail_in;
        produced += outChunk - zs.avail_out;
        if (ret == Z_STREAM_END) {
            // Concatenated gzip members are allowed; trailing zero padding is ignored.
            std::uint64_t rest = consumed;
            while (rest < size && data[rest] == 0)
                ++rest;
            if (rest >= size)
                break;
            consumed = rest;
            inflateReset(&zs);
            continue;
        }
        if (ret == Z_BUF_ERROR && consumed >= size) {
            failure = error("gzip", std::int64_t(consumed),
                            "the gzip data is truncated: it ends before the compressed stream is complete");
            break;
        }
        if (ret != Z_OK && ret != Z_BUF_ERROR) {
            failure = error("gzip", std::int64_t(consumed),
                            std::string("the gzip data is corrupt (") + (zs.msg ? zs.msg : "inflate failed") +
                                ") at compressed byte " + std::to_string(consumed));
            break;
        }
        if (m_context.stopRequested()) {
            failure = cancelled();
            break;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now - lastReport > std::chrono::milliseconds(30)) {
            m_context.report(Stage::Reading, consumed, size);
            lastReport = now;
        }
    }
    inflateEnd(&zs);
    if (failure)
        return failure;
    if (produced == 0)
        return error("gzip", 0, "the gzip file decompresses to nothing (0 bytes)");
    m_inflated = std::move(out); // its size is the capacity; m_size is what was produced
    m_size = produced;
    m_data = m_inflated.data();
    m_compressedSize = size;
    return std::nullopt;
}

// Skips one JSON value of any kind starting at pos (after whitespace); strings and nesting aware.
std::optional<Error> Loader::skipValue(std::uint64_t& pos, const std::string& what) {
    // The stage names a section this program knows; any other key is only named in the reason.
    static const char* known[] = {"snapshot",   "nodes",   "edges",    "strings", "trace_function_infos",
                                  "trace_tree", "samples", "locations"};
    const bool isKnown = std::find_if(std::begin(known), std::end(known),
                                      [&](const char* k) { return what == k; }) != std::end(known);
    auto error = [&](const std::string&, std::int64_t offset, std::string reason) {
        return this->error(isKnown ? what : std::string("section"), offset, std::move(reason));
    };
    std::uint64_t p = pos;
    std::uint64_t depth = 0;
    std::vector<char> closers; // what each open bracket expects
    const std::uint64_t start = p;
    for (;;) {
        if (p >= m_size)
            return error(what, std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) + " inside \"" +
                             what + "\" (which starts at byte " + std::to_string(start) + ")");
        const char c = m_data[p];
        if (c == '"') {
            const std::uint64_t close = closingQuote(p + 1);
            if (close == m_size)
                return error(what, std::int64_t(m_size),
                             "the file is truncated: it ends at byte " + std::to_string(m_size) +
                                 " inside a string of \"" + what + "\"");
            p = close + 1;
            if (depth == 0)
                break;
            continue;
        }
        if (c == '[' || c == '{') {
            ++depth;
            closers.push_back(c == '[' ? ']' : '}');
            ++p;
            continue;
        }
        if (c == ']' || c == '}') {
            if (depth == 0)
                return error(what, std::int64_t(p),
                             "unexpected " + describeByte(p) + " where a value was expected");
            if (closers.back() != c)
                return error(what, std::int64_t(p),
                             "this is not valid JSON: \"" + what + "\" closes a bracket with " +
                                 describeByte(p) + " where '" + closers.back() + "' was expected");
            closers.pop_back();
            --depth;
            ++p;
            if (depth == 0)
                break;
            continue;
        }
        if (depth == 0) {
            // a scalar: number, true, false, null
            const std::uint64_t s = p;
            while (p < m_size && !isWs(m_data[p]) && m_data[p] != ',' && m_data[p] != '}' && m_data[p] != ']')
                ++p;
            if (p == s)
                return error(what, std::int64_t(p),
                             "unexpected " + describeByte(p) + " where a value was expected");
            break;
        }
        ++p;
    }
    pos = p;
    return std::nullopt;
}

// Walks the top-level object once: records where each key's value is, parses the strings.
std::optional<Error> Loader::scanTopLevel() {
    std::uint64_t p = 0;
    auto skipWs = [&] {
        while (p < m_size && isWs(m_data[p]))
            ++p;
    };
    skipWs();
    if (p >= m_size)
        return error("header", 0, "the file contains only whitespace");
    if (m_data[p] != '{') {
        if (m_data[p] == '[')
            return error("header", std::int64_t(p),
                         "this is a JSON array, not a heap snapshot (a heap snapshot is a JSON object that "
                         "starts with {\"snapshot\":...)");
        bool printable = true;
        for (std::uint64_t i = p; i < std::min<std::uint64_t>(m_size, p + 64); ++i) {
            const auto c = static_cast<unsigned char>(m_data[i]);
            if (c < 0x20 && !isWs(char(c)))
                printable = false;
            if (c >= 0x80)
                printable = false;
        }
        return error("header", std::int64_t(p),
                     printable ? "this is not JSON: a heap snapshot starts with '{', this file starts with " +
                                     describeByte(p)
                               : "this is not JSON but binary data (it starts with " + describeByte(p) + ")");
    }
    ++p;
    bool first = true;
    for (;;) {
        skipWs();
        if (p >= m_size)
            return error("header", std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) +
                             " before the closing '}' of the top-level object");
        if (m_data[p] == '}' && first) {
            ++p;
            break;
        }
        if (m_data[p] != '"')
            return error("header", std::int64_t(p),
                         "this is not valid JSON: expected a key in double quotes at the top level, found " +
                             describeByte(p));
        const std::uint64_t keyStart = p + 1;
        const void* q = std::memchr(m_data + keyStart, '"', std::min<std::uint64_t>(m_size - keyStart, 4096));
        if (!q)
            return error("header", std::int64_t(p), "a top-level key is not terminated");
        const std::uint64_t keyEnd = std::uint64_t(static_cast<const char*>(q) - m_data);
        std::string key(m_data + keyStart, keyEnd - keyStart);
        p = keyEnd + 1;
        skipWs();
        if (p >= m_size || m_data[p] != ':')
            return error("header", std::int64_t(p),
                         "this is not valid JSON: expected ':' after the key \"" + key + "\", found " +
                             describeByte(p));
        ++p;
        skipWs();
        if (p >= m_size)
            return error(key, std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) + " inside \"" +
                             key + "\" (before its value)");
        for (const auto& s : m_sections)
            if (s.name == key)
                return error("header", std::int64_t(keyStart - 1),
                             "the key \"" + key + "\" appears twice at the top level");
        Section sec;
        sec.name = key;
        sec.begin = p;
        const bool bigNumeric = key == "nodes" || key == "edges";
        if (key == "strings") {
            if (p >= m_size || m_data[p] != '[')
                return error("strings", std::int64_t(p), "\"strings\" must be an array of strings");
            // walkStrings leaves `p` alone when it gives up
            if (m_threads > 1 && m_size >= m_options.sideSectionsFromBytes && walkStrings(p, m_stringCount)) {
                m_sideSections = true;
            } else {
                if (auto e = parseStrings(p))
                    return e;
                m_stringCount = m_snapshot->strings.size();
            }
        } else if (p < m_size && m_data[p] == '[') {
            std::uint64_t q2 = p + 1;
            while (q2 < m_size && isWs(m_data[q2]))
                ++q2;
            const bool numericStart = q2 < m_size && ((m_data[q2] >= '0' && m_data[q2] <= '9') ||
                                                      m_data[q2] == '-' || m_data[q2] == ']');
            if (numericStart && bigNumeric) {
                if (auto e = cutBigArray(key == "nodes" ? 0 : 1, key, p, p))
                    return e;
                sec.numeric = true;
            } else {
                sec.numeric = numericStart;
                // A flat numeric array (locations, samples, ...) ends at the first ']' when nothing
                // before it opens a bracket or a string; its parser checks every byte later.
                const void* close = nullptr;
                if (numericStart) {
                    const std::size_t rest = std::size_t(m_size - q2);
                    close = std::memchr(m_data + q2, ']', rest);
                    const std::size_t len =
                        close ? std::size_t(static_cast<const char*>(close) - (m_data + q2)) : 0;
                    if (close && (std::memchr(m_data + q2, '[', len) || std::memchr(m_data + q2, '{', len) ||
                                  std::memchr(m_data + q2, '"', len)))
                        close = nullptr;
                }
                if (close) {
                    p = std::uint64_t(static_cast<const char*>(close) - m_data) + 1;
                } else if (auto e = skipValue(p, key)) {
                    return e;
                }
            }
        } else {
            if (auto e = skipValue(p, key))
                return e;
        }
        sec.end = p;
        m_sections.push_back(std::move(sec));
        first = false;
        skipWs();
        if (p >= m_size)
            return error("header", std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) +
                             " after the value of \"" + key + "\"");
        if (m_data[p] == ',') {
            ++p;
            continue;
        }
        if (m_data[p] == '}') {
            ++p;
            break;
        }
        return error("header", std::int64_t(p),
                     "this is not valid JSON: expected ',' or '}' after the value of \"" + key +
                         "\", found " + describeByte(p));
    }
    skipWs();
    if (p < m_size)
        return error("header", std::int64_t(p),
                     "unexpected content after the end of the JSON object: " + describeByte(p));
    return std::nullopt;
}

// The unescaped '"' that ends the string whose body starts at `bodyStart`, or m_size when the input
// ends first; `escaped` tells whether a backslash came before any '"' on the way.
std::uint64_t Loader::closingQuote(std::uint64_t bodyStart, bool* escaped) const {
    for (std::uint64_t from = bodyStart;;) {
        const void* hit = std::memchr(m_data + from, '"', m_size - from);
        if (!hit)
            return m_size;
        const std::uint64_t at = std::uint64_t(static_cast<const char*>(hit) - m_data);
        std::uint64_t backslashes = 0;
        while (at - backslashes > bodyStart && m_data[at - backslashes - 1] == '\\')
            ++backslashes;
        if (backslashes && escaped)
            *escaped = true;
        if (backslashes % 2 == 0)
            return at;
        from = at + 1;
    }
}

// Finds the end of a well-formed "strings" array and counts its strings, without reading them;
// false on anything unusual (parseStrings then reports it).
bool Loader::walkStrings(std::uint64_t& pos, std::uint64_t& count) const {
    std::uint64_t p = pos + 1; // after '['
    auto skipWs = [&] {
        while (p < m_size && isWs(m_data[p]))
            ++p;
    };
    count = 0;
    skipWs();
    if (p < m_size && m_data[p] == ']') {
        pos = p + 1;
        return true;
    }
    for (;;) {
        skipWs();
        if (p >= m_size || m_data[p] != '"')
            return false;
        const std::uint64_t close = closingQuote(p + 1);
        if (close == m_size)
            return false;
        ++count;
        p = close + 1;
        skipWs();
        if (p >= m_size)
            return false;
        if (m_data[p] == ',') {
            ++p;
        } else if (m_data[p] == ']') {
            pos = p + 1;
            return true;
        } else {
            return false;
        }
        if ((count & 0xFFFF) == 0 && m_context.stopRequested())
            return false;
    }
}

// The strings and locations of a big file, parsed beside the big arrays.
std::optional<Error> Loader::parseSideSections() {
    try {
        const Section* strings = section("strings");
        std::uint64_t p = strings->begin;
        // Counted by the scan; unescaped they take at most the section's bytes. Reserved, the
        // table is never copied while it grows (a copy of tens of MB could not be cancelled).
        m_snapshot->strings.reserve(m_stringCount, strings->end - strings->begin);
        if (auto e = parseStrings(p, false))
            return e;
        if (m_snapshot->strings.size() != m_stringCount || p != strings->end)
            return error("strings", std::int64_t(strings->begin),
                         "the strings could not be read consistently");
        if (const Section* sec = section("locations"); sec && !m_snapshot->format.locationFields.empty())
            return parseLocations(*sec);
        return std::nullopt;
    } catch (const std::bad_alloc&) {
        return error("memory", -1, "there is not enough memory to load this snapshot");
    }
}

std::optional<Error> Loader::parseStrings(std::uint64_t& pos, bool reportProgress) {
    auto& table = m_snapshot->strings;
    std::uint64_t p = pos + 1; // after '['
    auto skipWs = [&] {
        while (p < m_size && isWs(m_data[p]))
            ++p;
    };
    std::string scratch;
    auto lastReport = std::chrono::steady_clock::now();
    std::uint64_t count = 0;
    skipWs();
    if (p < m_size && m_data[p] == ']') {
        pos = p + 1;
        return std::nullopt;
    }
    for (;;) {
        skipWs();
        if (p >= m_size)
            return error("strings", std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) +
                             " inside the \"strings\" array");
        if (m_data[p] != '"')
            return error("strings", std::int64_t(p),
                         "\"strings\" must hold only strings; element " + std::to_string(count) +
                             " starts with " + describeByte(p));
        const std::uint64_t bodyStart = p + 1;
        bool escaped = false;
        const std::uint64_t q = closingQuote(bodyStart, &escaped);
        if (q == m_size)
            return error("strings", std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) +
                             " inside string " + std::to_string(count) + " of \"strings\"");
        bool plain = !escaped;
        std::string_view body(m_data + bodyStart, q - bodyStart);
        if (plain) {
            for (char c : body)
                if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80 ||
                    c == '\\') {
                    plain = false;
                    break;
                }
        }
        if (plain) {
            table.add(body);
        } else {
            scratch.clear();
            std::size_t errorAt = 0;
            std::string why;
            if (!unescapeJsonString(body, scratch, errorAt, why))
                return error("strings", std::int64_t(bodyStart + errorAt),
                             "string " + std::to_string(count) + " of \"strings\" is not valid JSON: " + why);
            table.add(scratch);
        }
        ++count;
        p = q + 1;
        skipWs();
        if (p >= m_size)
            return error("strings", std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) +
                             " inside the \"strings\" array");
        if (m_data[p] == ',') {
            ++p;
        } else if (m_data[p] == ']') {
            ++p;
            break;
        } else {
            return error("strings", std::int64_t(p),
                         "expected ',' or ']' after string " + std::to_string(count - 1) + ", found " +
                             describeByte(p));
        }
        if ((count & 0xFFFF) == 0) {
            if (m_context.stopRequested())
                return cancelled();
            const auto now = std::chrono::steady_clock::now();
            if (reportProgress && now - lastReport > std::chrono::milliseconds(30)) {
                m_context.report(Stage::Parsing, p, m_size);
                lastReport = now;
            }
        }
    }
    pos = p;
    return std::nullopt;
}

namespace {
std::optional<std::vector<std::string>> stringList(simdjson::dom::element e) {
    simdjson::dom::array arr;
    if (e.get_array().get(arr))
        return std::nullopt;
    std::vector<std::string> out;
    for (auto v : arr) {
        std::string_view s;
        if (v.get_string().get(s))
            return std::nullopt;
        out.emplace_back(s);
    }
    return out;
}
} // namespace

std::optional<Error> Loader::readHeader(const Section& sec) {
    const std::int64_t at = std::int64_t(sec.begin);
    simdjson::dom::parser parser;
    simdjson::padded_string text(m_data + sec.begin, sec.end - sec.begin);
    simdjson::dom::element root;
    if (auto err = parser.parse(text).get(root))
        return error("header", at,
                     std::string("the \"snapshot\" header is not valid JSON: ") +
                         simdjson::error_message(err));
    simdjson::dom::object header;
    if (root.get_object().get(header))
        return error("header", at, "\"snapshot\" must be an object");
    Snapshot& s = *m_snapshot;
    for (auto field : header)
        s.format.headerKeys.emplace_back(field.key);
    simdjson::dom::object meta;
    if (header["meta"].get_object().get(meta))
        return error("header", at, "the \"snapshot\" header has no \"meta\" object describing the fields");
    for (auto field : meta) {
        const std::string k(field.key);
        if (k != "node_fields" && k != "node_types" && k != "edge_fields" && k != "edge_types")
            s.format.otherMetaKeys.push_back(k);
    }
    auto requireList = [&](const char* key, std::vector<std::string>& out) -> std::optional<Error> {
        simdjson::dom::element e;
        if (meta[key].get(e))
            return error("header", at, std::string("meta has no \"") + key + "\"");
        auto list = stringList(e);
        if (!list)
            return error("header", at, std::string("meta.") + key + " must be a list of names");
        out = std::move(*list);
        return std::nullopt;
    };
    if (auto e = requireList("node_fields", s.format.nodeFields))
        return e;
    if (auto e = requireList("edge_fields", s.format.edgeFields))
        return e;
    auto typeList = [&](const char* key, const std::vector<std::string>& fields,
                        std::vector<std::string>& out) -> std::optional<Error> {
        simdjson::dom::array arr;
        if (meta[key].get_array().get(arr))
            return error("header", at, std::string("meta has no \"") + key + "\" list");
        const int typeField = indexOf(fields, "type");
        if (typeField < 0)
            return error("header", at,
                         std::string("meta.") + (key[0] == 'n' ? "node_fields" : "edge_fields") +
                             " has no \"type\" field");
        simdjson::dom::element e;
        if (arr.at(std::size_t(typeField)).get(e))
            return error("header", at, std::string("meta.") + key + " has no entry for the \"type\" field");
        auto list = stringList(e);
        if (!list)
            return error("header", at,
                         std::string("meta.") + key + " entry for \"type\" must be a list of type names");
        out = std::move(*list);
        return std::nullopt;
    };
    if (auto e = typeList("node_types", s.format.nodeFields, s.format.nodeTypes))
        return e;
    if (auto e = typeList("edge_types", s.format.edgeFields, s.format.edgeTypes))
        return e;
    if (simdjson::dom::element e; !meta["location_fields"].get(e))
        if (auto l = stringList(e))
            s.format.locationFields = *l;
    if (simdjson::dom::element e; !meta["trace_function_info_fields"].get(e))
        if (auto l = stringList(e))
            m_traceFunctionInfoFields = *l;
    if (simdjson::dom::element e; !meta["sample_fields"].get(e))
        if (auto l = stringList(e))
            m_sampleFields = *l;

    // Node field roles, by name.
    m_nodeFieldCount = std::uint32_t(s.format.nodeFields.size());
    for (const char* required : {"type", "name", "id", "self_size", "edge_count"})
        if (indexOf(s.format.nodeFields, required) < 0)
            return error("header", at, std::string("meta.node_fields has no \"") + required + "\" field");
    for (const auto& f : s.format.nodeFields) {
        NodeRole r = NodeRole::Ignore;
        if (f == "type")
            r = NodeRole::Type;
        else if (f == "name")
            r = NodeRole::Name;
        else if (f == "id")
            r = NodeRole::Id;
        else if (f == "self_size")
            r = NodeRole::SelfSize;
        else if (f == "edge_count")
            r = NodeRole::EdgeCount;
        else if (f == "trace_node_id")
            r = NodeRole::TraceNodeId;
        else if (f == "detachedness")
            r = NodeRole::Detachedness;
        if (r != NodeRole::Ignore &&
            std::find(m_nodeRoles.begin(), m_nodeRoles.end(), r) != m_nodeRoles.end())
            return error("header", at, "meta.node_fields names \"" + f + "\" twice");
        m_nodeRoles.push_back(r);
    }
    s.hasTraceNodeId = indexOf(s.format.nodeFields, "trace_node_id") >= 0;
    s.hasDetachedness = indexOf(s.format.nodeFields, "detachedness") >= 0;
    m_edgeFieldCount = std::uint32_t(s.format.edgeFields.size());
    for (const char* required : {"type", "name_or_index", "to_node"})
        if (indexOf(s.format.edgeFields, required) < 0)
            return error("header", at, std::string("meta.edge_fields has no \"") + required + "\" field");
    for (const auto& f : s.format.edgeFields) {
        EdgeRole r = EdgeRole::Ignore;
        if (f == "type")
            r = EdgeRole::Type;
        else if (f == "name_or_index")
            r = EdgeRole::NameOrIndex;
        else if (f == "to_node")
            r = EdgeRole::ToNode;
        if (r != EdgeRole::Ignore &&
            std::find(m_edgeRoles.begin(), m_edgeRoles.end(), r) != m_edgeRoles.end())
            return error("header", at, "meta.edge_fields names \"" + f + "\" twice");
        m_edgeRoles.push_back(r);
    }
    if (s.format.nodeTypes.empty() || s.format.nodeTypes.size() > 255)
        return error("header", at, "meta.node_types must list between 1 and 255 node types");
    if (s.format.edgeTypes.empty() || s.format.edgeTypes.size() > 255)
        return error("header", at, "meta.edge_types must list between 1 and 255 edge types");
    s.nodeTypeNames = s.format.nodeTypes;
    s.edgeTypeNames = s.format.edgeTypes;
    for (const auto& n : s.nodeTypeNames) {
        s.nodeKinds.push_back(nodeKindFromName(n));
        if (s.nodeKinds.back() == NodeKind::Unknown)
            s.warnings.push_back("unknown node type \"" + n + "\" (shown by its name)");
    }
    for (const auto& n : s.edgeTypeNames) {
        s.edgeKinds.push_back(edgeKindFromName(n));
        if (s.edgeKinds.back() == EdgeKind::Unknown)
            s.warnings.push_back("unknown edge type \"" + n + "\" (treated as a named reference)");
    }

    auto count = [&](const char* key, std::uint64_t& out, bool required) -> std::optional<Error> {
        simdjson::dom::element e;
        if (header[key].get(e)) {
            if (required)
                return error("header", at, std::string("the \"snapshot\" header has no \"") + key + "\"");
            return std::nullopt;
        }
        std::uint64_t v = 0;
        if (e.get_uint64().get(v)) {
            double d = 0;
            if (e.get_double().get(d) || !(d >= 0 && d < 1.8e19) || d != double(std::uint64_t(d)))
                return error("header", at, std::string("\"") + key + "\" must be a non-negative integer");
            v = std::uint64_t(d);
        }
        out = v;
        return std::nullopt;
    };
    if (auto e = count("node_count", s.format.headerNodeCount, true))
        return e;
    if (auto e = count("edge_count", s.format.headerEdgeCount, true))
        return e;
    if (auto e = count("trace_function_count", s.format.headerTraceFunctionCount, false))
        return e;
    if (s.format.headerNodeCount > 0xFFFFFFFEull)
        return error("header", at,
                     "node_count " + std::to_string(s.format.headerNodeCount) +
                         " is beyond what this program supports (4,294,967,294)");
    if (s.format.headerEdgeCount > 0xFFFFFFFEull)
        return error("header", at,
                     "edge_count " + std::to_string(s.format.headerEdgeCount) +
                         " is beyond what this program supports (4,294,967,294)");
    if (simdjson::dom::element e; !header["extra_native_bytes"].get(e)) {
        double d = 0;
        if (!e.get_double().get(d) && d >= 0 && d < 1e18)
            s.extraNativeBytes = d;
    }
    if (header["root_index"].error() == simdjson::SUCCESS) {
        if (auto e = count("root_index", m_rootIndexField, true))
            return e;
        m_hasRootIndex = true;
    }
    return std::nullopt;
}

Expected<SnapshotPtr> Loader::parse() {
    try {
        m_snapshot = std::make_shared<Snapshot>();
        m_snapshot->path = m_path;
        m_snapshot->fileSize = m_size;
        m_snapshot->format.gzip = m_compressedSize != 0;
        m_snapshot->format.compressedSize = m_compressedSize;
        m_context.report(Stage::Reading, 0, m_size);
        auto scanned = scanTopLevel();
        if (m_prefetch.joinable())
            m_prefetch.join();
        if (scanned)
            return *scanned;
        endStage("scan");
        const Section* header = section("snapshot");
        if (!header) {
            if (section("head"))
                return error(
                    "header", 0,
                    "this is a sampling heap profile (.heapprofile), not a heap snapshot: it has \"head\" "
                    "and \"samples\" but no \"snapshot\" header");
            if (section("startTime") || section("timeDeltas") ||
                (section("nodes") && !section("nodes")->numeric))
                return error("header", 0,
                             "this is a CPU profile (.cpuprofile), not a heap snapshot: it has \"nodes\", "
                             "\"startTime\" and \"samples\" but no \"snapshot\" header");
            if (section("traceEvents"))
                return error("header", 0, "this is a performance trace, not a heap snapshot");
            return error("header", 0, "this JSON is not a heap snapshot: it has no \"snapshot\" header");
        }
        if (auto e = readHeader(*header))
            return *e;
        for (const char* required : {"nodes", "edges", "strings"})
            if (!section(required))
                return error("header", std::int64_t(m_size),
                             std::string("the file has no \"") + required + "\" section");
        for (const char* numeric : {"nodes", "edges"})
            if (!section(numeric)->numeric)
                return error(numeric, std::int64_t(section(numeric)->begin),
                             std::string("\"") + numeric + "\" must be an array of non-negative integers");
        for (const auto& sec : m_sections) {
            SectionInfo info;
            info.name = sec.name;
            info.offset = sec.begin;
            info.bytes = sec.end - sec.begin;
            static const char* known[] = {
                "snapshot",   "nodes",   "edges",    "strings", "trace_function_infos",
                "trace_tree", "samples", "locations"};
            info.known = std::find_if(std::begin(known), std::end(known),
                                      [&](const char* k) { return sec.name == k; }) != std::end(known);
            if (sec.name == "strings")
                info.items = m_stringCount;
            m_snapshot->format.sections.push_back(std::move(info));
        }
        if (m_stringCount > 0xFFFFFFFEull)
            return error("strings", -1, "the file has more strings than this program supports");
        if (auto e = parseBigArrays())
            return *e;
        endStage("parse");
        m_context.report(Stage::Indexing, 0, 1);
        if (auto e = buildIndexes())
            return *e;
        if (auto e = parseSmallSections())
            return *e;
        endStage("index");
        m_context.report(Stage::Indexing, 1, 1);
        return SnapshotPtr(std::move(m_snapshot));
    } catch (const std::bad_alloc&) {
        return error("memory", -1, "there is not enough memory to load this snapshot");
    }
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

// Finds the end of the integer array whose '[' is at `open` (integer arrays hold no brackets: the
// first ']' ends it; the parser checks every byte later) and cuts it into pieces of about
// parsePieceBytes that end at a comma, counting the commas of each, so that every piece knows
// where its values go. Each chunk after the first starts a new piece after its first comma. The
// chunks are read and summed up on every thread, then joined in order. Sets `p` past the ']'.
std::optional<Error> Loader::cutBigArray(int array, const std::string& key, std::uint64_t open,
                                         std::uint64_t& p) {
    const std::uint64_t first = open + 1;
    if (first >= m_size)
        return error(key, std::int64_t(m_size),
                     "the file is truncated: it ends at byte " + std::to_string(m_size) + " inside the \"" +
                         key + "\" array (which starts at byte " + std::to_string(open) + ")");
    // at most 2^20 chunks
    const std::uint64_t chunk =
        std::max({std::uint64_t(1), m_options.parsePieceBytes, (m_size - first) >> 20});
    const std::uint64_t chunkCount = (m_size - first + chunk - 1) / chunk;
    constexpr std::uint64_t kNoPos = ~std::uint64_t(0);
    struct Summary {
        bool done = false;
        std::uint64_t commas = 0;          // before the ']' when there is one
        std::uint64_t firstComma = kNoPos; // before the ']'
        std::uint64_t close = kNoPos;
        std::string readError;
    };
    std::vector<Summary> summaries(chunkCount);
    std::atomic<std::uint64_t> next{0};
    std::atomic<std::uint64_t> closeChunk{kNoPos}; // the first chunk known to hold a ']'
    std::atomic<bool> readFailed{false};
    detail::runParallel(m_threads, [&](unsigned) {
        std::vector<char> buffer(m_readBigArrays ? std::size_t(std::min(chunk, m_size - first)) : 0);
        for (std::uint64_t k; (k = next.fetch_add(1)) < chunkCount;) {
            if (k > closeChunk.load() || readFailed.load() || m_context.stopRequested())
                return;
            const std::uint64_t from = first + k * chunk;
            const std::size_t n = std::size_t(std::min(chunk, m_size - from));
            Summary& sum = summaries[k];
            const char* bytes = m_data + from;
            if (m_readBigArrays) {
                if (!readAt(from, buffer.data(), n, sum.readError)) {
                    sum.done = true;
                    readFailed = true;
                    return;
                }
                bytes = buffer.data();
            }
            const void* close = std::memchr(bytes, ']', n);
            const std::size_t limit = close ? std::size_t(static_cast<const char*>(close) - bytes) : n;
            if (const void* comma = std::memchr(bytes, ',', limit))
                sum.firstComma = std::uint64_t(static_cast<const char*>(comma) - bytes);
            sum.commas = countCommas(bytes, bytes + limit);
            if (close) {
                sum.close = limit;
                for (std::uint64_t seen = closeChunk.load();
                     k < seen && !closeChunk.compare_exchange_weak(seen, k);) {
                }
            }
            sum.done = true;
        }
    });
    if (m_context.stopRequested())
        return cancelled();
    std::uint64_t pieceStart = first;
    std::uint64_t commas = 0;
    for (std::uint64_t k = 0; k < chunkCount; ++k) {
        const Summary& sum = summaries[k];
        const std::uint64_t from = first + k * chunk;
        if (!sum.readError.empty())
            return error(key, std::int64_t(from), sum.readError);
        if (!sum.done)
            return cancelled(); // not reached: every chunk up to the first ']' is summed up
        if (k > 0 && sum.firstComma != kNoPos) {
            m_pieces.push_back({array, m_data + pieceStart, m_data + from + sum.firstComma, commas});
            pieceStart = from + sum.firstComma + 1;
            commas = sum.commas - 1;
        } else {
            commas += sum.commas;
        }
        if (sum.close != kNoPos) {
            m_pieces.push_back({array, m_data + pieceStart, m_data + from + sum.close, commas});
            p = from + sum.close + 1;
            return std::nullopt;
        }
    }
    return error(key, std::int64_t(m_size),
                 "the file is truncated: it ends at byte " + std::to_string(m_size) + " inside the \"" + key +
                     "\" array (which starts at byte " + std::to_string(open) + ")");
}

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

    FailureSlot failures;
    std::atomic<std::uint64_t> bytesDone{0};
    const std::uint64_t bytesTotal = (nodesSec.end - nodesSec.begin) + (edgesSec.end - edgesSec.begin);
    const std::uint32_t nodeTypeCount = std::uint32_t(s.nodeTypeNames.size());
    const std::uint32_t edgeTypeCount = std::uint32_t(s.edgeTypeNames.size());
    std::atomic<std::uint32_t> maxNameId{0};

    // Exact division by F for multiples of F below 2^32: q = v * ceil(2^k / F) >> k with
    // k = 31 + ceil(log2 F), so that the multiplier and the product fit in 64 bits.
    const unsigned divShift = 31 + unsigned(std::bit_width(F - 1));
    const std::uint64_t divMagic = ((std::uint64_t(1) << divShift) + F - 1) / F;
    const std::uint64_t stringCount = m_stringCount;
    const std::uint32_t nameField = std::uint32_t(
        std::find(m_edgeRoles.begin(), m_edgeRoles.end(), EdgeRole::NameOrIndex) - m_edgeRoles.begin());
    const std::uint32_t edgeTypeField = std::uint32_t(
        std::find(m_edgeRoles.begin(), m_edgeRoles.end(), EdgeRole::Type) - m_edgeRoles.begin());
    auto missingNameReason = [&](std::uint64_t edge) {
        return "edge " + std::to_string(edge) + " is named by string " +
               std::to_string(s.edgeNameOrIndex[edge]) + ", but \"strings\" holds only " +
               std::to_string(m_stringCount) + " strings";
    };
    // Edge types whose name_or_index is a string id (checked against the string count).
    std::array<std::uint8_t, 256> stringNamed{};
    for (std::size_t t = 0; t < s.edgeKinds.size() && t < stringNamed.size(); ++t)
        stringNamed[t] = !edgeNameIsIndex(s.edgeKinds[t]) && s.edgeKinds[t] != EdgeKind::Unknown;
    std::mutex partialMutex;
    std::vector<std::uint64_t> partialEdges; // edges stored value by value: their names are checked last
    std::once_flag traceIdsAllocated;
    auto ensureTraceIds = [&] {
        std::call_once(traceIdsAllocated, [&] { s.nodeTraceId = PodArray<std::uint32_t>::zeroed(N); });
    };

    const bool useNumberBlocks = m_options.numberBlocks && detail::numberBlocksAvailable();
    // What each thread reuses from piece to piece.
    struct Scratch {
        std::vector<std::uint32_t> values; // numbers of a block of records
        std::vector<char> text;            // a piece read from the file, with room around it
    };
    // Room before and after a piece read from the file: the 64-byte reader loads up to 15 bytes
    // before a number and needs 128 bytes after a region.
    constexpr std::uint64_t kRoomBefore = 64, kRoomAfter = 256;
    // Numbers are read a block at a time into a small buffer, then each field's column is filled
    // and checked in its own loop: the inner loops stay short and predictable.
    auto parsePiece = [&](const Piece& piece, unsigned thread, Scratch& scratch) {
        if (emptyArray[piece.array])
            return;
        const bool nodes = piece.array == 0;
        const std::uint64_t fields = nodes ? F : G;
        const char* what = nodes ? "nodes" : "edges";
        // The piece's bytes: [lo, hi) is readable and starts at file offset loOffset.
        const char* p = piece.begin;
        const char* end = piece.end;
        const char* lo = m_data;
        const char* hi = m_data + m_size;
        std::uint64_t loOffset = 0;
        if (m_readBigArrays) {
            const std::uint64_t begin = std::uint64_t(piece.begin - m_data),
                                terminator = std::uint64_t(piece.end - m_data);
            loOffset = begin - std::min(begin, kRoomBefore);
            const std::uint64_t until = std::min(m_size, terminator + 1 + kRoomAfter);
            scratch.text.resize(std::size_t(until - loOffset));
            std::string why;
            if (!readAt(loOffset, scratch.text.data(), scratch.text.size(), why)) {
                failures.set(begin, what, why);
                return;
            }
            lo = scratch.text.data();
            hi = lo + scratch.text.size();
            p = lo + (begin - loOffset);
            end = lo + (terminator - loOffset);
        }
        auto offsetOf = [&](const char* at) { return loOffset + std::uint64_t(at - lo); };
        const char* releasedUpTo = p;
        std::uint64_t index = piece.firstIndex; // global number index of the next value
        std::uint32_t localMaxName = 0;
        constexpr std::size_t kRecords = 4096;
        std::vector<std::uint32_t>& buf = scratch.values;
        buf.resize(kRecords * fields);
        const char* bad = nullptr;       // where the input went wrong
        const char* badNumber = nullptr; // the number just before it, when the problem follows a number
        bool done = false;
        bool expectValue = piece.firstIndex != 0; // a piece after the first starts after a comma

        auto fail = [&](const char* at, std::string reason) {
            failures.set(offsetOf(at), what, std::move(reason));
        };
        // Explains a malformed number or separator at `at`.
        auto badInput = [&](const char* at) {
            std::string reason;
            if (badNumber) {
                if (*at == '.' || *at == 'e' || *at == 'E')
                    fail(badNumber, std::string("a number in \"") + what + "\" is not an integer");
                else
                    fail(at, std::string("expected ',' between the numbers of \"") + what + "\", found " +
                                 describeByte(offsetOf(at)));
                return;
            }
            if (*at == '-')
                reason = std::string("a negative number in \"") + what +
                         "\" (only non-negative integers are allowed)";
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
                    std::string("expected a number in \"") + what + "\", found " + describeByte(offsetOf(at));
            fail(at, std::move(reason));
        };
        // Reads up to `max` numbers into `out`; sets `done` at the piece's end and `bad` on an error.
        auto scan = [&](std::uint32_t* out, std::size_t max) -> std::size_t {
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
        };
        // Where the k-th number after `from` starts (for error messages only).
        auto locate = [&](const char* from, std::size_t k) {
            const char* q = from;
            for (;;) {
                while (isWs(*q) || *q == ',')
                    ++q;
                if (k-- == 0)
                    return q;
                while (*q >= '0' && *q <= '9')
                    ++q;
            }
        };
        // Stores `count` numbers starting at global index `first` (any alignment); false on an error.
        auto store = [&](const std::uint32_t* values, std::uint64_t first, std::size_t count,
                         const char* from) -> bool {
            std::uint64_t record = first / fields;
            std::uint32_t field = std::uint32_t(first % fields);
            std::size_t k = 0;
            // full records in column loops, partial ones value by value
            auto one = [&](std::uint32_t value, std::uint64_t rec, std::uint32_t fld,
                           std::size_t pos) -> bool {
                if (nodes) {
                    switch (m_nodeRoles[fld]) {
                    case NodeRole::Type:
                        if (value >= nodeTypeCount) {
                            fail(locate(from, pos), "node " + std::to_string(rec) + " has type " +
                                                        std::to_string(value) +
                                                        ", but meta.node_types lists only " +
                                                        std::to_string(nodeTypeCount) + " types");
                            return false;
                        }
                        s.nodeType[rec] = std::uint8_t(value);
                        break;
                    case NodeRole::Name:
                        s.nodeName[rec] = value;
                        localMaxName = std::max(localMaxName, value);
                        break;
                    case NodeRole::Id:
                        s.nodeId[rec] = value;
                        break;
                    case NodeRole::SelfSize:
                        s.nodeSelfSize[rec] = value;
                        break;
                    case NodeRole::EdgeCount:
                        s.firstEdge[rec + 1] = value;
                        break;
                    case NodeRole::TraceNodeId:
                        if (value) {
                            ensureTraceIds();
                            s.nodeTraceId[rec] = value;
                        }
                        break;
                    case NodeRole::Detachedness:
                        if (value > 2) {
                            fail(locate(from, pos), "node " + std::to_string(rec) + " has detachedness " +
                                                        std::to_string(value) + " (0, 1 or 2 expected)");
                            return false;
                        }
                        s.nodeDetachedness[rec] = std::uint8_t(value);
                        break;
                    case NodeRole::Ignore:
                        break;
                    }
                } else {
                    switch (m_edgeRoles[fld]) {
                    case EdgeRole::Type:
                        if (value >= edgeTypeCount) {
                            fail(locate(from, pos), "edge " + std::to_string(rec) + " has type " +
                                                        std::to_string(value) +
                                                        ", but meta.edge_types lists only " +
                                                        std::to_string(edgeTypeCount) + " types");
                            return false;
                        }
                        s.edgeType[rec] = std::uint8_t(value);
                        break;
                    case EdgeRole::NameOrIndex:
                        s.edgeNameOrIndex[rec] = value;
                        break;
                    case EdgeRole::ToNode: {
                        const std::uint64_t q = (value * divMagic) >> divShift;
                        if (q * F != value) {
                            fail(locate(from, pos), "edge " + std::to_string(rec) + " points to node index " +
                                                        std::to_string(value) +
                                                        ", which is not a multiple of the " +
                                                        std::to_string(F) + " node fields");
                            return false;
                        }
                        if (q >= N) {
                            fail(locate(from, pos), "edge " + std::to_string(rec) + " points to node index " +
                                                        std::to_string(value) + ", past the last of the " +
                                                        std::to_string(N) + " nodes");
                            return false;
                        }
                        s.edgeTo[rec] = std::uint32_t(q);
                        break;
                    }
                    case EdgeRole::Ignore:
                        break;
                    }
                }
                return true;
            };
            if (!nodes && k < count && field != 0) {
                std::lock_guard lock(partialMutex);
                partialEdges.push_back(record);
            }
            while (k < count && field != 0) {
                if (!one(values[k], record, field, k))
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
            auto firstErrorInOrder = [&](const std::uint32_t* v, std::size_t full) -> bool {
                for (std::size_t r = 0; r < full; ++r) {
                    bool recordOk = true, typeOk = true;
                    for (std::uint32_t f = 0; f < fields; ++f) {
                        const bool fine = one(v[r * fields + f], record + r, f, k + r * fields + f);
                        recordOk = recordOk && fine;
                        if (f == edgeTypeField)
                            typeOk = fine;
                    }
                    if (!nodes && nameField < fields && edgeTypeField < fields && typeOk &&
                        stringNamed[s.edgeType[record + r]] && s.edgeNameOrIndex[record + r] >= stringCount) {
                        fail(locate(from, k + r * fields + nameField), missingNameReason(record + r));
                        recordOk = false;
                    }
                    if (!recordOk)
                        return false;
                }
                return true;
            };
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
                                    (role == NodeRole::Type ? s.nodeType.data() : s.nodeDetachedness.data()) +
                                    record;
                                for (std::size_t r = 0; r < full; ++r)
                                    col[r] = std::uint8_t(v[r * fields + f]);
                            }
                        } else if (role == NodeRole::TraceNodeId) {
                            std::uint32_t any = 0;
                            for (std::size_t r = 0; r < full; ++r)
                                any |= v[r * fields + f];
                            if (any) {
                                ensureTraceIds();
                                std::uint32_t* const col = s.nodeTraceId.data() + record;
                                for (std::size_t r = 0; r < full; ++r)
                                    col[r] = v[r * fields + f];
                            }
                        } else if (role != NodeRole::Ignore) {
                            std::uint32_t* const col =
                                (role == NodeRole::Name       ? s.nodeName.data()
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
                if (!blockOk && !firstErrorInOrder(v, full))
                    return false;
                record += full;
                k += full * fields;
            }
            if (!nodes && k < count) {
                std::lock_guard lock(partialMutex);
                partialEdges.push_back(record); // checked once every thread is done
            }
            for (; k < count; ++k) {
                if (!one(values[k], record, field, k))
                    return false;
                if (++field == fields) {
                    field = 0;
                    ++record;
                }
            }
            return true;
        };

        std::uint64_t sinceCheck = 0;
        while (!done) {
            const char* blockStart = p;
            // first fill up to a record boundary so that blocks hold whole records
            std::size_t want = buf.size();
            if (const std::uint64_t misalign = index % fields)
                want = fields - misalign;
            const std::size_t n = scan(buf.data(), want);
            if (n && !store(buf.data(), index, n, blockStart))
                return;
            index += n;
            if (bad) {
                badInput(bad);
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
                    releasePages(releasedUpTo, p - 4096);
                    releasedUpTo = p - 4096;
                }
            }
        }
        if (!m_readBigArrays)
            releasePages(releasedUpTo, end);
        std::uint32_t prev = maxNameId.load();
        while (localMaxName > prev && !maxNameId.compare_exchange_weak(prev, localMaxName)) {
        }
    };
    std::atomic<std::size_t> nextPiece{0};
    detail::runParallel(m_threads, [&](unsigned t) {
        Scratch scratch;
        for (std::size_t i; (i = nextPiece.fetch_add(1)) < pieces.size();) {
            // A piece's first writes fault in fresh pages of every column: not after a cancel, and
            // not past an error (later pieces start later in the file, and the first error wins).
            if (m_context.stopRequested()) {
                failures.set(0, "parsing", "cancelled", true);
                return;
            }
            if (failures.failedBefore(std::uint64_t(pieces[i].begin - m_data)))
                return;
            parsePiece(pieces[i], t, scratch);
        }
    });
    if (side.joinable())
        side.join();
    const auto& failure = failures.failure();
    if (failure && failure->cancelled)
        return cancelled();
    // Where the value with global index `index` of the edges array starts (for an error message).
    auto edgeValueOffset = [&](std::uint64_t index) -> std::uint64_t {
        for (const Piece& piece : pieces) {
            if (piece.array != 1 || index < piece.firstIndex || index > piece.firstIndex + piece.commas)
                continue;
            const char* q = piece.begin;
            for (std::uint64_t k = index - piece.firstIndex;; --k) {
                while (isWs(*q) || *q == ',')
                    ++q;
                if (k == 0)
                    return std::uint64_t(q - m_data);
                while (*q >= '0' && *q <= '9')
                    ++q;
            }
        }
        return edgesSec.begin;
    };
    // The names of edges split between pieces, checked now that both halves are stored. With a
    // parse error at byte X, every value before X was stored (pieces stop only at their own error
    // or when they start past one), so an edge whose type and name come before X is checked too:
    // the first error in the file is reported, whatever the cut.
    const std::uint64_t parsedUpTo = failure ? failure->offset : ~std::uint64_t(0);
    std::sort(partialEdges.begin(), partialEdges.end());
    for (const std::uint64_t e : partialEdges) {
        // (past an error the columns may hold anything: stringNamed has room for any type byte)
        if (!stringNamed[s.edgeType[e]] || s.edgeNameOrIndex[e] < stringCount)
            continue;
        if (failure && (edgeValueOffset(e * G + edgeTypeField) >= parsedUpTo ||
                        edgeValueOffset(e * G + nameField) >= parsedUpTo))
            break; // this edge and the later ones come after the parse error
        return error("edges", std::int64_t(edgeValueOffset(e * G + nameField)), missingNameReason(e));
    }
    if (failure)
        return error(failure->stage, std::int64_t(failure->offset), failure->reason);
    if (sideError)
        return sideError;
    if (maxNameId.load() >= s.strings.size())
        return error("nodes", std::int64_t(nodesSec.begin),
                     "a node name refers to string " + std::to_string(maxNameId.load()) +
                         ", but \"strings\" holds only " + std::to_string(s.strings.size()) + " strings");
    m_context.report(Stage::Parsing, bytesTotal, bytesTotal);
    return std::nullopt;
}

// First-edge offsets, edge-name validation, root, and the retainers in CSR form.
std::optional<Error> Loader::buildIndexes() {
    Snapshot& s = *m_snapshot;
    const std::uint32_t N = s.nodeCount;
    const std::uint32_t E = s.edgeCount;
    if (m_context.stopRequested())
        return cancelled();
    {
        std::uint64_t sum = 0;
        s.firstEdge[0] = 0;
        for (std::uint32_t i = 0; i < N; ++i) {
            if ((i & 0x3FFFFF) == 0 && m_context.stopRequested())
                return cancelled();
            sum += s.firstEdge[i + 1];
            if (sum > E)
                return error(
                    "nodes", std::int64_t(section("nodes")->begin),
                    "inconsistent counts: the edge_count values of the nodes add up to more than the " +
                        std::to_string(E) + " edges in the file (exceeded at node " + std::to_string(i) +
                        ")");
            s.firstEdge[i + 1] = std::uint32_t(sum);
        }
        if (sum != E)
            return error("nodes", std::int64_t(section("nodes")->begin),
                         "inconsistent counts: the edge_count values of the nodes add up to " +
                             std::to_string(sum) + ", but the file has " + std::to_string(E) + " edges");
    }
    if (m_hasRootIndex) {
        if (m_rootIndexField % m_nodeFieldCount != 0 || m_rootIndexField / m_nodeFieldCount >= N)
            return error("header", std::int64_t(section("snapshot")->begin),
                         "root_index " + std::to_string(m_rootIndexField) + " does not point to a node");
        s.rootOrdinal = std::uint32_t(m_rootIndexField / m_nodeFieldCount);
    }

    // Retainers by counting sort on the target. Each thread takes a range of sources (about the
    // same number of edges) and counts their targets in an array of its own, so nothing is shared
    // and no branch depends on where a target lies. A target's slots are filled back to front with
    // its retainers in increasing (source, edge) order, so they end up in decreasing order, as
    // DevTools has them: the range of the lowest sources gets the top of each target's slots.
    // Thread 0 takes the highest sources and counts in firstRetainer itself, whose cursors it moves
    // down to where each target's slots start.
    const unsigned T = (E < (1u << 16)) ? 1 : std::clamp(m_threads, 1u, 4u);
    const std::uint32_t* const firstEdge = s.firstEdge.data();
    std::vector<std::uint32_t> rangeBegin(T + 1, N); // source ranges, lowest first
    rangeBegin[0] = 0;
    for (unsigned r = 1; r < T; ++r) {
        const std::uint32_t edge = std::uint32_t(std::uint64_t(E) * r / T);
        rangeBegin[r] = std::max(rangeBegin[r - 1],
                                 std::uint32_t(std::lower_bound(firstEdge, firstEdge + N, edge) - firstEdge));
    }
    s.firstRetainer = PodArray<std::uint32_t>::zeroed(std::size_t(N) + 1);
    std::vector<PodArray<std::uint32_t>> otherCounts;
    for (unsigned t = 1; t < T; ++t)
        otherCounts.push_back(PodArray<std::uint32_t>::zeroed(N));
    auto countsOf = [&](unsigned t) { return t == 0 ? s.firstRetainer.data() : otherCounts[t - 1].data(); };
    auto stopped = [&] { return m_context.stopRequested(); };
    // The counts and the retainer slots are filled in random order: mapped in first, in slices
    // between cancellation checks.
    detail::runParallel(
        T, [&](unsigned t) { detail::mapInSlices(countsOf(t), (std::size_t(N) + (t == 0)) * 4, stopped); });
    if (m_context.stopRequested())
        return cancelled();
    auto rangeOf = [&](unsigned t) { return T - 1 - t; };
    const std::uint32_t* const to = s.edgeTo.data();
    detail::runParallel(T, [&](unsigned t) {
        std::uint32_t* const count = countsOf(t);
        const std::uint32_t from = firstEdge[rangeBegin[rangeOf(t)]],
                            until = firstEdge[rangeBegin[rangeOf(t) + 1]];
        for (std::uint32_t e = from; e < until; ++e) {
            if ((e & 0xFFFFF) == 0 && m_context.stopRequested())
                return;
            ++count[to[e]];
        }
    });
    if (m_context.stopRequested())
        return cancelled();
    {
        // Each thread's cursor for v: the end of v's slots, less what the ranges of lower sources fill.
        std::uint32_t running = 0;
        for (std::uint32_t v = 0; v < N; ++v) {
            std::uint32_t total = 0;
            for (unsigned t = 0; t < T; ++t)
                total += countsOf(t)[v];
            running += total;
            std::uint32_t cursor = running;
            for (unsigned r = 0; r < T; ++r) {
                std::uint32_t& c = countsOf(T - 1 - r)[v];
                const std::uint32_t own = c;
                c = cursor;
                cursor -= own;
            }
        }
        s.firstRetainer[N] = running;
    }
    if (m_context.stopRequested())
        return cancelled();
    s.retainerSource = PodArray<std::uint32_t>::uninitialized(E);
    std::uint32_t* const rSource = s.retainerSource.data();
    detail::runParallel(T, [&](unsigned t) {
        const std::size_t from = std::size_t(E) * t / T, to = std::size_t(E) * (t + 1) / T;
        detail::mapInSlices(rSource + from, (to - from) * 4, stopped);
    });
    if (m_context.stopRequested())
        return cancelled();
    detail::runParallel(T, [&](unsigned t) {
        std::uint32_t* const cursor = countsOf(t);
        const std::uint32_t lo = rangeBegin[rangeOf(t)], hi = rangeBegin[rangeOf(t) + 1];
        for (std::uint32_t n = lo; n < hi; ++n) {
            if ((n & 0x3FFFF) == 0 && m_context.stopRequested())
                return;
            for (std::uint32_t e = firstEdge[n], ee = firstEdge[n + 1]; e < ee; ++e)
                rSource[--cursor[to[e]]] = n;
        }
    });
    if (m_context.stopRequested())
        return cancelled();
    return std::nullopt;
}

// Calls `take(value)` for each number of a small numeric array, in order; `take` returns false to
// stop (having recorded why).
template <class Take> std::optional<Error> Loader::forEachSmallNumber(const Section& sec, Take&& take) {
    const char* const data = m_data;
    const char* p = data + sec.begin;
    const char* const end = data + sec.end;
    auto at = [&](const char* q) { return std::uint64_t(q - data); };
    if (*p != '[')
        return error(sec.name, std::int64_t(at(p)), "\"" + sec.name + "\" must be an array of integers");
    ++p;
    auto skipWs = [&] {
        while (p < end && isWs(*p))
            ++p;
    };
    skipWs();
    if (*p == ']')
        return std::nullopt;
    std::uint32_t count = 0;
    // Long runs of small non-negative numbers go 64 bytes at a time; a region with anything else
    // (a negative number, one above 2^32) is read by the loop below.
    const bool blocks = m_options.numberBlocks && detail::numberBlocksAvailable() && p - data >= 16;
    const char* blocksFrom = p; // not before here: the region that starts here was refused
    std::vector<std::uint32_t> region;
    for (;;) {
        if ((++count & 0xFFFFF) == 0 && m_context.stopRequested())
            return cancelled();
        if (blocks && p >= blocksFrom) {
            const std::uint64_t bytes = std::min<std::uint64_t>(
                {std::uint64_t(end - p), 64u << 10,
                 std::uint64_t(std::max<std::ptrdiff_t>(0, (m_data + m_size - p) - 128))});
            const void* comma = bytes >= 1024 ? ::memrchr(p, ',', bytes) : nullptr;
            blocksFrom = comma ? static_cast<const char*>(comma) + 1 : end;
            if (comma) {
                region.resize(std::size_t(blocksFrom - p) / 2 + 4);
                const std::ptrdiff_t got = detail::readNumberBlocks(p, blocksFrom, region.data());
                if (got > 0) {
                    for (std::ptrdiff_t i = 0; i < got; ++i)
                        if (!take(std::int64_t(region[std::size_t(i)])))
                            return std::nullopt;
                    p = blocksFrom;
                    count += std::uint32_t(got);
                    if (m_context.stopRequested())
                        return cancelled();
                    continue;
                }
            }
        }
        skipWs();
        bool neg = false;
        if (*p == '-') {
            neg = true;
            ++p;
        }
        const char* const start = p;
        std::uint64_t v = 0;
        // The section ends at its ']', so the digit run stops inside it.
        for (unsigned c; (c = unsigned(static_cast<unsigned char>(*p)) - '0') <= 9; ++p)
            v = v * 10 + c;
        if (p == start || p - start > 15)
            return error(sec.name, std::int64_t(at(p)),
                         "expected an integer in \"" + sec.name + "\", found " + describeByte(at(p)));
        if (!take(neg ? -std::int64_t(v) : std::int64_t(v)))
            return std::nullopt;
        if (*p == ',') {
            ++p;
            continue;
        }
        skipWs();
        if (*p == ',') {
            ++p;
            continue;
        }
        if (*p == ']')
            break;
        return error(sec.name, std::int64_t(at(p)),
                     "expected ',' or ']' in \"" + sec.name + "\", found " + describeByte(at(p)));
    }
    return std::nullopt;
}

std::optional<Error> Loader::parseSmallNumbers(const Section& sec, std::vector<std::int64_t>& out) {
    return forEachSmallNumber(sec, [&](std::int64_t v) {
        out.push_back(v);
        return true;
    });
}

// Locations go straight into their records, then are put in node order (V8 writes them in the
// order it visited the objects) with a stable radix sort.
std::optional<Error> Loader::parseLocations(const Section& sec) {
    Snapshot& s = *m_snapshot;
    const std::uint32_t F = m_nodeFieldCount;
    const auto& lf = s.format.locationFields;
    const std::size_t w = lf.size();
    const int fo = indexOf(lf, "object_index"), fs = indexOf(lf, "script_id"), fl = indexOf(lf, "line"),
              fc = indexOf(lf, "column");
    if (fo < 0 || fs < 0 || fl < 0 || fc < 0)
        return error("locations", std::int64_t(sec.begin),
                     "meta.location_fields must name object_index, script_id, line and column");
    auto& out = s.locations;
    out.reserve((countCommas(m_data + sec.begin, m_data + sec.end) + 1) / w);
    std::vector<std::int64_t> recordStore(w);
    std::int64_t* const record = recordStore.data();
    std::size_t filled = 0;
    std::uint64_t values = 0;
    std::optional<Error> bad;
    // node index / F without a division instruction (exact for multiples of F below 2^32)
    const unsigned divShift = 31 + unsigned(std::bit_width(F - 1));
    const std::uint64_t divMagic = ((std::uint64_t(1) << divShift) + F - 1) / F;
    const std::uint64_t nodeCount = s.format.headerNodeCount;
    auto nodeOf = [&](std::int64_t index) -> std::optional<std::uint64_t> {
        if (index < 0)
            return std::nullopt;
        const std::uint64_t q =
            index <= 0xFFFFFFFFll ? (std::uint64_t(index) * divMagic) >> divShift : std::uint64_t(index) / F;
        if (q * F != std::uint64_t(index) || q >= nodeCount)
            return std::nullopt;
        return q;
    };
    auto take = [&](std::int64_t v) {
        ++values;
        record[filled] = v;
        if (++filled < w)
            return true;
        filled = 0;
        const std::int64_t obj = record[std::size_t(fo)];
        const std::optional<std::uint64_t> node = nodeOf(obj);
        if (!node) {
            bad = error("locations", std::int64_t(sec.begin),
                        "location " + std::to_string(out.size()) + " refers to node index " +
                            std::to_string(obj) + ", which is not a node");
            return false;
        }
        out.push_back({std::uint32_t(*node), std::uint32_t(record[std::size_t(fs)]),
                       std::uint32_t(record[std::size_t(fl)]), std::uint32_t(record[std::size_t(fc)])});
        return true;
    };
    if (auto e = forEachSmallNumber(sec, take))
        return e;
    if (bad)
        return bad;
    if (filled != 0)
        return error("locations", std::int64_t(sec.begin),
                     "\"locations\" holds " + std::to_string(values) + " numbers, not a multiple of its " +
                         std::to_string(w) + " fields");
    setItems("locations", values);

    auto byNode = [](const Location& a, const Location& b) { return a.node < b.node; };
    if (!std::is_sorted(out.begin(), out.end(), byNode)) {
        // The scatter below writes all over it: mapped in first, between cancellation checks.
        PodArray<Location> other = PodArray<Location>::uninitialized(out.size());
        if (!detail::mapInSlices(other.data(), out.size() * sizeof(Location),
                                 [&] { return m_context.stopRequested(); }))
            return cancelled();
        Location* from = out.data();
        Location* to = other.data();
        const std::size_t count = out.size();
        const unsigned bits = unsigned(std::bit_width(s.format.headerNodeCount));
        for (unsigned shift = 0; shift < bits; shift += 16) {
            std::vector<std::uint32_t> start(1u << 16, 0);
            for (std::size_t i = 0; i < count; ++i) {
                if ((i & 0xFFFFF) == 0 && m_context.stopRequested())
                    return cancelled();
                ++start[from[i].node >> shift & 0xFFFF];
            }
            std::uint32_t running = 0;
            for (auto& c : start)
                running += std::exchange(c, running);
            for (std::size_t i = 0; i < count; ++i) {
                if ((i & 0xFFFFF) == 0 && m_context.stopRequested())
                    return cancelled();
                to[start[from[i].node >> shift & 0xFFFF]++] = from[i];
            }
            std::swap(from, to);
        }
        if (from != out.data())
            std::memcpy(out.data(), from, count * sizeof(Location));
    }
    // A node listed twice keeps its last location, as DevTools' map does.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (kept && out[kept - 1].node == out[i].node)
            out[kept - 1] = out[i];
        else
            out[kept++] = out[i];
    }
    out.resize(kept);
    return std::nullopt;
}

std::optional<Error> Loader::parseTraceTree(const Section& sec) {
    Snapshot& s = *m_snapshot;
    std::uint64_t p = sec.begin;
    auto skipWs = [&] {
        while (p < sec.end && isWs(m_data[p]))
            ++p;
    };
    auto bad = [&](const std::string& what) {
        return error("trace_tree", std::int64_t(p),
                     "\"trace_tree\" is malformed: " + what + ", found " + describeByte(p));
    };
    if (m_data[p] != '[')
        return bad("expected '['");
    ++p;
    std::vector<std::uint32_t> parents{kNone};
    auto readNumber = [&](std::uint32_t& out) -> bool {
        skipWs();
        std::uint64_t v = 0;
        const std::uint64_t start = p;
        while (p < sec.end && m_data[p] >= '0' && m_data[p] <= '9') {
            v = v * 10 + std::uint64_t(m_data[p] - '0');
            ++p;
        }
        if (p == start || p - start > 10 || v > 0xFFFFFFFFull)
            return false;
        out = std::uint32_t(v);
        return true;
    };
    auto expect = [&](char c) {
        skipWs();
        if (p < sec.end && m_data[p] == c) {
            ++p;
            return true;
        }
        return false;
    };
    for (;;) {
        skipWs();
        if (p >= sec.end)
            return bad("unexpected end");
        if (m_data[p] == ']') {
            ++p;
            parents.pop_back();
            if (parents.empty())
                break;
            skipWs();
            if (m_data[p] == ',') {
                ++p;
                continue;
            }
            if (m_data[p] == ']')
                continue;
            return bad("expected ',' or ']'");
        }
        TraceNode node{};
        if (!readNumber(node.id) || !expect(',') || !readNumber(node.functionInfoIndex) || !expect(',') ||
            !readNumber(node.count) || !expect(',') || !readNumber(node.size) || !expect(',') || !expect('['))
            return bad("expected a trace node [id, function, count, size, [children]]");
        node.parent = parents.back();
        s.traceTree.push_back(node);
        parents.push_back(std::uint32_t(s.traceTree.size() - 1));
    }
    return std::nullopt;
}

std::optional<Error> Loader::parseSmallSections() {
    Snapshot& s = *m_snapshot;
    const std::uint32_t F = m_nodeFieldCount;
    setItems("nodes", std::uint64_t(s.nodeCount) * F);
    setItems("edges", std::uint64_t(s.edgeCount) * m_edgeFieldCount);
    if (const Section* sec = section("locations"); sec && !s.format.locationFields.empty() && !m_sideSections)
        if (auto e = parseLocations(*sec))
            return e;
    if (const Section* sec = section("trace_function_infos"); sec && !m_traceFunctionInfoFields.empty()) {
        std::vector<std::int64_t> v;
        if (auto e = parseSmallNumbers(*sec, v))
            return e;
        setItems("trace_function_infos", v.size());
        const auto& tf = m_traceFunctionInfoFields;
        const std::size_t w = tf.size();
        const int fi = indexOf(tf, "function_id"), fn = indexOf(tf, "name"), fsn = indexOf(tf, "script_name"),
                  fsi = indexOf(tf, "script_id"), fl = indexOf(tf, "line"), fc = indexOf(tf, "column");
        if (v.size() % w != 0)
            s.warnings.push_back("trace_function_infos holds " + std::to_string(v.size()) +
                                 " numbers, not a multiple of its " + std::to_string(w) +
                                 " fields; the rest is ignored");
        const std::size_t count = v.size() / w;
        if (count != s.format.headerTraceFunctionCount)
            s.warnings.push_back("the header's trace_function_count is " +
                                 std::to_string(s.format.headerTraceFunctionCount) +
                                 " but trace_function_infos holds " + std::to_string(count) +
                                 " functions; all " + std::to_string(count) + " were loaded");
        auto get = [&](std::size_t rec, int f) -> std::uint32_t {
            return f < 0 ? 0u : std::uint32_t(v[rec * w + std::size_t(f)]);
        };
        for (std::size_t r = 0; r < count; ++r) {
            TraceFunctionInfo info{get(r, fi),  StringId(get(r, fn)), StringId(get(r, fsn)),
                                   get(r, fsi), get(r, fl),           get(r, fc)};
            if (info.name.value >= s.strings.size() || info.scriptName.value >= s.strings.size())
                return error("trace_function_infos", std::int64_t(sec->begin),
                             "trace function " + std::to_string(r) +
                                 " refers to a string that does not exist");
            s.traceFunctionInfos.push_back(info);
        }
    }
    if (const Section* sec = section("trace_tree")) {
        if (auto e = parseTraceTree(*sec))
            return e;
        setItems("trace_tree", s.traceTree.size());
    }
    if (const Section* sec = section("samples"); sec && !m_sampleFields.empty()) {
        std::vector<std::int64_t> v;
        if (auto e = parseSmallNumbers(*sec, v))
            return e;
        setItems("samples", v.size());
        const std::size_t w = m_sampleFields.size();
        const int ft = indexOf(m_sampleFields, "timestamp_us"),
                  fa = indexOf(m_sampleFields, "last_assigned_id");
        if (ft >= 0 && fa >= 0)
            for (std::size_t i = 0; i + w <= v.size(); i += w)
                s.samples.push_back(
                    {std::uint64_t(v[i + std::size_t(ft)]), std::uint32_t(v[i + std::size_t(fa)])});
    }
    return std::nullopt;
}

} // namespace

Expected<SnapshotPtr> loadSnapshot(const std::string& path, const LoadOptions& options,
                                   const WorkContext& context, LoadTimings* timings) {
    Loader loader(path, options, context, timings);
    return loader.loadFile();
}

Expected<SnapshotPtr> loadSnapshotFromMemory(std::string_view json, const std::string& name,
                                             const LoadOptions& options, const WorkContext& context) {
    Loader loader(name, options, context, nullptr);
    return loader.loadMemory(json);
}

} // namespace heapscope
