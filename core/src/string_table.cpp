// SPDX-License-Identifier: MIT
#include "heapscope/string_table.h"

#include <cstring>

namespace heapscope {

StringId StringTable::add(std::string_view s) {
    m_bytes.insert(m_bytes.end(), s.begin(), s.end());
    m_offsets.push_back(m_bytes.size());
    refreshViews();
    return StringId(std::uint32_t(m_offsets.size() - 2));
}

void StringTable::borrow(const char* bytes, const std::uint64_t* offsets, std::size_t count) {
    decltype(m_bytes)().swap(m_bytes);
    decltype(m_offsets)(1, 0).swap(m_offsets);
    m_bytesView = bytes;
    m_offsetsView = offsets;
    m_count = count;
}

namespace text {

namespace {

// Decodes one WTF-8 sequence starting at s[i]; returns the code point (or a surrogate value) and
// advances i. Bytes that do not form a sequence decode as U+FFFD, one byte each.
inline std::uint32_t decodeOne(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    auto cont = [&](std::size_t k) {
        return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    };
    if ((b0 & 0xE0) == 0xC0 && b0 >= 0xC2 && cont(1)) {
        std::uint32_t cp = ((b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
        i += 2;
        return cp;
    }
    if ((b0 & 0xF0) == 0xE0 && cont(1) && cont(2)) {
        std::uint32_t cp = ((b0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                           (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
        if (cp >= 0x800) {
            i += 3;
            return cp;
        }
    }
    if ((b0 & 0xF8) == 0xF0 && cont(1) && cont(2) && cont(3)) {
        std::uint32_t cp = ((b0 & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                           ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                           (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
        if (cp >= 0x10000 && cp <= 0x10FFFF) {
            i += 4;
            return cp;
        }
    }
    ++i;
    return 0xFFFD;
}

// Yields UTF-16 code units of a WTF-8 string one by one.
struct Utf16Reader {
    std::string_view s;
    std::size_t i = 0;
    std::uint16_t pendingLow = 0;
    bool next(std::uint16_t& unit) {
        if (pendingLow) {
            unit = pendingLow;
            pendingLow = 0;
            return true;
        }
        if (i >= s.size())
            return false;
        std::uint32_t cp = decodeOne(s, i);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            unit = std::uint16_t(0xD800 + (cp >> 10));
            pendingLow = std::uint16_t(0xDC00 + (cp & 0x3FF));
        } else {
            unit = std::uint16_t(cp);
        }
        return true;
    }
};

} // namespace

std::size_t utf16Length(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            ++i;
            ++n;
            continue;
        }
        n += decodeOne(s, i) >= 0x10000 ? 2 : 1;
    }
    return n;
}

int compareUtf16(std::string_view a, std::string_view b) {
    // Byte order equals code-unit order except where astral characters meet U+E000..U+FFFF, so
    // skip the common prefix bytewise and decode only from the first difference.
    std::size_t p = 0;
    const std::size_t n = std::min(a.size(), b.size());
    while (p < n && a[p] == b[p])
        ++p;
    if (p == n)
        return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
    while (p > 0 && (static_cast<unsigned char>(a[p]) & 0xC0) == 0x80)
        --p; // back to the start of the code point
    Utf16Reader ra{a.substr(p)}, rb{b.substr(p)};
    for (;;) {
        std::uint16_t ua = 0, ub = 0;
        const bool ha = ra.next(ua), hb = rb.next(ub);
        if (!ha || !hb)
            return ha == hb ? 0 : (ha ? 1 : -1);
        if (ua != ub)
            return ua < ub ? -1 : 1;
    }
}

void appendCodePoint(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(char(cp));
    } else if (cp < 0x800) {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
}

std::string toUtf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            out.push_back(char(b));
            ++i;
            continue;
        }
        const std::uint32_t cp = decodeOne(s, i);
        appendCodePoint(out, (cp >= 0xD800 && cp <= 0xDFFF) ? 0xFFFD : cp);
    }
    return out;
}

std::string_view prefixUtf16(std::string_view s, std::size_t units) {
    std::size_t n = 0, i = 0;
    while (i < s.size()) {
        std::size_t j = i;
        const std::size_t w = decodeOne(s, j) >= 0x10000 ? 2 : 1;
        if (n + w > units)
            break;
        n += w;
        i = j;
    }
    return s.substr(0, i);
}

std::string jsonQuote(std::string_view s) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(s.size() + 2);
    out.push_back('"');
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b >= 0x20 && b < 0x80 && b != '"' && b != '\\') {
            out.push_back(char(b));
            ++i;
            continue;
        }
        if (b < 0x80) {
            ++i;
            switch (b) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out.push_back(hex[b >> 4]);
                out.push_back(hex[b & 15]);
            }
            continue;
        }
        const std::size_t start = i;
        const std::uint32_t cp = decodeOne(s, i);
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4)
                out.push_back(hex[(cp >> shift) & 15]);
        } else if (cp == 0xFFFD && i - start == 1) {
            appendCodePoint(out, cp);
        } else {
            out.append(s.substr(start, i - start));
        }
    }
    out.push_back('"');
    return out;
}

} // namespace text

