// SPDX-License-Identifier: MIT
// WeakMap (ephemeron) edge names: which internal edge names are halves of a WeakMap pair, grouped
// by pair, and the table each names.
#include "scheduler.h"
#include "work.h"

#include <algorithm>
#include <bit>
#include <functional>

namespace heapscope::detail {

namespace {
// Matches ^\d+( / part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$
// where '.' excludes line terminators. Returns the suffix start and the table id.
bool parseEphemeronName(std::string_view n, std::size_t& suffixStart, std::uint32_t& table) {
    std::size_t i = 0;
    while (i < n.size() && n[i] >= '0' && n[i] <= '9')
        ++i;
    if (i == 0)
        return false;
    suffixStart = i;
    std::string_view rest = n.substr(i);
    static constexpr std::string_view head = " / part of key (";
    static constexpr std::string_view mid = ") -> value (";
    static constexpr std::string_view tail = ") pair in WeakMap (table @";
    if (rest.substr(0, head.size()) != head || rest.empty() || rest.back() != ')')
        return false;
    for (char c : rest)
        if (c == '\n' || c == '\r')
            return false;
    // table id at the end
    std::size_t end = rest.size() - 1; // at ')'
    std::size_t t = end;
    while (t > 0 && rest[t - 1] >= '0' && rest[t - 1] <= '9')
        --t;
    if (t == end || t < tail.size() || rest.substr(t - tail.size(), tail.size()) != tail)
        return false;
    std::uint64_t id = 0;
    for (std::size_t k = t; k < end; ++k)
        id = std::min<std::uint64_t>(id * 10 + std::uint64_t(rest[k] - '0'), 0xFFFFFFFFull);
    const std::size_t bodyEnd = t - tail.size(); // end of "... @\d+" of the value part
    auto endsWithAtDigits = [](std::string_view v) {
        std::size_t j = v.size();
        while (j > 0 && v[j - 1] >= '0' && v[j - 1] <= '9')
            --j;
        return j < v.size() && j >= 2 && v[j - 1] == '@' && v[j - 2] == ' ';
    };
    // some ") -> value (" splits key part and value part so that both end in " @digits"
    std::size_t from = head.size();
    for (;;) {
        const std::size_t m = rest.find(mid, from);
        if (m == std::string_view::npos || m + mid.size() > bodyEnd)
            return false;
        if (endsWithAtDigits(rest.substr(head.size(), m - head.size())) &&
            endsWithAtDigits(rest.substr(m + mid.size(), bodyEnd - m - mid.size()))) {
            table = std::uint32_t(id);
            return true;
        }
        from = m + 1;
    }
}
} // namespace

EphemeronNames EphemeronNames::build(const Snapshot& s, const std::function<bool()>& stopped) {
    // Every string that has the form gets a group; only internal edges ever consult it.
    EphemeronNames out;
    out.suffixGroup.assign(s.strings.size(), kNoGroup);
    out.tableId.assign(s.strings.size(), kNoIndex);
    struct Named {
        StringId id;
        std::uint32_t suffix; // where the part shared by the pair starts
    };
    std::vector<Named, BlockAllocator<Named>> named;
    for (StringId id : stringIds(s)) {
        if ((id.value & 0xFFFF) == 0 && stopped && stopped())
            return out;
        const std::string_view n = s.strings.get(id);
        if (n.size() < 60 || n[0] < '0' || n[0] > '9')
            continue; // too short for the pattern
        std::size_t suffix = 0;
        std::uint32_t table = 0;
        if (!parseEphemeronName(n, suffix, table))
            continue;
        named.push_back({id, std::uint32_t(suffix)});
        out.tableId[id.value] = table;
    }
    // Groups by equal suffix in an open-addressing table: a WeakMap with a million entries has two
    // million such names, too many for a node-based map to be quick.
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t named = kNoIndex; // index into `named` of the group's first member
    };
    std::vector<Slot, BlockAllocator<Slot>> table(std::bit_ceil(std::max<std::size_t>(16, named.size() * 2)));
    const std::size_t mask = table.size() - 1;
    auto suffixOf = [&](const Named& m) { return s.strings.get(m.id).substr(m.suffix); };
    for (std::uint32_t i = 0; i < named.size(); ++i) {
        if ((i & 0xFFFF) == 0 && stopped && stopped())
            return out;
        const std::string_view key = suffixOf(named[i]);
        const std::uint64_t hash = std::hash<std::string_view>{}(key);
        for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
            Slot& slot = table[at];
            if (slot.named == kNoIndex) {
                slot = {hash, i};
                out.suffixGroup[named[i].id.value] = out.groupCount++;
                break;
            }
            if (slot.hash == hash && suffixOf(named[slot.named]) == key) {
                out.suffixGroup[named[i].id.value] = out.suffixGroup[named[slot.named].id.value];
                break;
            }
        }
    }
    return out;
}

void runWeakMapNames(AnalysisWork& w, PassContext&) {
    w.weakMapNames = EphemeronNames::build(w.s, w.stoppedFn());
}

} // namespace heapscope::detail
