// SPDX-License-Identifier: MIT
// The Summary view: classes, their instances, and the instances' outgoing edges, recursively.
#pragma once

#include "objecttreemodel.h"

#include <memory>

class SummaryModel : public ObjectTreeModel {
    Q_OBJECT
public:
    enum Column { ConstructorColumn, DistanceColumn, ShallowColumn, RetainedColumn, ColumnCount };

    explicit SummaryModel(QObject* parent = nullptr);

    /// Background orderings read this class's columns: they stop before its members go.

    ~SummaryModel() override { stopBackgroundOrdering(); }

    /// Shows `aggregates` (a filter's Summary) of `analysis`; null aggregates = "All objects".
    void setSummary(heapscope::AnalysisPtr analysis,
                    std::shared_ptr<const heapscope::Aggregates> aggregates = {});
    const heapscope::Aggregates* aggregates() const { return m_aggregates.get(); }
    /// Case-insensitive substring filter on class names (top-level rows only, as DevTools does).
    void setClassFilter(const QString& text);
    QString classFilter() const { return m_filter; }
    /// Class rows shown now (after the class filter).
    int visibleClassCount() const;

    /// Loads what is needed and returns the instance row of `node`, or an invalid index when the node
    /// is not in the current Summary (filtered out, zero size).
    QModelIndex revealNode(heapscope::NodeOrdinal node);
    /// Top-level row of the class with this Analysis class index.
    QModelIndex classIndex(std::uint32_t analysisClass) const;

protected:
    void populate(const Row* owner, std::vector<Row>& children) const override;
    bool mayHaveChildren(const Row& row) const override;
    std::size_t childCountHint(const Row& row) const override;
    QVariant classRowData(const Row& row, ColumnType column, int role) const override;
    SortKey classSortKey(const Row& row, ColumnType column) const override;

private:
    std::shared_ptr<const heapscope::Aggregates> m_aggregates;
    QString m_filter;
};
