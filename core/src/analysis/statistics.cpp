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
    for (NodeOrdinal n : s.nodes()) {
        if ((n.value & 0x3FFFF) == 0 && w.stopped())
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
            for (EdgeOrdinal e : s.edgesOf(n)) {
                if (s.edgeKind(e) != EdgeKind::Internal || s.strings.get(s.edgeNameId(e)) != "elements")
                    continue;
                const NodeOrdinal t = s.edgeTo[e];
                if (s.retainersOf(t).size() == 1)
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
