// SPDX-License-Identifier: MIT
// Basic vocabulary of the core library: strong index types, error values, progress and cancellation.
#pragma once

#include <atomic>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <variant>

#include "heapscope/progress.h"

namespace heapscope {

/// A typed index: a node ordinal can never be passed where a string id is expected.
template <typename Tag, typename Rep = std::uint32_t> struct StrongIndex {
    Rep value = 0;
    constexpr StrongIndex() = default;
    constexpr explicit StrongIndex(Rep v) : value(v) {}
    constexpr auto operator<=>(const StrongIndex&) const = default;
    constexpr StrongIndex& operator++() {
        ++value;
        return *this;
    }
    /// The index after this one.
    constexpr StrongIndex next() const { return StrongIndex(value + 1); }
};

/// The indexes [first, last) in order: `for (NodeOrdinal n : snapshot.nodes())`.
template <typename Index> class IndexRange {
public:
    /// Where a walk ends.
    struct sentinel {
        Index last;
    };
    class iterator {
    public:
        using value_type = Index;
        using difference_type = std::ptrdiff_t;
        constexpr iterator() = default;
        constexpr explicit iterator(Index i) : m_i(i) {}
        constexpr Index operator*() const { return m_i; }
        constexpr iterator& operator++() {
            ++m_i;
            return *this;
        }
        constexpr iterator operator++(int) {
            const iterator before = *this;
            ++m_i;
            return before;
        }
        constexpr bool operator==(const iterator&) const = default;
        /// Reached the end. As `i < last` rather than `i != last`, the compiler knows a walk's
        /// length before it starts (a 32-bit index cannot wrap): the loops compile as tight as
        /// counting loops over plain numbers.
        constexpr bool operator==(sentinel end) const { return m_i.value >= end.last.value; }

    private:
        Index m_i;
    };
    constexpr IndexRange(Index first, Index last) : m_first(first), m_last(last) {}
    constexpr iterator begin() const { return iterator(m_first); }
    constexpr sentinel end() const { return {m_last}; }
    constexpr Index first() const { return m_first; }
    constexpr Index last() const { return m_last; } ///< one past the end
    constexpr std::size_t size() const { return std::size_t(m_last.value - m_first.value); }
    constexpr bool empty() const { return m_first == m_last; }

private:
    Index m_first;
    Index m_last;
};

/// Node number 0..N-1 (DevTools' "node index" is ordinal × field count; we never use that form).
using NodeOrdinal = StrongIndex<struct NodeOrdinalTag>;
/// Edge number 0..E-1 in file order.
using EdgeOrdinal = StrongIndex<struct EdgeOrdinalTag>;
/// Index into a snapshot's string table.
using StringId = StrongIndex<struct StringIdTag>;
/// A retainer slot: the retainers of a node are a run of slots (Snapshot::retainersOf()), each an
/// edge into it seen from its source.
using RetainerSlot = StrongIndex<struct RetainerSlotTag>;

} // namespace heapscope

/// Typed indexes as keys of unordered maps and sets: hashed as their number.
template <typename Tag, typename Rep> struct std::hash<heapscope::StrongIndex<Tag, Rep>> {
    std::size_t operator()(heapscope::StrongIndex<Tag, Rep> i) const noexcept {
        return std::hash<Rep>()(i.value);
    }
};

namespace heapscope {

/// "No value" for a 32-bit index: all bits set, which no real node, edge or string can have (the
/// loader refuses counts above 0xFFFFFFFE). Plain form, for indexes that are not nodes, edges or
/// strings (class rows, paths, trace and profile nodes).
inline constexpr std::uint32_t kNoIndex = 0xFFFFFFFFu;
/// No node.
inline constexpr NodeOrdinal kNoNode{kNoIndex};
/// No edge.
inline constexpr EdgeOrdinal kNoEdge{kNoIndex};
/// No string.
inline constexpr StringId kNoString{kNoIndex};
/// No trace tree node (the parent of a top trace node).
inline constexpr std::uint32_t kNoTraceNode = kNoIndex;

/// What went wrong, where. Every failure of the core library is reported as one of these.
struct Error {
    std::string file;         ///< the input file, as given
    std::string stage;        ///< "open", "header", "nodes", "strings", "analysis", ...
    std::int64_t offset = -1; ///< byte offset in the (decompressed) input, -1 when not applicable
    std::string reason;       ///< a sentence a user understands
    bool cancelled = false;   ///< true when the work was stopped on request

    /// "FILE: REASON (stage S, at byte N)".
    std::string message() const;
};

/// The error of work stopped on request: `cancelled` set, no offset. `reason` says what stopped
/// ("the analysis was cancelled"); `stage` may be empty.
Error cancelledError(std::string file, std::string stage, std::string reason);

/// A value or an Error; the core API never throws across its boundary.
template <typename T> class Expected {
public:
    Expected(T value) : m_data(std::move(value)) {}
    Expected(Error error) : m_data(std::move(error)) {}
    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(m_data); }
    const T& value() const { return std::get<0>(m_data); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

/// Long work reports progress per stage: done and total are in the stage's own unit (see Stage).
/// Called from the threads that run the work, one call at a time, at most every few milliseconds.
using ProgressFn = std::function<void(Stage stage, std::uint64_t done, std::uint64_t total)>;

/// Cooperative cancellation shared between the caller and the work; cheap to poll.
class StopFlag {
public:
    void requestStop() { m_stop.store(true, std::memory_order_relaxed); }
    bool stopRequested() const { return m_stop.load(std::memory_order_relaxed); }
    void reset() { m_stop.store(false, std::memory_order_relaxed); }

private:
    std::atomic<bool> m_stop{false};
};

/// Progress and cancellation as passed to every long computation. Both are optional.
struct WorkContext {
    ProgressFn progress;
    const StopFlag* stop = nullptr;
    bool stopRequested() const { return stop && stop->stopRequested(); }
    void report(Stage stage, std::uint64_t done, std::uint64_t total) const {
        if (progress)
            progress(stage, done, total);
    }
};

} // namespace heapscope
