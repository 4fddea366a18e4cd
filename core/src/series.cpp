// SPDX-License-Identifier: MIT
// A series of snapshots: one file loaded at a time, its per-class numbers kept, the graph dropped.
#include "heapscope/series.h"

#include "heapscope/index_cache.h"
#include "heapscope/pod_array.h"
#include "heapscope/string_table.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <functional>
#include <numeric>
#include <thread>
#include <unordered_map>

namespace heapscope {

namespace {

// Digits only, at most 9 of them (fits in 32 bits).
std::optional<std::uint32_t> parseDigits(std::string_view text) {
    if (text.empty() || text.size() > 9)
        return std::nullopt;
    std::uint32_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + std::uint32_t(c - '0');
    }
    return value;
}

// compare()'s rule (facts.h), with the counts kept for the report.
SeriesInterval intervalOf(const ObjectIdMatch& match) {
    SeriesInterval result;
    result.matchedIds = match.matched;
    result.differingIds = match.differing;
    result.sameProcess = match.verdict();
    return result;
}

// Runs `first` on the calling thread and `second` beside it (one after the other with one thread);
// an exception from `second` is thrown here once both have ended.
template <typename First, typename Second>
void runSideBySide(unsigned threads, First&& first, Second&& second) {
    if (threads == 1 || (threads == 0 && std::thread::hardware_concurrency() <= 1)) {
        first();
        second();
        return;
    }
    std::exception_ptr secondFailed;
    {
        std::jthread beside([&] {
            try {
                second();
            } catch (...) {
                secondFailed = std::current_exception();
            }
        });
        first();
    }
    if (secondFailed)
        std::rethrow_exception(secondFailed);
}

// Two copies of one file have the same graph: the counts, every node's type, name, id and size, and
// the strings. (Ids and sizes alone can be equal in two runs of a small program.) The nodes and the
// strings are hashed side by side.
std::uint64_t graphFingerprint(const Snapshot& s, unsigned threads) {
    constexpr std::uint64_t kBasis = 0xcbf29ce484222325ull; // FNV-1a over words
    const auto mix = [](std::uint64_t& h, std::uint64_t v) {
        h ^= v;
        h *= 0x100000001b3ull;
    };
    std::uint64_t nodes = kBasis, strings = kBasis;
    runSideBySide(
        threads,
        [&] {
            for (NodeOrdinal n : s.nodes()) {
                mix(nodes, s.nodeType[n]);
                mix(nodes, s.nodeName[n].value);
                mix(nodes, s.nodeId[n]);
                mix(nodes, s.nodeSelfSize[n]);
            }
        },
        [&] {
            const std::hash<std::string_view> hash;
            for (StringId i(0); i.value < s.strings.size(); ++i)
                mix(strings, hash(s.strings.get(i)));
        });
    std::uint64_t h = kBasis;
    mix(h, s.nodeCount);
    mix(h, s.edgeCount);
    mix(h, nodes);
    mix(h, s.strings.size());
    mix(h, strings);
    return h;
}

struct ClassNumbers {
    std::uint32_t row = 0;  // into the rows
    std::uint32_t name = 0; // into the row's names
    std::uint32_t count = 0;
    std::uint64_t selfSize = 0;
    std::uint64_t retainedSize = 0;
};

// Frees a vector's memory (`v = {}` would only empty it).
template <typename T> void release(std::vector<T>& v) {
    std::vector<T>().swap(v);
}

// The ids of a snapshot: a bit per id for the dense ones (V8 numbers JS objects 1, 3, 5, ...: about
// twice the node count), a sorted list for the few far above them (embedder objects' ids).
class IdSet {
public:
    void assign(const Snapshot& s) {
        // Bits up to 32 per node cost at most what a sorted list would; below that, up to the
        // largest id.
        const std::uint64_t denseLimit = std::uint64_t(s.nodeCount) * 32 + 64;
        std::uint64_t largestDense = 0;
        for (NodeOrdinal n : s.nodes())
            if (s.nodeId[n] < denseLimit)
                largestDense = std::max<std::uint64_t>(largestDense, s.nodeId[n]);
        m_bits.assign(std::size_t(largestDense / 64 + 1), 0);
        m_sparse.clear();
        for (NodeOrdinal n : s.nodes()) {
            const std::uint32_t id = s.nodeId[n];
            if (id <= largestDense)
                m_bits[id / 64] |= std::uint64_t(1) << (id % 64);
            else
                m_sparse.push_back(id);
        }
        std::sort(m_sparse.begin(), m_sparse.end());
        m_sparse.shrink_to_fit();
        m_kept = true;
    }
    void clear() {
        release(m_bits);
        release(m_sparse);
        m_kept = false;
    }
    bool kept() const { return m_kept; }
    bool contains(std::uint32_t id) const {
        if (id / 64 < m_bits.size())
            return m_bits[id / 64] >> (id % 64) & 1;
        return std::binary_search(m_sparse.begin(), m_sparse.end(), id);
    }

private:
    std::vector<std::uint64_t> m_bits;
    std::vector<std::uint32_t> m_sparse;
    bool m_kept = false;
};

// One holder group of one snapshot: a trend row (class) and a path.
struct GroupNumbers {
    std::uint32_t row = 0;
    std::uint32_t path = 0;
    std::uint32_t count = 0;
    std::uint64_t selfSize = 0;
    std::uint64_t retainedSize = 0;
};

// What is kept of one loaded file.
struct Kept {
    SeriesSnapshot info;
    std::vector<ClassNumbers> classes;
    std::vector<GroupNumbers> groups;
    // Every node's id, for "was it alive then?": kept only for the oldest snapshot so far and the two
    // newest (the first, the one before the last and the last, in one process).
    IdSet ids;
    // Only for the snapshot with the newest objects so far (the last, in one process): every node's
    // id and its index into `groups` (kNoIndex for nodes not grouped).
    std::vector<std::uint32_t> memberIds;
    std::vector<std::uint32_t> memberGroups;
    ObjectIdSample sample;
    std::uint64_t fingerprint = 0;
    std::filesystem::path canonicalPath;
};

struct RowBuilder {
    std::string key;
    std::vector<std::string> names; // as the snapshots give them: one, unless a name changed
};

Error fileError(const std::string& path, std::string reason) {
    Error e;
    e.file = path;
    e.reason = std::move(reason);
    return e;
}

bool bothNamed(const SeriesSnapshot& a, const SeriesSnapshot& b) {
    return a.nodeName && b.nodeName;
}

// Node's names order by local date and time (seconds), then the per-process sequence number.
int compareNodeNames(const NodeSnapshotName& a, const NodeSnapshotName& b) {
    if (a.date != b.date)
        return a.date < b.date ? -1 : 1;
    if (a.time != b.time)
        return a.time < b.time ? -1 : 1;
    if (a.sequence != b.sequence)
        return a.sequence < b.sequence ? -1 : 1;
    return 0;
}

std::uint32_t rowOf(const ClassInfo& cls, std::unordered_map<std::string, std::uint32_t>& rowByKey,
                    std::vector<RowBuilder>& rows) {
    auto [it, inserted] = rowByKey.try_emplace(cls.key, std::uint32_t(rows.size()));
    if (inserted)
        rows.push_back({cls.key, {cls.name}});
    return it->second;
}

void keepHolderGroups(Kept& k, const Analysis& a, const HolderCensus& census,
                      std::unordered_map<std::string, std::uint32_t>& rowByKey,
                      std::vector<RowBuilder>& rows) {
    k.groups.reserve(census.groups.size());
    for (const HolderGroup& g : census.groups)
        k.groups.push_back(
            {rowOf(a.classes[g.classIndex], rowByKey, rows), g.path, g.count, g.selfSize, g.retainedSize});
}

// Keeps the id sets a survivor check can need at the end: the oldest snapshot's and the two newest'.
void keepIdSets(std::vector<Kept>& kept) {
    std::vector<std::size_t> byAge;
    for (std::size_t i = 0; i < kept.size(); ++i)
        if (kept[i].ids.kept())
            byAge.push_back(i);
    std::sort(byAge.begin(), byAge.end(), [&](std::size_t x, std::size_t y) {
        return takenBefore(kept[x].info.facts, kept[y].info.facts);
    });
    for (std::size_t rank = 1; rank + 2 < byAge.size(); ++rank)
        kept[byAge[rank]].ids.clear();
}

std::string countText(std::uint64_t value) {
    std::string digits = std::to_string(value), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

// The holder groups of every kept snapshot, followed in time order; the ones that grow in every
// interval (and, in one process, still hold objects allocated after the first snapshot) are leaks.
std::vector<LeakGroup> findLeaks(const Series& series, const std::vector<Kept>& kept,
                                 const std::vector<std::size_t>& order, std::size_t newestKept,
                                 const std::vector<RowBuilder>& rows, const HolderPathTable& table,
                                 const LeakOptions& options) {
    const std::size_t n = order.size();
    if (n < 2)
        return {};
    struct Track {
        std::uint32_t row;
        std::uint32_t path;
        std::vector<std::uint32_t> counts;
        std::vector<std::uint64_t> selfSizes;
        std::vector<std::uint64_t> retainedSizes;
        std::uint64_t survivors = 0;
        std::vector<std::uint32_t> sampleIds;
    };
    std::vector<Track> tracks;
    std::unordered_map<std::uint64_t, std::uint32_t> trackByKey;
    auto trackOf = [&](std::uint32_t row, std::uint32_t path) -> Track& {
        const auto [it, inserted] =
            trackByKey.try_emplace(std::uint64_t(row) << 32 | path, std::uint32_t(tracks.size()));
        if (inserted)
            tracks.push_back({row,
                              path,
                              std::vector<std::uint32_t>(n),
                              std::vector<std::uint64_t>(n),
                              std::vector<std::uint64_t>(n),
                              0,
                              {}});
        return tracks[it->second];
    };
    for (std::size_t t = 0; t < n; ++t) {
        for (const GroupNumbers& g : kept[order[t]].groups) {
            Track& track = trackOf(g.row, g.path);
            track.counts[t] = g.count;
            track.selfSizes[t] = g.selfSize;
            track.retainedSizes[t] = g.retainedSize;
        }
    }
    // The objects of the last snapshot: which were allocated after the first and alive before the last.
    constexpr std::size_t kSampleIds = 20;
    const Kept& last = kept[order[n - 1]];
    if (order[n - 1] == newestKept &&
        (!series.idsMatch || (kept[order[0]].ids.kept() && kept[order[n - 2]].ids.kept()))) {
        const Kept& first = kept[order[0]];
        const Kept& beforeLast = kept[order[n - 2]];
        for (std::size_t i = 0; i < last.memberIds.size(); ++i) {
            if (last.memberGroups[i] == kNoIndex)
                continue; // not grouped
            const GroupNumbers& g = last.groups[last.memberGroups[i]];
            Track& track = trackOf(g.row, g.path);
            const std::uint32_t id = last.memberIds[i];
            if (!series.idsMatch) {
                if (track.sampleIds.size() < kSampleIds)
                    track.sampleIds.push_back(id);
                continue;
            }
            if (first.ids.contains(id) || (n > 2 && !beforeLast.ids.contains(id)))
                continue;
            ++track.survivors;
            if (track.sampleIds.size() < kSampleIds)
                track.sampleIds.push_back(id);
        }
    }

    std::vector<LeakGroup> leaks;
    for (Track& track : tracks) {
        bool grows = true;
        for (std::size_t t = 1; t < n; ++t)
            grows = grows &&
                    track.counts[t] >= track.counts[t - 1] + std::uint64_t(std::max(1u, options.minGrowth));
        if (!grows || (series.idsMatch && track.survivors == 0))
            continue;
        LeakGroup leak;
        const TrendRow* classRow = nullptr;
        for (const TrendRow& row : series.classes)
            if (row.key == rows[track.row].key) {
                classRow = &row;
                break;
            }
        leak.classKey = rows[track.row].key;
        leak.className = classRow ? classRow->name : rows[track.row].names.back();
        leak.path = table.hops(track.path);
        leak.description = table.describe(leak.className, track.path);
        leak.counts = std::move(track.counts);
        leak.selfSizes = std::move(track.selfSizes);
        leak.retainedSizes = std::move(track.retainedSizes);
        leak.survivors = track.survivors;
        leak.sampleIds = std::move(track.sampleIds);
        leak.verdict = classifyTrend(leak.counts, leak.retainedSizes);
        leak.flagged = true;
        leak.reason = "grows in every interval (" + countText(leak.counts.front()) + " to " +
                      countText(leak.counts.back()) + " objects)";
        if (series.idsMatch)
            leak.reason +=
                "; " + countText(leak.survivors) + " allocated after the first snapshot are still alive";
        leaks.push_back(std::move(leak));
    }
    // Objects inside a leak (the strings of a leaking record, a leaking closure's context) are part
    // of it, not leaks of their own: a group held by an object of another flagged group, held as
    // that group is, goes into it when that group's retained size covers it.
    auto heldInside = [](const LeakGroup& inner, const LeakGroup& outer) {
        if (&inner == &outer || inner.path.empty() || inner.path.front().holder != outer.className ||
            outer.retainedSize() < inner.retainedSize())
            return false;
        const std::size_t common = std::min(inner.path.size() - 1, outer.path.size());
        return std::equal(inner.path.begin() + 1, inner.path.begin() + 1 + std::ptrdiff_t(common),
                          outer.path.begin());
    };
    std::vector<bool> nested(leaks.size());
    for (std::size_t i = 0; i < leaks.size(); ++i)
        for (std::size_t j = 0; j < leaks.size() && !nested[i]; ++j)
            if (heldInside(leaks[i], leaks[j])) {
                nested[i] = true;
                ++leaks[j].nestedGroups;
            }
    std::vector<LeakGroup> outer;
    for (std::size_t i = 0; i < leaks.size(); ++i)
        if (!nested[i])
            outer.push_back(std::move(leaks[i]));
    leaks = std::move(outer);
    std::sort(leaks.begin(), leaks.end(), [](const LeakGroup& a, const LeakGroup& b) {
        if (a.retainedGrowth() != b.retainedGrowth())
            return a.retainedGrowth() > b.retainedGrowth();
        if (a.countGrowth() != b.countGrowth())
            return a.countGrowth() > b.countGrowth();
        return a.description < b.description;
    });
    return leaks;
}

} // namespace

std::optional<NodeSnapshotName> parseNodeSnapshotName(std::string_view path) {
    const auto slash = path.find_last_of("/\\");
    std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    constexpr std::string_view gz = ".gz", suffix = ".heapsnapshot", prefix = "Heap.";
    if (name.size() > gz.size() && name.substr(name.size() - gz.size()) == gz)
        name.remove_suffix(gz.size());
    if (name.size() <= prefix.size() + suffix.size() || name.substr(0, prefix.size()) != prefix ||
        name.substr(name.size() - suffix.size()) != suffix)
        return std::nullopt;
    name = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    std::uint32_t parts[5];
    for (int i = 0; i < 5; ++i) {
        const auto dot = name.find('.');
        if ((dot == std::string_view::npos) != (i == 4))
            return std::nullopt;
        const auto value = parseDigits(name.substr(0, dot));
        if (!value)
            return std::nullopt;
        parts[i] = *value;
        name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    }
    NodeSnapshotName out;
    out.date = parts[0];
    out.time = parts[1];
    out.pid = parts[2];
    out.thread = parts[3];
    out.sequence = parts[4];
    return out;
}

const char* trendVerdictName(TrendVerdict verdict) {
    switch (verdict) {
    case TrendVerdict::Grows:
        return "grows";
    case TrendVerdict::GrowsSometimes:
        return "grows-sometimes";
    case TrendVerdict::Plateau:
        return "plateau";
    case TrendVerdict::Oscillates:
        return "oscillates";
    case TrendVerdict::Freed:
        return "freed";
    case TrendVerdict::Shrinks:
        return "shrinks";
    case TrendVerdict::Flat:
        break;
    }
    return "flat";
}

const char* trendVerdictReason(TrendVerdict verdict) {
    switch (verdict) {
    case TrendVerdict::Grows:
        return "grows in every interval";
    case TrendVerdict::GrowsSometimes:
        return "grew, but not in every interval";
    case TrendVerdict::Plateau:
        return "plateau: grew, then stayed flat (a bounded cache or pool)";
    case TrendVerdict::Oscillates:
        return "oscillates: went up and down (a queue or buffer)";
    case TrendVerdict::Freed:
        return "freed: went up, then back to its first size (a transient batch)";
    case TrendVerdict::Shrinks:
        return "shrinks";
    case TrendVerdict::Flat:
        break;
    }
    return "flat: no change";
}

TrendVerdict classifyTrend(std::span<const std::uint32_t> counts,
                           std::span<const std::uint64_t> retainedSizes) {
    const std::size_t n = counts.size();
    if (n < 2)
        return TrendVerdict::Flat;
    bool countGrows = true, retainedGrows = retainedSizes.size() == n;
    bool up = false, down = false;
    for (std::size_t t = 1; t < n; ++t) {
        countGrows = countGrows && counts[t] > counts[t - 1];
        retainedGrows = retainedGrows && retainedSizes[t] > retainedSizes[t - 1];
        up = up || counts[t] > counts[t - 1];
        down = down || counts[t] < counts[t - 1];
    }
    if (countGrows || retainedGrows)
        return TrendVerdict::Grows;
    if (!up && !down)
        return TrendVerdict::Flat;
    if (up && !down)
        return counts[n - 1] > counts[n - 2] ? TrendVerdict::GrowsSometimes : TrendVerdict::Plateau;
    if (down && !up)
        return TrendVerdict::Shrinks;
    return counts[n - 1] <= counts[0] ? TrendVerdict::Freed : TrendVerdict::Oscillates;
}

const char* seriesOrderBasisName(SeriesOrderBasis basis) {
    switch (basis) {
    case SeriesOrderBasis::ObjectIds:
        return "object ids";
    case SeriesOrderBasis::FileNames:
        return "file names";
    case SeriesOrderBasis::Given:
        break;
    }
    return "given";
}

Expected<Series> analyzeSeries(const std::vector<std::string>& paths, const SeriesOptions& options,
                               const WorkContext& context) {
    const std::size_t fileCount = paths.size();
    std::vector<Kept> kept;             // loaded files, in the order given
    std::vector<SeriesSnapshot> failed; // left-out files, in the order given
    std::vector<RowBuilder> rows;
    std::unordered_map<std::string, std::uint32_t> rowByKey;
    // pairChecks[k][j] for j < k: the sampled ids of kept[j] looked up in kept[k]
    std::vector<std::vector<SeriesInterval>> pairChecks;
    HolderPathTable pathTable;  // one for the series: a path is one id in every snapshot
    std::size_t newestKept = 0; // the kept file with the newest objects, the only one with members
    // Each file's graph and analysis take about what the last one freed: reuse its pages.
    const detail::BlockReuse reusePages;

    for (std::size_t i = 0; i < fileCount; ++i) {
        detail::releaseFreedMemory(); // what the last file's graph and analysis freed, before the next
        const std::string& path = paths[i];
        if (context.stopRequested())
            return cancelledError(path, "", "the series was cancelled");
        context.report(Stage::Series, std::uint64_t(i) * 1000, std::uint64_t(fileCount) * 1000);
        SeriesSnapshot info;
        info.path = path;
        info.givenIndex = i;
        info.nodeName = parseNodeSnapshotName(path);

        std::error_code ec;
        std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
        if (ec)
            canonical = path;
        const auto samePath = std::find_if(kept.begin(), kept.end(),
                                           [&](const Kept& k) { return k.canonicalPath == canonical; });
        if (samePath != kept.end()) {
            info.error =
                fileError(path, "the same file as " + samePath->info.path + ", given earlier in the series");
            failed.push_back(std::move(info));
            continue;
        }

        // The file's own load and analysis fill its share of the series' bar.
        WorkContext fileContext;
        fileContext.stop = context.stop;
        if (context.progress)
            fileContext.progress = [&, i](Stage stage, std::uint64_t done, std::uint64_t total) {
                const double inFile = jobFraction(stage, done, total);
                context.report(Stage::Series, std::uint64_t(i) * 1000 + std::uint64_t(inFile * 999),
                               std::uint64_t(fileCount) * 1000);
            };
        // A kept index gives both at once; a copy of an earlier file is then found by its fingerprint
        // all the same.
        std::optional<OpenedSnapshot> fromIndex;
        if (options.useIndex) {
            auto opened =
                openIndex(path, options.cache, options.load.threads, fileContext, &info.indexWarning);
            if (!opened)
                return opened.error();
            fromIndex = std::move(*opened);
        }
        LoadOptions load = options.load;
        if (options.useIndex && !fromIndex)
            load.identity = snapshotIdentity(path);
        Expected<SnapshotPtr> snapshot =
            fromIndex ? Expected<SnapshotPtr>(fromIndex->snapshot) : loadSnapshot(path, load, fileContext);
        if (!snapshot) {
            if (snapshot.error().cancelled)
                return snapshot.error();
            info.error = snapshot.error();
            failed.push_back(std::move(info));
            continue;
        }
        // A copy is known before its analysis.
        const std::uint64_t fingerprint = graphFingerprint(**snapshot, options.load.threads);
        const auto sameGraph = std::find_if(
            kept.begin(), kept.end(), [&](const Kept& other) { return other.fingerprint == fingerprint; });
        if (sameGraph != kept.end()) {
            info.error = fileError(path, "a copy of " + sameGraph->info.path +
                                             " (the same heap graph), given earlier in the series");
            failed.push_back(std::move(info));
            continue;
        }
        // The holder paths of a fresh analysis are worked out on its second thread, beside the
        // dominators.
        std::optional<Expected<std::vector<std::uint32_t>>> holderPaths;
        AnalysisOptions analysisOptions = options.analysis;
        analysisOptions.alongside = [&](const Analysis& partial, const WorkContext& alongsideContext) {
            holderPaths = summarizeHolderPaths(partial, pathTable, options.leaks.paths, alongsideContext);
        };
        Expected<AnalysisPtr> analysis = fromIndex ? Expected<AnalysisPtr>(fromIndex->analysis)
                                                   : analyze(*snapshot, analysisOptions, fileContext);
        // Leaving this iteration, what is kept and was not taken again goes back to the system
        // before this file's graph and analysis are freed (and kept for the next file).
        struct ReleaseUnused {
            const detail::BlockReuse& reuse;
            ~ReleaseUnused() { reuse.releaseKept(); }
        } const releaseUnused{reusePages};
        if (!analysis) {
            if (analysis.error().cancelled)
                return analysis.error();
            info.error = analysis.error();
            failed.push_back(std::move(info));
            continue;
        }
        info.fromIndex = fromIndex.has_value();
        if (!fromIndex && options.analyzedFresh)
            options.analyzedFresh(*analysis);
        const Snapshot& s = **snapshot;
        const Analysis& a = **analysis;

        Kept k;
        k.canonicalPath = canonical;
        k.fingerprint = fingerprint;
        info.nodeCount = s.nodeCount;
        info.edgeCount = s.edgeCount;
        info.totalSize = a.totalSize;
        info.facts = s.facts();
        k.info = std::move(info);

        // Per-class numbers: exactly the Summary's "All objects" rows.
        k.classes.reserve(a.allObjects.classes.size());
        for (const ClassAggregate& c : a.allObjects.classes) {
            const ClassInfo& cls = a.classes[c.classIndex];
            const std::uint32_t rowIndex = rowOf(cls, rowByKey, rows);
            RowBuilder& row = rows[rowIndex];
            auto name = std::find(row.names.begin(), row.names.end(), cls.name);
            if (name == row.names.end())
                name = row.names.insert(name, cls.name);
            k.classes.push_back(
                {rowIndex, std::uint32_t(name - row.names.begin()), c.count, c.selfSize, c.retainedSize});
        }

        // Only the snapshot with the newest objects keeps its objects' groups: the one kept so far
        // lets go of them first.
        const bool newest = kept.empty() || takenBefore(kept[newestKept].info.facts, k.info.facts);
        if (newest && !kept.empty()) {
            release(kept[newestKept].memberIds);
            release(kept[newestKept].memberGroups);
        }
        // The census groups the objects while the ids are checked against every earlier file's
        // sample (in one pass over this file's ids) and kept.
        std::optional<Expected<HolderCensus>> census;
        std::vector<SeriesInterval> checks;
        runSideBySide(
            options.load.threads,
            [&] {
                census = holderPaths && *holderPaths
                             ? Expected<HolderCensus>(holderCensusOfPaths(a, std::move(**holderPaths)))
                             : holderCensus(a, pathTable, options.leaks.paths, fileContext);
            },
            [&] {
                std::vector<const ObjectIdSample*> earlierSamples;
                for (const Kept& earlier : kept)
                    earlierSamples.push_back(&earlier.sample);
                for (const ObjectIdMatch& match : matchObjectIds(earlierSamples, s))
                    checks.push_back(intervalOf(match));
                k.sample = sampleObjectIds(s);
                k.ids.assign(s);
                if (newest)
                    k.memberIds.assign(s.nodeId.data(), s.nodeId.data() + s.nodeCount);
            });
        if (!*census) {
            if (census->error().cancelled)
                return census->error();
            k.info.error = census->error();
            failed.push_back(std::move(k.info));
            continue;
        }
        keepHolderGroups(k, a, **census, rowByKey, rows);
        if (newest)
            k.memberGroups = std::move((*census)->groupOfNode);
        pairChecks.push_back(std::move(checks));
        if (newest)
            newestKept = kept.size();
        kept.push_back(std::move(k));
        keepIdSets(kept);
        // `snapshot` and `analysis` go out of scope here: only the numbers above stay.
    }
    context.report(Stage::Series, std::uint64_t(fileCount) * 1000, std::uint64_t(fileCount) * 1000);

    Series series;
    const std::size_t n = kept.size();
    auto pairCheck = [&](std::size_t x, std::size_t y) -> const SeriesInterval& {
        return x < y ? pairChecks[y][x] : pairChecks[x][y];
    };

    // Time order.
    bool anyDifferent = false, allHaveIds = true, allNamed = true;
    for (std::size_t x = 0; x < n; ++x) {
        allHaveIds = allHaveIds && kept[x].info.facts.maxJsObjectId != 0;
        allNamed = allNamed && kept[x].info.nodeName.has_value();
        for (std::size_t y = 0; y < x; ++y)
            anyDifferent = anyDifferent || pairCheck(x, y).sameProcess == SameProcess::No;
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    auto byNames = [&](std::size_t x, std::size_t y) {
        return compareNodeNames(*kept[x].info.nodeName, *kept[y].info.nodeName) < 0;
    };
    if (options.keepGivenOrder) {
        series.orderBasis = SeriesOrderBasis::Given; // the user's order, as asked
    } else if (!anyDifferent && allHaveIds) {
        // One process: a later snapshot has newer objects (facts.h). Equal ids: the names, if any.
        series.orderBasis = SeriesOrderBasis::ObjectIds;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
            const SeriesSnapshot& a = kept[x].info;
            const SeriesSnapshot& b = kept[y].info;
            if (takenBefore(a.facts, b.facts))
                return true;
            if (takenBefore(b.facts, a.facts))
                return false;
            return bothNamed(a, b) && byNames(x, y);
        });
        if (allNamed && !std::is_sorted(order.begin(), order.end(), byNames))
            series.warnings.push_back("the file names give another order than the object ids; the series "
                                      "follows the object ids");
        for (std::size_t x = 1; x < n; ++x)
            if (!takenBefore(kept[order[x - 1]].info.facts, kept[order[x]].info.facts))
                series.warnings.push_back(kept[order[x - 1]].info.path + " and " + kept[order[x]].info.path +
                                          " have the same newest object id: their order is not certain");
    } else if (allNamed) {
        series.orderBasis = SeriesOrderBasis::FileNames;
        std::stable_sort(order.begin(), order.end(), byNames);
    } else {
        series.orderBasis = SeriesOrderBasis::Given;
        if (n > 1)
            series.warnings.push_back(
                anyDifferent ? "the snapshots come from different processes and not all have Node's file "
                               "names (Heap.<date>.<time>.<pid>.<thread>.<seq>.heapsnapshot): they are "
                               "kept in the order given"
                             : "some snapshots have no JS object ids and not all have Node's file names: "
                               "they are kept in the order given");
    }
    if (anyDifferent)
        series.warnings.push_back("some snapshots come from different processes (their object ids do not "
                                  "carry over): classes and leak groups are matched by class and holder "
                                  "path, and no object is followed from one snapshot to the next");

