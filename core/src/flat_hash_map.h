// SPDX-License-Identifier: MIT
// A hash map for lookups once per node or edge: open addressing in one array, no erase. Where
// std::unordered_map costs a division and a pointer chase per lookup, this costs a multiply and
// mostly one cache line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace heapscope::detail {

/// `Hash` gives a 64-bit hash (spread further here); `Key` is equality comparable and cheap to copy.
template <typename Key, typename Value, typename Hash> class FlatHashMap {
public:
    explicit FlatHashMap(std::size_t expected = 0) {
        unsigned bits = 4;
        while ((std::size_t(1) << bits) < expected * 2)
            ++bits;
        allocate(bits);
    }

    /// The value of `key`, inserted as `value` when absent; second: whether it was inserted.
    std::pair<Value, bool> tryEmplace(const Key& key, const Value& value) {
        std::size_t at = slotOf(key);
        while (m_slots[at].used) {
            if (m_slots[at].key == key)
                return {m_slots[at].value, false};
            at = (at + 1) & m_mask;
        }
        if ((m_size + 1) * 2 > m_slots.size()) {
            grow();
            return tryEmplace(key, value);
        }
        m_slots[at] = {key, value, true};
        ++m_size;
        return {value, true};
    }

    /// The value of `key`, or nullptr.
    const Value* find(const Key& key) const {
        for (std::size_t at = slotOf(key); m_slots[at].used; at = (at + 1) & m_mask)
            if (m_slots[at].key == key)
                return &m_slots[at].value;
        return nullptr;
    }

    std::size_t size() const { return m_size; }

private:
    struct Slot {
        Key key{};
        Value value{};
        bool used = false;
    };

    std::size_t slotOf(const Key& key) const {
        // Fibonacci hashing: the top bits of a multiply spread keys that differ only in high bits.
        const std::uint64_t h = std::uint64_t(Hash{}(key)) * 0x9E3779B97F4A7C15ull;
        return std::size_t(h >> m_shift);
    }

    void allocate(unsigned bits) {
        m_slots.assign(std::size_t(1) << bits, Slot{});
        m_mask = m_slots.size() - 1;
        m_shift = 64 - bits;
    }

    void grow() {
        std::vector<Slot> old = std::move(m_slots);
        allocate(64 - m_shift + 1);
        for (const Slot& slot : old) {
            if (!slot.used)
                continue;
            std::size_t at = slotOf(slot.key);
            while (m_slots[at].used)
                at = (at + 1) & m_mask;
            m_slots[at] = slot;
        }
    }

    std::vector<Slot> m_slots;
    std::size_t m_mask = 0;
    unsigned m_shift = 64;
    std::size_t m_size = 0;
};

/// For integer keys.
struct IntegerHash {
    std::uint64_t operator()(std::uint64_t key) const { return key ^ (key >> 29); }
};

} // namespace heapscope::detail
