// SPDX-License-Identifier: MIT
// One inspector-protocol connection to one target: garbage collection, heap snapshots and the
// allocation timeline, with snapshot chunks streamed straight to disk.
#pragma once

#include "inspectortarget.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>

#include <memory>

class QSaveFile;
class QTimer;
class QWebSocket;

namespace heapscope::capture {

class InspectorSession : public QObject {
    Q_OBJECT
public:
    explicit InspectorSession(QObject* parent = nullptr);
    ~InspectorSession() override;

    /// Time allowed to connect, and the longest silence while a command runs. A snapshot of a big
    /// heap keeps the target busy for long, but it reports progress all the way.
    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }

    /// Connects and enables the heap profiler. Emits opened() or failed().
    void open(const InspectorTarget& target);
    /// Disconnects; a file being written is discarded. Emits closed() when the session was open.
    void close();

    bool isOpen() const { return m_state == State::Open; }
    bool isBusy() const { return m_operation != Operation::None; }
    bool isTracking() const { return m_tracking; }
    const InspectorTarget& target() const { return m_target; }

    /// HeapProfiler.collectGarbage. Emits garbageCollected() or failed().
    void collectGarbage();
    /// HeapProfiler.takeHeapSnapshot into `path` (written under a temporary name, renamed when the
    /// target says it is complete). Emits progress(), then finished(path) or failed().
    void takeHeapSnapshot(const QString& path, bool collectGarbageFirst = false);
    /// HeapProfiler.startTrackingHeapObjects with allocation stacks. Emits trackingChanged(true).
    void startAllocationTimeline();
    /// HeapProfiler.stopTrackingHeapObjects; the timeline goes to `path` like a snapshot.
    void stopAllocationTimeline(const QString& path);
    /// HeapProfiler.startSampling: a sampling heap profile, one sample per `interval` bytes
    /// allocated on average (DevTools' Allocation sampling). Emits samplingChanged(true).
    void startSampling(int interval = 32768);
    /// HeapProfiler.stopSampling; the profile is written to `path` (a .heapprofile). Emits
    /// finished(path) or failed().
    void stopSampling(const QString& path);
    bool isSampling() const { return m_sampling; }
    /// Stops writing the file of the running snapshot or timeline and removes it. The target still
    /// finishes its work; the session stays busy until it has, then emits cancelled().
    void cancel();

Q_SIGNALS:
    void opened();
    void closed();
    void busyChanged(bool busy);
    void trackingChanged(bool tracking);
    void samplingChanged(bool sampling);
    void progress(qint64 done, qint64 total);
    void garbageCollected();
    void finished(const QString& path);
    void cancelled();
    void failed(const QString& message);

private:
    enum class State { Closed, Connecting, Enabling, Identifying, Open };
    enum class Operation {
        None,
        CollectGarbage,
        Snapshot,
        StartTracking,
        StopTracking,
        StartSampling,
        StopSampling
    };
    struct Pending {
        QString method;
        bool finalStep = true; ///< the response ends the running operation
    };

    int send(const QString& method, const QJsonObject& params = {}, bool finalStep = true);
    void begin(Operation operation);
    void end();
    bool openFile(const QString& path);
    void discardFile();
    void onText(const QString& message);
    void onResponse(const Pending& pending, const QJsonObject& message);
    void onEvent(const QString& method, const QJsonObject& params);
    void onDisconnected();
    void onTimeout();
    void abandon(const QString& message);

    QWebSocket* m_socket;
    QTimer* m_timer;
    InspectorTarget m_target;
    State m_state = State::Closed;
    Operation m_operation = Operation::None;
    QHash<int, Pending> m_pending;
    int m_nextId = 1;
    int m_timeoutMs = 60000;
    bool m_tracking = false;
    bool m_sampling = false;
    bool m_cancelled = false;
    std::unique_ptr<QSaveFile> m_file;
    QString m_path;
    QString m_writeError;
};

} // namespace heapscope::capture
