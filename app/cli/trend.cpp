// SPDX-License-Identifier: MIT
// heapscope-cli trend and leaks: the series core's trend table and leak groups as text, JSON
// (docs/trend.schema.json) or CSV.
#include "trend.h"

#include "cache.h"

#include "commands.h"
#include "heapscope/csv.h"
#include "heapscope/format.h"
#include "heapscope/json_writer.h"
#include "heapscope/series.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace heapscope::cli {

namespace {

constexpr int kOk = 0;
constexpr int kLoadError = 1;
constexpr int kUsage = 2;
constexpr int kLeakFound = 3;

int usageError(const std::string& message) {
    std::fprintf(stderr, "heapscope-cli: %s\n\n%s", message.c_str(), usageText());
    return kUsage;
}

// Pads a UTF-8 string to a display width (counting code points), or cuts it with an ellipsis.
std::string fit(const std::string& s, std::size_t width, bool right = false) {
    std::size_t cps = 0;
    for (unsigned char c : s)
        cps += (c & 0xC0) != 0x80;
    if (cps > width) {
        std::size_t kept = 0, i = 0;
        for (; i < s.size(); ++i)
            if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && kept++ == width - 1)
                break;
        return s.substr(0, i) + "\xE2\x80\xA6";
    }
    const std::string fill(width - cps, ' ');
    return right ? fill + s : s + fill;
}

template <typename T> void writeArray(JsonWriter& w, std::string_view key, const std::vector<T>& values) {
    w.key(key).beginArray();
    for (const T& v : values)
        w.value(v);
    w.endArray();
}

template <typename Change>
std::vector<std::int64_t> changes(const TrendRow& row, std::size_t n, Change change) {
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i + 1 < n; ++i)
        out.push_back((row.*change)(i));
    return out;
}

} // namespace

void writeSeriesFields(JsonWriter& w, const Series& series, std::size_t begin, std::size_t end) {
    const std::size_t n = series.loadedCount;
    w.field("schema", "heapscope-trend/1");
    w.field("order", seriesOrderBasisName(series.orderBasis));
    w.key("snapshots").beginArray();
    for (const SeriesSnapshot& s : series.snapshots) {
        w.beginObject();
        w.field("path", s.path);
        if (s.error) {
            w.field("error", s.error->message());
        } else {
            w.key("error").null();
            w.field("node_count", s.nodeCount);
            w.field("edge_count", s.edgeCount);
            w.field("total_size", s.totalSize);
            w.field("max_object_id", std::uint64_t(s.facts.maxJsObjectId));
        }
        w.endObject();
    }
    w.endArray();
    w.key("intervals").beginArray();
    for (const SeriesInterval& i : series.intervals) {
        w.beginObject();
        w.field("earlier", std::uint64_t(i.earlier));
        w.field("later", std::uint64_t(i.later));
        w.field("same_process", sameProcessName(i.sameProcess));
        w.field("matched_ids", i.matchedIds);
        w.field("differing_ids", i.differingIds);
        w.endObject();
    }
    w.endArray();
    writeArray(w, "warnings", series.warnings);
    w.field("class_count", std::uint64_t(series.classes.size()));
    w.key("classes").beginArray();
    for (std::size_t r = begin; r < std::min(end, series.classes.size()); ++r) {
        const TrendRow& row = series.classes[r];
        w.beginObject();
        w.field("key", row.key);
        w.field("name", row.name);
        writeArray(w, "counts", row.counts);
        writeArray(w, "self_sizes", row.selfSizes);
        writeArray(w, "retained_sizes", row.retainedSizes);
        writeArray(w, "count_changes", changes(row, n, &TrendRow::countChange));
        writeArray(w, "self_size_changes", changes(row, n, &TrendRow::selfSizeChange));
        writeArray(w, "retained_size_changes", changes(row, n, &TrendRow::retainedSizeChange));
        w.field("grows_every_interval", row.growsEveryInterval);
        w.field("verdict", trendVerdictName(row.verdict));
        w.field("reason", trendVerdictReason(row.verdict));
        w.endObject();
    }
    w.endArray();
    w.field("ids_match", series.idsMatch);
    w.key("leaks").beginArray();
    for (const LeakGroup& leak : series.leaks) {
        w.beginObject();
        w.field("class", leak.className);
        w.field("class_key", leak.classKey);
        writeArray(w, "counts", leak.counts);
        writeArray(w, "self_sizes", leak.selfSizes);
        writeArray(w, "retained_sizes", leak.retainedSizes);
        w.field("retained_size", leak.retainedSize());
        w.field("retained_growth", leak.retainedGrowth());
        w.field("count_growth", leak.countGrowth());
        w.field("survivors", leak.survivors);
        w.field("nested_groups", std::uint64_t(leak.nestedGroups));
        w.key("path").beginArray();
        for (const HolderHop& hop : leak.path) {
            w.beginObject();
            w.field("holder", hop.holder);
            w.field("edge", hop.edge);
            w.endObject();
        }
        w.endArray();
        w.field("description", leak.description);
        writeArray(w, "sample_ids", leak.sampleIds);
        w.field("verdict", trendVerdictName(leak.verdict));
        w.field("reason", leak.reason);
        w.endObject();
    }
    w.endArray();
}

