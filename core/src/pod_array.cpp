// SPDX-License-Identifier: MIT
#include "heapscope/pod_array.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <mutex>
#include <new>
#include <sys/mman.h>
#include <vector>

namespace heapscope::detail {

namespace {
constexpr std::size_t kMmapThreshold = 1 << 20;
constexpr std::size_t kPage = 4096;

std::size_t pageRound(std::size_t bytes) {
    return (bytes + kPage - 1) & ~(kPage - 1);
}

void adviseHugePages([[maybe_unused]] void* p, [[maybe_unused]] std::size_t bytes) {
#ifdef MADV_HUGEPAGE
    ::madvise(p, bytes, MADV_HUGEPAGE);
#endif
}

// The freed large blocks kept while a BlockReuse lives. This is allocator state, like malloc's own
// free lists: it changes where memory comes from, never what a caller sees.
struct FreedBlocks {
    struct Block {
        void* start;
        std::size_t bytes; // page-rounded
    };
    std::mutex mutex;
    unsigned reusers = 0;
    std::vector<Block> blocks;

    // The kept block nearest to `bytes` in size (the same array of the last file, usually a little
    // smaller or larger), cut to `bytes` when larger (the rest stays kept); false if none.
    bool take(std::size_t bytes, Block& out) {
        std::lock_guard lock(mutex);
        if (blocks.empty())
            return false;
        const auto distance = [bytes](const Block& b) {
            return b.bytes > bytes ? b.bytes - bytes : bytes - b.bytes;
        };
        const auto nearest =
            std::min_element(blocks.begin(), blocks.end(),
                             [&](const Block& a, const Block& b) { return distance(a) < distance(b); });
        out = *nearest;
        if (nearest->bytes > bytes) {
            out.bytes = bytes;
            nearest->start = static_cast<char*>(nearest->start) + bytes;
            nearest->bytes -= bytes;
        } else {
            blocks.erase(nearest);
        }
        return true;
    }
    bool keep(void* p, std::size_t bytes) {
        std::lock_guard lock(mutex);
        if (reusers == 0)
            return false;
        blocks.push_back({p, bytes});
        return true;
    }
};

FreedBlocks& freedBlocks() {
    static FreedBlocks instance;
    return instance;
}

// A kept block of at most `bytes` (page-rounded) made `bytes` long: growing adds fresh zero pages
// (possibly moving the block); nullptr when the kernel cannot.
void* resizeKept(FreedBlocks::Block block, std::size_t bytes, bool zeroed) {
    void* start = block.start;
    if (block.bytes < bytes) {
        start = ::mremap(block.start, block.bytes, bytes, MREMAP_MAYMOVE);
        if (start == MAP_FAILED) {
            ::munmap(block.start, block.bytes);
            return nullptr;
        }
        adviseHugePages(start, bytes);
    }
    if (zeroed)
        std::memset(start, 0, block.bytes); // a grown part is fresh, so already zero
    return start;
}
} // namespace

void* allocateBlock(std::size_t bytes, bool zeroed) {
    if (bytes >= kMmapThreshold) {
        const std::size_t mapped = pageRound(bytes);
        FreedBlocks::Block kept{};
        if (freedBlocks().take(mapped, kept))
            if (void* p = resizeKept(kept, mapped, zeroed))
                return p;
        void* p = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            throw std::bad_alloc();
        adviseHugePages(p, mapped);
        return p; // anonymous pages are zero
    }
    void* p = zeroed ? std::calloc(1, bytes) : std::malloc(bytes);
    if (!p)
        throw std::bad_alloc();
    return p;
}

void freeBlock(void* p, std::size_t bytes) {
    if (bytes >= kMmapThreshold) {
        if (!freedBlocks().keep(p, pageRound(bytes)))
            ::munmap(p, pageRound(bytes));
    } else {
        std::free(p);
    }
}

void releaseFreedMemory() {
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
}

BlockReuse::BlockReuse() {
    FreedBlocks& freed = freedBlocks();
    std::lock_guard lock(freed.mutex);
    ++freed.reusers;
}

BlockReuse::~BlockReuse() {
    FreedBlocks& freed = freedBlocks();
    std::vector<FreedBlocks::Block> released;
    {
        std::lock_guard lock(freed.mutex);
        if (--freed.reusers == 0)
            released.swap(freed.blocks);
    }
    for (const FreedBlocks::Block& block : released)
        ::munmap(block.start, block.bytes);
}

void BlockReuse::releaseKept() const {
    FreedBlocks& freed = freedBlocks();
    std::vector<FreedBlocks::Block> released;
    {
        std::lock_guard lock(freed.mutex);
        released.swap(freed.blocks);
    }
    for (const FreedBlocks::Block& block : released)
        ::munmap(block.start, block.bytes);
}

} // namespace heapscope::detail
