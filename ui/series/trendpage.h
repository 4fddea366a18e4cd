// SPDX-License-Identifier: MIT
// The Trend perspective of a series of snapshots: which groups of objects leak, held how, and
// every class over time, with a chart of the selected ones. The series is analysed in the
// background (one file at a time, bounded memory) with progress and cancel.
#pragma once

#ifndef Q_MOC_RUN
#include <heapscope/series.h>
#endif

#include <QStringList>
#include <QWidget>

#include <memory>

class BackgroundJob;
class LeakGroupModel;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;
class TrendChart;
class TrendModel;

class TrendPage : public QWidget {
    Q_OBJECT
public:
    explicit TrendPage(QWidget* parent = nullptr);
    ~TrendPage() override;

    /// Loads and analyses the files as a series (in the background; a running analysis is
    /// cancelled). The page orders them in time itself.
    /// With `keepGivenOrder`, the files' order is the time order (the user's): nothing is reordered.
    void analyze(const QStringList& paths, bool keepGivenOrder = false);
    void cancel();
    bool isRunning() const;
    /// The files of the last analyze().
    QStringList paths() const { return m_paths; }
    std::shared_ptr<const heapscope::Series> series() const { return m_series; }

    TrendModel* trendModel() const { return m_trendModel; }
    LeakGroupModel* leakModel() const { return m_leakModel; }
    QTreeView* trendView() const { return m_trendView; }
    QTreeView* leakView() const { return m_leakView; }
    TrendChart* chart() const { return m_chart; }
    /// The text of the selected leak group's path (empty when none is selected).
    QString selectedPathText() const;

    /// The snapshots in the series' order, the files left out after them.
    QListWidget* snapshotList() const { return m_snapshots; }
    /// Moves the selected snapshot one place earlier (-1) or later (+1), or leaves it out, and
    /// analyses the series again in that order.
    void moveSelectedSnapshot(int step);
    void leaveOutSelectedSnapshot();
    /// Back to the order the files tell.
    void restoreTimeOrder();

Q_SIGNALS:
    /// The series is analysed (or failed: then series() is null).
    void finished();
    /// "Show Objects": these objects (ids) of the snapshot at `path` should be revealed.
    void showObjectsRequested(const QString& path, const QList<quint32>& ids);
    void statusMessage(const QString& text);

private:
    void onFinished(heapscope::Expected<heapscope::Series> result);
    QStringList loadedPaths() const;
    void updateSnapshotList();
    void updateHeader();
    void onLeakSelected();
    void onClassesSelected();
    int selectedLeak() const;

    QStringList m_paths;
    bool m_keepGivenOrder = false;
    QListWidget* m_snapshots;
    QPushButton* m_earlier;
    QPushButton* m_later;
    QPushButton* m_leaveOut;
    QPushButton* m_timeOrder;
    std::shared_ptr<const heapscope::Series> m_series;
    BackgroundJob* m_job;
    QLabel* m_title;
    QLabel* m_banner;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QPushButton* m_again;
    TrendModel* m_trendModel;
    LeakGroupModel* m_leakModel;
    QSortFilterProxyModel* m_trendProxy;
    QSortFilterProxyModel* m_leakProxy;
    QTreeView* m_trendView;
    QTreeView* m_leakView;
    TrendChart* m_chart;
    QPlainTextEdit* m_pathText;
    QPushButton* m_copyPath;
    QPushButton* m_showObjects;
};
