// SPDX-License-Identifier: MIT
#include "folderwatcher.h"

#include "completionchecker.h"
#include "snapshotnaming.h"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace heapscope::capture {

FolderWatcher::FolderWatcher(QObject* parent)
    : QObject(parent), m_timer(new QTimer(this)), m_checker(new CompletionChecker(this)) {
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &FolderWatcher::scan);
    connect(m_checker, &CompletionChecker::complete, this, [this](const QString& path) {
        const auto it =
            std::find_if(m_queue.begin(), m_queue.end(), [&](const Entry& e) { return e.path == path; });
        if (it != m_queue.end())
            it->state = Entry::Ready;
        else // rejected before, rewritten since
            m_queue.append(Entry{path, Entry::Ready, {}});
        release();
    });
    connect(m_checker, &CompletionChecker::rejected, this,
            [this](const QString& path, const QString& reason) {
                for (Entry& entry : m_queue) {
                    if (entry.path == path) {
                        entry.state = Entry::Rejected;
                        entry.reason = reason;
                    }
                }
                release();
            });
    connect(m_checker, &CompletionChecker::vanished, this, [this](const QString& path) {
        // A writer's temporary file renamed away, or a file deleted: nothing to report.
        m_queue.removeIf([&](const Entry& entry) { return entry.path == path; });
        m_known.remove(QFileInfo(path).fileName());
        release();
    });
}

FolderWatcher::~FolderWatcher() = default;

void FolderWatcher::setPollInterval(int milliseconds) {
    m_timer->setInterval(milliseconds);
    m_checker->setInterval(std::max(100, milliseconds / 2));
}

void FolderWatcher::setVerifyByLoading(bool verify) {
    m_checker->setVerifyByLoading(verify);
}

bool FolderWatcher::start(const QString& folder) {
    stop();
    const QFileInfo info(folder);
    if (!info.isDir() || !info.isReadable()) {
        Q_EMIT failed(tr("Cannot watch “%1”: it is not a readable folder.").arg(folder));
        return false;
    }
    m_folder = info.absoluteFilePath();
    m_known.clear();
    const QStringList existing = QDir(m_folder).entryList(QDir::Files);
    for (const QString& name : existing)
        m_known.insert(name);
    m_watcher = new QFileSystemWatcher(this);
    m_watcher->addPath(m_folder); // when this fails, polling alone finds the files
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &FolderWatcher::scan);
    m_timer->start();
    m_watching = true;
    return true;
}

void FolderWatcher::stop() {
    m_watching = false;
    m_timer->stop();
    delete m_watcher;
    m_watcher = nullptr;
    m_checker->clear();
    m_queue.clear();
}

void FolderWatcher::scan() {
    if (!m_watching)
        return;
    QDir dir(m_folder);
    if (!dir.exists()) {
        const QString folder = m_folder;
        stop();
        Q_EMIT failed(tr("The watched folder “%1” is gone.").arg(folder));
        return;
    }
    // Oldest first, so a series is reported in the order it was written.
    const QFileInfoList files = dir.entryInfoList(QDir::Files, QDir::Time | QDir::Reversed);
    for (const QFileInfo& file : files) {
        const QString name = file.fileName();
        if (m_known.contains(name))
            continue;
        // Hidden names are writers' temporary files (ours included); they are renamed when done.
        if (name.startsWith(u'.') || !isSnapshotFileName(name))
            continue;
        if (!m_nameFilter.isEmpty() && !name.contains(m_nameFilter))
            continue;
        m_known.insert(name);
        m_queue.append(Entry{file.absoluteFilePath(), Entry::Pending, {}});
        m_checker->track(file.absoluteFilePath());
        Q_EMIT fileAppeared(file.absoluteFilePath());
    }
}

void FolderWatcher::release() {
    while (!m_queue.isEmpty() && m_queue.front().state != Entry::Pending) {
        const Entry entry = m_queue.takeFirst();
        if (entry.state == Entry::Ready)
            Q_EMIT snapshotReady(entry.path);
        else
            Q_EMIT snapshotRejected(entry.path, entry.reason);
        if (!m_watching)
            return; // a receiver stopped us
    }
}

} // namespace heapscope::capture
