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
    for (StringId i : stringIds(m_s)) {
        if (m_firstName != kNoString && m_secondName != kNoString)
            break;
        const std::string_view t = m_s.strings.get(i);
        if (t == "first" && m_firstName == kNoString)
            m_firstName = i;
        else if (t == "second" && m_secondName == kNoString)
            m_secondName = i;
    }
    m_capped.assign(m_s.nodeCount, kNotComputed);
    m_children.assign(m_s.nodeCount, ~0ull);
}

void ConsStringNamer::children(NodeOrdinal node, NodeOrdinal& first, NodeOrdinal& second) {
    prepare();
    std::uint64_t& cached = m_children[node.value];
    if (cached != ~0ull) {
        first = NodeOrdinal(std::uint32_t(cached));
        second = NodeOrdinal(std::uint32_t(cached >> 32));
        return;
    }
    first = NodeOrdinal(0);
    second = NodeOrdinal(0);
    // DevTools keeps looking while either index is still 0 (node index 0 means "not found").
    for (EdgeOrdinal e : m_s.edgesOf(node)) {
        if (first.value != 0 && second.value != 0)
            break;
        if (m_s.edgeKind(e) != EdgeKind::Internal)
            continue;
        StringId id(m_s.edgeNameOrIndex[e]);
        // names are deduplicated by V8, but compare the text when another producer repeats them
        if (id != m_firstName && id != m_secondName) {
            const std::string_view t = m_s.strings.get(id);
            id = t == "first" ? m_firstName : t == "second" ? m_secondName : kNoString;
            if (id == kNoString)
                continue;
        }
        if (id == m_firstName)
            first = m_s.edgeTo[e];
        else
            second = m_s.edgeTo[e];
    }
    cached = std::uint64_t(first.value) | (std::uint64_t(second.value) << 32);
}

std::uint32_t ConsStringNamer::cappedLength(NodeOrdinal node) {
    constexpr std::uint32_t cap = 1 << 20;
    if (m_s.kind(node) != NodeKind::ConsString)
        return std::uint32_t(std::min<std::size_t>(text::utf16Length(m_s.name(node)), cap));
    prepare();
    if (m_capped[node.value] != kNotComputed)
        return m_capped[node.value];
    // Iterative post-order over the cons DAG; a node still in progress counts as 0 (only malformed
    // input has cycles).
    constexpr std::uint32_t kInProgress = kNotComputed - 1;
    std::vector<std::pair<NodeOrdinal, bool>> stack{{node, false}};
    auto len = [&](NodeOrdinal c) -> std::uint64_t {
        if (m_s.kind(c) != NodeKind::ConsString)
            return text::utf16Length(m_s.name(c));
        const std::uint32_t v = m_capped[c.value];
        return (v == kNotComputed || v == kInProgress) ? 0 : v;
    };
    while (!stack.empty()) {
        auto [n, expanded] = stack.back();
        stack.pop_back();
        NodeOrdinal a, b;
        children(n, a, b);
        if (!expanded) {
            if (m_capped[n.value] != kNotComputed)
                continue;
            m_capped[n.value] = kInProgress;
            stack.push_back({n, true});
            for (NodeOrdinal c : {a, b})
                if (m_s.kind(c) == NodeKind::ConsString && m_capped[c.value] == kNotComputed)
                    stack.push_back({c, false});
            continue;
        }
        m_capped[n.value] = std::uint32_t(std::min<std::uint64_t>(len(a) + len(b), cap));
    }
    return m_capped[node.value];
}

// Appends every leaf of `node` (used only for subtrees known to be short).
void ConsStringNamer::walk(NodeOrdinal node, std::string& out, std::size_t& units) {
    std::vector<NodeOrdinal> stack{node};
    std::size_t guard = 0;
    // The limit and the guard only matter for malformed, cyclic input.
    while (!stack.empty() && units < 1024 && ++guard < (1u << 16)) {
        const NodeOrdinal n = stack.back();
        stack.pop_back();
        if (m_s.kind(n) != NodeKind::ConsString) {
            const std::string_view leaf = m_s.name(n);
            out.append(leaf);
            units += text::utf16Length(leaf);
            continue;
        }
        NodeOrdinal a, b;
        children(n, a, b);
        stack.push_back(b);
        stack.push_back(a);
    }
}

// Leaves are appended while the text is shorter than 1024 UTF-16 units. When a node's first half
// alone reaches that, the name is the first half's name, so chains of `s += c` are named once.
std::string ConsStringNamer::name(NodeOrdinal node) {
    prepare();
    if (auto it = m_names.find(node.value); it != m_names.end())
        return it->second;
    std::vector<NodeOrdinal> chain{node};
    std::unordered_set<std::uint32_t> onChain{node.value}; // cycles exist only in malformed input
    for (;;) {
        NodeOrdinal a, b;
        children(chain.back(), a, b);
        if (m_s.kind(a) != NodeKind::ConsString || cappedLength(a) < 1024 || m_names.count(a.value) ||
            !onChain.insert(a.value).second)
            break;
        chain.push_back(a);
    }
    std::string result;
    const NodeOrdinal deepest = chain.back();
    NodeOrdinal a, b;
    children(deepest, a, b);
    if (auto it = m_names.find(a.value);
        it != m_names.end() && m_s.kind(a) == NodeKind::ConsString && cappedLength(a) >= 1024) {
        result = it->second;
    } else {
        std::size_t units = 0;
        std::vector<NodeOrdinal> stack{b, a};
        std::size_t guard = 0;
        while (!stack.empty() && units < 1024 && ++guard < (1u << 16)) {
            const NodeOrdinal n = stack.back();
            stack.pop_back();
            if (m_s.kind(n) != NodeKind::ConsString) {
                const std::string_view leaf = m_s.name(n);
                result.append(leaf);
                units += text::utf16Length(leaf);
            } else if (units + cappedLength(n) < 1024) {
                walk(n, result, units); // the whole subtree fits
            } else {
                NodeOrdinal x, y;
                children(n, x, y);
                stack.push_back(y);
                stack.push_back(x);
            }
        }
    }
    for (const NodeOrdinal c : chain)
        m_names[c.value] = result;
    return result;
}

} // namespace heapscope::detail
