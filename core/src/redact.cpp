// SPDX-License-Identifier: MIT
// A redacted copy of a snapshot: the plan (which string table entries are values, which names) from
// the loaded snapshot, then one streaming pass over the file that rewrites the name fields of the
// nodes and trace function infos and the strings, copying every other byte.
#include "heapscope/redact.h"

#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <regex>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace heapscope {

namespace {

bool isSchemeChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '-' || c == '.';
}
bool isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t units(std::string_view s) {
    return text::utf16Length(s);
}

/// Replaces, in every URL of `text` ("scheme://..."), what follows its origin. Returns whether it changed.
bool redactUrls(std::string_view text, std::string& out, const RedactPlaceholderFn& number) {
    out.clear();
    bool changed = false;
    std::size_t copied = 0;
    std::size_t from = 0;
    while (true) {
        const std::size_t sep = text.find("://", from);
        if (sep == std::string_view::npos)
            break;
        std::size_t start = sep;
        while (start > copied && isSchemeChar(text[start - 1]))
            --start;
        while (start < sep && !isAlpha(text[start])) // a scheme starts with a letter
            ++start;
        if (start == sep) {
            from = sep + 3;
            continue;
        }
        std::size_t end = sep + 3;
        while (end < text.size() && !isSpace(text[end]) && text[end] != '"' && text[end] != '\'' &&
               text[end] != '>' && text[end] != '<')
            ++end;
        std::size_t authorityEnd = sep + 3;
        while (authorityEnd < end && text[authorityEnd] != '/' && text[authorityEnd] != '?' &&
               text[authorityEnd] != '#' && text[authorityEnd] != '\\')
            ++authorityEnd;
        const std::string_view authority = text.substr(sep + 3, authorityEnd - sep - 3);
        const std::size_t at = authority.rfind('@');
        const std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
        const std::string_view rest = text.substr(authorityEnd, end - authorityEnd);
        if (at == std::string_view::npos && (rest.empty() || rest == "/")) {
            from = end;
            continue;
        }
        out.append(text.substr(copied, sep + 3 - copied));
        out.append(host);
        out += '/';
        const std::string_view url = text.substr(start, end - start);
        const std::size_t kept = units(text.substr(start, sep + 3 - start)) + units(host) + 1;
        out += number(url, std::max<std::size_t>(1, units(url) > kept ? units(url) - kept : 1));
        copied = end;
        from = end;
        changed = true;
    }
    if (changed)
        out.append(text.substr(copied));
    return changed;
}

bool isPath(std::string_view t) {
    return (!t.empty() && t[0] == '/') ||
           (t.size() >= 3 && isAlpha(t[0]) && t[1] == ':' && (t[2] == '\\' || t[2] == '/')) ||
           (t.size() >= 2 && t[0] == '\\' && t[1] == '\\');
}

/// "<tag attributes>" → "<tag redacted#N>"; "Detached <tag ...>" likewise.
bool redactMarkup(std::string_view text, std::string& out, const RedactPlaceholderFn& number) {
    std::size_t tag = std::string_view::npos;
    if (!text.empty() && text[0] == '<')
        tag = 0;
    else if (text.substr(0, 10) == "Detached <")
        tag = 9;
    if (tag == std::string_view::npos)
        return false;
    const std::size_t sp = text.find(' ', tag);
    if (sp == std::string_view::npos)
        return false;
    std::string_view attrs = text.substr(sp + 1);
    if (!attrs.empty() && attrs.back() == '>')
        attrs.remove_suffix(1);
    if (attrs.empty())
        return false;
    out.assign(text.substr(0, sp + 1));
    out += number(attrs, units(attrs));
    out += '>';
    return true;
}

} // namespace

RedactRole redactRoleOf(NodeKind kind) {
    switch (kind) {
    case NodeKind::String:
    case NodeKind::ConsString:
    case NodeKind::SlicedString:
    case NodeKind::RegExp:
        return RedactRole::Value;
    case NodeKind::Code:
        return RedactRole::Script;
    default:
        return RedactRole::Label;
    }
}

