// SPDX-License-Identifier: MIT
// The "strings" array: parsed during the scan, or for big files counted by the scan and parsed on
// a thread of its own beside the big arrays.
#include "loader_internal.h"

#include <chrono>
#include <new>

namespace heapscope::load {

// Finds the end of a well-formed "strings" array and counts its strings, without reading them;
// false on anything unusual (parseStrings then reports it).
bool Loader::walkStrings(std::uint64_t& pos, std::uint64_t& count) const {
    std::uint64_t p = pos + 1; // after '['
    auto skipWs = [&] {
        while (p < m_size && isWs(m_data[p]))
            ++p;
    };
    count = 0;
    skipWs();
    if (p < m_size && m_data[p] == ']') {
        pos = p + 1;
        return true;
    }
    for (;;) {
        skipWs();
        if (p >= m_size || m_data[p] != '"')
            return false;
        const std::uint64_t close = closingQuote(p + 1);
        if (close == m_size)
            return false;
        ++count;
        p = close + 1;
        skipWs();
        if (p >= m_size)
            return false;
        if (m_data[p] == ',') {
            ++p;
        } else if (m_data[p] == ']') {
            pos = p + 1;
            return true;
        } else {
            return false;
        }
        if ((count & 0xFFFF) == 0 && m_context.stopRequested())
            return false;
    }
}

// The strings and locations of a big file, parsed beside the big arrays.
std::optional<Error> Loader::parseSideSections() {
    try {
        const Section* strings = section("strings");
        std::uint64_t p = strings->begin;
        // Counted by the scan; unescaped they take at most the section's bytes. Reserved, the
        // table is never copied while it grows (a copy of tens of MB could not be cancelled).
        m_snapshot->strings.reserve(m_stringCount, strings->end - strings->begin);
        if (auto e = parseStrings(p, false))
            return e;
        if (m_snapshot->strings.size() != m_stringCount || p != strings->end)
            return error("strings", std::int64_t(strings->begin),
                         "the strings could not be read consistently");
        if (const Section* sec = section("locations"); sec && !m_snapshot->format.locationFields.empty())
            return parseLocations(*sec);
        return std::nullopt;
    } catch (const std::bad_alloc&) {
        return error("memory", -1, "there is not enough memory to load this snapshot");
    }
}

std::optional<Error> Loader::parseStrings(std::uint64_t& pos, bool reportProgress) {
    auto& table = m_snapshot->strings;
    std::uint64_t p = pos + 1; // after '['
    auto skipWs = [&] {
        while (p < m_size && isWs(m_data[p]))
            ++p;
    };
    std::string scratch;
    auto lastReport = std::chrono::steady_clock::now();
    std::uint64_t count = 0;
    skipWs();
    if (p < m_size && m_data[p] == ']') {
        pos = p + 1;
        return std::nullopt;
    }
    for (;;) {
        skipWs();
        if (p >= m_size)
            return error("strings", std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) +
                             " inside the \"strings\" array");
        if (m_data[p] != '"')
            return error("strings", std::int64_t(p),
                         "\"strings\" must hold only strings; element " + std::to_string(count) +
                             " starts with " + describeByte(p));
        const std::uint64_t bodyStart = p + 1;
        bool escaped = false;
        const std::uint64_t q = closingQuote(bodyStart, &escaped);
        if (q == m_size)
            return error("strings", std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) +
                             " inside string " + std::to_string(count) + " of \"strings\"");
        bool plain = !escaped;
        std::string_view body(m_data + bodyStart, q - bodyStart);
        if (plain) {
            for (char c : body)
                if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80 ||
                    c == '\\') {
                    plain = false;
                    break;
                }
        }
        if (plain) {
            table.add(body);
        } else {
            scratch.clear();
            std::size_t errorAt = 0;
            std::string why;
            if (!unescapeJsonString(body, scratch, errorAt, why))
                return error("strings", std::int64_t(bodyStart + errorAt),
                             "string " + std::to_string(count) + " of \"strings\" is not valid JSON: " + why);
            table.add(scratch);
        }
        ++count;
        p = q + 1;
        skipWs();
        if (p >= m_size)
            return error("strings", std::int64_t(m_size),
                         "the file is truncated: it ends at byte " + std::to_string(m_size) +
                             " inside the \"strings\" array");
        if (m_data[p] == ',') {
            ++p;
        } else if (m_data[p] == ']') {
            ++p;
            break;
        } else {
            return error("strings", std::int64_t(p),
                         "expected ',' or ']' after string " + std::to_string(count - 1) + ", found " +
                             describeByte(p));
        }
        if ((count & 0xFFFF) == 0) {
            if (m_context.stopRequested())
                return cancelled();
            const auto now = std::chrono::steady_clock::now();
            if (reportProgress && now - lastReport > std::chrono::milliseconds(30)) {
                m_context.report(Stage::Parsing, p, m_size);
                lastReport = now;
            }
        }
    }
    pos = p;
    return std::nullopt;
}

} // namespace heapscope::load
