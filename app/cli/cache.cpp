// SPDX-License-Identifier: MIT
#include "cache.h"

#include "heapscope/format.h"
#include "heapscope/json_writer.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

namespace heapscope::cli {

namespace {

std::mutex g_keptMutex;
std::vector<AnalysisPtr> g_kept;

void reportWarning(const OpenReport& report) {
    if (!report.indexWarning.empty())
        std::fprintf(stderr, "heapscope-cli: warning: %s\n", report.indexWarning.c_str());
}

// "20G", "512M", "1000000" -> bytes; nullopt when unreadable.
std::optional<std::uint64_t> parseBytes(const std::string& text) {
    if (text.empty())
        return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || value < 0)
        return std::nullopt;
    const std::string unit(end);
    double scale = 1;
    if (unit == "K" || unit == "k")
        scale = 1024.0;
    else if (unit == "M")
        scale = 1024.0 * 1024;
    else if (unit == "G")
        scale = 1024.0 * 1024 * 1024;
    else if (!unit.empty())
        return std::nullopt;
    return std::uint64_t(value * scale);
}

// The writer runs as a grandchild with no terminal, at the lowest CPU and I/O priority.
void becomeBackgroundWriter() {
    ::setsid();
    const int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
        ::dup2(devnull, 0);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        if (devnull > 2)
            ::close(devnull);
    }
    ::setpriority(PRIO_PROCESS, 0, 19);
#ifdef SYS_ioprio_set
    constexpr int kWhoProcess = 1, kClassIdle = 3, kClassShift = 13;
    ::syscall(SYS_ioprio_set, kWhoProcess, 0, kClassIdle << kClassShift);
#endif
}

} // namespace

CacheSettings& cacheSettings() {
    static CacheSettings settings;
    return settings;
}

void configureCache(std::vector<std::string>& args) {
    CacheSettings& s = cacheSettings();
    if (const char* off = std::getenv("HEAPSCOPE_NO_CACHE"); off && *off && std::string(off) != "0")
        s.enabled = false;
    if (const char* cap = std::getenv("HEAPSCOPE_CACHE_CAP")) {
        if (auto bytes = parseBytes(cap))
            s.options.capBytes = *bytes;
        else
            std::fprintf(stderr, "heapscope-cli: warning: HEAPSCOPE_CACHE_CAP '%s' is not a size; using %s\n",
                         cap, format::bytesAdaptive(s.options.capBytes).c_str());
    }
    std::erase_if(args, [&](const std::string& a) {
        if (a != "--no-cache")
            return false;
        s.enabled = false;
        return true;
    });
}

const char* indexOutcomeName(IndexOutcome outcome) {
    switch (outcome) {
    case IndexOutcome::Disabled:
        return "disabled";
    case IndexOutcome::Absent:
        return "absent";
    case IndexOutcome::Used:
        return "used";
    case IndexOutcome::Rejected:
        return "rejected";
    }
    return "?";
}

Expected<OpenedSnapshot> openFile(const std::string& path, OpenReport* report, const WorkContext& context) {
    OpenReport local;
    OpenReport& r = report ? *report : local;
    OpenOptions options;
    options.useIndex = cacheSettings().enabled;
    options.cache = cacheSettings().options;
    auto opened = openAnalyzed(path, options, context, &r);
    reportWarning(r);
    if (opened && r.outcome != IndexOutcome::Used && r.outcome != IndexOutcome::Disabled)
        keepIndexLater(opened->analysis);
    return opened;
}

Expected<OpenedSnapshot> openSummaryOnly(const std::string& path, OpenReport* report) {
    if (cacheSettings().enabled) {
        OpenReport local;
        OpenReport& r = report ? *report : local;
        r = {};
        LoadTimings timings;
        auto kept = openIndexSummary(path, cacheSettings().options, &r.indexWarning, &timings);
        if (kept && *kept) {
            r.outcome = IndexOutcome::Used;
            r.timings = std::move(timings);
            return std::move(**kept);
        }
        if (!r.indexWarning.empty()) {
            // reported once; the full open then finds no index and loads the file
            reportWarning(r);
            const std::string warning = r.indexWarning;
            auto opened = openFile(path, &r);
            r.outcome = IndexOutcome::Rejected;
            r.indexWarning = warning;
            return opened;
        }
    }
    return openFile(path, report);
}

Expected<SnapshotPtr> openGraph(const std::string& path, OpenReport* report, const WorkContext& context) {
    *report = {};
    if (cacheSettings().enabled) {
        LoadTimings indexTimings;
        auto opened =
            openIndex(path, cacheSettings().options, 0, context, &report->indexWarning, &indexTimings);
        reportWarning(*report);
        if (!opened)
            return opened.error();
        if (*opened) {
            report->outcome = IndexOutcome::Used;
            report->timings = std::move(indexTimings);
            return (*opened)->snapshot;
        }
        report->outcome = report->indexWarning.empty() ? IndexOutcome::Absent : IndexOutcome::Rejected;
    }
    return loadSnapshot(path, {}, context, &report->timings);
}

void keepIndexLater(const AnalysisPtr& analysis) {
    if (!cacheSettings().enabled || !analysis || !indexable(*analysis))
        return;
    std::lock_guard lock(g_keptMutex);
    g_kept.push_back(analysis);
}

bool writeKeptIndexesInBackground() {
    std::vector<AnalysisPtr> kept;
    {
        std::lock_guard lock(g_keptMutex);
        kept.swap(g_kept);
    }
    return writeIndexesInBackground(kept);
}

