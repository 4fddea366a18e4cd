// SPDX-License-Identifier: MIT
// Opens a snapshot from its index: maps the file, checks every section (bounds, checksums, and the
// range of every index a column holds, so a damaged or hostile file can never make the program
// read outside an array), points the columns at the mapping and rebuilds what is not stored (the
// retainers, the Summary's instance lists).
#include "index_internal.h"

#include "../load/retainers.h"
#include "../parallel.h"

#include "heapscope/index_cache.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/mman.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace heapscope {

namespace {

using index::Column;

struct Mapping {
    void* data = nullptr;
    std::size_t size = 0;
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    Mapping(void* d, std::size_t n) : data(d), size(n) {}
    ~Mapping() {
        if (data)
            ::munmap(data, size);
    }
};

// How the values of a column are checked, beyond the section's size.
enum class Rule : std::uint8_t {
    Any,
    Below,         ///< every value < limit
    Increasing,    ///< non-decreasing, first 0, last == limit
    StringNamed,   ///< edge names: string ids below limit where the edge's type is string-named
    LocationNodes, ///< Location::node < limit
};

struct ColumnSpec {
    std::uint32_t elementBytes = 0;
    Rule rule = Rule::Any;
    std::uint64_t limit = 0;
    std::uint64_t checked = ~std::uint64_t(0); ///< Below: only the values before this entry
};

// The largest of entries [first, last) of a column of T (0 when empty).
template <typename T> T maxOf(const char* data, T, std::uint64_t first, std::uint64_t last) {
    const T* v = reinterpret_cast<const T*>(data);
    T m = 0;
    for (std::uint64_t i = first; i < last; ++i)
        m = std::max(m, v[i]);
    return m;
}

// The first entry in [max(first, 1), last) smaller than the one before it, or 0 when none is.
template <typename T>
std::uint64_t firstDecrease(const char* data, T, std::uint64_t first, std::uint64_t last) {
    const T* v = reinterpret_cast<const T*>(data);
    bool down = false;
    const std::uint64_t begin = std::max<std::uint64_t>(first, 1);
    for (std::uint64_t i = begin; i < last; ++i)
        down |= v[i] < v[i - 1];
    if (!down)
        return 0;
    for (std::uint64_t i = begin; i < last; ++i)
        if (v[i] < v[i - 1])
            return i;
    return 0;
}

struct Found {
    const index::SectionEntry* entry = nullptr;
    const char* data = nullptr;
};

class IndexReader {
public:
    IndexReader(std::string path, unsigned threads, const WorkContext& context, LoadTimings* timings)
        : m_path(std::move(path)), m_threads(threads), m_context(context), m_timings(timings) {}
    /// Reads only the header, the table and the meta section (openIndexSummary()).
    void setSummaryOnly(bool on) { m_summaryOnly = on; }

    // nullopt with m_reason set when the index cannot be used; a cancelled error when stopped.
    Expected<std::optional<OpenedSnapshot>> open(const std::string& indexFile, const index::SourceKey& key);
    // The same on bytes kept alive by `owner`; `key` null takes an index of any snapshot, and
    // `checksums` false skips the checksums (fuzzing reaches the checks behind them).
    Expected<std::optional<OpenedSnapshot>> openBytes(std::shared_ptr<const void> owner, const char* data,
                                                      std::size_t size, const index::SourceKey* key,
                                                      bool checksums);
    const std::string& reason() const { return m_reason; }

private:
    bool reject(std::string why) {
        if (m_reason.empty())
            m_reason = std::move(why);
        return false;
    }
    bool checkHeader();
    bool findSections();
    bool checkCounts();
    bool checkColumns();
    bool buildInstancePool();
    // A copy of the `base` column with the entries of the `patch` section (ordinals increasing and
    // below the node count, values at most `largest`); false when they are not.
    template <typename T> bool patched(Column base, Column patch, std::uint32_t largest, PodArray<T>& out) {
        const Found& b = m_found[std::size_t(base)];
        const Found& p = m_found[std::size_t(patch)];
        const auto* entries = reinterpret_cast<const index::PatchEntry*>(p.data);
        const std::uint64_t n = p.entry->count, N = m_snapshot->nodeCount;
        out = PodArray<T>::uninitialized(std::size_t(N));
        std::memcpy(out.data(), b.data, std::size_t(N) * sizeof(T));
        for (std::uint64_t i = 0; i < n; ++i) {
            if (entries[i].ordinal >= N || (i && entries[i].ordinal <= entries[i - 1].ordinal) ||
                entries[i].value > largest)
                return reject(std::string("the ") + index::columnName(std::uint32_t(patch)) + " are damaged");
            out[entries[i].ordinal] = T(entries[i].value);
        }
        return true;
    }
    template <typename T> PodArray<T> column(Column c) const {
        const Found& f = m_found[std::size_t(c)];
        return PodArray<T>::borrowed(reinterpret_cast<const T*>(f.data), std::size_t(f.entry->count));
    }
    bool has(Column c) const { return m_found[std::size_t(c)].entry != nullptr; }
    std::uint64_t count(Column c) const { return has(c) ? m_found[std::size_t(c)].entry->count : 0; }

