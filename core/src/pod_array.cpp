// SPDX-License-Identifier: MIT
#include "heapscope/pod_array.h"

#include <cstdlib>
#include <malloc.h>
#include <new>
#include <sys/mman.h>

namespace heapscope::detail {

namespace {
constexpr std::size_t kMmapThreshold = 1 << 20;
}

void* allocateBlock(std::size_t bytes, bool zeroed) {
    if (bytes >= kMmapThreshold) {
        void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
        ::madvise(p, bytes, MADV_HUGEPAGE);
#endif
        return p; // anonymous pages are zero
    }
    void* p = zeroed ? std::calloc(1, bytes) : std::malloc(bytes);
    if (!p)
        throw std::bad_alloc();
    return p;
}

void freeBlock(void* p, std::size_t bytes) {
    if (bytes >= kMmapThreshold)
        ::munmap(p, bytes);
    else
        std::free(p);
}

void releaseFreedMemory() {
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
}

} // namespace heapscope::detail
