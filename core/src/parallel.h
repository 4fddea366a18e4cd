// SPDX-License-Identifier: MIT
// Runs a function on a few threads: the calling thread is worker 0. Maps fresh memory in between
// cancellation checks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace heapscope::detail {

template <typename Fn> void runParallel(unsigned threads, Fn&& fn) {
    if (threads <= 1) {
        fn(0u);
        return;
    }
    std::vector<std::jthread> pool;
    pool.reserve(threads - 1);
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back([&fn, t] { fn(t); });
    fn(0u);
}

// Touches every page of fresh memory [data, data + bytes) (zero, or not filled yet: it writes
// zeros) in 8 MB slices, asking `stopped()` before each; false when it said stop. The first touch of a page
// can be slow (on some virtual machines very slow), and an array filled in random order touches all its pages
// at once: mapped in this way first, its filling never makes a cancel request wait.
template <typename Stopped> bool mapInSlices(void* data, std::size_t bytes, Stopped&& stopped) {
    auto* p = static_cast<volatile char*>(data);
    constexpr std::size_t slice = std::size_t(8) << 20;
    for (std::size_t from = 0; from < bytes; from += slice) {
        if (stopped())
            return false;
        for (std::size_t at = from; at < std::min(bytes, from + slice); at += 4096)
            p[at] = 0;
    }
    return true;
}

} // namespace heapscope::detail
