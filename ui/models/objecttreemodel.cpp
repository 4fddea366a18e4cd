// SPDX-License-Identifier: MIT
#include "objecttreemodel.h"

#include "modelroles.h"
#include "textutil.h"

#include <QApplication>
#include <QBrush>
#include <QPalette>

ObjectTreeModel::ObjectTreeModel(const QString& objectTitle, const QList<ColumnType>& columns,
                                 QObject* parent)
    : HeapTreeModel(parent), m_objectTitle(objectTitle), m_columns(columns) {
    setSortColumnSilently(int(m_columns.indexOf(ColumnType::Retained)), Qt::DescendingOrder);
}

int ObjectTreeModel::columnCount(const QModelIndex&) const {
    return int(m_columns.size());
}

QVariant ObjectTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= m_columns.size())
        return {};
    const ColumnType type = m_columns[section];
    if (role == Qt::DisplayRole) {
        switch (type) {
        case ColumnType::Object:
            return m_objectTitle;
        case ColumnType::ClassName:
            return tr("Class");
        case ColumnType::Distance:
            return tr("Distance");
        case ColumnType::Shallow:
            return tr("Shallow Size");
        case ColumnType::Retained:
            return tr("Retained Size");
        }
    } else if (role == Qt::InitialSortOrderRole) {
        return (type == ColumnType::Shallow || type == ColumnType::Retained) ? Qt::DescendingOrder
                                                                             : Qt::AscendingOrder;
    } else if (role == Qt::ToolTipRole) {
        switch (type) {
        case ColumnType::Distance:
            return tr("Length of the shortest path from a GC root");
        case ColumnType::Shallow:
            return tr("Size of the object itself");
        case ColumnType::Retained:
            return tr("Size freed if the object were collected, with everything only it keeps alive");
        default:
            return {};
        }
    } else if (role == Qt::TextAlignmentRole && type != ColumnType::Object && type != ColumnType::ClassName) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

bool ObjectTreeModel::isNameColumn(int column) const {
    const ColumnType t = m_columns.value(column);
    return t == ColumnType::Object || t == ColumnType::ClassName;
}

std::int32_t ObjectTreeModel::rowDistance(const Row&, heapscope::NodeOrdinal node) const {
    return m_analysis->distance[node];
}

QString ObjectTreeModel::distanceText(const Row& row, heapscope::NodeOrdinal node) const {
    return TextUtil::distance(rowDistance(row, node));
}

QVariant ObjectTreeModel::rowData(const Row& row, int column, int role, bool cycle) const {
    if (!m_analysis || column < 0 || column >= m_columns.size())
        return {};
    const ColumnType type = m_columns[column];
    if (row.kind == RowKind::Class)
        return classRowData(row, type, role);
    const auto node = nodeOf(row);
    if (!node)
        return {};
    const heapscope::Analysis& a = *m_analysis;
    const bool greyed = cycle || isRowGreyed(row, *node);
    if (role == ModelRoles::GreyedRole)
        return greyed;
    if (role == Qt::ForegroundRole && greyed)
        return QBrush(QApplication::palette().color(QPalette::Disabled, QPalette::Text));
    switch (type) {
    case ColumnType::Object:
        return objectColumnData(row, role, greyed);
    case ColumnType::ClassName:
        if (role == Qt::DisplayRole || role == ModelRoles::SortRole)
            return TextUtil::toQString(a.classInfo(*node).name);
        return {};
    case ColumnType::Distance:
        switch (role) {
        case Qt::DisplayRole:
            return distanceText(row, *node);
        case ModelRoles::SortRole:
            return rowDistance(row, *node);
        case Qt::TextAlignmentRole:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        }
        return {};
    case ColumnType::Shallow:
        return sizeCellData(a.selfSize[*node], a.totalSize, role);
    case ColumnType::Retained:
        return sizeCellData(a.retainedSize[*node], a.totalSize, role);
    }
    return {};
}

ObjectTreeModel::SortKey ObjectTreeModel::sortKey(const Row& row, int column) const {
    const ColumnType type = m_columns.value(column);
    if (row.kind == RowKind::Class)
        return classSortKey(row, type);
    SortKey key = objectSortKey(row);
    const auto node = nodeOf(row);
    if (!node)
        return key;
    const heapscope::Analysis& a = *m_analysis;
    switch (type) {
    case ColumnType::Object:
        break;
    case ColumnType::ClassName:
        key.text = a.classInfo(*node).name;
        key.textNumber = -1;
        break;
    case ColumnType::Distance:
        key.number = rowDistance(row, *node);
        break;
    case ColumnType::Shallow:
        key.number = double(a.selfSize[*node]);
        break;
    case ColumnType::Retained:
        key.number = double(a.retainedSize[*node]);
        break;
    }
    if (type != ColumnType::Object)
        key.last = false;
    return key;
}
