// SPDX-License-Identifier: MIT
#include "commands.h"

#include "alloc.h"
#include "cache.h"
#ifdef HEAPSCOPE_HAVE_CAPTURE
#include "capture.h"
#endif
#include "heapscope/analysis.h"
#include "heapscope/comparison.h"
#include "heapscope/csv.h"
#include "heapscope/format.h"
#include "heapscope/json_writer.h"
#include "heapscope/loader.h"
#include "heapscope/retainer_paths.h"
#include "mcp.h"
#include "profile.h"
#include "realms.h"
#include "redact.h"
#include "report.h"
#include "trend.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <sys/resource.h>
#include <thread>

namespace heapscope::cli {

namespace {

constexpr int kOk = 0;
constexpr int kLoadError = 1;
constexpr int kUsage = 2;

/// Parsed command line: positional arguments, flags and options with a value.
struct Args {
    std::vector<std::string> positional;
    std::set<std::string> flags;
    std::map<std::string, std::string> options;
    bool has(const std::string& f) const { return flags.count(f) != 0; }
    std::optional<std::string> option(const std::string& o) const {
        auto it = options.find(o);
        if (it == options.end())
            return std::nullopt;
        return it->second;
    }
};

int usageError(const std::string& message) {
    std::fprintf(stderr, "heapscope-cli: %s\n\n%s", message.c_str(), usageText());
    return kUsage;
}

/// Splits args; `valued` lists options that take a value ("--top" N or "--top=N").
std::optional<Args> parseArgs(const std::vector<std::string>& args, const std::set<std::string>& knownFlags,
                              const std::set<std::string>& valued, std::string& error) {
    Args out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            const auto eq = a.find('=');
            const std::string name = eq == std::string::npos ? a : a.substr(0, eq);
            if (valued.count(name)) {
                if (eq != std::string::npos) {
                    out.options[name] = a.substr(eq + 1);
                } else if (i + 1 < args.size()) {
                    out.options[name] = args[++i];
                } else {
                    error = "option " + name + " needs a value";
                    return std::nullopt;
                }
            } else if (knownFlags.count(name) && eq == std::string::npos) {
                out.flags.insert(name);
            } else {
                error = "unknown option " + a;
                return std::nullopt;
            }
        } else {
            out.positional.push_back(a);
        }
    }
    return out;
}

std::uint64_t peakRssBytes() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return std::uint64_t(ru.ru_maxrss) * 1024;
}

// Resident memory not backed by a file (what a mapped index does not count), from /proc; 0 elsewhere.
std::uint64_t anonymousRssBytes() {
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    std::uint64_t kb = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::sscanf(line, "RssAnon: %llu kB", reinterpret_cast<unsigned long long*>(&kb)) == 1)
            break;
    std::fclose(f);
    return kb * 1024;
}

void printTimings(const LoadTimings& t, FILE* out) {
    std::fprintf(out, "%-12s %10s %14s\n", "stage", "seconds", "peak RSS (MB)");
    double total = 0;
    for (const auto& s : t.stages) {
        std::fprintf(out, "%-12s %10.3f %14.1f\n", s.name.c_str(), s.seconds, double(s.peakRssBytes) / 1e6);
        total += s.seconds;
    }
    std::fprintf(out, "%-12s %10.3f %14.1f\n", "total", total, double(peakRssBytes()) / 1e6);
    std::fprintf(out, "%-12s %10s %14.1f\n", "anonymous", "", double(anonymousRssBytes()) / 1e6);
}

void writeStringList(JsonWriter& w, std::string_view key, const std::vector<std::string>& list) {
    w.key(key).beginArray();
    for (const auto& s : list)
        w.value(s);
    w.endArray();
}

