// SPDX-License-Identifier: MIT
// The one CSV writer of the CLI and the app (RFC 4180): text fields quoted only when they must be,
// numbers as plain digits, one line per row ending in "\n".
#pragma once

#include "heapscope/string_table.h"

#include <charconv>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

namespace heapscope::csv {

/// True when a text field must be quoted: it holds a separator, a quote or a line break, or begins
/// or ends with a space or tab (spreadsheets and CSV readers trim those when unquoted).
inline bool needsQuotes(std::string_view utf8) {
    if (utf8.find_first_of(",\"\n\r") != std::string_view::npos)
        return true;
    if (utf8.empty())
        return false;
    const auto blank = [](char c) { return c == ' ' || c == '\t'; };
    return blank(utf8.front()) || blank(utf8.back());
}

/// A text field from a core string (WTF-8; lone surrogates become U+FFFD), quoted when needed.
inline std::string field(std::string_view wtf8) {
    std::string utf8 = text::toUtf8(wtf8);
    if (!needsQuotes(utf8))
        return utf8;
    std::string out = "\"";
    out.reserve(utf8.size() + 2);
    for (char c : utf8) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

/// Builds CSV text row by row:
///
///     csv::Writer w;
///     w.text("name").text("count").endRow();
///     w.text(className).number(count).endRow();
class Writer {
public:
    Writer& text(std::string_view wtf8) {
        separate();
        m_out += field(wtf8);
        return *this;
    }
    template <std::integral T> Writer& number(T value) {
        separate();
        char buf[24];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
        m_out.append(buf, ec == std::errc() ? end : buf);
        return *this;
    }
    /// The shortest text that reads back as the same double.
    Writer& number(double value) {
        separate();
        char buf[32];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
        m_out.append(buf, ec == std::errc() ? end : buf);
        return *this;
    }
    /// An empty cell.
    Writer& empty() {
        separate();
        return *this;
    }
    Writer& endRow() {
        m_out += '\n';
        m_rowStarted = false;
        return *this;
    }
    const std::string& str() const { return m_out; }
    std::string take() { return std::move(m_out); }

private:
    void separate() {
        if (m_rowStarted)
            m_out += ',';
        m_rowStarted = true;
    }
    std::string m_out;
    bool m_rowStarted = false;
};

} // namespace heapscope::csv
