// SPDX-License-Identifier: MIT
// Sampling heap profiles: an iterative parser with byte offsets for every error, the flat model,
// and DevTools' profile views over it (HeapProfileView's SamplingHeapProfileModel,
// BottomUpProfileDataGrid, TopDownProfileDataGrid, HeapFlameChartDataProvider).
#include "heapscope/sampling_profile.h"

#include "heapscope/string_table.h"
#include "load/gzip.h"
#include "load/json_grammar.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <optional>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace heapscope {

namespace {

using load::isWs;

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct FunctionKey {
    std::uint32_t name, scriptId;
    std::int32_t line, column;
    bool operator==(const FunctionKey&) const = default;
};
struct FunctionKeyHash {
    std::size_t operator()(const FunctionKey& k) const {
        std::uint64_t h = (std::uint64_t(k.name) << 32) ^ k.scriptId;
        h ^= (std::uint64_t(std::uint32_t(k.line)) << 32 | std::uint32_t(k.column)) * 0x9E3779B97F4A7C15ull;
        return std::size_t(h ^ (h >> 29));
    }
};

// What a JSON value is, by its first byte, for messages.
std::string_view valueKind(char c) {
    switch (c) {
    case '{':
        return "an object";
    case '[':
        return "an array";
    case '"':
        return "a string";
    case 't':
    case 'f':
        return "a boolean";
    case 'n':
        return "null";
    default:
        return (c == '-' || (c >= '0' && c <= '9')) ? "a number" : "not a JSON value";
    }
}

// Totals, depths and the visible children, from the parents and self sizes. Nodes are in
// pre-order: a parent comes before its children.
void buildTree(SamplingProfile& P) {
    const std::size_t n = P.parent.size();
    P.totalSize = P.selfSize;
    for (std::size_t i = n; i-- > 1;)
        P.totalSize[P.parent[i]] += P.totalSize[i];
    P.depth.assign(n, 0);
    P.maxDepth = 0;
    for (std::size_t i = 1; i < n; ++i) {
        P.depth[i] = P.depth[P.parent[i]] + 1;
        P.maxDepth = std::max(P.maxDepth, P.depth[i]);
    }
    P.childStart.assign(n + 1, 0);
    for (std::size_t i = 1; i < n; ++i)
        if (P.visible(std::uint32_t(i)))
            ++P.childStart[P.parent[i] + 1];
    for (std::size_t i = 0; i < n; ++i)
        P.childStart[i + 1] += P.childStart[i];
    P.childList.resize(P.childStart[n]);
    std::vector<std::uint32_t> fill(P.childStart.begin(), P.childStart.end() - 1);
    for (std::size_t i = 1; i < n; ++i)
        if (P.visible(std::uint32_t(i)))
            P.childList[fill[P.parent[i]]++] = std::uint32_t(i);
}

class ProfileParser {
public:
    ProfileParser(const char* data, std::uint64_t size, std::string name, const WorkContext& context)
        : m_d(data), m_n(size), m_name(std::move(name)), m_context(context) {}

    Expected<SamplingProfilePtr> run();

private:
    // A failure: the first one is kept.
    bool fail(std::string stage, std::uint64_t offset, std::string reason) {
        if (!m_error) {
            Error e;
            e.file = m_name;
            e.stage = std::move(stage);
            e.offset = std::int64_t(offset);
            e.reason = std::move(reason);
            m_error = std::move(e);
        }
        return false;
    }
    std::string describe(std::uint64_t pos) const { return load::describeByte(m_d, m_n, pos); }
    bool truncatedOr(std::string_view stage, std::string_view what) {
        if (m_p >= m_n)
            return fail(std::string(stage), m_n,
                        "the file ends early (truncated?): " + std::string(what) + " is missing");
        return fail(std::string(stage), m_p, "expected " + std::string(what) + ", found " + describe(m_p));
    }
    void ws() {
        while (m_p < m_n && isWs(m_d[m_p]))
            ++m_p;
    }
    bool expect(char c, std::string_view stage, std::string_view what) {
        ws();
        if (m_p < m_n && m_d[m_p] == c) {
            ++m_p;
            return true;
        }
        return truncatedOr(stage, what);
    }
    bool poll() {
        if ((++m_polls & 0x3FF) != 0)
            return true;
        if (m_context.stopRequested()) {
            m_error = cancelledError(m_name, "profile", "loading the profile was cancelled");
            return false;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now - m_lastReport > std::chrono::milliseconds(30)) {
            m_context.report(Stage::Parsing, m_p, m_n);
            m_lastReport = now;
        }
        return true;
    }

    bool string(std::string_view stage, std::string& out, std::string_view& view);
    bool key(std::string_view stage, std::string_view& k);
    bool integer(std::string_view stage, std::string_view what, std::int64_t lo, std::uint64_t& out,
                 std::int64_t* signedOut = nullptr);
    bool skipValue(std::string_view stage);
    bool scriptIdValue(std::uint32_t& out);
    std::uint32_t intern(std::string_view s);

    bool parseHead();
    std::string_view rawObject(std::uint64_t begin) const;
    bool parseCallFrame(std::uint32_t node);
    std::uint32_t functionFor(std::uint32_t name, std::uint32_t url, std::uint32_t scriptId,
                              std::int64_t line, std::int64_t column);
    bool finishNode(std::uint32_t node, std::uint64_t begin);
    bool parseSamples();
    bool resolve();