bool writeIndexesInBackground(const std::vector<AnalysisPtr>& analyses) {
    if (analyses.empty() || !cacheSettings().enabled)
        return false;
    // The writer cannot speak once the command has answered: a folder it cannot use is said now.
    const std::string folder = indexFolder(cacheSettings().options);
    std::error_code ec;
    if (folder.empty() || (std::filesystem::create_directories(folder, ec), ec)) {
        static bool warned = false; // once per run, not once per file of a series
        if (std::exchange(warned, true))
            return false;
        std::fprintf(stderr, "heapscope-cli: warning: no index kept: %s\n",
                     folder.empty()
                         ? "neither XDG_CACHE_HOME nor HOME is set"
                         : ("cannot create the cache folder " + folder + ": " + ec.message()).c_str());
        return false;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t child = ::fork();
    if (child < 0)
        return false; // no index this time; the next open loads the file as today
    if (child > 0) {
        int status = 0;
        ::waitpid(child, &status, 0); // the child only forks the writer and leaves
        return true;
    }
    if (::fork() != 0)
        ::_exit(0);
    becomeBackgroundWriter();
    for (const auto& analysis : analyses)
        if (analysis && indexable(*analysis))
            (void)writeIndex(*analysis, cacheSettings().options);
    ::_exit(0);
}

const char* cacheUsageText() {
    return "  cache list [--json]                   the kept indexes, most recently used first\n"
           "  cache clear                           deletes every kept index\n"
           "  cache build FILE...                   writes the index of each file now\n"
           "  cache folder                          prints where the indexes are kept\n";
}

int runCacheCommand(const std::vector<std::string>& args) {
    const std::string sub = args.empty() ? "list" : args[0];
    const IndexCacheOptions& options = cacheSettings().options;
    const std::string folder = indexFolder(options);
    if (sub == "folder") {
        std::printf("%s\n", folder.c_str());
        return 0;
    }
    if (sub == "list") {
        const bool json = args.size() > 1 && args[1] == "--json";
        if (args.size() > (json ? 2u : 1u)) {
            std::fprintf(stderr, "heapscope-cli: cache list takes only --json\n");
            return 2;
        }
        const auto entries = listIndexes(options);
        std::uint64_t total = 0;
        for (const auto& e : entries)
            total += e.bytes;
        if (json) {
            JsonWriter w;
            w.beginObject();
            w.field("folder", folder);
            w.field("cap_bytes", options.capBytes);
            w.field("total_bytes", total);
            w.key("indexes").beginArray();
            for (const auto& e : entries) {
                w.beginObject();
                w.field("file", e.file);
                w.field("snapshot", e.snapshotPath);
                w.field("bytes", e.bytes);
                w.field("last_used", std::int64_t(e.lastUsed));
                w.field("readable", e.readable);
                w.endObject();
            }
            w.endArray();
            w.endObject();
            std::printf("%s\n", w.str().c_str());
            return 0;
        }
        std::printf("%s: %zu indexes, %s of %s\n", folder.c_str(), entries.size(),
                    format::bytesAdaptive(total).c_str(), format::bytesAdaptive(options.capBytes).c_str());
        for (const auto& e : entries) {
            char when[32] = "?";
            const std::time_t t = std::time_t(e.lastUsed);
            if (std::tm tm{}; ::localtime_r(&t, &tm))
                std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
            std::printf("  %10s  %s  %s\n", format::bytesAdaptive(e.bytes).c_str(), when,
                        e.readable ? e.snapshotPath.c_str() : "(unreadable or of another version)");
        }
        return 0;
    }
    if (sub == "clear") {
        if (args.size() > 1) {
            std::fprintf(stderr, "heapscope-cli: cache clear takes no arguments\n");
            return 2;
        }
        auto freed = clearIndexes(options);
        if (!freed) {
            std::fprintf(stderr, "heapscope-cli: %s\n", freed.error().message().c_str());
            return 1;
        }
        std::printf("Deleted %s of indexes in %s\n", format::bytesAdaptive(*freed).c_str(), folder.c_str());
        return 0;
    }
    if (sub == "build") {
        if (args.size() < 2) {
            std::fprintf(stderr, "heapscope-cli: cache build needs at least one FILE\n");
            return 2;
        }
        int status = 0;
        for (std::size_t i = 1; i < args.size(); ++i) {
            OpenReport report;
            OpenOptions open;
            open.cache = options;
            auto opened = openAnalyzed(args[i], open, {}, &report);
            reportWarning(report);
            if (!opened) {
                std::fprintf(stderr, "heapscope-cli: %s\n", opened.error().message().c_str());
                status = 1;
                continue;
            }
            if (report.outcome == IndexOutcome::Used) {
                std::printf("%s: the index is up to date\n", args[i].c_str());
                continue;
            }
            auto written = writeIndex(*opened->analysis, options);
            if (!written) {
                std::fprintf(stderr, "heapscope-cli: %s\n", written.error().message().c_str());
                status = 1;
                continue;
            }
            std::printf("%s: index written (%s)\n", args[i].c_str(), format::bytesAdaptive(*written).c_str());
        }
        return status;
    }
    std::fprintf(stderr, "heapscope-cli: unknown cache command '%s'\n\n%s", sub.c_str(), cacheUsageText());
    return 2;
}

} // namespace heapscope::cli