    // Ends a stage of the open for --timings.
    void lap(const char* name) {
        const auto now = std::chrono::steady_clock::now();
        if (m_timings)
            m_timings->stages.push_back({name, std::chrono::duration<double>(now - m_lap).count(), 0});
        m_lap = now;
    }

    std::string m_path;
    unsigned m_threads;
    const WorkContext& m_context;
    LoadTimings* m_timings;
    std::chrono::steady_clock::time_point m_lap = std::chrono::steady_clock::now();
    std::string m_reason;
    std::shared_ptr<const void> m_map;
    const index::SourceKey* m_key = nullptr;
    bool m_checksums = true;
    bool m_summaryOnly = false;
    const char* m_base = nullptr;
    std::size_t m_size = 0;
    const index::FileHeader* m_header = nullptr;
    const index::SectionEntry* m_table = nullptr;
    std::array<Found, std::size_t(Column::End)> m_found{};
    std::shared_ptr<Snapshot> m_snapshot;
    std::shared_ptr<Analysis> m_analysis;
    index::MetaExtras m_extras;
};

bool IndexReader::checkHeader() {
    if (m_size < sizeof(index::FileHeader))
        return reject("it is shorter than its header");
    m_header = reinterpret_cast<const index::FileHeader*>(m_base);
    const index::FileHeader& h = *m_header;
    if (std::memcmp(h.magic, index::kMagic, sizeof h.magic) != 0)
        return reject("it is not a Heapscope index");
    if (m_checksums && h.headerChecksum != index::hashBytes(&h, offsetof(index::FileHeader, headerChecksum)))
        return reject("its header is damaged");
    const std::string_view version = index::programVersion();
    const std::string_view written(h.programVersion, strnlen(h.programVersion, sizeof h.programVersion));
    if (h.formatVersion != index::kFormatVersion || written != version)
        return reject("it was written by another version of Heapscope (" + std::string(written) + ")");
    if (h.totalBytes != m_size)
        return reject("it is " + std::to_string(m_size) + " bytes long, its header says " +
                      std::to_string(h.totalBytes) + " (an interrupted or damaged write)");
    if (m_key && h.keyHash != m_key->hash())
        return reject("the snapshot file has changed since the index was written");
    if (h.sectionCount == 0 || h.sectionCount > 4 * std::uint32_t(Column::End) ||
        sizeof h + std::uint64_t(h.sectionCount) * sizeof(index::SectionEntry) > m_size)
        return reject("its section table is damaged");
    m_table = reinterpret_cast<const index::SectionEntry*>(m_base + sizeof h);
    if (m_checksums &&
        h.tableChecksum != index::hashBytes(m_table, h.sectionCount * sizeof(index::SectionEntry)))
        return reject("its section table is damaged");
    return true;
}

bool IndexReader::findSections() {
    for (std::uint32_t i = 0; i < m_header->sectionCount; ++i) {
        const index::SectionEntry& e = m_table[i];
        if (e.column == 0 || e.column >= std::uint32_t(Column::End))
            return reject("it has a section of unknown kind " + std::to_string(e.column));
        Found& f = m_found[e.column];
        if (f.entry)
            return reject(std::string("the ") + index::columnName(e.column) + " appear twice");
        if (e.elementBytes == 0 || e.elementBytes > 64 || e.offset % index::kSectionAlign != 0 ||
            e.offset > m_size || e.count > (m_size - e.offset) / e.elementBytes)
            return reject(std::string("the ") + index::columnName(e.column) +
                          " lie outside the file (at byte " + std::to_string(e.offset) + ")");
        f.entry = &e;
        f.data = m_base + e.offset;
    }
    if (!has(Column::Meta))
        return reject("it has no meta section");
    return true;
}

// The sizes every column must have, from the counts in the meta section.
bool IndexReader::checkCounts() {
    const Snapshot& s = *m_snapshot;
    const std::uint64_t N = s.nodeCount, E = s.edgeCount;
    struct Expect {
        Column column;
        std::uint32_t elementBytes;
        std::uint64_t count;
        bool optional;   ///< may be absent
        bool mayBeEmpty; ///< may hold nothing (the trace ids, when the file has none)
    };
    const Expect expected[] = {
        {Column::NodeType, 1, N, false, false},         {Column::NodeName, 4, N, false, false},
        {Column::NodeId, 4, N, false, false},           {Column::NodeSelfSize, 4, N, false, false},
        {Column::FirstEdge, 4, N + 1, false, false},    {Column::NodeTraceId, 4, N, true, true},
        {Column::NodeDetachedness, 1, N, false, false}, {Column::EdgeType, 1, E, false, false},
        {Column::EdgeNameOrIndex, 4, E, false, false},  {Column::EdgeTo, 4, E, false, false},
        {Column::SelfSize, 4, N, true, false},          {Column::Distance, 4, N, false, false},
        {Column::Dominator, 4, N + 1, false, false},    {Column::RetainedSize, 8, N + 1, false, false},
        {Column::ClassOf, 4, N, false, false},          {Column::Flags, 1, N, false, false},
        {Column::Detachedness, 1, N, true, false},
    };
    for (const Expect& x : expected) {
        const Found& f = m_found[std::size_t(x.column)];
        if (!f.entry) {
            if (!x.optional)
                return reject(std::string("the ") + index::columnName(std::uint32_t(x.column)) +
                              " are missing");
            continue;
        }
        if (f.entry->elementBytes != x.elementBytes ||
            (f.entry->count != x.count && !(x.mayBeEmpty && f.entry->count == 0)))
            return reject(std::string("the ") + index::columnName(std::uint32_t(x.column)) +
                          " have the wrong size");
    }
    for (const auto& [c, bytes] : {std::pair{Column::StringBytes, 1u}, std::pair{Column::StringOffsets, 8u},
                                   std::pair{Column::Locations, std::uint32_t(sizeof(Location))}}) {
        if (!has(c) || m_found[std::size_t(c)].entry->elementBytes != bytes)
            return reject(std::string("the ") + index::columnName(std::uint32_t(c)) +
                          " are missing or have the wrong size");
    }
    for (const Column patch : {Column::SelfSizePatch, Column::DetachednessPatch})
        if (has(patch) && (m_found[std::size_t(patch)].entry->elementBytes != sizeof(index::PatchEntry) ||
                           count(patch) > N))
            return reject(std::string("the ") + index::columnName(std::uint32_t(patch)) +
                          " have the wrong size");
    if (count(Column::StringOffsets) == 0 || count(Column::StringOffsets) > (std::uint64_t(1) << 32))
        return reject("the string table has the wrong size");
    return true;
}

// Every section's checksum, and every index a column holds within its range, on all threads.
bool IndexReader::checkColumns() {
    const Snapshot& s = *m_snapshot;
    const std::uint64_t N = s.nodeCount, E = s.edgeCount;
    const std::uint64_t strings = count(Column::StringOffsets) - 1;
    std::array<ColumnSpec, std::size_t(Column::End)> spec{};
    spec[std::size_t(Column::NodeType)] = {1, Rule::Below, s.nodeTypeNames.size()};
    spec[std::size_t(Column::NodeName)] = {4, Rule::Below, strings};
    spec[std::size_t(Column::FirstEdge)] = {4, Rule::Increasing, E};
    spec[std::size_t(Column::NodeDetachedness)] = {1, Rule::Below, 3};
    spec[std::size_t(Column::EdgeType)] = {1, Rule::Below, s.edgeTypeNames.size()};
    spec[std::size_t(Column::EdgeNameOrIndex)] = {4, Rule::StringNamed, strings};
    spec[std::size_t(Column::EdgeTo)] = {4, Rule::Below, N};
    spec[std::size_t(Column::StringOffsets)] = {8, Rule::Increasing, count(Column::StringBytes)};
    spec[std::size_t(Column::Locations)] = {16, Rule::LocationNodes, N};
    spec[std::size_t(Column::Dominator)] = {4, Rule::Below, N, N}; // the spare entry is no node's
    spec[std::size_t(Column::ClassOf)] = {4, Rule::Below, m_analysis->classes.size()};
    spec[std::size_t(Column::Detachedness)] = {1, Rule::Below, 3};

    std::array<std::uint8_t, 256> stringNamed{};
    for (std::size_t t = 0; t < s.edgeKinds.size() && t < stringNamed.size(); ++t)
        stringNamed[t] = !edgeNameIsIndex(s.edgeKinds[t]) && s.edgeKinds[t] != EdgeKind::Unknown;
    const std::uint8_t* const edgeTypes =
        reinterpret_cast<const std::uint8_t*>(m_found[std::size_t(Column::EdgeType)].data);

    struct Task {
        std::uint32_t column;
        std::uint64_t chunk;
    };
    std::vector<Task> tasks;
    std::vector<std::vector<std::uint64_t>> chunkHashes(static_cast<std::size_t>(Column::End));
    for (std::uint32_t c = 1; c < std::uint32_t(Column::End); ++c) {
        if (!m_found[c].entry)
            continue;
        const std::uint64_t bytes = m_found[c].entry->count * m_found[c].entry->elementBytes;
        const std::uint64_t chunks =
            std::max<std::uint64_t>(1, (bytes + index::kChunkBytes - 1) / index::kChunkBytes);
        chunkHashes[c].resize(chunks);
        for (std::uint64_t k = 0; k < chunks; ++k)
            tasks.push_back({c, k});
    }
    // Big sections first, so the threads end together.
    std::atomic<std::size_t> next{0};
    std::atomic<bool> bad{false};
    std::atomic<std::uint64_t> doneBytes{0};
    std::mutex reasonMutex;
    std::string firstProblem;
    const std::uint64_t totalBytes = m_size;
    m_context.report(Stage::Index, 0, totalBytes); // a small index is done before a worker reports
    auto problem = [&](std::string why) {
        std::lock_guard lock(reasonMutex);
        if (firstProblem.empty())
            firstProblem = std::move(why);
        bad = true;
    };
    auto checkChunk = [&](const Task& task) {
        const Found& f = m_found[task.column];
        const ColumnSpec& sp = spec[task.column];
        const std::uint64_t bytes = f.entry->count * f.entry->elementBytes;
        const std::uint64_t from = task.chunk * index::kChunkBytes;
        const std::uint64_t n = std::min<std::uint64_t>(index::kChunkBytes, bytes - std::min(bytes, from));
        // Piece by piece: a piece's values are checked while it is in the cache, then hashed.
        constexpr std::uint64_t kPiece = 256 << 10;
        index::StreamHasher hasher(task.chunk);
        std::uint64_t largest = 0;  // Below, LocationNodes
        std::uint64_t decrease = 0; // Increasing: the first entry smaller than the one before, or 0
        bool missingName = false;   // StringNamed
        for (std::uint64_t at = from; at < from + n; at += kPiece) {
            const std::uint64_t pieceEnd = std::min(from + n, at + kPiece);
            if (sp.rule != Rule::Any) {
                const std::uint64_t first = at / sp.elementBytes;
                std::uint64_t last = pieceEnd / sp.elementBytes;
                switch (sp.rule) {
                case Rule::Any:
                    break;
                case Rule::Below:
                    last = std::max(first, std::min(last, sp.checked));
                    if (sp.elementBytes == 1)
                        largest =
                            std::max<std::uint64_t>(largest, maxOf(f.data, std::uint8_t{}, first, last));
                    else if (sp.elementBytes == 4)
                        largest =
                            std::max<std::uint64_t>(largest, maxOf(f.data, std::uint32_t{}, first, last));
                    else
                        largest =
                            std::max<std::uint64_t>(largest, maxOf(f.data, std::uint64_t{}, first, last));
                    break;
                case Rule::LocationNodes:
                    for (std::uint64_t i = first; i < last; ++i)
                        largest = std::max<std::uint64_t>(
                            largest, reinterpret_cast<const Location*>(f.data)[i].node.value);
                    break;
                case Rule::Increasing:
                    if (!decrease)
                        decrease = sp.elementBytes == 4 ? firstDecrease(f.data, std::uint32_t{}, first, last)
                                                        : firstDecrease(f.data, std::uint64_t{}, first, last);
                    break;
                case Rule::StringNamed: {
                    const auto* v = reinterpret_cast<const std::uint32_t*>(f.data);
                    std::uint32_t missing = 0;
                    for (std::uint64_t i = first; i < last; ++i)
                        missing |= std::uint32_t(stringNamed[edgeTypes[i]] & (v[i] >= sp.limit));
                    missingName |= missing != 0;
                    break;
                }
                }
            }
            if (pieceEnd - at == kPiece && pieceEnd < from + n)
                hasher.update(f.data + at, kPiece);
            else
                chunkHashes[task.column][task.chunk] = hasher.finish(f.data + at, std::size_t(pieceEnd - at));
        }
        if (n == 0)
            chunkHashes[task.column][task.chunk] = hasher.finish(f.data, 0);
        doneBytes += n;
        const std::string where = std::string("the ") + index::columnName(task.column);
        if ((sp.rule == Rule::Below || sp.rule == Rule::LocationNodes) && largest >= sp.limit && n)
            problem(where + " hold " + std::to_string(largest) + ", out of their range (below " +
                    std::to_string(sp.limit) + ")");
        if (sp.rule == Rule::Increasing) {
            const std::uint64_t count = f.entry->count;
            auto value = [&](std::uint64_t i) {
                return sp.elementBytes == 4 ? std::uint64_t(reinterpret_cast<const std::uint32_t*>(f.data)[i])
                                            : reinterpret_cast<const std::uint64_t*>(f.data)[i];
            };
            const std::uint64_t first = from / sp.elementBytes, last = (from + n) / sp.elementBytes;
            if (first == 0 && (count == 0 || value(0) != 0))
                problem(where + " do not start at 0");
            if (last == count && count && value(count - 1) != sp.limit)
                problem(where + " do not end at " + std::to_string(sp.limit));
            if (decrease)
                problem(where + " decrease at entry " + std::to_string(decrease));
        }
        if (missingName)
            problem(where + " name strings that do not exist");
    };
    const unsigned T = std::clamp(m_threads, 1u, 4u);
    detail::runParallel(T, [&](unsigned t) {
        for (;;) {
            if (bad || m_context.stopRequested())
                return;
            const std::size_t i = next.fetch_add(1);
            if (i >= tasks.size())
                return;
            checkChunk(tasks[i]);
            if (t == 0)
                m_context.report(Stage::Index, doneBytes.load(), totalBytes);
        }
    });
    if (m_context.stopRequested())
        return false;
    m_context.report(Stage::Index, totalBytes, totalBytes); // from this thread: the other may have done all
    if (bad)
        return reject(firstProblem);
    for (std::uint32_t c = 1; c < std::uint32_t(Column::End); ++c) {
        if (!m_found[c].entry)
            continue;
        std::uint64_t running = m_found[c].entry->count * m_found[c].entry->elementBytes;
        for (const std::uint64_t h : chunkHashes[c])
            running = index::foldChunk(running, h);
        if (m_checksums && running != m_found[c].entry->checksum)
            return reject(std::string("the ") + index::columnName(c) +
                          " are damaged (their checksum differs)");
    }
    // The small sections' indexes: trace tree parents and function infos, edge kinds already known.
    for (std::size_t i = 0; i < s.traceTree.size(); ++i) {
        const std::uint32_t parent = s.traceTree[i].parent;
        if (parent != kNoTraceNode && parent >= i)
            return reject("its allocation trace tree is damaged");
    }
    for (const TraceFunctionInfo& info : s.traceFunctionInfos)
        if (info.name.value >= strings || info.scriptName.value >= strings)
            return reject("its allocation functions name strings that do not exist");
    return true;
}

// The "All objects" rows' instance lists: every counted node (self size above 0) in its class's
// row, in increasing ordinal order, where the meta section says the row's list starts.
bool IndexReader::buildInstancePool() {
    Analysis& a = *m_analysis;
    const std::uint32_t N = m_snapshot->nodeCount;
    Aggregates& all = a.allObjects;
    std::vector<std::uint32_t> rowOfClass(a.classes.size(), kNoIndex);
    for (std::size_t r = 0; r < all.classes.size(); ++r) {
        if (rowOfClass[all.classes[r].classIndex] != kNoIndex)
            return reject("two Summary rows have the same class");
        rowOfClass[all.classes[r].classIndex] = std::uint32_t(r);
    }
    if (m_extras.instancePoolSize > N) // a node is in one row at most
        return reject("its Summary rows do not match its columns");
    // Each row's run of the pool apart from the others' (every slot is then written once).
    std::vector<std::pair<std::uint64_t, std::uint64_t>> runs;
    for (std::size_t r = 0; r < all.classes.size(); ++r)
        if (all.classes[r].count)
            runs.emplace_back(m_extras.rowPoolOffsets[r], all.classes[r].count);
    std::sort(runs.begin(), runs.end());
    for (std::size_t i = 1; i < runs.size(); ++i)
        if (runs[i - 1].first + runs[i - 1].second > runs[i].first)
            return reject("its Summary rows do not match its columns");
    all.instancePool = PodArray<std::uint32_t>::uninitialized(m_extras.instancePoolSize);
    std::vector<std::uint64_t> fill(m_extras.rowPoolOffsets);
    std::vector<std::uint64_t> end(all.classes.size());
    for (std::size_t r = 0; r < all.classes.size(); ++r)
        end[r] = fill[r] + all.classes[r].count;
    std::uint32_t* const pool = all.instancePool.data();
    const std::uint32_t* const self = a.selfSize.data();
    const std::uint32_t* const classOf = a.classOf.data();
    std::uint64_t placed = 0;
    for (std::uint32_t n = 0; n < N; ++n) {
        if ((n & 0x3FFFFF) == 0 && m_context.stopRequested())
            return false;
        if (self[n] == 0)
            continue;
        const std::uint32_t row = rowOfClass[classOf[n]];
        if (row == kNoIndex || fill[row] == end[row])
            return reject("its Summary rows do not match its columns");
        pool[fill[row]++] = n;
        ++placed;
    }
    if (placed != m_extras.instancePoolSize)
        return reject("its Summary rows do not match its columns");
    for (std::size_t r = 0; r < all.classes.size(); ++r) {
        ClassAggregate& row = all.classes[r];
        row.instances = TypedSpan<NodeOrdinal>(pool + m_extras.rowPoolOffsets[r], row.count);
    }
    return true;
}

Expected<std::optional<OpenedSnapshot>> IndexReader::open(const std::string& indexFile,
                                                          const index::SourceKey& key) {
    const int fd = ::open(indexFile.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            reject(std::string("it cannot be opened: ") + std::strerror(errno));
        return std::optional<OpenedSnapshot>();
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
        ::close(fd);
        reject("it is empty or not a file");
        return std::optional<OpenedSnapshot>();
    }
    m_size = std::size_t(st.st_size);
    // Populated at once: the checks read every page, and mapping them in one call costs far less
    // than a fault per page.
    void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_SHARED | (m_summaryOnly ? 0 : MAP_POPULATE), fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) {
        reject(std::string("it cannot be mapped: ") + std::strerror(errno));
        return std::optional<OpenedSnapshot>();
    }
    lap("index map");
    return openBytes(std::make_shared<Mapping>(p, m_size), static_cast<const char*>(p), m_size, &key, true);
}