int cmdInfo(const std::vector<std::string>& argv) {
    std::string err;
    auto args = parseArgs(argv, {"--json", "--timings"}, {}, err);
    if (!args)
        return usageError(err);
    if (args->positional.size() != 1)
        return usageError("info needs exactly one FILE");
    OpenReport report;
    const auto t0 = std::chrono::steady_clock::now();
    auto snap = openGraph(args->positional[0], &report);
    if (!snap) {
        std::fprintf(stderr, "heapscope-cli: %s\n", snap.error().message().c_str());
        return kLoadError;
    }
    const LoadTimings& timings = report.timings;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const Snapshot& s = **snap;
    if (args->has("--json")) {
        JsonWriter w;
        w.beginObject();
        w.field("file", s.path);
        w.field("file_size", s.fileSize);
        w.field("gzip", s.format.gzip);
        w.field("node_count", std::uint64_t(s.nodeCount));
        w.field("edge_count", std::uint64_t(s.edgeCount));
        w.field("string_count", std::uint64_t(s.strings.size()));
        w.field("trace_function_count", std::uint64_t(s.traceFunctionInfos.size()));
        w.field("header_trace_function_count", s.format.headerTraceFunctionCount);
        w.field("trace_node_count", std::uint64_t(s.traceTree.size()));
        w.field("sample_count", std::uint64_t(s.samples.size()));
        w.field("location_count", std::uint64_t(s.locations.size()));
        w.field("extra_native_bytes", s.extraNativeBytes);
        w.field("root_id", std::uint64_t(s.nodeId[s.root()]));
        writeStringList(w, "node_fields", s.format.nodeFields);
        writeStringList(w, "node_types", s.format.nodeTypes);
        writeStringList(w, "edge_fields", s.format.edgeFields);
        writeStringList(w, "edge_types", s.format.edgeTypes);
        writeStringList(w, "location_fields", s.format.locationFields);
        writeStringList(w, "other_meta_keys", s.format.otherMetaKeys);
        writeStringList(w, "header_keys", s.format.headerKeys);
        w.key("sections").beginArray();
        for (const auto& sec : s.format.sections) {
            w.beginObject();
            w.field("name", sec.name);
            w.field("offset", sec.offset);
            w.field("bytes", sec.bytes);
            w.field("items", sec.items);
            w.field("read", sec.known);
            w.endObject();
        }
        w.endArray();
        writeStringList(w, "warnings", s.warnings);
        w.field("memory_bytes", s.memoryBytes());
        if (args->has("--timings")) {
            w.key("timings").beginArray();
            for (const auto& st : timings.stages) {
                w.beginObject();
                w.field("stage", st.name);
                w.field("seconds", st.seconds);
                w.field("peak_rss_bytes", st.peakRssBytes);
                w.endObject();
            }
            w.endArray();
            w.field("kept_index", indexOutcomeName(report.outcome)); // "index" is a load stage
            w.field("load_seconds", seconds);
            w.field("peak_rss_bytes", peakRssBytes());
            w.field("anonymous_rss_bytes", anonymousRssBytes());
        }
        w.endObject();
        std::printf("%s\n", w.str().c_str());
        return kOk;
    }
    auto join = [](const std::vector<std::string>& v) {
        std::string out;
        for (const auto& s : v)
            out += (out.empty() ? "" : ", ") + s;
        return out;
    };
    std::printf("File:          %s%s\n", s.path.c_str(), s.format.gzip ? " (gzip)" : "");
    std::printf("JSON size:     %s\n", format::bytesAdaptive(s.fileSize).c_str());
    std::printf("Nodes:         %s\n", format::grouped(s.nodeCount).c_str());
    std::printf("Edges:         %s\n", format::grouped(s.edgeCount).c_str());
    std::printf("Strings:       %s\n", format::grouped(s.strings.size()).c_str());
    std::printf("Locations:     %s\n", format::grouped(s.locations.size()).c_str());
    if (!s.traceFunctionInfos.empty() || !s.traceTree.empty())
        std::printf("Allocation traces: %zu functions, %zu trace nodes\n", s.traceFunctionInfos.size(),
                    s.traceTree.size());
    if (!s.samples.empty())
        std::printf("Timeline samples: %zu\n", s.samples.size());
    if (s.extraNativeBytes > 0)
        std::printf("Extra native bytes: %.0f\n", s.extraNativeBytes);
    std::printf("Node fields:   %s\n", join(s.format.nodeFields).c_str());
    std::printf("Node types:    %s\n", join(s.format.nodeTypes).c_str());
    std::printf("Edge fields:   %s\n", join(s.format.edgeFields).c_str());
    std::printf("Edge types:    %s\n", join(s.format.edgeTypes).c_str());
    if (!s.format.locationFields.empty())
        std::printf("Location fields: %s\n", join(s.format.locationFields).c_str());
    std::printf("Sections:\n");
    for (const auto& sec : s.format.sections)
        std::printf("  %-22s %14s  at byte %llu%s\n", sec.name.c_str(),
                    format::bytesAdaptive(sec.bytes).c_str(), static_cast<unsigned long long>(sec.offset),
                    sec.known ? "" : "  (not used)");
    std::printf("In memory:     %s\n", format::bytesAdaptive(s.memoryBytes()).c_str());
    for (const auto& w : s.warnings)
        std::printf("Warning: %s\n", w.c_str());
    if (args->has("--timings")) {
        std::printf("\n");
        printTimings(timings, stdout);
        std::printf("%-12s %s\n", "kept index", indexOutcomeName(report.outcome));
    }
    return kOk;
}

// "duplicatedStrings", ..., or an id range "MIN..MAX".
std::optional<NodeFilter> parseFilter(const std::string& text) {
    NodeFilter f;
    if (text.empty() || text == "all" || text == "allObjects")
        return f;
    if (auto named = namedFilterFromKey(text)) {
        f.named = named;
        return f;
    }
    const auto dots = text.find("..");
    if (dots != std::string::npos) {
        try {
            f.idRange = std::make_pair(std::uint32_t(std::stoul(text.substr(0, dots))),
                                       std::uint32_t(std::stoul(text.substr(dots + 2))));
            return f;
        } catch (...) {
        }
    }
    return std::nullopt;
}

// Pads a UTF-8 string to a display width (counting code points).
std::string pad(const std::string& s, std::size_t width, bool right = false) {
    std::size_t cps = 0;
    for (unsigned char c : s)
        cps += (c & 0xC0) != 0x80;
    if (cps >= width)
        return s;
    const std::string fill(width - cps, ' ');
    return right ? fill + s : s + fill;
}

std::string truncateDisplay(const std::string& s, std::size_t width) {
    std::size_t cps = 0, i = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (cps == width - 1 && i < s.size()) {
                std::size_t rest = 0;
                for (std::size_t j = i; j < s.size(); ++j)
                    rest += (static_cast<unsigned char>(s[j]) & 0xC0) != 0x80;
                if (rest > 1)
                    return s.substr(0, i) + "\xE2\x80\xA6";
            }
            ++cps;
        }
    }
    return s;
}

