// SPDX-License-Identifier: MIT
#include "comparisonmodel.h"

#include "modelroles.h"
#include "textutil.h"

#include <heapscope/format.h>

#include <QApplication>
#include <QBrush>
#include <QPalette>

#include <cstdlib>

using namespace Qt::StringLiterals;

namespace {
const QString kBullet = QStringLiteral("\u2022");

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

std::int64_t classValue(const heapscope::ClassDiff& c, int column) {
    switch (column) {
    case ComparisonModel::NewColumn:
        return c.newCount;
    case ComparisonModel::DeletedColumn:
        return c.deletedCount;
    case ComparisonModel::DeltaColumn:
        return c.delta();
    case ComparisonModel::AllocColumn:
        return std::int64_t(c.allocSize);
    case ComparisonModel::FreedColumn:
        return std::int64_t(c.freedSize);
    case ComparisonModel::SizeDeltaColumn:
        return c.sizeDelta();
    case ComparisonModel::RetainedDeltaColumn:
        return c.retainedDelta();
    default:
        return 0;
    }
}

bool isDeltaColumn(int column) {
    return column == ComparisonModel::DeltaColumn || column == ComparisonModel::SizeDeltaColumn ||
           column == ComparisonModel::RetainedDeltaColumn;
}
} // namespace

ComparisonModel::ComparisonModel(QObject* parent) : HeapTreeModel(parent) {
    setBatchSize(50);
    setSortColumnSilently(SizeDeltaColumn, Qt::DescendingOrder);
}

void ComparisonModel::reset() {
    beginResetModel();
    std::fill(std::begin(m_maxDelta), std::end(m_maxDelta), 0);
    if (m_comparison)
        for (const auto& c : m_comparison->classes)
            for (int col = NewColumn; col < ColumnCount; ++col)
                m_maxDelta[col] = std::max(m_maxDelta[col], std::abs(classValue(c, col)));
    rebuild();
    endResetModel();
}

void ComparisonModel::setComparison(heapscope::ComparisonPtr comparison) {
    stopBackgroundOrdering(); // workers read the comparison for their sort keys
    m_comparison = std::move(comparison);
    reset();
}

void ComparisonModel::setClassFilter(const QString& text) {
    if (text == m_filter)
        return;
    m_filter = text;
    reset();
}

void ComparisonModel::setOrderByMagnitude(bool on) {
    if (on == m_byMagnitude)
        return;
    stopBackgroundOrdering(); // workers read it for their sort keys
    m_byMagnitude = on;
    sort(sortColumn(), sortOrder());
}

const heapscope::ClassDiff* ComparisonModel::classDiffAt(const QModelIndex& index) const {
    const Row row = rowAt(index);
    if (!m_comparison || row.kind != RowKind::Class || row.value >= m_comparison->classes.size())
        return nullptr;
    return &m_comparison->classes[row.value];
}

int ComparisonModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QVariant ComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case ConstructorColumn:
            return tr("Constructor");
        case NewColumn:
            return tr("# New");
        case DeletedColumn:
            return tr("# Deleted");
        case DeltaColumn:
            return tr("# Delta");
        case AllocColumn:
            return tr("Alloc. Size");
        case FreedColumn:
            return tr("Freed Size");
        case SizeDeltaColumn:
            return tr("Size Delta");
        case RetainedDeltaColumn:
            return tr("Retained Delta");
        }
    } else if (role == Qt::InitialSortOrderRole) {
        return section == ConstructorColumn ? Qt::AscendingOrder : Qt::DescendingOrder;
    } else if (role == Qt::ToolTipRole && section == RetainedDeltaColumn) {
        return tr("Change of the class's retained size (current − base)");
    } else if (role == Qt::TextAlignmentRole && section != ConstructorColumn) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

const heapscope::Analysis* ComparisonModel::analysisForSide(int side) const {
    if (!m_comparison)
        return nullptr;
    return side == BaseSide ? m_comparison->base.get() : m_comparison->current.get();
}

heapscope::AnalysisPtr ComparisonModel::analysisPtrForSide(int side) const {
    if (!m_comparison)
        return nullptr;
    return side == BaseSide ? m_comparison->base : m_comparison->current;
}

void ComparisonModel::populate(const Row* owner, std::vector<Row>& children) const {
    if (!m_comparison)
        return;
    if (!owner) {
        const QString needle = m_filter.trimmed();
        for (std::uint32_t i = 0; i < m_comparison->classes.size(); ++i) {
            if (!needle.isEmpty() &&
                !TextUtil::toQString(m_comparison->classes[i].name).contains(needle, Qt::CaseInsensitive))
                continue;
            children.push_back({RowKind::Class, 0, i});
        }
        return;
    }
    if (owner->kind == RowKind::Class) {
        const heapscope::ClassDiff& c = m_comparison->classes[owner->value];
        children.reserve(c.newNodes.size() + c.deletedNodes.size());
        for (heapscope::NodeOrdinal n : c.newNodes)
            children.push_back({RowKind::Object, CurrentSide, n.value});
        for (heapscope::NodeOrdinal n : c.deletedNodes)
            children.push_back({RowKind::Object, BaseSide, n.value});
        return;
    }
    if (const auto node = nodeOf(*owner))
        appendEdges(*node, owner->side, children);
}

std::size_t ComparisonModel::childCountHint(const Row& row) const {
    if (row.kind == RowKind::Class)
        return m_comparison ? m_comparison->classes[row.value].newNodes.size() +
                                  m_comparison->classes[row.value].deletedNodes.size()
                            : 0;
    return HeapTreeModel::childCountHint(row);
}

