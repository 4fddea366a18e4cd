// SPDX-License-Identifier: MIT
// The app's side of the persisted index: its settings, and the writer that keeps the index of
// each snapshot opened without one, off the GUI thread at the lowest priority.
#pragma once

#ifndef Q_MOC_RUN
#include <heapscope/analysis.h>
#include <heapscope/index_cache.h>
#endif

#include <QObject>
#include <QString>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

/// Where the index settings live (QSettings), with the command line's and the environment's say.
namespace IndexSettings {
/// Whether opens use and keep indexes: the setting, unless `--no-cache` or HEAPSCOPE_NO_CACHE=1.
bool enabled();
void setEnabled(bool on);
/// For this run only (`heapscope --no-cache`).
void disableForThisRun();
std::uint64_t capBytes();
void setCapBytes(std::uint64_t bytes);
/// The core's options: the XDG cache folder and the cap.
heapscope::IndexCacheOptions options();
} // namespace IndexSettings

/// Writes indexes one at a time on a thread of its own at the lowest CPU and I/O priority. An
/// analysis waiting its turn is held weakly: closing its snapshot drops it. Destroying the keeper
/// stops a write in progress (nothing is left behind) and waits for the thread.
class IndexKeeper : public QObject {
    Q_OBJECT
public:
    explicit IndexKeeper(QObject* parent = nullptr);
    ~IndexKeeper() override;

    /// Queues the analysis' index if indexes are on and it can be kept.
    void keep(const heapscope::AnalysisPtr& analysis);
    /// True while a write is queued or running.
    bool isBusy() const;
    /// Stops the current write and drops the queue (before clearing the folder).
    void stopAll();

Q_SIGNALS:
    void written(const QString& snapshotPath, quint64 bytes);
    void failed(const QString& message);

private:
    void run();

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::weak_ptr<const heapscope::Analysis>> m_queue;
    bool m_writing = false;
    bool m_quit = false;
    heapscope::StopFlag m_stop;
    std::thread m_thread;
};