int cmdSummary(const std::vector<std::string>& argv) {
    std::string err;
    auto args = parseArgs(argv, {"--json", "--csv", "--timings"}, {"--filter", "--top"}, err);
    if (!args)
        return usageError(err);
    if (args->positional.size() != 1)
        return usageError("summary needs exactly one FILE");
    if (args->has("--json") && args->has("--csv"))
        return usageError("--json and --csv cannot be combined");
    NodeFilter filter;
    std::string realmFilter; // nativeContext_<nodeIndex>, sharedNativeContext, noNativeContext (realms.cpp)
    if (auto f = args->option("--filter"); f && isRealmFilterArgument(*f)) {
        realmFilter = *f;
    } else if (f) {
        auto parsed = parseFilter(*f);
        if (!parsed)
            return usageError("unknown filter '" + *f + "'");
        filter = *parsed;
    }
    std::size_t top = SIZE_MAX;
    if (auto t = args->option("--top")) {
        try {
            top = std::stoul(*t);
        } catch (...) {
            return usageError("--top needs a number");
        }
    }
    OpenReport report;
    const auto t0 = std::chrono::steady_clock::now();
    // All objects: the kept index's Summary is all it takes (no column is mapped)
    auto opened = filter.isAll() && realmFilter.empty() ? openSummaryOnly(args->positional[0], &report)
                                                        : openFile(args->positional[0], &report);
    if (!opened) {
        std::fprintf(stderr, "heapscope-cli: %s\n", opened.error().message().c_str());
        return kLoadError;
    }
    const LoadTimings& timings = report.timings;
    // the load's own stages end where the analysis begins (the index has one stage for both)
    double loadSeconds = 0;
    for (const auto& st : timings.stages)
        loadSeconds += st.seconds;
    const auto t1 = report.outcome == IndexOutcome::Used
                        ? std::chrono::steady_clock::now()
                        : t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(loadSeconds));
    const auto t2 = std::chrono::steady_clock::now();
    const Analysis& a = *opened->analysis;
    Aggregates filtered;
    const Aggregates* rows = &a.allObjects;
    if (!realmFilter.empty()) {
        int status = kOk;
        auto r = realmSummary(a, realmFilter, status);
        if (!r)
            return status;
        filtered = std::move(*r);
        rows = &filtered;
    } else if (!filter.isAll()) {
        auto r = a.aggregate(filter);
        if (!r) {
            std::fprintf(stderr, "heapscope-cli: %s\n", r.error().message().c_str());
            return kLoadError;
        }
        filtered = std::move(*r);
        rows = &filtered;
    }
    const auto t3 = std::chrono::steady_clock::now();
    const std::size_t count = std::min(top, rows->classes.size());
    if (args->has("--json")) {
        JsonWriter w;
        w.beginObject();
        writeSummaryTotals(w, a, *rows);
        if (args->has("--timings")) {
            auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
            w.key("timings").beginObject();
            for (const auto& st : timings.stages)
                w.field(st.name, st.seconds);
            w.field("load", secs(t0, t1));
            w.field("analysis", secs(t1, t2));
            w.field("filter", secs(t2, t3));
            w.field("total", secs(t0, t3));
            w.field("peak_rss_bytes", peakRssBytes());
            w.field("kept_index", indexOutcomeName(report.outcome)); // "index" is a load stage
            // the passes of this run: none when the analysis came from the index
            w.key("analysis_passes").beginObject();
            if (report.outcome != IndexOutcome::Used)
                for (const auto& [name, seconds] : a.passTimings)
                    w.field(name, seconds);
            w.endObject();
            w.endObject();
        }
        writeSummaryClasses(w, a, *rows, 0, count);
        w.endObject();
        std::printf("%s\n", w.str().c_str());
    } else if (args->has("--csv")) {
        csv::Writer w;
        for (const char* title : {"key", "name", "count", "distance", "self_size", "retained_size"})
            w.text(title);
        w.endRow();
        for (std::size_t i = 0; i < count; ++i) {
            const auto& c = rows->classes[i];
            w.text(a.classes[c.classIndex].key)
                .text(a.classes[c.classIndex].name)
                .number(c.count)
                .number(c.distance)
                .number(c.selfSize)
                .number(c.retainedSize)
                .endRow();
        }
        std::fputs(w.str().c_str(), stdout);
    } else {
        std::printf("%s: %s objects, %s total (%s classes)\n", a.snapshot->path.c_str(),
                    format::grouped(rows->objectCount).c_str(), format::bytesAdaptive(a.totalSize).c_str(),
                    format::grouped(rows->classes.size()).c_str());
        std::printf("%s %s %s %s %s %s\n", pad("Constructor", 48).c_str(), pad("Count", 10, true).c_str(),
                    pad("Distance", 9, true).c_str(), pad("Shallow Size", 19, true).c_str(),
                    pad("Retained Size", 19, true).c_str(), "");
        for (std::size_t i = 0; i < count; ++i) {
            const auto& c = rows->classes[i];
            const std::string name = truncateDisplay(text::toUtf8(a.classes[c.classIndex].name), 48);
            std::printf("%s %s %s %s %s %s %s\n", pad(name, 48).c_str(),
                        pad(format::grouped(c.count), 10, true).c_str(),
                        pad(format::distance(c.distance), 9, true).c_str(),
                        pad(format::sizeKB(c.selfSize), 12, true).c_str(),
                        pad(format::percent(c.selfSize, a.totalSize), 6, true).c_str(),
                        pad(format::sizeKB(c.retainedSize), 12, true).c_str(),
                        pad(format::percent(c.retainedSize, a.totalSize), 6, true).c_str());
        }
    }
    if (args->has("--timings") && !args->has("--json")) {
        auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
        FILE* out = args->has("--csv") ? stderr : stdout;
        std::fprintf(out, "\n");
        printTimings(timings, out);
        std::fprintf(out, "%-12s %10.3f\n", "load", secs(t0, t1));
        std::fprintf(out, "%-12s %10.3f\n", "analysis", secs(t1, t2));
        if (report.outcome != IndexOutcome::Used)
            for (const auto& [name, seconds] : a.passTimings)
                std::fprintf(out, "  %-28s %10.3f\n", name.c_str(), seconds);
        if (!filter.isAll() || !realmFilter.empty())
            std::fprintf(out, "%-12s %10.3f\n", "filter", secs(t2, t3));
        std::fprintf(out, "%-12s %10.3f %14.1f\n", "load+analysis", secs(t0, t2),
                     double(peakRssBytes()) / 1e6);
        std::fprintf(out, "%-12s %s\n", "kept index", indexOutcomeName(report.outcome));
    }
    return kOk;
}

