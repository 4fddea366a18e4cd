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

    // The smallest kept block that holds `bytes`, else the largest (to be grown); false if none.
    bool take(std::size_t bytes, Block& out) {
        std::lock_guard lock(mutex);
        if (blocks.empty())
            return false;
        const auto better = [bytes](const Block& a, const Block& b) {
            const bool aFits = a.bytes >= bytes, bFits = b.bytes >= bytes;
            if (aFits != bFits)
                return aFits;
            return aFits ? a.bytes < b.bytes : a.bytes > b.bytes;
        };
        const auto best = std::min_element(blocks.begin(), blocks.end(), better);
        out = *best;
        blocks.erase(best);
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

// A kept block resized to `bytes` (page-rounded): shrinking gives the tail back, growing adds
// fresh zero pages (possibly moving the block); nullptr when the kernel cannot.
void* resizeKept(FreedBlocks::Block block, std::size_t bytes, bool zeroed) {
    if (block.bytes == bytes) {
    } else if (block.bytes > bytes) {
        ::munmap(static_cast<char*>(block.start) + bytes, block.bytes - bytes);
    } else {
        void* moved = ::mremap(block.start, block.bytes, bytes, MREMAP_MAYMOVE);
        if (moved == MAP_FAILED) {
            ::munmap(block.start, block.bytes);
            return nullptr;
        }
        adviseHugePages(moved, bytes);
        if (zeroed)
            std::memset(moved, 0, block.bytes); // the grown part is fresh, so already zero
        return moved;
    }
    if (zeroed)
        std::memset(block.start, 0, bytes);
    return block.start;
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

} // namespace heapscope::detail
