// SPDX-License-Identifier: MIT
// The application window: sidebar of open snapshots, start/loading/results pages, menus.
#pragma once

#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QSet>

#include "tableexport.h"

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/common.h>
#endif

#include <cstdint>
#include <memory>
#include <vector>

namespace heapscope {
class Analysis;
}

class BackgroundJob;
class IndexKeeper;
class LoadingPage;
class Navigator;
class QLabel;
class QListView;
class QAction;
class QMenu;
class QStackedWidget;
class QTemporaryDir;
class QTreeView;
class RetainerPathActions;
class SnapshotDocument;
class SnapshotListModel;
class SnapshotSession;
class SnapshotView;
class StartPage;
class TrendPage;
class BackgroundJob;
class QPushButton;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    SnapshotSession* session() const { return m_session; }
    Navigator* navigator() const { return m_navigator; }
    SnapshotDocument* currentDocument() const;
    /// The results of the selected snapshot, or null while it loads (or failed).
    SnapshotView* currentView() const;
    /// The document's view if it has been shown (views are made when first shown).
    SnapshotView* viewFor(const SnapshotDocument* doc) const;
    /// The document's view, made now if it was not shown yet; null while the document loads.
    SnapshotView* ensureView(SnapshotDocument* doc);
    QListView* sidebar() const { return m_sidebar; }
    QStackedWidget* pages() const { return m_stack; }
    StartPage* startPage() const { return m_start; }
    LoadingPage* loadingPage() const { return m_loading; }

    /// Opens each file; with two or more, the Comparison of the newest against the previous one is
    /// shown once they are loaded.
    void openFiles(const QStringList& paths);
    /// Opens the bundled example pair; false when it is not installed.
    bool openExample();
    /// Where the bundled examples are (embedded resources, or next to the installed program).
    static QStringList examplePaths();
    QStringList recentFiles() const;
    void selectDocument(SnapshotDocument* doc);

    RetainerPathActions* retainerPathActions() const { return m_pathActions; }
    /// The retainers ignored in the snapshot of `analysis` (the session keeps them); they are left
    /// out of retainer path searches.
    std::vector<heapscope::NodeOrdinal> ignoredRetainers(const heapscope::Analysis* analysis) const;
    /// Writes the current view's table (see SnapshotView::currentTable) to `path`. Shows a message
    /// box and returns false when the file cannot be written.
    bool exportTable(const QString& path, TableExport::Format format);

    /// Opens every .heapsnapshot(.gz) of a folder and, with two or more, shows their trend.
    bool openFolder(const QString& dir);
    /// The Trend perspective of all open snapshots (analysed again when the set changed).
    void showTrend();
    TrendPage* trendPage() const { return m_trend; }

public Q_SLOTS:
    void openDialog();
    void openFolderDialog();
    void closeCurrent();
    void showAbout();
    /// File › Export Table…: asks for a file (the name filter picks CSV, JSON or Markdown).
    void exportTableDialog();
    /// File › Save Redacted Copy…: the current snapshot with its string values replaced by
    /// placeholders (core/heapscope/redact.h), written in the background.
    void saveRedactedCopyDialog();
    /// The redacted copy of the current snapshot written to `path` in the background (a status
    /// message when done, a message box when it fails).
    void saveRedactedCopy(const QString& path);
    /// File › Export Report…: the open snapshots as one HTML page (the CLI's report), written in
    /// the background.
    void exportReportDialog();
    /// The report of the open snapshots written to `path` in the background (a status message when
    /// done, a message box when it fails).
    void exportReport(const QString& path);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void updatePages();
    void updateStatus();
    void createIndexMenu(QMenu* file);
    void clearIndexCache();
    void updateRecentMenu();
    void addRecent(const QString& path);
    void onDocumentChanged(SnapshotDocument* doc);
    void showComparison(SnapshotDocument* base, SnapshotDocument* current);
    void openCaptured(const QString& path, const QString& previousPath);
    SnapshotView* routeTo(const heapscope::Analysis* analysis);
    bool writeTable(QTreeView* table, const QString& path, TableExport::Format format);
    QStringList openSnapshotPaths() const;
    void updateTrendButton();
    void showSeriesObjects(const QString& path, const QList<quint32>& ids);

    SnapshotSession* m_session;
    Navigator* m_navigator;
    SnapshotListModel* m_listModel;
    QListView* m_sidebar;
    QStackedWidget* m_stack;
    StartPage* m_start;
    LoadingPage* m_loading;
    QStackedWidget* m_results;
    QHash<const SnapshotDocument*, SnapshotView*> m_views; ///< made when their document is first shown
    QSet<const SnapshotDocument*> m_readySeen;             ///< ready documents already announced
    QLabel* m_statusTotals;
    QMenu* m_recentMenu = nullptr;
    QAction* m_exportTable = nullptr;
    QAction* m_saveRedacted = nullptr;
    BackgroundJob* m_redactJob = nullptr;
    QAction* m_exportReport = nullptr;
    BackgroundJob* m_reportJob = nullptr;
    RetainerPathActions* m_pathActions = nullptr;
    std::unique_ptr<QTemporaryDir> m_exampleDir;
    TrendPage* m_trend = nullptr;
    QPushButton* m_trendButton = nullptr;
    bool m_trendShown = false;
    QStringList m_trendSource; ///< the open snapshots (sorted) the trend was last asked for
    BackgroundJob* m_revealJob = nullptr;
    IndexKeeper* m_indexKeeper = nullptr;     ///< writes the index of each snapshot opened without one
    BackgroundJob* m_clearIndexJob = nullptr; ///< File > Index Cache > Clear
    QAction* m_keepIndexes = nullptr;
    QAction* m_clearIndexes = nullptr; ///< finds a series' objects by id in the last snapshot
};