// Loads and analyses a file; used on worker threads, so it returns the error instead of printing.
Expected<AnalysisPtr> loadAndAnalyze(const std::string& path, LoadTimings* timings) {
    OpenReport report;
    auto opened = openFile(path, &report);
    if (timings)
        *timings = report.timings;
    if (!opened)
        return opened.error();
    return opened->analysis;
}

// Loads and analyses one file for a command; prints the error and returns nullopt on failure.
std::optional<AnalysisPtr> loadAndAnalyzeOrReport(const std::string& path) {
    auto result = loadAndAnalyze(path, nullptr);
    if (!result) {
        std::fprintf(stderr, "heapscope-cli: %s\n", result.error().message().c_str());
        return std::nullopt;
    }
    return *result;
}

// Loads and analyses both files at once, then compares; prints the error and returns nullopt on failure.
std::optional<ComparisonPtr> compareFiles(const std::string& baseFile, const std::string& file,
                                          std::chrono::steady_clock::time_point* loaded = nullptr) {
    std::optional<Expected<AnalysisPtr>> base, current;
    {
        std::jthread other([&] { base.emplace(loadAndAnalyze(baseFile, nullptr)); });
        current.emplace(loadAndAnalyze(file, nullptr));
    }
    for (auto* r : {&*base, &*current})
        if (!*r) {
            std::fprintf(stderr, "heapscope-cli: %s\n", r->error().message().c_str());
            return std::nullopt;
        }
    if (loaded)
        *loaded = std::chrono::steady_clock::now();
    auto cmp = compare(**base, **current);
    if (!cmp) {
        std::fprintf(stderr, "heapscope-cli: %s\n", cmp.error().message().c_str());
        return std::nullopt;
    }
    return *cmp;
}

