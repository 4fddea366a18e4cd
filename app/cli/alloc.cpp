// SPDX-License-Identifier: MIT
// heapscope-cli alloc: DevTools' Allocation perspective (core/heapscope/allocation.h) as text or
// JSON, the callers of one allocating function, and the allocation stack of `node`.
#include "alloc.h"

#include "cache.h"

#include "commands.h"
#include "heapscope/format.h"
#include "heapscope/loader.h"

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

std::optional<std::uint64_t> parseNumber(const std::string& s) {
    if (s.empty() || s.size() > 12)
        return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        v = v * 10 + std::uint64_t(c - '0');
    }
    return v;
}

std::string location(const AllocationProfile& p, std::uint32_t function) {
    const TraceFunctionInfo& f = p.snapshot->traceFunctionInfos[function];
    std::string s = text::toUtf8(p.scriptName(function));
    if (f.line != 0 && !s.empty())
        s += ":" + std::to_string(f.line);
    return s;
}

std::string functionLabel(const AllocationProfile& p, std::uint32_t function) {
    const std::string name = text::toUtf8(p.functionName(function));
    return name.empty() ? "(anonymous)" : name;
}

void writeFunction(JsonWriter& w, const AllocationProfile& p, std::uint32_t function) {
    const TraceFunctionInfo& f = p.snapshot->traceFunctionInfos[function];
    w.field("name", p.functionName(function));
    w.field("scriptName", p.scriptName(function));
    w.field("scriptId", std::uint64_t(f.scriptId));
    w.field("line", std::uint64_t(f.line));
    w.field("column", std::uint64_t(f.column));
}

// DevTools' SerializedAllocationNode; `id` only for tops (DevTools numbers caller rows per request).
void writeRow(JsonWriter& w, const AllocationProfile& p, const AllocationRow& r, const std::uint32_t* id) {
    if (id)
        w.field("id", std::uint64_t(*id));
    writeFunction(w, p, r.function);
    w.field("count", r.count);
    w.field("size", r.size);
    w.field("liveCount", r.liveCount);
    w.field("liveSize", r.liveSize);
    w.field("hasChildren", r.hasChildren);
}

// allocationNodeCallers() of `node`, each branching caller expanded in turn.
void writeCallers(JsonWriter& w, const AllocationProfile& p, std::uint32_t node) {
    const AllocationCallers c = p.callers(node);
    w.key("nestedCallers").beginArray();
    for (const auto& r : c.nestedCallers) {
        w.beginObject();
        writeRow(w, p, r, nullptr);
        w.endObject();
    }
    w.endArray();
    w.key("branchingCallers").beginArray();
    for (const auto& r : c.branchingCallers) {
        w.beginObject();
        writeRow(w, p, r, nullptr);
        if (r.hasChildren) {
            w.key("callers").beginObject();
            writeCallers(w, p, r.node);
            w.endObject();
        }
        w.endObject();
    }
    w.endArray();
}

void printRow(const AllocationProfile& p, const AllocationRow& r, const std::string& indent) {
    std::printf("%10s %10s %12s %12s  %s%s  %s\n", format::grouped(r.liveCount).c_str(),
                format::grouped(r.count).c_str(), format::grouped(r.liveSize).c_str(),
                format::grouped(r.size).c_str(), indent.c_str(), functionLabel(p, r.function).c_str(),
                location(p, r.function).c_str());
}

void printCallers(const AllocationProfile& p, std::uint32_t node, std::string indent) {
    const AllocationCallers c = p.callers(node);
    for (const auto& r : c.nestedCallers) {
        indent += "  ";
        printRow(p, r, indent);
    }
    indent += "  ";
    for (const auto& r : c.branchingCallers) {
        printRow(p, r, indent);
        if (r.hasChildren)
            printCallers(p, r.node, indent);
    }
}

const char* kHeader = "%10s %10s %12s %12s  %s\n";

} // namespace

AllocationProfilePtr allocationProfileOrNull(const Analysis& analysis) {
    if (!hasAllocationTraces(*analysis.snapshot))
        return nullptr;
    auto p = buildAllocationProfile(analysis);
    if (!p) {
        std::fprintf(stderr, "heapscope-cli: %s\n", p.error().message().c_str());
        return nullptr;
    }
    return *p;
}

void writeAllocationStack(JsonWriter& w, const AllocationProfile& profile, NodeOrdinal node) {
    const auto stack = profile.allocationStack(node);
    w.key("allocation_stack");
    if (!stack) {
        w.null();
        return;
    }
    w.beginArray();
    for (const std::uint32_t f : *stack) {
        w.beginObject();
        writeFunction(w, profile, f);
        w.endObject();
    }
    w.endArray();
}

void printAllocationStack(const AllocationProfile& profile, NodeOrdinal node) {
    const auto stack = profile.allocationStack(node);
    if (!stack) {
        std::printf("  allocated at:  (no allocation stack)\n");
        return;
    }
    const char* label = "  allocated at:  ";
    for (const std::uint32_t f : *stack) {
        std::printf("%s%s  %s\n", label, functionLabel(profile, f).c_str(), location(profile, f).c_str());
        label = "                 ";
    }
}

