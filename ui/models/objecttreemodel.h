// SPDX-License-Identifier: MIT
// A heap tree over one analysis with the usual object columns (Object, Distance, Shallow, Retained).
#pragma once

#include "heaptreemodel.h"

#include <QList>

class ObjectTreeModel : public HeapTreeModel {
    Q_OBJECT
public:
    enum class ColumnType { Object, ClassName, Distance, Shallow, Retained };

    ObjectTreeModel(const QString& objectTitle, const QList<ColumnType>& columns, QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    heapscope::AnalysisPtr analysis() const { return m_analysis; }
    ColumnType columnType(int column) const { return m_columns.value(column); }
    int columnOf(ColumnType type) const { return int(m_columns.indexOf(type)); }

protected:
    const heapscope::Analysis* analysisForSide(int) const override { return m_analysis.get(); }
    heapscope::AnalysisPtr analysisPtrForSide(int) const override { return m_analysis; }
    QVariant rowData(const Row& row, int column, int role, bool cycle) const override;
    SortKey sortKey(const Row& row, int column) const override;
    bool isNameColumn(int column) const override;

    /// Rows that are not objects (Summary's class rows).
    virtual QVariant classRowData(const Row& row, ColumnType column, int role) const { return {}; }
    virtual SortKey classSortKey(const Row& row, ColumnType column) const { return {}; }
    /// Distance shown for a row (the Retainers pane substitutes its own).
    virtual std::int32_t rowDistance(const Row& row, heapscope::NodeOrdinal node) const;
    virtual QString distanceText(const Row& row, heapscope::NodeOrdinal node) const;
    virtual bool isRowGreyed(const Row& row, heapscope::NodeOrdinal node) const { return false; }

    heapscope::AnalysisPtr m_analysis;
    QString m_objectTitle;
    QList<ColumnType> m_columns;
};
