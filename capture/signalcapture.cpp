// SPDX-License-Identifier: MIT
#include "signalcapture.h"

#include "folderwatcher.h"

#include <QDateTime>
#include <QFileInfo>
#include <QTimer>

#include <cerrno>
#include <cstring>
#include <signal.h>

using namespace Qt::StringLiterals;

namespace heapscope::capture {

SignalCapture::SignalCapture(QObject* parent)
    : QObject(parent), m_watcher(new FolderWatcher(this)), m_timer(new QTimer(this)) {
    m_watcher->setPollInterval(500);
    m_timer->setInterval(500);
    connect(m_timer, &QTimer::timeout, this, &SignalCapture::check);
    connect(m_watcher, &FolderWatcher::fileAppeared, this, [this](const QString& path) {
        if (m_current.isEmpty()) {
            m_current = path;
            Q_EMIT fileAppeared(path);
        }
    });
    connect(m_watcher, &FolderWatcher::snapshotReady, this, [this](const QString& path) {
        if (!m_running)
            return;
        m_running = false;
        m_timer->stop();
        m_watcher->stop();
        Q_EMIT finished(path);
    });
    connect(m_watcher, &FolderWatcher::snapshotRejected, this,
            [this](const QString& path, const QString& reason) {
                // Only a file of this process that stopped growing while the process is gone is a failure;
                // otherwise Node may just be slow and the checker looks again when the file changes.
                if (!QFileInfo::exists(u"/proc/"_s + QString::number(m_pid)))
                    fail(tr("Process %1 exited before its snapshot was complete: %2").arg(m_pid).arg(reason));
            });
    connect(m_watcher, &FolderWatcher::failed, this, &SignalCapture::fail);
}

SignalCapture::~SignalCapture() = default;

void SignalCapture::setPollInterval(int milliseconds) {
    m_watcher->setPollInterval(milliseconds);
    m_timer->setInterval(milliseconds);
}

void SignalCapture::start(qint64 pid, int signal) {
    cancel();
    const ProcessInfo info = processInfo(pid);
    if (info.pid == 0) {
        Q_EMIT failed(tr("There is no process %1 (or it belongs to another user).").arg(pid));
        return;
    }
    if (info.snapshotFolder.isEmpty()) {
        Q_EMIT failed(tr("Cannot see the working directory of process %1.").arg(pid));
        return;
    }
    m_pid = pid;
    m_folder = info.snapshotFolder;
    m_current.clear();
    m_goneSince = 0;
    m_running = true;
    // Node names its files Heap.<date>.<time>.<pid>.<thread>.<seq>.heapsnapshot.
    m_watcher->setNameFilter(u'.' + QString::number(pid) + u'.');
    if (!m_watcher->start(m_folder))
        return; // failed() came from the watcher
    if (::kill(pid_t(pid), signal) != 0) {
        const int error = errno;
        fail(error == EPERM ? tr("Not allowed to send a signal to process %1.").arg(pid)
                            : tr("Cannot send %1 to process %2: %3")
                                  .arg(signalName(signal))
                                  .arg(pid)
                                  .arg(QString::fromLocal8Bit(std::strerror(error))));
        return;
    }
    m_deadline = QDateTime::currentMSecsSinceEpoch() + m_timeoutMs;
    m_timer->start();
}

void SignalCapture::cancel() {
    m_running = false;
    m_timer->stop();
    m_watcher->stop();
}

void SignalCapture::fail(const QString& message) {
    if (!m_running)
        return;
    cancel();
    Q_EMIT failed(message);
}

void SignalCapture::check() {
    if (!m_running)
        return;
    const bool alive = QFileInfo::exists(u"/proc/"_s + QString::number(m_pid));
    if (m_current.isEmpty()) {
        if (!alive) {
            fail(tr("Process %1 exited without writing a snapshot; was it started with "
                    "--heapsnapshot-signal?")
                     .arg(m_pid));
        } else if (QDateTime::currentMSecsSinceEpoch() > m_deadline) {
            fail(tr("No snapshot of process %1 appeared in “%2” within %3 seconds; was it started with "
                    "--heapsnapshot-signal?")
                     .arg(m_pid)
                     .arg(m_folder)
                     .arg(m_timeoutMs / 1000));
        }
    } else if (!alive) {
        // The file may still be flushed as the process ends; give the checker a moment.
        if (m_goneSince == 0)
            m_goneSince = QDateTime::currentMSecsSinceEpoch();
        else if (QDateTime::currentMSecsSinceEpoch() - m_goneSince > 5000)
            fail(tr("Process %1 exited before its snapshot “%2” was complete.").arg(m_pid).arg(m_current));
    }
}

} // namespace heapscope::capture