int runAllocCommand(const std::vector<std::string>& args) {
    std::string file;
    bool json = false;
    std::optional<std::uint64_t> callersOf, top;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto valueOf = [&](const char* name) -> std::optional<std::string> {
            const std::string n(name);
            if (a == n && i + 1 < args.size())
                return args[++i];
            if (a.compare(0, n.size() + 1, n + "=") == 0)
                return a.substr(n.size() + 1);
            return std::nullopt;
        };
        if (a == "--json") {
            json = true;
        } else if (a == "--callers" || a.rfind("--callers=", 0) == 0) {
            const auto v = valueOf("--callers");
            if (!v || !(callersOf = parseNumber(*v)))
                return usageError("--callers needs the id of a function (the first column of alloc --json)");
        } else if (a == "--top" || a.rfind("--top=", 0) == 0) {
            const auto v = valueOf("--top");
            if (!v || !(top = parseNumber(*v)))
                return usageError("--top needs a number");
        } else if (a.size() > 1 && a[0] == '-') {
            return usageError("unknown option " + a);
        } else if (file.empty()) {
            file = a;
        } else {
            return usageError("alloc needs exactly one FILE");
        }
    }
    if (file.empty())
        return usageError("alloc needs exactly one FILE");

    auto opened = openFile(file);
    if (!opened) {
        std::fprintf(stderr, "heapscope-cli: %s\n", opened.error().message().c_str());
        return kLoadError;
    }
    const Analysis& a = *opened->analysis;
    const Snapshot& s = *a.snapshot;
    for (const auto& w : s.warnings)
        std::fprintf(stderr, "heapscope-cli: warning: %s: %s\n", file.c_str(), w.c_str());
    if (!hasAllocationTraces(s)) {
        std::fprintf(
            stderr,
            "heapscope-cli: %s has no allocation traces: record an allocation timeline with "
            "allocation stacks (DevTools' \"Allocations on timeline\", or File > Connect to process)\n",
            file.c_str());
        return kLoadError;
    }
    auto built = buildAllocationProfile(a);
    if (!built) {
        std::fprintf(stderr, "heapscope-cli: %s\n", built.error().message().c_str());
        return kLoadError;
    }
    const AllocationProfile& p = **built;

    if (callersOf) {
        const AllocationTop* t = p.topById(std::uint32_t(*callersOf));
        if (!t || *callersOf > 0xFFFFFFFFu)
            return usageError("no allocating function has id " + std::to_string(*callersOf) + " in " + file);
        if (json) {
            JsonWriter w;
            w.beginObject();
            w.field("file", file);
            w.key("top").beginObject();
            writeRow(w, p, *t, &t->id);
            w.endObject();
            writeCallers(w, p, t->node);
            w.endObject();
            std::printf("%s\n", w.str().c_str());
        } else {
            std::printf(kHeader, "Live Count", "Count", "Live Size", "Size", "Function (callers below it)");
            printRow(p, *t, "");
            printCallers(p, t->node, "");
        }
        return kOk;
    }

    const std::size_t shown = top ? std::min<std::size_t>(std::size_t(*top), p.tops.size()) : p.tops.size();
    const TimelineSamples samples = timelineSamples(a);
    if (json) {
        JsonWriter w;
        w.beginObject();
        w.field("file", file);
        w.field("function_count", std::uint64_t(s.traceFunctionInfos.size()));
        w.field("header_trace_function_count", s.format.headerTraceFunctionCount);
        w.field("trace_node_count", std::uint64_t(s.traceTree.size()));
        w.key("warnings").beginArray();
        for (const auto& warning : s.warnings)
            w.value(warning);
        w.endArray();
        w.key("tops").beginArray();
        for (std::size_t i = 0; i < shown; ++i) {
            w.beginObject();
            writeRow(w, p, p.tops[i], &p.tops[i].id);
            w.endObject();
        }
        w.endArray();
        w.key("samples");
        if (samples.empty()) {
            w.null();
        } else {
            w.beginObject();
            w.key("timestamps").beginArray();
            for (double t : samples.timestampsMs)
                w.value(t);
            w.endArray();
            w.key("lastAssignedIds").beginArray();
            for (std::uint32_t id : samples.lastAssignedIds)
                w.value(std::uint64_t(id));
            w.endArray();
            w.key("sizes").beginArray();
            for (std::uint64_t v : samples.sizes)
                w.value(v);
            w.endArray();
            w.endObject();
        }
        w.endObject();
        std::printf("%s\n", w.str().c_str());
        return kOk;
    }
    std::printf("%s: %zu allocating functions (of %zu), %zu trace nodes\n", file.c_str(), p.tops.size(),
                s.traceFunctionInfos.size(), s.traceTree.size());
    std::printf("%4s ", "id");
    std::printf(kHeader, "Live Count", "Count", "Live Size", "Size", "Function");
    for (std::size_t i = 0; i < shown; ++i) {
        std::printf("%4u ", p.tops[i].id);
        printRow(p, p.tops[i], "");
    }
    if (!samples.empty()) {
        std::uint64_t live = 0;
        for (std::uint64_t v : samples.sizes)
            live += v;
        std::printf("\nTimeline: %zu samples over %.1f s, %s of live objects allocated while recording\n",
                    samples.timestampsMs.size(), samples.timestampsMs.back() / 1000,
                    format::bytesAdaptive(live).c_str());
    }
    return kOk;
}

} // namespace heapscope::cli
