// SPDX-License-Identifier: MIT
// The Statistics perspective, all but the totals (they need the retained size of the root).
#include "scheduler.h"
#include "work.h"

namespace heapscope::detail {

void runStatistics(AnalysisWork& w, PassContext&) {
    const Snapshot& s = w.s;
    Statistics st;
    const auto& self = w.a.selfSize;
    double native = s.extraNativeBytes;
    std::uint64_t typed = 0, code = 0, strings = 0, arrays = 0, system = 0;
    for (std::uint32_t n = 0; n < s.nodeCount; ++n) {
        if ((n & 0x3FFFF) == 0 && w.stopped())
            return;
        const std::uint64_t size = self[n];
        const NodeKind k = s.kind(n);
        if (k == NodeKind::Hidden) {
            system += size;
            continue;
        }
        if (k == NodeKind::Native) {
            native += double(size);
            if (!w.a.isRenamedDetached(n) && s.name(n) == "system / JSArrayBufferData")
                typed += size;
        } else if (k == NodeKind::Code) {
            code += size;
        } else if (k == NodeKind::String || k == NodeKind::ConsString || k == NodeKind::SlicedString) {
            strings += size;
        } else if (s.name(n) == "Array") {
            std::uint64_t total = size;
            for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e) {
                if (s.edgeKind(e) != EdgeKind::Internal || s.strings[s.edgeNameOrIndex[e]] != "elements")
                    continue;
                const std::uint32_t t = s.edgeTo[e];
                if (s.firstRetainer()[t + 1] - s.firstRetainer()[t] == 1)
                    total += self[t];
                break;
            }
            arrays += total;
        }
    }
    st.nativeTotal = std::uint64_t(native);
    st.typedArrays = typed;
    st.code = code;
    st.jsArrays = arrays;
    st.strings = strings;
    st.system = system;
    w.a.statistics = st;
}

} // namespace heapscope::detail
