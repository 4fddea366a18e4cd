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
        children.push_back({RowKind::Object, 0, m_analysis->snapshot->rootOrdinal});
        return;
    }
    const std::uint32_t n = owner->value;
    const heapscope::Analysis& a = *m_analysis;
    children.reserve(a.firstDominated()[n + 1] - a.firstDominated()[n]);
    for (std::uint32_t i = a.firstDominated()[n]; i < a.firstDominated()[n + 1]; ++i)
        children.push_back({RowKind::Object, 0, a.dominated()[i]});
}

QVariant DominatorsModel::rowData(const Row& row, int column, int role, bool cycle) const {
    if (m_analysis && column == ObjectColumn && row.kind == RowKind::Object &&
        row.value == m_analysis->snapshot->rootOrdinal && m_analysis->snapshot->name(row.value).empty()) {
        static const QString kRoot = QStringLiteral("(root)");
        switch (role) {
        case Qt::DisplayRole:
            return QString(kRoot + u' ' + TextUtil::idText(*m_analysis, row.value));
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
    return m_analysis &&
           m_analysis->firstDominated()[row.value + 1] > m_analysis->firstDominated()[row.value];
}

std::size_t DominatorsModel::childCountHint(const Row& row) const {
    if (!m_analysis || row.kind != RowKind::Object)
        return 0;
    return m_analysis->firstDominated()[row.value + 1] - m_analysis->firstDominated()[row.value];
}

QModelIndex DominatorsModel::revealNode(std::uint32_t node) {
    if (!m_analysis || node >= m_analysis->snapshot->nodeCount)
        return {};
    const heapscope::Analysis& a = *m_analysis;
    std::vector<std::uint32_t> chain; // node, idom(node), ..., root
    for (std::uint32_t n = node;; n = a.dominator[n]) {
        chain.push_back(n);
        if (n == a.snapshot->rootOrdinal || a.dominator[n] == n || chain.size() > a.snapshot->nodeCount)
            break;
    }
    if (chain.back() != a.snapshot->rootOrdinal)
        return {};
    QModelIndex idx = index(0, 0);
    for (auto it = chain.rbegin() + 1; it != chain.rend() && idx.isValid(); ++it) {
        const std::uint32_t target = *it;
        idx = revealChild(idx, [target](const Row& r) { return r.value == target; });
    }
    return idx;
}
