// SPDX-License-Identifier: MIT
// A sampling heap profile of a running process over the inspector protocol, as DevTools'
// "Allocation sampling" records one: HeapProfiler.startSampling, wait, HeapProfiler.stopSampling,
// and the profile written as a .heapprofile.
#pragma once

#include "inspectortarget.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

class QTimer;
class QWebSocket;

namespace heapscope::capture {

class TargetLister;

struct SamplingOptions {
    InspectorAddress address;
    QString targetId;             ///< a target id or a unique prefix; empty: the only target there is
    QString outputPath;           ///< empty: a Node-style .heapprofile name in outputFolder
    QString outputFolder;         ///< empty: the current directory
    int seconds = 10;             ///< how long to sample
    int samplingInterval = 32768; ///< bytes between samples on average (DevTools' default)
    int timeoutMs = 60000;        ///< connecting, and the longest wait for an answer
};

class SamplingCapture : public QObject {
    Q_OBJECT
public:
    explicit SamplingCapture(QObject* parent = nullptr);
    ~SamplingCapture() override;

    /// Emits progress() once a second while sampling, then exactly one of finished(path) or failed().
    void start(const SamplingOptions& options);
    /// Stops sampling now and writes what was sampled (the recording's Stop button).
    void stopNow();
    /// Gives up without writing a file; emits failed().
    void cancel();
    bool isRunning() const { return m_running; }
    bool isSampling() const { return m_sampling; }

Q_SIGNALS:
    void targetChosen(const heapscope::capture::InspectorTarget& target);
    void samplingStarted();
    void progress(int secondsDone, int secondsTotal);
    void finished(const QString& path);
    void failed(const QString& message);

private:
    void send(int id, const QString& method, const QJsonObject& params);
    void onText(const QString& message);
    void fail(const QString& message);
    void finish(const QJsonObject& profile);

    TargetLister* m_lister;
    QWebSocket* m_socket;
    QTimer* m_tick;
    QTimer* m_timeout;
    SamplingOptions m_options;
    InspectorTarget m_target;
    int m_elapsed = 0;
    bool m_running = false;
    bool m_sampling = false;
};

struct SamplingResult {
    QString path;
    QString error;
    bool ok() const { return error.isEmpty(); }
};

/// Runs a SamplingCapture to the end in a local event loop (CLI and tests; needs a
/// QCoreApplication, never on the GUI thread).
SamplingResult captureSamplingProfile(const SamplingOptions& options,
                                      const std::function<void(int done, int total)>& progress = {});

} // namespace heapscope::capture
