// SPDX-License-Identifier: MIT
// Edge names as DevTools' JavaScript sees them, and the user roots.
#include "../analysis_internal.h"

namespace heapscope::detail {

std::string edgeNameJs(const Snapshot& s, EdgeOrdinal e) {
    const EdgeKind k = s.edgeKind(e);
    if (edgeNameIsIndex(k))
        return std::to_string(s.edgeNameOrIndex[e]);
    std::string name = s.edgeNameText(e);
    if (k == EdgeKind::Shortcut) {
        // parseInt(name, 10): optional whitespace and sign, then digits
        std::size_t i = 0;
        while (i < name.size() && (name[i] == ' ' || name[i] == '\t' || name[i] == '\n' || name[i] == '\r'))
            ++i;
        bool neg = false;
        if (i < name.size() && (name[i] == '+' || name[i] == '-'))
            neg = name[i++] == '-';
        std::size_t d = i;
        while (d < name.size() && name[d] >= '0' && name[d] <= '9')
            ++d;
        if (d > i) {
            std::string digits = name.substr(i, d - i);
            const std::size_t nz = digits.find_first_not_of('0');
            digits = nz == std::string::npos ? "0" : digits.substr(nz);
            return (neg && digits != "0" ? "-" : "") + digits;
        }
    }
    return name;
}

bool edgeNameJsEquals(const Snapshot& s, EdgeOrdinal e, std::string_view text) {
    const EdgeKind k = s.edgeKind(e);
    if (!edgeNameIsIndex(k) && k != EdgeKind::Shortcut) {
        if (auto n = s.edgeNameString(e))
            return *n == text;
    }
    return edgeNameJs(s, e) == text;
}

bool isUserRoot(const Snapshot& s, NodeOrdinal node) {
    return s.kind(node) != NodeKind::Synthetic || s.name(node) == "(Document DOM trees)";
}

std::string formatPropertyName(std::string_view name) {
    for (char c : name)
        if (c == ',' || c == '\'' || c == '"' || c == '{' || c == '}')
            return text::jsonQuote(name);
    return std::string(name);
}

} // namespace heapscope::detail
