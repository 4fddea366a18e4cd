// SPDX-License-Identifier: MIT
// What the capture dialogs remember between runs, and the one-time warning about the pause.
#pragma once

#include <QString>

class QWidget;

namespace heapscope::captureui {

/// The folder new snapshots go to: the last one used, else the Documents folder.
QString snapshotFolder();
void setSnapshotFolder(const QString& folder);

QString lastAddress();
void setLastAddress(const QString& address);

QString lastWatchedFolder();
void setLastWatchedFolder(const QString& folder);

/// Before the first capture: the target's main thread stops while the snapshot is written and it
/// may need about twice its heap in memory. Shown once (remembered in QSettings); returns false
/// when the user chose not to go on.
bool confirmFirstCapture(QWidget* parent);

/// Lets the user pick a folder into `edit`-like storage: returns the chosen folder or an empty string.
QString chooseFolder(QWidget* parent, const QString& title, const QString& start);

} // namespace heapscope::captureui
