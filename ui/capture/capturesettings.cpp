// SPDX-License-Identifier: MIT
#include "capturesettings.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace heapscope::captureui {

namespace {
const QString kFolderKey = u"capture/snapshotFolder"_s;
const QString kAddressKey = u"capture/address"_s;
const QString kWatchedKey = u"capture/watchedFolder"_s;
const QString kWarnedKey = u"capture/pauseWarningShown"_s;

QString documents() {
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return folder.isEmpty() ? QDir::homePath() : folder;
}
} // namespace

QString snapshotFolder() {
    const QString folder = QSettings().value(kFolderKey).toString();
    return !folder.isEmpty() && QDir(folder).exists() ? folder : documents();
}

void setSnapshotFolder(const QString& folder) {
    QSettings().setValue(kFolderKey, folder);
}

QString lastAddress() {
    return QSettings().value(kAddressKey, u"127.0.0.1:9229"_s).toString();
}

void setLastAddress(const QString& address) {
    QSettings().setValue(kAddressKey, address);
}

QString lastWatchedFolder() {
    return QSettings().value(kWatchedKey, snapshotFolder()).toString();
}

void setLastWatchedFolder(const QString& folder) {
    QSettings().setValue(kWatchedKey, folder);
}

bool confirmFirstCapture(QWidget* parent) {
    QSettings settings;
    if (settings.value(kWarnedKey, false).toBool())
        return true;
    QMessageBox box(
        QMessageBox::Information, QCoreApplication::translate("Capture", "Before the First Snapshot"),
        QCoreApplication::translate("Capture", "While a heap snapshot is taken, the target’s main thread "
                                               "stops: a server does not answer requests and a page "
                                               "does not respond until it is written."),
        QMessageBox::Ok | QMessageBox::Cancel, parent);
    box.setInformativeText(QCoreApplication::translate(
        "Capture", "Writing the snapshot may need about twice the target’s heap in memory. On a large heap "
                   "with little free memory the process can run out of memory and be ended."));
    box.button(QMessageBox::Ok)->setText(QCoreApplication::translate("Capture", "Take Snapshot"));
    if (box.exec() != QMessageBox::Ok)
        return false;
    settings.setValue(kWarnedKey, true);
    return true;
}

QString chooseFolder(QWidget* parent, const QString& title, const QString& start) {
    return QFileDialog::getExistingDirectory(parent, title, start);
}

} // namespace heapscope::captureui
