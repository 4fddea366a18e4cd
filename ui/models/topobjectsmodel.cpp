// SPDX-License-Identifier: MIT
#include "topobjectsmodel.h"

#include "jobs/backgroundjob.h"
#include "textutil.h"

#include <algorithm>
#include <queue>

TopObjectsModel::TopObjectsModel(QObject* parent)
    : ObjectTreeModel(tr("Object"),
                      {ColumnType::Object, ColumnType::ClassName, ColumnType::Shallow, ColumnType::Retained},
                      parent),
      m_job(new BackgroundJob(this)) {}

std::vector<heapscope::NodeOrdinal> TopObjectsModel::biggestObjects(const heapscope::Analysis& a,
                                                                    std::size_t count,
                                                                    const heapscope::StopFlag* stop) {
    const heapscope::Snapshot& s = *a.snapshot;
    // Min-heap of the best `count` so far: O(N log count), no full sort of millions of nodes.
    auto greater = [&a](heapscope::NodeOrdinal x, heapscope::NodeOrdinal y) {
        if (a.retainedSize[x] != a.retainedSize[y])
            return a.retainedSize[x] > a.retainedSize[y];
        return x < y;
    };
    std::priority_queue<heapscope::NodeOrdinal, std::vector<heapscope::NodeOrdinal>, decltype(greater)> heap(
        greater);
    for (heapscope::NodeOrdinal n : s.nodes()) {
        if ((n.value & 0xFFFFF) == 0 && stop && stop->stopRequested())
            return {};
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
    std::vector<heapscope::NodeOrdinal> out;
    out.reserve(heap.size());
    while (!heap.empty()) {
        out.push_back(heap.top());
        heap.pop();
    }
    std::reverse(out.begin(), out.end());
    return out;
}

bool TopObjectsModel::isComputing() const {
    return m_job->isRunning();
}

void TopObjectsModel::setAnalysis(heapscope::AnalysisPtr analysis, int count) {
    m_job->cancel(); // a scan for the previous analysis
    beginResetModel();
    m_analysis = std::move(analysis);
    m_nodes.clear();
    const bool background = m_analysis && m_analysis->snapshot->nodeCount >= m_backgroundNodes;
    if (m_analysis && !background)
        m_nodes = biggestObjects(*m_analysis, std::size_t(count));
    if (background)
        rebuildBusy(tr("Finding the %1 biggest objects among %2…")
                        .arg(count)
                        .arg(TextUtil::grouped(m_analysis->snapshot->nodeCount)));
    else
        rebuild();
    endResetModel();
    if (!background)
        return;
    m_job->start(
        [analysis = m_analysis, count](JobContext& job) {
            return biggestObjects(*analysis, std::size_t(count), job.work().stop);
        },
        [this](std::vector<heapscope::NodeOrdinal> nodes) {
            beginResetModel();
            m_nodes = std::move(nodes);
            rebuild();
            endResetModel();
            Q_EMIT ready();
        });
}

void TopObjectsModel::populate(const Row* owner, std::vector<Row>& children) const {
    if (owner)
        return;
    for (heapscope::NodeOrdinal n : m_nodes)
        children.push_back({RowKind::Object, 0, n.value});
}
