// SPDX-License-Identifier: MIT
#include "json_grammar.h"

#include <algorithm>
#include <cstdio>

namespace heapscope::load {

std::string describeByte(const char* data, std::uint64_t size, std::uint64_t pos) {
    if (pos >= size)
        return "the end of the file";
    const unsigned char c = static_cast<unsigned char>(data[pos]);
    char buf[32];
    if (c >= 0x20 && c < 0x7F)
        std::snprintf(buf, sizeof buf, "'%c'", c);
    else
        std::snprintf(buf, sizeof buf, "byte 0x%02X", c);
    return buf;
}

int indexOf(const std::vector<std::string>& fields, std::string_view name) {
    const auto it = std::find(fields.begin(), fields.end(), name);
    return it == fields.end() ? -1 : int(it - fields.begin());
}

bool isKnownSection(std::string_view name) {
    static const char* known[] = {"snapshot",   "nodes",   "edges",     "strings", "trace_function_infos",
                                  "trace_tree", "samples", "locations", "scopes",  "scope_context_vars",
                                  "scope_uses"};
    return std::find_if(std::begin(known), std::end(known), [&](const char* k) { return name == k; }) !=
           std::end(known);
}

} // namespace heapscope::load
