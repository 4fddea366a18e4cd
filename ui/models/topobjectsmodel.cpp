// SPDX-License-Identifier: MIT
#include "topobjectsmodel.h"

#include <algorithm>
#include <queue>

TopObjectsModel::TopObjectsModel(QObject* parent)
    : ObjectTreeModel(tr("Object"),
                      {ColumnType::Object, ColumnType::ClassName, ColumnType::Shallow, ColumnType::Retained},
                      parent) {}

std::vector<std::uint32_t> TopObjectsModel::biggestObjects(const heapscope::Analysis& a, std::size_t count) {
    const heapscope::Snapshot& s = *a.snapshot;
    // Min-heap of the best `count` so far: O(N log count), no full sort of millions of nodes.
    auto greater = [&a](std::uint32_t x, std::uint32_t y) {
        if (a.retainedSize[x] != a.retainedSize[y])
            return a.retainedSize[x] > a.retainedSize[y];
        return x < y;
    };
    std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, decltype(greater)> heap(greater);
    for (std::uint32_t n = 0; n < s.nodeCount; ++n) {
        // The root, (GC roots) and the sub-roots dominate everything; they are not objects.
        if (s.kind(n) == heapscope::NodeKind::Synthetic || (a.selfSize[n] == 0 && a.retainedSize[n] == 0))
            continue;
        if (heap.size() < count) {
            heap.push(n);
        } else if (greater(n, heap.top())) {
            heap.pop();
            heap.push(n);
        }
    }
    std::vector<std::uint32_t> out;
    out.reserve(heap.size());
    while (!heap.empty()) {
        out.push_back(heap.top());
        heap.pop();
    }
    std::reverse(out.begin(), out.end());
    return out;
}

void TopObjectsModel::setAnalysis(heapscope::AnalysisPtr analysis, int count) {
    beginResetModel();
    m_analysis = std::move(analysis);
    m_nodes = m_analysis ? biggestObjects(*m_analysis, std::size_t(count)) : std::vector<std::uint32_t>{};
    rebuild();
    endResetModel();
}

void TopObjectsModel::populate(const Row* owner, std::vector<Row>& children) const {
    if (owner)
        return;
    for (std::uint32_t n : m_nodes)
        children.push_back({RowKind::Object, 0, n});
}
