// SPDX-License-Identifier: MIT
// The Allocation perspective's model: the bottom-up tree of allocating functions and their callers;
// plus the one profile per snapshot that the perspective and the Allocation stack pane share.
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/allocation.h>
#endif

#include <QAbstractItemModel>
#include <QObject>

#include <unordered_map>
#include <vector>

class BackgroundJob;

/// Builds a snapshot's allocation profile once, on the job pool, for the Allocation perspective and
/// the Allocation stack pane.
class AllocationProfileSource : public QObject {
    Q_OBJECT
public:
    /// Starts building at once when the snapshot has allocation traces.
    explicit AllocationProfileSource(heapscope::AnalysisPtr analysis, QObject* parent = nullptr);
    heapscope::AnalysisPtr analysis() const { return m_analysis; }
    /// Null until ready() (and when building failed: error() says why).
    heapscope::AllocationProfilePtr profile() const { return m_profile; }
    QString error() const { return m_error; }
    bool isReady() const { return m_profile != nullptr || !m_error.isEmpty(); }

Q_SIGNALS:
    void ready();

private:
    heapscope::AnalysisPtr m_analysis;
    heapscope::AllocationProfilePtr m_profile;
    QString m_error;
    BackgroundJob* m_job;
};

/// DevTools' allocation grid: the functions that allocated (tops), each expandable into its callers
/// down to the trace tree's root. A row is a bottom-up node of the profile. Levels (the children of
/// one row) are made and ordered when the view first asks for them; index() and parent() are O(1)
/// (an index keeps its parent's node, every node knows its row).
class AllocationModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column {
        FunctionColumn,
        LocationColumn,
        LiveCountColumn,
        CountColumn,
        LiveSizeColumn,
        SizeColumn,
        ColumnCount
    };
    static constexpr std::uint32_t kNoCallNode = heapscope::kNoIndex; ///< no bottom-up node

    explicit AllocationModel(QObject* parent = nullptr);
    void setProfile(heapscope::AllocationProfilePtr profile);
    heapscope::AllocationProfilePtr profile() const { return m_profile; }
    /// The bottom-up node of a row (kNoCallNode for an invalid index).
    std::uint32_t nodeAt(const QModelIndex& index) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

private:
    /// The rows under `parent` (kNoCallNode: the tops), made and ordered on first use.
    const std::vector<std::uint32_t>& level(std::uint32_t parent) const;
    void orderLevel(std::vector<std::uint32_t>& rows) const;
    std::uint64_t value(std::uint32_t node, int column) const;
    QString functionText(std::uint32_t node) const;
    QString locationText(std::uint32_t node) const;

    heapscope::AllocationProfilePtr m_profile;
    mutable std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> m_levels;
    mutable std::vector<std::uint32_t> m_rowOf; ///< per node, its row in its level (once made)
    int m_sortColumn = SizeColumn;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
};
