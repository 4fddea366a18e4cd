// SPDX-License-Identifier: MIT
// heapscope-cli mcp: a Model Context Protocol server over stdio (docs/mcp.md). JSON-RPC 2.0, one
// message a line; the initialize handshake's revisions and the stateless 2026-07-28 one. The reading
// thread answers the protocol's own requests at once (initialize, server/discover, ping, tools/list,
// malformed messages) and hands tools/call to one worker thread, which owns the open snapshots; a
// notifications/cancelled stops the call it names through its StopFlag.
#include "mcp.h"

#include "alloc.h"
#include "cache.h"
#include "commands.h"
#include "heapscope/analysis.h"
#include "heapscope/comparison.h"
#include "heapscope/json_writer.h"
#include "heapscope/loader.h"
#include "heapscope/progress.h"
#include "heapscope/realms.h"
#include "heapscope/retainer_paths.h"
#include "heapscope/series.h"
#include "heapscope/string_table.h"
#include "realms.h"
#include "trend.h"

#include <simdjson.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>

namespace heapscope::cli {

namespace {

namespace dom = simdjson::dom;

/// The revisions of the initialize handshake this server speaks, newest first: an initialize naming
/// another gets the newest.
constexpr const char* kProtocolVersions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
/// The stateless revision: no handshake, each request names its revision in _meta (server/discover).
constexpr std::string_view kStatelessVersion = "2026-07-28";
constexpr const char* kVersionMetaKey = "io.modelcontextprotocol/protocolVersion";

constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kUnsupportedProtocolVersion = -32022; // 2026-07-28

const std::string& serverInfo() {
    static const std::string info =
        "{\"name\":\"heapscope\",\"title\":\"Heapscope\",\"version\":" + text::jsonQuote(HEAPSCOPE_VERSION) +
        "}";
    return info;
}

std::string quote(std::string_view s) {
    return text::jsonQuote(s);
}

constexpr const char* kInstructions =
    "Heapscope analyses V8 heap snapshots (Chrome, Node.js, Deno, Bun) with DevTools' numbers, also multi-GB "
    "ones. Open a file with open_snapshot, then use its handle with summary, node, retainer_paths, compare "
    "and "
    "statistics; trend and leaks take the files of a series. Long lists are paged: top and offset, "
    "next_offset.";

/// A result as the 2026-07-28 revision wants it (resultType, the server's identity in _meta), or as
/// it is for the handshake's revisions.
std::string eraResult(const std::string& result, bool stateless);

/// JSON text without whitespace between tokens (a message must stay on one line).
std::string minified(const std::string& json) {
    std::string out(json.size(), '\0');
    std::size_t length = 0;
    if (simdjson::minify(json.data(), json.size(), out.data(), length) != simdjson::SUCCESS)
        return json;
    out.resize(length);
    return out;
}

/// Writes whole messages to the protocol's stream, one a line, from any thread.
class Channel {
public:
    explicit Channel(FILE* out) : m_out(out) {}
    void send(const std::string& message) {
        std::lock_guard lock(m_mutex);
        std::fwrite(message.data(), 1, message.size(), m_out);
        std::fputc('\n', m_out);
        std::fflush(m_out);
    }
    void result(const std::string& id, const std::string& result) {
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}");
    }
    void error(const std::string& id, int code, std::string_view message) {
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":" + std::to_string(code) +
             ",\"message\":" + quote(message) + "}}");
    }

private:
    std::mutex m_mutex;
    FILE* m_out;
};

// ---- Tools ----------------------------------------------------------------------------------

struct ToolInfo {
    const char* name;
    const char* title;
    const char* description;
    const char* inputSchema; // JSON Schema
};

constexpr const char* kHandle =
    R"j("handle":{"type":"integer","minimum":1,"description":"A handle returned by open_snapshot"})j";
constexpr const char* kPaging =
    R"j("top":{"type":"integer","minimum":0,"description":"Rows to return (default 50)"},)j"
    R"j("offset":{"type":"integer","minimum":0,"description":"Rows to skip first, for the next page (default 0)"})j";
constexpr const char* kObjectId =
    R"j({"type":["integer","string"],"description":"An object id: 123 or \"@123\" as DevTools writes it"})j";

