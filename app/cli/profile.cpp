// SPDX-License-Identifier: MIT
// heapscope-cli profile: a sampling heap profile's Bottom-up and Top-down views, and the comparison
// of two, as text, JSON (docs/profile.schema.json) or CSV.
#include "profile.h"

#include "commands.h"
#include "heapscope/csv.h"
#include "heapscope/format.h"
#include "heapscope/json_writer.h"
#include "heapscope/sampling_profile.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

// "12.34 %" as DevTools' profile grids print a share (toFixed(2)).
std::string share(std::uint64_t value, std::uint64_t total) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f %%", total ? 100.0 * double(value) / double(total) : 0.0);
    return buf;
}

// "+1,234", "-1,234", "0".
std::string signedGrouped(std::int64_t v) {
    if (v == 0)
        return "0";
    return (v > 0 ? "+" : "-") + format::grouped(v > 0 ? std::uint64_t(v) : std::uint64_t(-(v + 1)) + 1);
}

// A 0-based line or column of the file as a 1-based CSV number, empty when unknown (-1).
void lineField(csv::Writer& w, std::int32_t zeroBased) {
    if (zeroBased < 0)
        w.text("");
    else
        w.number(std::int64_t(zeroBased) + 1);
}

std::string pad(const std::string& s, std::size_t width) {
    std::size_t cps = 0;
    for (unsigned char c : s)
        cps += (c & 0xC0) != 0x80;
    return cps >= width ? s : std::string(width - cps, ' ') + s;
}

struct Options {
    std::vector<std::string> files;
    bool json = false, csv = false, topDown = false, bottomUp = false, diff = false, timings = false;
    bool byTotal = false;
    std::size_t top = 0; // 0: the default of the format
    bool topGiven = false;
    std::size_t callers = 0;
    std::size_t depth = 6;
    bool depthGiven = false;
    std::uint64_t minOrdinal = 0, maxOrdinal = 0; // --ordinals; both 0: the whole profile
};

std::optional<std::size_t> number(const std::string& s) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 12)
        return std::nullopt;
    return std::size_t(std::strtoull(s.c_str(), nullptr, 10));
}

void writeFunction(JsonWriter& w, const SamplingProfile& p, std::uint32_t f) {
    const ProfileFunction& fn = p.functions[f];
    w.field("name", p.displayName(f));
    w.field("url", p.str(fn.url));
    w.field("scriptId", p.str(fn.scriptId));
    w.field("lineNumber", std::int64_t(fn.line));
    w.field("columnNumber", std::int64_t(fn.column));
}

void header(const SamplingProfile& p) {
    std::uint64_t visible = 0;
    for (std::uint32_t n = 0; n < p.nodeCount(); ++n)
        visible += p.visible(n);
    std::uint64_t sampled = 0;
    for (std::uint64_t s : p.sampleSize)
        sampled += s;
    std::printf("%s\n", p.path.c_str());
    std::printf("  total size %s (%s bytes), %s nodes (%s shown), %s functions, depth %u\n",
                format::bytesAdaptive(p.totalBytes()).c_str(), format::grouped(p.totalBytes()).c_str(),
                format::grouped(p.nodeCount()).c_str(), format::grouped(visible).c_str(),
                format::grouped(p.functions.size()).c_str(), p.maxDepth);
    if (p.hasSamples)
        std::printf("  %s samples of %s bytes\n", format::grouped(p.sampleNode.size()).c_str(),
                    format::grouped(sampled).c_str());
    else
        std::printf("  no samples section\n");
    for (const std::string& w : p.warnings)
        std::printf("  note: %s\n", w.c_str());
    std::printf("\n");
}

std::string frameText(const SamplingProfile& p, std::uint32_t f) {
    const std::string where = p.location(f);
    return where.empty() ? p.displayName(f) : p.displayName(f) + "  " + where;
}

// ---- Bottom-up ----