namespace {

void writeJson(const Series& series, std::size_t top) {
    JsonWriter w;
    w.beginObject();
    writeSeriesFields(w, series, 0, top);
    w.endObject();
    std::printf("%s\n", w.str().c_str());
}

// One row per class: key, name, then count, self size and retained size per snapshot (columns
// suffixed with the snapshot's number in time order, from 1), then the mark.
void writeCsv(const Series& series, std::size_t top) {
    const std::size_t n = series.loadedCount;
    csv::Writer w;
    w.text("key").text("name");
    for (const char* column : {"count_", "self_size_", "retained_size_"})
        for (std::size_t t = 0; t < n; ++t)
            w.text(column + std::to_string(t + 1));
    w.text("grows_every_interval").text("verdict").endRow();
    for (std::size_t r = 0; r < std::min(top, series.classes.size()); ++r) {
        const TrendRow& row = series.classes[r];
        w.text(row.key).text(row.name);
        for (auto v : row.counts)
            w.number(v);
        for (auto v : row.selfSizes)
            w.number(v);
        for (auto v : row.retainedSizes)
            w.number(v);
        w.text(row.growsEveryInterval ? "true" : "false").text(trendVerdictName(row.verdict)).endRow();
    }
    std::fputs(w.str().c_str(), stdout);
}

void writeSnapshotsText(const Series& series) {
    const std::size_t n = series.loadedCount;
    std::printf("%zu snapshots in time order (from the %s):\n", n, seriesOrderBasisName(series.orderBasis));
    for (std::size_t t = 0; t < n; ++t) {
        const SeriesSnapshot& s = series.snapshots[t];
        std::printf("  #%zu %s  %s nodes, %s, newest object @%u\n", t + 1, s.path.c_str(),
                    format::grouped(s.nodeCount).c_str(), format::bytesAdaptive(s.totalSize).c_str(),
                    s.facts.maxJsObjectId);
    }
    for (const SeriesInterval& i : series.intervals)
        if (i.sameProcess != SameProcess::Yes)
            std::printf("  #%zu and #%zu: same process %s\n", i.earlier + 1, i.later + 1,
                        sameProcessName(i.sameProcess));
}

void writeText(const Series& series, std::size_t top) {
    const std::size_t n = series.loadedCount;
    writeSnapshotsText(series);
    std::printf("\n%s", fit("Constructor", 40).c_str());
    for (std::size_t t = 0; t < n; ++t)
        std::printf(" %s", fit("# " + std::to_string(t + 1), 10, true).c_str());
    for (std::size_t t = 0; t < n; ++t)
        std::printf(" %s", fit("Retained " + std::to_string(t + 1), 12, true).c_str());
    std::printf(" %s\n", "Trend");
    for (std::size_t r = 0; r < std::min(top, series.classes.size()); ++r) {
        const TrendRow& row = series.classes[r];
        std::printf("%s", fit(text::toUtf8(row.name), 40).c_str());
        for (auto v : row.counts)
            std::printf(" %s", fit(format::grouped(v), 10, true).c_str());
        for (auto v : row.retainedSizes)
            std::printf(" %s", fit(format::bytesAdaptive(v), 12, true).c_str());
        std::printf(" %s\n", trendVerdictName(row.verdict));
    }
}

std::string sequence(const std::vector<std::uint32_t>& values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i)
        out += (i ? " → " : "") + format::grouped(values[i]);
    return out;
}