int cmdDiff(const std::vector<std::string>& argv) {
    std::string err;
    auto args = parseArgs(argv, {"--json", "--csv", "--ids", "--timings"}, {"--top"}, err);
    if (!args)
        return usageError(err);
    if (args->positional.size() != 2)
        return usageError("diff needs BASE and FILE");
    if (args->has("--json") && args->has("--csv"))
        return usageError("--json and --csv cannot be combined");
    std::size_t top = SIZE_MAX;
    if (auto t = args->option("--top")) {
        try {
            top = std::stoul(*t);
        } catch (...) {
            return usageError("--top needs a number");
        }
    }
    const auto t0 = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point t1;
    auto cmp = compareFiles(args->positional[0], args->positional[1], &t1);
    if (!cmp)
        return kLoadError;
    const auto t2 = std::chrono::steady_clock::now();
    const Comparison& c = **cmp;
    for (const auto& w : c.warnings)
        std::fprintf(stderr, "heapscope-cli: warning: %s\n", w.c_str());
    const std::size_t count = std::min(top, c.classes.size());
    const bool ids = args->has("--ids");
    if (args->has("--json")) {
        JsonWriter w;
        w.beginObject();
        writeComparisonTotals(w, c);
        if (args->has("--timings")) {
            auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
            w.key("timings").beginObject();
            w.field("load_and_analysis", secs(t0, t1));
            w.field("comparison", secs(t1, t2));
            w.field("total", secs(t0, t2));
            w.field("peak_rss_bytes", peakRssBytes());
            w.endObject();
        }
        writeComparisonClasses(w, c, 0, count, ids);
        w.endObject();
        std::printf("%s\n", w.str().c_str());
    } else if (args->has("--csv")) {
        csv::Writer w;
        for (const char* title : {"key", "name", "new_count", "deleted_count", "delta", "alloc_size",
                                  "freed_size", "size_delta", "base_count", "count", "survived_count",
                                  "survived_size", "base_retained_size", "retained_size", "retained_delta"})
            w.text(title);
        if (ids)
            w.text("new_ids").text("deleted_ids");
        w.endRow();
        for (std::size_t i = 0; i < count; ++i) {
            const ClassDiff& d = c.classes[i];
            w.text(d.key)
                .text(d.name)
                .number(d.newCount)
                .number(d.deletedCount)
                .number(d.delta())
                .number(d.allocSize)
                .number(d.freedSize)
                .number(d.sizeDelta())
                .number(d.baseCount)
                .number(d.currentCount)
                .number(d.survivedCount)
                .number(d.survivedSize)
                .number(d.baseRetained)
                .number(d.currentRetained)
                .number(d.retainedDelta());
            if (ids) {
                auto join = [](const Snapshot& s, const std::vector<NodeOrdinal>& nodes) {
                    std::string out;
                    for (NodeOrdinal n : nodes)
                        out += (out.empty() ? "" : " ") + std::to_string(s.nodeId[n]);
                    return out;
                };
                w.text(join(*c.current->snapshot, d.newNodes)).text(join(*c.base->snapshot, d.deletedNodes));
            }
            w.endRow();
        }
        std::fputs(w.str().c_str(), stdout);
    } else {
        std::printf("%s compared with %s: %s new, %s deleted, size %s\n", c.current->snapshot->path.c_str(),
                    c.base->snapshot->path.c_str(), format::grouped(c.totals.newCount).c_str(),
                    format::grouped(c.totals.deletedCount).c_str(),
                    format::signedBytes(c.totals.sizeDelta()).c_str());
        std::printf("%s %s %s %s %s %s %s %s\n", pad("Constructor", 40).c_str(),
                    pad("# New", 9, true).c_str(), pad("# Deleted", 10, true).c_str(),
                    pad("# Delta", 9, true).c_str(), pad("Alloc. Size", 12, true).c_str(),
                    pad("Freed Size", 12, true).c_str(), pad("Size Delta", 12, true).c_str(),
                    pad("Retained Delta", 15, true).c_str());
        for (std::size_t i = 0; i < count; ++i) {
            const ClassDiff& d = c.classes[i];
            std::printf("%s %s %s %s %s %s %s %s\n",
                        pad(truncateDisplay(text::toUtf8(d.name), 40), 40).c_str(),
                        pad(format::countNbsp(d.newCount), 9, true).c_str(),
                        pad(format::countNbsp(d.deletedCount), 10, true).c_str(),
                        pad(format::signedCount(d.delta()), 9, true).c_str(),
                        pad(format::bytesAdaptive(d.allocSize), 12, true).c_str(),
                        pad(format::bytesAdaptive(d.freedSize), 12, true).c_str(),
                        pad(format::signedBytes(d.sizeDelta()), 12, true).c_str(),
                        pad(format::signedBytes(d.retainedDelta()), 15, true).c_str());
        }
    }
    if (args->has("--timings") && !args->has("--json")) {
        auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
        FILE* out = args->has("--csv") ? stderr : stdout;
        std::fprintf(out, "\n%-22s %10.3f\n", "load+analysis (both)", secs(t0, t1));
        std::fprintf(out, "%-22s %10.3f\n", "comparison", secs(t1, t2));
        std::fprintf(out, "%-22s %10.3f %14.1f\n", "total", secs(t0, t2), double(peakRssBytes()) / 1e6);
    }
    return kOk;
}

// "123" or "@123" (as DevTools writes ids).
std::optional<std::uint32_t> parseObjectId(std::string text) {
    if (!text.empty() && text[0] == '@')
        text.erase(0, 1);
    if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    const unsigned long long v = std::stoull(text);
    if (v > 0xFFFFFFFFull)
        return std::nullopt;
    return std::uint32_t(v);
}

const char* detachednessName(std::uint8_t d) {
    return d == 1 ? "attached" : d == 2 ? "detached" : "unknown";
}

int cmdNode(const std::vector<std::string>& argv) {
    std::string err;
    auto args = parseArgs(argv, {"--json"}, {}, err);
    if (!args)
        return usageError(err);
    if (args->positional.size() != 2)
        return usageError("node needs FILE and ID[,ID...]");
    std::vector<std::uint32_t> ids;
    {
        std::string list = args->positional[1];
        std::size_t pos = 0;
        while (pos <= list.size()) {
            const auto comma = list.find(',', pos);
            const std::string item =
                list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
            const auto id = parseObjectId(item);
            if (!id)
                return usageError("'" + item + "' is not an object id");
            ids.push_back(*id);
            if (comma == std::string::npos)
                break;
            pos = comma + 1;
        }
    }
    auto analysis = loadAndAnalyzeOrReport(args->positional[0]);
    if (!analysis)
        return kLoadError;
    const Analysis& a = **analysis;
    const Snapshot& s = *a.snapshot;
    const AllocationProfilePtr allocation = allocationProfileOrNull(a); // null without traces
    JsonWriter w;
    w.beginArray();
    int missing = 0;
    for (std::uint32_t id : ids) {
        const std::optional<NodeOrdinal> n = s.nodeWithId(id);
        if (!n) {
            std::fprintf(stderr, "heapscope-cli: no object with id @%u in %s\n", id, s.path.c_str());
            ++missing;
            continue;
        }
        const NodeOrdinal o = *n;
        if (args->has("--json")) {
            writeNodeJson(w, a, allocation.get(), o);
        } else {
            std::printf("%s\n", text::toUtf8(format::nodeLabelWithId(a, o)).c_str());
            std::printf("  type:          %s\n", std::string(s.typeName(o)).c_str());
            std::printf("  class:         %s  (key %s)\n", text::toUtf8(a.classInfo(o).name).c_str(),
                        text::toUtf8(a.classInfo(o).key).c_str());
            std::printf("  shallow size:  %s (%s bytes)\n", format::sizeKB(a.selfSize[o]).c_str(),
                        format::grouped(a.selfSize[o]).c_str());
            std::printf("  retained size: %s (%s bytes, %s)\n", format::sizeKB(a.retainedSize[o]).c_str(),
                        format::grouped(a.retainedSize[o]).c_str(),
                        format::percent(a.retainedSize[o], a.totalSize).c_str());
            std::printf("  distance:      %s\n", format::distance(a.distance[o]).c_str());
            std::printf("  dominator:     %s\n",
                        text::toUtf8(format::nodeLabelWithId(a, a.dominator[o])).c_str());
            std::printf("  edges:         %zu, retainers: %zu\n", s.edgesOf(o).size(),
                        s.retainersOf(o).size());
            std::printf("  DOM state:     %s\n", detachednessName(a.detachedness[o]));
            if (allocation)
                printAllocationStack(*allocation, o);
        }
    }
    w.endArray();
    if (args->has("--json"))
        std::printf("%s\n", w.str().c_str());
    return missing ? kLoadError : kOk;
}