const std::vector<ToolInfo>& tools() {
    static const std::vector<ToolInfo> list = [] {
        static const std::string handleOnly =
            std::string(R"j({"type":"object","properties":{)j") + kHandle + R"j(},"required":["handle"]})j";
        static const std::string summary =
            std::string(R"j({"type":"object","properties":{)j") + kHandle +
            R"j(,"filter":{"type":"string","description":"duplicatedStrings, objectsRetainedByDetachedDomNodes, objectsRetainedByContexts, objectsRetainedByConsole, objectsRetainedByEventHandlers, an id range MIN..MAX, nativeContext_<nodeIndex>, sharedNativeContext or noNativeContext"},)j" +
            kPaging + R"j(},"required":["handle"]})j";
        static const std::string node = std::string(R"j({"type":"object","properties":{)j") + kHandle +
                                        R"j(,"ids":{"type":"array","items":)j" + kObjectId +
                                        R"j(,"minItems":1,"maxItems":1000}},"required":["handle","ids"]})j";
        static const std::string paths =
            std::string(R"j({"type":"object","properties":{)j") + kHandle + R"j(,"id":)j" + kObjectId +
            R"j(,"max":{"type":"integer","minimum":1,"maximum":1000,"description":"Paths to find (default 5)"},)j"
            R"j("max_length":{"type":"integer","minimum":1,"description":"Longest path followed, in hops (default 64)"},)j"
            R"j("include_weak":{"type":"boolean","description":"Follow weak edges too (default false)"}},)j"
            R"j("required":["handle","id"]})j";
        static const std::string compare =
            std::string(R"j({"type":"object","properties":{"base":{"type":"integer","minimum":1,)j"
                        R"j("description":"Handle of the earlier snapshot"},)j") +
            kHandle + "," + kPaging +
            R"j(,"ids":{"type":"boolean","description":"List the ids of new and deleted objects per class (default false)"}},)j"
            R"j("required":["base","handle"]})j";
        static const std::string series =
            std::string(
                R"j({"type":"object","properties":{"paths":{"type":"array","items":{"type":"string"},)j"
                R"j("minItems":2,"description":"Snapshot files of one process; any order"},)j") +
            kPaging + R"j(},"required":["paths"]})j";
        static const std::string leaks =
            std::string(
                R"j({"type":"object","properties":{"paths":{"type":"array","items":{"type":"string"},)j"
                R"j("minItems":2,"description":"Snapshot files of one process; any order"},)j") +
            kPaging +
            R"j(,"min_growth":{"type":"integer","minimum":1,"description":"Objects a group must gain in every interval (default 1)"}},)j"
            R"j("required":["paths"]})j";
        return std::vector<ToolInfo>{
            {"open_snapshot", "Open a heap snapshot",
             "Loads and analyses a V8 heap snapshot (.heapsnapshot, .heaptimeline, gzip too; several GB "
             "work) and "
             "keeps it open: returns the handle the other tools take, with its counts and sizes. Reports "
             "progress "
             "while loading. Opening a file that is already open returns its handle.",
             R"j({"type":"object","properties":{"path":{"type":"string","description":"Path of the snapshot file: absolute, from the home directory (~/...) or from the server's working directory"}},"required":["path"]})j"},
            {"close_snapshot", "Close a snapshot", "Frees an open snapshot's memory.", handleOnly.c_str()},
            {"list_snapshots", "List open snapshots",
             "The open snapshots with their handles, files and counts.",
             R"j({"type":"object","properties":{}})j"},
            {"summary", "Summary by constructor",
             "DevTools' Summary: one row per constructor (class) with count, distance, shallow and retained "
             "size, "
             "biggest retained size first, optionally filtered. Paged with top and offset.",
             summary.c_str()},
            {"node", "Objects by id",
             "Per object: type, name, class, shallow and retained size, distance, dominator, edge and "
             "retainer "
             "counts, DOM state, allocation stack when recorded.",
             node.c_str()},
            {"retainer_paths", "Retainer paths",
             "Why an object is alive: the shortest distinct retaining paths from the GC roots to it.",
             paths.c_str()},
            {"compare", "Compare two snapshots",
             "DevTools' Comparison of the snapshot `handle` against `base`: per class the new and deleted "
             "objects "
             "and the changes of count, size and retained size. Paged with top and offset.",
             compare.c_str()},
            {"statistics", "Statistics",
             "DevTools' Statistics: code, strings, JS arrays, typed arrays, system objects.",
             handleOnly.c_str()},
            {"trend", "Trend of a series",
             "Loads snapshot files one at a time (memory stays near one snapshot's) and gives per class its "
             "count "
             "and sizes in each snapshot in time order, with a verdict (grows, plateau, freed, oscillates), "
             "and the "
             "leak groups. Classes paged with top and offset.",
             series.c_str()},
            {"leaks", "Leak candidates of a series",
             "Objects of one class held the same way that grow in every interval of a series of snapshot "
             "files, "
             "biggest growth of retained size first, each with its holder path and sample object ids.",
             leaks.c_str()},
        };
    }();
    return list;
}

const ToolInfo* findTool(std::string_view name) {
    for (const ToolInfo& t : tools())
        if (name == t.name)
            return &t;
    return nullptr;
}

std::string toolsListResult() {
    std::string out = "{\"tools\":[";
    bool first = true;
    for (const ToolInfo& t : tools()) {
        out += first ? "" : ",";
        first = false;
        out += "{\"name\":" + quote(t.name) + ",\"title\":" + quote(t.title) +
               ",\"description\":" + quote(t.description) + ",\"inputSchema\":" + t.inputSchema +
               ",\"annotations\":{\"readOnlyHint\":true,\"openWorldHint\":false}}";
    }
    out += "]}";
    return minified(out);
}

/// A tool that cannot do what it was asked: its message goes back as the tool's error result.
struct ToolFailure {
    std::string message;
};

[[noreturn]] void fail(std::string message) {
    throw ToolFailure{std::move(message)};
}

/// A tool's arguments, read with the checks of its input schema.
class Arguments {
public:
    Arguments(std::optional<dom::object> object, std::set<std::string_view> known) : m_object(object) {
        if (!m_object)
            return;
        for (auto field : *m_object)
            if (!known.count(field.key))
                fail("unknown argument '" + std::string(field.key) + "'");
    }
    std::optional<dom::element> get(std::string_view name) const {
        dom::element e;
        if (!m_object || (*m_object)[name].get(e) != simdjson::SUCCESS || e.is_null())
            return std::nullopt;
        return e;
    }
    std::string string(std::string_view name) const {
        const auto e = get(name);
        if (!e)
            fail("argument '" + std::string(name) + "' is required");
        std::string_view s;
        if (e->get(s) != simdjson::SUCCESS)
            fail("argument '" + std::string(name) + "' must be a string");
        return std::string(s);
    }
    std::optional<std::string> optionalString(std::string_view name) const {
        if (!get(name))
            return std::nullopt;
        return string(name);
    }
    std::uint64_t integer(std::string_view name, std::optional<std::uint64_t> fallback, std::uint64_t min = 0,
                          std::uint64_t max = UINT64_MAX) const {
        const auto e = get(name);
        if (!e) {
            if (!fallback)
                fail("argument '" + std::string(name) + "' is required");
            return *fallback;
        }
        const auto v = integerValue(*e);
        if (!v || *v < min || *v > max)
            fail("argument '" + std::string(name) + "' must be an integer from " + std::to_string(min) +
                 (max == UINT64_MAX ? " up" : " to " + std::to_string(max)));
        return *v;
    }
    bool boolean(std::string_view name, bool fallback) const {
        const auto e = get(name);
        if (!e)
            return fallback;
        bool b = false;
        if (e->get(b) != simdjson::SUCCESS)
            fail("argument '" + std::string(name) + "' must be true or false");
        return b;
    }
    dom::array array(std::string_view name) const {
        const auto e = get(name);
        if (!e)
            fail("argument '" + std::string(name) + "' is required");
        dom::array a;
        if (e->get(a) != simdjson::SUCCESS)
            fail("argument '" + std::string(name) + "' must be an array");
        return a;
    }
    std::vector<std::string> strings(std::string_view name) const {
        std::vector<std::string> out;
        for (dom::element item : array(name)) {
            std::string_view s;
            if (item.get(s) != simdjson::SUCCESS)
                fail("argument '" + std::string(name) + "' must be an array of strings");
            out.emplace_back(s);
        }
        return out;
    }

    static std::optional<std::uint64_t> integerValue(dom::element e) {
        if (e.is_uint64())
            return std::uint64_t(e.get_uint64());
        if (e.is_int64())
            return std::nullopt; // negative
        double d = 0;
        if (e.get(d) == simdjson::SUCCESS && d >= 0 && d < 1.8e19 && d == double(std::uint64_t(d)))
            return std::uint64_t(d);
        return std::nullopt;
    }

private:
    std::optional<dom::object> m_object;
};

/// "~/x" as the shell reads it (clients pass paths as a user writes them).
std::string expandHome(std::string path) {
    const char* home = std::getenv("HOME");
    if (home && *home && (path == "~" || path.rfind("~/", 0) == 0))
        path = home + path.substr(1);
    return path;
}

/// 123, "123" or "@123".
std::uint32_t objectId(dom::element e, std::string_view argument) {
    if (const auto v = Arguments::integerValue(e); v && *v <= 0xFFFFFFFFull)
        return std::uint32_t(*v);
    std::string_view s;
    if (e.get(s) == simdjson::SUCCESS) {
        if (!s.empty() && s[0] == '@')
            s.remove_prefix(1);
        if (!s.empty() && s.size() <= 10 && s.find_first_not_of("0123456789") == std::string_view::npos) {
            const unsigned long long v = std::stoull(std::string(s));
            if (v <= 0xFFFFFFFFull)
                return std::uint32_t(v);
        }
    }
    fail("argument '" + std::string(argument) + "': '" + simdjson::to_string(e) + "' is not an object id");
}

/// Progress notifications of one tools/call, when the request carried a progress token.
class Progress {
public:
    Progress(Channel& channel, std::string token) : m_channel(channel), m_token(std::move(token)) {}
    /// `fraction` of the job done (0 to 1); sent when it grew, at most every 100 ms.
    void report(double fraction, std::string_view message) {
        if (m_token.empty())
            return;
        const int permille = std::clamp(int(fraction * 1000), 0, 1000);
        std::lock_guard lock(m_mutex);
        const auto now = std::chrono::steady_clock::now();
        if (permille <= m_last ||
            (m_last >= 0 && permille < 1000 && now - m_sent < std::chrono::milliseconds(100)))
            return;
        m_last = permille;
        m_sent = now;
        m_message = message;
        m_channel.send(
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":" +
            m_token + ",\"progress\":" + std::to_string(permille) +
            ",\"total\":1000,\"message\":" + quote(message) + "}}");
    }
    /// Before the answer: a job that reported progress ends at the total, even when its last
    /// stage was not reported as done.
    void finish() {
        std::string message;
        {
            std::lock_guard lock(m_mutex);
            if (m_last < 0 || m_last == 1000)
                return;
            message = m_message;
        }
        report(1.0, message);
    }
    WorkContext context(const StopFlag* stop) {
        WorkContext c;
        c.stop = stop;
        if (!m_token.empty())
            c.progress = [this](Stage stage, std::uint64_t done, std::uint64_t total) {
                report(jobFraction(stage, done, total), stageTitle(stage));
            };
        return c;
    }

private:
    Channel& m_channel;
    std::string m_token; // raw JSON; empty without one
    std::mutex m_mutex;
    int m_last = -1;
    std::string m_message; // of the last notification sent
    std::chrono::steady_clock::time_point m_sent;
};

struct OpenSnapshot {
    std::uint64_t handle = 0;
    std::string path;
    AnalysisPtr analysis;
    double loadSeconds = 0;
    double analysisSeconds = 0;
    bool fromIndex = false;   // mapped from the file's kept index
    std::string indexWarning; // why a kept index could not be used
    bool allocationTried = false;
    AllocationProfilePtr allocation;
    RealmsPtr realms;
    std::string filterKey; // the last filtered Summary, kept for its next pages
    std::optional<Aggregates> filtered;
};

/// One tools/call at work.
struct Call {
    const StopFlag* stop;
    Progress* progress;
    WorkContext context() const { return progress->context(stop); }
};

/// The tools; runs on the worker thread only.
class Tools {
public:
    /// The structured result (a JSON object), or throws ToolFailure.
    std::string run(std::string_view name, std::optional<dom::object> args, const Call& call) {
        if (name == "open_snapshot")
            return open(Arguments(args, {"path"}), call);
        if (name == "close_snapshot")
            return close(Arguments(args, {"handle"}));
        if (name == "list_snapshots")
            return list(Arguments(args, {}));
        if (name == "summary")
            return summary(Arguments(args, {"handle", "filter", "top", "offset"}), call);
        if (name == "node")
            return node(Arguments(args, {"handle", "ids"}));
        if (name == "retainer_paths")
            return retainerPaths(Arguments(args, {"handle", "id", "max", "max_length", "include_weak"}),
                                 call);
        if (name == "compare")
            return comparison(Arguments(args, {"base", "handle", "top", "offset", "ids"}), call);
        if (name == "statistics")
            return statistics(Arguments(args, {"handle"}));
        if (name == "trend")
            return series(Arguments(args, {"paths", "top", "offset"}), false, call);
        if (name == "leaks")
            return series(Arguments(args, {"paths", "top", "offset", "min_growth"}), true, call);
        fail("unknown tool '" + std::string(name) + "'");
    }

private:
    static constexpr std::uint64_t kDefaultTop = 50;

    OpenSnapshot& snapshot(const Arguments& args, std::string_view name = "handle") {
        const std::uint64_t handle = args.integer(name, std::nullopt, 1);
        const auto it = m_open.find(handle);
        if (it == m_open.end())
            fail("no open snapshot with handle " + std::to_string(handle) + " (open_snapshot gives one)");
        return it->second;
    }

    static void paging(JsonWriter& w, std::size_t offset, std::size_t end, std::size_t size) {
        w.field("offset", std::uint64_t(offset));
        w.key("next_offset");
        if (end < size)
            w.value(std::uint64_t(end));
        else
            w.null();
    }

    static void describe(JsonWriter& w, const OpenSnapshot& o) {
        const Analysis& a = *o.analysis;
        const Snapshot& s = *a.snapshot;
        w.field("handle", o.handle);
        w.field("file", s.path);
        w.field("file_size", s.fileSize);
        w.field("gzip", s.format.gzip);
        w.field("node_count", std::uint64_t(s.nodeCount));
        w.field("edge_count", std::uint64_t(s.edgeCount));
        w.field("total_size", a.totalSize);
        w.field("reachable_count", a.reachableCount);
        w.field("unreachable_count", a.unreachableCount);
        w.field("class_count", std::uint64_t(a.allObjects.classes.size()));
        w.field("memory_bytes", s.memoryBytes());
    }

    std::string open(const Arguments& args, const Call& call) {
        const std::string path = expandHome(args.string("path"));
        for (const auto& [handle, o] : m_open)
            if (o.path == path) {
                JsonWriter w(false);
                w.beginObject();
                describe(w, o);
                w.field("already_open", true);
                w.endObject();
                return w.take();
            }
        const auto t0 = std::chrono::steady_clock::now();
        OpenOptions open;
        open.useIndex = cacheSettings().enabled;
        open.cache = cacheSettings().options;
        OpenReport report;
        auto opened = openAnalyzed(path, open, call.context(), &report);
        if (!opened)
            fail(opened.error().message());
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        double loadSeconds = 0; // the load's stages; the rest is the analysis (none from an index)
        for (const auto& stage : report.timings.stages)
            loadSeconds += stage.seconds;
        const bool fromIndex = report.outcome == IndexOutcome::Used;
        if (report.outcome == IndexOutcome::Absent || report.outcome == IndexOutcome::Rejected)
            writeIndexesInBackground({opened->analysis});
        OpenSnapshot o;
        o.handle = m_nextHandle++;
        o.path = path;
        o.analysis = opened->analysis;
        o.loadSeconds = fromIndex ? seconds : std::min(loadSeconds, seconds);
        o.analysisSeconds = fromIndex ? 0.0 : seconds - o.loadSeconds;
        o.fromIndex = fromIndex;
        o.indexWarning = report.indexWarning;
        const OpenSnapshot& stored = m_open.emplace(o.handle, std::move(o)).first->second;
        JsonWriter w(false);
        w.beginObject();
        describe(w, stored);
        w.field("already_open", false);
        w.field("load_seconds", stored.loadSeconds);
        w.field("analysis_seconds", stored.analysisSeconds);
        w.field("from_index", stored.fromIndex);
        if (!stored.indexWarning.empty())
            w.field("index_warning", stored.indexWarning);
        const Snapshot& s = *stored.analysis->snapshot;
        w.key("warnings").beginArray();
        for (const auto& warning : s.warnings)
            w.value(warning);
        w.endArray();
        w.endObject();
        return w.take();
    }

    std::string close(const Arguments& args) {
        const std::uint64_t handle = snapshot(args).handle;
        m_open.erase(handle);
        if (m_comparison && (m_comparisonKey.first == handle || m_comparisonKey.second == handle))
            m_comparison.reset();
        JsonWriter w(false);
        w.beginObject();
        w.field("handle", handle);
        w.field("closed", true);
        w.endObject();
        return w.take();
    }

    std::string list(const Arguments&) {
        JsonWriter w(false);
        w.beginObject();
        w.key("snapshots").beginArray();
        for (const auto& [handle, o] : m_open) {
            w.beginObject();
            describe(w, o);
            w.endObject();
        }
        w.endArray();
        w.endObject();
        return w.take();
    }

    const Aggregates& filteredRows(OpenSnapshot& o, const std::string& filter, const Call& call) {
        const Analysis& a = *o.analysis;
        if (filter.empty() || filter == "all" || filter == "allObjects")
            return a.allObjects;
        if (o.filtered && o.filterKey == filter)
            return *o.filtered;
        o.filtered.reset();
        if (isRealmFilterArgument(filter)) {
            if (!o.realms) {
                auto realms = computeRealms(a, call.context());
                if (!realms)
                    fail(realms.error().message());
                o.realms = *realms;
            }
            const auto realmFilter = realmFilterFromKey(*o.realms, filter);
            if (!realmFilter) {
                std::string known; // as realms.cpp words it for summary --filter
                for (const NativeContextSize* c : o.realms->bySize())
                    known += "\n  " + realmFilterKey(*o.realms, {RealmFilter::Kind::NativeContext, c->node}) +
                             "  " +
                             text::toUtf8(
                                 realmFilterTitle(*o.realms, {RealmFilter::Kind::NativeContext, c->node}));
                fail(a.snapshot->path + " has no native context '" + filter +
                     "'; its native contexts:" + (known.empty() ? std::string(" none") : known));
            }
            auto rows = aggregateRealm(a, *o.realms, *realmFilter, call.context());
            if (!rows)
                fail(rows.error().message());
            o.filtered = std::move(*rows);
        } else {
            const auto parsed = parseSummaryFilter(filter);
            if (!parsed)
                fail("unknown filter '" + filter + "'");
            auto rows = a.aggregate(*parsed, call.context());
            if (!rows)
                fail(rows.error().message());
            o.filtered = std::move(*rows);
        }
        o.filterKey = filter;
        return *o.filtered;
    }

    std::string summary(const Arguments& args, const Call& call) {
        OpenSnapshot& o = snapshot(args);
        const std::string filter = args.optionalString("filter").value_or("");
        const std::uint64_t top = args.integer("top", kDefaultTop);
        const std::uint64_t offset = args.integer("offset", 0);
        const Aggregates& rows = filteredRows(o, filter, call);
        const std::size_t begin = std::min<std::uint64_t>(offset, rows.classes.size());
        const std::size_t end =
            std::min<std::uint64_t>(begin + std::min<std::uint64_t>(top, SIZE_MAX / 2), rows.classes.size());
        JsonWriter w(false);
        w.beginObject();
        writeSummaryTotals(w, *o.analysis, rows);
        writeSummaryClasses(w, *o.analysis, rows, begin, end);
        paging(w, begin, end, rows.classes.size());
        w.endObject();
        return w.take();
    }

    std::string node(const Arguments& args) {
        OpenSnapshot& o = snapshot(args);
        std::vector<std::uint32_t> ids;
        for (dom::element e : args.array("ids"))
            ids.push_back(objectId(e, "ids"));
        if (ids.empty() || ids.size() > 1000)
            fail("argument 'ids' must hold 1 to 1000 object ids");
        const Analysis& a = *o.analysis;
        const Snapshot& s = *a.snapshot;
        if (!o.allocationTried) {
            o.allocation = allocationProfileOrNull(a);
            o.allocationTried = true;
        }
        JsonWriter w(false);
        w.beginObject();
        w.key("nodes").beginArray();
        std::vector<std::uint32_t> missing;
        for (std::uint32_t id : ids) {
            const std::optional<NodeOrdinal> n = s.nodeWithId(id);
            if (!n) {
                missing.push_back(id);
                continue;
            }
            writeNodeJson(w, a, o.allocation.get(), *n);
        }
        w.endArray();
        if (missing.size() == ids.size()) {
            std::string message;
            for (std::uint32_t id : missing)
                message += (message.empty() ? "" : "\n") + std::string("no object with id @") +
                           std::to_string(id) + " in " + s.path;
            fail(message);
        }
        w.key("missing").beginArray();
        for (std::uint32_t id : missing)
            w.value(std::uint64_t(id));
        w.endArray();
        w.endObject();
        return w.take();
    }

    std::string retainerPaths(const Arguments& args, const Call& call) {
        OpenSnapshot& o = snapshot(args);
        const auto idElement = args.get("id");
        if (!idElement)
            fail("argument 'id' is required");
        const std::uint32_t id = objectId(*idElement, "id");
        PathOptions options;
        options.maxPaths = std::uint32_t(args.integer("max", options.maxPaths, 1, 1000));
        options.maxLength = std::uint32_t(args.integer("max_length", options.maxLength, 1, 0xFFFFFFFFu));
        options.includeWeak = args.boolean("include_weak", false);
        const Analysis& a = *o.analysis;
        const std::optional<NodeOrdinal> n = a.snapshot->nodeWithId(id);
        if (!n)
            fail("no object with id @" + std::to_string(id) + " in " + a.snapshot->path);
        auto paths = findRetainerPaths(a, {*n}, options, call.context());
        if (!paths)
            fail(paths.error().message());
        return minified(formatPathsJson(a, *paths));
    }

    std::string comparison(const Arguments& args, const Call& call) {
        OpenSnapshot& base = snapshot(args, "base");
        OpenSnapshot& current = snapshot(args);
        const std::uint64_t top = args.integer("top", kDefaultTop);
        const std::uint64_t offset = args.integer("offset", 0);
        const bool ids = args.boolean("ids", false);
        const std::pair key{base.handle, current.handle};
        if (!m_comparison || m_comparisonKey != key) {
            m_comparison.reset(); // one at a time: a Comparison holds the objects of every class
            auto cmp = compare(base.analysis, current.analysis, call.context());
            if (!cmp)
                fail(cmp.error().message());
            m_comparison = *cmp;
            m_comparisonKey = key;
        }
        const Comparison& c = *m_comparison;
        const std::size_t begin = std::min<std::uint64_t>(offset, c.classes.size());
        const std::size_t end =
            std::min<std::uint64_t>(begin + std::min<std::uint64_t>(top, SIZE_MAX / 2), c.classes.size());
        JsonWriter w(false);
        w.beginObject();
        writeComparisonTotals(w, c);
        writeComparisonClasses(w, c, begin, end, ids);
        paging(w, begin, end, c.classes.size());
        w.endObject();
        return w.take();
    }

    std::string statistics(const Arguments& args) {
        const OpenSnapshot& o = snapshot(args);
        JsonWriter w(false);
        writeStatisticsJson(w, o.analysis->statistics);
        return w.take();
    }

    std::string series(const Arguments& args, bool leaks, const Call& call) {
        std::vector<std::string> paths = args.strings("paths");
        for (std::string& p : paths)
            p = expandHome(std::move(p));
        if (paths.size() < 2)
            fail(std::string(leaks ? "leaks" : "trend") + " needs at least two FILEs");
        const std::uint64_t top = args.integer("top", kDefaultTop);
        const std::uint64_t offset = args.integer("offset", 0);
        SeriesOptions options;
        if (leaks)
            options.leaks.minGrowth = std::uint32_t(args.integer("min_growth", 1, 1, 0xFFFFFFFFu));
        options.useIndex = cacheSettings().enabled;
        options.cache = cacheSettings().options;
        options.analyzedFresh = [](const AnalysisPtr& analysis) { writeIndexesInBackground({analysis}); };
        auto result = analyzeSeries(paths, options, call.context());
        if (!result)
            fail(result.error().message());
        const Series& s = *result;
        if (s.loadedCount < 2) {
            std::string message;
            for (const SeriesSnapshot& snap : s.snapshots)
                if (snap.error)
                    message += snap.error->message() + "\n";
            fail(message + "a series needs at least two snapshots that load; " +
                 std::to_string(s.loadedCount) + " did");
        }
        const std::size_t begin = std::min<std::uint64_t>(offset, s.classes.size());
        const std::size_t end =
            std::min<std::uint64_t>(begin + std::min<std::uint64_t>(top, SIZE_MAX / 2), s.classes.size());
        JsonWriter w(false);
        w.beginObject();
        writeSeriesFields(w, s, begin, end);
        paging(w, begin, end, s.classes.size());
        w.endObject();
        return w.take();
    }

    std::map<std::uint64_t, OpenSnapshot> m_open;
    std::uint64_t m_nextHandle = 1;
    ComparisonPtr m_comparison;
    std::pair<std::uint64_t, std::uint64_t> m_comparisonKey{0, 0};
};

std::string toolResult(const std::string& structured) {
    return "{\"content\":[{\"type\":\"text\",\"text\":" + quote(structured) +
           "}],\"structuredContent\":" + structured + ",\"isError\":false}";
}

std::string toolError(std::string_view message) {
    return "{\"content\":[{\"type\":\"text\",\"text\":" + quote(message) + "}],\"isError\":true}";
}

// ---- The server ---------------------------------------------------------------------------

std::string eraResult(const std::string& result, bool stateless) {
    if (!stateless)
        return result;
    // result is a JSON object: "{...}"
    return "{\"resultType\":\"complete\",\"_meta\":{\"io.modelcontextprotocol/serverInfo\":" + serverInfo() +
           "}" + (result.size() > 2 ? "," : "") + result.substr(1);
}

/// A tools/call waiting for or running on the worker.
struct Job {
    std::string id;          // raw JSON
    std::string message;     // the whole request, parsed again on the worker
    std::string progressKey; // raw JSON of _meta.progressToken, or empty
    std::shared_ptr<StopFlag> stop;
    bool stateless = false; // a 2026-07-28 request
};

class Server {
public:
    explicit Server(FILE* out) : m_channel(out), m_worker([this] { work(); }) {}
    ~Server() {
        {
            std::lock_guard lock(m_mutex);
            m_closed = true;
        }
        m_wake.notify_all();
        m_worker.join();
    }

    void handle(std::string line) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos)
            return;
        const simdjson::padded_string text(line);
        dom::element root;
        if (const auto error = m_parser.parse(text).get(root); error != simdjson::SUCCESS) {
            m_channel.error("null", kParseError,
                            std::string("Parse error: ") + simdjson::error_message(error));
            return;
        }
        dom::object message;
        if (root.get(message) != simdjson::SUCCESS) {
            m_channel.error("null", kInvalidRequest,
                            root.is_array() ? "Invalid Request: batches are not supported"
                                            : "Invalid Request: a message is a JSON object");
            return;
        }
        std::string id;
        if (dom::element e; message["id"].get(e) == simdjson::SUCCESS) {
            if (!e.is_string() && !e.is_int64() && !e.is_uint64()) {
                m_channel.error("null", kInvalidRequest,
                                "Invalid Request: id must be a string or an integer");
                return;
            }
            id = simdjson::to_string(e);
        }
        std::string_view method;
        if (dom::element e; message["method"].get(e) != simdjson::SUCCESS) {
            // A response to a request of ours (we send none), or nothing valid.
            if (id.empty() || message["result"].error() == simdjson::SUCCESS ||
                message["error"].error() == simdjson::SUCCESS)
                return;
            m_channel.error(id, kInvalidRequest, "Invalid Request: no method");
            return;
        } else if (e.get(method) != simdjson::SUCCESS) {
            m_channel.error(id.empty() ? "null" : id, kInvalidRequest,
                            "Invalid Request: method must be a string");
            return;
        }
        std::string_view version;
        if (message["jsonrpc"].get(version) != simdjson::SUCCESS || version != "2.0") {
            if (!id.empty())
                m_channel.error(id, kInvalidRequest, "Invalid Request: jsonrpc must be \"2.0\"");
            return;
        }
        std::optional<dom::object> params;
        if (dom::element e; message["params"].get(e) == simdjson::SUCCESS) {
            dom::object p;
            if (e.get(p) != simdjson::SUCCESS) {
                if (!id.empty())
                    m_channel.error(id, kInvalidParams, "Invalid params: params must be an object");
                return;
            }
            params = p;
        }
        if (id.empty()) {
            notification(method, params);
            return;
        }
        request(id, method, params, line);
    }

