// SPDX-License-Identifier: MIT
// The scan: one walk over the top-level object that records where each section is, reads the
// strings (or counts them), and cuts the nodes and edges arrays into pieces for the parser.
#include "loader_internal.h"

#include "../parallel.h"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace heapscope::load {

// Skips one JSON value of any kind starting at pos (after whitespace); strings and nesting aware.
std::optional<Error> Loader::skipValue(std::uint64_t& pos, const std::string& what) {
    // The stage names a section this program knows; any other key is only named in the reason.
    const bool isKnown = isKnownSection(what);
    auto error = [&](const std::string&, std::int64_t offset, std::string reason) {
        return this->error(isKnown ? what : std::string("section"), offset, std::move(reason));
    };
    std::uint64_t p = pos;
    std::uint64_t depth = 0;
    std::vector<char> closers; // what each open bracket expects
    const std::uint64_t start = p;
    for (;;) {
        if (p >= m_size)
            return error(what, std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) + " inside \"" +
                             what + "\" (which starts at byte " + std::to_string(start) + ")");
        const char c = m_data[p];
        if (c == '"') {
            const std::uint64_t close = closingQuote(p + 1);
            if (close == m_size)
                return error(what, std::int64_t(m_size),
                             "the file is truncated: it ends at byte " + std::to_string(m_size) +
                                 " inside a string of \"" + what + "\"");
            p = close + 1;
            if (depth == 0)
                break;
            continue;
        }
        if (c == '[' || c == '{') {
            ++depth;
            closers.push_back(c == '[' ? ']' : '}');
            ++p;
            continue;
        }
        if (c == ']' || c == '}') {
            if (depth == 0)
                return error(what, std::int64_t(p),
                             "unexpected " + describeByte(p) + " where a value was expected");
            if (closers.back() != c)
                return error(what, std::int64_t(p),
                             "this is not valid JSON: \"" + what + "\" closes a bracket with " +
                                 describeByte(p) + " where '" + closers.back() + "' was expected");
            closers.pop_back();
            --depth;
            ++p;
            if (depth == 0)
                break;
            continue;
        }
        if (depth == 0) {
            // a scalar: number, true, false, null
            const std::uint64_t s = p;
            while (p < m_size && !isWs(m_data[p]) && m_data[p] != ',' && m_data[p] != '}' && m_data[p] != ']')
                ++p;
            if (p == s)
                return error(what, std::int64_t(p),
                             "unexpected " + describeByte(p) + " where a value was expected");
            break;
        }
        ++p;
    }
    pos = p;
    return std::nullopt;
}