int cmdStats(const std::vector<std::string>& argv) {
    std::string err;
    auto args = parseArgs(argv, {"--json"}, {}, err);
    if (!args)
        return usageError(err);
    if (args->positional.size() != 1)
        return usageError("stats needs exactly one FILE");
    auto analysis = loadAndAnalyzeOrReport(args->positional[0]);
    if (!analysis)
        return kLoadError;
    const Statistics& st = (*analysis)->statistics;
    if (args->has("--json")) {
        JsonWriter w;
        writeStatisticsJson(w, st);
        std::printf("%s\n", w.str().c_str());
        return kOk;
    }
    auto row = [&](const char* name, std::uint64_t v) {
        std::printf("%-36s %14s %6s\n", name, format::sizeKB(v).c_str(),
                    format::percent(v, st.total).c_str());
    };
    row("Code", st.code);
    row("Strings", st.strings);
    row("JS arrays", st.jsArrays);
    row("Typed arrays", st.typedArrays);
    row("System objects", st.system);
    row("Other JS objects", st.otherJs());
    row("Other non-JS objects (such as HTML and CSS)", st.otherNative());
    row("Total", st.total);
    return kOk;
}

int cmdPaths(const std::vector<std::string>& argv) {
    std::string err;
    auto args =
        parseArgs(argv, {"--include-weak"}, {"--max", "--format", "--class", "--base", "--max-length"}, err);
    if (!args)
        return usageError(err);
    const auto cls = args->option("--class");
    const auto baseFile = args->option("--base");
    if (cls.has_value() != baseFile.has_value())
        return usageError("--class and --base go together");
    if (cls ? args->positional.size() != 1 : args->positional.size() != 2)
        return usageError(cls ? "paths --class NAME --base BASE needs one FILE" : "paths needs FILE and ID");
    PathOptions options;
    options.includeWeak = args->has("--include-weak");
    try {
        if (auto k = args->option("--max"))
            options.maxPaths = std::uint32_t(std::stoul(*k));
        if (auto l = args->option("--max-length"))
            options.maxLength = std::uint32_t(std::stoul(*l));
    } catch (...) {
        return usageError("--max and --max-length need a number");
    }
    const std::string formatName = args->option("--format").value_or("text");
    if (formatName != "text" && formatName != "markdown" && formatName != "json")
        return usageError("--format is text, markdown or json");
    AnalysisPtr analysis;
    std::vector<NodeOrdinal> targets;
    if (cls) {
        auto cmp = compareFiles(*baseFile, args->positional[0]);
        if (!cmp)
            return kLoadError;
        for (const auto& w : (*cmp)->warnings)
            std::fprintf(stderr, "heapscope-cli: warning: %s\n", w.c_str());
        const ClassDiff* match = nullptr;
        for (const auto& d : (*cmp)->classes)
            if (d.name == *cls || d.key == *cls)
                match = &d;
        if (!match || match->newNodes.empty()) {
            std::fprintf(stderr, "heapscope-cli: no new objects of class '%s' in %s compared with %s\n",
                         cls->c_str(), args->positional[0].c_str(), baseFile->c_str());
            return kLoadError;
        }
        analysis = (*cmp)->current;
        targets = match->newNodes;
    } else {
        const auto parsedId = parseObjectId(args->positional[1]);
        if (!parsedId)
            return usageError("'" + args->positional[1] + "' is not an object id");
        const std::uint32_t id = *parsedId;
        auto a = loadAndAnalyzeOrReport(args->positional[0]);
        if (!a)
            return kLoadError;
        analysis = *a;
        const std::optional<NodeOrdinal> node = analysis->snapshot->nodeWithId(id);
        if (!node) {
            std::fprintf(stderr, "heapscope-cli: no object with id @%u in %s\n", id,
                         args->positional[0].c_str());
            return kLoadError;
        }
        targets.push_back(*node);
    }
    auto paths = findRetainerPaths(*analysis, targets, options);
    if (!paths) {
        std::fprintf(stderr, "heapscope-cli: %s\n", paths.error().message().c_str());
        return kLoadError;
    }
    std::string text;
    if (formatName == "json")
        text = formatPathsJson(*analysis, *paths) + "\n";
    else if (formatName == "markdown")
        text = formatPathsMarkdown(*analysis, *paths);
    else
        text = formatPathsText(*analysis, *paths);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kOk;
}

} // namespace