std::optional<std::string> redactedName(RedactRole role, std::string_view text,
                                        const RedactPlaceholderFn& number) {
    std::string out;
    switch (role) {
    case RedactRole::Value: {
        if (text.empty() || text == "(concatenated string)" || text == "(sliced string)")
            return std::nullopt;
        // a value that is one URL keeps its origin; a bare origin stays as names keep theirs
        const std::size_t sep = text.find("://");
        bool url = sep != std::string_view::npos && sep > 0 && isAlpha(text[0]) &&
                   text.find_first_of(" \t\r\n\"'<>") == std::string_view::npos;
        for (std::size_t i = 0; url && i < sep; ++i)
            url = isSchemeChar(text[i]);
        if (url) {
            std::size_t authorityEnd = text.find_first_of("/?#\\", sep + 3);
            if (authorityEnd == std::string_view::npos)
                authorityEnd = text.size();
            const std::string_view authority = text.substr(sep + 3, authorityEnd - sep - 3);
            const std::size_t at = authority.rfind('@');
            const std::string_view rest = text.substr(authorityEnd);
            if (at == std::string_view::npos && (rest.empty() || rest == "/"))
                return std::nullopt;
            out.assign(text.substr(0, sep + 3));
            out.append(at == std::string_view::npos ? authority : authority.substr(at + 1));
            out += '/';
            const std::size_t kept = units(out);
            out += number(text, std::max<std::size_t>(1, units(text) > kept ? units(text) - kept : 1));
            return out;
        }
        return number(text, units(text));
    }
    case RedactRole::Script: {
        bool changed = false;
        std::string cur(text);
        if (redactUrls(cur, out, number)) {
            cur = out;
            changed = true;
        }
        constexpr std::string_view kScript = "system / Script / ";
        const std::size_t pos = cur.compare(0, kScript.size(), kScript) == 0 ? kScript.size() : 0;
        const std::string_view rest = std::string_view(cur).substr(pos);
        if (isPath(rest)) {
            cur = cur.substr(0, pos) + number(rest, units(rest));
            changed = true;
        }
        if (!changed)
            return std::nullopt;
        return cur;
    }
    case RedactRole::Label: {
        bool changed = false;
        std::string cur(text);
        if (redactMarkup(cur, out, number)) {
            cur = out;
            changed = true;
        }
        if (redactUrls(cur, out, number)) {
            cur = out;
            changed = true;
        }
        if (!changed)
            return std::nullopt;
        return cur;
    }
    }
    return std::nullopt;
}

std::string RedactPlaceholders::operator()(std::string_view piece, std::size_t length) {
    const std::uint64_t key =
        std::hash<std::string_view>{}(piece) ^ (std::uint64_t(length) * 0x9E3779B97F4A7C15ull);
    auto [it, inserted] = m_known.emplace(key, Known{});
    Known& k = it->second;
    if (inserted)
        k.number = ++m_count;
    std::string out = "redacted#" + std::to_string(k.number);
    if (out.size() <= length) {
        out.append(length - out.size(), '.');
        return out;
    }
    // Shorter than "redacted#N": a number among the pieces of this length. The texts form a prefix
    // code (no concatenation of placeholders equals another concatenation of other placeholders,
    // as DevTools compares names of concatenated strings): one unit is a CJK character; 2 to 26
    // units a capital letter telling the length ('A' for 2) and a number in letters, digits and
    // CJK characters; "redacted#N" starts with 'r', its digits and dots end where the next starts.
    if (k.shortIndex == kNoShort) {
        std::uint64_t& next = m_perLength[length];
        k.shortIndex = next++;
    }
    static constexpr std::string_view kAscii =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    constexpr std::uint64_t kCjk = 0x9FFF - 0x4E00 + 1; // U+4E00..U+9FFF
    constexpr std::uint64_t kBase = 62 + kCjk;
    std::uint64_t m = k.shortIndex;
    out.clear();
    if (length == 1) {
        if (m >= kCjk)
            return "redacted#" + std::to_string(k.number); // more than 20,992 values of one unit
        text::appendCodePoint(out, std::uint32_t(0x4E00 + m));
        return out;
    }
    if (length > 26)
        return "redacted#" + std::to_string(k.number);
    std::vector<std::uint32_t> code(length - 1, 0);
    for (std::size_t i = code.size(); i-- > 0;) {
        code[i] = std::uint32_t(m % kBase);
        m /= kBase;
    }
    if (m > 0) // more values of this length than the code numbers
        return "redacted#" + std::to_string(k.number);
    out += char('A' + (length - 2));
    for (std::uint32_t c : code) {
        if (c < 62)
            out += kAscii[c];
        else
            text::appendCodePoint(out, std::uint32_t(0x4E00 + (c - 62)));
    }
    return out;
}