    const char* m_d;
    std::uint64_t m_n;
    std::uint64_t m_p = 0;
    std::string m_name;
    const WorkContext& m_context;
    std::optional<Error> m_error;
    std::uint64_t m_polls = 0;
    std::chrono::steady_clock::time_point m_lastReport = std::chrono::steady_clock::now();
    std::string m_scratch; // an escaped key
    std::string m_value;   // an escaped value

    std::shared_ptr<SamplingProfile> m_out = std::make_shared<SamplingProfile>();
    std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> m_strings;
    std::unordered_map<FunctionKey, std::uint32_t, FunctionKeyHash> m_functions;
    std::unordered_map<std::string_view, std::uint32_t> m_rawFrames; // a call frame's bytes -> function
    // per node while parsing
    std::vector<std::uint8_t> m_have; // bits: 1 callFrame, 2 selfSize, 4 id
    std::vector<std::uint64_t> m_idOffset;
    std::vector<std::uint64_t> m_sampleNodeId;
    std::vector<std::uint64_t> m_sampleOffset;
    bool m_haveHead = false;
};

std::uint32_t ProfileParser::intern(std::string_view s) {
    auto it = m_strings.find(s);
    if (it != m_strings.end())
        return it->second;
    const auto id = std::uint32_t(m_out->strings.size());
    m_out->strings.emplace_back(s);
    m_strings.emplace(std::string(s), id);
    return id;
}

// A string at m_p; `view` points into the input when it has no escapes, else into `out`.
bool ProfileParser::string(std::string_view stage, std::string& out, std::string_view& view) {
    ws();
    if (m_p >= m_n || m_d[m_p] != '"')
        return truncatedOr(stage, "a string");
    const std::uint64_t body = m_p + 1;
    bool escaped = false;
    const std::uint64_t end = load::closingQuote(m_d, m_n, body, &escaped);
    if (end >= m_n)
        return fail(std::string(stage), m_p, "the file ends inside a string (truncated?)");
    const std::string_view raw(m_d + body, end - body);
    for (std::uint64_t i = body; i < end; ++i)
        if (static_cast<unsigned char>(m_d[i]) < 0x20)
            return fail(std::string(stage), i, "a control character inside a string: " + describe(i));
    if (escaped || raw.find('\\') != std::string_view::npos) {
        out.clear();
        std::size_t at = 0;
        std::string why;
        if (!unescapeJsonString(raw, out, at, why))
            return fail(std::string(stage), body + at, "a bad escape in a string: " + why);
        view = out;
    } else {
        view = raw;
    }
    m_p = end + 1;
    return true;
}

bool ProfileParser::key(std::string_view stage, std::string_view& k) {
    if (!string(stage, m_scratch, k))
        return false;
    return expect(':', stage, "':' after a key");
}

// An integer (a JSON number with an integral value) in [lo, 2^53].
bool ProfileParser::integer(std::string_view stage, std::string_view what, std::int64_t lo,
                            std::uint64_t& out, std::int64_t* signedOut) {
    ws();
    const std::uint64_t start = m_p;
    if (m_p >= m_n)
        return truncatedOr(stage, std::string(what) + " (a number)");
    const char c = m_d[m_p];
    if (c != '-' && (c < '0' || c > '9'))
        return fail(std::string(stage), m_p,
                    std::string(what) + " must be a number, not " + std::string(valueKind(c)));
    // the usual case: a plain integer of up to 15 digits, read here without a float conversion
    {
        const bool negative = c == '-';
        std::uint64_t d = m_p + negative, v = 0;
        while (d < m_n && d - m_p < 16 && m_d[d] >= '0' && m_d[d] <= '9')
            v = v * 10 + std::uint64_t(m_d[d++] - '0');
        const std::uint64_t digits = d - m_p - negative;
        if (digits > 0 && digits < 16 && d < m_n && m_d[d] != '.' && m_d[d] != 'e' && m_d[d] != 'E' &&
            !(m_d[d] >= '0' && m_d[d] <= '9')) {
            const std::int64_t sv = negative ? -std::int64_t(v) : std::int64_t(v);
            if (sv >= lo) {
                if (signedOut)
                    *signedOut = sv;
                out = sv < 0 ? 0 : v;
                m_p = d;
                return true;
            }
        }
    }
    std::uint64_t e = m_p + (c == '-');
    while (e < m_n && ((m_d[e] >= '0' && m_d[e] <= '9') || m_d[e] == '.' || m_d[e] == 'e' || m_d[e] == 'E' ||
                       m_d[e] == '+' || m_d[e] == '-'))
        ++e;
    if (e >= m_n)
        return fail(std::string(stage), m_n, "the file ends inside a number (truncated?)");
    double v = 0;
    const auto [ptr, ec] = std::from_chars(m_d + m_p, m_d + e, v);
    if (ec != std::errc() || ptr != m_d + e)
        return fail(std::string(stage), start, std::string(what) + " is not a valid JSON number");
    if (v != std::floor(v) || v < double(lo) || v > 9007199254740992.0)
        return fail(std::string(stage), start,
                    std::string(what) + " must be an integer" + (lo == 0 ? " of 0 or more" : "") + ", not " +
                        std::string(m_d + m_p, std::min<std::uint64_t>(e - m_p, 40)));
    if (signedOut)
        *signedOut = std::int64_t(v);
    out = v < 0 ? 0 : std::uint64_t(v);
    m_p = e;
    return true;
}

// Skips any JSON value, nested to any depth, without recursion.
bool ProfileParser::skipValue(std::string_view stage) {
    std::vector<char> open;
    ws();
    for (;;) {
        if (m_p >= m_n)
            return truncatedOr(stage, "a value");
        const char c = m_d[m_p];
        if (c == '{' || c == '[') {
            open.push_back(c);
            ++m_p;
            ws();
            if (m_p < m_n && m_d[m_p] == (c == '{' ? '}' : ']')) {
                open.pop_back();
                ++m_p;
            } else {
                if (c == '{') {
                    std::string_view k;
                    if (!key(stage, k))
                        return false;
                }
                ws();
                continue;
            }
        } else if (c == '"') {
            std::string tmp;
            std::string_view v;
            if (!string(stage, tmp, v))
                return false;
        } else if (c == 't' || c == 'f' || c == 'n') {
            const std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
            if (m_n - m_p < word.size() || std::string_view(m_d + m_p, word.size()) != word)
                return m_n - m_p < word.size()
                           ? truncatedOr(stage, "a value")
                           : fail(std::string(stage), m_p, "not a JSON value: " + describe(m_p));
            m_p += word.size();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            std::uint64_t e = m_p + 1;
            while (e < m_n && ((m_d[e] >= '0' && m_d[e] <= '9') || m_d[e] == '.' || m_d[e] == 'e' ||
                               m_d[e] == 'E' || m_d[e] == '+' || m_d[e] == '-'))
                ++e;
            if (e >= m_n)
                return fail(std::string(stage), m_n, "the file ends inside a number (truncated?)");
            m_p = e;
        } else {
            return fail(std::string(stage), m_p, "expected a value, found " + describe(m_p));
        }
        // after a value: a comma, or the end of the enclosing containers
        for (;;) {
            if (open.empty())
                return true;
            ws();
            if (m_p >= m_n)
                return truncatedOr(stage, open.back() == '{' ? "'}'" : "']'");
            const char d = m_d[m_p];
            if (d == ',') {
                ++m_p;
                if (open.back() == '{') {
                    std::string_view k;
                    if (!key(stage, k))
                        return false;
                }
                ws();
                break;
            }
            if (d == (open.back() == '{' ? '}' : ']')) {
                open.pop_back();
                ++m_p;
                continue;
            }
            return fail(std::string(stage), m_p,
                        std::string("expected ',' or '") + (open.back() == '{' ? '}' : ']') + "', found " +
                            describe(m_p));
        }
        if (!poll())
            return false;
    }
}

// A script id: a string ("12") or a number (12), kept as text as DevTools' callUID prints it.
bool ProfileParser::scriptIdValue(std::uint32_t& out) {
    ws();
    if (m_p < m_n && m_d[m_p] == '"') {
        std::string_view v;
        if (!string("head", m_value, v))
            return false;
        out = intern(v);
        return true;
    }
    std::uint64_t u = 0;
    std::int64_t s = 0;
    if (!integer("head", "\"scriptId\"", -(std::int64_t(1) << 53), u, &s))
        return false;
    out = intern(std::to_string(s));
    return true;
}

// The bytes of a flat call frame object starting at `begin` ('{'), through its '}': V8 writes the
// frame of a function byte for byte the same every time, so those bytes find its function again.
// Empty when the object nests or the input ends.
std::string_view ProfileParser::rawObject(std::uint64_t begin) const {
    std::uint64_t q = begin + 1;
    while (q < m_n) {
        const char c = m_d[q];
        if (c == '"') {
            q = load::closingQuote(m_d, m_n, q + 1) + 1;
            continue;
        }
        if (c == '}')
            return {m_d + begin, std::size_t(q + 1 - begin)};
        if (c == '{' || c == '[')
            return {};
        ++q;
    }
    return {};
}

bool ProfileParser::parseCallFrame(std::uint32_t node) {
    ws();
    const std::uint64_t begin = m_p;
    const std::string_view raw = m_p < m_n && m_d[m_p] == '{' ? rawObject(m_p) : std::string_view();
    if (!raw.empty()) {
        if (auto it = m_rawFrames.find(raw); it != m_rawFrames.end()) {
            m_out->function[node] = it->second;
            m_have[node] |= 1;
            m_p += raw.size();
            return true;
        }
    }
    if (!expect('{', "head", "the call frame object '{'"))
        return false;
    std::uint32_t name = intern(""), url = name, scriptId = intern("0");
    std::int64_t line = -1, column = -1;
    ws();
    bool first = true;
    for (;;) {
        ws();
        if (m_p < m_n && m_d[m_p] == '}' && first) {
            ++m_p;
            break;
        }
        std::string_view k;
        if (!key("head", k))
            return false;
        const int which = k == "functionName"   ? 0
                          : k == "url"          ? 1
                          : k == "scriptId"     ? 2
                          : k == "lineNumber"   ? 3
                          : k == "columnNumber" ? 4
                                                : 5;
        if (which <= 1) {
            std::string_view v;
            if (!string("head", m_value, v))
                return false;
            (which == 1 ? url : name) = intern(v);
        } else if (which == 2) {
            if (!scriptIdValue(scriptId))
                return false;
        } else if (which <= 4) {
            const char* field = which == 3 ? "\"lineNumber\"" : "\"columnNumber\"";
            const std::uint64_t at = m_p;
            std::uint64_t u = 0;
            std::int64_t s = 0;
            if (!integer("head", field, -1, u, &s))
                return false;
            if (s > 0x7FFFFFFF)
                return fail("head", at, std::string(field) + " is too large");
            (which == 3 ? line : column) = s;
        } else if (!skipValue("head")) {
            return false;
        }
        first = false;
        ws();
        if (m_p < m_n && m_d[m_p] == ',') {
            ++m_p;
            continue;
        }
        if (m_p < m_n && m_d[m_p] == '}') {
            ++m_p;
            break;
        }
        return truncatedOr("head", "',' or '}' in a call frame");
    }
    const std::uint32_t f = functionFor(name, url, scriptId, line, column);
    m_out->function[node] = f;
    m_have[node] |= 1;
    if (!raw.empty() && m_p == begin + raw.size())
        m_rawFrames.emplace(raw, f);
    return true;
}

// The function of a call frame, added the first time its callUID is seen.
std::uint32_t ProfileParser::functionFor(std::uint32_t name, std::uint32_t url, std::uint32_t scriptId,
                                         std::int64_t line, std::int64_t column) {
    const FunctionKey fk{name, scriptId, std::int32_t(line), std::int32_t(column)};
    auto [it, added] = m_functions.try_emplace(fk, std::uint32_t(m_out->functions.size()));
    if (added)
        m_out->functions.push_back({name, url, scriptId, std::int32_t(line), std::int32_t(column)});
    return it->second;
}

bool ProfileParser::finishNode(std::uint32_t node, std::uint64_t begin) {
    static const char* const names[] = {"\"callFrame\"", "\"selfSize\"", "\"id\""};
    for (int bit = 0; bit < 3; ++bit)
        if (!(m_have[node] & (1 << bit)))
            return fail("head", begin,
                        std::string("a profile node has no ") + names[bit] + " (the node starting here)");
    return true;
}

// The "head" node and its children, to any depth, with an explicit stack.
bool ProfileParser::parseHead() {
    // The old format DevTools still reads (CpuProfileNode style): the frame's fields on the node
    // itself, lines and columns 1-based.
    struct LegacyFrame {
        bool present = false;
        std::uint32_t name = kNoIndex, url = kNoIndex, scriptId = kNoIndex;
        std::int64_t line = 0, column = 0; // 1-based; 0 (unknown) becomes -1
    };
    struct Frame {
        std::uint32_t node;
        std::uint64_t begin;
        bool inChildren;
        bool firstItem; // the next key, or the next child, is the first
        LegacyFrame legacy{};
    };
    std::vector<Frame> stack;
    auto& P = *m_out;
    auto open = [&](std::uint32_t parent) -> bool {
        ws();
        if (m_p >= m_n || m_d[m_p] != '{') {
            if (m_p < m_n)
                return fail("head", m_p,
                            std::string("a profile node must be an object, not ") +
                                std::string(valueKind(m_d[m_p])));
            return truncatedOr("head", "a profile node");
        }
        if (P.parent.size() >= 0xFFFFFFFEu)
            return fail("head", m_p, "the profile has more nodes than this program supports");
        const auto node = std::uint32_t(P.parent.size());
        P.parent.push_back(parent);
        P.function.push_back(0);
        P.nodeId.push_back(0);
        P.selfSize.push_back(0);
        m_have.push_back(0);
        m_idOffset.push_back(m_p);
        stack.push_back({node, m_p, false, true});
        ++m_p;
        return true;
    };
    if (!open(kNoIndex))
        return false;
    while (!stack.empty()) {
        if (!poll())
            return false;
        Frame& f = stack.back();
        ws();
        if (m_p >= m_n)
            return truncatedOr("head",
                               f.inChildren ? "']' closing \"children\"" : "'}' closing a profile node");
        if (f.inChildren) {
            if (m_d[m_p] == ']') {
                ++m_p;
                f.inChildren = false;
                f.firstItem = false;
                continue;
            }
            if (!f.firstItem) {
                if (m_d[m_p] != ',')
                    return fail("head", m_p, "expected ',' or ']' in \"children\", found " + describe(m_p));
                ++m_p;
            }
            f.firstItem = false;
            if (!open(f.node))
                return false;
            continue;
        }
        if (m_d[m_p] == '}') {
            ++m_p;
            const Frame done = f;
            stack.pop_back();
            if (!(m_have[done.node] & 1) && done.legacy.present) {
                const std::uint32_t empty = intern("");
                const LegacyFrame& l = done.legacy;
                m_out->function[done.node] =
                    functionFor(l.name == kNoIndex ? empty : l.name, l.url == kNoIndex ? empty : l.url,
                                l.scriptId == kNoIndex ? intern("0") : l.scriptId, l.line - 1, l.column - 1);
                m_have[done.node] |= 1;
            }
            if (!finishNode(done.node, done.begin))
                return false;
            continue;
        }
        if (!f.firstItem) {
            if (m_d[m_p] != ',')
                return fail("head", m_p, "expected ',' or '}' in a profile node, found " + describe(m_p));
            ++m_p;
        }
        f.firstItem = false;
        std::string_view k;
        if (!key("head", k))
            return false;
        const std::uint32_t node = f.node;
        if (k == "callFrame") {
            if (!parseCallFrame(node))
                return false;
        } else if (k == "selfSize") {
            if (!integer("head", "\"selfSize\"", 0, P.selfSize[node]))
                return false;
            m_have[node] |= 2;
        } else if (k == "id") {
            ws();
            m_idOffset[node] = m_p;
            if (!integer("head", "\"id\"", 0, P.nodeId[node]))
                return false;
            m_have[node] |= 4;
        } else if (k == "children") {
            ws();
            if (m_p >= m_n)
                return truncatedOr("head", "the \"children\" array");
            if (m_d[m_p] != '[')
                return fail("head", m_p,
                            std::string("\"children\" must be an array, not ") +
                                std::string(valueKind(m_d[m_p])));
            ++m_p;
            // `f` may be stale after open() grows the stack: take it again
            stack.back().inChildren = true;
            stack.back().firstItem = true;
            ws();
            if (m_p < m_n && m_d[m_p] == ']') {
                ++m_p;
                stack.back().inChildren = false;
                stack.back().firstItem = false;
            }
        } else if (k == "functionName" || k == "url") {
            const bool isUrl = k == "url";
            std::string_view v;
            if (!string("head", m_value, v))
                return false;
            LegacyFrame& l = stack.back().legacy;
            (isUrl ? l.url : l.name) = intern(v);
            l.present = true;
        } else if (k == "scriptId") {
            std::uint32_t id = 0;
            if (!scriptIdValue(id))
                return false;
            stack.back().legacy.scriptId = id;
            stack.back().legacy.present = true;
        } else if (k == "lineNumber" || k == "columnNumber") {
            const bool isLine = k == "lineNumber";
            const std::uint64_t at = m_p;
            std::uint64_t u = 0;
            std::int64_t v = 0;
            if (!integer("head", isLine ? "\"lineNumber\"" : "\"columnNumber\"", 0, u, &v))
                return false;
            if (v > 0x7FFFFFFF)
                return fail("head", at,
                            std::string(isLine ? "\"lineNumber\"" : "\"columnNumber\"") + " is too large");
            (isLine ? stack.back().legacy.line : stack.back().legacy.column) = v;
            stack.back().legacy.present = true;
        } else if (!skipValue("head")) {
            return false;
        }
    }
    return true;
}

bool ProfileParser::parseSamples() {
    auto& P = *m_out;
    P.hasSamples = true;
    ws();
    if (m_p >= m_n)
        return truncatedOr("samples", "the \"samples\" array");
    if (m_d[m_p] != '[')
        return fail("samples", m_p,
                    std::string("\"samples\" must be an array, not ") + std::string(valueKind(m_d[m_p])));
    ++m_p;
    ws();
    if (m_p < m_n && m_d[m_p] == ']') {
        ++m_p;
        return true;
    }
    for (;;) {
        if (!poll())
            return false;
        ws();
        if (m_p >= m_n)
            return truncatedOr("samples", "a sample");
        if (m_d[m_p] != '{')
            return fail("samples", m_p,
                        std::string("a sample must be an object, not ") + std::string(valueKind(m_d[m_p])));
        const std::uint64_t begin = m_p++;
        std::uint64_t size = 0, nodeId = 0, ordinal = 0;
        int have = 0;
        bool first = true;
        for (;;) {
            ws();
            if (m_p < m_n && m_d[m_p] == '}' && first) {
                ++m_p;
                break;
            }
            std::string_view k;
            if (!key("samples", k))
                return false;
            if (k == "size") {
                if (!integer("samples", "a sample's \"size\"", 0, size))
                    return false;
                have |= 1;
            } else if (k == "nodeId") {
                if (!integer("samples", "a sample's \"nodeId\"", 0, nodeId))
                    return false;
                have |= 2;
            } else if (k == "ordinal") {
                if (!integer("samples", "a sample's \"ordinal\"", 0, ordinal))
                    return false;
            } else if (!skipValue("samples")) {
                return false;
            }
            first = false;
            ws();
            if (m_p < m_n && m_d[m_p] == ',') {
                ++m_p;
                continue;
            }
            if (m_p < m_n && m_d[m_p] == '}') {
                ++m_p;
                break;
            }
            return truncatedOr("samples", "',' or '}' in a sample");
        }
        if (!(have & 1))
            return fail("samples", begin, "a sample has no \"size\"");
        if (!(have & 2))
            return fail("samples", begin, "a sample has no \"nodeId\"");
        P.sampleSize.push_back(size);
        P.sampleOrdinal.push_back(ordinal);
        m_sampleNodeId.push_back(nodeId);
        m_sampleOffset.push_back(begin);
        ws();
        if (m_p >= m_n)
            return truncatedOr("samples", "',' or ']' after a sample");
        if (m_d[m_p] == ',') {
            ++m_p;
            continue;
        }
        if (m_d[m_p] == ']') {
            ++m_p;
            return true;
        }
        return fail("samples", m_p, "expected ',' or ']' after a sample, found " + describe(m_p));
    }
}

// Ids to ordinals (a reused id is an error, one inside its own subtree a cycle), the samples'
// nodes, the totals, depths and the visible children.
bool ProfileParser::resolve() {
    auto& P = *m_out;
    const std::size_t n = P.parent.size();
    std::uint64_t maxId = 0;
    for (std::uint64_t id : P.nodeId)
        maxId = std::max(maxId, id);
    std::vector<std::uint32_t> direct;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> sorted;
    const bool useDirect = maxId <= 4 * std::uint64_t(n) + 1024;
    auto reused = [&](std::uint32_t earlier, std::uint32_t later) {
        bool ancestor = false;
        for (std::uint32_t a = P.parent[later]; a != kNoIndex; a = P.parent[a])
            if (a == earlier) {
                ancestor = true;
                break;
            }
        const std::string id = std::to_string(P.nodeId[later]);
        return fail("head", m_idOffset[later],
                    ancestor
                        ? "node id " + id + " appears again inside its own subtree (a cycle in \"children\")"
                        : "node id " + id + " is used by two nodes (first at byte " +
                              std::to_string(m_idOffset[earlier]) + ")");
    };
    if (useDirect) {
        direct.assign(std::size_t(maxId) + 1, kNoIndex);
        for (std::uint32_t i = 0; i < n; ++i) {
            auto& slot = direct[std::size_t(P.nodeId[i])];
            if (slot != kNoIndex)
                return reused(slot, i);
            slot = i;
        }
    } else {
        sorted.reserve(n);
        for (std::uint32_t i = 0; i < n; ++i)
            sorted.emplace_back(P.nodeId[i], i);
        std::sort(sorted.begin(), sorted.end());
        for (std::size_t i = 1; i < sorted.size(); ++i)
            if (sorted[i].first == sorted[i - 1].first)
                return reused(sorted[i - 1].second, sorted[i].second);
    }
    auto lookup = [&](std::uint64_t id) -> std::uint32_t {
        if (useDirect)
            return id < direct.size() ? direct[std::size_t(id)] : kNoIndex;
        auto it = std::lower_bound(sorted.begin(), sorted.end(), std::make_pair(id, std::uint32_t(0)));
        return it != sorted.end() && it->first == id ? it->second : kNoIndex;
    };
    P.sampleCount.assign(n, 0);
    P.sampleBytes.assign(n, 0);
    P.sampleNode.resize(m_sampleNodeId.size());
    std::size_t firstOutside = m_sampleNodeId.size();
    for (std::size_t s = 0; s < m_sampleNodeId.size(); ++s) {
        const std::uint32_t node = lookup(m_sampleNodeId[s]);
        P.sampleNode[s] = node;
        if (node == kNoIndex) {
            // V8 writes a few samples of a node it adds after the tree was written (the id after
            // the last one); DevTools' views never look them up. Counted, not an error.
            if (firstOutside == m_sampleNodeId.size())
                firstOutside = s;
            ++P.outsideSamples;
            P.outsideSampleBytes += P.sampleSize[s];
            continue;
        }
        ++P.sampleCount[node];
        P.sampleBytes[node] += P.sampleSize[s];
    }
    if (P.outsideSamples)
        P.warnings.push_back(
            std::to_string(P.outsideSamples) + " sample(s) of " + std::to_string(P.outsideSampleBytes) +
            " bytes name a node that is not in the tree (node id " +
            std::to_string(m_sampleNodeId[firstOutside]) + " at byte " +
            std::to_string(m_sampleOffset[firstOutside]) + "); they count in no view, as in DevTools");
    buildTree(P);
    return true;
}

Expected<SamplingProfilePtr> ProfileParser::run() {
    m_out->path = m_name;
    m_out->fileBytes = m_n;
    ws();
    if (m_p >= m_n)
        return Error{m_name, "profile", 0, "the file is empty or only whitespace"};
    if (m_d[m_p] != '{')
        return Error{m_name, "profile", std::int64_t(m_p),
                     "a sampling heap profile is a JSON object; this file starts with " + describe(m_p)};
    ++m_p;
    bool first = true;
    for (;;) {
        ws();
        if (m_p < m_n && m_d[m_p] == '}' && first) {
            ++m_p;
            break;
        }
        if (!first) {
            if (m_p >= m_n) {
                truncatedOr("profile", "',' or '}' after a top-level value");
                break;
            }
            if (m_d[m_p] == '}') {
                ++m_p;
                break;
            }
            if (m_d[m_p] != ',') {
                fail("profile", m_p, "expected ',' or '}' after a top-level value, found " + describe(m_p));
                break;
            }
            ++m_p;
        }
        first = false;
        std::string_view kv;
        if (!key("profile", kv))
            break;
        const std::string k(kv);
        const std::uint64_t at = m_p;
        if (k == "head") {
            if (m_haveHead) {
                fail("profile", at, "the profile has two \"head\" keys");
                break;
            }
            m_haveHead = true;
            if (!parseHead())
                break;
        } else if (k == "samples") {
            if (m_out->hasSamples) {
                fail("profile", at, "the profile has two \"samples\" keys");
                break;
            }
            if (!parseSamples())
                break;
        } else if (k == "snapshot" || k == "nodes") {
            fail("profile", 0,
                 k == "snapshot" ? "this is a heap snapshot, not a sampling heap profile"
                                 : "this is a CPU profile (.cpuprofile), not a sampling heap profile");
            break;
        } else if (!skipValue("profile")) {
            break;
        }
    }
    if (m_error)
        return *m_error;
    ws();
    if (m_p < m_n)
        return Error{m_name, "profile", std::int64_t(m_p),
                     "unexpected data after the profile's closing '}': " + describe(m_p)};
    if (!m_haveHead)
        return Error{m_name, "profile", std::int64_t(m_n),
                     "the file has no \"head\": it is not a sampling heap profile"};
    if (!resolve())
        return *m_error;
    m_context.report(Stage::Parsing, m_n, m_n);
    return SamplingProfilePtr(std::move(m_out));
}

// gzip data inflated whole, its errors worded for a profile.
std::optional<Error> inflateAll(const unsigned char* data, std::size_t size, const std::string& name,
                                const WorkContext& context, PodArray<char>& out, std::uint64_t& produced) {
    const auto failure = detail::inflateGzip(data, size, out, produced, context);
    if (!failure)
        return std::nullopt;
    switch (failure->kind) {
    case detail::InflateFailure::Kind::Init:
        return Error{name, "gzip", -1, "zlib could not be initialised"};
    case detail::InflateFailure::Kind::Truncated:
        return Error{name, "gzip", std::int64_t(failure->offset),
                     "the gzip data is truncated: it ends before the compressed stream is complete"};
    case detail::InflateFailure::Kind::Corrupt:
        return Error{
            name, "gzip", std::int64_t(failure->offset),
            "the gzip data is corrupt (" +
                (failure->zlibMessage.empty() ? std::string("inflate failed") : failure->zlibMessage) + ")"};
    case detail::InflateFailure::Kind::Cancelled:
        break;
    }
    return cancelledError(name, "gzip", "loading the profile was cancelled");
}

bool isGzip(std::string_view b) {
    return b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0x1F &&
           static_cast<unsigned char>(b[1]) == 0x8B;
}

} // namespace