void printBottomUpRow(const SamplingProfile& p, const BottomUpRow& row, std::size_t level,
                      std::size_t maxLevel, bool byTotal) {
    std::printf("%s %9s  %s %9s  %8s  %s%s\n", pad(format::grouped(row.self), 13).c_str(),
                share(row.self, p.totalBytes()).c_str(), pad(format::grouped(row.total), 13).c_str(),
                share(row.total, p.totalBytes()).c_str(), format::grouped(row.samples).c_str(),
                std::string(level * 2, ' ').c_str(), frameText(p, row.function).c_str());
    if (level >= maxLevel || !row.hasCallers)
        return;
    auto callers = bottomUpCallers(p, row);
    sortBottomUp(callers, byTotal);
    for (const auto& c : callers)
        printBottomUpRow(p, c, level + 1, maxLevel, byTotal);
}

void jsonBottomUpRow(JsonWriter& w, const SamplingProfile& p, const BottomUpRow& row, std::size_t level,
                     std::size_t maxLevel, bool byTotal) {
    w.beginObject();
    writeFunction(w, p, row.function);
    w.field("selfSize", row.self);
    w.field("totalSize", row.total);
    w.field("samples", row.samples);
    w.field("hasCallers", row.hasCallers);
    if (level < maxLevel && row.hasCallers) {
        auto callers = bottomUpCallers(p, row);
        sortBottomUp(callers, byTotal);
        w.key("callers").beginArray();
        for (const auto& c : callers)
            jsonBottomUpRow(w, p, c, level + 1, maxLevel, byTotal);
        w.endArray();
    }
    w.endObject();
}

// ---- Top-down ----

std::vector<std::uint32_t> sortedChildren(const SamplingProfile& p, std::uint32_t n, bool byTotal) {
    std::vector<std::uint32_t> kids(p.childList.begin() + p.childStart[n],
                                    p.childList.begin() + p.childStart[n + 1]);
    std::stable_sort(kids.begin(), kids.end(), [&](std::uint32_t a, std::uint32_t b) {
        return byTotal ? p.totalSize[a] > p.totalSize[b] : p.selfSize[a] > p.selfSize[b];
    });
    return kids;
}

// Depth-first with an explicit stack: profiles can nest deeper than the C++ stack allows.
template <typename Visit> void walkTopDown(const SamplingProfile& p, const Options& o, Visit visit) {
    struct Item {
        std::uint32_t node;
        std::size_t level;
    };
    std::vector<Item> stack;
    auto pushChildren = [&](std::uint32_t n, std::size_t level) {
        auto kids = sortedChildren(p, n, o.byTotal);
        if (o.top && kids.size() > o.top)
            kids.resize(o.top);
        for (auto it = kids.rbegin(); it != kids.rend(); ++it)
            stack.push_back({*it, level});
    };
    pushChildren(0, 0);
    while (!stack.empty()) {
        const Item item = stack.back();
        stack.pop_back();
        visit(item.node, item.level);
        if (item.level + 1 < o.depth)
            pushChildren(item.node, item.level + 1);
    }
}