std::string checkKeepPattern(const std::string& pattern) {
    try {
        std::regex re(pattern, std::regex::ECMAScript);
        (void)re;
    } catch (const std::regex_error& e) {
        return std::string("not a valid regular expression: ") + e.what();
    }
    return {};
}

namespace {

constexpr std::uint32_t kSame = kNoIndex - 1; // the entry is referenced unchanged

/// Which string table entries the copy writes, and the new name ids of nodes and script names.
struct Plan {
    std::uint32_t stringCount = 0;
    std::vector<std::uint8_t> keep;      ///< per entry: referenced unchanged by something
    std::vector<std::uint32_t> newId[3]; ///< per role, per entry: kNoIndex (not met), kSame, or the new id
    std::vector<std::string> added;      ///< texts appended to the table
    RedactPlaceholders placeholders;
    std::uint64_t keptByPattern = 0;
    std::uint64_t redactedNodes = 0;
};

std::uint32_t resolve(Plan& p, const Snapshot& s, RedactRole role, StringId id, const std::regex* keepRe) {
    auto& column = p.newId[int(role)];
    if (column.empty())
        column.assign(p.stringCount, kNoIndex);
    std::uint32_t& slot = column[id.value];
    if (slot != kNoIndex)
        return slot;
    const std::string_view text = s.strings.get(id);
    std::optional<std::string> out;
    if (role == RedactRole::Value && keepRe && !text.empty() && text.size() <= kRedactKeepMaxBytes &&
        std::regex_match(text.begin(), text.end(), *keepRe)) {
        if (text != "(concatenated string)" && text != "(sliced string)")
            ++p.keptByPattern;
    } else {
        out = redactedName(role, text,
                           [&](std::string_view piece, std::size_t n) { return p.placeholders(piece, n); });
    }
    if (!out) {
        p.keep[id.value] = 1;
        slot = kSame;
        return slot;
    }
    slot = std::uint32_t(p.stringCount + p.added.size());
    p.added.push_back(std::move(*out));
    return slot;
}

// --- the streaming pass ---

class Input {
public:
    ~Input() {
        if (m_f)
            gzclose(m_f);
    }
    bool open(const std::string& path) {
        m_f = gzopen(path.c_str(), "rb");
        if (!m_f)
            return false;
        gzbuffer(m_f, 1u << 20);
        m_buf.resize(1u << 20);
        return true;
    }
    int peek() {
        if (m_pos == m_len && !fill())
            return -1;
        return static_cast<unsigned char>(m_buf[m_pos]);
    }
    int get() {
        const int c = peek();
        if (c >= 0)
            ++m_pos;
        return c;
    }
    std::uint64_t offset() const { return m_before + m_pos; }
    bool failed() const { return m_failed; }
    std::function<bool(std::uint64_t)> onFill; // returns false to stop

private:
    bool fill() {
        if (m_eof)
            return false;
        m_before += m_len;
        m_pos = m_len = 0;
        if (onFill && !onFill(m_before)) {
            m_eof = true;
            return false;
        }
        const int n = gzread(m_f, m_buf.data(), unsigned(m_buf.size()));
        if (n <= 0) {
            m_eof = true;
            m_failed = n < 0;
            return false;
        }
        m_len = std::size_t(n);
        return true;
    }
    gzFile m_f = nullptr;
    std::vector<char> m_buf;
    std::size_t m_pos = 0, m_len = 0;
    std::uint64_t m_before = 0;
    bool m_eof = false, m_failed = false;
};

class Output {
public:
    ~Output() {
        if (m_syncFd >= 0)
            ::close(m_syncFd);
        if (m_gz)
            gzclose(m_gz);
        else if (m_fd >= 0)
            ::close(m_fd);
    }
    bool open(int fd, bool gzip) {
        m_fd = fd;
        if (gzip) {
            m_syncFd = ::dup(fd); // gzclose() closes fd: the copy syncs the file after it
            m_gz = gzdopen(fd, "wb6");
            if (!m_gz)
                return false;
            gzbuffer(m_gz, 1u << 20);
        }
        m_buf.reserve(1u << 20);
        return true;
    }
    void put(char c) {
        m_buf.push_back(c);
        if (m_buf.size() >= (1u << 20))
            flush();
    }
    void write(std::string_view s) {
        m_buf.append(s);
        if (m_buf.size() >= (1u << 20))
            flush();
    }
    bool flush() {
        if (m_failed || m_buf.empty())
            return !m_failed;
        if (m_gz) {
            if (gzwrite(m_gz, m_buf.data(), unsigned(m_buf.size())) != int(m_buf.size()))
                m_failed = true;
        } else {
            std::size_t done = 0;
            while (done < m_buf.size()) {
                const ssize_t n = ::write(m_fd, m_buf.data() + done, m_buf.size() - done);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0) {
                    m_errno = errno;
                    m_failed = true;
                    break;
                }
                done += std::size_t(n);
            }
        }
        m_buf.clear();
        return !m_failed;
    }
    /// Flushes, ends the gzip stream, syncs and closes. False on any failure.
    bool finish() {
        flush();
        if (m_gz) {
            if (gzclose(m_gz) != Z_OK)
                m_failed = true;
            m_gz = nullptr;
            m_fd = -1;
            if (!m_failed && (m_syncFd < 0 || ::fsync(m_syncFd) != 0))
                m_failed = true;
        } else if (m_fd >= 0) {
            if (!m_failed && ::fsync(m_fd) != 0)
                m_failed = true;
            if (::close(m_fd) != 0)
                m_failed = true;
            m_fd = -1;
        }
        return !m_failed;
    }
    bool failed() const { return m_failed; }
    int error() const { return m_errno; }

private:
    int m_fd = -1;
    int m_syncFd = -1;
    gzFile m_gz = nullptr;
    std::string m_buf;
    bool m_failed = false;
    int m_errno = 0;
};

