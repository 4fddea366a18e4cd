// SPDX-License-Identifier: MIT
#include "containmentmodel.h"

ContainmentModel::ContainmentModel(QObject* parent)
    : ObjectTreeModel(tr("Object"),
                      {ColumnType::Object, ColumnType::Distance, ColumnType::Shallow, ColumnType::Retained},
                      parent) {}

void ContainmentModel::setAnalysis(heapscope::AnalysisPtr analysis) {
    beginResetModel();
    m_analysis = std::move(analysis);
    rebuild();
    endResetModel();
}

void ContainmentModel::populate(const Row* owner, std::vector<Row>& children) const {
    if (!m_analysis)
        return;
    // Top level: the root's own edges ([1] → (GC roots), user globals in old snapshots).
    const auto node =
        owner ? nodeOf(*owner) : std::optional<heapscope::NodeOrdinal>(m_analysis->snapshot->root());
    if (node)
        appendEdges(*node, 0, children);
}