std::string SamplingProfile::displayName(std::uint32_t f) const {
    const std::string& name = strings[functions[f].name];
    return name.empty() ? std::string("(anonymous)") : name;
}

std::string SamplingProfile::location(std::uint32_t f) const {
    const auto& fn = functions[f];
    const std::string& url = strings[fn.url];
    if (url.empty())
        return {};
    return url + ":" + std::to_string(std::int64_t(fn.line) + 1);
}

namespace {

// The first key of the JSON object the bytes start with ("" when they do not start with one);
// gzip data is inflated for that, a few hundred bytes of it.
std::string firstKey(std::string_view b) {
    std::string inflated;
    if (isGzip(b)) {
        z_stream zs{};
        if (inflateInit2(&zs, 15 + 32) != Z_OK)
            return {};
        inflated.resize(512);
        zs.next_in = reinterpret_cast<unsigned char*>(const_cast<char*>(b.data()));
        zs.avail_in = unsigned(std::min<std::size_t>(b.size(), 1u << 30));
        zs.next_out = reinterpret_cast<unsigned char*>(inflated.data());
        zs.avail_out = unsigned(inflated.size());
        inflate(&zs, Z_SYNC_FLUSH);
        inflated.resize(inflated.size() - zs.avail_out);
        inflateEnd(&zs);
        b = inflated;
    }
    std::size_t p = 0;
    while (p < b.size() && isWs(b[p]))
        ++p;
    if (p >= b.size() || b[p] != '{')
        return {};
    ++p;
    while (p < b.size() && isWs(b[p]))
        ++p;
    if (p >= b.size() || b[p] != '"')
        return {};
    const std::size_t end = b.find('"', p + 1);
    return end == std::string_view::npos ? std::string() : std::string(b.substr(p + 1, end - p - 1));
}

} // namespace

