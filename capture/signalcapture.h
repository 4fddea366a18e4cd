// SPDX-License-Identifier: MIT
// A snapshot from a Node process started with --heapsnapshot-signal: send the signal, wait for
// the file Node writes in its working directory (or --diagnostic-dir) and report it when complete.
#pragma once

#include "processlister.h"

#include <QObject>

class QTimer;

namespace heapscope::capture {

class FolderWatcher;

class SignalCapture : public QObject {
    Q_OBJECT
public:
    explicit SignalCapture(QObject* parent = nullptr);
    ~SignalCapture() override;

    /// How long to wait for the file to appear; once it is there, waiting goes on while it grows.
    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }
    void setPollInterval(int milliseconds);

    /// Sends `signal` to `pid` and waits. Emits fileAppeared(), then finished(path) or failed().
    /// The caller checks that the process expects the signal (ProcessInfo::snapshotSignal): a Node
    /// process started without --heapsnapshot-signal is ended by SIGUSR2.
    void start(qint64 pid, int signal);
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void fileAppeared(const QString& path);
    void finished(const QString& path);
    void failed(const QString& message);

private:
    void fail(const QString& message);
    void check();

    FolderWatcher* m_watcher;
    QTimer* m_timer;
    qint64 m_pid = 0;
    QString m_folder;
    QString m_current;
    int m_timeoutMs = 30000;
    qint64 m_deadline = 0;
    qint64 m_goneSince = 0;
    bool m_running = false;
};

} // namespace heapscope::capture
