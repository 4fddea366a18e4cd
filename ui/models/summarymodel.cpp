// SPDX-License-Identifier: MIT
#include "summarymodel.h"

#include "modelroles.h"
#include "textutil.h"

using namespace Qt::StringLiterals;

SummaryModel::SummaryModel(QObject* parent)
    : ObjectTreeModel(tr("Constructor"),
                      {ColumnType::Object, ColumnType::Distance, ColumnType::Shallow, ColumnType::Retained},
                      parent) {}

void SummaryModel::setSummary(heapscope::AnalysisPtr analysis,
                              std::shared_ptr<const heapscope::Aggregates> aggregates) {
    beginResetModel();
    if (analysis && !aggregates)
        aggregates = std::shared_ptr<const heapscope::Aggregates>(analysis, &analysis->allObjects);
    m_analysis = std::move(analysis);
    m_aggregates = std::move(aggregates);
    rebuild();
    endResetModel();
}

void SummaryModel::setClassFilter(const QString& text) {
    if (text == m_filter)
        return;
    beginResetModel();
    m_filter = text;
    rebuild();
    endResetModel();
}

int SummaryModel::visibleClassCount() const {
    return rowCount();
}

void SummaryModel::populate(const Row* owner, std::vector<Row>& children) const {
    if (!m_analysis || !m_aggregates)
        return;
    if (!owner) {
        const auto& classes = m_aggregates->classes;
        children.reserve(classes.size());
        const QString needle = m_filter.trimmed();
        for (std::uint32_t i = 0; i < classes.size(); ++i) {
            if (!needle.isEmpty()) {
                const QString name = TextUtil::toQString(m_analysis->classes[classes[i].classIndex].name);
                if (!name.contains(needle, Qt::CaseInsensitive))
                    continue;
            }
            children.push_back({RowKind::Class, 0, i});
        }
        return;
    }
    if (owner->kind == RowKind::Class) {
        const auto& instances = m_aggregates->classes[owner->value].instances;
        children.reserve(instances.size());
        for (heapscope::NodeOrdinal node : instances)
            children.push_back({RowKind::Object, 0, node.value});
        return;
    }
    if (const auto node = nodeOf(*owner))
        appendEdges(*node, 0, children);
}

std::size_t SummaryModel::childCountHint(const Row& row) const {
    if (row.kind == RowKind::Class)
        return m_aggregates ? m_aggregates->classes[row.value].instances.size() : 0;
    return HeapTreeModel::childCountHint(row);
}

bool SummaryModel::mayHaveChildren(const Row& row) const {
    if (row.kind == RowKind::Class)
        return m_aggregates && !m_aggregates->classes[row.value].instances.empty();
    return HeapTreeModel::mayHaveChildren(row);
}

QVariant SummaryModel::classRowData(const Row& row, ColumnType column, int role) const {
    const heapscope::ClassAggregate& c = m_aggregates->classes[row.value];
    const QString name = TextUtil::toQString(m_analysis->classes[c.classIndex].name);
    switch (column) {
    case ColumnType::Object:
        switch (role) {
        case Qt::DisplayRole:
            return c.count > 1 ? QString(name + u"  ×"_s + TextUtil::grouped(c.count)) : name;
        case ModelRoles::LabelRole:
        case ModelRoles::SortRole:
            return name;
        case ModelRoles::CountRole:
            return c.count > 1 ? QString(u"×"_s + TextUtil::grouped(c.count)) : QString();
        case ModelRoles::CountValueRole:
            return qulonglong(c.count);
        case Qt::ToolTipRole:
            return tr("%1\n%2 objects\nClass key: %3")
                .arg(name, TextUtil::grouped(c.count),
                     TextUtil::toQString(m_analysis->classes[c.classIndex].key));
        }
        return {};
    case ColumnType::Distance:
        if (role == Qt::DisplayRole)
            return TextUtil::distance(c.distance);
        if (role == ModelRoles::SortRole)
            return c.distance;
        if (role == Qt::TextAlignmentRole)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case ColumnType::Shallow:
        return sizeCellData(c.selfSize, m_analysis->totalSize, role);
    case ColumnType::Retained:
        return sizeCellData(c.retainedSize, m_analysis->totalSize, role);
    default:
        return {};
    }
}

ObjectTreeModel::SortKey SummaryModel::classSortKey(const Row& row, ColumnType column) const {
    const heapscope::ClassAggregate& c = m_aggregates->classes[row.value];
    SortKey key;
    key.text = m_analysis->classes[c.classIndex].name;
    key.tie = row.value; // first-seen order
    switch (column) {
    case ColumnType::Distance:
        key.number = c.distance;
        break;
    case ColumnType::Shallow:
        key.number = double(c.selfSize);
        break;
    case ColumnType::Retained:
        key.number = double(c.retainedSize);
        break;
    default:
        break;
    }
    return key;
}

QModelIndex SummaryModel::classIndex(std::uint32_t analysisClass) const {
    if (!m_aggregates)
        return {};
    const int rows = rowCount();
    for (int r = 0; r < rows; ++r) {
        const QModelIndex idx = index(r, 0);
        const Row row = rowAt(idx);
        if (row.kind == RowKind::Class && m_aggregates->classes[row.value].classIndex == analysisClass)
            return idx;
    }
    return {};
}

QModelIndex SummaryModel::revealNode(heapscope::NodeOrdinal node) {
    if (!m_analysis || node.value >= m_analysis->snapshot->nodeCount)
        return {};
    const QModelIndex cls = classIndex(m_analysis->classOf[node]);
    if (!cls.isValid())
        return {};
    return revealChild(cls, [node](const Row& r) { return r.kind == RowKind::Object && r.node() == node; });
}
