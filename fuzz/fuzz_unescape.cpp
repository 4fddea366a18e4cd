// SPDX-License-Identifier: MIT
// libFuzzer target: the JSON string unescaper and the WTF-8 helpers. A decoded string must survive
// jsonQuote -> unescape unchanged, and the helpers must agree on its UTF-16 length.
#include "heapscope/string_table.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace heapscope;

namespace {
void check(bool ok) {
    if (!ok)
        __builtin_trap();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    std::string out;
    std::size_t errorAt = 0;
    std::string why;
    if (!unescapeJsonString(body, out, errorAt, why)) {
        check(errorAt < size && !why.empty());
        return 0;
    }
    const std::size_t units = text::utf16Length(out);
    check(units <= size);
    check(text::compareUtf16(out, out) == 0);
    check(text::prefixUtf16(out, units) == out);
    const std::string display = text::toUtf8(out);
    check(text::utf16Length(display) == units);

    const std::string quoted = text::jsonQuote(out);
    check(quoted.size() >= 2 && quoted.front() == '"' && quoted.back() == '"');
    std::string again;
    check(unescapeJsonString(std::string_view(quoted).substr(1, quoted.size() - 2), again, errorAt, why));
    check(again == out);

    // Splitting the input in two must order the halves consistently with the whole.
    const std::string_view a = std::string_view(out).substr(0, out.size() / 2);
    const int ab = text::compareUtf16(a, out);
    check(ab <= 0);
    check(text::compareUtf16(out, a) == -ab);
    return 0;
}