Expected<std::optional<OpenedSnapshot>> IndexReader::openBytes(std::shared_ptr<const void> owner,
                                                               const char* data, std::size_t size,
                                                               const index::SourceKey* key, bool checksums) {
    auto cancelled = [&] { return cancelledError(m_path, "index", "opening the index was cancelled"); };
    m_map = std::move(owner);
    m_base = data;
    m_size = size;
    m_key = key;
    m_checksums = checksums;
    if (!checkHeader() || !findSections())
        return std::optional<OpenedSnapshot>();

    m_snapshot = std::make_shared<Snapshot>();
    m_analysis = std::make_shared<Analysis>();
    Snapshot& s = *m_snapshot;
    Analysis& a = *m_analysis;
    const Found& meta = m_found[std::size_t(Column::Meta)];
    std::string why;
    if (m_checksums && index::sectionChecksum(meta.data, meta.entry->count) != meta.entry->checksum)
        reject("its meta section is damaged (its checksum differs)");
    else if (!index::decodeMeta(meta.data, meta.entry->count, s, a, m_extras, &why))
        reject(why);
    else if (m_key && !(m_extras.key == *m_key))
        reject("the snapshot file has changed since the index was written");
    if (!m_reason.empty() || !checkCounts())
        return std::optional<OpenedSnapshot>();
    if (m_summaryOnly) {
        // the small fields only: every column stays empty, the Summary's rows list no instances
        s.path = m_path;
        s.setFacts(m_extras.facts);
        a.snapshot = m_snapshot;
        lap("index summary");
        return std::optional<OpenedSnapshot>(OpenedSnapshot{m_snapshot, m_analysis});
    }
    lap("index meta");
    if (!checkColumns()) {
        if (m_context.stopRequested())
            return cancelled();
        return std::optional<OpenedSnapshot>();
    }
    lap("index check");

    s.backing = m_map;
    s.path = m_path;
    s.identity = index::encodeKey(m_key ? *m_key : m_extras.key);
    s.nodeType = column<std::uint8_t>(Column::NodeType);
    s.nodeName = column<std::uint32_t>(Column::NodeName);
    s.nodeId = column<std::uint32_t>(Column::NodeId);
    s.nodeSelfSize = column<std::uint32_t>(Column::NodeSelfSize);
    s.firstEdge = column<std::uint32_t>(Column::FirstEdge);
    if (count(Column::NodeTraceId))
        s.nodeTraceId = column<std::uint32_t>(Column::NodeTraceId);
    if (count(Column::NodeDetachedness))
        s.nodeDetachedness = column<std::uint8_t>(Column::NodeDetachedness);
    s.edgeType = column<std::uint8_t>(Column::EdgeType);
    s.edgeNameOrIndex = column<std::uint32_t>(Column::EdgeNameOrIndex);
    s.edgeTo = column<std::uint32_t>(Column::EdgeTo);
    s.strings.borrow(m_found[std::size_t(Column::StringBytes)].data,
                     reinterpret_cast<const std::uint64_t*>(m_found[std::size_t(Column::StringOffsets)].data),
                     std::size_t(count(Column::StringOffsets) - 1));
    s.locations = column<Location>(Column::Locations);
    s.setFacts(m_extras.facts);
    // The retainers are not stored: Snapshot::ensureRetainers() builds them when first asked.

    a.snapshot = m_snapshot;
    if (has(Column::SelfSizePatch)) {
        if (!patched(Column::NodeSelfSize, Column::SelfSizePatch, ~std::uint32_t(0), a.selfSize))
            return std::optional<OpenedSnapshot>();
    } else {
        a.selfSize = column<std::uint32_t>(has(Column::SelfSize) ? Column::SelfSize : Column::NodeSelfSize);
    }
    a.distance = column<std::int32_t>(Column::Distance);
    a.dominator = column<std::uint32_t>(Column::Dominator);
    a.retainedSize = column<std::uint64_t>(Column::RetainedSize);
    // The dominator tree's lists are not stored: Analysis::ensureDominatorTree() builds them from
    // the dominators (checked to name nodes) when first asked.
    a.classOf = column<std::uint32_t>(Column::ClassOf);
    a.flags = column<std::uint8_t>(Column::Flags);
    if (has(Column::DetachednessPatch)) {
        if (!patched(Column::NodeDetachedness, Column::DetachednessPatch, 2, a.detachedness))
            return std::optional<OpenedSnapshot>();
    } else {
        a.detachedness =
            column<std::uint8_t>(has(Column::Detachedness) ? Column::Detachedness : Column::NodeDetachedness);
    }
    if (!buildInstancePool()) {
        if (m_context.stopRequested())
            return cancelled();
        return std::optional<OpenedSnapshot>();
    }
    lap("summary rows");
    return std::optional<OpenedSnapshot>(OpenedSnapshot{m_snapshot, m_analysis});
}

