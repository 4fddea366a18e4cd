// SPDX-License-Identifier: MIT
// The one entry point of the capture GUI for the main window:
//
//     auto* capture = new heapscope::captureui::CaptureActions(this);
//     fileMenu->addActions(capture->actions());
//     connect(capture, &CaptureActions::snapshotReady, this, &MainWindow::openCaptured);
#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>

class QAction;
class QWidget;

namespace heapscope::captureui {

class ConnectDialog;
class SignalDialog;
class WatchFolderDialog;

class CaptureActions : public QObject {
    Q_OBJECT
public:
    /// `window` parents the dialogs.
    explicit CaptureActions(QWidget* window);
    ~CaptureActions() override;

    /// Connect to Process…, Send Signal to Process…, Watch Folder…, for the File menu.
    QList<QAction*> actions() const { return m_actions; }
    QAction* connectAction() const { return m_actions.at(0); }
    QAction* signalAction() const { return m_actions.at(1); }
    QAction* watchAction() const { return m_actions.at(2); }

Q_SIGNALS:
    /// A new snapshot (or allocation timeline) was written and is complete. `previousPath` is the
    /// one before it from the same target (same inspector session, same process, same watched
    /// folder), empty for the first: open the Comparison of `path` against it.
    void snapshotReady(const QString& path, const QString& previousPath);

private:
    void onSnapshot(const QString& path, const QString& seriesKey);
    template <typename Dialog> Dialog* show(QPointer<Dialog>& dialog);

    QWidget* m_window;
    QList<QAction*> m_actions;
    QPointer<ConnectDialog> m_connect;
    QPointer<SignalDialog> m_signal;
    QPointer<WatchFolderDialog> m_watch;
    QHash<QString, QString> m_lastPath; ///< series key → its newest file
};

} // namespace heapscope::captureui
