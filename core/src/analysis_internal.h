// SPDX-License-Identifier: MIT
// Helpers shared by the analysis passes (not part of the public API).
#pragma once

#include "heapscope/analysis.h"

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace heapscope::detail {

/// No WeakMap pair group (EphemeronNames::suffixGroup).
inline constexpr std::uint32_t kNoGroup = kNoIndex;

/// Every id of the snapshot's string table, in order.
inline IndexRange<StringId> stringIds(const Snapshot& s) {
    return {StringId(0), StringId(std::uint32_t(s.strings.size()))};
}

/// A bit per item.
class BitSet {
public:
    BitSet() = default;
    // in a PodArray: big ones get huge pages (a first touch of a page is costly on some machines)
    explicit BitSet(std::size_t n) : m_words(PodArray<std::uint64_t>::zeroed((n + 63) / 64)) {}
    void set(std::size_t i) { m_words[i >> 6] |= (1ull << (i & 63)); }
    bool test(std::size_t i) const { return (m_words[i >> 6] >> (i & 63)) & 1u; }
    /// By typed index (node, edge or string id).
    template <typename Tag> void set(StrongIndex<Tag> i) { set(std::size_t(i.value)); }
    template <typename Tag> bool test(StrongIndex<Tag> i) const { return test(std::size_t(i.value)); }
    /// ORs a whole word of bits in (bits 64*word .. 64*word+63).
    void orWord(std::size_t word, std::uint64_t bits) { m_words[word] |= bits; }

private:
    PodArray<std::uint64_t> m_words;
};

/// WeakMap ephemeron edge names: "<n> / part of key (k @1) -> value (v @2) pair in WeakMap (table @3)".
/// For every string id used as an internal edge name: the group of its suffix (after the leading
/// number) and the table id, or kNoGroup and kNoIndex when the name does not have that form.
struct EphemeronNames {
    std::vector<std::uint32_t, BlockAllocator<std::uint32_t>> suffixGroup; ///< per string id
    std::vector<std::uint32_t, BlockAllocator<std::uint32_t>> tableId;     ///< per string id
    std::uint32_t groupCount = 0;
    static EphemeronNames build(const Snapshot& s, const std::function<bool()>& stopped = {});
    bool isEphemeron(std::uint32_t stringId) const { return suffixGroup[stringId] != kNoGroup; }
    bool isEphemeron(StringId id) const { return isEphemeron(id.value); }
};

/// DevTools' JS edge name(): element/hidden indexes as decimal text, shortcut names that start with
/// digits as that number, everything else the string.
std::string edgeNameJs(const Snapshot& s, EdgeOrdinal edge);
/// Is the JS edge name() equal to `text`? (without building a string for string-named edges)
bool edgeNameJsEquals(const Snapshot& s, EdgeOrdinal edge, std::string_view text);

bool isUserRoot(const Snapshot& s, NodeOrdinal node);

/// DevTools' BFS from the root, with its JS-specific edge filter. `ignored` (may be null) blocks
/// entering nodes (the Retainers pane's "ignore this retainer").
void computeDistances(const Snapshot& s, const EphemeronNames& eph, const std::vector<bool>* ignored,
                      std::int32_t* distances, const std::function<bool()>& stopped = {});

/// Display name of a concatenated string (DevTools' consStringName), memoised for deep chains.
/// Not thread-safe; Analysis guards its shared instance with a mutex.
class ConsStringNamer {
public:
    explicit ConsStringNamer(const Snapshot& s) : m_s(s) {}
    std::string name(NodeOrdinal node);
    /// True when the flattened text is empty (for "flattened cons string" detection).
    bool isEmpty(NodeOrdinal node) { return cappedLength(node) == 0; }

private:
    std::uint32_t cappedLength(NodeOrdinal node);
    void walk(NodeOrdinal node, std::string& out, std::size_t& units);
    void children(NodeOrdinal node, NodeOrdinal& first, NodeOrdinal& second);
    void prepare();
    const Snapshot& m_s;
    bool m_prepared = false;
    StringId m_firstName = kNoString, m_secondName = kNoString; // the ids of "first" / "second"
    std::vector<std::uint32_t> m_capped;                        // per node; kNoIndex = not computed
    std::vector<std::uint64_t> m_children;                  // per node: first | second << 32; ~0 = unknown
    std::unordered_map<std::uint32_t, std::string> m_names; // by node ordinal
};

/// Class names and keys for every node with the given interface definitions (DevTools'
/// calculateObjectNames + applyInterfaceDefinitions). Returns false when stopped.
bool classify(const Analysis& analysis, const std::vector<InterfaceDefinition>& interfaces,
              PodArray<std::uint32_t>& classOf, std::vector<ClassInfo>& classes,
              const std::function<bool()>& stopped);

/// Summary rows without retained sizes; `countedClass` (optional) receives per node its class if it
/// counts (non-zero size, passes the mask), else kNoIndex.
Aggregates aggregateRows(const Analysis& analysis, const std::uint32_t* classOf, std::size_t classCount,
                         const std::vector<bool>* mask, PodArray<std::uint32_t>* countedClass,
                         const std::function<bool()>& stopped = {});
/// DevTools' class retained sizes (no double counting along dominator paths), on up to two
/// threads. Returns early, with partial sizes, when `stopped` says so.
void addClassRetainedSizes(const Analysis& analysis, const PodArray<std::uint32_t>& countedClass,
                           std::size_t classCount, Aggregates& rows,
                           const std::function<bool()>& stopped = {}, unsigned threads = 1);
/// Retained size descending, then name (UTF-16 order), then key.
void sortRows(const std::vector<ClassInfo>& classes, Aggregates& rows);

/// Summary rows for a class assignment; `mask` (may be null) selects nodes.
Aggregates aggregateWith(const Analysis& analysis, const std::uint32_t* classOf,
                         const std::vector<ClassInfo>& classes, const std::vector<bool>* mask);

/// DevTools' formatPropertyName: names with , ' " { } become JSON string literals.
std::string formatPropertyName(std::string_view name);

} // namespace heapscope::detail
