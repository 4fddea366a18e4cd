// SPDX-License-Identifier: MIT
#include "gzip.h"

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace heapscope::detail {

std::optional<InflateFailure> inflateGzip(const unsigned char* data, std::uint64_t size, PodArray<char>& out,
                                          std::uint64_t& produced, const WorkContext& context) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK)
        return InflateFailure{InflateFailure::Kind::Init, 0, {}};
    std::uint64_t capacity = std::max<std::uint64_t>(size * 4, 1 << 20);
    if (size >= 4) {
        // ISIZE: the uncompressed size modulo 2^32; a good first guess for files under 4 GiB
        const std::uint64_t isize = std::uint64_t(data[size - 4]) | (std::uint64_t(data[size - 3]) << 8) |
                                    (std::uint64_t(data[size - 2]) << 16) |
                                    (std::uint64_t(data[size - 1]) << 24);
        if (isize > size)
            capacity = isize + 1;
    }
    out = PodArray<char>::uninitialized(capacity);
    produced = 0;
    std::uint64_t consumed = 0;
    std::optional<InflateFailure> failure;
    auto lastReport = std::chrono::steady_clock::now();
    for (;;) {
        if (produced == out.size()) {
            PodArray<char> bigger = PodArray<char>::uninitialized(out.size() * 2);
            std::memcpy(bigger.data(), out.data(), produced);
            out = std::move(bigger);
        }
        const std::uint64_t inChunk = std::min<std::uint64_t>(size - consumed, 1u << 30);
        zs.next_in = const_cast<unsigned char*>(data + consumed);
        zs.avail_in = unsigned(inChunk);
        const std::uint64_t outChunk = std::min<std::uint64_t>(out.size() - produced, 1u << 30);
        zs.next_out = reinterpret_cast<unsigned char*>(out.data() + produced);
        zs.avail_out = unsigned(outChunk);
        const int ret = inflate(&zs, Z_NO_FLUSH);
        consumed += inChunk - zs.avail_in;
        produced += outChunk - zs.avail_out;
        if (ret == Z_STREAM_END) {
            // Concatenated gzip members are allowed; trailing zero padding is ignored.
            std::uint64_t rest = consumed;
            while (rest < size && data[rest] == 0)
                ++rest;
            if (rest >= size)
                break;
            consumed = rest;
            inflateReset(&zs);
            continue;
        }
        if (ret == Z_BUF_ERROR && consumed >= size) {
            failure = InflateFailure{InflateFailure::Kind::Truncated, consumed, {}};
            break;
        }
        if (ret != Z_OK && ret != Z_BUF_ERROR) {
            failure = InflateFailure{InflateFailure::Kind::Corrupt, consumed, zs.msg ? zs.msg : ""};
            break;
        }
        if (context.stopRequested()) {
            failure = InflateFailure{InflateFailure::Kind::Cancelled, consumed, {}};
            break;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now - lastReport > std::chrono::milliseconds(30)) {
            context.report(Stage::Reading, consumed, size);
            lastReport = now;
        }
    }
    inflateEnd(&zs);
    return failure;
}

} // namespace heapscope::detail
