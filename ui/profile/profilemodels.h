// SPDX-License-Identifier: MIT
// The item models of a sampling heap profile: DevTools' Bottom-up list (functions, expandable into
// their callers, made on expansion as BottomUpProfileDataGrid makes them), the Top-down tree (the
// profile's visible nodes, O(1) index()/parent()), the comparison of two profiles, and the proxy
// that sorts them by number and searches function names.
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/sampling_profile.h>
#endif

#include "models/modelroles.h"

#include <QAbstractItemModel>
#include <QSortFilterProxyModel>

#include <memory>
#include <vector>

namespace ProfileColumns {
enum Column { Function, SelfSize, SelfPercent, TotalSize, TotalPercent, Samples, Location, Count };
}

namespace ProfileRoles {
enum Role {
    /// The number a column sorts by (sizes and counts as qulonglong, text as QString); the heap
    /// models' sort role, so Export Table writes exact numbers.
    SortRole = ModelRoles::SortRole,
    /// The profile node a Top-down row shows, or the first focus node of a Bottom-up row (uint).
    NodeRole = Qt::UserRole + 200,
    /// The row's function, an index into SamplingProfile::functions (uint).
    FunctionRole,
};
}

/// Cells shared by the Bottom-up and Top-down models.
QVariant profileCell(const heapscope::SamplingProfile& p, std::uint32_t function, std::uint64_t self,
                     std::uint64_t total, std::uint64_t samples, int column, int role);
QVariant profileHeader(int section, Qt::Orientation orientation, int role);

/// DevTools' Bottom-up view: one top-level row per function, its callers below it.
class BottomUpModel : public QAbstractItemModel {
    Q_OBJECT
public:
    BottomUpModel(heapscope::SamplingProfilePtr profile, QObject* parent = nullptr);
    /// With the top-level rows already made (bottomUpFunctions(), e.g. on a worker thread).
    BottomUpModel(heapscope::SamplingProfilePtr profile, std::vector<heapscope::BottomUpRow> rows,
                  QObject* parent = nullptr);
    ~BottomUpModel() override;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const heapscope::SamplingProfile& profile() const { return *m_profile; }
    /// The row behind an index of this model.
    const heapscope::BottomUpRow* row(const QModelIndex& index) const;

private:
    struct Item {
        heapscope::BottomUpRow row;
        int parent; // item index, -1 for a top-level row
        int rowInParent;
        bool fetched = false;
        std::vector<int> children;
    };
    heapscope::SamplingProfilePtr m_profile;
    std::vector<Item> m_items;
    std::vector<int> m_top;
};

/// DevTools' Top-down tree: the head's visible children at the top, each node's visible children
/// below it in file order.
class TopDownModel : public QAbstractItemModel {
    Q_OBJECT
public:
    TopDownModel(heapscope::SamplingProfilePtr profile, QObject* parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const heapscope::SamplingProfile& profile() const { return *m_profile; }
    /// The index of a visible node (not the head), or an invalid index.
    QModelIndex indexOfNode(std::uint32_t node, int column = 0) const;

private:
    heapscope::SamplingProfilePtr m_profile;
    std::vector<std::uint32_t> m_rowInParent; // per node, its row among its parent's visible children
};

/// The comparison of two profiles: one flat row per function.
class ProfileDiffModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { Function, BaseSelf, Self, SelfDelta, BaseTotal, Total, TotalDelta, Location, ColumnCount };
    ProfileDiffModel(std::vector<heapscope::ProfileDiffRow> rows, QObject* parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<heapscope::ProfileDiffRow> m_rows;
};

/// Sorts by ProfileRoles::SortRole and keeps the rows whose function name holds the search text:
/// in a flat list or the Bottom-up view the top level only (callers stay with their function); in
/// the Top-down tree the matching nodes and their ancestors.
class ProfileFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    ProfileFilterModel(bool treeSearch, QObject* parent = nullptr);
    void setSearch(const QString& text);
    QString search() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool m_tree;
    QString m_search;
};
