// SPDX-License-Identifier: MIT
// The models of the Trend perspective, over one analysed series (heapscope::Series, immutable and
// shared): the classes with their numbers in every snapshot (each expandable into its leak groups),
// and the leak groups ranked by growth.
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/series.h>
#endif

#include <QAbstractItemModel>
#include <QList>

#include <memory>
#include <vector>

namespace TrendRoles {
enum Role : int {
    /// QList<qreal>: the values a sparkline draws (counts per snapshot, in time order).
    SparklineRole = Qt::UserRole + 200,
    /// int: the leak group's index into Series::leaks (-1 for class rows).
    LeakIndexRole,
    /// int: the class's index into Series::classes (-1 for leak rows).
    ClassIndexRole,
};
}

/// One row per class of the series (sorted as the core sorts them, re-sortable through a proxy with
/// ModelRoles::SortRole); a class that has leak groups expands into them.
///
/// Columns: Constructor, Trend (sparkline of the counts), Count #1..#N, Shallow #1..#N,
/// Retained #1..#N, Δ Count (first to last), Δ Retained, Grows (a mark when it grew in every
/// interval), Verdict (why it is or is not a leak).
class TrendModel : public QAbstractItemModel {
    Q_OBJECT
public:
    explicit TrendModel(QObject* parent = nullptr);

    void setSeries(std::shared_ptr<const heapscope::Series> series);
    const heapscope::Series* series() const { return m_series.get(); }
    int snapshotCount() const;

    int nameColumn() const { return 0; }
    int sparklineColumn() const { return 1; }
    int countColumn(int snapshot) const { return 2 + snapshot; }
    int selfSizeColumn(int snapshot) const { return 2 + snapshotCount() + snapshot; }
    int retainedColumn(int snapshot) const { return 2 + 2 * snapshotCount() + snapshot; }
    int countChangeColumn() const { return 2 + 3 * snapshotCount(); }
    int retainedChangeColumn() const { return countChangeColumn() + 1; }
    int growsColumn() const { return countChangeColumn() + 2; }
    int verdictColumn() const { return countChangeColumn() + 3; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant classData(const heapscope::TrendRow& row, int column, int role) const;
    QVariant leakData(const heapscope::LeakGroup& leak, int column, int role) const;

    std::shared_ptr<const heapscope::Series> m_series;
    /// Per class row, the indexes of its leak groups in Series::leaks.
    std::vector<std::vector<int>> m_leaksOfClass;
};

/// The leak groups of a series, one row each, ranked as the core ranks them (biggest growth of
/// retained size first).
///
/// Columns: Held as (the class and its holder path), Trend, Count (last snapshot), Per step (the
/// average growth of the count), Retained (last), Δ Retained, Survivors, Reason.
class LeakGroupModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column {
        HeldAs,
        Sparkline,
        Count,
        PerStep,
        Retained,
        RetainedChange,
        Survivors,
        Reason,
        ColumnCount
    };

    explicit LeakGroupModel(QObject* parent = nullptr);
    void setSeries(std::shared_ptr<const heapscope::Series> series);
    const heapscope::Series* series() const { return m_series.get(); }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const heapscope::Series> m_series;
};

/// The hops of a leak group's path as text, one per line, the object first: what "Copy Path" puts
/// on the clipboard.
QString leakPathText(const heapscope::LeakGroup& leak);
