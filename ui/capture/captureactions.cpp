// SPDX-License-Identifier: MIT
#include "captureactions.h"

#include "connectdialog.h"
#include "signaldialog.h"
#include "watchfolderdialog.h"

#include <QAction>
#include <QFileInfo>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace heapscope::captureui {

CaptureActions::CaptureActions(QWidget* window) : QObject(window), m_window(window) {
    auto* connectAction = new QAction(tr("&Connect to Process…"), this);
    connectAction->setStatusTip(
        tr("Take heap snapshots of a Node.js or Chrome process through its inspector"));
    connect(connectAction, &QAction::triggered, this, [this] { show(m_connect); });

    auto* signalAction = new QAction(tr("Send Si&gnal to Process…"), this);
    signalAction->setStatusTip(
        tr("Make a Node.js process started with --heapsnapshot-signal write a snapshot"));
    connect(signalAction, &QAction::triggered, this, [this] { show(m_signal); });

    auto* watchAction = new QAction(tr("&Watch Folder…"), this);
    watchAction->setStatusTip(tr("Open the snapshots written to a folder as they appear"));
    watchAction->setCheckable(false);
    connect(watchAction, &QAction::triggered, this, [this] { show(m_watch); });

    m_actions = {connectAction, signalAction, watchAction};
}

CaptureActions::~CaptureActions() = default;

template <typename Dialog> Dialog* CaptureActions::show(QPointer<Dialog>& dialog) {
    if (!dialog) {
        // Non-modal and kept: a connection, a wait or a watch goes on while the user works.
        dialog = new Dialog(m_window);
        connect(dialog, &Dialog::snapshotReady, this, &CaptureActions::onSnapshot);
    }
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
    return dialog;
}

void CaptureActions::onSnapshot(const QString& path, const QString& seriesKey) {
    // A timeline and a snapshot are not compared with each other; each kind is its own series.
    const QString key = seriesKey + u'|' + QFileInfo(path).suffix();
    const QString previous = m_lastPath.value(key);
    m_lastPath.insert(key, path);
    Q_EMIT snapshotReady(path, QFileInfo::exists(previous) ? previous : QString());
}

} // namespace heapscope::captureui
