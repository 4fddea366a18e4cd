// SPDX-License-Identifier: MIT
#include "completionchecker.h"

#include <heapscope/loader.h>

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace heapscope::capture {

namespace {

/// A cheap first look: an uncompressed snapshot ends with "}" once the writer is done.
bool looksFinished(const QString& path) {
    if (path.endsWith(u".gz"_s))
        return true; // the loader checks the gzip trailer
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() == 0)
        return false;
    file.seek(std::max<qint64>(0, file.size() - 64));
    const QByteArray tail = file.readAll().trimmed();
    return tail.endsWith('}');
}

} // namespace

QString checkSnapshotFile(const QString& path) {
    heapscope::LoadOptions options;
    options.threads = 1; // a check in the background; leave the cores to the user
    const auto snapshot = heapscope::loadSnapshot(QFile::encodeName(path).toStdString(), options);
    if (snapshot)
        return {};
    return QString::fromStdString(snapshot.error().message());
}

CompletionChecker::CompletionChecker(QObject* parent) : QObject(parent), m_timer(new QTimer(this)) {
    m_timer->setInterval(500);
    connect(m_timer, &QTimer::timeout, this, &CompletionChecker::poll);
}

CompletionChecker::~CompletionChecker() {
    clear();
}

void CompletionChecker::setInterval(int milliseconds) {
    m_timer->setInterval(milliseconds);
}

void CompletionChecker::track(const QString& path) {
    if (m_files.contains(path))
        return;
    FileState state;
    state.alive = std::make_shared<bool>(true);
    m_files.insert(path, state);
    if (!m_timer->isActive())
        m_timer->start();
}

void CompletionChecker::untrack(const QString& path) {
    const auto it = m_files.find(path);
    if (it == m_files.end())
        return;
    *it->alive = false;
    m_files.erase(it);
    if (m_files.isEmpty())
        m_timer->stop();
}

void CompletionChecker::clear() {
    for (FileState& state : m_files)
        *state.alive = false;
    m_files.clear();
    m_timer->stop();
}

void CompletionChecker::poll() {
    const QStringList paths = m_files.keys();
    for (const QString& path : paths) {
        auto it = m_files.find(path);
        if (it == m_files.end() || it->verifying)
            continue;
        const QFileInfo info(path);
        if (!info.exists()) {
            untrack(path);
            Q_EMIT vanished(path);
            continue;
        }
        const qint64 size = info.size();
        const QDateTime modified = info.lastModified();
        if (size != it->size || modified != it->modified) {
            it->size = size;
            it->modified = modified;
            it->stableOnce = false;
            it->rejected = false;
            continue;
        }
        if (it->rejected || size == 0)
            continue;
        // Two equal readings in a row: the writer has paused or finished.
        if (!it->stableOnce) {
            it->stableOnce = true;
            continue;
        }
        verify(path, *it);
    }
}

void CompletionChecker::verify(const QString& path, FileState& state) {
    if (!looksFinished(path)) {
        state.stableOnce = false; // not yet: look again when it changes or after another interval
        return;
    }
    if (!m_verifyByLoading) {
        untrack(path);
        Q_EMIT complete(path);
        return;
    }
    state.verifying = true;
    // Loading may take seconds on a big file: a worker thread, and the answer comes back queued.
    // The answer is queued to the application object, which outlives this checker; the checker
    // itself is only looked at back on its own thread.
    QPointer<CompletionChecker> self(this);
    std::shared_ptr<bool> alive = state.alive;
    QThreadPool::globalInstance()->start([self, alive, path] {
        const QString error = checkSnapshotFile(path);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, alive, path, error] {
                if (self && *alive)
                    self->onVerified(path, error);
            },
            Qt::QueuedConnection);
    });
}

void CompletionChecker::onVerified(const QString& path, const QString& error) {
    auto it = m_files.find(path);
    if (it == m_files.end())
        return;
    it->verifying = false;
    if (error.isEmpty()) {
        untrack(path);
        Q_EMIT complete(path);
        return;
    }
    // Changed while it was read: the writer was not done after all.
    const QFileInfo info(path);
    if (info.size() != it->size || info.lastModified() != it->modified) {
        it->stableOnce = false;
        return;
    }
    it->rejected = true;
    Q_EMIT rejected(path, error);
}

} // namespace heapscope::capture