    series.loadedCount = n;
    for (std::size_t t = 0; t < n; ++t)
        series.snapshots.push_back(kept[order[t]].info);
    for (auto& f : failed)
        series.snapshots.push_back(std::move(f));
    for (std::size_t t = 1; t < n; ++t) {
        SeriesInterval interval = pairCheck(order[t - 1], order[t]);
        interval.earlier = t - 1;
        interval.later = t;
        series.intervals.push_back(interval);
    }

    // The trend rows, in time order.
    series.classes.resize(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        TrendRow& row = series.classes[r];
        row.key = rows[r].key; // kept in rows too: the leak groups name their class by it
        row.counts.assign(n, 0);
        row.selfSizes.assign(n, 0);
        row.retainedSizes.assign(n, 0);
    }
    // In time order, so that the name left is the latest snapshot's.
    for (std::size_t t = 0; t < n; ++t) {
        for (const ClassNumbers& c : kept[order[t]].classes) {
            TrendRow& row = series.classes[c.row];
            row.name = rows[c.row].names[c.name];
            row.counts[t] = c.count;
            row.selfSizes[t] = c.selfSize;
            row.retainedSizes[t] = c.retainedSize;
        }
    }
    for (TrendRow& row : series.classes) {
        bool countGrows = n >= 2, retainedGrows = n >= 2;
        for (std::size_t t = 1; t < n; ++t) {
            countGrows = countGrows && row.counts[t] > row.counts[t - 1];
            retainedGrows = retainedGrows && row.retainedSizes[t] > row.retainedSizes[t - 1];
        }
        row.growsEveryInterval = countGrows || retainedGrows;
        row.verdict = classifyTrend(row.counts, row.retainedSizes);
    }
    // Survivors need the ids' own order: the first snapshot the oldest, the last the newest.
    bool idOrder = n >= 2;
    for (std::size_t t = 1; t < n; ++t)
        idOrder = idOrder && takenBefore(kept[order[t - 1]].info.facts, kept[order[t]].info.facts);
    series.idsMatch =
        idOrder && std::all_of(series.intervals.begin(), series.intervals.end(),
                               [](const SeriesInterval& i) { return i.sameProcess == SameProcess::Yes; });
    series.leaks = findLeaks(series, kept, order, newestKept, rows, pathTable, options.leaks);
    auto change = [n](const std::vector<std::uint64_t>& v) {
        return n ? std::int64_t(v[n - 1]) - std::int64_t(v[0]) : 0;
    };
    auto countChange = [n](const TrendRow& row) {
        return n ? std::int64_t(row.counts[n - 1]) - std::int64_t(row.counts[0]) : 0;
    };
    std::sort(series.classes.begin(), series.classes.end(), [&](const TrendRow& a, const TrendRow& b) {
        const std::int64_t ra = change(a.retainedSizes), rb = change(b.retainedSizes);
        if (ra != rb)
            return ra > rb;
        const std::int64_t ca = countChange(a), cb = countChange(b);
        if (ca != cb)
            return ca > cb;
        const int c = text::compareUtf16(a.name, b.name);
        if (c != 0)
            return c < 0;
        return a.key < b.key;
    });
    return series;
}

} // namespace heapscope
