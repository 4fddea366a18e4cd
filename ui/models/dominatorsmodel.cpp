// SPDX-License-Identifier: MIT
#include "dominatorsmodel.h"

#include "modelroles.h"
#include "textutil.h"

#include <vector>

DominatorsModel::DominatorsModel(QObject* parent)
    : ObjectTreeModel(tr("Object"),
                      {ColumnType::Object, ColumnType::ClassName, ColumnType::Distance, ColumnType::Shallow,
                       ColumnType::Retained},
                      parent) {}

void DominatorsModel::setAnalysis(heapscope::AnalysisPtr analysis) {
    beginResetModel();
    m_analysis = std::move(analysis);
    rebuild();
    endResetModel();
}

void DominatorsModel::populate(const Row* owner, std::vector<Row>& children) const {
    if (!m_analysis)
        return;
    if (!owner) {
        children.push_back({RowKind::Object, 0, m_analysis->snapshot->root().value});
        return;
    }
    const auto dominated = m_analysis->dominatedBy(owner->node());
    children.reserve(dominated.size());
    for (heapscope::NodeOrdinal n : dominated)
        children.push_back({RowKind::Object, 0, n.value});
}

QVariant DominatorsModel::rowData(const Row& row, int column, int role, bool cycle) const {
    if (m_analysis && column == ObjectColumn && row.kind == RowKind::Object &&
        row.node() == m_analysis->snapshot->root() && m_analysis->snapshot->name(row.node()).empty()) {
        static const QString kRoot = QStringLiteral("(root)");
        switch (role) {
        case Qt::DisplayRole:
            return QString(kRoot + u' ' + TextUtil::idText(*m_analysis, row.node()));
        case ModelRoles::LabelRole:
        case ModelRoles::SortRole:
            return kRoot;
        case Qt::ToolTipRole:
            return tr("The snapshot's root: it dominates every object, and its children are the objects no "
                      "other object alone keeps alive.");
        }
    }
    return ObjectTreeModel::rowData(row, column, role, cycle);
}

bool DominatorsModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && ObjectTreeModel::canFetchMore(parent);
}

bool DominatorsModel::mayHaveChildren(const Row& row) const {
    return m_analysis && !m_analysis->dominatedBy(row.node()).empty();
}

std::size_t DominatorsModel::childCountHint(const Row& row) const {
    if (!m_analysis || row.kind != RowKind::Object)
        return 0;
    return m_analysis->dominatedBy(row.node()).size();
}

QModelIndex DominatorsModel::revealNode(heapscope::NodeOrdinal node) {
    if (!m_analysis || node.value >= m_analysis->snapshot->nodeCount)
        return {};
    const heapscope::Analysis& a = *m_analysis;
    std::vector<heapscope::NodeOrdinal> chain; // node, idom(node), ..., root
    for (heapscope::NodeOrdinal n = node;; n = a.dominator[n]) {
        chain.push_back(n);
        if (n == a.snapshot->root() || a.dominator[n] == n || chain.size() > a.snapshot->nodeCount)
            break;
    }
    if (chain.back() != a.snapshot->root())
        return {};
    QModelIndex idx = index(0, 0);
    for (auto it = chain.rbegin() + 1; it != chain.rend() && idx.isValid(); ++it) {
        const heapscope::NodeOrdinal target = *it;
        idx = revealChild(idx, [target](const Row& r) { return r.node() == target; });
    }
    return idx;
}