struct Stream {
    Input& in;
    Output& out;
    std::string problem; ///< set on the first error
    std::uint64_t problemAt = 0;

    bool fail(std::string why) {
        if (problem.empty()) {
            problem = std::move(why);
            problemAt = in.offset();
        }
        return false;
    }
    void copySpace() {
        while (true) {
            const int c = in.peek();
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
                return;
            out.put(char(in.get()));
        }
    }
    bool expect(char want, bool copy = true) {
        const int c = in.get();
        if (c != static_cast<unsigned char>(want))
            return fail(c < 0 ? std::string("the file ends early") : std::string("expected '") + want + "'");
        if (copy)
            out.put(want);
        return true;
    }
    /// A string literal from its opening quote, copied (when `copy`) and kept in `raw` (when given).
    bool string(bool copy, std::string* raw = nullptr) {
        if (!expect('"', copy))
            return false;
        while (true) {
            const int c = in.get();
            if (c < 0)
                return fail("the file ends inside a string");
            if (copy)
                out.put(char(c));
            if (c == '"')
                return true;
            if (raw)
                raw->push_back(char(c));
            if (c == '\\') {
                const int d = in.get();
                if (d < 0)
                    return fail("the file ends inside a string");
                if (copy)
                    out.put(char(d));
                if (raw)
                    raw->push_back(char(d));
            }
        }
    }
    /// Any JSON value, copied byte for byte (and kept in `raw` when given).
    bool value(std::string* raw = nullptr) {
        int depth = 0;
        while (true) {
            const int c = in.peek();
            if (c < 0)
                return fail("the file ends inside a value");
            if (c == '"') {
                std::string piece;
                if (!string(true, raw ? &piece : nullptr))
                    return false;
                if (raw)
                    raw->append("\"" + piece + "\"");
            } else if (c == '{' || c == '[') {
                ++depth;
                out.put(char(in.get()));
                if (raw)
                    raw->push_back(char(c));
            } else if (c == '}' || c == ']') {
                if (depth == 0)
                    return true; // the end of a scalar at the end of its container
                --depth;
                out.put(char(in.get()));
                if (raw)
                    raw->push_back(char(c));
            } else if (c == ',' && depth == 0) {
                return true;
            } else {
                out.put(char(in.get()));
                if (raw)
                    raw->push_back(char(c));
            }
            if (depth == 0 && (c == '"' || c == '}' || c == ']'))
                return true;
        }
    }
    /// An array of numbers, records of `fields` numbers; field `field` of record r is written as
    /// `replace(r, value)` returns (nullopt: as it is). Returns the count of numbers, or -1.
    template <typename F> std::int64_t numbers(std::size_t fields, std::size_t field, F&& replace) {
        if (!expect('['))
            return -1;
        std::uint64_t index = 0;
        std::string token;
        copySpace();
        if (in.peek() == ']') {
            out.put(char(in.get()));
            return 0;
        }
        while (true) {
            copySpace();
            token.clear();
            while (true) {
                const int c = in.peek();
                if (c < 0 || c == ',' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t')
                    break;
                token.push_back(char(in.get()));
            }
            if (token.empty()) {
                fail("expected a number");
                return -1;
            }
            if (fields && index % fields == field) {
                std::uint64_t v = 0;
                for (char ch : token) {
                    v = v * 10 + std::uint64_t(ch - '0');
                    if (ch < '0' || ch > '9' || v > 0xFFFFFFFFull) {
                        fail("a name field is not a string index");
                        return -1;
                    }
                }
                std::optional<std::uint32_t> r;
                if (!replace(index / fields, std::uint32_t(v), r))
                    return -1;
                if (r)
                    out.write(std::to_string(*r));
                else
                    out.write(token);
            } else {
                out.write(token);
            }
            ++index;
            copySpace();
            const int c = in.get();
            if (c == ',') {
                out.put(',');
            } else if (c == ']') {
                out.put(']');
                return std::int64_t(index);
            } else {
                fail(c < 0 ? "the file ends inside an array" : "expected ',' or ']'");
                return -1;
            }
        }
    }
};

std::string errnoText(int e) {
    return std::strerror(e);
}

} // namespace

