// SPDX-License-Identifier: MIT
// "How are they held?": the new objects of a Comparison class grouped by holder path (core
// groupByHolderPaths), so that 3,000 new objects held the same way are one row. Shown beside
// Retainers. The holder paths of the whole snapshot are worked out once (in the background, on the
// first class selected) and kept for the snapshot: later classes are only grouped.
#pragma once

#ifndef Q_MOC_RUN
#include <heapscope/comparison.h>
#include <heapscope/holder_paths.h>
#endif

#include <QAbstractItemModel>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <vector>

class BackgroundJob;
class Navigator;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeView;

/// The groups, biggest retained size first. Columns: Count, Retained, Shallow, Held as.
class HolderGroupModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { Count, Retained, Shallow, HeldAs, ColumnCount };
    struct Result {
        heapscope::AnalysisPtr analysis;
        std::shared_ptr<const heapscope::HolderPathTable> table;
        std::vector<heapscope::HolderGroup> groups;
    };

    explicit HolderGroupModel(QObject* parent = nullptr);
    void setResult(std::shared_ptr<const Result> result);
    const Result* result() const { return m_result.get(); }
    /// "RequestRecord ← records in Session ← …" of a row.
    QString description(int row) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const Result> m_result;
};

/// The holder paths of every node of one analysis, in the table they were interned in: made once
/// per snapshot, then only read (shared by the results grouped from it).
struct HolderPathCache {
    /// The analysis the paths are of; weak, so that the cache never keeps a closed snapshot alive
    /// nor matches a later analysis.
    std::weak_ptr<const heapscope::Analysis> analysis;
    std::shared_ptr<const heapscope::HolderPathTable> table;
    std::vector<std::uint32_t> pathOfNode; ///< summarizeHolderPaths() of the analysis
};

class HolderGroupsPane : public QWidget {
    Q_OBJECT
public:
    explicit HolderGroupsPane(Navigator* navigator, QWidget* parent = nullptr);
    ~HolderGroupsPane() override;

    /// Groups the new objects of `comparison->classes[classRow]` (in the background).
    void setClass(const heapscope::ComparisonPtr& comparison, int classRow);
    void clear();
    bool isBusy() const;
    HolderGroupModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    /// The analysis whose holder paths are kept (null when none are, or that snapshot is gone).
    heapscope::AnalysisPtr cachedFor() const;
    /// How many times the holder paths of a whole snapshot were worked out for a shown result.
    int summaryCount() const { return m_summaryCount; }

Q_SIGNALS:
    /// The groups of the last setClass() are shown.
    void groupsShown();

private:
    void onGroupSelected();

    Navigator* m_navigator;
    BackgroundJob* m_job;
    HolderGroupModel* m_model;
    QLabel* m_status;
    QTreeView* m_view;
    QPlainTextEdit* m_path;
    QPushButton* m_copy;
    QPushButton* m_export;
    QString m_className;
    std::shared_ptr<const HolderPathCache> m_paths;
    int m_summaryCount = 0;
};