void writeSummaryTotals(JsonWriter& w, const Analysis& a, const Aggregates& rows) {
    w.field("file", a.snapshot->path);
    w.key("totals").beginObject();
    w.field("node_count", std::uint64_t(a.snapshot->nodeCount));
    w.field("edge_count", std::uint64_t(a.snapshot->edgeCount));
    w.field("total_size", a.totalSize);
    w.field("reachable_count", a.reachableCount);
    w.field("unreachable_count", a.unreachableCount);
    w.field("class_count", std::uint64_t(rows.classes.size()));
    w.field("object_count", rows.objectCount);
    w.field("self_size", rows.selfSize);
    w.endObject();
}

void writeSummaryClasses(JsonWriter& w, const Analysis& a, const Aggregates& rows, std::size_t begin,
                         std::size_t end) {
    w.key("classes").beginArray();
    for (std::size_t i = begin; i < end; ++i) {
        const auto& c = rows.classes[i];
        w.beginObject();
        w.field("key", a.classes[c.classIndex].key);
        w.field("name", a.classes[c.classIndex].name);
        w.field("count", std::uint64_t(c.count));
        w.field("distance", std::int64_t(c.distance));
        w.field("self_size", c.selfSize);
        w.field("retained_size", c.retainedSize);
        w.endObject();
    }
    w.endArray();
}

std::optional<NodeFilter> parseSummaryFilter(const std::string& text) {
    return parseFilter(text);
}

void writeNodeJson(JsonWriter& w, const Analysis& a, const AllocationProfile* allocation, NodeOrdinal o) {
    const Snapshot& s = *a.snapshot;
    w.beginObject();
    w.field("id", std::uint64_t(s.nodeId[o]));
    w.field("ordinal", std::uint64_t(o.value));
    w.field("type", s.typeName(o));
    w.field("name", a.displayName(o));
    w.field("class_name", a.classInfo(o).name);
    w.field("class_key", a.classInfo(o).key);
    w.field("self_size_raw", std::uint64_t(s.nodeSelfSize[o]));
    w.field("self_size", std::uint64_t(a.selfSize[o]));
    w.field("retained_size", a.retainedSize[o]);
    w.field("distance", std::int64_t(a.distance[o]));
    w.field("dominator_id", std::uint64_t(s.nodeId[a.dominator[o]]));
    w.field("edge_count", std::uint64_t(s.edgesOf(o).size()));
    w.field("retainer_count", std::uint64_t(s.retainersOf(o).size()));
    w.field("detachedness", std::uint64_t(a.detachedness[o]));
    if (allocation)
        writeAllocationStack(w, *allocation, o);
    w.endObject();
}

void writeStatisticsJson(JsonWriter& w, const Statistics& st) {
    w.beginObject();
    w.field("total", st.total);
    w.key("native").beginObject();
    w.field("total", st.nativeTotal);
    w.field("typedArrays", st.typedArrays);
    w.endObject();
    w.key("v8heap").beginObject();
    w.field("total", st.v8heapTotal);
    w.field("code", st.code);
    w.field("jsArrays", st.jsArrays);
    w.field("strings", st.strings);
    w.field("system", st.system);
    w.endObject();
    w.endObject();
}

void writeComparisonTotals(JsonWriter& w, const Comparison& c) {
    w.field("base", c.base->snapshot->path);
    w.field("file", c.current->snapshot->path);
    w.field("ids_shared", c.idsShared);
    writeStringList(w, "warnings", c.warnings);
    w.key("totals").beginObject();
    w.field("class_count", std::uint64_t(c.classes.size()));
    w.field("new_count", c.totals.newCount);
    w.field("deleted_count", c.totals.deletedCount);
    w.field("delta", c.totals.countDelta());
    w.field("alloc_size", c.totals.allocSize);
    w.field("freed_size", c.totals.freedSize);
    w.field("size_delta", c.totals.sizeDelta());
    w.field("survived_count", c.totals.survivedCount);
    w.field("base_total_size", c.base->totalSize);
    w.field("total_size", c.current->totalSize);
    w.endObject();
}

void writeComparisonClasses(JsonWriter& w, const Comparison& c, std::size_t begin, std::size_t end,
                            bool ids) {
    auto idList = [](JsonWriter& w, std::string_view key, const Snapshot& s,
                     const std::vector<NodeOrdinal>& nodes) {
        w.key(key).beginArray();
        for (NodeOrdinal n : nodes)
            w.value(std::uint64_t(s.nodeId[n]));
        w.endArray();
    };
    w.key("classes").beginArray();
    for (std::size_t i = begin; i < end; ++i) {
        const ClassDiff& d = c.classes[i];
        w.beginObject();
        w.field("key", d.key);
        w.field("name", d.name);
        w.field("new_count", std::uint64_t(d.newCount));
        w.field("deleted_count", std::uint64_t(d.deletedCount));
        w.field("delta", d.delta());
        w.field("alloc_size", d.allocSize);
        w.field("freed_size", d.freedSize);
        w.field("size_delta", d.sizeDelta());
        w.field("base_count", std::uint64_t(d.baseCount));
        w.field("count", std::uint64_t(d.currentCount));
        w.field("survived_count", std::uint64_t(d.survivedCount));
        w.field("survived_size", d.survivedSize);
        w.field("base_retained_size", d.baseRetained);
        w.field("retained_size", d.currentRetained);
        w.field("retained_delta", d.retainedDelta());
        if (ids) {
            idList(w, "new_ids", *c.current->snapshot, d.newNodes);
            idList(w, "deleted_ids", *c.base->snapshot, d.deletedNodes);
        }
        w.endObject();
    }
    w.endArray();
}

