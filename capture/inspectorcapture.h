// SPDX-License-Identifier: MIT
// One heap snapshot of one target, from the address alone: list the targets, pick one, connect,
// optionally collect garbage, write the snapshot. The CLI and scripted use go through this.
#pragma once

#include "inspectortarget.h"

#include <QObject>

#include <functional>

namespace heapscope::capture {

class InspectorSession;
class TargetLister;

struct CaptureOptions {
    InspectorAddress address;
    QString targetId;     ///< a target id or a unique prefix of one; empty: the only target there is
    QString outputPath;   ///< empty: a Node-style name in outputFolder
    QString outputFolder; ///< empty: the current directory
    bool collectGarbage = false;
    int timeoutMs = 60000; ///< see InspectorSession::setTimeout()
};

/// Picks the target `id` names (exact id, else unique prefix) or, with an empty id, the only one.
/// Returns nullptr and sets `error` when there is none or the choice is ambiguous.
const InspectorTarget* chooseTarget(const QList<InspectorTarget>& targets, const QString& id, QString* error);

class InspectorCapture : public QObject {
    Q_OBJECT
public:
    explicit InspectorCapture(QObject* parent = nullptr);
    ~InspectorCapture() override;

    /// Emits progress(), then exactly one of finished(path) or failed(message).
    void start(const CaptureOptions& options);
    /// Stops and removes the file being written; emits failed().
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void targetChosen(const heapscope::capture::InspectorTarget& target);
    void progress(qint64 done, qint64 total);
    void finished(const QString& path);
    void failed(const QString& message);

private:
    void fail(const QString& message);

    TargetLister* m_lister;
    InspectorSession* m_session;
    CaptureOptions m_options;
    bool m_running = false;
};

struct CaptureResult {
    QString path;  ///< the written file on success
    QString error; ///< why not, otherwise
    bool ok() const { return error.isEmpty(); }
};

/// Runs an InspectorCapture to the end in a local event loop (for the CLI and tests; never on the
/// GUI thread). Needs a QCoreApplication. `progress` is called with the target's done/total.
CaptureResult captureSnapshot(const CaptureOptions& options,
                              const std::function<void(qint64 done, qint64 total)>& progress = {});

/// Lists the targets at `address` synchronously, like captureSnapshot().
QList<InspectorTarget> listTargets(const InspectorAddress& address, QString* error, int timeoutMs = 5000);

} // namespace heapscope::capture
