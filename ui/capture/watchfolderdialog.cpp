// SPDX-License-Identifier: MIT
#include "watchfolderdialog.h"

#include "capturesettings.h"

#include <folderwatcher.h>

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTime>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using heapscope::capture::FolderWatcher;

namespace heapscope::captureui {

WatchFolderDialog::WatchFolderDialog(QWidget* parent)
    : QDialog(parent), m_folder(new QLineEdit(lastWatchedFolder(), this)),
      m_browseButton(new QPushButton(tr("&Browse…"), this)), m_watchButton(new QPushButton(this)),
      m_received(new QListWidget(this)), m_status(new QLabel(this)), m_watcher(new FolderWatcher(this)) {
    setWindowTitle(tr("Watch Folder"));
    resize(600, 380);

    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(m_browseButton);
    folderRow->addWidget(m_watchButton);
    auto* folderLabel = new QLabel(tr("&Folder:"), this);
    folderLabel->setBuddy(m_folder);
    auto* form = new QFormLayout;
    form->addRow(folderLabel, folderRow);

    auto* explanation =
        new QLabel(tr("New .heapsnapshot and .heaptimeline files (also .gz) that appear in the folder "
                      "open as soon as they are complete, in the order they were written. Files "
                      "already there are left alone."),
                   this);
    explanation->setWordWrap(true);
    m_status->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(explanation);
    layout->addWidget(m_received, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_browseButton, &QPushButton::clicked, this, [this] {
        const QString folder = chooseFolder(this, tr("Watch Folder"), m_folder->text());
        if (!folder.isEmpty())
            m_folder->setText(folder);
    });
    connect(m_watchButton, &QPushButton::clicked, this, [this] {
        if (isWatching())
            stopWatching();
        else
            startWatching(m_folder->text().trimmed());
    });
    connect(m_watcher, &FolderWatcher::fileAppeared, this, [this](const QString& path) {
        m_status->setText(tr("%1 appeared; waiting until it is complete…").arg(QFileInfo(path).fileName()));
    });
    connect(m_watcher, &FolderWatcher::snapshotReady, this, [this](const QString& path) {
        auto* item = new QListWidgetItem(
            QTime::currentTime().toString(u"HH:mm:ss"_s) + u"  "_s + QFileInfo(path).fileName(), m_received);
        item->setToolTip(QDir::toNativeSeparators(path));
        m_received->scrollToItem(item);
        m_status->setText(tr("Watching."));
        Q_EMIT snapshotReady(path, u"folder:"_s + m_watcher->folder());
    });
    connect(m_watcher, &FolderWatcher::snapshotRejected, this,
            [this](const QString& path, const QString& reason) {
                auto* item = new QListWidgetItem(tr("%1 — cannot be read").arg(QFileInfo(path).fileName()),
                                                 m_received);
                item->setToolTip(reason);
                item->setForeground(QColor(0xc0, 0x1c, 0x28));
            });
    connect(m_watcher, &FolderWatcher::failed, this, [this](const QString& message) {
        m_status->setText(message);
        updateState();
    });
    updateState();
}

WatchFolderDialog::~WatchFolderDialog() = default;

bool WatchFolderDialog::isWatching() const {
    return m_watcher->isWatching();
}

void WatchFolderDialog::startWatching(const QString& folder) {
    m_folder->setText(folder);
    if (m_watcher->start(folder)) {
        setLastWatchedFolder(m_watcher->folder());
        m_received->clear();
        m_status->setText(tr("Watching."));
    }
    updateState();
}

void WatchFolderDialog::stopWatching() {
    m_watcher->stop();
    m_status->setText(tr("Not watching."));
    updateState();
}

void WatchFolderDialog::updateState() {
    const bool watching = m_watcher->isWatching();
    m_watchButton->setText(watching ? tr("&Stop Watching") : tr("&Start Watching"));
    m_folder->setEnabled(!watching);
    m_browseButton->setEnabled(!watching);
    Q_EMIT watchingChanged(watching);
}

} // namespace heapscope::captureui