int runDiff(const Options& o) {
    std::vector<SamplingProfilePtr> loaded;
    for (const std::string& f : o.files) {
        auto r = loadSamplingProfile(f);
        if (!r.ok()) {
            std::fprintf(stderr, "heapscope-cli: %s\n", r.error().message().c_str());
            return kLoadError;
        }
        loaded.push_back(r.value());
    }
    auto rows = diffProfiles(*loaded[0], *loaded[1]);
    if (o.byTotal)
        std::stable_sort(rows.begin(), rows.end(), [](const ProfileDiffRow& a, const ProfileDiffRow& b) {
            return std::llabs(a.totalDelta()) > std::llabs(b.totalDelta());
        });
    const std::size_t top = o.topGiven ? std::min(o.top, rows.size()) : (o.json || o.csv ? rows.size() : 30);
    if (o.json) {
        JsonWriter w;
        w.beginObject();
        w.field("schema", "heapscope-profile-diff/1");
        w.field("base", loaded[0]->path);
        w.field("file", loaded[1]->path);
        w.field("baseTotalSize", loaded[0]->totalBytes());
        w.field("totalSize", loaded[1]->totalBytes());
        w.field("functionCount", std::uint64_t(rows.size()));
        w.key("functions").beginArray();
        for (std::size_t i = 0; i < top; ++i) {
            const auto& r = rows[i];
            w.beginObject();
            w.field("name", r.name);
            w.field("url", r.url);
            w.field("lineNumber", std::int64_t(r.line));
            w.field("columnNumber", std::int64_t(r.column));
            w.field("baseSelfSize", r.baseSelf);
            w.field("selfSize", r.self);
            w.field("selfSizeDelta", r.selfDelta());
            w.field("baseTotalSize", r.baseTotal);
            w.field("totalSize", r.total);
            w.field("totalSizeDelta", r.totalDelta());
            w.endObject();
        }
        w.endArray();
        w.endObject();
        std::printf("%s\n", w.str().c_str());
        return kOk;
    }
    if (o.csv) {
        csv::Writer w;
        w.text("function").text("url").text("line").text("column").text("base_self_size").text("self_size");
        w.text("self_size_delta")
            .text("base_total_size")
            .text("total_size")
            .text("total_size_delta")
            .endRow();
        for (std::size_t i = 0; i < top; ++i) {
            const auto& r = rows[i];
            w.text(r.name).text(r.url);
            lineField(w, r.line);
            lineField(w, r.column);
            w.number(r.baseSelf).number(r.self).number(r.selfDelta()).number(r.baseTotal).number(r.total);
            w.number(r.totalDelta()).endRow();
        }
        std::fwrite(w.str().data(), 1, w.str().size(), stdout);
        return kOk;
    }
    std::printf(
        "%s -> %s\n  total size %s -> %s (%s)\n\n", loaded[0]->path.c_str(), loaded[1]->path.c_str(),
        format::grouped(loaded[0]->totalBytes()).c_str(), format::grouped(loaded[1]->totalBytes()).c_str(),
        format::signedBytes(std::int64_t(loaded[1]->totalBytes()) - std::int64_t(loaded[0]->totalBytes()))
            .c_str());
    std::printf("%13s %13s %14s %14s  %s\n", "Base self", "Self", "Self change", "Total change", "Function");
    for (std::size_t i = 0; i < top; ++i) {
        const auto& r = rows[i];
        const std::string delta = signedGrouped(r.selfDelta()), totalDelta = signedGrouped(r.totalDelta());
        const std::string where =
            r.url.empty() ? "" : "  " + r.url + ":" + std::to_string(std::int64_t(r.line) + 1);
        std::printf("%13s %13s %14s %14s  %s%s\n", format::grouped(r.baseSelf).c_str(),
                    format::grouped(r.self).c_str(), delta.c_str(), totalDelta.c_str(), r.name.c_str(),
                    where.c_str());
    }
    if (top < rows.size())
        std::printf("... %zu more functions (--top N)\n", rows.size() - top);
    return kOk;
}

} // namespace