bool looksLikeSamplingProfile(std::string_view b) {
    return firstKey(b) == "head";
}

bool isSamplingProfileFile(const std::string& path) {
    auto endsWith = [&](std::string_view s) {
        return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
    };
    std::string key;
    if (const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
        char buf[4096];
        const ssize_t got = ::read(fd, buf, sizeof buf);
        ::close(fd);
        if (got > 0)
            key = firstKey(std::string_view(buf, std::size_t(got)));
    }
    if (key == "head")
        return true;
    if (key == "snapshot")
        return false; // a heap snapshot, whatever its name
    // unreadable, empty or broken: the name decides, and the loader of that kind says what is wrong
    return endsWith(".heapprofile") || endsWith(".heapprofile.gz");
}

Expected<SamplingProfilePtr> loadSamplingProfileFromMemory(std::string_view bytes, const std::string& name,
                                                           const WorkContext& context) {
    if (bytes.empty())
        return Error{name, "open", 0, "the file is empty (0 bytes)"};
    if (isGzip(bytes)) {
        PodArray<char> json;
        std::uint64_t produced = 0;
        if (auto e = inflateAll(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), name,
                                context, json, produced))
            return *e;
        auto result = ProfileParser(json.data(), std::size_t(produced), name, context).run();
        if (result.ok())
            std::const_pointer_cast<SamplingProfile>(result.value())->gzipped = true;
        return result;
    }
    return ProfileParser(bytes.data(), bytes.size(), name, context).run();
}

