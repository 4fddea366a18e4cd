// SPDX-License-Identifier: MIT
// The Comparison view: what was allocated and freed between a base snapshot and the current one.
#pragma once

#include "heaptreemodel.h"

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/comparison.h>
#endif

/// Class rows from core's Comparison; a class expands to its new instances (current snapshot,
/// side 0) then its deleted ones (base snapshot, side 1); an instance expands to its edges in its
/// own snapshot.
class ComparisonModel : public HeapTreeModel {
    Q_OBJECT
public:
    enum Column {
        ConstructorColumn,
        NewColumn,
        DeletedColumn,
        DeltaColumn,
        AllocColumn,
        FreedColumn,
        SizeDeltaColumn,
        RetainedDeltaColumn,
        ColumnCount
    };
    enum Side : std::uint8_t { CurrentSide = 0, BaseSide = 1 };

    explicit ComparisonModel(QObject* parent = nullptr);

    /// Background orderings read this class's columns: they stop before its members go.

    ~ComparisonModel() override { stopBackgroundOrdering(); }

    void setComparison(heapscope::ComparisonPtr comparison);
    heapscope::ComparisonPtr comparison() const { return m_comparison; }
    void setClassFilter(const QString& text);
    /// Deltas sort by absolute value (biggest change first, growth or shrinkage).
    void setOrderByMagnitude(bool on);
    bool orderByMagnitude() const { return m_byMagnitude; }
    /// The class a class row shows; null for other rows.
    const heapscope::ClassDiff* classDiffAt(const QModelIndex& index) const;

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    void populate(const Row* owner, std::vector<Row>& children) const override;
    bool mayHaveChildren(const Row& row) const override;
    std::size_t childCountHint(const Row& row) const override;
    const heapscope::Analysis* analysisForSide(int side) const override;
    heapscope::AnalysisPtr analysisPtrForSide(int side) const override;
    QVariant rowData(const Row& row, int column, int role, bool cycle) const override;
    SortKey sortKey(const Row& row, int column) const override;
    bool isNameColumn(int column) const override { return column == ConstructorColumn; }
    std::shared_ptr<const void> sortKeyOwner() const override { return m_comparison; }

private:
    void reset();
    QVariant classData(const heapscope::ClassDiff& c, int column, int role) const;

    heapscope::ComparisonPtr m_comparison;
    QString m_filter;
    bool m_byMagnitude = false;
    std::int64_t m_maxDelta[ColumnCount] = {};
};