Expected<RedactResult> writeRedactedCopy(const Snapshot& s, const std::string& outPath,
                                         const RedactOptions& options, const WorkContext& context) {
    auto error = [&](std::string stage, std::string reason, std::int64_t offset = -1) {
        Error e;
        e.file = s.path;
        e.stage = std::move(stage);
        e.reason = std::move(reason);
        e.offset = offset;
        return e;
    };
    if (s.path.empty())
        return error("redact", "the snapshot was not loaded from a file");
    if (outPath.empty())
        return error("redact", "no output file given");

    // never the input: same file by device and inode, or by name
    struct stat inSt {};
    if (::stat(s.path.c_str(), &inSt) != 0)
        return error("open", "cannot read the file: " + errnoText(errno));
    if (struct stat outSt{}; ::stat(outPath.c_str(), &outSt) == 0) {
        if (outSt.st_dev == inSt.st_dev && outSt.st_ino == inSt.st_ino)
            return error("redact", "the output " + outPath + " is the input file; choose another name");
        if (S_ISDIR(outSt.st_mode))
            return error("redact", "the output " + outPath + " is a folder");
    }

    std::optional<std::regex> keepRe;
    if (!options.keepStrings.empty()) {
        if (auto why = checkKeepPattern(options.keepStrings); !why.empty())
            return error("redact", "--keep-strings: " + why);
        keepRe.emplace(options.keepStrings, std::regex::ECMAScript | std::regex::optimize);
    }
    const bool gzip = options.gzip
                          ? *options.gzip
                          : (outPath.size() >= 3 && outPath.compare(outPath.size() - 3, 3, ".gz") == 0);

    // --- the plan ---
    Plan p;
    p.stringCount = std::uint32_t(s.strings.size());
    p.keep.assign(p.stringCount, 0);
    const std::regex* re = keepRe ? &*keepRe : nullptr;
    auto stopped = [&]() { return context.stopRequested(); };
    auto cancelled = [&]() { return cancelledError(s.path, "redact", "the redacted copy was cancelled"); };
    // The digits of a number: Chromium writes a number's value (an "int" node's, a truncated
    // string's length and hash) as a string node behind the number node's internal "value" edge;
    // DevTools reads scope ids and source positions from them. Those strings stay.
    std::vector<bool> numberText(s.nodeCount, false);
    for (NodeOrdinal n : s.nodes()) {
        if (s.kind(n) != NodeKind::Number)
            continue;
        for (EdgeOrdinal e : s.edgesOf(n))
            if (s.edgeKind(e) == EdgeKind::Internal && s.edgeNameOrIndex[e] < p.stringCount &&
                s.strings.get(s.edgeNameId(e)) == "value" &&
                redactRoleOf(s.kind(s.edgeTo[e])) == RedactRole::Value)
                numberText[s.edgeTo[e].value] = true;
    }
    for (NodeOrdinal n : s.nodes()) {
        if ((n.value & 0xFFFF) == 0 && stopped())
            return cancelled();
        const StringId id = s.nodeName[n];
        if (id.value >= p.stringCount)
            return error("redact", "node " + std::to_string(n.value) + " names string " +
                                       std::to_string(id.value) + ", which the table does not have");
        if (numberText[n.value])
            p.keep[id.value] = 1;
        else if (resolve(p, s, redactRoleOf(s.kind(n)), id, re) != kSame)
            ++p.redactedNodes;
    }
    // edge names stay but for URL paths and file paths (the keys of Node's require cache...)
    std::uint64_t redactedEdges = 0;
    for (EdgeOrdinal e : s.edges()) {
        if ((e.value & 0xFFFF) == 0 && stopped())
            return cancelled();
        if (!edgeNameIsIndex(s.edgeKind(e)) && s.edgeNameOrIndex[e] < p.stringCount &&
            resolve(p, s, RedactRole::Script, s.edgeNameId(e), nullptr) != kSame)
            ++redactedEdges;
    }
    for (const TraceFunctionInfo& f : s.traceFunctionInfos) {
        if (f.name.value < p.stringCount)
            p.keep[f.name.value] = 1;
        if (f.scriptName.value < p.stringCount)
            resolve(p, s, RedactRole::Script, f.scriptName, re);
    }
    {
        const auto& sc = s.scopeSections;
        const auto nameField = std::find(sc.contextVarFields.begin(), sc.contextVarFields.end(), "name");
        if (nameField != sc.contextVarFields.end()) {
            const std::size_t k = sc.contextVarFields.size(),
                              f = std::size_t(nameField - sc.contextVarFields.begin());
            for (std::size_t i = f; i < sc.contextVars.size(); i += k)
                if (sc.contextVars[i] >= 0 && std::uint64_t(sc.contextVars[i]) < p.stringCount)
                    p.keep[std::size_t(sc.contextVars[i])] = 1;
        }
    }
    const auto& nodeFields = s.format.nodeFields;
    const std::size_t nodeNameField =
        std::size_t(std::find(nodeFields.begin(), nodeFields.end(), "name") - nodeFields.begin());
    if (nodeNameField >= nodeFields.size())
        return error("redact", "the nodes have no name field");
    const auto& edgeFields = s.format.edgeFields;
    const std::size_t edgeNameField =
        std::size_t(std::find(edgeFields.begin(), edgeFields.end(), "name_or_index") - edgeFields.begin());
    if (edgeNameField >= edgeFields.size())
        return error("redact", "the edges have no name_or_index field");

    RedactResult result;
    result.keptByPattern = p.keptByPattern;
    result.redactedNodes = p.redactedNodes;
    result.redactedEdges = redactedEdges;
    result.placeholders = p.added.size();
    for (StringId i(0); i.value < p.stringCount; ++i)
        if (!p.keep[i.value] && !s.strings.get(i).empty())
            ++result.redactedStrings;

    // --- the temporary file beside the output ---
    const std::size_t slash = outPath.rfind('/');
    const std::string dir =
        slash == std::string::npos ? std::string(".") : outPath.substr(0, slash == 0 ? 1 : slash);
    const std::string base = slash == std::string::npos ? outPath : outPath.substr(slash + 1);
    std::string tmp = (dir == "/" ? std::string() : dir) + "/." + base + ".XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0)
        return error("write", "cannot create a file in " + dir + ": " + errnoText(errno));
    ::fchmod(fd, 0644);
    struct TmpGuard {
        std::string path;
        bool keep = false;
        ~TmpGuard() {
            if (!keep)
                ::unlink(path.c_str());
        }
    } guard{tmp};

    Input in;
    if (!in.open(s.path)) {
        ::close(fd);
        return error("open", "cannot read the file: " + errnoText(errno));
    }
    Output out;
    if (!out.open(fd, gzip)) // the output closes fd
        return error("write", "cannot start a gzip stream");
    const std::uint64_t total = std::max<std::uint64_t>(s.fileSize, 1);
    bool wasStopped = false;
    in.onFill = [&](std::uint64_t done) {
        if (stopped()) {
            wasStopped = true;
            return false;
        }
        context.report(Stage::Reading, std::min(done, total), total);
        return !out.failed();
    };

    Stream st{in, out, {}, 0};
    std::vector<std::string> tfiFields;
    bool sawNodes = false, sawStrings = false;
    auto run = [&]() -> bool {
        st.copySpace();
        if (!st.expect('{'))
            return false;
        st.copySpace();
        if (in.peek() == '}')
            return st.fail("the file has no sections");
        while (true) {
            st.copySpace();
            std::string key;
            if (!st.string(true, &key))
                return false;
            st.copySpace();
            if (!st.expect(':'))
                return false;
            st.copySpace();
            if (key == "nodes") {
                sawNodes = true;
                const std::int64_t count = st.numbers(
                    nodeFields.size(), nodeNameField, [&](std::uint64_t r, std::uint32_t v, auto& rep) {
                        if (r >= s.nodeCount)
                            return st.fail("the nodes differ from the file loaded: it changed since");
                        const NodeOrdinal node(static_cast<std::uint32_t>(r));
                        if (v != s.nodeName[node].value)
                            return st.fail("the nodes differ from the file loaded: it changed since");
                        if (numberText[node.value])
                            return true;
                        const std::uint32_t id =
                            p.newId[int(redactRoleOf(s.kind(node)))][v]; // resolved in the plan
                        if (id != kSame)
                            rep = id;
                        return true;
                    });
                if (count < 0)
                    return false;
                if (std::uint64_t(count) != std::uint64_t(s.nodeCount) * nodeFields.size())
                    return st.fail("the nodes differ from the file loaded: it changed since");
            } else if (key == "edges") {
                const auto& col = p.newId[int(RedactRole::Script)];
                const std::int64_t count = st.numbers(
                    edgeFields.size(), edgeNameField, [&](std::uint64_t r, std::uint32_t v, auto& rep) {
                        if (r >= s.edgeCount)
                            return st.fail("the edges differ from the file loaded: it changed since");
                        const EdgeOrdinal edge(static_cast<std::uint32_t>(r));
                        if (v != s.edgeNameOrIndex[edge])
                            return st.fail("the edges differ from the file loaded: it changed since");
                        if (!edgeNameIsIndex(s.edgeKind(edge)) && v < col.size() && col[v] != kSame &&
                            col[v] != kNoIndex)
                            rep = col[v];
                        return true;
                    });
                if (count < 0)
                    return false;
                if (std::uint64_t(count) != std::uint64_t(s.edgeCount) * edgeFields.size())
                    return st.fail("the edges differ from the file loaded: it changed since");
            } else if (key == "trace_function_infos" && !s.traceFunctionInfos.empty()) {
                const auto f = std::find(tfiFields.begin(), tfiFields.end(), "script_name");
                const auto nf = std::find(tfiFields.begin(), tfiFields.end(), "name");
                if (f == tfiFields.end() || nf == tfiFields.end())
                    return st.fail("meta.trace_function_info_fields has no script_name");
                const std::size_t field = std::size_t(f - tfiFields.begin());
                const std::int64_t count =
                    st.numbers(tfiFields.size(), field, [&](std::uint64_t r, std::uint32_t v, auto& rep) {
                        if (r >= s.traceFunctionInfos.size() ||
                            v != s.traceFunctionInfos[std::size_t(r)].scriptName.value)
                            return st.fail("the trace function infos differ from the file loaded");
                        const auto& col = p.newId[int(RedactRole::Script)];
                        if (v < col.size() && col[v] != kSame && col[v] != kNoIndex)
                            rep = col[v];
                        return true;
                    });
                if (count < 0)
                    return false;
            } else if (key == "strings") {
                sawStrings = true;
                if (!st.expect('['))
                    return false;
                std::uint64_t index = 0;
                st.copySpace();
                if (in.peek() != ']') {
                    while (true) {
                        st.copySpace();
                        if (index >= p.stringCount)
                            return st.fail("the strings differ from the file loaded: it changed since");
                        if (p.keep[std::size_t(index)]) {
                            if (!st.string(true))
                                return false;
                        } else {
                            if (!st.string(false))
                                return false;
                            out.write("\"\"");
                        }
                        ++index;
                        st.copySpace();
                        const int c = in.peek();
                        if (c == ',') {
                            out.put(char(in.get()));
                            continue;
                        }
                        if (c == ']')
                            break;
                        return st.fail(c < 0 ? "the file ends inside the strings" : "expected ',' or ']'");
                    }
                }
                if (index != p.stringCount)
                    return st.fail("the strings differ from the file loaded: it changed since");
                for (const std::string& t : p.added) {
                    if (index++ > 0)
                        out.put(',');
                    out.put('\n');
                    out.write(text::jsonQuote(t));
                }
                if (!st.expect(']'))
                    return false;
            } else if (key == "snapshot") {
                std::string header;
                if (!st.value(&header))
                    return false;
                simdjson::dom::parser parser;
                simdjson::dom::element doc;
                if (!parser.parse(header).get(doc)) {
                    simdjson::dom::array list;
                    if (!doc["meta"]["trace_function_info_fields"].get(list))
                        for (auto e : list)
                            if (std::string_view v; !e.get(v))
                                tfiFields.emplace_back(v);
                }
            } else {
                if (!st.value())
                    return false;
            }
            st.copySpace();
            const int c = in.get();
            if (c == ',') {
                out.put(',');
                continue;
            }
            if (c == '}') {
                out.put('}');
                break;
            }
            return st.fail(c < 0 ? "the file ends early" : "expected ',' or '}' after a section");
        }
        // whatever follows the object (a newline) is copied
        while (in.peek() >= 0)
            out.put(char(in.get()));
        if (!sawNodes || !sawStrings)
            return st.fail("the file has no nodes or no strings");
        return true;
    };
    const bool ok = run();
    if (wasStopped)
        return cancelled();
    if (in.failed())
        return error("read", "cannot read the file (a damaged gzip stream?)");
    if (!ok)
        return error("redact", st.problem, std::int64_t(st.problemAt));
    result.bytesRead = in.offset();
    if (!out.finish())
        return error("write",
                     "cannot write " + outPath + ": " + errnoText(out.error() ? out.error() : errno));
    if (::rename(tmp.c_str(), outPath.c_str()) != 0)
        return error("write", "cannot write " + outPath + ": " + errnoText(errno));
    guard.keep = true;
    struct stat outSt {};
    if (::stat(outPath.c_str(), &outSt) == 0)
        result.bytesWritten = std::uint64_t(outSt.st_size);
    context.report(Stage::Reading, total, total);
    return result;
}

} // namespace heapscope