namespace {
inline int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
inline bool readHex4(std::string_view s, std::size_t at, std::uint32_t& v) {
    if (at + 4 > s.size())
        return false;
    v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
        const int h = hexValue(s[at + k]);
        if (h < 0)
            return false;
        v = (v << 4) | std::uint32_t(h);
    }
    return true;
}
} // namespace

bool unescapeJsonString(std::string_view s, std::string& out, std::size_t& errorAt, std::string& why) {
    std::size_t i = 0;
    while (i < s.size()) {
        // Copy the run of plain ASCII in one go.
        std::size_t j = i;
        while (j < s.size()) {
            const auto b = static_cast<unsigned char>(s[j]);
            if (b == '\\' || b < 0x20 || b >= 0x80)
                break;
            ++j;
        }
        out.append(s.data() + i, j - i);
        i = j;
        if (i >= s.size())
            break;
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x20) {
            errorAt = i;
            why = "a control character (byte " + std::to_string(b) + ") inside a string must be escaped";
            return false;
        }
        if (b >= 0x80) {
            // Raw UTF-8 from producers other than V8, decoded as a browser's TextDecoder does: each
            // maximal invalid subpart becomes one U+FFFD.
            const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
            std::size_t need = 0;
            unsigned lower = 0x80, upper = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                if (b == 0xE0)
                    lower = 0xA0;
                if (b == 0xED)
                    upper = 0x9F;
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                if (b == 0xF0)
                    lower = 0x90;
                if (b == 0xF4)
                    upper = 0x8F;
            }
            std::size_t k = i + 1;
            std::size_t got = 0;
            while (got < need && k < s.size() && at(k) >= lower && at(k) <= upper) {
                ++k;
                ++got;
                lower = 0x80;
                upper = 0xBF;
            }
            if (need != 0 && got == need)
                out.append(s.substr(i, k - i));
            else
                text::appendCodePoint(out, 0xFFFD);
            i = need == 0 ? i + 1 : k; // the byte that broke a sequence is read again
            continue;
        }
        // backslash escape
        if (i + 1 >= s.size()) {
            errorAt = i;
            why = "a string ends in the middle of an escape sequence";
            return false;
        }
        const char e = s[i + 1];
        switch (e) {
        case '"':
            out.push_back('"');
            i += 2;
            continue;
        case '\\':
            out.push_back('\\');
            i += 2;
            continue;
        case '/':
            out.push_back('/');
            i += 2;
            continue;
        case 'b':
            out.push_back('\b');
            i += 2;
            continue;
        case 'f':
            out.push_back('\f');
            i += 2;
            continue;
        case 'n':
            out.push_back('\n');
            i += 2;
            continue;
        case 'r':
            out.push_back('\r');
            i += 2;
            continue;
        case 't':
            out.push_back('\t');
            i += 2;
            continue;
        case 'u': {
            std::uint32_t unit = 0;
            if (!readHex4(s, i + 2, unit)) {
                errorAt = i;
                why = "a \\u escape needs four hexadecimal digits";
                return false;
            }
            i += 6;
            if (unit >= 0xD800 && unit <= 0xDBFF && i + 6 <= s.size() && s[i] == '\\' && s[i + 1] == 'u') {
                std::uint32_t low = 0;
                if (readHex4(s, i + 2, low) && low >= 0xDC00 && low <= 0xDFFF) {
                    text::appendCodePoint(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                    i += 6;
                    continue;
                }
            }
            text::appendCodePoint(out, unit); // lone surrogates are kept (WTF-8)
            continue;
        }
        default:
            errorAt = i;
            why = std::string("invalid escape sequence \\") + e;
            return false;
        }
    }
    return true;
}

} // namespace heapscope