Expected<SamplingProfilePtr> loadSamplingProfile(const std::string& path, const WorkContext& context) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT)
            return Error{path, "open", -1, "the file does not exist"};
        if (err == EACCES)
            return Error{path, "open", -1, "permission denied: the file cannot be read"};
        return Error{path, "open", -1, std::string("the file cannot be opened: ") + std::strerror(err)};
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return Error{path, "open", -1, "this is not a regular file"};
    }
    if (st.st_size == 0) {
        ::close(fd);
        return Error{path, "open", 0, "the file is empty (0 bytes)"};
    }
    const auto size = std::size_t(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED)
        return Error{path, "open", -1,
                     std::string("the file cannot be mapped into memory: ") + std::strerror(errno)};
    ::madvise(map, size, MADV_SEQUENTIAL);
    context.report(Stage::Reading, 0, size);
    auto result =
        loadSamplingProfileFromMemory(std::string_view(static_cast<const char*>(map), size), path, context);
    ::munmap(map, size);
    return result;
}

SamplingProfilePtr selectOrdinals(const SamplingProfilePtr& profile, std::uint64_t minOrdinal,
                                  std::uint64_t maxOrdinal) {
    if (!profile || (minOrdinal == 0 && maxOrdinal == 0))
        return profile; // DevTools: no range, the whole profile
    if (maxOrdinal == 0)
        maxOrdinal = std::numeric_limits<std::uint64_t>::max();
    auto out = std::make_shared<SamplingProfile>(*profile);
    SamplingProfile& P = *out;
    const std::uint64_t headSelf = P.selfSize.empty() ? 0 : P.selfSize[0];
    std::fill(P.selfSize.begin(), P.selfSize.end(), 0);
    std::fill(P.sampleCount.begin(), P.sampleCount.end(), 0);
    std::fill(P.sampleBytes.begin(), P.sampleBytes.end(), 0);
    for (std::size_t s = 0; s < P.sampleNode.size(); ++s) {
        const std::uint32_t node = P.sampleNode[s];
        if (node == kNoIndex || P.sampleOrdinal[s] < minOrdinal || P.sampleOrdinal[s] > maxOrdinal)
            continue;
        P.selfSize[node] += P.sampleSize[s];
        ++P.sampleCount[node];
        P.sampleBytes[node] += P.sampleSize[s];
    }
    // the head keeps the file's selfSize: DevTools builds it before it looks at the range
    if (!P.selfSize.empty())
        P.selfSize[0] = headSelf;
    buildTree(P);
    return out;
}

