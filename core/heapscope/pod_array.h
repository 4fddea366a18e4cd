// SPDX-License-Identifier: MIT
// A fixed-size array of trivially copyable values for the big per-node and per-edge columns.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <span>
#include <type_traits>
#include <utility>

namespace heapscope {

namespace detail {
// Large blocks come straight from mmap (zero pages on demand, transparent huge pages, returned to
// the system on free); small ones from malloc.
void* allocateBlock(std::size_t bytes, bool zeroed);
void freeBlock(void* p, std::size_t bytes);
/// Gives memory freed by the C library back to the system (big results are freed in bulk).
void releaseFreedMemory();
/// While one of these lives, large blocks that are freed are kept and handed out again (resized in
/// place by the kernel) instead of going back to the system: work that loads one big snapshot after
/// another (a series) then reuses the pages it already has, where fresh ones would each be faulted
/// in and cleared. The kept blocks go back to the system when the last one ends.
class BlockReuse {
public:
    BlockReuse();
    ~BlockReuse();
    BlockReuse(const BlockReuse&) = delete;
    BlockReuse& operator=(const BlockReuse&) = delete;
    /// Gives back to the system the blocks kept so far: called when one file's work is done and
    /// before its graph is freed, it leaves kept only that graph's blocks, for the next file.
    void releaseKept() const;
};
/// Declared first in a class, so destroyed last: trims the heap after the other members are gone.
struct TrimOnDestroy {
    TrimOnDestroy() = default;
    TrimOnDestroy(const TrimOnDestroy&) = delete;
    TrimOnDestroy& operator=(const TrimOnDestroy&) = delete;
    ~TrimOnDestroy() { releaseFreedMemory(); }
};
} // namespace detail

/// A std::vector allocator whose large blocks come from allocateBlock (huge pages): for vectors
/// of millions of records, where a page fault per 4 KiB would cost more than filling them.
template <typename T> struct BlockAllocator {
    using value_type = T;
    BlockAllocator() = default;
    template <typename U> BlockAllocator(const BlockAllocator<U>&) {}
    T* allocate(std::size_t n) {
        return static_cast<T*>(detail::allocateBlock(n ? n * sizeof(T) : 1, false));
    }
    void deallocate(T* p, std::size_t n) { detail::freeBlock(p, n ? n * sizeof(T) : 1); }
    template <typename U> bool operator==(const BlockAllocator<U>&) const { return true; }
};

/// Unlike std::vector, resizing does not touch memory: a fresh array is either uninitialised
/// (`uninitialized`) or zero (`zeroed`), and a 500 MB column costs nothing until written.
template <typename T> class PodArray {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    PodArray() = default;
    static PodArray uninitialized(std::size_t n) { return PodArray(n, false); }
    static PodArray zeroed(std::size_t n) { return PodArray(n, true); }
    /// A view of memory owned elsewhere (a mapped index file): never freed by this array. The
    /// owner of the memory must outlive it.
    static PodArray borrowed(const T* data, std::size_t n) {
        PodArray a;
        a.m_data = const_cast<T*>(data);
        a.m_size = n;
        a.m_borrowed = true;
        return a;
    }
    PodArray(const PodArray&) = delete;
    PodArray& operator=(const PodArray&) = delete;
    PodArray(PodArray&& o) noexcept : m_data(o.m_data), m_size(o.m_size), m_borrowed(o.m_borrowed) {
        o.m_data = nullptr;
        o.m_size = 0;
        o.m_borrowed = false;
    }
    PodArray& operator=(PodArray&& o) noexcept {
        if (this != &o) {
            release();
            m_data = o.m_data;
            m_size = o.m_size;
            m_borrowed = o.m_borrowed;
            o.m_data = nullptr;
            o.m_size = 0;
            o.m_borrowed = false;
        }
        return *this;
    }
    ~PodArray() { release(); }

    void release() {
        if (m_data && !m_borrowed)
            detail::freeBlock(m_data, m_size * sizeof(T));
        m_data = nullptr;
        m_size = 0;
        m_borrowed = false;
    }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    T* data() { return m_data; }
    const T* data() const { return m_data; }
    T& operator[](std::size_t i) { return m_data[i]; }
    const T& operator[](std::size_t i) const { return m_data[i]; }
    T* begin() { return m_data; }
    T* end() { return m_data + m_size; }
    const T* begin() const { return m_data; }
    const T* end() const { return m_data + m_size; }
    std::span<const T> span() const { return {m_data, m_size}; }
    std::size_t bytes() const { return m_size * sizeof(T); }
    /// True for a view of memory this array does not own (see borrowed()).
    bool isBorrowed() const { return m_borrowed; }

private:
    PodArray(std::size_t n, bool zero) : m_size(n) {
        if (n)
            m_data = static_cast<T*>(detail::allocateBlock(n * sizeof(T), zero));
    }
    T* m_data = nullptr;
    std::size_t m_size = 0;
    bool m_borrowed = false;
};

/// A per-node or per-edge column: elements stored as `T`, read by their typed index (NodeOrdinal,
/// EdgeOrdinal). `Value` is what an element stands for, when that is a typed index too (an edge's
/// target is a NodeOrdinal); it is read as a value, and written through data().
template <typename Index, typename T, typename Value = T> class Column : public PodArray<T> {
    static constexpr bool kPlain = std::is_same_v<T, Value>;

public:
    Column() = default;
    Column(PodArray<T>&& array) noexcept : PodArray<T>(std::move(array)) {}
    Column& operator=(PodArray<T>&& array) noexcept {
        PodArray<T>::operator=(std::move(array));
        return *this;
    }
    static Column uninitialized(std::size_t n) { return Column(PodArray<T>::uninitialized(n)); }
    static Column zeroed(std::size_t n) { return Column(PodArray<T>::zeroed(n)); }

    /// Only by the typed index: a node column cannot be read with an edge (a pass that needs the
    /// plain numbers in a hot loop reads data()).
    const T& operator[](std::size_t) const = delete;
    T& operator[](std::size_t) = delete;
    const T& operator[](Index i) const requires kPlain { return this->data()[i.value]; }
    T& operator[](Index i) requires kPlain { return this->data()[i.value]; }
    Value operator[](Index i) const requires(!kPlain) { return Value(this->data()[i.value]); }
};

/// Stored numbers read as typed indexes: `for (NodeOrdinal n : aggregate.instances)`. A view; the
/// numbers belong to somebody else. raw() gives them plain, for a hot loop or a file.
template <typename Value, typename T = std::uint32_t> class TypedSpan {
public:
    class iterator {
    public:
        using iterator_concept = std::random_access_iterator_tag;
        using iterator_category = std::random_access_iterator_tag;
        using value_type = Value;
        using difference_type = std::ptrdiff_t;
        using reference = Value;
        using pointer = void;
        constexpr iterator() = default;
        constexpr explicit iterator(const T* p) : m_p(p) {}
        constexpr Value operator*() const { return Value(*m_p); }
        constexpr Value operator[](difference_type i) const { return Value(m_p[i]); }
        constexpr iterator& operator++() {
            ++m_p;
            return *this;
        }
        constexpr iterator operator++(int) { return iterator(m_p++); }
        constexpr iterator& operator--() {
            --m_p;
            return *this;
        }
        constexpr iterator operator--(int) { return iterator(m_p--); }
        constexpr iterator& operator+=(difference_type n) {
            m_p += n;
            return *this;
        }
        constexpr iterator& operator-=(difference_type n) {
            m_p -= n;
            return *this;
        }
        friend constexpr iterator operator+(iterator i, difference_type n) { return iterator(i.m_p + n); }
        friend constexpr iterator operator+(difference_type n, iterator i) { return iterator(i.m_p + n); }
        friend constexpr iterator operator-(iterator i, difference_type n) { return iterator(i.m_p - n); }
        friend constexpr difference_type operator-(iterator a, iterator b) { return a.m_p - b.m_p; }
        constexpr auto operator<=>(const iterator&) const = default;

    private:
        const T* m_p = nullptr;
    };

    constexpr TypedSpan() = default;
    constexpr TypedSpan(const T* data, std::size_t size) : m_raw(data, size) {}
    constexpr explicit TypedSpan(std::span<const T> raw) : m_raw(raw) {}

    constexpr Value operator[](std::size_t i) const { return Value(m_raw[i]); }
    constexpr Value front() const { return Value(m_raw.front()); }
    constexpr Value back() const { return Value(m_raw.back()); }
    constexpr std::size_t size() const { return m_raw.size(); }
    constexpr bool empty() const { return m_raw.empty(); }
    constexpr iterator begin() const { return iterator(m_raw.data()); }
    constexpr iterator end() const { return iterator(m_raw.data() + m_raw.size()); }
    constexpr TypedSpan subspan(std::size_t offset, std::size_t count = std::dynamic_extent) const {
        return TypedSpan(m_raw.subspan(offset, count));
    }
    constexpr std::span<const T> raw() const { return m_raw; }

private:
    std::span<const T> m_raw;
};

} // namespace heapscope