private:
    void notification(std::string_view method, std::optional<dom::object> params) {
        if (method == "notifications/cancelled" && params) {
            dom::element requestId;
            if ((*params)["requestId"].get(requestId) != simdjson::SUCCESS)
                return;
            const std::string key = simdjson::to_string(requestId);
            std::lock_guard lock(m_mutex);
            if (const auto it = m_jobs.find(key); it != m_jobs.end())
                it->second->requestStop();
        }
        // notifications/initialized and any other notification need no answer.
    }

    void request(const std::string& id, std::string_view method, std::optional<dom::object> params,
                 const std::string& line) {
        // A request of the stateless revision names it in _meta; any other revision there is refused
        // with the list of those it could use (the handshake's are reached through initialize).
        bool stateless = false;
        if (dom::element v; params && (*params)["_meta"][kVersionMetaKey].get(v) == simdjson::SUCCESS) {
            std::string_view requested;
            if (v.get(requested) != simdjson::SUCCESS || requested != kStatelessVersion) {
                m_channel.send("{\"jsonrpc\":\"2.0\",\"id\":" + id +
                               ",\"error\":{\"code\":" + std::to_string(kUnsupportedProtocolVersion) +
                               ",\"message\":\"Unsupported protocol version\",\"data\":{\"requested\":" +
                               (v.is_string() ? simdjson::to_string(v) : quote("")) + ",\"supported\":[" +
                               quote(kStatelessVersion) + "]}}}");
                return;
            }
            stateless = true;
        }
        if (method == "server/discover") {
            m_channel.result(id, eraResult("{\"supportedVersions\":[" + quote(kStatelessVersion) +
                                               "],\"capabilities\":{\"tools\":{}},\"serverInfo\":" +
                                               serverInfo() + ",\"instructions\":" + quote(kInstructions) +
                                               ",\"ttlMs\":3600000,\"cacheScope\":\"public\"}",
                                           true));
            return;
        }
        if (method == "initialize") {
            std::string_view requested;
            if (!params || (*params)["protocolVersion"].get(requested) != simdjson::SUCCESS) {
                m_channel.error(id, kInvalidParams,
                                "Invalid params: initialize needs params.protocolVersion");
                return;
            }
            std::string_view chosen = kProtocolVersions[0];
            for (const char* v : kProtocolVersions)
                if (requested == v)
                    chosen = v;
            m_channel.result(
                id, "{\"protocolVersion\":" + quote(chosen) +
                        ",\"capabilities\":{\"tools\":{\"listChanged\":false}},\"serverInfo\":{\"name\":"
                        "\"heapscope\","
                        "\"title\":\"Heapscope\",\"version\":" +
                        quote(HEAPSCOPE_VERSION) + "},\"instructions\":" + quote(kInstructions) + "}");
            return;
        }
        if (method == "ping") {
            m_channel.result(id, eraResult("{}", stateless));
            return;
        }
        if (method == "tools/list") {
            static const std::string result = toolsListResult();
            static const std::string cacheable =
                result.substr(0, result.size() - 1) + ",\"ttlMs\":3600000,\"cacheScope\":\"public\"}";
            m_channel.result(id, stateless ? eraResult(cacheable, true) : result);
            return;
        }
        if (method == "tools/call") {
            std::string_view name;
            if (!params || (*params)["name"].get(name) != simdjson::SUCCESS) {
                m_channel.error(id, kInvalidParams, "Invalid params: tools/call needs params.name, a string");
                return;
            }
            if (dom::element args;
                (*params)["arguments"].get(args) == simdjson::SUCCESS && !args.is_object()) {
                m_channel.error(id, kInvalidParams, "Invalid params: params.arguments must be an object");
                return;
            }
            if (!findTool(name)) {
                m_channel.result(id,
                                 eraResult(toolError("unknown tool '" + std::string(name) + "'"), stateless));
                return;
            }
            Job job{id, line, {}, std::make_shared<StopFlag>(), stateless};
            if (dom::element token; (*params)["_meta"]["progressToken"].get(token) == simdjson::SUCCESS &&
                                    (token.is_string() || token.is_int64() || token.is_uint64()))
                job.progressKey = simdjson::to_string(token);
            {
                std::lock_guard lock(m_mutex);
                m_jobs[id] = job.stop;
                m_queue.push_back(std::move(job));
            }
            m_wake.notify_one();
            return;
        }
        m_channel.error(id, kMethodNotFound, "Method not found: " + std::string(method));
    }

    void work() {
        dom::parser parser;
        Tools tools;
        for (;;) {
            Job job;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_closed || !m_queue.empty(); });
                if (m_queue.empty())
                    return;
                job = std::move(m_queue.front());
                m_queue.pop_front();
            }
            std::string answer;
            if (!job.stop->stopRequested()) {
                const simdjson::padded_string text(job.message);
                dom::element root = parser.parse(text).value_unsafe(); // checked on the reading thread
                dom::object params = root["params"].get_object().value_unsafe();
                const std::string_view name = params["name"].get_string().value_unsafe();
                std::optional<dom::object> args;
                if (dom::object a; params["arguments"].get(a) == simdjson::SUCCESS)
                    args = a;
                Progress progress(m_channel, job.progressKey);
                try {
                    answer = toolResult(tools.run(name, args, Call{job.stop.get(), &progress}));
                    progress.finish();
                } catch (const ToolFailure& failure) {
                    answer = toolError(failure.message);
                } catch (const std::bad_alloc&) {
                    answer = toolError("not enough memory for " + std::string(name));
                }
            }
            {
                std::lock_guard lock(m_mutex);
                m_jobs.erase(job.id);
            }
            // A cancelled request gets no answer (the client has forgotten it).
            if (!job.stop->stopRequested())
                m_channel.result(job.id, eraResult(answer, job.stateless));
        }
    }

    Channel m_channel;
    dom::parser m_parser; // the reading thread's
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_queue;
    std::map<std::string, std::shared_ptr<StopFlag>> m_jobs; // by raw id, for notifications/cancelled
    bool m_closed = false;
    std::thread m_worker;
};

} // namespace

int runMcpCommand(const std::vector<std::string>& args) {
    if (!args.empty()) {
        std::fprintf(stderr,
                     "heapscope-cli: mcp takes no arguments (it speaks MCP on stdin and stdout)\n\n%s",
                     usageText());
        return 2;
    }
    // The protocol owns stdout: it gets a descriptor of its own and fd 1 goes to stderr, so no stray
    // print can corrupt a message.
    const int protocolFd = ::dup(STDOUT_FILENO);
    FILE* out = protocolFd >= 0 ? ::fdopen(protocolFd, "w") : nullptr;
    if (!out) {
        std::perror("heapscope-cli: mcp");
        return 1;
    }
    std::fflush(stdout);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    std::ios::sync_with_stdio(false);
    {
        Server server(out);
        std::string line;
        while (std::getline(std::cin, line))
            server.handle(std::move(line));
        // End of input: the calls already received still finish and answer, then the server stops.
    }
    std::fclose(out);
    return 0;
}

} // namespace heapscope::cli
