// SPDX-License-Identifier: MIT
// heapscope-cli trend: the series core's trend table as text, JSON (docs/trend.schema.json) or CSV.
#include "trend.h"

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

void writeJson(const Series& series, std::size_t top) {
    const std::size_t n = series.loadedCount;
    JsonWriter w;
    w.beginObject();
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
    for (std::size_t r = 0; r < std::min(top, series.classes.size()); ++r) {
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
        w.endObject();
    }
    w.endArray();
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
    w.text("grows_every_interval").endRow();
    for (std::size_t r = 0; r < std::min(top, series.classes.size()); ++r) {
        const TrendRow& row = series.classes[r];
        w.text(row.key).text(row.name);
        for (auto v : row.counts)
            w.number(v);
        for (auto v : row.selfSizes)
            w.number(v);
        for (auto v : row.retainedSizes)
            w.number(v);
        w.text(row.growsEveryInterval ? "true" : "false").endRow();
    }
    std::fputs(w.str().c_str(), stdout);
}

void writeText(const Series& series, std::size_t top) {
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
    std::printf("\n%s", fit("Constructor", 40).c_str());
    for (std::size_t t = 0; t < n; ++t)
        std::printf(" %s", fit("# " + std::to_string(t + 1), 10, true).c_str());
    for (std::size_t t = 0; t < n; ++t)
        std::printf(" %s", fit("Retained " + std::to_string(t + 1), 12, true).c_str());
    std::printf(" %s\n", "Grows every interval");
    for (std::size_t r = 0; r < std::min(top, series.classes.size()); ++r) {
        const TrendRow& row = series.classes[r];
        std::printf("%s", fit(text::toUtf8(row.name), 40).c_str());
        for (auto v : row.counts)
            std::printf(" %s", fit(format::grouped(v), 10, true).c_str());
        for (auto v : row.retainedSizes)
            std::printf(" %s", fit(format::bytesAdaptive(v), 12, true).c_str());
        std::printf(" %s\n", row.growsEveryInterval ? "yes" : "");
    }
}

} // namespace

int runTrendCommand(const std::vector<std::string>& args) {
    std::vector<std::string> files;
    bool json = false, csvOut = false;
    std::size_t top = SIZE_MAX;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--json") {
            json = true;
        } else if (a == "--csv") {
            csvOut = true;
        } else if (a == "--top" || a.rfind("--top=", 0) == 0) {
            std::string value;
            if (a == "--top") {
                if (i + 1 == args.size())
                    return usageError("option --top needs a value");
                value = args[++i];
            } else {
                value = a.substr(6);
            }
            if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos ||
                value.size() > 18)
                return usageError("--top needs a number");
            top = std::stoull(value);
        } else if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            return usageError("unknown option " + a);
        } else {
            files.push_back(a);
        }
    }
    if (json && csvOut)
        return usageError("--json and --csv cannot be combined");
    if (files.size() < 2)
        return usageError("trend needs at least two FILEs");

    auto result = analyzeSeries(files);
    if (!result) {
        std::fprintf(stderr, "heapscope-cli: %s\n", result.error().message().c_str());
        return kLoadError;
    }
    const Series& series = *result;
    for (const SeriesSnapshot& s : series.snapshots)
        if (s.error)
            std::fprintf(stderr, "heapscope-cli: %s\n", s.error->message().c_str());
    for (const std::string& warning : series.warnings)
        std::fprintf(stderr, "heapscope-cli: warning: %s\n", warning.c_str());
    if (json)
        writeJson(series, top);
    else if (csvOut)
        writeCsv(series, top);
    else
        writeText(series, top);
    if (series.loadedCount < 2) {
        std::fprintf(stderr, "heapscope-cli: a trend needs at least two snapshots that load; %zu did\n",
                     series.loadedCount);
        return kLoadError;
    }
    return kOk;
}

} // namespace heapscope::cli
