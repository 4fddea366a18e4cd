// SPDX-License-Identifier: MIT
// Display names of concatenated strings (DevTools' consStringName), memoised for deep chains.
#include "../analysis_internal.h"

#include <algorithm>
#include <unordered_set>

namespace heapscope::detail {

namespace {
constexpr std::uint32_t kNotComputed = kNoIndex; // a length not computed yet
} // namespace

void ConsStringNamer::prepare() {
    if (m_prepared)
        return;
    m_prepared = true;
    for (std::uint32_t i = 0;
         i < m_s.strings.size() && (m_firstName == kNoString || m_secondName == kNoString); ++i) {
        const std::string_view t = m_s.strings[i];
        if (t == "first" && m_firstName == kNoString)
            m_firstName = i;
        else if (t == "second" && m_secondName == kNoString)
            m_secondName = i;
    }
    m_capped.assign(m_s.nodeCount, kNotComputed);
    m_children.assign(m_s.nodeCount, ~0ull);
}

void ConsStringNamer::children(std::uint32_t node, std::uint32_t& first, std::uint32_t& second) {
    prepare();
    std::uint64_t& cached = m_children[node];
    if (cached != ~0ull) {
        first = std::uint32_t(cached);
        second = std::uint32_t(cached >> 32);
        return;
    }
    first = 0;
    second = 0;
    // DevTools keeps looking while either index is still 0 (node index 0 means "not found").
    for (std::uint32_t e = m_s.firstEdge[node], ee = m_s.firstEdge[node + 1]; e < ee && (!first || !second);
         ++e) {
        if (m_s.edgeKind(e) != EdgeKind::Internal)
            continue;
        std::uint32_t id = m_s.edgeNameOrIndex[e];
        // names are deduplicated by V8, but compare the text when another producer repeats them
        if (id != m_firstName && id != m_secondName) {
            const std::string_view t = m_s.strings[id];
            id = t == "first" ? m_firstName : t == "second" ? m_secondName : kNoString;
            if (id == kNoString)
                continue;
        }
        if (id == m_firstName)
            first = m_s.edgeTo[e];
        else
            second = m_s.edgeTo[e];
    }
    cached = std::uint64_t(first) | (std::uint64_t(second) << 32);
}

std::uint32_t ConsStringNamer::cappedLength(std::uint32_t node) {
    constexpr std::uint32_t cap = 1 << 20;
    if (m_s.kind(node) != NodeKind::ConsString)
        return std::uint32_t(std::min<std::size_t>(text::utf16Length(m_s.name(node)), cap));
    prepare();
    if (m_capped[node] != kNotComputed)
        return m_capped[node];
    // Iterative post-order over the cons DAG; a node still in progress counts as 0 (only malformed
    // input has cycles).
    constexpr std::uint32_t kInProgress = kNotComputed - 1;
    std::vector<std::pair<std::uint32_t, bool>> stack{{node, false}};
    auto len = [&](std::uint32_t c) -> std::uint64_t {
        if (m_s.kind(c) != NodeKind::ConsString)
            return text::utf16Length(m_s.name(c));
        const std::uint32_t v = m_capped[c];
        return (v == kNotComputed || v == kInProgress) ? 0 : v;
    };
    while (!stack.empty()) {
        auto [n, expanded] = stack.back();
        stack.pop_back();
        std::uint32_t a = 0, b = 0;
        children(n, a, b);
        if (!expanded) {
            if (m_capped[n] != kNotComputed)
                continue;
            m_capped[n] = kInProgress;
            stack.push_back({n, true});
            for (std::uint32_t c : {a, b})
                if (m_s.kind(c) == NodeKind::ConsString && m_capped[c] == kNotComputed)
                    stack.push_back({c, false});
            continue;
        }
        m_capped[n] = std::uint32_t(std::min<std::uint64_t>(len(a) + len(b), cap));
    }
    return m_capped[node];
}

// Appends every leaf of `node` (used only for subtrees known to be short).
void ConsStringNamer::walk(std::uint32_t node, std::string& out, std::size_t& units) {
    std::vector<std::uint32_t> stack{node};
    std::size_t guard = 0;
    // The limit and the guard only matter for malformed, cyclic input.
    while (!stack.empty() && units < 1024 && ++guard < (1u << 16)) {
        const std::uint32_t n = stack.back();
        stack.pop_back();
        if (m_s.kind(n) != NodeKind::ConsString) {
            const std::string_view leaf = m_s.name(n);
            out.append(leaf);
            units += text::utf16Length(leaf);
            continue;
        }
        std::uint32_t a = 0, b = 0;
        children(n, a, b);
        stack.push_back(b);
        stack.push_back(a);
    }
}

// Leaves are appended while the text is shorter than 1024 UTF-16 units. When a node's first half
// alone reaches that, the name is the first half's name, so chains of `s += c` are named once.
std::string ConsStringNamer::name(std::uint32_t node) {
    prepare();
    if (auto it = m_names.find(node); it != m_names.end())
        return it->second;
    std::vector<std::uint32_t> chain{node};
    std::unordered_set<std::uint32_t> onChain{node}; // cycles exist only in malformed input
    for (;;) {
        std::uint32_t a = 0, b = 0;
        children(chain.back(), a, b);
        if (m_s.kind(a) != NodeKind::ConsString || cappedLength(a) < 1024 || m_names.count(a) ||
            !onChain.insert(a).second)
            break;
        chain.push_back(a);
    }
    std::string result;
    const std::uint32_t deepest = chain.back();
    std::uint32_t a = 0, b = 0;
    children(deepest, a, b);
    if (auto it = m_names.find(a);
        it != m_names.end() && m_s.kind(a) == NodeKind::ConsString && cappedLength(a) >= 1024) {
        result = it->second;
    } else {
        std::size_t units = 0;
        std::vector<std::uint32_t> stack{b, a};
        std::size_t guard = 0;
        while (!stack.empty() && units < 1024 && ++guard < (1u << 16)) {
            const std::uint32_t n = stack.back();
            stack.pop_back();
            if (m_s.kind(n) != NodeKind::ConsString) {
                const std::string_view leaf = m_s.name(n);
                result.append(leaf);
                units += text::utf16Length(leaf);
            } else if (units + cappedLength(n) < 1024) {
                walk(n, result, units); // the whole subtree fits
            } else {
                std::uint32_t x = 0, y = 0;
                children(n, x, y);
                stack.push_back(y);
                stack.push_back(x);
            }
        }
    }
    for (std::uint32_t c : chain)
        m_names[c] = result;
    return result;
}

} // namespace heapscope::detail
