// SPDX-License-Identifier: MIT
// Runs a function on a few threads: the calling thread is worker 0.
#pragma once

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

} // namespace heapscope::detail
