// SPDX-License-Identifier: MIT
// A series of snapshots: one file loaded at a time, its per-class numbers kept, the graph dropped.
#include "heapscope/series.h"

#include "heapscope/string_table.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <numeric>
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
SeriesInterval matchIds(const ObjectIdSample& sample, const Snapshot& other) {
    const ObjectIdMatch match = matchObjectIds(sample, other);
    SeriesInterval result;
    result.matchedIds = match.matched;
    result.differingIds = match.differing;
    result.sameProcess = match.verdict();
    return result;
}

// Two copies of one file have the same graph: the counts, every node's type, name, id and size, and
// the strings. (Ids and sizes alone can be equal in two runs of a small program.)
std::uint64_t graphFingerprint(const Snapshot& s) {
    std::uint64_t h = 0xcbf29ce484222325ull; // FNV-1a over words
    auto mix = [&h](std::uint64_t v) {
        h ^= v;
        h *= 0x100000001b3ull;
    };
    mix(s.nodeCount);
    mix(s.edgeCount);
    for (std::uint32_t n = 0; n < s.nodeCount; ++n) {
        mix(s.nodeType[n]);
        mix(s.nodeName[n]);
        mix(s.nodeId[n]);
        mix(s.nodeSelfSize[n]);
    }
    const std::hash<std::string_view> hash;
    mix(s.strings.size());
    for (std::uint32_t i = 0; i < s.strings.size(); ++i)
        mix(hash(s.strings[i]));
    return h;
}

struct ClassNumbers {
    std::uint32_t row = 0;  // into the rows
    std::uint32_t name = 0; // into the row's names
    std::uint32_t count = 0;
    std::uint64_t selfSize = 0;
    std::uint64_t retainedSize = 0;
};

// What is kept of one loaded file.
struct Kept {
    SeriesSnapshot info;
    std::vector<ClassNumbers> classes;
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

    for (std::size_t i = 0; i < fileCount; ++i) {
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
        auto snapshot = loadSnapshot(path, options.load, fileContext);
        if (!snapshot) {
            if (snapshot.error().cancelled)
                return snapshot.error();
            info.error = snapshot.error();
            failed.push_back(std::move(info));
            continue;
        }
        // A copy is known before its analysis.
        const std::uint64_t fingerprint = graphFingerprint(**snapshot);
        const auto sameGraph = std::find_if(
            kept.begin(), kept.end(), [&](const Kept& other) { return other.fingerprint == fingerprint; });
        if (sameGraph != kept.end()) {
            info.error = fileError(path, "a copy of " + sameGraph->info.path +
                                             " (the same heap graph), given earlier in the series");
            failed.push_back(std::move(info));
            continue;
        }
        auto analysis = analyze(*snapshot, options.analysis, fileContext);
        if (!analysis) {
            if (analysis.error().cancelled)
                return analysis.error();
            info.error = analysis.error();
            failed.push_back(std::move(info));
            continue;
        }
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
            auto [it, inserted] = rowByKey.try_emplace(cls.key, std::uint32_t(rows.size()));
            if (inserted)
                rows.push_back({cls.key, {}});
            RowBuilder& row = rows[it->second];
            auto name = std::find(row.names.begin(), row.names.end(), cls.name);
            if (name == row.names.end())
                name = row.names.insert(name, cls.name);
            k.classes.push_back(
                {it->second, std::uint32_t(name - row.names.begin()), c.count, c.selfSize, c.retainedSize});
        }

        std::vector<SeriesInterval> checks;
        checks.reserve(kept.size());
        for (const Kept& earlier : kept)
            checks.push_back(matchIds(earlier.sample, s));
        pairChecks.push_back(std::move(checks));
        k.sample = sampleObjectIds(s);
        kept.push_back(std::move(k));
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
    if (!anyDifferent && allHaveIds) {
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
        series.warnings.push_back("some snapshots come from different processes (their object ids name "
                                  "different objects): the classes are compared by name only");

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
        row.key = std::move(rows[r].key);
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
    }
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
