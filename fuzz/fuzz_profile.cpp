// SPDX-License-Identifier: MIT
// libFuzzer target: the sampling heap profile loader on arbitrary bytes, then every view on what
// loads. Besides crashes it traps on a loaded profile that breaks the model's invariants.
#include "heapscope/sampling_profile.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace heapscope;

namespace {
void check(bool ok) {
    if (!ok)
        __builtin_trap();
}

void checkInvariants(const SamplingProfile& p) {
    const std::size_t n = p.nodeCount();
    check(n > 0);
    check(p.parent.size() == n && p.function.size() == n && p.nodeId.size() == n && p.selfSize.size() == n);
    check(p.totalSize.size() == n && p.depth.size() == n && p.sampleCount.size() == n);
    check(p.childStart.size() == n + 1 && p.childStart[n] == p.childList.size());
    check(p.parent[0] == kNoIndex);
    for (std::uint32_t i = 1; i < n; ++i) {
        check(p.parent[i] < i); // pre-order
        check(p.depth[i] == p.depth[p.parent[i]] + 1);
        check(p.totalSize[p.parent[i]] >= p.totalSize[i]);
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        check(p.function[i] < p.functions.size());
        std::uint64_t sum = p.selfSize[i];
        for (std::uint32_t c = p.childStart[i]; c < p.childStart[i + 1]; ++c) {
            check(p.childList[c] < n && p.parent[p.childList[c]] == i && p.visible(p.childList[c]));
            sum += p.totalSize[p.childList[c]];
        }
        if (p.visible(i))
            check(sum == p.totalSize[i]);
    }
    for (const auto& f : p.functions)
        check(f.name < p.strings.size() && f.url < p.strings.size() && f.scriptId < p.strings.size());
    std::uint64_t outside = 0;
    for (std::uint32_t s : p.sampleNode)
        outside += s == kNoIndex;
    check(outside == p.outsideSamples);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto r =
        loadSamplingProfileFromMemory(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    if (!r.ok()) {
        check(!r.error().reason.empty());
        check(r.error().offset <= std::int64_t(size) || r.error().stage == "gzip" ||
              r.error().stage == "head" || r.error().stage == "samples" || r.error().stage == "profile");
        return 0;
    }
    const SamplingProfile& p = *r.value();
    checkInvariants(p);
    std::uint64_t self = 0;
    auto rows = bottomUpFunctions(p);
    for (const auto& row : rows) {
        self += row.self;
        check(row.focus.size() == row.ancestor.size());
        // one level of callers: never more than the row
        std::uint64_t callerSelf = 0;
        for (const auto& c : bottomUpCallers(p, row))
            callerSelf += c.self;
        check(callerSelf <= row.self);
    }
    check(self + p.selfSize[0] == p.totalBytes());
    const auto flame = flameChart(p);
    for (const auto& e : flame)
        check(e.node < p.nodeCount() && e.start + p.totalSize[e.node] <= p.totalBytes());
    auto diff = diffProfiles(p, p);
    for (const auto& d : diff)
        check(d.selfDelta() == 0 && d.totalDelta() == 0);
    return 0;
}