// ---- views ----

std::vector<BottomUpRow> bottomUpFunctions(const SamplingProfile& p) {
    std::vector<BottomUpRow> rows;
    if (p.nodeCount() == 0)
        return rows;
    std::vector<std::uint32_t> rowOf(p.functions.size(), kNoIndex);
    // DevTools walks the tree by groups of siblings, breadth first.
    std::vector<std::uint32_t> queue{0};
    for (std::size_t q = 0; q < queue.size(); ++q) {
        const std::uint32_t n = queue[q];
        if (n != 0) {
            const std::uint32_t f = p.function[n];
            if (rowOf[f] == kNoIndex) {
                rowOf[f] = std::uint32_t(rows.size());
                rows.emplace_back();
                rows.back().function = f;
            }
            BottomUpRow& r = rows[rowOf[f]];
            r.self += p.selfSize[n];
            r.total += p.totalSize[n];
            r.samples += p.sampleCount[n];
            r.focus.push_back(n);
            r.ancestor.push_back(n);
            if (p.parent[n] != 0)
                r.hasCallers = true;
        }
        for (std::uint32_t c = p.childStart[n]; c < p.childStart[n + 1]; ++c)
            queue.push_back(p.childList[c]);
    }
    return rows;
}

std::vector<BottomUpRow> bottomUpCallers(const SamplingProfile& p, const BottomUpRow& row) {
    std::vector<BottomUpRow> rows;
    std::unordered_map<std::uint32_t, std::uint32_t> rowOf;
    for (std::size_t i = 0; i < row.focus.size(); ++i) {
        const std::uint32_t caller = p.parent[row.ancestor[i]];
        if (caller == kNoIndex || caller == 0)
            continue; // DevTools stops below the head
        const std::uint32_t f = p.function[caller];
        auto [it, added] = rowOf.try_emplace(f, std::uint32_t(rows.size()));
        if (added) {
            rows.emplace_back();
            rows.back().function = f;
        }
        BottomUpRow& r = rows[it->second];
        const std::uint32_t focus = row.focus[i];
        r.self += p.selfSize[focus];
        r.total += p.totalSize[focus];
        r.samples += p.sampleCount[focus];
        r.focus.push_back(focus);
        r.ancestor.push_back(caller);
        if (p.parent[caller] != 0)
            r.hasCallers = true;
    }
    return rows;
}