// Walks the top-level object once: records where each key's value is, parses the strings.
std::optional<Error> Loader::scanTopLevel() {
    std::uint64_t p = 0;
    auto skipWs = [&] {
        while (p < m_size && isWs(m_data[p]))
            ++p;
    };
    skipWs();
    if (p >= m_size)
        return error("header", 0, "the file contains only whitespace");
    if (m_data[p] != '{') {
        if (m_data[p] == '[')
            return error("header", std::int64_t(p),
                         "this is a JSON array, not a heap snapshot (a heap snapshot is a JSON object that "
                         "starts with {\"snapshot\":...)");
        bool printable = true;
        for (std::uint64_t i = p; i < std::min<std::uint64_t>(m_size, p + 64); ++i) {
            const auto c = static_cast<unsigned char>(m_data[i]);
            if (c < 0x20 && !isWs(char(c)))
                printable = false;
            if (c >= 0x80)
                printable = false;
        }
        return error("header", std::int64_t(p),
                     printable ? "this is not JSON: a heap snapshot starts with '{', this file starts with " +
                                     describeByte(p)
                               : "this is not JSON but binary data (it starts with " + describeByte(p) + ")");
    }
    ++p;
    bool first = true;
    for (;;) {
        skipWs();
        if (p >= m_size)
            return error("header", std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) +
                             " before the closing '}' of the top-level object");
        if (m_data[p] == '}' && first) {
            ++p;
            break;
        }
        if (m_data[p] != '"')
            return error("header", std::int64_t(p),
                         "this is not valid JSON: expected a key in double quotes at the top level, found " +
                             describeByte(p));
        const std::uint64_t keyStart = p + 1;
        const void* q = std::memchr(m_data + keyStart, '"', std::min<std::uint64_t>(m_size - keyStart, 4096));
        if (!q)
            return error("header", std::int64_t(p), "a top-level key is not terminated");
        const std::uint64_t keyEnd = std::uint64_t(static_cast<const char*>(q) - m_data);
        std::string key(m_data + keyStart, keyEnd - keyStart);
        p = keyEnd + 1;
        skipWs();
        if (p >= m_size || m_data[p] != ':')
            return error("header", std::int64_t(p),
                         "this is not valid JSON: expected ':' after the key \"" + key + "\", found " +
                             describeByte(p));
        ++p;
        skipWs();
        if (p >= m_size)
            return error(key, std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) + " inside \"" +
                             key + "\" (before its value)");
        for (const auto& s : m_sections)
            if (s.name == key)
                return error("header", std::int64_t(keyStart - 1),
                             "the key \"" + key + "\" appears twice at the top level");
        Section sec;
        sec.name = key;
        sec.begin = p;
        const bool bigNumeric = key == "nodes" || key == "edges";
        if (key == "strings") {
            if (p >= m_size || m_data[p] != '[')
                return error("strings", std::int64_t(p), "\"strings\" must be an array of strings");
            // walkStrings leaves `p` alone when it gives up
            if (m_threads > 1 && m_size >= m_options.sideSectionsFromBytes && walkStrings(p, m_stringCount)) {
                m_sideSections = true;
            } else {
                if (auto e = parseStrings(p))
                    return e;
                m_stringCount = m_snapshot->strings.size();
            }
        } else if (p < m_size && m_data[p] == '[') {
            std::uint64_t q2 = p + 1;
            while (q2 < m_size && isWs(m_data[q2]))
                ++q2;
            const bool numericStart = q2 < m_size && ((m_data[q2] >= '0' && m_data[q2] <= '9') ||
                                                      m_data[q2] == '-' || m_data[q2] == ']');
            if (numericStart && bigNumeric) {
                if (auto e = cutBigArray(key == "nodes" ? 0 : 1, key, p, p))
                    return e;
                sec.numeric = true;
            } else {
                sec.numeric = numericStart;
                // A flat numeric array (locations, samples, ...) ends at the first ']' when nothing
                // before it opens a bracket or a string; its parser checks every byte later.
                const void* close = nullptr;
                if (numericStart) {
                    const std::size_t rest = std::size_t(m_size - q2);
                    close = std::memchr(m_data + q2, ']', rest);
                    const std::size_t len =
                        close ? std::size_t(static_cast<const char*>(close) - (m_data + q2)) : 0;
                    if (close && (std::memchr(m_data + q2, '[', len) || std::memchr(m_data + q2, '{', len) ||
                                  std::memchr(m_data + q2, '"', len)))
                        close = nullptr;
                }
                if (close) {
                    p = std::uint64_t(static_cast<const char*>(close) - m_data) + 1;
                } else if (auto e = skipValue(p, key)) {
                    return e;
                }
            }
        } else {
            if (auto e = skipValue(p, key))
                return e;
        }
        sec.end = p;
        m_sections.push_back(std::move(sec));
        first = false;
        skipWs();
        if (p >= m_size)
            return error("header", std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) +
                             " after the value of \"" + key + "\"");
        if (m_data[p] == ',') {
            ++p;
            continue;
        }
        if (m_data[p] == '}') {
            ++p;
            break;
        }
        return error("header", std::int64_t(p),
                     "this is not valid JSON: expected ',' or '}' after the value of \"" + key +
                         "\", found " + describeByte(p));
    }
    skipWs();
    if (p < m_size)
        return error("header", std::int64_t(p),
                     "unexpected content after the end of the JSON object: " + describeByte(p));
    return std::nullopt;
}

