// SPDX-License-Identifier: MIT
#include "backgroundjob.h"

#include <QCoreApplication>
#include <QThread>

#include <algorithm>

BackgroundJob::BackgroundJob(QObject* parent) : QObject(parent) {}

QThreadPool* BackgroundJob::pool() {
    static QThreadPool* jobs = [] {
        auto* p = new QThreadPool(qApp);
        // More threads than cores: a short job (a sort) need not wait for a long one (a load).
        p->setMaxThreadCount(std::max(2, QThread::idealThreadCount()) * 2);
        return p;
    }();
    return jobs;
}

BackgroundJob::~BackgroundJob() {
    // Detach: the work holds its own references and stops at its next poll; the watcher dies with us,
    // so its result goes nowhere. No signals from a dying object.
    stopCurrent();
}

quint64 BackgroundJob::beginRun(QFutureWatcherBase* watcher, std::shared_ptr<heapscope::StopFlag> stop) {
    const bool wasRunning = m_running;
    stopCurrent();
    const quint64 generation = ++m_generation;
    m_stop = std::move(stop);
    m_watcher = watcher;
    m_running = true;
    m_fraction = 0;
    m_progressText.clear();
    connect(watcher, &QFutureWatcherBase::progressValueChanged, this, [this, watcher, generation](int value) {
        if (generation != m_generation || !m_running)
            return;
        m_fraction = double(value) / kProgressScale;
        m_progressText = watcher->progressText();
        Q_EMIT progress(m_fraction, m_progressText);
    });
    if (wasRunning)
        Q_EMIT canceled();
    Q_EMIT started();
    if (!wasRunning)
        Q_EMIT runningChanged(true);
    return generation;
}

bool BackgroundJob::endRun(quint64 generation) {
    if (generation != m_generation || !m_running)
        return false;
    m_running = false;
    m_watcher = nullptr;
    m_stop.reset();
    return true;
}

void BackgroundJob::afterRun() {
    if (m_running)
        return; // `done` started the next run already
    Q_EMIT runningChanged(false);
    Q_EMIT finished();
}

void BackgroundJob::stopCurrent() {
    if (m_stop)
        m_stop->requestStop();
    m_stop.reset();
    if (m_watcher) {
        // Its finished() must not deliver any more; it deletes itself once the work has returned.
        // (The future is not cancelled: the stop flag stops the work, and cancelAndWait() can wait.)
        m_watcher->disconnect(this);
        connect(m_watcher, &QFutureWatcherBase::finished, m_watcher, &QObject::deleteLater);
        if (m_watcher->isFinished())
            m_watcher->deleteLater();
        m_watcher = nullptr;
    }
}

void BackgroundJob::cancel() {
    if (!m_running)
        return;
    stopCurrent();
    ++m_generation; // whatever still arrives is stale now
    m_running = false;
    Q_EMIT canceled();
    Q_EMIT runningChanged(false);
}

void BackgroundJob::cancelAndWait() {
    QFuture<void> future = m_future;
    cancel();
    if (future.isValid())
        future.waitForFinished();
}