// Deletes a rejected index (or an empty folder in its place), unless another process has replaced
// it meanwhile. False with `why` when it is still there.
bool discard(const std::string& indexFile, const struct stat& seen, std::string* why) {
    struct stat now {};
    if (::stat(indexFile.c_str(), &now) != 0 || now.st_ino != seen.st_ino || now.st_dev != seen.st_dev)
        return true;
    if ((S_ISDIR(now.st_mode) ? ::rmdir(indexFile.c_str()) : ::unlink(indexFile.c_str())) == 0 ||
        errno == ENOENT)
        return true;
    *why = std::strerror(errno);
    return false;
}

} // namespace

Expected<std::optional<OpenedSnapshot>> index::openIndexBytes(std::shared_ptr<const void> owner,
                                                              const char* data, std::size_t size,
                                                              bool checksums, std::string* why) {
    const WorkContext none;
    IndexReader reader("(index in memory)", 1, none, nullptr);
    auto result = reader.openBytes(std::move(owner), data, size, nullptr, checksums);
    if (why)
        *why = reader.reason();
    return result;
}

namespace {
// `key`: the snapshot file's, taken by the caller (nullopt when the file cannot be read).
Expected<std::optional<OpenedSnapshot>> openKept(const std::string& path,
                                                 const std::optional<index::SourceKey>& key,
                                                 const IndexCacheOptions& options, unsigned threads,
                                                 const WorkContext& context, std::string* warning,
                                                 LoadTimings* timings, bool summaryOnly) {
    const std::string folder = indexFolder(options);
    if (folder.empty())
        return std::optional<OpenedSnapshot>();
    if (!key)
        return std::optional<OpenedSnapshot>(); // the load reports what is wrong with the file
    const std::string file = index::indexFileFor(folder, *key);
    struct stat seen {};
    if (::stat(file.c_str(), &seen) != 0)
        return std::optional<OpenedSnapshot>();
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
    IndexReader reader(path, threads, context, timings);
    reader.setSummaryOnly(summaryOnly);
    auto result = reader.open(file, *key);
    if (!result)
        return result;
    if (*result) {
        ::utimensat(AT_FDCWD, file.c_str(), nullptr, 0); // most recently used now
        return result;
    }
    if (!reader.reason().empty()) {
        std::string kept;
        const bool deleted = discard(file, seen, &kept);
        if (warning)
            *warning = "the kept index of " + path + " (" + file + ") could not be used: " + reader.reason() +
                       (deleted ? "; it was deleted" : "; it could not be deleted (" + kept + ")") +
                       " and the snapshot was read again";
    }
    return result;
}
} // namespace

