// SPDX-License-Identifier: MIT
// One piece of background work at a time for one owner: the UI's only way to run long core calls.
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/common.h>
#endif

#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <QString>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

/// What the work sees on its thread: the core's WorkContext (whose stop flag the job owns) and a
/// way to report overall progress.
class JobContext {
public:
    /// Pass this to core calls; its stop flag is raised by cancel(), a newer start() or the job's end.
    const heapscope::WorkContext& work() const { return m_work; }
    heapscope::WorkContext& work() { return m_work; }
    bool stopRequested() const { return m_work.stopRequested(); }
    /// Overall progress, 0..1, and a line of text (thread-safe; Qt coalesces the signals).
    void setProgress(double fraction, const QString& text) const {
        if (m_progress)
            m_progress(fraction, text);
    }

private:
    template <typename> friend class JobRunner;
    heapscope::WorkContext m_work;
    std::function<void(double, const QString&)> m_progress;
};

/// Runs work on the thread pool and hands its result back on the owner's thread.
///
/// - One run at a time: start() cancels the previous run; a result of a run that is no longer the
///   current one is dropped (generation check), so a slow old search never overwrites a new one.
/// - cancel() raises the run's stop flag (the core returns a "cancelled" error at its next poll)
///   and drops its result at once; `canceled()` is emitted.
/// - Destroying the job (with its owner) raises the stop flag and detaches: the work owns what it
///   reads (capture shared pointers by value), stops at its next poll, and its result goes nowhere.
///   The receiver is the job itself, so nothing is ever delivered to a dead object.
class BackgroundJob : public QObject {
    Q_OBJECT
public:
    static constexpr int kProgressScale = 10000;
    /// The jobs' own threads. Not the global pool: Qt's painting waits on that one (image
    /// conversions), so long work there would freeze the window.
    static QThreadPool* pool();

    explicit BackgroundJob(QObject* parent = nullptr);
    ~BackgroundJob() override;

    /// Runs `work(JobContext&) -> T` on the pool; `done(T)` runs on this object's thread if the run
    /// is still the current one when it ends. Returns the run's generation.
    template <typename Work, typename Done> quint64 start(Work work, Done done);

    /// Stops the current run and drops its result. No effect when idle.
    void cancel();
    /// Stops the current run and blocks until its work has returned (for work that reads state the
    /// caller is about to change). Its result is dropped.
    void cancelAndWait();
    bool isRunning() const { return m_running; }
    quint64 generation() const { return m_generation; }
    /// The current run's last reported progress.
    double fraction() const { return m_fraction; }
    QString progressText() const { return m_progressText; }

Q_SIGNALS:
    void started();
    void progress(double fraction, const QString& text);
    /// The current run ended with a result (emitted after `done` ran).
    void finished();
    /// The current run was cancelled (by cancel(), or by a newer start()).
    void canceled();
    void runningChanged(bool running);

private:
    /// Cancels the current run and opens a new one; returns its generation.
    quint64 beginRun(QFutureWatcherBase* watcher, std::shared_ptr<heapscope::StopFlag> stop);
    /// True when `generation` is still the current run; then the run is over.
    bool endRun(quint64 generation);
    /// After `done`: the signals of the run's end (unless `done` started the next run).
    void afterRun();
    void stopCurrent();

    quint64 m_generation = 0;
    bool m_running = false;
    double m_fraction = 0;
    QString m_progressText;
    std::shared_ptr<heapscope::StopFlag> m_stop;
    QFutureWatcherBase* m_watcher = nullptr;
    QFuture<void> m_future;
};

/// Builds the JobContext inside the pool thread from the run's promise.
template <typename T> class JobRunner {
public:
    static JobContext context(QPromise<T>& promise, const std::shared_ptr<heapscope::StopFlag>& stop) {
        JobContext c;
        c.m_work.stop = stop.get();
        c.m_progress = [&promise, stop](double fraction, const QString& text) {
            // The future may be cancelled from the GUI thread too (QFuture::cancel()).
            if (promise.isCanceled())
                stop->requestStop();
            promise.setProgressValueAndText(int(fraction * BackgroundJob::kProgressScale), text);
        };
        return c;
    }
};

template <typename Work, typename Done> quint64 BackgroundJob::start(Work work, Done done) {
    using T = std::decay_t<std::invoke_result_t<Work&, JobContext&>>;
    auto stop = std::make_shared<heapscope::StopFlag>();
    auto* watcher = new QFutureWatcher<T>(this);
    const quint64 generation = beginRun(watcher, stop);
    connect(watcher, &QFutureWatcherBase::finished, this,
            [this, watcher, generation, done = std::move(done)] {
                watcher->deleteLater();
                if (!endRun(generation))
                    return;
                if (watcher->future().resultCount() > 0)
                    done(watcher->future().takeResult());
                afterRun();
            });
    QFuture<T> future =
        QtConcurrent::run(pool(), [stop, work = std::move(work)](QPromise<T>& promise) mutable {
            promise.setProgressRange(0, kProgressScale);
            JobContext context = JobRunner<T>::context(promise, stop);
            promise.addResult(work(context));
        });
    m_future = QFuture<void>(future);
    watcher->setFuture(future);
    return generation;
}