int runProfileCommand(const std::vector<std::string>& args) {
    Options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> std::optional<std::size_t> {
            if (i + 1 >= args.size())
                return std::nullopt;
            return number(args[++i]);
        };
        if (a == "--json")
            o.json = true;
        else if (a == "--csv")
            o.csv = true;
        else if (a == "--top-down")
            o.topDown = true;
        else if (a == "--bottom-up")
            o.bottomUp = true;
        else if (a == "--diff")
            o.diff = true;
        else if (a == "--timings")
            o.timings = true;
        else if (a == "--sort") {
            if (i + 1 >= args.size() || (args[i + 1] != "self" && args[i + 1] != "total"))
                return usageError("--sort is self or total");
            o.byTotal = args[++i] == "total";
        } else if (a == "--top") {
            auto v = value();
            if (!v)
                return usageError("--top needs a number");
            o.top = *v;
            o.topGiven = true;
        } else if (a == "--callers") {
            auto v = value();
            if (!v)
                return usageError("--callers needs a number");
            o.callers = *v;
        } else if (a == "--depth") {
            auto v = value();
            if (!v || *v == 0)
                return usageError("--depth needs a number of 1 or more");
            o.depth = *v;
            o.depthGiven = true;
        } else if (a == "--ordinals") {
            // MIN..MAX, MIN.. (no upper bound)
            const std::string v = i + 1 < args.size() ? args[++i] : std::string();
            const auto dots = v.find("..");
            const auto lo = dots == std::string::npos ? std::nullopt : number(v.substr(0, dots));
            const auto hi = dots == std::string::npos || dots + 2 == v.size() ? std::optional<std::size_t>(0)
                                                                              : number(v.substr(dots + 2));
            if (!lo || !hi || (*hi != 0 && *hi < *lo))
                return usageError("--ordinals needs MIN..MAX or MIN.. (sample ordinals)");
            o.minOrdinal = *lo;
            o.maxOrdinal = *hi;
        } else if (a.rfind("--", 0) == 0)
            return usageError("unknown option '" + a + "' for profile");
        else
            o.files.push_back(a);
    }
    if (o.json && o.csv)
        return usageError("--json and --csv cannot be combined");
    if (o.topDown && o.bottomUp)
        return usageError("--bottom-up and --top-down cannot be combined");
    if (o.diff) {
        if (o.files.size() != 2)
            return usageError("profile --diff needs BASE and FILE");
        if (o.topDown)
            return usageError(
                "profile --diff compares functions (the Bottom-up view): --top-down does not apply");
        return runDiff(o);
    }
    if (o.files.size() != 1)
        return usageError(o.files.size() == 2 ? "profile with two files needs --diff"
                                              : "profile needs exactly one FILE");

    const auto start = std::chrono::steady_clock::now();
    auto r = loadSamplingProfile(o.files[0]);
    if (!r.ok()) {
        std::fprintf(stderr, "heapscope-cli: %s\n", r.error().message().c_str());
        return kLoadError;
    }
    // DevTools' view of a selection of the samples, when asked
    const SamplingProfilePtr selected = selectOrdinals(r.value(), o.minOrdinal, o.maxOrdinal);
    const SamplingProfile& p = *selected;
    const double loadSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    if (o.topDown) {
        if (!o.depthGiven && (o.json || o.csv))
            o.depth = std::size_t(p.maxDepth) + 1;
        if (o.json) {
            // nested objects, closed as the walk climbs back up
            JsonWriter w;
            w.beginObject();
            w.field("schema", "heapscope-profile/1");
            w.field("file", p.path);
            w.field("view", "top-down");
            w.field("totalSize", p.totalBytes());
            w.field("sampleCount", std::uint64_t(p.sampleNode.size()));
            w.key("children").beginArray();
            std::size_t openNodes = 0; // node objects begun and not yet ended
            walkTopDown(p, o, [&](std::uint32_t n, std::size_t level) {
                for (; openNodes > level; --openNodes)
                    w.endArray().endObject();
                w.beginObject();
                w.field("id", p.nodeId[n]);
                writeFunction(w, p, p.function[n]);
                w.field("selfSize", p.selfSize[n]);
                w.field("totalSize", p.totalSize[n]);
                w.field("samples", std::uint64_t(p.sampleCount[n]));
                w.key("children").beginArray();
                ++openNodes;
            });
            for (; openNodes > 0; --openNodes)
                w.endArray().endObject();
            w.endArray();
            w.endObject();
            std::printf("%s\n", w.str().c_str());
        } else if (o.csv) {
            csv::Writer w;
            w.text("id")
                .text("parent_id")
                .text("depth")
                .text("function")
                .text("url")
                .text("line")
                .text("column");
            w.text("self_size").text("total_size").text("samples").endRow();
            walkTopDown(p, o, [&](std::uint32_t n, std::size_t level) {
                const ProfileFunction& f = p.functions[p.function[n]];
                w.number(p.nodeId[n]).number(p.nodeId[p.parent[n]]).number(std::uint64_t(level));
                w.text(p.displayName(p.function[n])).text(p.str(f.url));
                lineField(w, f.line);
                lineField(w, f.column);
                w.number(p.selfSize[n]).number(p.totalSize[n]);
                w.number(std::uint64_t(p.sampleCount[n])).endRow();
            });
            std::fwrite(w.str().data(), 1, w.str().size(), stdout);
        } else {
            if (!o.topGiven)
                o.top = 10;
            header(p);
            std::printf("Top-down (children sorted by %s, %zu levels, %zu per node)\n",
                        o.byTotal ? "total size" : "self size", o.depth, o.top);
            std::printf("%13s %9s  %13s %9s  %8s  %s\n", "Self size", "", "Total size", "", "Samples",
                        "Function");
            walkTopDown(p, o, [&](std::uint32_t n, std::size_t level) {
                std::printf("%s %9s  %s %9s  %8s  %s%s\n", pad(format::grouped(p.selfSize[n]), 13).c_str(),
                            share(p.selfSize[n], p.totalBytes()).c_str(),
                            pad(format::grouped(p.totalSize[n]), 13).c_str(),
                            share(p.totalSize[n], p.totalBytes()).c_str(),
                            format::grouped(p.sampleCount[n]).c_str(), std::string(level * 2, ' ').c_str(),
                            frameText(p, p.function[n]).c_str());
            });
        }
    } else {
        auto rows = bottomUpFunctions(p);
        sortBottomUp(rows, o.byTotal);
        const std::size_t top =
            o.topGiven ? std::min(o.top, rows.size()) : (o.json || o.csv ? rows.size() : 30);
        if (o.json) {
            JsonWriter w;
            w.beginObject();
            w.field("schema", "heapscope-profile/1");
            w.field("file", p.path);
            w.field("view", "bottom-up");
            w.field("totalSize", p.totalBytes());
            w.field("nodeCount", std::uint64_t(p.nodeCount()));
            w.field("sampleCount", std::uint64_t(p.sampleNode.size()));
            w.field("samplesOutsideTree", p.outsideSamples);
            w.field("functionCount", std::uint64_t(rows.size()));
            w.key("functions").beginArray();
            for (std::size_t i = 0; i < top; ++i)
                jsonBottomUpRow(w, p, rows[i], 0, o.callers, o.byTotal);
            w.endArray();
            w.endObject();
            std::printf("%s\n", w.str().c_str());
        } else if (o.csv) {
            csv::Writer w;
            w.text("function").text("url").text("script_id").text("line").text("column").text("self_size");
            w.text("total_size").text("samples").endRow();
            for (std::size_t i = 0; i < top; ++i) {
                const ProfileFunction& f = p.functions[rows[i].function];
                w.text(p.displayName(rows[i].function)).text(p.str(f.url)).text(p.str(f.scriptId));
                lineField(w, f.line);
                lineField(w, f.column);
                w.number(rows[i].self);
                w.number(rows[i].total).number(rows[i].samples).endRow();
            }
            std::fwrite(w.str().data(), 1, w.str().size(), stdout);
        } else {
            header(p);
            std::printf("Bottom-up (sorted by %s)\n", o.byTotal ? "total size" : "self size");
            std::printf("%13s %9s  %13s %9s  %8s  %s\n", "Self size", "", "Total size", "", "Samples",
                        "Function");
            for (std::size_t i = 0; i < top; ++i)
                printBottomUpRow(p, rows[i], 0, o.callers, o.byTotal);
            if (top < rows.size())
                std::printf("... %zu more functions (--top N)\n", rows.size() - top);
        }
    }
    if (o.timings)
        std::fprintf(stderr, "load: %.3f s (%s bytes of JSON%s)\n", loadSeconds,
                     format::grouped(p.fileBytes).c_str(), p.gzipped ? ", inflated" : "");
    return kOk;
}

} // namespace heapscope::cli
