// SPDX-License-Identifier: MIT
// Strings of a snapshot, stored as WTF-8 so that lone surrogates written by V8 survive.
#pragma once

#include "heapscope/common.h"
#include "heapscope/pod_array.h"

#include <string>
#include <string_view>
#include <vector>

namespace heapscope {

/// An append-only table of WTF-8 strings (UTF-8 that may also encode lone UTF-16 surrogates as
/// three bytes each, exactly what JavaScript strings can hold). Decoding for display replaces a
/// lone surrogate with U+FFFD; comparisons follow JavaScript's UTF-16 code-unit order.
class StringTable {
public:
    StringTable() = default;
    StringTable(const StringTable&) = delete;
    StringTable& operator=(const StringTable&) = delete;

    std::size_t size() const { return m_count; }
    std::string_view get(StringId id) const {
        return {m_bytesView + m_offsetsView[id.value], m_offsetsView[id.value + 1] - m_offsetsView[id.value]};
    }
    std::string_view operator[](std::uint32_t i) const { return get(StringId(i)); }
    /// Appends and returns its id.
    StringId add(std::string_view s);
    /// Room for this many more strings of this many bytes in all (no copying while they are added).
    void reserve(std::size_t strings, std::size_t bytes) {
        m_offsets.reserve(m_offsets.size() + strings);
        m_bytes.reserve(m_bytes.size() + bytes);
        refreshViews();
    }
    /// Uses `count` strings kept elsewhere (a mapped index file, which must outlive the table):
    /// `offsets` has count + 1 increasing entries into `bytes`. The caller has checked them.
    void borrow(const char* bytes, const std::uint64_t* offsets, std::size_t count);
    std::size_t byteSize() const { return m_count ? std::size_t(m_offsetsView[m_count]) : 0; }
    /// The bytes of every string, back to back, and where each starts (size() + 1 entries).
    const char* bytes() const { return m_bytesView; }
    const std::uint64_t* offsets() const { return m_offsetsView; }
    std::size_t memoryBytes() const {
        return m_bytes.capacity() + m_offsets.capacity() * sizeof(std::uint64_t);
    }

private:
    void refreshViews() {
        m_bytesView = m_bytes.data();
        m_offsetsView = m_offsets.data();
        m_count = m_offsets.size() - 1;
    }
    // big blocks on huge pages: tens of MB of small pages would each cost a fault while filling
    std::vector<char, BlockAllocator<char>> m_bytes;
    std::vector<std::uint64_t, BlockAllocator<std::uint64_t>> m_offsets{0};
    // where get() reads: the vectors above, or borrowed memory
    const char* m_bytesView = nullptr;
    const std::uint64_t* m_offsetsView = m_offsets.data();
    std::size_t m_count = 0;
};

namespace text {
/// Number of UTF-16 code units of a WTF-8 string (what JavaScript's `length` gives).
std::size_t utf16Length(std::string_view wtf8);
/// Compares two WTF-8 strings in UTF-16 code-unit order (JavaScript's `<` on strings).
int compareUtf16(std::string_view a, std::string_view b);
/// Valid UTF-8 for display: lone surrogates become U+FFFD.
std::string toUtf8(std::string_view wtf8);
/// Appends a code point (or lone surrogate) as WTF-8.
void appendCodePoint(std::string& out, std::uint32_t cp);
/// The first `units` UTF-16 code units of a WTF-8 string (never splits an encoded code point;
/// an astral character that does not fit is left out).
std::string_view prefixUtf16(std::string_view wtf8, std::size_t units);
/// JSON string literal (with quotes) as JavaScript's JSON.stringify writes it: lone surrogates as
/// \uXXXX escapes, everything else printable as UTF-8.
std::string jsonQuote(std::string_view wtf8);
} // namespace text

/// Decodes the body of a JSON string literal (between the quotes) exactly as JSON.parse does,
/// producing WTF-8. Returns false and sets `errorAt` (offset into `body`) on invalid input.
bool unescapeJsonString(std::string_view body, std::string& out, std::size_t& errorAt, std::string& why);

} // namespace heapscope
