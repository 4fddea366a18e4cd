// SPDX-License-Identifier: MIT
#include "statisticsmodel.h"

#include "modelroles.h"
#include "textutil.h"

#include <QBrush>
#include <QPixmap>

#include <cmath>

StatisticsModel::StatisticsModel(QObject* parent) : QAbstractTableModel(parent) {}

void StatisticsModel::setAnalysis(heapscope::AnalysisPtr analysis) {
    beginResetModel();
    m_categories.clear();
    m_total = 0;
    if (analysis) {
        const heapscope::Statistics& s = analysis->statistics;
        m_total = s.total;
        // DevTools' slices and colours, in its order.
        m_categories = {
            {tr("Code"), s.code, QColor(0xf4, 0x8f, 0xb1)},
            {tr("Strings"), s.strings, QColor(0x8a, 0xb4, 0xf8)},
            {tr("JS arrays"), s.jsArrays, QColor(0xa7, 0x9a, 0xf0)},
            {tr("Typed arrays"), s.typedArrays, QColor(0x81, 0xc9, 0x95)},
            {tr("System objects"), s.system, QColor(0xfd, 0xd6, 0x63)},
            {tr("Other JS objects"), s.otherJs(), QColor(0xe8, 0xea, 0xed)},
            {tr("Other non-JS objects (such as HTML and CSS)"), s.otherNative(), QColor(0x78, 0xd9, 0xec)},
        };
    }
    endResetModel();
}

int StatisticsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_categories.size());
}

int StatisticsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StatisticsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_categories.size())
        return {};
    const Category& c = m_categories[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case CategoryColumn:
            return c.name;
        case SizeColumn:
            return TextUtil::sizeKB(c.bytes);
        case PercentColumn:
            return TextUtil::percent(c.bytes, m_total);
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == CategoryColumn) {
            QPixmap swatch(12, 12);
            swatch.fill(c.color);
            return swatch;
        }
        return {};
    case Qt::ToolTipRole:
        return TextUtil::exactBytes(c.bytes);
    case Qt::TextAlignmentRole:
        return index.column() == CategoryColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case ColorRole:
        return c.color;
    case BytesRole:
        return qulonglong(c.bytes);
    case ModelRoles::SortRole:
        // The exact value of each cell, as exports write it: a name, bytes, a percentage.
        switch (index.column()) {
        case CategoryColumn:
            return c.name;
        case SizeColumn:
            return qulonglong(c.bytes);
        case PercentColumn:
            return m_total ? std::round(double(c.bytes) * 10000.0 / double(m_total)) / 100.0 : 0.0;
        }
        return {};
    }
    return {};
}

QVariant StatisticsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CategoryColumn:
        return tr("Category");
    case SizeColumn:
        return tr("Size");
    case PercentColumn:
        return tr("%");
    }
    return {};
}