bool ComparisonModel::mayHaveChildren(const Row& row) const {
    if (row.kind == RowKind::Class)
        return m_comparison && (m_comparison->classes[row.value].newCount +
                                m_comparison->classes[row.value].deletedCount) > 0;
    return HeapTreeModel::mayHaveChildren(row);
}

QVariant ComparisonModel::classData(const heapscope::ClassDiff& c, int column, int role) const {
    const std::int64_t v = classValue(c, column);
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case ConstructorColumn:
            return TextUtil::toQString(c.name);
        case NewColumn:
        case DeletedColumn:
            return qs(heapscope::format::countNbsp(std::uint64_t(v)));
        case DeltaColumn:
            return qs(heapscope::format::signedCount(v));
        case AllocColumn:
        case FreedColumn:
            return TextUtil::bytesAdaptive(std::uint64_t(v));
        case SizeDeltaColumn:
        case RetainedDeltaColumn:
            return qs(heapscope::format::signedBytes(v));
        }
        return {};
    case ModelRoles::LabelRole:
        return column == ConstructorColumn ? TextUtil::toQString(c.name) : QVariant();
    case ModelRoles::SortRole:
        return column == ConstructorColumn ? QVariant(TextUtil::toQString(c.name)) : QVariant(qlonglong(v));
    case ModelRoles::DeltaRole:
        return isDeltaColumn(column) ? QVariant(qlonglong(v)) : QVariant();
    case ModelRoles::DeltaMaxRole:
        return isDeltaColumn(column) ? QVariant(qlonglong(m_maxDelta[column])) : QVariant();
    case ModelRoles::BytesRole:
        return column >= AllocColumn ? QVariant(qlonglong(v)) : QVariant();
    case Qt::ToolTipRole:
        if (column == ConstructorColumn)
            return tr("%1\nBase: %2 objects, retained %3\nCurrent: %4 objects, retained %5\nSurvived: %6 "
                      "objects")
                .arg(TextUtil::toQString(c.name), TextUtil::grouped(c.baseCount),
                     TextUtil::bytesAdaptive(c.baseRetained), TextUtil::grouped(c.currentCount),
                     TextUtil::bytesAdaptive(c.currentRetained), TextUtil::grouped(c.survivedCount));
        if (column >= AllocColumn)
            return tr("%1 bytes")
                .arg(QString::fromStdString(heapscope::format::grouped(std::uint64_t(std::abs(v)))));
        return {};
    case Qt::TextAlignmentRole:
        return column == ConstructorColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (isDeltaColumn(column) && v != 0)
            return QBrush(v > 0 ? QColor(0xb0, 0x30, 0x20) : QColor(0x20, 0x80, 0x30));
        return {};
    }
    return {};
}

QVariant ComparisonModel::rowData(const Row& row, int column, int role, bool cycle) const {
    if (!m_comparison)
        return {};
    if (row.kind == RowKind::Class)
        return classData(m_comparison->classes[row.value], column, role);
    const heapscope::Analysis* a = analysisForSide(row.side);
    const auto node = nodeOf(row);
    if (!a || !node)
        return {};
    if (column == ConstructorColumn) {
        if (role == Qt::ToolTipRole && row.kind == RowKind::Object) {
            const QVariant tip = objectColumnData(row, role, cycle);
            return QString(tip.toString() + u"\n"_s +
                           (row.side == BaseSide ? tr("Deleted: in the base snapshot only")
                                                 : tr("New: in the current snapshot only")));
        }
        return objectColumnData(row, role, cycle);
    }
    if (role == ModelRoles::PercentRole)
        return {}; // DevTools shows no percentages in the Comparison
    const std::uint64_t self = a->selfSize[*node];
    const bool isInstance = row.kind == RowKind::Object;
    switch (column) {
    case NewColumn:
    case DeletedColumn:
        // An instance row is one new (or deleted) object: a bullet on screen, 1 in exports.
        if (isInstance && row.side == (column == NewColumn ? CurrentSide : BaseSide)) {
            if (role == Qt::DisplayRole)
                return kBullet;
            if (role == ModelRoles::SortRole)
                return qlonglong(1);
        }
        break;
    case AllocColumn:
        if (row.side == CurrentSide)
            return sizeCellData(self, 0, role);
        break;
    case FreedColumn:
        if (row.side == BaseSide)
            return sizeCellData(self, 0, role);
        break;
    }
    if (role == Qt::TextAlignmentRole)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && cycle)
        return QBrush(QApplication::palette().color(QPalette::Disabled, QPalette::Text));
    return {};
}

HeapTreeModel::SortKey ComparisonModel::sortKey(const Row& row, int column) const {
    SortKey key;
    if (row.kind == RowKind::Class) {
        const heapscope::ClassDiff& c = m_comparison->classes[row.value];
        key.text = c.name;
        key.tie = row.value;
        const std::int64_t v = classValue(c, column);
        key.number = double(m_byMagnitude && isDeltaColumn(column) ? std::abs(v) : v);
        return key;
    }
    key = objectSortKey(row);
    const heapscope::Analysis* a = analysisForSide(row.side);
    const auto node = nodeOf(row);
    if (a && node && column >= AllocColumn) {
        key.number = double(a->selfSize[*node]);
        key.text = {};
        key.textNumber = -1;
        key.last = false;
    }
    return key;
}
