// SPDX-License-Identifier: MIT
// The real snapshots in tests/data, each with DevTools' own numbers beside it (*.summary.json), as
// the oracle printed them: the loader's fixture test and the golden tests go through all of them.
#pragma once

namespace heapscope::test {

struct RealSnapshot {
    const char* snapshot; ///< file in tests/data
    const char* oracle;   ///< the oracle's summary of it, in tests/data
};

inline constexpr RealSnapshot kRealSnapshots[] = {
    {"tiny-node20.heapsnapshot.gz", "tiny-node20.summary.json"},
    {"leak-A-node20.heapsnapshot.gz", "leak-A-node20.summary.json"},
    {"leak-B-node20.heapsnapshot.gz", "leak-B-node20.summary.json"},
    {"strings-node20.heapsnapshot.gz", "strings-node20.summary.json"},
    {"alloc-node20.heapsnapshot.gz", "alloc-node20.summary.json"},
    {"alloc-timeline-node20.heaptimeline.gz", "alloc-timeline-node20.summary.json"},
    {"dom-alloc-timeline-chromium.heaptimeline.gz", "dom-alloc-timeline-chromium.summary.json"},
    {"dom-detached-chromium.heapsnapshot.gz", "dom-detached-chromium.summary.json"},
    {"leak2-C-node20.heapsnapshot.gz", "leak2-C-node20.summary.json"},
    {"mixed-node18.heapsnapshot.gz", "mixed-node18.summary.json"},
    {"mixed-node22.heapsnapshot.gz", "mixed-node22.summary.json"},
    {"mixed-node24.heapsnapshot.gz", "mixed-node24.summary.json"},
    {"mixed-pair-node26-B.heapsnapshot.gz", "mixed-pair-node26-B.summary.json"},
    {"mixed-pair-deno2-B.heapsnapshot.gz", "mixed-pair-deno2-B.summary.json"},
    {"mixed-bun1.heapsnapshot.gz", "mixed-bun1.summary.json"},
    {"mixed-timeline-node12.heaptimeline.gz", "mixed-timeline-node12.summary.json"},
    {"mixed-timeline-node26.heaptimeline.gz", "mixed-timeline-node26.summary.json"},
    {"mixed-timeline-deno2.heaptimeline.gz", "mixed-timeline-deno2.summary.json"},
};

} // namespace heapscope::test