std::string sizeSequence(const std::vector<std::uint64_t>& values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i)
        out += (i ? " → " : "") + format::bytesAdaptive(values[i]);
    return out;
}

void writeLeaksText(const Series& series, std::size_t top) {
    writeSnapshotsText(series);
    std::printf("\n");
    if (series.leaks.empty()) {
        std::printf("No leak candidates: no group of objects held the same way grows in every interval.\n");
    } else {
        std::printf("%zu leak candidate%s, biggest growth of retained size first:\n", series.leaks.size(),
                    series.leaks.size() == 1 ? "" : "s");
        for (std::size_t i = 0; i < std::min(top, series.leaks.size()); ++i) {
            const LeakGroup& leak = series.leaks[i];
            std::printf("\n%2zu. %s %s\n", i + 1, format::grouped(leak.counts.back()).c_str(),
                        text::toUtf8(leak.description).c_str());
            std::printf("    count     %s\n", sequence(leak.counts).c_str());
            std::printf("    retained  %s\n", sizeSequence(leak.retainedSizes).c_str());
            std::printf("    %s\n", leak.reason.c_str());
            if (leak.nestedGroups)
                std::printf("    with %u more growing group%s of objects it holds\n", leak.nestedGroups,
                            leak.nestedGroups == 1 ? "" : "s");
            if (!leak.sampleIds.empty()) {
                std::string ids;
                for (std::size_t k = 0; k < std::min<std::size_t>(5, leak.sampleIds.size()); ++k)
                    ids += (k ? ", @" : "@") + std::to_string(leak.sampleIds[k]);
                std::printf("    objects   %s\n", ids.c_str());
            }
        }
    }
    // Classes that changed but are not leaks, and why.
    std::vector<const TrendRow*> notLeaks;
    for (const TrendRow& row : series.classes)
        if (row.verdict == TrendVerdict::Plateau || row.verdict == TrendVerdict::Oscillates ||
            row.verdict == TrendVerdict::Freed)
            notLeaks.push_back(&row);
    if (!notLeaks.empty()) {
        std::printf("\nNot flagged (the biggest classes that changed without leaking):\n");
        for (std::size_t i = 0; i < std::min<std::size_t>(10, notLeaks.size()); ++i)
            std::printf("    %s %s  %s\n", fit(text::toUtf8(notLeaks[i]->name), 36).c_str(),
                        fit(sequence(notLeaks[i]->counts), 40).c_str(),
                        trendVerdictReason(notLeaks[i]->verdict));
    }
}

struct SeriesArgs {
    std::vector<std::string> files;
    bool json = false;
    bool csv = false;
    std::size_t top = SIZE_MAX;
    std::uint32_t minGrowth = 1;
    bool failOnLeak = false;
};

std::optional<std::uint64_t> parseCount(const std::string& value) {
    if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 18)
        return std::nullopt;
    return std::stoull(value);
}