Expected<std::optional<OpenedSnapshot>> openIndex(const std::string& path, const IndexCacheOptions& options,
                                                  unsigned threads, const WorkContext& context,
                                                  std::string* warning, LoadTimings* timings) {
    return openKept(path, index::sourceKey(path, nullptr), options, threads, context, warning, timings,
                    false);
}

Expected<std::optional<OpenedSnapshot>> openIndexSummary(const std::string& path,
                                                         const IndexCacheOptions& options,
                                                         std::string* warning, LoadTimings* timings) {
    const WorkContext none;
    return openKept(path, index::sourceKey(path, nullptr), options, 1, none, warning, timings, true);
}

Expected<OpenedSnapshot> openAnalyzed(const std::string& path, const OpenOptions& options,
                                      const WorkContext& context, OpenReport* report) {
    OpenReport local;
    OpenReport& r = report ? *report : local;
    r = {};
    // Taken once, before the load: the index written later is refused if the file changes meanwhile.
    const auto key = options.useIndex ? index::sourceKey(path, nullptr) : std::nullopt;
    if (options.useIndex) {
        LoadTimings indexTimings;
        auto opened = openKept(path, key, options.cache, options.load.threads, context, &r.indexWarning,
                               &indexTimings, false);
        if (!opened)
            return opened.error();
        if (*opened) {
            r.outcome = IndexOutcome::Used;
            r.timings = std::move(indexTimings);
            if (!options.analysis.interfaces)
                return std::move(**opened);
            // Classified with someone else's interfaces (a Comparison's base): the mapped graph
            // is reused, the analysis is run again.
            auto analysis = analyze((*opened)->snapshot, options.analysis, context);
            if (!analysis)
                return analysis.error();
            return OpenedSnapshot{(*opened)->snapshot, *analysis};
        }
        r.outcome = r.indexWarning.empty() ? IndexOutcome::Absent : IndexOutcome::Rejected;
    }
    LoadOptions load = options.load;
    if (key)
        load.identity = index::encodeKey(*key);
    auto snapshot = loadSnapshot(path, load, context, &r.timings);
    if (!snapshot)
        return snapshot.error();
    auto analysis = analyze(*snapshot, options.analysis, context);
    if (!analysis)
        return analysis.error();
    return OpenedSnapshot{*snapshot, *analysis};
}

} // namespace heapscope