void sortBottomUp(std::vector<BottomUpRow>& rows, bool byTotal) {
    std::stable_sort(rows.begin(), rows.end(), [byTotal](const BottomUpRow& a, const BottomUpRow& b) {
        return byTotal ? a.total > b.total : a.self > b.self;
    });
}

std::vector<FlameEntry> flameChart(const SamplingProfile& p) {
    std::vector<FlameEntry> out;
    if (p.nodeCount() == 0)
        return out;
    std::vector<FlameEntry> stack{{0, 0, 0}};
    while (!stack.empty()) {
        const FlameEntry e = stack.back();
        stack.pop_back();
        out.push_back(e);
        // children start where the parent starts, one after the other; pushed in reverse so that
        // they come out in file order
        std::uint64_t pos = e.start;
        const std::size_t base = stack.size();
        for (std::uint32_t c = p.childStart[e.node]; c < p.childStart[e.node + 1]; ++c) {
            stack.push_back({p.childList[c], e.level + 1, pos});
            pos += p.totalSize[p.childList[c]];
        }
        std::reverse(stack.begin() + std::ptrdiff_t(base), stack.end());
    }
    return out;
}

std::vector<ProfileDiffRow> diffProfiles(const SamplingProfile& base, const SamplingProfile& profile) {
    std::unordered_map<std::string, std::size_t> index;
    std::vector<ProfileDiffRow> rows;
    auto add = [&](const SamplingProfile& p, bool isBase) {
        for (const BottomUpRow& r : bottomUpFunctions(p)) {
            const ProfileFunction& f = p.functions[r.function];
            std::string key = p.strings[f.name];
            key += '\0';
            key += p.strings[f.url];
            key += '\0';
            key += std::to_string(f.line) + ":" + std::to_string(f.column);
            auto [it, added] = index.try_emplace(std::move(key), rows.size());
            if (added) {
                ProfileDiffRow d;
                d.name = p.displayName(r.function);
                d.url = p.strings[f.url];
                d.line = f.line;
                d.column = f.column;
                rows.push_back(std::move(d));
            }
            ProfileDiffRow& d = rows[it->second];
            (isBase ? d.baseSelf : d.self) += r.self;
            (isBase ? d.baseTotal : d.total) += r.total;
        }
    };
    add(base, true);
    add(profile, false);
    std::stable_sort(rows.begin(), rows.end(), [](const ProfileDiffRow& a, const ProfileDiffRow& b) {
        const auto as = std::llabs(a.selfDelta()), bs = std::llabs(b.selfDelta());
        if (as != bs)
            return as > bs;
        const auto at = std::llabs(a.totalDelta()), bt = std::llabs(b.totalDelta());
        if (at != bt)
            return at > bt;
        return a.name < b.name;
    });
    return rows;
}

} // namespace heapscope