// Finds the end of the integer array whose '[' is at `open` (integer arrays hold no brackets: the
// first ']' ends it; the parser checks every byte later) and cuts it into pieces of about
// parsePieceBytes that end at a comma, counting the commas of each, so that every piece knows
// where its values go. Each chunk after the first starts a new piece after its first comma. The
// chunks are read and summed up on every thread, then joined in order. Sets `p` past the ']'.
std::optional<Error> Loader::cutBigArray(int array, const std::string& key, std::uint64_t open,
                                         std::uint64_t& p) {
    const std::uint64_t first = open + 1;
    if (first >= m_size)
        return error(key, std::int64_t(m_size),
                     "the file is truncated: it ends at byte " + std::to_string(m_size) + " inside the \"" +
                         key + "\" array (which starts at byte " + std::to_string(open) + ")");
    // at most 2^20 chunks
    const std::uint64_t chunk =
        std::max({std::uint64_t(1), m_options.parsePieceBytes, (m_size - first) >> 20});
    const std::uint64_t chunkCount = (m_size - first + chunk - 1) / chunk;
    constexpr std::uint64_t kNoPos = ~std::uint64_t(0);
    struct Summary {
        bool done = false;
        std::uint64_t commas = 0;          // before the ']' when there is one
        std::uint64_t firstComma = kNoPos; // before the ']'
        std::uint64_t close = kNoPos;
        std::string readError;
    };
    std::vector<Summary> summaries(chunkCount);
    std::atomic<std::uint64_t> next{0};
    std::atomic<std::uint64_t> closeChunk{kNoPos}; // the first chunk known to hold a ']'
    std::atomic<bool> readFailed{false};
    detail::runParallel(m_threads, [&](unsigned) {
        std::vector<char> buffer(m_readBigArrays ? std::size_t(std::min(chunk, m_size - first)) : 0);
        for (std::uint64_t k; (k = next.fetch_add(1)) < chunkCount;) {
            if (k > closeChunk.load() || readFailed.load() || m_context.stopRequested())
                return;
            const std::uint64_t from = first + k * chunk;
            const std::size_t n = std::size_t(std::min(chunk, m_size - from));
            Summary& sum = summaries[k];
            const char* bytes = m_data + from;
            if (m_readBigArrays) {
                if (!readAt(from, buffer.data(), n, sum.readError)) {
                    sum.done = true;
                    readFailed = true;
                    return;
                }
                bytes = buffer.data();
            }
            const void* close = std::memchr(bytes, ']', n);
            const std::size_t limit = close ? std::size_t(static_cast<const char*>(close) - bytes) : n;
            if (const void* comma = std::memchr(bytes, ',', limit))
                sum.firstComma = std::uint64_t(static_cast<const char*>(comma) - bytes);
            sum.commas = countCommas(bytes, bytes + limit);
            if (close) {
                sum.close = limit;
                for (std::uint64_t seen = closeChunk.load();
                     k < seen && !closeChunk.compare_exchange_weak(seen, k);) {
                }
            }
            sum.done = true;
        }
    });
    if (m_context.stopRequested())
        return cancelled();
    std::uint64_t pieceStart = first;
    std::uint64_t commas = 0;
    for (std::uint64_t k = 0; k < chunkCount; ++k) {
        const Summary& sum = summaries[k];
        const std::uint64_t from = first + k * chunk;
        if (!sum.readError.empty())
            return error(key, std::int64_t(from), sum.readError);
        if (!sum.done)
            return cancelled(); // not reached: every chunk up to the first ']' is summed up
        if (k > 0 && sum.firstComma != kNoPos) {
            m_pieces.push_back({array, m_data + pieceStart, m_data + from + sum.firstComma, commas});
            pieceStart = from + sum.firstComma + 1;
            commas = sum.commas - 1;
        } else {
            commas += sum.commas;
        }
        if (sum.close != kNoPos) {
            m_pieces.push_back({array, m_data + pieceStart, m_data + from + sum.close, commas});
            p = from + sum.close + 1;
            return std::nullopt;
        }
    }
    return error(key, std::int64_t(m_size),
                 "the file is truncated: it ends at byte " + std::to_string(m_size) + " inside the \"" + key +
                     "\" array (which starts at byte " + std::to_string(open) + ")");
}

} // namespace heapscope::load