const char* usageText() {
    return "usage: heapscope-cli COMMAND [OPTIONS]\n"
           "\n"
           "  info FILE [--json] [--timings]        format facts of a snapshot\n"
           "  summary FILE [--json|--csv] [--filter NAME] [--top N] [--timings]\n"
           "                                        the Summary (one row per class)\n"
           "  node FILE ID[,ID...] [--json]         per-object numbers\n"
           "  stats FILE [--json]                   the Statistics\n"
           "  diff BASE FILE [--json|--csv] [--top N] [--ids] [--timings]\n"
           "                                        the Comparison of FILE against BASE\n"
           "  paths FILE ID [--max K] [--format text|markdown|json] [--include-weak]\n"
           "        [--class NAME --base BASE]      retaining paths from the GC roots\n"
           "  alloc FILE [--json] [--top N] [--callers ID]\n"
           "                                        allocating functions of a file with allocation traces\n"
           "  trend FILE... [--json|--csv] [--top N]\n"
           "                                        per class counts and sizes, snapshots in time order\n"
           "  leaks FILE... [--json] [--min-growth N] [--fail-on-leak] [--top N]\n"
           "                                        objects held the same way that grow in every interval\n"
           "  profile FILE [--json|--csv] [--top N] [--bottom-up|--top-down] [--sort self|total]\n"
           "          [--callers DEPTH] [--depth DEPTH] [--ordinals MIN..MAX] [--timings]\n"
           "                                        a sampling heap profile (.heapprofile): DevTools'\n"
           "                                        Bottom-up (default) or Top-down view\n"
           "  profile BASE FILE --diff [--json|--csv] [--top N] [--sort self|total]\n"
           "                                        per function, the change of self and total size\n"
           "  realms FILE [--json] [--timings]     native contexts (realms) and their sizes\n"
           "  contexts FILE [--json] [--timings]   closure variables no live closure can read\n"
           "  mcp                                   a Model Context Protocol server on stdin/stdout\n"
           "                                        (open snapshots stay loaded; see the README)\n"
           "  redact FILE -o OUT [--keep-strings REGEX] [--json]\n"
           "                                        a copy for sharing: string values replaced by\n"
           "                                        placeholders, same graph, ids and sizes\n"
           "  report FILE... -o OUT.html [--top N] [--title TEXT]\n"
           "                                        one self-contained HTML page: Summary, Statistics,\n"
           "                                        and for a series Comparison, trend and leak groups\n"
           "  cache list|clear|build FILE...|folder  the kept indexes that make a second open instant\n"
           "\n"
           "Every command that opens a file keeps an index of it (in $XDG_CACHE_HOME/heapscope, at most\n"
           "HEAPSCOPE_CACHE_CAP bytes, 20G by default) and maps it on the next open; --no-cache or\n"
           "HEAPSCOPE_NO_CACHE=1 turns that off.\n"
           "\n"
           "Filters: duplicatedStrings, objectsRetainedByDetachedDomNodes, objectsRetainedByContexts,\n"
           "         objectsRetainedByConsole, objectsRetainedByEventHandlers, ID range MIN..MAX,\n"
           "         nativeContext_<nodeIndex> (see realms), sharedNativeContext, noNativeContext.\n"
           "Exit status: 0 success, 1 a file could not be read or written, 2 bad usage,\n"
           "             3 leaks --fail-on-leak found a leak candidate.\n";
}

int run(const std::string& command, const std::vector<std::string>& args) {
    if (command == "info")
        return cmdInfo(args);
    if (command == "summary")
        return cmdSummary(args);
    if (command == "diff")
        return cmdDiff(args);
    if (command == "node")
        return cmdNode(args);
    if (command == "stats")
        return cmdStats(args);
    if (command == "paths")
        return cmdPaths(args);
    if (command == "alloc")
        return runAllocCommand(args);
    if (command == "trend")
        return runTrendCommand(args);
    if (command == "leaks")
        return runLeaksCommand(args);
    if (command == "profile")
        return runProfileCommand(args);
    if (command == "realms")
        return runRealmsCommand(args);
    if (command == "contexts")
        return runContextsCommand(args);
    if (command == "mcp")
        return runMcpCommand(args);
    if (command == "redact")
        return runRedactCommand(args);
    if (command == "report")
        return runReportCommand(args);
    if (command == "cache")
        return runCacheCommand(args);
#ifdef HEAPSCOPE_HAVE_CAPTURE
    if (command == "capture")
        return runCaptureCommand(args);
#endif
    return usageError("unknown command '" + command + "'");
}

} // namespace heapscope::cli
