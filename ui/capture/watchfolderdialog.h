// SPDX-License-Identifier: MIT
// File ▸ Watch Folder…: snapshots the application writes itself (on a timer, past a memory
// threshold) open as they complete, in order, as a series.
#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace heapscope::capture {
class FolderWatcher;
}

namespace heapscope::captureui {

class WatchFolderDialog : public QDialog {
    Q_OBJECT
public:
    explicit WatchFolderDialog(QWidget* parent = nullptr);
    ~WatchFolderDialog() override;

    bool isWatching() const;
    void startWatching(const QString& folder);
    void stopWatching();

Q_SIGNALS:
    /// A new complete snapshot in the watched folder; `seriesKey` names the folder.
    void snapshotReady(const QString& path, const QString& seriesKey);
    void watchingChanged(bool watching);

private:
    void updateState();

    QLineEdit* m_folder;
    QPushButton* m_browseButton;
    QPushButton* m_watchButton;
    QListWidget* m_received;
    QLabel* m_status;
    capture::FolderWatcher* m_watcher;
};

} // namespace heapscope::captureui
