// SPDX-License-Identifier: MIT
// heapscope-cli realms and contexts: DevTools' native context attribution and closure-context
// analysis (core/heapscope/realms.h, contexts.h) as text or JSON, and the realm filters of
// `summary --filter`.
#include "realms.h"

#include "cache.h"

#include "commands.h"
#include "heapscope/contexts.h"
#include "heapscope/format.h"
#include "heapscope/json_writer.h"
#include "heapscope/loader.h"
#include "heapscope/realms.h"

#include <chrono>
#include <cstdio>
#include <set>

namespace heapscope::cli {

namespace {

constexpr int kOk = 0;
constexpr int kLoadError = 1;
constexpr int kUsage = 2;

int usageError(const std::string& message) {
    std::fprintf(stderr, "heapscope-cli: %s\n\n%s", message.c_str(), usageText());
    return kUsage;
}

struct Options {
    std::string file;
    bool json = false;
    bool timings = false;
};

std::optional<Options> parse(const char* command, const std::vector<std::string>& args, int& status) {
    Options o;
    for (const std::string& a : args) {
        if (a == "--json")
            o.json = true;
        else if (a == "--timings")
            o.timings = true;
        else if (a.size() > 1 && a[0] == '-') {
            status = usageError("unknown option " + a);
            return std::nullopt;
        } else if (o.file.empty())
            o.file = a;
        else {
            status = usageError(std::string(command) + " needs exactly one FILE");
            return std::nullopt;
        }
    }
    if (o.file.empty()) {
        status = usageError(std::string(command) + " needs exactly one FILE");
        return std::nullopt;
    }
    return o;
}

using Clock = std::chrono::steady_clock;
double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

struct Loaded {
    AnalysisPtr analysis;
    double load = 0, analyze = 0;
};

std::optional<Loaded> loadAndAnalyze(const std::string& path) {
    Loaded out;
    const auto t0 = Clock::now();
    auto opened = openFile(path);
    if (!opened) {
        std::fprintf(stderr, "heapscope-cli: %s\n", opened.error().message().c_str());
        return std::nullopt;
    }
    const auto t1 = Clock::now();
    out.analysis = opened->analysis;
    out.load = seconds(t0, t1);
    out.analyze = seconds(t1, Clock::now());
    return out;
}

void printTimings(FILE* out, const Loaded& l, const char* what, double s) {
    std::fprintf(out, "\n%-14s %10.3f\n%-14s %10.3f\n%-14s %10.3f  (%.1f%% of load+analysis)\n", "load",
                 l.load, "analysis", l.analyze, what, s, 100.0 * s / (l.load + l.analyze));
}

std::string fit(const std::string& s, std::size_t width) {
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
    return s + std::string(width - cps, ' ');
}

std::string rightAligned(const std::string& s, std::size_t width) {
    return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

} // namespace

bool isRealmFilterArgument(const std::string& text) {
    return isRealmFilterKey(text);
}

std::optional<Aggregates> realmSummary(const Analysis& a, const std::string& key, int& status) {
    auto realms = computeRealms(a);
    if (!realms) {
        std::fprintf(stderr, "heapscope-cli: %s\n", realms.error().message().c_str());
        status = kLoadError;
        return std::nullopt;
    }
    const auto filter = realmFilterFromKey(**realms, key);
    if (!filter) {
        std::string known;
        for (const NativeContextSize* c : (*realms)->bySize())
            known += "\n  " + realmFilterKey(**realms, {RealmFilter::Kind::NativeContext, c->node}) + "  " +
                     text::toUtf8(realmFilterTitle(**realms, {RealmFilter::Kind::NativeContext, c->node}));
        std::fprintf(stderr, "heapscope-cli: %s has no native context '%s'; its native contexts:%s\n",
                     a.snapshot->path.c_str(), key.c_str(), known.empty() ? " none" : known.c_str());
        status = kUsage;
        return std::nullopt;
    }
    auto rows = aggregateRealm(a, **realms, *filter);
    if (!rows) {
        std::fprintf(stderr, "heapscope-cli: %s\n", rows.error().message().c_str());
        status = kLoadError;
        return std::nullopt;
    }
    return std::move(*rows);
}

int runRealmsCommand(const std::vector<std::string>& args) {
    int status = kOk;
    const auto o = parse("realms", args, status);
    if (!o)
        return status;
    const auto loaded = loadAndAnalyze(o->file);
    if (!loaded)
        return kLoadError;
    const Analysis& a = *loaded->analysis;
    const auto t0 = Clock::now();
    auto computed = computeRealms(a);
    if (!computed) {
        std::fprintf(stderr, "heapscope-cli: %s\n", computed.error().message().c_str());
        return kLoadError;
    }
    const double took = seconds(t0, Clock::now());
    const Realms& r = **computed;
    std::vector<RealmFilter> filters;
    for (const NativeContextSize* c : r.bySize())
        filters.push_back({RealmFilter::Kind::NativeContext, c->node});
    filters.push_back({RealmFilter::Kind::Shared, kNoNode});
    filters.push_back({RealmFilter::Kind::Unattributed, kNoNode});
    if (o->json) {
        JsonWriter w;
        w.beginObject();
        w.field("file", a.snapshot->path);
        w.key("nativeContexts").beginArray();
        for (const NativeContextSize& c : r.nativeContexts) {
            w.beginObject();
            w.field("nodeId", std::uint64_t(c.nodeId));
            w.field("nodeIndex", c.nodeIndex);
            w.field("nodeName", c.nodeName);
            w.field("attributedSize", c.attributedSize);
            w.field("retainedSize", c.retainedSize);
            w.field("selfSize", c.selfSize);
            w.endObject();
        }
        w.endArray();
        w.field("sharedSize", r.sharedSize);
        w.field("noAttributionSize", r.noAttributionSize);
        w.key("filters").beginArray(); // the Summary's filter list entries, in its order
        for (const RealmFilter& f : filters) {
            w.beginObject();
            w.field("filter", realmFilterKey(r, f));
            w.field("title", realmFilterTitle(r, f));
            w.endObject();
        }
        w.endArray();
        if (o->timings) {
            w.key("timings").beginObject();
            w.field("load", loaded->load);
            w.field("analysis", loaded->analyze);
            w.field("realms", took);
            w.endObject();
        }
        w.endObject();
        std::printf("%s\n", w.str().c_str());
        return kOk;
    }
    std::printf("%s: %zu native context%s\n", a.snapshot->path.c_str(), r.nativeContexts.size(),
                r.nativeContexts.size() == 1 ? "" : "s");
    std::printf("%s %s %s %s  %s\n", fit("Native context", 48).c_str(),
                rightAligned("Attributed", 12).c_str(), rightAligned("Retained", 12).c_str(),
                rightAligned("Self", 10).c_str(), "Filter");
    for (const RealmFilter& f : filters) {
        const std::string key = realmFilterKey(r, f);
        if (f.kind == RealmFilter::Kind::NativeContext) {
            const NativeContextSize& c = *r.find(f.nativeContext);
            const std::string label = nativeContextLabel(c);
            const std::string name = (label.empty() ? std::string("(no URL)") : text::toUtf8(label)) + " @" +
                                     std::to_string(c.nodeId);
            std::printf("%s %s %s %s  %s\n", fit(name, 48).c_str(),
                        rightAligned(format::bytesAdaptive(c.attributedSize), 12).c_str(),
                        rightAligned(format::bytesAdaptive(c.retainedSize), 12).c_str(),
                        rightAligned(format::bytesAdaptive(c.selfSize), 10).c_str(), key.c_str());
        } else {
            const std::uint64_t size =
                f.kind == RealmFilter::Kind::Shared ? r.sharedSize : r.noAttributionSize;
            const char* name = f.kind == RealmFilter::Kind::Shared ? "(shared between native contexts)"
                                                                   : "(not attributed to a native context)";
            std::printf("%s %s %s %s  %s\n", fit(name, 48).c_str(),
                        rightAligned(format::bytesAdaptive(size), 12).c_str(), rightAligned("", 12).c_str(),
                        rightAligned("", 10).c_str(), key.c_str());
        }
    }
    if (o->timings)
        printTimings(stdout, *loaded, "realms", took);
    return kOk;
}

int runContextsCommand(const std::vector<std::string>& args) {
    int status = kOk;
    const auto o = parse("contexts", args, status);
    if (!o)
        return status;
    const auto loaded = loadAndAnalyze(o->file);
    if (!loaded)
        return kLoadError;
    const Analysis& a = *loaded->analysis;
    const auto t0 = Clock::now();
    auto computed = analyzeContexts(a);
    if (!computed) {
        std::fprintf(stderr, "heapscope-cli: %s\n", computed.error().message().c_str());
        return kLoadError;
    }
    const double took = seconds(t0, Clock::now());
    const ContextAnalysis& r = **computed;
    if (!r.skipped.empty())
        std::fprintf(stderr, "heapscope-cli: %s: the closure analysis was skipped: %s\n",
                     a.snapshot->path.c_str(), r.skipped.c_str());
    if (o->json) {
        JsonWriter w;
        w.beginObject();
        w.field("file", a.snapshot->path);
        w.field("hasScopeSections", r.hasScopeSections);
        if (!r.skipped.empty())
            w.field("skipped", r.skipped);
        w.key("scopes").beginArray();
        for (const ScopeReport& s : r.scopes) {
            w.beginObject();
            w.field("scopeInfoNodeIndex", s.scopeInfoNodeIndex);
            w.field("scopeInfoNodeId", std::uint64_t(s.scopeInfoNodeId));
            w.field("scriptNodeIndex", s.scriptNodeIndex);
            w.field("scriptNodeId", std::uint64_t(s.scriptNodeId));
            w.field("scriptName", s.scriptName);
            if (s.scopeName)
                w.field("scopeName", *s.scopeName);
            w.field("scopeStart", s.scopeStart);
            w.field("scopeEnd", s.scopeEnd);
            w.field("contextFieldCount", std::uint64_t(s.contextFieldCount));
            w.field("location", scopeLocationText(a, s));
            w.key("contexts").beginArray();
            for (const ContextReport& c : s.contexts) {
                w.beginObject();
                w.field("contextNodeIndex", c.contextNodeIndex);
                w.field("contextNodeId", std::uint64_t(c.contextNodeId));
                w.field("retainedSize", c.retainedSize);
                w.field("deadFieldsRetainedSizeSum", c.deadFieldsRetainedSizeSum);
                w.key("deadFields").beginArray();
                for (const DeadContextField& f : c.deadFields) {
                    w.beginObject();
                    w.field("name", f.name);
                    w.field("valueNodeIndex", f.valueNodeIndex);
                    w.field("valueNodeId", std::uint64_t(f.valueNodeId));
                    w.field("valueName", f.valueName);
                    w.field("valueType", f.valueType);
                    w.field("selfSize", f.selfSize);
                    w.field("retainedSize", f.retainedSize);
                    w.endObject();
                }
                w.endArray();
                w.endObject();
            }
            w.endArray();
            w.endObject();
        }
        w.endArray();
        w.key("scriptsWithoutScopes").beginArray();
        for (const ScriptWithoutScopes& s : r.scriptsWithoutScopes) {
            w.beginObject();
            w.field("scriptNodeIndex", s.scriptNodeIndex);
            w.field("scriptNodeId", std::uint64_t(s.scriptNodeId));
            w.field("scriptName", s.scriptName);
            w.field("contextCount", std::uint64_t(s.contextCount));
            w.endObject();
        }
        w.endArray();
        if (o->timings) {
            w.key("timings").beginObject();
            w.field("load", loaded->load);
            w.field("analysis", loaded->analyze);
            w.field("contexts", took);
            w.endObject();
        }
        w.endObject();
        std::printf("%s\n", w.str().c_str());
        return kOk;
    }
    std::printf("%s: %zu scope%s with context fields no live closure can read\n", a.snapshot->path.c_str(),
                r.scopes.size(), r.scopes.size() == 1 ? "" : "s");
    if (!r.hasScopeSections)
        std::printf("%s\n", kNoScopeSectionsText);
    for (const ScopeReport& s : r.scopes) {
        std::uint64_t sum = 0;
        for (const ContextReport& c : s.contexts)
            sum += c.deadFieldsRetainedSizeSum;
        std::printf("\n%s  %s  (%zu context%s, dead fields retain %s)\n",
                    text::toUtf8(scopeLocationText(a, s)).c_str(),
                    s.scopeName && !s.scopeName->empty() ? text::toUtf8(*s.scopeName).c_str() : "(scope)",
                    s.contexts.size(), s.contexts.size() == 1 ? "" : "s", format::bytesAdaptive(sum).c_str());
        for (const ContextReport& c : s.contexts) {
            std::printf("  context @%u  retained %s\n", c.contextNodeId,
                        format::bytesAdaptive(c.retainedSize).c_str());
            for (const DeadContextField& f : c.deadFields)
                std::printf(
                    "    %s = %s @%u  self %s, retained %s\n", text::toUtf8(f.name).c_str(),
                    text::toUtf8(f.valueName.size() > 80 ? f.valueName.substr(0, 80) + "..." : f.valueName)
                        .c_str(),
                    f.valueNodeId, format::bytesAdaptive(f.selfSize).c_str(),
                    format::bytesAdaptive(f.retainedSize).c_str());
        }
    }
    if (!r.scriptsWithoutScopes.empty()) {
        std::printf("\nScripts with live contexts but no scope data:\n");
        for (const ScriptWithoutScopes& s : r.scriptsWithoutScopes)
            std::printf("  %s @%u  %u context%s\n",
                        s.scriptName.empty() ? "(no name)" : text::toUtf8(s.scriptName).c_str(),
                        s.scriptNodeId, s.contextCount, s.contextCount == 1 ? "" : "s");
    }
    if (o->timings)
        printTimings(stdout, *loaded, "contexts", took);
    return kOk;
}

} // namespace heapscope::cli