// Fills `out`; returns a usage error message, or an empty string.
std::string parseSeriesArgs(const std::vector<std::string>& args, bool leaks, SeriesArgs& out) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto valueOf = [&](const std::string& option, std::string& value) {
            if (a == option) {
                if (i + 1 == args.size())
                    return false;
                value = args[++i];
            } else {
                value = a.substr(option.size() + 1);
            }
            return true;
        };
        auto isOption = [&](const std::string& option) {
            return a == option || a.rfind(option + "=", 0) == 0;
        };
        std::string value;
        if (a == "--json") {
            out.json = true;
        } else if (a == "--csv" && !leaks) {
            out.csv = true;
        } else if (isOption("--top")) {
            if (!valueOf("--top", value))
                return "option --top needs a value";
            const auto n = parseCount(value);
            if (!n)
                return "--top needs a number";
            out.top = *n;
        } else if (leaks && isOption("--min-growth")) {
            if (!valueOf("--min-growth", value))
                return "option --min-growth needs a value";
            const auto n = parseCount(value);
            if (!n || *n == 0 || *n > 0xFFFFFFFFu)
                return "--min-growth needs a number of objects, 1 or more";
            out.minGrowth = std::uint32_t(*n);
        } else if (leaks && a == "--fail-on-leak") {
            out.failOnLeak = true;
        } else if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            return "unknown option " + a;
        } else {
            out.files.push_back(a);
        }
    }
    if (out.json && out.csv)
        return "--json and --csv cannot be combined";
    if (out.files.size() < 2)
        return std::string(leaks ? "leaks" : "trend") + " needs at least two FILEs";
    return {};
}

// Runs the series; prints what was left out and the warnings. nullopt (and the status in `status`)
// when nothing can be shown.
std::optional<Series> runSeries(const SeriesArgs& args, int& status) {
    SeriesOptions options;
    options.leaks.minGrowth = args.minGrowth;
    options.useIndex = cacheSettings().enabled;
    options.cache = cacheSettings().options;
    // each file's index is written by a background process while the next file is analysed
    options.analyzedFresh = [](const AnalysisPtr& analysis) { writeIndexesInBackground({analysis}); };
    auto result = analyzeSeries(args.files, options);
    if (!result) {
        std::fprintf(stderr, "heapscope-cli: %s\n", result.error().message().c_str());
        status = kLoadError;
        return std::nullopt;
    }
    for (const SeriesSnapshot& s : result->snapshots) {
        if (!s.indexWarning.empty())
            std::fprintf(stderr, "heapscope-cli: warning: %s\n", s.indexWarning.c_str());
        if (s.error)
            std::fprintf(stderr, "heapscope-cli: %s\n", s.error->message().c_str());
    }
    for (const std::string& warning : result->warnings)
        std::fprintf(stderr, "heapscope-cli: warning: %s\n", warning.c_str());
    return std::move(*result);
}

int tooFewLoaded(const Series& series) {
    std::fprintf(stderr, "heapscope-cli: a series needs at least two snapshots that load; %zu did\n",
                 series.loadedCount);
    return kLoadError;
}

} // namespace

int runTrendCommand(const std::vector<std::string>& args) {
    SeriesArgs parsed;
    if (const std::string problem = parseSeriesArgs(args, false, parsed); !problem.empty())
        return usageError(problem);
    int status = kOk;
    const auto series = runSeries(parsed, status);
    if (!series)
        return status;
    if (parsed.json)
        writeJson(*series, parsed.top);
    else if (parsed.csv)
        writeCsv(*series, parsed.top);
    else
        writeText(*series, parsed.top);
    return series->loadedCount < 2 ? tooFewLoaded(*series) : kOk;
}

int runLeaksCommand(const std::vector<std::string>& args) {
    SeriesArgs parsed;
    if (const std::string problem = parseSeriesArgs(args, true, parsed); !problem.empty())
        return usageError(problem);
    int status = kOk;
    const auto series = runSeries(parsed, status);
    if (!series)
        return status;
    if (parsed.json)
        writeJson(*series, parsed.top);
    else
        writeLeaksText(*series, parsed.top);
    if (series->loadedCount < 2)
        return tooFewLoaded(*series);
    return parsed.failOnLeak && !series->leaks.empty() ? kLeakFound : kOk;
}

} // namespace heapscope::cli
